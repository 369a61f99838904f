/* SPDX-License-Identifier: MIT */
#include "policy.h"

#include "scan.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void note(struct policy *p, const char *fmt, ...) OG_PRINTF(2, 3);
static void note(struct policy *p, const char *fmt, ...)
{
        if (p->n_notes >= POLICY_NOTES)
                return;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->notes[p->n_notes++], sizeof(p->notes[0]), fmt, ap);
        va_end(ap);
}

/* v * pct / 100 without overflow (pct <= 1000) */
static int64_t percent_of(int64_t v, int64_t pct)
{
        return v > INT64_MAX / 1000 ? v / 100 * pct : v * pct / 100;
}

static int clamp(int64_t v, int lo, int hi)
{
        return v < lo ? lo : v > hi ? hi : (int)v;
}

int policy_runtime_floor(const char *runtime)
{
        const char *base = runtime ? strrchr(runtime, '/') : NULL;
        base = base ? base + 1 : runtime;
        /* sysbox-runc refuses an oomScoreAdj of -1000 (its floor is -999) */
        return base && !strcmp(base, "sysbox-runc") ? -999 : -1000;
}

int policy_auto_adj(int64_t limit, int64_t reservation, int64_t host_mem, int floor)
{
        int lo = floor > 1 ? floor : 1;
        int64_t x = reservation > 0 ? reservation : limit;
        if (x <= 0 || host_mem <= 0)
                return clamp(1000, lo, 1000);
        if (x >= host_mem)
                return clamp(lo, lo, 999);
        return clamp(1000 - (x / (host_mem / 1000 > 0 ? host_mem / 1000 : 1)), lo, 999);
}

static void compute_adj(const struct og_config *c, const struct policy_input *in,
                        struct policy *p)
{
        int64_t want;
        bool is_auto = c->adj_auto;
        want = c->adj;
        if (c->annotations && in->ann_adj) {
                struct scan t = scan_make(in->ann_adj, strlen(in->ann_adj));
                if (strcmp(in->ann_adj, "auto") == 0)
                        is_auto = true;
                else if (scan_i64(&t, &want) && !scan_left(&t) && want >= -1000 && want <= 1000)
                        is_auto = false;
                else
                        note(p,
                             "%s=\"%.40s\" is not a number from -1000 to 1000 or "
                             "\"auto\": ignored",
                             POLICY_ANN_ADJ, in->ann_adj);
        }
        int rt = policy_runtime_floor(c->runtime);
        int floor = c->adj_floor > rt ? c->adj_floor : rt;
        if (is_auto)
                want = policy_auto_adj(in->limit, in->reservation, in->host_mem, floor);
        p->oom_score_adj = clamp(want, floor, 1000);
        if (p->oom_score_adj != want)
                note(p, "oom_score_adj %lld is below %s floor %d: using %d", (long long)want,
                     floor == c->adj_floor ? "the configured" : "sysbox-runc's", floor,
                     p->oom_score_adj);
}

static void compute_swap(const struct og_config *c, const struct policy_input *in,
                         struct policy *p)
{
        const struct swap_policy *s = &c->swap;
        if (s->mode == SWAP_INHERIT)
                return;
        if (s->mode == SWAP_UNLIMITED) {
                p->set_memsw = true;
                p->memsw = -1;
                return;
        }
        if (in->limit <= 0) {
                note(p, "swap policy needs a memory limit; the container has none");
                return;
        }
        int64_t swap = s->mode == SWAP_NONE    ? 0
                       : s->mode == SWAP_BYTES ? s->bytes
                                               : percent_of(in->limit, s->percent);
        p->set_memsw = true;
        p->memsw = swap > INT64_MAX - in->limit ? -1 : in->limit + swap;
}

void policy_compute(const struct og_config *c, const struct policy_input *in, struct policy *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->oom_group = c->oom_group;
        compute_adj(c, in, ret);
        compute_swap(c, in, ret);
        if (c->memory_high_percent > 0 && in->limit > 0)
                ret->memory_high = percent_of(in->limit, c->memory_high_percent);
}

int64_t policy_swap_max(int64_t memsw, int64_t limit)
{
        if (memsw < 0 || limit <= 0)
                return -1;
        return memsw > limit ? memsw - limit : 0;
}
