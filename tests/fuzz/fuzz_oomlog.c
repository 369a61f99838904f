/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes through the log parser, both as one buffer and fed
 * line by line, then through both printers. Checks invariants, not just
 * crashes: the two paths agree, every kill renders as one JSON line. */
#include "explain.h"
#include "oomlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *devnull;

static void render(const struct oomlog_result *r)
{
        for (size_t i = 0; i < r->n_kills; i++) {
                if (explain_write_json(devnull, &r->kills[i]) < 0 ||
                    explain_write_text(devnull, &r->kills[i], i, r->n_kills) < 0)
                        abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!devnull)
                devnull = fopen("/dev/null", "we");
        struct oomlog_result a, b;
        if (oomlog_parse((const char *)data, size, &a, NULL) < 0)
                abort();
        render(&a);
        struct oomlog *p = oomlog_new();
        if (!p)
                abort();
        const char *s = (const char *)data, *end = s + size;
        while (s < end) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                oomlog_feed_line(p, s, (size_t)(e - s));
                s = nl ? nl + 1 : end;
        }
        if (oomlog_finish(p, &b) < 0)
                abort();
        /* newest-first detection only applies to whole buffers */
        if (!a.stats.reversed && a.n_kills != b.n_kills)
                abort();
        for (size_t i = 0; i < a.n_kills && !a.stats.reversed; i++)
                if (a.kills[i].victim_pid != b.kills[i].victim_pid ||
                    a.kills[i].scope != b.kills[i].scope)
                        abort();
        oomlog_result_free(&a);
        oomlog_result_free(&b);
        return 0;
}
