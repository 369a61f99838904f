/* SPDX-License-Identifier: MIT */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>

int og_error_set(struct og_error *err, int code, const char *fmt, ...)
{
        if (err) {
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
                va_end(ap);
                err->code = code;
        }
        return code;
}

int og_error_prefix(struct og_error *err, int code, const char *fmt, ...)
{
        if (err) {
                char pre[sizeof(err->msg)], old[sizeof(err->msg)];
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(pre, sizeof(pre), fmt, ap);
                va_end(ap);
                memcpy(old, err->msg, sizeof(old));
                size_t n = strnlen(pre, sizeof(pre) - 3);
                memcpy(err->msg, pre, n);
                memcpy(err->msg + n, ": ", 2);
                size_t room = sizeof(err->msg) - n - 3, m = strnlen(old, room);
                memcpy(err->msg + n + 2, old, m);
                err->msg[n + 2 + m] = '\0';
                err->code = code;
        }
        return code;
}

char *og_strndup(const char *s, size_t len, size_t max)
{
        if (len > max)
                len = max;
        char *r = malloc(len + 1);
        if (!r)
                return NULL;
        memcpy(r, s, len);
        r[len] = '\0';
        return r;
}
