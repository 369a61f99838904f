/* SPDX-License-Identifier: MIT */
/* Bounded scanning over counted strings. A cursor never reads past `end`;
 * every helper returns false (and leaves the cursor alone) on no match. */
#ifndef OOMGUARD_SCAN_H
#define OOMGUARD_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct scan {
        const char *p;
        const char *end;
};

static inline struct scan scan_make(const char *s, size_t len)
{
        return (struct scan){s, s + len};
}

static inline size_t scan_left(const struct scan *s)
{
        return (size_t)(s->end - s->p);
}

static inline bool scan_is_digit(char c)
{
        return c >= '0' && c <= '9';
}
static inline bool scan_is_space(char c)
{
        return c == ' ' || c == '\t';
}
static inline bool scan_is_hex(char c)
{
        return scan_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
/* The value of a hex digit, -1 for anything else. */
static inline int scan_hexval(char c)
{
        return scan_is_digit(c)       ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                      : -1;
}
static inline bool scan_is_alpha(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline size_t scan_skip_spaces(struct scan *s)
{
        const char *start = s->p;
        while (s->p < s->end && scan_is_space(*s->p))
                s->p++;
        return (size_t)(s->p - start);
}

static inline bool scan_lit(struct scan *s, const char *lit)
{
        size_t n = strlen(lit);
        if (scan_left(s) < n || memcmp(s->p, lit, n) != 0)
                return false;
        s->p += n;
        return true;
}

static inline bool scan_char(struct scan *s, char c)
{
        if (s->p < s->end && *s->p == c) {
                s->p++;
                return true;
        }
        return false;
}

/* Count of leading decimal digits. */
static inline size_t scan_digits(const struct scan *s)
{
        const char *q = s->p;
        while (q < s->end && scan_is_digit(*q))
                q++;
        return (size_t)(q - s->p);
}

/* Signed decimal integer; false on no digits or overflow. */
bool scan_i64(struct scan *s, int64_t *ret);

/* Find lit in [p, end); returns pointer or NULL. Does not move. */
const char *scan_find(const struct scan *s, const char *lit);

/* Last occurrence of lit in [p, end), or NULL. */
const char *scan_rfind(const struct scan *s, const char *lit);

/* Trim trailing spaces, tabs, CR and LF from a counted string. */
size_t scan_rtrim(const char *s, size_t len);

#endif
