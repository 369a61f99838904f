/* SPDX-License-Identifier: MIT */
/* Shared by the cmocka tests: parse a string, read a file. */
#ifndef OOMGUARD_TESTUTIL_H
#define OOMGUARD_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomlog.h"

static inline struct oomlog_result parse_str(const char *s)
{
        struct oomlog_result r;
        struct og_error err = {0};
        int rc = oomlog_parse(s, strlen(s), &r, &err);
        assert_int_equal(rc, 0);
        return r;
}

static inline const struct oom_kill *kill_by_pid(const struct oomlog_result *r, int64_t pid)
{
        for (size_t i = 0; i < r->n_kills; i++)
                if (r->kills[i].victim_pid == pid)
                        return &r->kills[i];
        return NULL;
}

/* Whole file, NUL-terminated; NULL if unreadable. */
static inline char *read_file(const char *path, size_t *ret_len)
{
        FILE *f = fopen(path, "rbe");
        if (!f)
                return NULL;
        size_t cap = 1 << 16, len = 0;
        char *buf = malloc(cap + 1);
        size_t n;
        while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
                len += n;
                if (len == cap) {
                        char *nb = realloc(buf, cap * 2 + 1);
                        if (!nb) {
                                free(buf);
                                buf = NULL;
                                break;
                        }
                        buf = nb;
                        cap *= 2;
                }
        }
        fclose(f);
        if (buf)
                buf[len] = '\0';
        if (ret_len)
                *ret_len = len;
        return buf;
}

/* A scratch directory /tmp/oomguard-TAG-XXXXXX into buf (64 bytes): 0 or -1.
 * scratch_remove takes it away with all it holds: 0 or non-zero. */
static inline int scratch_make(char *buf, size_t n, const char *tag)
{
        snprintf(buf, n, "/tmp/oomguard-%s-XXXXXX", tag);
        return mkdtemp(buf) ? 0 : -1;
}

static inline int scratch_remove(const char *dir)
{
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        return system(cmd);
}

#endif
