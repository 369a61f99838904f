/* SPDX-License-Identifier: MIT */
/* oomguard-hog: touches memory 1 MiB at a time until the kernel kills it.
 * Caps itself at MAX_MIB so a missing cgroup limit can never turn into a
 * host-wide OOM: it then exits 3 instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MIB 1024

int main(int argc, char **argv)
{
        long max = argc > 1 ? atol(argv[1]) : MAX_MIB;
        if (max <= 0 || max > MAX_MIB)
                max = MAX_MIB;
        for (long i = 0; i < max; i++) {
                char *p = malloc(1 << 20);
                if (!p)
                        return 2;
                memset(p, (int)(i & 0x7f) + 1, 1 << 20);
        }
        fprintf(stderr, "oomguard-hog: %ld MiB touched and still alive\n", max);
        return 3;
}
