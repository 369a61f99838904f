/* SPDX-License-Identifier: MIT */
/* memhog: the VM suite's memory eater. Touches anonymous memory one MiB at
 * a time, so every page is really charged to its cgroup.
 *
 *   memhog [-n MIB] [-H]
 *     -n MIB  stop after MIB (default 0: go on until the kernel kills it)
 *     -H      once there, say "holding MIB MiB" and sleep until killed
 *             (a long-running daemon); without it exit 0
 *
 * It never frees what it touched: the chunks stay mapped until it dies. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK (1UL << 20)

static void say(const char *what, long mib)
{
        char b[96];
        int n = snprintf(b, sizeof(b), "memhog[%d]: %s %ld MiB\n", (int)getpid(), what, mib);
        if (n > 0 && write(STDOUT_FILENO, b, (size_t)n) < 0)
                _exit(1);
}

int main(int argc, char **argv)
{
        long want = 0, got = 0;
        int hold = 0, o;
        while ((o = getopt(argc, argv, "n:H")) != -1) {
                if (o == 'n')
                        want = atol(optarg);
                else if (o == 'H')
                        hold = 1;
                else {
                        fputs("usage: memhog [-n MIB] [-H]\n", stderr);
                        return 2;
                }
        }
        while (want <= 0 || got < want) {
                char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                               -1, 0);
                if (p == MAP_FAILED) {
                        say("mmap failed at", got);
                        return 3;
                }
                memset(p, 0x5a ^ (int)(got & 0x7f), CHUNK);
                got++;
        }
        if (!hold) {
                say("touched", got);
                return 0;
        }
        say("holding", got);
        for (;;)
                pause();
}
