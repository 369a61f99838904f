/* SPDX-License-Identifier: MIT */
/* oomguard-hog [MIB [HOLD_SECONDS]]: touches memory 1 MiB at a time until
 * the kernel kills it, or MIB are touched (then it holds them that long).
 * Caps itself at MAX_MIB so a missing cgroup limit can never turn into a
 * host-wide OOM: it then exits 3 instead. Every chunk stays reachable and is
 * read back, so no compiler can elide the allocations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MIB 1024
#define CHUNK (1 << 20)

static char *chunks[MAX_MIB];

int main(int argc, char **argv)
{
        long max = argc > 1 ? atol(argv[1]) : MAX_MIB;
        unsigned long sum = 0;
        if (max <= 0 || max > MAX_MIB)
                max = MAX_MIB;
        for (long i = 0; i < max; i++) {
                chunks[i] = malloc(CHUNK);
                if (!chunks[i])
                        return 2;
                memset(chunks[i], (int)(i & 0x7f) + 1, CHUNK);
                for (long j = 0; j < CHUNK; j += 4096)
                        sum += (unsigned char)chunks[i][j];
        }
        fprintf(stderr, "oomguard-hog: %ld MiB touched (sum %lu) and still alive\n", max, sum);
        if (argc > 2)
                sleep((unsigned)atoi(argv[2]));
        return 3;
}
