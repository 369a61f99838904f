/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "rootfs.h"

#include "util.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_in(int root, const char *path, int flags)
{
        struct open_how how = {
                .flags = (unsigned long long)(flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

static bool exists_in(int root, const char *path)
{
        int fd = open_in(root, path, O_PATH);
        if (fd < 0)
                return false;
        close(fd);
        return true;
}

/* lib/ld-musl-<arch>.so.1, wherever lib/ leads inside the image */
static bool has_musl(int root)
{
        static const char *const dirs[] = {"lib", "usr/lib"};
        bool found = false;
        for (size_t i = 0; i < ARRAY_SIZE(dirs) && !found; i++) {
                int fd = open_in(root, dirs[i], O_RDONLY | O_DIRECTORY);
                DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
                struct dirent *e;
                while (d && !found && (e = readdir(d)))
                        found = !strncmp(e->d_name, "ld-musl-", 8);
                if (d)
                        closedir(d);
                else if (fd >= 0)
                        close(fd);
        }
        return found;
}

enum rootfs_libc rootfs_libc(const char *bundle, const char *root_path)
{
        static const char *const glibc[] = {
                "lib64/ld-linux-x86-64.so.2",
                "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                "usr/lib64/ld-linux-x86-64.so.2",
                "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                "lib/ld-linux-aarch64.so.1",
                "lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
                "usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
        };
        char p[PATH_MAX];
        const char *rp = root_path && root_path[0] ? root_path : "rootfs";
        if ((size_t)(rp[0] == '/' ? snprintf(p, sizeof(p), "%s", rp)
                                  : snprintf(p, sizeof(p), "%s/%s", bundle, rp)) >= sizeof(p))
                return ROOTFS_UNKNOWN;
        int root = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return ROOTFS_UNKNOWN;
        enum rootfs_libc k = has_musl(root) ? ROOTFS_MUSL : ROOTFS_STATIC;
        for (size_t i = 0; k == ROOTFS_STATIC && i < ARRAY_SIZE(glibc); i++)
                if (exists_in(root, glibc[i]))
                        k = ROOTFS_GLIBC;
        close(root);
        return k;
}
