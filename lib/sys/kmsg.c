/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int feed_record(const char *buf, size_t n, kmsg_line_fn fn, void *ud)
{
        for (const char *s = buf, *end = buf + n; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                int r = fn(s, (size_t)(e - s), ud);
                if (r < 0)
                        return r;
                s = nl ? nl + 1 : end;
        }
        return 0;
}

int kmsg_read_all(const char *path, kmsg_line_fn fn, void *userdata,
                  struct kmsg_stats *ret_stats, struct og_error *err)
{
        char buf[KMSG_RECORD_MAX + 1];
        struct kmsg_stats st = {0};
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return og_error_set(err, -errno,
                                    "cannot open %s: %s (reading the kernel log "
                                    "needs root or CAP_SYSLOG; or save it with "
                                    "'dmesg > file' and explain the file)",
                                    path, strerror(errno));
        for (;;) {
                ssize_t n = read(fd, buf, KMSG_RECORD_MAX);
                if (n < 0) {
                        if (errno == EAGAIN)
                                break; /* caught up */
                        if (errno == EPIPE) {
                                st.lost++;
                                continue;
                        }
                        if (errno == EINVAL) /* the record does not fit: the
                                              * kernel would return it again */
                                return og_error_set(err, -EINVAL,
                                                    "%s: a record longer than %d "
                                                    "bytes; read the log with dmesg",
                                                    path, KMSG_RECORD_MAX);
                        if (errno == EINTR)
                                continue;
                        return og_error_set(err, -errno, "reading %s: %s", path,
                                            strerror(errno));
                }
                if (n == 0)
                        break; /* a regular file: end of data */
                st.records++;
                int r = feed_record(buf, (size_t)n, fn, userdata);
                if (r < 0)
                        return og_error_set(err, r, "processing %s: %s", path,
                                            strerror(-r));
        }
        if (ret_stats)
                *ret_stats = st;
        return 0;
}
