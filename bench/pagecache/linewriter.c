/* SPDX-License-Identifier: MIT */
/* pc-linewriter PATH MIB [BUFFER]: what a small ETL job does to the page
 * cache. Writes MIB MiB of short CSV records (~85 bytes each) to PATH, one
 * fprintf() per record through stdio, buffered by BUFFER bytes (default:
 * stdio's own, the file's block size), then fclose().
 * No fsync: the data is left to writeback, as most such scripts do.
 * Prints one line with the bytes and seconds; exits 1 on a write error
 * (with its errno), 2 on bad arguments. Linked static, so it runs in a
 * busybox rootfs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
        static const char *const state[] = {"ok", "ok", "retry", "late", "ok"};
        long buffer = argc == 4 ? atol(argv[3]) : 0;
        if (argc < 3 || argc > 4 || atol(argv[2]) <= 0 || buffer < 0 || buffer > (64L << 20)) {
                fprintf(stderr, "usage: pc-linewriter PATH MIB [BUFFER-BYTES]\n");
                return 2;
        }
        long long target = atoll(argv[2]) << 20, written = 0;
        double t0 = now();
        FILE *f = fopen(argv[1], "w");
        if (!f) {
                fprintf(stderr, "pc-linewriter: %s: %s\n", argv[1], strerror(errno));
                return 1;
        }
        /* glibc ignores the size when setvbuf() is given no buffer */
        char *buf = buffer > 0 ? malloc((size_t)buffer) : NULL;
        if (buffer > 0 && (!buf || setvbuf(f, buf, _IOFBF, (size_t)buffer) != 0)) {
                fprintf(stderr, "pc-linewriter: a %ld-byte buffer: %s\n", buffer,
                        strerror(errno));
                fclose(f);
                free(buf);
                return 1;
        }
        for (unsigned long i = 0; written < target; i++) {
                int n = fprintf(
                        f,
                        "%lu,%lu,customer_%05lu,region-%02lu,%lu.%02lu,2024-%02lu-%02lu,%s,%s\n",
                        i, (i * 7919u) % 1000003u, i % 50000u, i % 17u, (i * 31u) % 10000u,
                        i % 100u, 1 + i % 12u, 1 + i % 28u, state[i % 5u],
                        "abcdefghijklmnopqrstuvwxyz" + (i % 11u));
                if (n < 0) {
                        fprintf(stderr, "pc-linewriter: write after %lld MiB: %s\n",
                                written >> 20, strerror(errno));
                        fclose(f);
                        free(buf);
                        return 1;
                }
                written += n;
        }
        int closed = fclose(f);
        free(buf);
        if (closed != 0) {
                fprintf(stderr, "pc-linewriter: close after %lld MiB: %s\n", written >> 20,
                        strerror(errno));
                return 1;
        }
        double dt = now() - t0;
        printf("pc-linewriter: %lld bytes in %.2f s (%.1f MB/s)\n", written, dt,
               (double)written / dt / 1e6);
        return 0;
}
