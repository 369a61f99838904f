/* SPDX-License-Identifier: MIT */
#include "jsongen.h"

#include "text.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void jg_key(yajl_gen g, const char *k)
{
        char buf[256];
        size_t n = text_sanitize(k, buf, sizeof(buf));
        yajl_gen_string(g, (const unsigned char *)buf, n);
}

void jg_strval(yajl_gen g, const char *v)
{
        char buf[8192];
        size_t n = text_sanitize(v, buf, sizeof(buf));
        yajl_gen_string(g, (const unsigned char *)buf, n);
}

void jg_str(yajl_gen g, const char *k, const char *v)
{
        jg_key(g, k);
        if (!v || !*v)
                yajl_gen_null(g);
        else
                jg_strval(g, v);
}

void jg_int(yajl_gen g, const char *k, int64_t v)
{
        jg_key(g, k);
        if (v == OG_NONE)
                yajl_gen_null(g);
        else
                yajl_gen_integer(g, v);
}

void jg_bool(yajl_gen g, const char *k, bool v)
{
        jg_key(g, k);
        yajl_gen_bool(g, v);
}

int jg_finish(yajl_gen g, bool newline, char **ret, size_t *ret_len)
{
        const unsigned char *b;
        size_t len;
        char *out = NULL;
        if (yajl_gen_get_buf(g, &b, &len) == yajl_gen_status_ok && (out = malloc(len + 2))) {
                memcpy(out, b, len);
                if (newline)
                        out[len++] = '\n';
                out[len] = '\0';
                *ret = out;
                *ret_len = len;
        }
        yajl_gen_free(g);
        return out ? 0 : -ENOMEM;
}

int jg_write_line(yajl_gen g, FILE *out)
{
        char *line;
        size_t len;
        if (jg_finish(g, true, &line, &len) < 0)
                return -ENOMEM;
        int r = fwrite(line, 1, len, out) == len ? 0 : -EIO;
        free(line);
        return r;
}
