/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "kmsg.h"

#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

size_t kmsg_header_parse(const char *line, size_t len, struct kmsg_header *ret)
{
        struct scan t = scan_make(line, len);
        struct kmsg_header h;
        if (!scan_i64(&t, &h.pri) || !scan_char(&t, ',') || !scan_i64(&t, &h.seq) ||
            !scan_char(&t, ',') || !scan_i64(&t, &h.usec) || !scan_char(&t, ','))
                return 0;
        const char *semi = memchr(t.p, ';', scan_left(&t) < 64 ? scan_left(&t) : 64);
        if (!semi || h.pri < 0 || h.seq < 0 || h.usec < 0)
                return 0;
        for (const char *q = t.p; q < semi; q++)
                if (scan_is_space(*q))
                        return 0;
        *ret = h;
        return (size_t)(semi - line) + 1;
}

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

ssize_t kmsg_read_record(int fd, char *buf)
{
        for (;;) {
                ssize_t n = read(fd, buf, KMSG_RECORD_MAX);
                if (n >= 0) {
                        buf[n] = '\0';
                        return n;
                }
                if (errno == EAGAIN)
                        return 0;
                if (errno != EINTR)
                        return -errno;
        }
}

int kmsg_read_all(const char *path, kmsg_line_fn fn, void *userdata, struct kmsg_stats *ret_stats,
                  struct og_error *err)
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
                ssize_t n = kmsg_read_record(fd, buf);
                if (n == -EPIPE) {
                        st.lost++;
                        st.resumed_seq = -1;
                        continue;
                }
                if (n == -EINVAL) /* the record does not fit: the kernel would
                                   * return it again */
                        return og_error_set(err, -EINVAL,
                                            "%s: a record longer than %d "
                                            "bytes; read the log with dmesg",
                                            path, KMSG_RECORD_MAX);
                if (n < 0)
                        return og_error_set(err, (int)n, "reading %s: %s", path,
                                            strerror((int)-n));
                if (n == 0)
                        break; /* caught up, or a regular file's end */
                st.records++;
                struct kmsg_header h;
                if (st.lost > 0 && st.resumed_seq < 0 &&
                    kmsg_header_parse(buf, (size_t)n, &h) > 0)
                        st.resumed_seq = h.seq;
                int r = feed_record(buf, (size_t)n, fn, userdata);
                if (r < 0)
                        return og_error_set(err, r, "processing %s: %s", path, strerror(-r));
        }
        if (ret_stats)
                *ret_stats = st;
        return 0;
}
