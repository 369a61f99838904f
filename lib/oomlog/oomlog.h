/* SPDX-License-Identifier: MIT */
/* Kernel log -> one record per process the OOM killer killed.
 *
 * Feed lines (any wrapper logline.h knows) or a whole buffer; the parser
 * joins wrapped lines, groups messages into OOM events (header, memcg
 * counters, stats, task table, summary, Killed, oom_reaper), pairs them by
 * pid across interleaving, and classifies each kill. Memory is bounded by
 * the number of kills, not by the size of the input. Userspace OOM
 * killers' records (userkill.h) are kept apart, in .user_kills. */
#ifndef OOMGUARD_OOMLOG_H
#define OOMGUARD_OOMLOG_H

#include "cgpath.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum oom_scope {
        OOM_SCOPE_UNKNOWN = 0,
        OOM_SCOPE_MEMCG,            /* the victim's own memcg hit its limit */
        OOM_SCOPE_ANCESTOR,         /* a parent's (pod, slice) limit was hit */
        OOM_SCOPE_MEMCG_UNRESOLVED, /* a memcg limit, which one not shown */
        OOM_SCOPE_GLOBAL,           /* the host ran out of memory */
        OOM_SCOPE_CPUSET,
        OOM_SCOPE_MEMPOLICY,
};

const char *oom_scope_name(enum oom_scope s);

enum {
        OOM_KILL_SCOPE_INFERRED = 1u << 0, /* from neighbours, not this kill */
        OOM_KILL_GROUP = 1u << 1,          /* killed by memory.oom.group */
        OOM_KILL_PARTIAL = 1u << 2,        /* victim not shown in the log */
        OOM_KILL_REAPER_ONLY = 1u << 3,    /* seen only in an oom_reaper line */
        OOM_KILL_CONSTRAINT_PRINTED = 1u << 4,
        OOM_KILL_MEMCG_DEDUCED = 1u << 5, /* memcg paths from the stats dump */
};

struct oom_stat_kv {
        char key[48];
        int64_t value;
};

#define OOM_MAX_STATS 96

/* Every field of the `explain --json` contract; OG_NONE / NULL / "" when
 * the log does not show it. */
struct oom_kill {
        enum oom_scope scope;
        unsigned flags;
        char *constraint;
        char *oom_memcg;
        char *task_memcg;
        int64_t victim_pid;
        char *victim_comm;
        int64_t victim_uid;
        int64_t total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb;
        int64_t oom_score_adj;
        char container_id[CG_ID_LEN + 1];
        char pod_uid[CG_UID_LEN + 1];
        char *invoker_comm;
        int64_t invoker_pid;
        char *gfp_mask;
        int64_t order;
        int64_t memcg_usage_kb, memcg_limit_kb, memcg_failcnt;
        int64_t swap_usage_kb, swap_limit_kb;
        int64_t memsw_usage_kb, memsw_limit_kb;
        struct oom_stat_kv *stats;
        size_t n_stats;
        bool stats_in_kb; /* v1 single-line dump: keys carry a _kb suffix */
        char *timestamp;
        bool reaped;
};

struct oomlog_stats {
        size_t lines, kernel_lines, other_lines, long_lines;
        size_t invocations, orphan_invocations;
        bool reversed;        /* input was newest-first */
        size_t dropped_kills; /* beyond the cap on kills per input */
};

/* A userspace OOM killer's record (userkill.h): never a kernel OOM kill.
 * NULL / OG_NONE when the log does not show it. */
struct user_kill {
        const char *killer; /* static: "systemd-oomd", "earlyoom", "nohang",
                             * "lmkd", "kubelet-eviction" */
        char *victim;       /* cgroup, pod, process as the tool names it */
        int64_t victim_pid;
        char *victim_comm;
        int64_t victim_uid;
        char *signal;
        char *reason; /* why, as the log says it */
        char *detail; /* further figures the kill line gives */
        char *timestamp;
};

/* A kernel OOM that found no process it could kill ("Out of memory and no
 * killable processes..."): nothing was killed and the charge failed, so a
 * system call got ENOMEM (a user page fault is retried). NULL / OG_NONE
 * when the log does not show it. */
struct oom_novictim {
        char *memcg; /* the memcg whose limit was reached ("Memory cgroup stats
                      * for"); NULL for a host-wide OOM */
        char *invoker_comm;
        int64_t invoker_pid;
        char *timestamp; /* as struct oom_kill's */
};

struct oomlog_result {
        struct oom_kill *kills; /* kernel OOM kills only */
        size_t n_kills;
        struct user_kill *user_kills; /* userspace killers' records */
        size_t n_user_kills;
        struct oom_novictim *novictims; /* OOMs that killed nothing */
        size_t n_novictims;
        struct oomlog_stats stats;
};

struct oomlog;

struct oomlog *oomlog_new(void);
/* One physical line, without its newline. */
int oomlog_feed_line(struct oomlog *p, const char *line, size_t len);
/* Complete lines (a final line without newline counts as complete); between
 * OOM reports this jumps from marker to marker instead of reading lines. */
int oomlog_feed_buffer(struct oomlog *p, const char *buf, size_t len);
/* Finish: classify and hand the kills over (the parser is freed). */
int oomlog_finish(struct oomlog *p, struct oomlog_result *ret);
void oomlog_free(struct oomlog *p);

/* True when the timestamps in buf mostly go backwards (table exports). */
bool oomlog_newest_first(const char *buf, size_t len);

/* A whole buffer; detects newest-first exports and reads them reversed. */
int oomlog_parse(const char *buf, size_t len, struct oomlog_result *ret, struct og_error *err);

void oomlog_result_free(struct oomlog_result *r);
/* Free what one kill record owns and zero it. */
void oom_kill_clear(struct oom_kill *k);
void user_kill_clear(struct user_kill *k);

#endif
