/* SPDX-License-Identifier: MIT */
/* grow: touches anonymous memory at a steady rate until the kernel kills
 * it, so that a global OOM in the production guests comes slowly enough
 * for the scenario to see the first kill and stop the growth before the
 * kernel goes on to its next victims.
 *
 *   grow MIB_PER_SECOND [MAX_MIB]
 *
 * It says "grow[PID]: N MiB" every 64 MiB on stdout and never frees what
 * it touched; at MAX_MIB (default: no maximum) it holds until killed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1UL << 20)

int main(int argc, char **argv)
{
        if (argc < 2 || atol(argv[1]) <= 0) {
                fputs("usage: grow MIB_PER_SECOND [MAX_MIB]\n", stderr);
                return 2;
        }
        long rate = atol(argv[1]), max = argc > 2 ? atol(argv[2]) : 0, got = 0;
        struct timespec step = {0, 1000000000L / rate};
        setvbuf(stdout, NULL, _IOLBF, 0);
        while (max <= 0 || got < max) {
                char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                               -1, 0);
                if (p == MAP_FAILED) {
                        printf("grow[%d]: mmap failed at %ld MiB\n", (int)getpid(), got);
                        return 3;
                }
                memset(p, 0x5a ^ (int)(got & 0x7f), CHUNK);
                if (++got % 64 == 0)
                        printf("grow[%d]: %ld MiB\n", (int)getpid(), got);
                nanosleep(&step, NULL);
        }
        printf("grow[%d]: holding %ld MiB\n", (int)getpid(), got);
        for (;;)
                pause();
}
