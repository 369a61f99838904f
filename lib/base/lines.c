/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "lines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lines_buf {
        char *b;
        size_t len, cap; /* cap = line_max + 1: a full buffer without '\n' is too long */
        bool skipping;   /* inside a line too long to keep */
};

/* Hand over every complete line in the buffer; keep the partial rest. */
static void emit(struct lines_buf *lb, lines_fn fn, void *ctx, struct lines_stats *st)
{
        size_t off = 0;
        for (;;) {
                char *nl = memchr(lb->b + off, '\n', lb->len - off);
                if (!nl)
                        break;
                size_t n = (size_t)(nl - (lb->b + off));
                if (lb->skipping)
                        lb->skipping = false; /* the end of a skipped line */
                else {
                        fn(lb->b + off, n, ctx);
                        st->lines++;
                }
                off += n + 1;
        }
        memmove(lb->b, lb->b + off, lb->len - off);
        lb->len -= off;
        if (lb->len == lb->cap) { /* no '\n' in line_max + 1 bytes */
                if (!lb->skipping)
                        st->skipped++;
                lb->skipping = true;
                lb->len = 0;
        }
}

int lines_read_fd(int fd, size_t line_max, lines_fn fn, void *ctx, struct lines_stats *ret,
                  struct og_error *err)
{
        struct lines_buf lb = {
                .b = malloc(line_max + 1), .len = 0, .cap = line_max + 1, .skipping = false};
        struct lines_stats st = {0, 0};
        if (!lb.b)
                return og_error_set(err, -ENOMEM, "out of memory");
        for (;;) {
                ssize_t n = read(fd, lb.b + lb.len, lb.cap - lb.len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = -errno;
                        free(lb.b);
                        return og_error_set(err, e, "%s", strerror(-e));
                }
                if (n == 0)
                        break;
                lb.len += (size_t)n;
                emit(&lb, fn, ctx, &st);
        }
        if (lb.len > 0 && !lb.skipping) {
                fn(lb.b, lb.len, ctx);
                st.lines++;
        }
        free(lb.b);
        if (ret)
                *ret = st;
        return 0;
}

int lines_read(const char *path, size_t line_max, lines_fn fn, void *ctx, struct lines_stats *ret,
               struct og_error *err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return og_error_set(err, -errno, "%s: %s", path, strerror(errno));
        int r = lines_read_fd(fd, line_max, fn, ctx, ret, err);
        return r < 0 ? og_error_prefix(err, r, "%s", path) : 0;
}
