/* SPDX-License-Identifier: MIT */
/* Small helpers shared by every module: cleanup attributes, errors, bounded
 * string handling. */
#ifndef OOMGUARD_UTIL_H
#define OOMGUARD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OG_UNUSED __attribute__((unused))
#define OG_PRINTF(a, b) __attribute__((format(printf, a, b)))

static inline void og_freep(void *p)
{
        free(*(void **)p);
}
static inline void og_closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_free_ __attribute__((cleanup(og_freep)))
#define _cleanup_close_ __attribute__((cleanup(og_closep)))

/* Hand ownership out of a cleanup-managed variable. */
#define TAKE_PTR(p)                                                                              \
        ({                                                                                       \
                __typeof__(p) _tp = (p);                                                         \
                (p) = NULL;                                                                      \
                _tp;                                                                             \
        })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "No value": integer fields the log did not show. */
#define OG_NONE INT64_MIN

/* Fixed-size error: failure paths never allocate. */
struct og_error {
        int code; /* negative errno */
        char msg[512];
};

/* Fill *err (if non-NULL) and return code (a negative errno). */
int og_error_set(struct og_error *err, int code, const char *fmt, ...) OG_PRINTF(3, 4);

/* Put "<fmt>: " before the message already in *err (context added on the
 * way out); returns code. */
int og_error_prefix(struct og_error *err, int code, const char *fmt, ...) OG_PRINTF(3, 4);
/* Duplicate at most max bytes of s[0..len) as a NUL-terminated string. */
char *og_strndup(const char *s, size_t len, size_t max);

/* Case-sensitive prefix test on a counted string. */
static inline bool og_startswith(const char *s, size_t len, const char *lit)
{
        size_t n = strlen(lit);
        return len >= n && memcmp(s, lit, n) == 0;
}

#endif
