/* SPDX-License-Identifier: MIT */
/* pc-holder MIB READY: the application beside the writer. Allocates MIB MiB
 * of anonymous memory, touches every page, creates the file READY, then
 * sleeps until a signal ends it. Capped at 4 GiB; linked static. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile char *held; /* held until the end, never freed */

int main(int argc, char **argv)
{
        long mib = argc == 3 ? atol(argv[1]) : 0;
        if (mib <= 0 || mib > 4096) {
                fprintf(stderr, "usage: pc-holder MIB(1-4096) READY-FILE\n");
                return 2;
        }
        size_t n = (size_t)mib << 20;
        held = malloc(n);
        if (!held)
                return 1;
        for (size_t i = 0; i < n; i += 4096)
                held[i] = (char)(i >> 12 | 1);
        int fd = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
                return 1;
        close(fd);
        for (;;)
                pause();
}
