/* SPDX-License-Identifier: MIT */
/* Pure parsers for the kernel messages an OOM kill prints, kernels 3.x-6.x.
 * Every parser takes a message (prefixes already removed) and fills spans
 * that point into it; fields the text does not show stay OG_NONE / empty.
 * Values cut by truncation ("...", "…", a pager's '>') keep what is visible. */
#ifndef OOMGUARD_OOMMSG_H
#define OOMGUARD_OOMMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct span {
        const char *p;
        size_t n;
};

enum om_kind {
        OM_NONE = 0,
        OM_INVOKED,     /* "<comm> invoked oom-killer: gfp_mask=..." */
        OM_CPUSET,      /* "<comm> cpuset=<cg> mems_allowed=<n>" (3.x/4.x) */
        OM_CPU,         /* "CPU: n PID: p Comm: c", 3.2 "Pid: p, comm: c" */
        OM_TASK_IN,     /* "Task in X killed as a result of limit of Y" */
        OM_MEMORY,      /* "memory: usage ..kB, limit ..kB, failcnt .." */
        OM_MEMSW,       /* "memory+swap: usage ..." (v1) */
        OM_SWAP,        /* "swap: usage ..." (v2) */
        OM_KMEM,        /* "kmem: usage ..." (v1) */
        OM_STATS,       /* "Memory cgroup stats for X:[ k:vKB ...]" */
        OM_STAT,        /* "key value" inside a multi-line stats dump */
        OM_TASKS_STATE, /* "Tasks state (memory values in pages):" */
        OM_TABLE_HDR,   /* "[  pid  ]   uid  tgid total_vm ..." */
        OM_TABLE_ROW,   /* "[  1234]  0  1234  ..." */
        OM_SUMMARY,     /* "oom-kill:constraint=..." (4.19+) */
        OM_SACRIFICE,   /* "...: Kill process N (c) score S or sacrifice child" */
        OM_KILLED,      /* "[...: ]Killed process N (c) total-vm:..." */
        OM_GROUP,       /* "Tasks in X are going to be killed due to memory.oom.group set" */
        OM_REAPED,      /* "oom_reaper: reaped process N (c), now ..." */
        OM_NO_VICTIM,   /* "Out of memory and no killable processes..." */
};

/* Which kind of OOM a message prefix names. */
enum om_origin {
        OM_ORIGIN_UNKNOWN = 0,
        OM_ORIGIN_MEMCG,  /* "Memory cgroup out of memory" */
        OM_ORIGIN_GLOBAL, /* "Out of memory" (not memcg) */
};

struct om_invoked {
        struct span comm, gfp_mask;
        int64_t order, oom_score_adj;
};

struct om_cpu {
        struct span comm;
        int64_t pid;
};

struct om_cpuset {
        struct span comm, cpuset;
};

struct om_task_in {
        struct span task_memcg, oom_memcg;
};

struct om_counter {
        int64_t usage_kb, limit_kb, failcnt;
};

struct om_stats {
        struct span path;
        struct span inline_kv; /* v1 single-line "cache:..KB rss:..KB ..." */
        bool single_line;
};

struct om_stat {
        struct span key;
        int64_t value;
};

struct om_summary {
        struct span constraint, cpuset, oom_memcg, task_memcg, task;
        bool global_oom;
        int64_t pid, uid;
};

struct om_killed {
        enum om_origin origin;
        struct span comm;
        int64_t pid, uid, total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, oom_score_adj;
};

struct om_group {
        struct span memcg;
};

/* Table columns oomguard uses; the header line says where they are. */
enum om_col {
        OM_COL_UID,
        OM_COL_TGID,
        OM_COL_TOTAL_VM,
        OM_COL_RSS,
        OM_COL_RSS_ANON,
        OM_COL_RSS_FILE,
        OM_COL_RSS_SHMEM,
        OM_COL_ADJ,
        OM_COL_MAX,
};

#define OM_TABLE_MAX_COLS 16

struct om_table_layout {
        int8_t col[OM_COL_MAX]; /* numeric column index, -1 if absent */
        int ncols;              /* numeric columns, 0 = layout unknown */
};

struct om_row {
        int64_t pid;
        int64_t v[OM_COL_MAX]; /* in pages / as printed; OG_NONE if absent */
        struct span name;
};

/* Cheap classification. want_cpuset / want_stat enable the two forms that
 * are only meaningful right after an invoked header or a stats header. */
enum om_kind om_classify(const char *m, size_t n, bool want_cpuset, bool want_stat);
/* The same for a message from the kernel's own log (a /dev/kmsg record),
 * where only the kernel's format counts: the message starts with it (only
 * the header may have a process name, at most 15 bytes, before it).
 * Kernel messages quote others' text (an audit record's exe="...", a
 * process name, a file name) anywhere after their start. */
enum om_kind om_classify_kmsg(const char *m, size_t n, bool want_cpuset, bool want_stat);

bool om_parse_invoked(const char *m, size_t n, struct om_invoked *ret);
bool om_parse_cpu(const char *m, size_t n, struct om_cpu *ret);
bool om_parse_cpuset(const char *m, size_t n, struct om_cpuset *ret);
/* The two messages with memcg paths (lib/oomsum.c): paths are given only
 * when one reading of the line fits the kernel's format (names may spell
 * the separators); strict is for the kernel's own log (/dev/kmsg records),
 * where a line that fits no reading is not the kernel's. */
bool om_parse_task_in(const char *m, size_t n, bool strict, struct om_task_in *ret);
bool om_parse_counter(const char *m, size_t n, struct om_counter *ret);
bool om_parse_stats(const char *m, size_t n, struct om_stats *ret);
/* Next "key:valueKB" token of a v1 single-line stats dump. */
bool om_next_inline_stat(struct span *rest, struct om_stat *ret);
bool om_parse_stat(const char *m, size_t n, struct om_stat *ret);
bool om_parse_summary(const char *m, size_t n, bool strict, struct om_summary *ret);
bool om_parse_sacrifice(const char *m, size_t n, enum om_origin *origin, int64_t *pid,
                        struct span *comm);
bool om_parse_killed(const char *m, size_t n, struct om_killed *ret);
bool om_parse_group(const char *m, size_t n, struct om_group *ret);
bool om_parse_reaped(const char *m, size_t n, int64_t *pid, struct span *comm);
void om_parse_table_header(const char *m, size_t n, struct om_table_layout *ret);
bool om_parse_table_row(const char *m, size_t n, const struct om_table_layout *layout,
                        struct om_row *ret);

/* Where an OOM message starts inside text with an unknown wrapper, or NULL. */
const char *om_find_anchor(const char *m, size_t n);

/* Remove truncation marks and trailing blanks from a value. */
struct span om_trim_value(struct span v);

#endif
