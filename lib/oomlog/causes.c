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
                [CAUSE_NO_VICTIM] = "Let the kernel choose a victim: give the container's "
                                    "processes an oom_score_adj above -1000 (oomguard's "
                                    "\"oom_score_adj_floor\" keeps them at 0 or above), or "
                                    "raise the limit above its peak.",
                [CAUSE_USERSPACE] = "Look at the node's killer (systemd-oomd, earlyoom, the "
                                    "kubelet's eviction thresholds) and at the memory "
                                    "pressure that set it off.",
                [CAUSE_OOMD] = "Find what filled memory in the cgroup named under pressure; "
                               "set a MemoryMax= (or MemoryHigh=) on the unit that grows, or "
                               "raise its ManagedOOMMemoryPressureLimit= / "
                               "ManagedOOMSwap= settings if the kill was unwanted.",
                [CAUSE_EARLYOOM] = "The host ran low on available memory and swap: give it "
                                   "more memory or limit the process that grew; earlyoom's "
                                   "-m/-s thresholds and --avoid/--prefer decide whom it "
                                   "signals.",
                [CAUSE_NOHANG] = "The host crossed nohang's memory or pressure thresholds: "
                                 "limit the process that grew or give the host more "
                                 "memory; nohang.conf's thresholds and badness rules "
                                 "decide whom it signals.",
                [CAUSE_LMKD] = "The device ran low on memory and lmkd killed the app with "
                               "the highest oom_score_adj: make the app use less memory "
                               "in the background.",
                [CAUSE_EVICTION] = "The kubelet evicts when the node falls below an "
                                   "eviction threshold (memory.available for memory): set "
                                   "memory requests close to what the pod uses (pods "
                                   "above their requests go first) and reserve memory for "
                                   "the system (--system-reserved).",
        };
        return (unsigned)c < CAUSE_COUNT ? fix[c] : "";
}

enum og_cause cause_of_killer(const char *killer)
{
        static const struct {
                const char *name;
                enum og_cause cause;
        } map[] = {
                {"systemd-oomd", CAUSE_OOMD},
                {"earlyoom", CAUSE_EARLYOOM},
                {"nohang", CAUSE_NOHANG},
                {"lmkd", CAUSE_LMKD},
                {"kubelet-eviction", CAUSE_EVICTION},
        };
        for (size_t i = 0; killer && i < sizeof(map) / sizeof(map[0]); i++)
                if (strcmp(map[i].name, killer) == 0)
                        return map[i].cause;
        return CAUSE_USERSPACE;
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
        return charged > 0 && pending * 8 >= charged && pending * 2 >= f->file;
}
