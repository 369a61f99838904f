/* SPDX-License-Identifier: MIT */
/* pipesz: the VM suite's high-order charger. Opens pipes and grows each
 * one's ring to MIB MiB with F_SETPIPE_SZ, until one fails: the kernel
 * allocates the ring's slot array with kcalloc(GFP_KERNEL_ACCOUNT), and
 * for a 256 MiB pipe that is one order-10 allocation charged to the
 * caller's memory cgroup. Above order 3 (PAGE_ALLOC_COSTLY_ORDER) a charge
 * at the limit does not invoke the OOM killer (mm/memcontrol.c,
 * mem_cgroup_oom): it fails, and so does the fcntl, with ENOMEM.
 *
 *   pipesz [-n MAX] MIB
 *     prints "pipesz: N pipes of MIB MiB, then ..." and exits 1 when a
 *     resize failed (its errno named), 0 when MAX pipes (default 64) all
 *     grew. The guest raises fs.pipe-max-size and lifts
 *     fs.pipe-user-pages-soft for it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        long max = 64;
        int o;
        while ((o = getopt(argc, argv, "n:")) != -1) {
                if (o != 'n') {
                        fputs("usage: pipesz [-n MAX] MIB\n", stderr);
                        return 2;
                }
                max = atol(optarg);
        }
        if (optind != argc - 1) {
                fputs("usage: pipesz [-n MAX] MIB\n", stderr);
                return 2;
        }
        long mib = atol(argv[optind]);
        for (long i = 0; i < max; i++) {
                int p[2];
                if (pipe(p) < 0) {
                        printf("pipesz: %ld pipes of %ld MiB, then pipe: %s\n", i, mib,
                               strerror(errno));
                        return 1;
                }
                if (fcntl(p[1], F_SETPIPE_SZ, (int)(mib << 20)) < 0) {
                        printf("pipesz: %ld pipes of %ld MiB, then F_SETPIPE_SZ: %s\n", i, mib,
                               strerror(errno));
                        return 1;
                }
        }
        printf("pipesz: %ld pipes of %ld MiB\n", max, mib);
        return 0;
}
