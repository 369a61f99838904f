/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "statedir.h"

#include "fileio.h"
#include "ocid.h"
#include "sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_base(const char *base, bool create, struct og_error *err)
{
        if (create && mkdir(base, 0700) < 0 && errno != EEXIST)
                return og_error_set(err, -errno,
                                    "cannot create %s: %s (is /run "
                                    "writable?)",
                                    base, strerror(errno));
        int fd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return og_error_set(err, -errno, "cannot open %s: %s", base, strerror(errno));
        return fd;
}

static bool plain(const char *id, size_t len)
{
        if (len == 0 || len > STATEDIR_NAME_MAX || id[0] == '.' || id[0] == '-')
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = id[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_' || c == '+' || c == ',' || c == '.' ||
                      c == '-'))
                        return false;
        }
        return true;
}

int statedir_name(const char *id, char ret[STATEDIR_NAME_MAX + 1], struct og_error *err)
{
        size_t len = strlen(id);
        const char *why = oci_id_problem(id, len);
        if (why) {
                char shown[96];
                return og_error_set(err, -EINVAL,
                                    "container id \"%s\" cannot name a state "
                                    "directory: %s",
                                    oci_id_display(id, len, shown, sizeof(shown)), why);
        }
        if (plain(id, len)) {
                memcpy(ret, id, len + 1);
                return 0;
        }
        uint8_t d[SHA256_LEN];
        sha256(id, len, d);
        ret[0] = '%';
        for (size_t i = 0; i < SHA256_LEN; i++)
                snprintf(ret + 1 + 2 * i, 3, "%02x", d[i]);
        return 0;
}

int statedir_open(const char *base, const char *id, bool create, int *ret, struct og_error *err)
{
        char name[STATEDIR_NAME_MAX + 1];
        int r = statedir_name(id, name, err);
        if (r < 0)
                return r;
        int b = open_base(base, create, err);
        if (b < 0)
                return b;
        if (create && mkdirat(b, name, 0700) < 0 && errno != EEXIST) {
                int e = -errno;
                close(b);
                return og_error_set(err, e, "cannot create %s/%s: %s", base, name, strerror(-e));
        }
        int fd = openat(b, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = -errno;
        close(b);
        if (fd < 0)
                return og_error_set(err, e, "cannot open %s/%s: %s", base, name, strerror(-e));
        *ret = fd;
        return 0;
}

int statedir_write(int dirfd, const char *name, const char *data, size_t len,
                   struct og_error *err)
{
        int r = fileio_replace(dirfd, name, data, len, 0600, err);
        if (r < 0)
                og_error_prefix(err, r, "saving the state");
        return r;
}

int statedir_read(int dirfd, const char *name, char *buf, size_t cap, size_t *ret_len,
                  struct og_error *err)
{
        /* O_NONBLOCK: a FIFO planted here must not stall the hook */
        _cleanup_close_ int fd = openat(dirfd, name,
                                        O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0)
                return og_error_set(err, -errno, "reading state %s: %s", name, strerror(errno));
        if (!S_ISREG(st.st_mode))
                return og_error_set(err, -EINVAL, "state %s is not a regular file", name);
        ssize_t n = fileio_read_fd(fd, buf, cap);
        if (n == -EFBIG)
                return og_error_set(err, -EFBIG, "state %s is too large", name);
        if (n < 0)
                return og_error_set(err, (int)n, "reading state %s: %s", name, strerror((int)-n));
        *ret_len = (size_t)n;
        return 0;
}

int statedir_remove(const char *base, const char *id, struct og_error *err)
{
        int d = -1;
        char name[STATEDIR_NAME_MAX + 1];
        int r = statedir_name(id, name, err);
        if (r < 0)
                return r;
        r = statedir_open(base, id, false, &d, err);
        if (r < 0 || d < 0)
                return r < 0 ? r : -EBADF;
        DIR *dir = fdopendir(d);
        if (!dir) {
                close(d);
                return og_error_set(err, -errno, "listing %s/%s: %s", base, name,
                                    strerror(errno));
        }
        int b = open_base(base, false, err);
        if (b < 0) {
                closedir(dir);
                return b;
        }
        /* The watcher may still be writing a file as we sweep; once the
         * directory is gone its writes fail, so sweep until it is. */
        for (int tries = 0; tries < 100; tries++) {
                struct dirent *de;
                rewinddir(dir);
                while ((de = readdir(dir)))
                        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                                unlinkat(dirfd(dir), de->d_name, 0);
                r = unlinkat(b, name, AT_REMOVEDIR) < 0 ? -errno : 0;
                if (r != -ENOTEMPTY)
                        break;
        }
        closedir(dir);
        close(b);
        if (r < 0)
                return og_error_set(err, r, "removing %s/%s: %s", base, name, strerror(-r));
        return 0;
}
