/* SPDX-License-Identifier: MIT */
/* Whole-file reads and writes relative to a directory fd, never through a
 * symlink: a bounded read that fails rather than truncates, and an atomic
 * replace (temp file beside it, fsync, rename). */
#ifndef OOMGUARD_FILEIO_H
#define OOMGUARD_FILEIO_H
#include "util.h"
#include <sys/types.h>

/* Replace dirfd/name with data; the new file gets mode. A negative errno;
 * err says which step failed. */
int fileio_write_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                        struct og_error *err);
/* The same without the fsync, for what is not meant to outlive a boot. */
int fileio_replace(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                   struct og_error *err);

/* The one bounded read: fd to its end into buf (cap bytes, NUL-terminated).
 * The length read, or a negative errno; -EFBIG when it does not fit, never
 * a truncated file. */
ssize_t fileio_read_fd(int fd, char *buf, size_t cap);
/* The loop under all of them: up to n bytes from fd (a pipe or socket
 * gives them in pieces), fewer only at the end; no NUL added. */
ssize_t fileio_read_upto(int fd, char *buf, size_t n);
/* The same for dirfd/name (a path, or a name relative to dirfd; AT_FDCWD
 * for none), opened read-only, never through a symlink in its last part,
 * never waiting on a FIFO. */
ssize_t fileio_read_at(int dirfd, const char *name, char *buf, size_t cap);
/* fd to its end into a malloc'd NUL-terminated buffer that grows up to max
 * bytes; -EFBIG when larger. */
int fileio_read_fd_alloc(int fd, size_t max, char **ret, size_t *ret_len);

/* dirfd/name, a regular file of at most max bytes, into a malloc'd
 * NUL-terminated buffer; -EFBIG when larger. ret_mode may be NULL. */
int fileio_read(int dirfd, const char *name, size_t max, char **ret, size_t *ret_len,
                mode_t *ret_mode, struct og_error *err);
#endif
