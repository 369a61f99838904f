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
