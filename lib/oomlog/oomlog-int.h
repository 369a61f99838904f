/* SPDX-License-Identifier: MIT */
/* Internal state shared by oomlog.c (lines), oomevent.c (events) and
 * oomfinal.c (classification). Not part of the library's API. */
#ifndef OOMGUARD_OOMLOG_INT_H
#define OOMGUARD_OOMLOG_INT_H

#include "oomlog.h"
#include "oommsg.h"
#include "userkill.h"

#define OOMLOG_MAX_MSG (64 * 1024)  /* a kernel record is < 4 KiB */
#define OOMLOG_MAX_ROWS 200000      /* task-table rows kept per event */
#define OOMLOG_EV_WINDOW 16         /* events whose task tables are kept */
#define OOMLOG_PAIR_WINDOW 256      /* recent kills searched for a pid */
#define OOMLOG_MAX_KILLS (4u << 20) /* hard cap on kills in one input */
#define OOMLOG_EVENT_GAP 30.0       /* seconds that split two events */
#define OOMLOG_MAX_STR 4096         /* longest string kept from a log */
#define IDLE_QUIET                                                                               \
        32 /* messages without OOM content before                                                \
            * a buffer is skimmed, not read */

struct when {
        double mono; /* uptime seconds, < 0 if none */
        double wall; /* seconds of the day, < 0 if none */
        const char *ts;
        size_t ts_len;
};

struct row_min {
        int64_t pid;
        int64_t v[OM_COL_MAX];
        char name[16]; /* the comm column (TASK_COMM_LEN) */
};

struct ev {
        size_t id;
        struct when first;
        size_t order; /* message counter when last touched */
        /* invocation header */
        bool has_header, cpuset_seen;
        char *invoker_comm, *gfp_mask;
        int64_t invoker_pid, order_val, invoker_adj;
        /* memcg report */
        char *ti_task, *ti_oom; /* "Task in X ... limit of Y" */
        struct om_counter mem, memsw, swap;
        bool has_mem, has_memsw, has_swap;
        char *stats_path;
        unsigned n_stats_hdr;
        bool stats_single, stats_open;
        struct oom_stat_kv *stats;
        size_t n_stats, cap_stats;
        /* task table */
        struct om_table_layout layout;
        bool table_open, rows_released;
        struct row_min *rows;
        size_t n_rows, cap_rows;
        /* selection and kills */
        enum om_origin origin;
        bool sacrifice, has_summary, no_victim;
        char *no_victim_ts;    /* the no-victim line's timestamp text */
        int64_t sacrifice_pid; /* "Kill process P" */
        char *group_memcg;
        char *sum_oom;            /* oom_memcg of the event's summary line */
        size_t n_kills, n_killed; /* kills attached, with a Killed line */
};

struct kill_int {
        struct oom_kill k;
        struct ev *ev;
        size_t order, seq;
        enum om_origin origin;
        bool has_killed, has_summary, global_oom;
        struct when when;
};

struct oomlog {
        /* line joining */
        char *pending;
        size_t pending_len;
        bool pending_active, join_ok, last_kmsg;
        bool pending_strict; /* from the kernel's own log (a kmsg record) */
        struct when pending_when;
        char *scratch;      /* kmsg unescape */
        char *unwrapped[2]; /* a wrapper's decoded message, per depth */
        struct {            /* journalctl -o verbose: the entry's fields so far */
                int source; /* enum unwrap_source */
                double mono;
                char ident[64]; /* SYSLOG_IDENTIFIER, "" if none */
        } rec;
        struct uk_log uk; /* userspace killers' records */
        /* events and kills */
        struct ev **evs;
        size_t n_evs, cap_evs;
        struct ev *cur;
        struct kill_int *kills;
        size_t n_kills, cap_kills;
        size_t msg_counter;
        size_t quiet;           /* messages since the last OOM message */
        struct when last_stamp; /* the last line with a time (no ts text) */
        struct {
                bool valid;
                int64_t pid;
                char *comm;
                struct when when;
        } pending_cpu;
        struct oomlog_stats stats;
        int error; /* first allocation failure, sticky */
};

/* oomevent.c */
/* strict: the message is a /dev/kmsg record's (see oomlog.c) */
void oomev_handle(struct oomlog *p, const char *m, size_t n, const struct when *w, bool strict);
void oomev_free(struct ev *e);
/* No event is collecting lines: noise until the next OOM message. */
bool oomev_idle(const struct oomlog *p);
struct kill_int *oomev_new_kill(struct oomlog *p, struct ev *e, const struct when *w);
void oomev_release_rows(struct oomlog *p, struct ev *e);
const struct row_min *oomev_find_row(const struct ev *e, int64_t pid);

/* oomfinal.c */
int oomfinal_run(struct oomlog *p, struct oomlog_result *ret);
void oomfinal_from_rows(struct kill_int *ki, const struct ev *e);

/* shared helpers */
char *oomlog_span_dup(struct oomlog *p, struct span s);
bool oomlog_when_gap(const struct when *a, const struct when *b);

#endif
