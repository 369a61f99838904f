/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as the engine files doctor reads (daemon.json,
 * containerd and CRI-O TOML, a hooks.d file) and as dockerd's GET /info.
 * Invariants: every string result is NUL-terminated within its array,
 * counts stay within their bounds, and a runtime taken for the shim has a
 * path that names it. (The verdict log `oomguard verdicts` scans: see
 * fuzz_records.c.) */
#define _GNU_SOURCE
#include "doctor.h"

#include <stdlib.h>
#include <string.h>

static void terminated(const char *s, size_t cap)
{
        if (!memchr(s, '\0', cap))
                abort();
}

static void docker_info(const char *buf, size_t len)
{
        struct og_error err = {0};
        struct doctor_docker_live l;
        if (doctor_parse_docker_info(buf, len, &l, &err) < 0)
                return;
        terminated(l.default_runtime, sizeof(l.default_runtime));
        terminated(l.default_path, sizeof(l.default_path));
        terminated(l.shim_runtime, sizeof(l.shim_runtime));
        terminated(l.shim_path, sizeof(l.shim_path));
        size_t n = strlen(l.shim_path), m = strlen("oomguard-shim");
        if (l.shim_runtime[0] && (n < m || strcmp(l.shim_path + n - m, "oomguard-shim")))
                abort(); /* the shim's runtime without the shim's path */
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
        docker_info(buf, size);
        free(buf);
        return 0;
}
