/* SPDX-License-Identifier: MIT */
/* The preload tests' probe: writes MIB MiB to FILE one way, then prints
 * how many MiB of the file are still in the page cache (mincore).
 *   pcprobe write|pwrite|writev|forkexec|fwrite FILE MIB
 * forkexec: a child forked and re-executed (as programs that fork and exec
 * do) does the writing with write(); the parent prints the child's figure.
 * fwrite: through a stdio stream, whose flushes call glibc's internal
 * write, which no preload sees (as awk, sort or samtools write). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static char block[1 << 20];

static long resident_mib(int fd, size_t len)
{
        void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
        size_t pages = (len + 4095) / 4096, in = 0;
        unsigned char *v = malloc(pages);
        if (m == MAP_FAILED || !v || mincore(m, len, v) != 0)
                return -1;
        for (size_t i = 0; i < pages; i++)
                in += v[i] & 1;
        return (long)(in * 4096 >> 20);
}

static int put(int fd, const char *mode, int i)
{
        if (!strcmp(mode, "pwrite"))
                return pwrite(fd, block, sizeof(block), (off_t)i << 20) == sizeof(block);
        if (!strcmp(mode, "writev")) {
                struct iovec io[2] = {{block, sizeof(block) / 2}, {block, sizeof(block) / 2}};
                return writev(fd, io, 2) == sizeof(block);
        }
        return write(fd, block, sizeof(block)) == sizeof(block);
}

int main(int argc, char **argv)
{
        if (argc != 4)
                return 2;
        int mib = atoi(argv[3]);
        if (!strcmp(argv[1], "forkexec")) {
                pid_t c = fork();
                if (c == 0) {
                        execl("/proc/self/exe", argv[0], "write", argv[2], argv[3], (char *)NULL);
                        _exit(127);
                }
                int st;
                return waitpid(c, &st, 0) == c && WIFEXITED(st) ? WEXITSTATUS(st) : 1;
        }
        memset(block, 'x', sizeof(block));
        int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return 1;
        FILE *f = !strcmp(argv[1], "fwrite") ? fdopen(dup(fd), "w") : NULL;
        for (int i = 0; i < mib; i++)
                if (f ? fwrite(block, 1, sizeof(block), f) != sizeof(block)
                      : !put(fd, argv[1], i))
                        return 1;
        if (f && fclose(f) != 0)
                return 1;
        printf("%ld\n", resident_mib(fd, (size_t)mib << 20));
        return 0;
}
