/* SPDX-License-Identifier: MIT */
/* Which C library a container image's programs load: the write-window
 * library is built for glibc and must never be preloaded into musl
 * programs, and is pointless in an image of static binaries. Paths are
 * resolved inside the image's root (openat2 RESOLVE_IN_ROOT), so symlinks
 * in the image cannot point the look-up at the host. */
#ifndef OOMGUARD_ROOTFS_H
#define OOMGUARD_ROOTFS_H

enum rootfs_libc {
        ROOTFS_UNKNOWN = 0, /* the root could not be opened */
        ROOTFS_GLIBC,
        ROOTFS_MUSL,   /* musl's loader is there (glibc's too, maybe) */
        ROOTFS_STATIC, /* no dynamic loader at all */
};

/* root_path as config.json writes it: absolute, or relative to bundle. */
enum rootfs_libc rootfs_libc(const char *bundle, const char *root_path);
#endif
