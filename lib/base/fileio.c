/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

static int replace(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                   bool sync, struct og_error *err)
{
        char tmp[256];
        if ((size_t)snprintf(tmp, sizeof(tmp), ".%s.oomguard-tmp", name) >= sizeof(tmp))
                return og_error_set(err, -ENAMETOOLONG, "%s: name too long", name);
        unlinkat(dirfd, tmp, 0); /* a leftover, or a planted symlink */
        int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0)
                return og_error_set(err, -errno, "creating %s: %s", tmp, strerror(errno));
        int r = fchmod(fd, mode) < 0 ? -errno : 0; /* not narrowed by the umask */
        if (r == 0)
                r = write_all(fd, data, len);
        if (r == 0 && sync && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0) {
                unlinkat(dirfd, tmp, 0);
                return og_error_set(err, r, "writing %s: %s", name, strerror(-r));
        }
        return 0;
}

int fileio_write_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                        struct og_error *err)
{
        return replace(dirfd, name, data, len, mode, true, err);
}

int fileio_replace(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                   struct og_error *err)
{
        return replace(dirfd, name, data, len, mode, false, err);
}

ssize_t fileio_read_upto(int fd, char *buf, size_t n)
{
        size_t len = 0;
        while (len < n) {
                ssize_t r = read(fd, buf + len, n - len);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (r == 0)
                        break;
                len += (size_t)r;
        }
        return (ssize_t)len;
}

/* After a full buffer: 0 at the end of the file, -EFBIG if more follows. */
static int at_end(int fd)
{
        char c;
        ssize_t r = fileio_read_upto(fd, &c, 1);
        return r < 0 ? (int)r : r ? -EFBIG : 0;
}

ssize_t fileio_read_fd(int fd, char *buf, size_t cap)
{
        if (fd < 0)
                return fd;
        if (cap == 0)
                return -EFBIG;
        ssize_t n = fileio_read_upto(fd, buf, cap - 1);
        if (n < 0)
                return n;
        int r = (size_t)n == cap - 1 ? at_end(fd) : 0;
        if (r < 0)
                return r;
        buf[n] = '\0';
        return n;
}

ssize_t fileio_read_at(int dirfd, const char *name, char *buf, size_t cap)
{
        _cleanup_close_ int fd = openat(dirfd, name,
                                        O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return fileio_read_fd(fd, buf, cap);
}

int fileio_read_fd_alloc(int fd, size_t max, char **ret, size_t *ret_len)
{
        size_t cap = 64 * 1024 < max ? 64 * 1024 : max, len = 0;
        _cleanup_free_ char *buf = NULL;
        for (;;) {
                char *nb = realloc(buf, cap + 1);
                if (!nb)
                        return -ENOMEM;
                buf = nb;
                ssize_t n = fileio_read_upto(fd, buf + len, cap - len);
                if (n < 0)
                        return (int)n;
                len += (size_t)n;
                if (len < cap)
                        break;
                if (cap == max) {
                        int r = at_end(fd);
                        if (r < 0)
                                return r;
                        break;
                }
                cap = cap > max / 2 ? max : cap * 2;
        }
        buf[len] = '\0';
        *ret_len = len;
        *ret = TAKE_PTR(buf);
        return 0;
}

int fileio_read(int dirfd, const char *name, size_t max, char **ret, size_t *ret_len,
                mode_t *ret_mode, struct og_error *err)
{
        /* O_NONBLOCK: a FIFO there must not stall the caller (S_ISREG below) */
        _cleanup_close_ int fd = openat(dirfd, name,
                                        O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0)
                return og_error_set(err, -errno, "cannot open %s: %s", name, strerror(errno));
        if (!S_ISREG(st.st_mode))
                return og_error_set(err, -EINVAL, "%s is not a regular file", name);
        if ((uint64_t)st.st_size > max)
                return og_error_set(err, -EFBIG, "%s is larger than %zu bytes", name, max);
        /* more than st_size: it is being rewritten; /proc files say 0 */
        size_t cap = st.st_size > 0 ? (size_t)st.st_size : max;
        char *buf = malloc(cap + 1);
        if (!buf)
                return og_error_set(err, -ENOMEM, "out of memory");
        ssize_t n = fileio_read_fd(fd, buf, cap + 1); /* a file that grew fails */
        if (n < 0) {
                free(buf);
                if (n != -EFBIG)
                        return og_error_set(err, (int)n, "reading %s: %s", name,
                                            strerror((int)-n));
                return st.st_size > 0 ? og_error_set(err, -EAGAIN,
                                                     "%s changed while being "
                                                     "read; try again",
                                                     name)
                                      : og_error_set(err, -EFBIG,
                                                     "%s is larger than %zu "
                                                     "bytes",
                                                     name, max);
        }
        if (ret_mode)
                *ret_mode = st.st_mode & 07777;
        *ret_len = (size_t)n;
        *ret = buf;
        return 0;
}
