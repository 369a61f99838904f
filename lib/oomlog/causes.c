/* SPDX-License-Identifier: MIT */
#include "causes.h"

#include <stdio.h>
#include <string.h>

const char *cause_fix(enum og_cause c)
{
        static const char *const fix[CAUSE_COUNT] = {
                [CAUSE_OWN_LIMIT] = "Raise the container's memory limit above its peak, or "
                                    "make the program use less.",
                [CAUSE_PARENT_LIMIT] = "Raise the parent's (pod's or slice's) limit, or lower "
                                       "what its other members use; raising only this "
                                       "container's limit will not help.",
                [CAUSE_PAGE_CACHE] = "Bound its dirty pages: set \"writeback\" to \"auto\" "
                                     "(the default), \"preload\" (glibc programs, through "
                                     "oomguard-shim) or \"host\" in "
                                     "/etc/oomguard/config.json; raising the limit only "
                                     "delays it.",
                [CAUSE_GLOBAL] = "Give the host more memory or put limits on the workloads "
                                 "that grow; check which processes a negative "
                                 "oom_score_adj protects.",
                [CAUSE_CPUSET] = "Widen cpuset.mems or move the workload.",
                [CAUSE_MEMPOLICY] = "Relax the NUMA policy (preferred or interleave instead "
                                    "of bind).",
                [CAUSE_LIMIT_HIT] = "Raise the memory limit above its peak, or make the "
                                    "program use less; if the charge was mostly page cache, "
                                    "bound its dirty pages with the \"writeback\" policy.",
                [CAUSE_USERSPACE] = "Look at the node's killer (systemd-oomd, earlyoom, the "
                                    "kubelet's eviction thresholds) and at the memory "
                                    "pressure that set it off.",
        };
        return (unsigned)c < CAUSE_COUNT ? fix[c] : "";
}

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

bool cause_pc_read(const struct oom_kill *k, struct pc_figures *ret)
{
        if (!k || k->n_stats == 0)
                return false;
        ret->dirty = stat_of(k, "file_dirty", "dirty");
        ret->writeback = stat_of(k, "file_writeback", "writeback");
        ret->file = stat_of(k, "file", "cache");
        ret->anon = stat_of(k, "anon", "rss");
        return true;
}

bool cause_pc_driven(const struct pc_figures *f)
{
        if (f->dirty == OG_NONE || f->writeback == OG_NONE || f->file == OG_NONE ||
            f->anon == OG_NONE)
                return false;
        int64_t pending = f->dirty + f->writeback, charged = f->anon + f->file;
        return charged > 0 && pending * 4 >= charged && pending > f->anon;
}
