/* SPDX-License-Identifier: MIT */
/* The one table of memory-death causes and their fixes, the fix that
 * addresses the cause first, and the one page-cache rule: used by
 * `oomguard explain` and by the hook's verdicts alike, so that the two
 * never name a different cause or fix for the same death. Pure. */
#ifndef OOMGUARD_CAUSES_H
#define OOMGUARD_CAUSES_H

#include "oomlog.h"

#include <stdbool.h>
#include <stdint.h>

enum og_cause {
        CAUSE_OWN_LIMIT = 0, /* the container's own memory limit */
        CAUSE_PARENT_LIMIT,  /* a parent's (pod's, slice's) limit */
        CAUSE_PAGE_CACHE,    /* dirty and writeback pages filled the limit */
        CAUSE_GLOBAL,        /* the host ran out */
        CAUSE_CPUSET,
        CAUSE_MEMPOLICY,
        CAUSE_LIMIT_HIT, /* no kill: allocations failed at the limit */
        CAUSE_NO_VICTIM, /* no kill: nothing the kernel could kill */
        CAUSE_USERSPACE, /* killed from outside under pressure */
        CAUSE_OOMD,      /* systemd-oomd killed a cgroup */
        CAUSE_EARLYOOM,  /* earlyoom signalled a process */
        CAUSE_NOHANG,    /* nohang signalled a process */
        CAUSE_LMKD,      /* Android's lmkd killed an app */
        CAUSE_EVICTION,  /* the kubelet evicted a pod */
        CAUSE_COUNT,
};

/* The fix, one sentence, the one that addresses the cause first. */
const char *cause_fix(enum og_cause c);

/* The cause of a userspace killer's record, by its killer's name
 * (struct user_kill); CAUSE_USERSPACE for a name it does not know. */
enum og_cause cause_of_killer(const char *killer);

/* What the default "writeback" policy does about page-cache deaths. */
#define CAUSE_DEFAULT_PREVENTS                                                                   \
        "oomguard's default writeback policy (\"writeback\": \"auto\") would have "              \
        "prevented it"

/* What an OOM that finds no victim does instead of killing. */
#define CAUSE_NO_VICTIM_WHAT                                                                     \
        "found no process it could kill (a process at oom_score_adj -1000 is never chosen) "     \
        "and failed the charge instead: a system call's allocation fails with ENOMEM "           \
        "(\"Cannot allocate memory\"), a page fault is retried until memory is freed"

struct pc_figures { /* bytes; OG_NONE when the report does not show it */
        int64_t dirty, writeback, file, anon;
};

/* The figures of one kill's memory.stat dump (v2 names, v1 names in
 * bytes, or the v1 single-line dump in kB); false if it has none. */
bool cause_pc_read(const struct oom_kill *k, struct pc_figures *ret);

/* The page-cache rule: reclaim could not make room because the page
 * cache was dirty or under writeback — dirty + writeback at least an
 * eighth of the memcg's charge (anon + file) and at least half of its
 * page cache. A job that holds most of its limit and writes beside it
 * qualifies: measured, the writeback policy keeps it alive. */
bool cause_pc_driven(const struct pc_figures *f);

#endif
