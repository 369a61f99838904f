/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "pagecache.h"

#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

bool pagecache_read(const struct oom_kill *k, struct pc_figures *ret)
{
        return cause_pc_read(k, ret);
}

bool pagecache_driven(const struct pc_figures *f)
{
        return cause_pc_driven(f);
}

void pagecache_amend(struct verdict *v, const struct oom_kill *kills, const char *writeback)
{
        struct pc_figures f;
        v->page_cache_driven = (v->kind == VERDICT_MEMCG || v->kind == VERDICT_ANCESTOR) &&
                               v->n_kills && pagecache_read(&kills[v->kill_idx[0]], &f) &&
                               pagecache_driven(&f);
        if (!v->page_cache_driven)
                return;
        bool none = !writeback || !writeback[0];
        const char *fix = none ? cause_fix(CAUSE_PAGE_CACHE)
                          : !strcmp(writeback, "preload")
                                  ? "Its programs wrote past the preloaded window (static, Go "
                                    "or stdio-buffered writes): set \"writeback\" to \"host\"."
                                  : "Lower the host's vm.dirty_bytes further.";
        /* the page-cache fix goes first, before the limit's */
        char tail[sizeof(v->summary)];
        size_t len = strlen(v->summary);
        size_t at = v->fix_at > 0 && v->fix_at <= len ? v->fix_at : len;
        snprintf(tail, sizeof(tail), "%s", v->summary + at);
        snprintf(v->summary + at, sizeof(v->summary) - at,
                 " Page-cache driven: %" PRId64 " MiB were dirty or under writeback against "
                 "%" PRId64 " MiB of anonymous memory. %s%s%s",
                 (f.dirty + f.writeback) >> 20, f.anon >> 20, fix,
                 none ? " " CAUSE_DEFAULT_PREVENTS "." : "", tail);
}
