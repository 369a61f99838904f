/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as /etc/oomguard/config.json, and (up to the first
 * NUL) as a size and a swap value the way the config and the
 * org.oomguard.* annotations write them. Besides memory errors and leaks
 * it checks that an accepted configuration is within its documented
 * bounds, that a refusal says why, and that a size reads back the same
 * from its decimal form. */
#define _GNU_SOURCE
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool abs_path(const char *p)
{
        return p[0] == '/' && !strstr(p, "/../");
}

static void check_config(const struct og_config *c)
{
        if (c->adj < -1000 || c->adj > 1000 || c->adj_floor < -1000 || c->adj_floor > 1000)
                abort();
        if (c->swap.mode > SWAP_PERCENT || c->swap.bytes < 0 || c->swap.percent < 0 ||
            c->swap.percent > 1000)
                abort();
        if (c->memory_high_percent < 0 || c->memory_high_percent > 100 || c->oom_group < -1 ||
            c->oom_group > 1)
                abort();
        if (!abs_path(c->state_dir) || !abs_path(c->verdict_log) ||
            (c->hook[0] && !abs_path(c->hook)))
                abort();
        if (!c->runtime[0] || (c->runtime[0] != '/' && strchr(c->runtime, '/')) ||
            (c->runtime[0] == '/' && !abs_path(c->runtime)))
                abort();
        if (c->hook_timeout < 1 || c->hook_timeout > 300)
                abort();
}

static void check_size(const char *s)
{
        int64_t v, again;
        if (!config_parse_size(s, &v))
                return;
        if (v < 0 || s[0] < '0' || s[0] > '9')
                abort();
        char num[32];
        snprintf(num, sizeof(num), "%" PRId64, v);
        if (!config_parse_size(num, &again) || again != v)
                abort();
        /* a unit multiplies by 1024^n: never a partial KiB */
        size_t n = strlen(s);
        if (n && s[n - 1] != 'B' && (s[n - 1] < '0' || s[n - 1] > '9') && v % 1024)
                abort();
}

static void check_swap(const char *s)
{
        struct swap_policy p;
        if (!config_parse_swap(s, &p))
                return;
        switch (p.mode) {
        case SWAP_INHERIT:
        case SWAP_NONE:
        case SWAP_UNLIMITED: break;
        case SWAP_BYTES:
                if (p.bytes < 0)
                        abort();
                break;
        case SWAP_PERCENT:
                if (p.percent < 0 || p.percent > 1000 || s[strlen(s) - 1] != '%')
                        abort();
                break;
        default: abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct og_config c; /* 16 KiB of paths: off the stack */
        struct og_error err = {0};
        int r = config_parse((const char *)data, size, "fuzz.json", &c, &err);
        if (r < 0 && (!err.msg[0] || err.code != r))
                abort();
        if (r == 0)
                check_config(&c);
        char *s = strndup((const char *)data, size);
        if (!s)
                abort();
        check_size(s);
        check_swap(s);
        free(s);
        return 0;
}
