/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "pagecache.h"

#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int64_t stat_of(const struct oom_kill *k, const char *v2, const char *v1)
{
        char kb[48];
        snprintf(kb, sizeof(kb), "%s_kb", v1);
        for (size_t i = 0; i < k->n_stats; i++) {
                const char *key = k->stats[i].key;
                if (k->stats_in_kb && !strcmp(key, kb))
                        return k->stats[i].value * 1024;
                if (!k->stats_in_kb && (!strcmp(key, v2) || !strcmp(key, v1)))
                        return k->stats[i].value;
        }
        return OG_NONE;
}

bool pagecache_read(const struct oom_kill *k, struct pc_figures *ret)
{
        if (!k || k->n_stats == 0)
                return false;
        ret->dirty = stat_of(k, "file_dirty", "dirty");
        ret->writeback = stat_of(k, "file_writeback", "writeback");
        ret->file = stat_of(k, "file", "cache");
        ret->anon = stat_of(k, "anon", "rss");
        return true;
}

bool pagecache_driven(const struct pc_figures *f)
{
        if (f->dirty == OG_NONE || f->writeback == OG_NONE || f->file == OG_NONE ||
            f->anon == OG_NONE)
                return false;
        int64_t pending = f->dirty + f->writeback, charged = f->anon + f->file;
        return charged > 0 && pending * 4 >= charged && pending > f->anon;
}

void pagecache_amend(struct verdict *v, const struct oom_kill *kills, const char *writeback)
{
        struct pc_figures f;
        v->page_cache_driven = (v->kind == VERDICT_MEMCG || v->kind == VERDICT_ANCESTOR) &&
                               v->n_kills && pagecache_read(&kills[v->kill_idx[0]], &f) &&
                               pagecache_driven(&f);
        if (!v->page_cache_driven)
                return;
        const char *fix = !writeback || !writeback[0]
                                  ? "set \"writeback\" to \"preload\" (glibc programs, through "
                                    "oomguard-shim) or \"host\" in /etc/oomguard/config.json"
                          : !strcmp(writeback, "preload")
                                  ? "its programs wrote past the preloaded window (static, Go "
                                    "or stdio-buffered writes): set \"writeback\" to \"host\""
                                  : "lower the host's vm.dirty_bytes further or raise the limit";
        size_t n = strlen(v->summary);
        snprintf(v->summary + n, sizeof(v->summary) - n,
                 " Page-cache driven: %" PRId64 " MiB were dirty or under writeback against "
                 "%" PRId64 " MiB of anonymous memory; %s.",
                 (f.dirty + f.writeback) >> 20, f.anon >> 20, fix);
}
