/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "scan.h"

bool scan_i64(struct scan *s, int64_t *ret)
{
        struct scan t = *s;
        bool neg = scan_char(&t, '-');
        if (!neg)
                scan_char(&t, '+');
        size_t n = scan_digits(&t);
        if (n == 0)
                return false;
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++) {
                uint64_t d = (uint64_t)(t.p[i] - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return false;
                v = v * 10 + d;
        }
        if (v > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
                return false;
        *ret = neg ? (int64_t)(0 - v) : (int64_t)v;
        s->p = t.p + n;
        return true;
}

const char *scan_find(const struct scan *s, const char *lit)
{
        return memmem(s->p, scan_left(s), lit, strlen(lit));
}

const char *scan_rfind(const struct scan *s, const char *lit)
{
        size_t n = strlen(lit);
        if (n == 0 || scan_left(s) < n)
                return NULL;
        for (const char *q = s->end - n;; q--) {
                if (memcmp(q, lit, n) == 0)
                        return q;
                if (q == s->p)
                        return NULL;
        }
}

size_t scan_rtrim(const char *s, size_t len)
{
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                           s[len - 1] == '\n'))
                len--;
        return len;
}
