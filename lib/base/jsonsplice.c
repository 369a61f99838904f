/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "jsonsplice.h"
#include "scan.h"

#include <errno.h>
#include <stdio.h>

int js_doc_init(struct js_doc *d, const char *buf, size_t len)
{
        d->buf = malloc(len + 1);
        if (!d->buf)
                return -ENOMEM;
        memcpy(d->buf, buf, len);
        d->buf[len] = '\0';
        d->len = len;
        d->cap = len + 1;
        return 0;
}

void js_doc_free(struct js_doc *d)
{
        free(d->buf);
        d->buf = NULL;
        d->len = d->cap = 0;
}

/* yajl's whitespace: JSON's four, and \v and \f, which it also skips */
static bool is_ws(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static size_t skip_ws(const char *b, size_t len, size_t i)
{
        while (i < len && is_ws(b[i]))
                i++;
        return i;
}

/* b[i] is the opening quote; the offset past the closing one. */
static size_t string_end(const char *b, size_t len, size_t i)
{
        for (i++; i < len; i++) {
                if (b[i] == '\\')
                        i++;
                else if (b[i] == '"')
                        return i + 1;
        }
        return len;
}

size_t js_value_end(const char *b, size_t len, size_t i)
{
        if (i >= len)
                return len;
        if (b[i] == '"')
                return string_end(b, len, i);
        if (b[i] != '{' && b[i] != '[') {
                while (i < len && !is_ws(b[i]) && !strchr(",}]:", b[i]))
                        i++;
                return i;
        }
        size_t depth = 0;
        while (i < len) {
                char c = b[i];
                if (c == '"') {
                        i = string_end(b, len, i);
                        continue;
                }
                if (c == '{' || c == '[')
                        depth++;
                else if ((c == '}' || c == ']') && --depth == 0)
                        return i + 1;
                i++;
        }
        return len;
}

bool js_has_comment(const char *b, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                if (b[i] == '"')
                        i = string_end(b, len, i) - 1;
                else if (b[i] == '/')
                        return true;
        }
        return false;
}

static bool hex4(const char *b, size_t len, size_t i, unsigned *ret)
{
        unsigned v = 0;
        for (size_t k = 0; k < 4; k++) {
                int h = i + k < len ? scan_hexval(b[i + k]) : -1;
                if (h < 0)
                        return false;
                v = v << 4 | (unsigned)h;
        }
        *ret = v;
        return true;
}

static size_t put_utf8(unsigned cp, char *o)
{
        if (cp < 0x80) {
                o[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                o[0] = (char)(0xc0 | cp >> 6);
                o[1] = (char)(0x80 | (cp & 0x3f));
                return 2;
        }
        if (cp < 0x10000) {
                o[0] = (char)(0xe0 | cp >> 12);
                o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
                o[2] = (char)(0x80 | (cp & 0x3f));
                return 3;
        }
        o[0] = (char)(0xf0 | cp >> 18);
        o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[3] = (char)(0x80 | (cp & 0x3f));
        return 4;
}

/* \uXXXX at b[i] (i at the 'u'), with a following low surrogate; the
 * offset of the last byte consumed in *i. */
static bool unicode_escape(const char *b, size_t len, size_t *i, unsigned *ret)
{
        unsigned cp, lo;
        if (!hex4(b, len, *i + 1, &cp))
                return false;
        *i += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && *i + 2 < len && b[*i + 1] == '\\' &&
            b[*i + 2] == 'u' && hex4(b, len, *i + 3, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                *i += 6;
        }
        *ret = cp;
        return true;
}

/* Decode the string at b[i] into out (cap bytes, NUL-terminated). */
static bool decode(const char *b, size_t len, size_t i, char *out, size_t cap)
{
        size_t n = 0, end = string_end(b, len, i);
        if (end > len || end < i + 2)
                return false;
        for (i++; i < end - 1; i++) {
                char tmp[4];
                size_t k = 1;
                tmp[0] = b[i];
                if (b[i] == '\\') {
                        char e = b[++i];
                        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
                        const char *p = e ? strchr(from, e) : NULL;
                        unsigned cp;
                        if (p)
                                tmp[0] = to[p - from];
                        else if (e == 'u' && unicode_escape(b, len, &i, &cp) && cp != 0)
                                k = put_utf8(cp, tmp); /* \u0000 would cut the name short */
                        else
                                return false;
                }
                if (n + k >= cap)
                        return false;
                memcpy(out + n, tmp, k);
                n += k;
        }
        out[n] = '\0';
        return true;
}

/* The value of the last member named key in the object at b[obj]. */
static long member(const char *b, size_t len, size_t obj, const char *key)
{
        long found = -ENOENT;
        size_t i = skip_ws(b, len, obj + 1);
        while (i < len && b[i] != '}') {
                char name[128];
                if (b[i] != '"')
                        return -EINVAL;
                bool match = decode(b, len, i, name, sizeof(name)) && !strcmp(name, key);
                i = skip_ws(b, len, string_end(b, len, i));
                if (i >= len || b[i] != ':')
                        return -EINVAL;
                i = skip_ws(b, len, i + 1);
                if (match)
                        found = (long)i;
                i = skip_ws(b, len, js_value_end(b, len, i));
                if (i < len && b[i] == ',')
                        i = skip_ws(b, len, i + 1);
        }
        return i < len ? found : -EINVAL;
}

static bool is_null(const char *b, size_t len, size_t i)
{
        return i + 4 <= len && !memcmp(b + i, "null", 4);
}

/* Follow path as far as it goes: *depth keys resolved to a non-null
 * value at *off; at depth < n, *off is the object lacking path[depth] and
 * *nul the offset of a null standing for it (or -1). */
static int walk(const struct js_doc *d, const char *const *path, size_t n, size_t *depth,
                size_t *off, long *nul)
{
        size_t cur = skip_ws(d->buf, d->len, 0);
        *nul = -1;
        for (*depth = 0; *depth < n; (*depth)++) {
                *off = cur;
                if (cur >= d->len || d->buf[cur] != '{')
                        return -EINVAL;
                long v = member(d->buf, d->len, cur, path[*depth]);
                if (v == -ENOENT)
                        return 0;
                if (v < 0)
                        return (int)v;
                if (is_null(d->buf, d->len, (size_t)v)) {
                        *nul = v;
                        return 0;
                }
                cur = (size_t)v;
        }
        *off = cur;
        return 0;
}

long js_find(const struct js_doc *d, const char *const *path, size_t n)
{
        size_t depth, off;
        long nul;
        int r = walk(d, path, n, &depth, &off, &nul);
        if (r < 0)
                return r;
        return depth == n ? (long)off : -ENOENT;
}

static int splice(struct js_doc *d, size_t off, size_t del, const char *ins)
{
        size_t n = strlen(ins), len = d->len - del + n;
        if (len + 1 > d->cap) {
                char *p = realloc(d->buf, len + 1);
                if (!p)
                        return -ENOMEM;
                d->buf = p;
                d->cap = len + 1;
        }
        memmove(d->buf + off + n, d->buf + off + del, d->len - off - del + 1);
        memcpy(d->buf + off, ins, n);
        d->len = len;
        return 0;
}

/* {"k1":{"k2":…text…}} for path[from..n) */
static char *nest(const char *const *path, size_t from, size_t n, const char *text)
{
        char *s = strdup(text);
        for (size_t j = n; s && j-- > from;) {
                char *t = NULL;
                if (asprintf(&t, "{\"%s\":%s}", path[j], s) < 0)
                        t = NULL;
                free(s);
                s = t;
        }
        return s;
}

/* Insert text after the last element of the object or array at off. */
static int insert_last(struct js_doc *d, size_t off, const char *text)
{
        size_t close = js_value_end(d->buf, d->len, off) - 1;
        if (close <= off || close >= d->len)
                return -EINVAL;
        bool empty = skip_ws(d->buf, d->len, off + 1) == close;
        size_t at = close;
        while (at > off + 1 && is_ws(d->buf[at - 1]))
                at--;
        if (empty)
                return splice(d, at, 0, text);
        char *t = NULL;
        if (asprintf(&t, ",%s", text) < 0)
                return -ENOMEM;
        int r = splice(d, at, 0, t);
        free(t);
        return r;
}

static int not_object(const char *const *path, size_t depth, struct og_error *err)
{
        char where[256] = "";
        for (size_t i = 0; i <= depth; i++) {
                size_t l = strlen(where);
                snprintf(where + l, sizeof(where) - l, "%s%s", i ? "." : "", path[i]);
        }
        return og_error_set(err, -EINVAL, "\"%s\" is not an object", where);
}

int js_set(struct js_doc *d, const char *const *path, size_t n, const char *text,
           struct og_error *err)
{
        size_t depth, off;
        long nul;
        int r = walk(d, path, n, &depth, &off, &nul);
        if (r < 0)
                return not_object(path, depth, err);
        if (depth == n)
                return splice(d, off, js_value_end(d->buf, d->len, off) - off, text);
        char *inner = nest(path, depth + 1, n, text);
        if (!inner)
                return og_error_set(err, -ENOMEM, "out of memory");
        if (nul >= 0) {
                r = splice(d, (size_t)nul, 4, inner);
        } else {
                char *m = NULL;
                r = asprintf(&m, "\"%s\":%s", path[depth], inner) < 0 ? -ENOMEM
                                                                      : insert_last(d, off, m);
                free(m);
        }
        free(inner);
        return r == -ENOMEM ? og_error_set(err, r, "out of memory") : r;
}

int js_append(struct js_doc *d, const char *const *path, size_t n, const char *text,
              struct og_error *err)
{
        size_t depth, off;
        long nul;
        int r = walk(d, path, n, &depth, &off, &nul);
        if (r < 0)
                return not_object(path, depth, err);
        if (depth < n) {
                _cleanup_free_ char *arr = NULL;
                if (asprintf(&arr, "[%s]", text) < 0)
                        return og_error_set(err, -ENOMEM, "out of memory");
                return js_set(d, path, n, arr, err);
        }
        if (d->buf[off] != '[')
                return og_error_set(err, -EINVAL, "\"%s\" is not an array", path[n - 1]);
        return insert_last(d, off, text);
}

long js_array_elem(const struct js_doc *d, size_t off, size_t i)
{
        const char *b = d->buf;
        if (off >= d->len || b[off] != '[')
                return -1;
        size_t p = skip_ws(b, d->len, off + 1);
        for (size_t k = 0; p < d->len && b[p] != ']'; k++) {
                if (k == i)
                        return (long)p;
                p = skip_ws(b, d->len, js_value_end(b, d->len, p));
                if (p < d->len && b[p] == ',')
                        p = skip_ws(b, d->len, p + 1);
        }
        return -1;
}

bool js_member_str(const struct js_doc *d, size_t off, const char *key, char *buf, size_t cap)
{
        if (off >= d->len || d->buf[off] != '{')
                return false;
        long v = member(d->buf, d->len, off, key);
        return v >= 0 && d->buf[v] == '"' && decode(d->buf, d->len, (size_t)v, buf, cap);
}

bool js_str_at(const struct js_doc *d, size_t off, char *buf, size_t cap)
{
        return off < d->len && d->buf[off] == '"' && decode(d->buf, d->len, off, buf, cap);
}

int js_replace(struct js_doc *d, size_t off, const char *text)
{
        if (off >= d->len)
                return -EINVAL;
        return splice(d, off, js_value_end(d->buf, d->len, off) - off, text);
}
