/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as the engine files doctor reads (daemon.json,
 * containerd and CRI-O TOML, a hooks.d file) and as a verdict log that
 * `oomguard verdicts` scans. Invariants: every string result is
 * NUL-terminated within its array, counts stay within their bounds, and
 * the scanner hands over only records that parse. */
#define _GNU_SOURCE
#include "doctor.h"
#include "verdictlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void terminated(const char *s, size_t cap)
{
        if (!memchr(s, '\0', cap))
                abort();
}

static int each(yajl_val rec, const char *line, void *ud)
{
        (void)line;
        if (!rec || !YAJL_IS_OBJECT(rec))
                abort();
        ++*(size_t *)ud;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *buf = malloc(size ? size : 1);
        if (!buf)
                return 0;
        memcpy(buf, data, size);
        struct og_error err = {0};
        struct doctor_docker d;
        if (doctor_parse_docker(buf, size, &d, &err) == 0) {
                terminated(d.runtime, sizeof(d.runtime));
                terminated(d.path, sizeof(d.path));
                terminated(d.default_runtime, sizeof(d.default_runtime));
        }
        struct doctor_engine_conf *c = calloc(1, sizeof(*c));
        if (c) {
                doctor_parse_engine_conf(buf, size, c);
                doctor_parse_engine_conf(buf, size, c); /* a second file adds to the first */
                if (c->n_hooks_dir > DOCTOR_HOOKS_DIRS)
                        abort();
                terminated(c->shim_runtime, sizeof(c->shim_runtime));
                terminated(c->default_runtime, sizeof(c->default_runtime));
                for (size_t i = 0; i < c->n_hooks_dir; i++)
                        terminated(c->hooks_dir[i], sizeof(c->hooks_dir[i]));
                free(c);
        }
        struct doctor_hookfile h;
        if (doctor_parse_hookfile(buf, size, &h, &err) == 0)
                terminated(h.path, sizeof(h.path));
        FILE *in = fmemopen(buf, size, "r");
        if (in) {
                size_t n = 0;
                verdictlog_scan(in, "", false, each, &n);
                rewind(in);
                verdictlog_scan(in, "a", true, each, &n);
                fclose(in);
        }
        free(buf);
        return 0;
}
