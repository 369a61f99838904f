/* SPDX-License-Identifier: MIT */
/* Messages -> OOM events and kills. An event is one OOM invocation: header,
 * memcg report, task table, summary, Killed lines. Kernels print these in
 * a fixed order, but logs drop, repeat, interleave and cut them, so every
 * handler decides afresh whether a message continues the current event. */
#define _GNU_SOURCE
#include "oomlog-int.h"

#include "scan.h"

#include <errno.h>
#include <math.h>
#include <string.h>

char *oomlog_span_dup(struct oomlog *p, struct span s)
{
        if (!s.p)
                return NULL;
        char *r = og_strndup(s.p, s.n, OOMLOG_MAX_STR);
        if (!r && !p->error)
                p->error = -ENOMEM;
        return r;
}

static double clock_gap(double a, double b, double wrap)
{
        double d = fabs(a - b);
        return wrap > 0 && d > wrap / 2 ? wrap - d : d;
}

bool oomlog_when_gap(const struct when *a, const struct when *b)
{
        if (a->mono >= 0 && b->mono >= 0)
                return clock_gap(a->mono, b->mono, 0) > OOMLOG_EVENT_GAP;
        if (a->wall >= 0 && b->wall >= 0)
                return clock_gap(a->wall, b->wall, 86400) > OOMLOG_EVENT_GAP;
        return false;
}

void oomev_free(struct ev *e)
{
        if (!e)
                return;
        free(e->invoker_comm);
        free(e->gfp_mask);
        free(e->ti_task);
        free(e->ti_oom);
        free(e->stats_path);
        free(e->stats);
        free(e->rows);
        free(e->group_memcg);
        free(e->sum_oom);
        free(e->no_victim_ts);
        free(e);
}

/* Kills older than this index are never paired with new lines. */
static size_t pair_window_start(const struct oomlog *p)
{
        return p->n_kills > OOMLOG_PAIR_WINDOW ? p->n_kills - OOMLOG_PAIR_WINDOW : 0;
}

const struct row_min *oomev_find_row(const struct ev *e, int64_t pid)
{
        if (pid == OG_NONE)
                return NULL;
        for (size_t i = 0; i < e->n_rows; i++)
                if (e->rows[i].pid == pid || e->rows[i].v[OM_COL_TGID] == pid)
                        return &e->rows[i];
        return NULL;
}

void oomev_release_rows(struct oomlog *p, struct ev *e)
{
        if (e->rows_released)
                return;
        size_t lo = pair_window_start(p);
        for (size_t i = p->n_kills; i-- > lo;)
                if (p->kills[i].ev == e)
                        oomfinal_from_rows(&p->kills[i], e);
        free(e->rows);
        e->rows = NULL;
        e->n_rows = e->cap_rows = 0;
        e->rows_released = true;
}

static struct ev *new_event(struct oomlog *p, const struct when *w)
{
        if (p->n_evs >= OOMLOG_EV_WINDOW)
                oomev_release_rows(p, p->evs[p->n_evs - OOMLOG_EV_WINDOW]);
        if (p->n_evs == p->cap_evs) {
                size_t cap = p->cap_evs ? p->cap_evs * 2 : 64;
                struct ev **n = realloc(p->evs, cap * sizeof(*n));
                if (!n)
                        goto oom;
                p->evs = n;
                p->cap_evs = cap;
        }
        struct ev *e = calloc(1, sizeof(*e));
        if (!e)
                goto oom;
        e->id = p->n_evs;
        e->first = *w;
        e->first.ts = NULL;
        e->invoker_pid = e->order_val = e->invoker_adj = e->sacrifice_pid = OG_NONE;
        memset(e->layout.col, -1, sizeof(e->layout.col));
        p->evs[p->n_evs++] = e;
        p->cur = e;
        if (p->pending_cpu.valid && !oomlog_when_gap(&p->pending_cpu.when, w)) {
                e->invoker_pid = p->pending_cpu.pid;
                e->invoker_comm = TAKE_PTR(p->pending_cpu.comm);
        }
        p->pending_cpu.valid = false;
        return e;
oom:
        p->error = -ENOMEM;
        return NULL;
}

/* An event is "done" once it chose a victim: later report lines are new. */
static bool ev_done(const struct ev *e)
{
        return e->n_kills > 0 || e->no_victim || e->sacrifice || e->has_summary;
}

bool oomev_idle(const struct oomlog *p)
{
        if (p->quiet < IDLE_QUIET)
                return false;
        /* an event without a victim stays open until the event gap has
         * passed, or for 4096 messages in a log without times */
        return !p->cur || ev_done(p->cur) || p->quiet > 4096 ||
               oomlog_when_gap(&p->cur->first, &p->last_stamp);
}

static bool ev_fresh(const struct ev *e, const struct when *w)
{
        return !oomlog_when_gap(&e->first, w);
}

/* The event a report line (Task in, memory:, stats, table) belongs to. */
static struct ev *context_event(struct oomlog *p, const struct when *w)
{
        struct ev *e = p->cur;
        if (e && !ev_done(e) && ev_fresh(e, w))
                return e;
        return new_event(p, w);
}

struct kill_int *oomev_new_kill(struct oomlog *p, struct ev *e, const struct when *w)
{
        if (p->n_kills >= OOMLOG_MAX_KILLS) {
                p->stats.dropped_kills++;
                return NULL;
        }
        if (p->n_kills == p->cap_kills) {
                size_t cap = p->cap_kills ? p->cap_kills * 2 : 32;
                struct kill_int *n = realloc(p->kills, cap * sizeof(*n));
                if (!n) {
                        p->error = -ENOMEM;
                        return NULL;
                }
                p->kills = n;
                p->cap_kills = cap;
        }
        struct kill_int *ki = &p->kills[p->n_kills++];
        memset(ki, 0, sizeof(*ki));
        struct oom_kill *k = &ki->k;
        k->victim_pid = k->victim_uid = k->total_vm_kb = OG_NONE;
        k->anon_rss_kb = k->file_rss_kb = k->shmem_rss_kb = OG_NONE;
        k->oom_score_adj = k->invoker_pid = k->order = OG_NONE;
        k->memcg_usage_kb = k->memcg_limit_kb = k->memcg_failcnt = OG_NONE;
        k->swap_usage_kb = k->swap_limit_kb = OG_NONE;
        k->memsw_usage_kb = k->memsw_limit_kb = OG_NONE;
        ki->ev = e;
        ki->order = p->msg_counter;
        ki->seq = p->n_kills - 1;
        ki->when = *w;
        ki->when.ts = NULL;
        k->timestamp = oomlog_span_dup(p, (struct span){w->ts, w->ts_len});
        if (e)
                e->n_kills++;
        return ki;
}

/* The kill of pid printed moments ago. Pids are reused: a kill of the same
 * pid further away in time is another process. */
static struct kill_int *recent_kill(struct oomlog *p, int64_t pid, const struct when *w)
{
        if (pid == OG_NONE)
                return NULL;
        size_t lo = pair_window_start(p);
        for (size_t i = p->n_kills; i-- > lo;)
                if (p->kills[i].k.victim_pid == pid)
                        return oomlog_when_gap(&p->kills[i].when, w) ? NULL : &p->kills[i];
        return NULL;
}

static bool same_str(const char *s, struct span v)
{
        return s && v.p && strlen(s) == v.n && memcmp(s, v.p, v.n) == 0;
}

static void set_str(struct oomlog *p, char **dst, struct span v)
{
        if (!*dst && v.p && v.n > 0)
                *dst = oomlog_span_dup(p, v);
}

static void set_ts(struct oomlog *p, struct kill_int *ki, const struct when *w)
{
        if (!w->ts || w->ts_len == 0)
                return;
        free(ki->k.timestamp);
        ki->k.timestamp = oomlog_span_dup(p, (struct span){w->ts, w->ts_len});
        ki->when = *w;
        ki->when.ts = NULL;
}

static void on_invoked(struct oomlog *p, const char *m, size_t n, const struct when *w)
{
        struct om_invoked inv;
        if (!om_parse_invoked(m, n, &inv))
                return;
        p->pending_cpu.valid = false;
        struct ev *e = new_event(p, w);
        if (!e)
                return;
        e->has_header = true;
        e->invoker_comm = oomlog_span_dup(p, om_trim_value(inv.comm));
        e->gfp_mask = oomlog_span_dup(p, inv.gfp_mask);
        e->order_val = inv.order;
        e->invoker_adj = inv.oom_score_adj;
        p->stats.invocations++;
}

static void on_cpu(struct oomlog *p, const char *m, size_t n, const struct when *w)
{
        struct om_cpu c;
        if (!om_parse_cpu(m, n, &c))
                return;
        struct ev *e = p->cur;
        if (e && e->has_header && e->invoker_pid == OG_NONE && !ev_done(e) && ev_fresh(e, w)) {
                e->invoker_pid = c.pid;
                set_str(p, &e->invoker_comm, c.comm);
                return;
        }
        free(p->pending_cpu.comm);
        p->pending_cpu.comm = oomlog_span_dup(p, c.comm);
        p->pending_cpu.pid = c.pid;
        p->pending_cpu.when = *w;
        p->pending_cpu.valid = true;
}

static void on_cpuset(struct oomlog *p, const char *m, size_t n)
{
        struct om_cpuset cs;
        struct ev *e = p->cur;
        if (e && om_parse_cpuset(m, n, &cs) && same_str(e->invoker_comm, cs.comm))
                e->cpuset_seen = true;
}

static void on_task_in(struct oomlog *p, const char *m, size_t n, const struct when *w,
                       bool strict)
{
        struct om_task_in t;
        if (!om_parse_task_in(m, n, strict, &t))
                return;
        struct ev *e = p->cur;
        if (!e || ev_done(e) || !ev_fresh(e, w) ||
            (e->ti_task && !same_str(e->ti_task, t.task_memcg)))
                e = new_event(p, w);
        if (!e || e->ti_task) /* a repeated line (seen in pasted logs) */
                return;
        e->ti_task = oomlog_span_dup(p, t.task_memcg);
        e->ti_oom = oomlog_span_dup(p, t.oom_memcg);
        e->origin = OM_ORIGIN_MEMCG;
}

static void on_counter(struct oomlog *p, enum om_kind kind, const char *m, size_t n,
                       const struct when *w)
{
        struct om_counter c;
        if (!om_parse_counter(m, n, &c) || kind == OM_KMEM)
                return;
        struct ev *e = context_event(p, w);
        if (!e)
                return;
        if (kind == OM_MEMORY) {
                e->mem = c;
                e->has_mem = true;
        } else if (kind == OM_MEMSW) {
                e->memsw = c;
                e->has_memsw = true;
        } else {
                e->swap = c;
                e->has_swap = true;
        }
}

static void add_stat(struct oomlog *p, struct ev *e, struct span key, int64_t value, bool kb)
{
        if (e->n_stats >= OOM_MAX_STATS)
                return;
        if (e->n_stats == e->cap_stats) {
                size_t cap = e->cap_stats ? e->cap_stats * 2 : 16;
                struct oom_stat_kv *n = realloc(e->stats, cap * sizeof(*n));
                if (!n) {
                        p->error = -ENOMEM;
                        return;
                }
                e->stats = n;
                e->cap_stats = cap;
        }
        struct oom_stat_kv *kv = &e->stats[e->n_stats];
        size_t max = sizeof(kv->key) - (kb ? 4 : 1);
        size_t kn = key.n < max ? key.n : max;
        memcpy(kv->key, key.p, kn);
        if (kb)
                memcpy(kv->key + kn, "_kb", 3), kn += 3;
        kv->key[kn] = '\0';
        for (size_t i = 0; i < e->n_stats; i++)
                if (strcmp(e->stats[i].key, kv->key) == 0)
                        return; /* first value wins (repeated dumps) */
        kv->value = value;
        e->n_stats++;
}

static void on_stats(struct oomlog *p, const char *m, size_t n, const struct when *w)
{
        struct om_stats st;
        if (!om_parse_stats(m, n, &st))
                return;
        struct ev *e = context_event(p, w);
        if (!e || e->n_stats_hdr++ > 0)
                return;
        e->stats_path = oomlog_span_dup(p, st.path);
        e->stats_single = st.single_line;
        if (!st.single_line) {
                e->stats_open = true;
                return;
        }
        struct om_stat kv;
        struct span rest = st.inline_kv;
        while (om_next_inline_stat(&rest, &kv))
                add_stat(p, e, kv.key, kv.value, true);
}

static void on_table_row(struct oomlog *p, const char *m, size_t n, const struct when *w)
{
        struct ev *e = p->cur;
        if (!e || !e->table_open || ev_done(e) || !ev_fresh(e, w)) {
                e = context_event(p, w); /* excerpt starts inside a table */
                if (!e)
                        return;
                e->table_open = true;
        }
        struct om_row r;
        if (!om_parse_table_row(m, n, &e->layout, &r) || e->rows_released ||
            e->n_rows >= OOMLOG_MAX_ROWS)
                return;
        if (e->n_rows == e->cap_rows) {
                size_t cap = e->cap_rows ? e->cap_rows * 2 : 64;
                struct row_min *nr = realloc(e->rows, cap * sizeof(*nr));
                if (!nr) {
                        p->error = -ENOMEM;
                        return;
                }
                e->rows = nr;
                e->cap_rows = cap;
        }
        struct row_min *rm = &e->rows[e->n_rows++];
        rm->pid = r.pid;
        memcpy(rm->v, r.v, sizeof(rm->v));
        size_t nn = r.name.n < sizeof(rm->name) - 1 ? r.name.n : sizeof(rm->name) - 1;
        memcpy(rm->name, r.name.p ? r.name.p : "", r.name.p ? nn : 0);
        rm->name[r.name.p ? nn : 0] = '\0';
}

static void on_table_start(struct oomlog *p, enum om_kind kind, const char *m, size_t n,
                           const struct when *w)
{
        struct ev *e = p->cur;
        if (!(e && e->table_open && !ev_done(e) && ev_fresh(e, w)))
                e = context_event(p, w);
        if (!e)
                return;
        e->table_open = true;
        if (kind == OM_TABLE_HDR)
                om_parse_table_header(m, n, &e->layout);
}

static void on_summary(struct oomlog *p, const char *m, size_t n, const struct when *w,
                       bool strict)
{
        struct om_summary s;
        if (!om_parse_summary(m, n, strict, &s))
                return;
        struct kill_int *ki = recent_kill(p, s.pid, w);
        if (ki && ki->has_summary)
                return; /* the same line twice */
        if (!ki) {
                struct ev *e = p->cur;
                if (!e || e->has_summary || e->n_killed > 0 || e->no_victim || !ev_fresh(e, w))
                        e = new_event(p, w);
                if (!e || !(ki = oomev_new_kill(p, e, w)))
                        return;
                e->has_summary = true;
        }
        ki->has_summary = true;
        ki->global_oom = s.global_oom;
        ki->k.flags |= OOM_KILL_CONSTRAINT_PRINTED;
        set_str(p, &ki->k.constraint, s.constraint);
        if (!s.global_oom) {
                set_str(p, &ki->k.oom_memcg, s.oom_memcg);
                if (ki->ev && !ki->ev->sum_oom && s.oom_memcg.p)
                        ki->ev->sum_oom = oomlog_span_dup(p, s.oom_memcg);
        }
        set_str(p, &ki->k.task_memcg, s.task_memcg);
        set_str(p, &ki->k.victim_comm, s.task);
        if (ki->k.victim_pid == OG_NONE)
                ki->k.victim_pid = s.pid;
        if (ki->k.victim_uid == OG_NONE)
                ki->k.victim_uid = s.uid;
}

static void on_sacrifice(struct oomlog *p, const char *m, size_t n, const struct when *w)
{
        enum om_origin origin = OM_ORIGIN_UNKNOWN;
        int64_t pid;
        struct span comm;
        if (!om_parse_sacrifice(m, n, &origin, &pid, &comm))
                return;
        struct ev *e = p->cur;
        /* 4.19 and 4.20 print the summary and then this line too */
        bool same = e && ev_fresh(e, w) && !e->sacrifice && !e->no_victim && e->n_killed == 0 &&
                    (!ev_done(e) || e->has_summary);
        if (!same)
                e = new_event(p, w);
        if (!e)
                return;
        e->sacrifice = true;
        e->sacrifice_pid = pid;
        if (origin != OM_ORIGIN_UNKNOWN)
                e->origin = origin;
}

static void fill_killed(struct oomlog *p, struct kill_int *ki, const struct om_killed *kd,
                        const struct when *w)
{
        struct oom_kill *k = &ki->k;
        if (k->victim_pid == OG_NONE)
                k->victim_pid = kd->pid;
        set_str(p, &k->victim_comm, kd->comm);
#define TAKE(f, v)                                                                               \
        if ((v) != OG_NONE)                                                                      \
                k->f = (v);
        TAKE(victim_uid, kd->uid);
        TAKE(total_vm_kb, kd->total_vm_kb);
        TAKE(anon_rss_kb, kd->anon_rss_kb);
        TAKE(file_rss_kb, kd->file_rss_kb);
        TAKE(shmem_rss_kb, kd->shmem_rss_kb);
        TAKE(oom_score_adj, kd->oom_score_adj);
#undef TAKE
        if (kd->origin != OM_ORIGIN_UNKNOWN)
                ki->origin = kd->origin;
        if (!ki->has_killed)
                set_ts(p, ki, w);
        ki->has_killed = true;
}

/* A summary-only kill of e still waiting for its Killed line. */
static struct kill_int *waiting_kill(struct oomlog *p, struct ev *e, const struct om_killed *kd)
{
        size_t lo = pair_window_start(p);
        for (size_t i = p->n_kills; i-- > lo;) {
                struct kill_int *ki = &p->kills[i];
                if (ki->ev != e || ki->has_killed)
                        continue;
                /* 4.19-5.0: the summary names the chosen parent, "Kill process
                 * P ... or sacrifice child", then the child's Killed line */
                if (ki->k.victim_pid != OG_NONE && ki->k.victim_pid == e->sacrifice_pid &&
                    kd->pid != OG_NONE && kd->pid != ki->k.victim_pid) {
                        ki->k.victim_pid = kd->pid;
                        free(ki->k.victim_comm);
                        ki->k.victim_comm = NULL;
                        ki->k.victim_uid = OG_NONE;
                        return ki;
                }
                if (ki->k.victim_pid != OG_NONE && ki->k.victim_pid != kd->pid)
                        continue;
                if (ki->k.victim_comm && kd->comm.p && !same_str(ki->k.victim_comm, kd->comm))
                        continue;
                return ki;
        }
        return NULL;
}

/* The kernel prefixes a kill with "Memory cgroup out of memory" exactly
 * when the OOM was a memcg's: a Killed line with the other prefix is not
 * the kill of this event, however close in time. */
static bool origin_conflict(const struct ev *e, const struct om_killed *kd)
{
        bool memcg = e->origin == OM_ORIGIN_MEMCG || e->ti_task || e->ti_oom || e->has_mem ||
                     e->sum_oom;
        return (kd->origin == OM_ORIGIN_GLOBAL && memcg) ||
               (kd->origin == OM_ORIGIN_MEMCG && e->origin == OM_ORIGIN_GLOBAL);
}

static void on_killed(struct oomlog *p, const char *m, size_t n, const struct when *w)
{
        struct om_killed kd;
        if (!om_parse_killed(m, n, &kd))
                return;
        struct kill_int *ki = recent_kill(p, kd.pid, w);
        if (ki) { /* paired by pid: summary first, or a repeated line */
                if (!ki->has_killed && ki->ev)
                        ki->ev->n_killed++;
                fill_killed(p, ki, &kd, w);
                return;
        }
        struct ev *e = p->cur;
        bool open = e && ev_fresh(e, w) && !e->no_victim &&
                    (e->group_memcg || e->n_killed == 0) && !origin_conflict(e, &kd);
        if (!open)
                e = new_event(p, w);
        if (!e)
                return;
        ki = waiting_kill(p, e, &kd);
        if (!ki) {
                if (!(ki = oomev_new_kill(p, e, w)))
                        return;
                if (e->group_memcg && e->n_kills > 1) {
                        ki->k.flags |= OOM_KILL_GROUP;
                        ki->k.task_memcg = oomlog_span_dup(
                                p, (struct span){e->group_memcg, strlen(e->group_memcg)});
                }
        }
        fill_killed(p, ki, &kd, w);
        e->n_killed++;
}

static void on_group(struct oomlog *p, const char *m, size_t n, const struct when *w)
{
        struct om_group g;
        if (!om_parse_group(m, n, &g))
                return;
        struct ev *e = p->cur;
        if (!e || !ev_fresh(e, w))
                e = new_event(p, w);
        if (e && !e->group_memcg)
                e->group_memcg = oomlog_span_dup(p, g.memcg);
}

/* A task that enters the OOM killer while already dying (a thread of the
 * victim) is queued for the reaper without a Killed line of its own: same
 * comm as the event's last kill, moments later. */
static struct kill_int *victim_of_thread(struct oomlog *p, struct span comm, const struct when *w)
{
        if (!p->cur || p->n_kills == 0)
                return NULL;
        struct kill_int *ki = &p->kills[p->n_kills - 1];
        if (ki->ev != p->cur || !ki->has_killed || !same_str(ki->k.victim_comm, comm))
                return NULL;
        const struct when *k = &ki->when;
        if (k->mono >= 0 && w->mono >= 0)
                return fabs(w->mono - k->mono) <= 1.0 ? ki : NULL;
        if (k->wall >= 0 && w->wall >= 0)
                return fabs(w->wall - k->wall) <= 1.0 ? ki : NULL;
        return NULL;
}

static void on_reaped(struct oomlog *p, const char *m, size_t n, const struct when *w)
{
        int64_t pid;
        struct span comm;
        if (!om_parse_reaped(m, n, &pid, &comm) || pid == OG_NONE)
                return;
        struct kill_int *ki = recent_kill(p, pid, w);
        if (!ki)
                ki = victim_of_thread(p, comm, w);
        if (ki) {
                ki->k.reaped = true;
                return;
        }
        /* The reaper only reaps OOM victims: its line proves a kill whose
         * Killed line is not in the log. */
        struct ev *e = p->cur;
        bool dump = e && ev_fresh(e, w) && e->n_kills == 0 && !e->no_victim &&
                    (e->has_header || e->ti_task || e->has_mem || e->sacrifice);
        if (!(ki = oomev_new_kill(p, dump ? e : NULL, w)))
                return;
        ki->k.victim_pid = pid;
        set_str(p, &ki->k.victim_comm, comm);
        ki->k.reaped = true;
        ki->k.flags |= OOM_KILL_REAPER_ONLY;
}

static void close_blocks(struct ev *e, enum om_kind k)
{
        if (!e)
                return;
        if (k != OM_STAT)
                e->stats_open = false;
        if (k != OM_TABLE_ROW && k != OM_TABLE_HDR && k != OM_TASKS_STATE)
                e->table_open = false;
}

void oomev_handle(struct oomlog *p, const char *m, size_t n, const struct when *w, bool strict)
{
        struct ev *e = p->cur;
        bool want_cpuset = e && e->has_header && !e->cpuset_seen && !ev_done(e);
        bool want_stat = e && e->stats_open;
        enum om_kind k = strict ? om_classify_kmsg(m, n, want_cpuset, want_stat)
                                : om_classify(m, n, want_cpuset, want_stat);
        p->msg_counter++;
        p->quiet = k == OM_NONE ? p->quiet + 1 : 0;
        close_blocks(e, k);
        switch (k) {
        case OM_NONE: return;
        case OM_INVOKED: on_invoked(p, m, n, w); break;
        case OM_CPUSET: on_cpuset(p, m, n); break;
        case OM_CPU: on_cpu(p, m, n, w); break;
        case OM_TASK_IN: on_task_in(p, m, n, w, strict); break;
        case OM_MEMORY:
        case OM_MEMSW:
        case OM_SWAP:
        case OM_KMEM: on_counter(p, k, m, n, w); break;
        case OM_STATS: on_stats(p, m, n, w); break;
        case OM_STAT: {
                struct om_stat kv;
                if (e && om_parse_stat(m, n, &kv))
                        add_stat(p, e, kv.key, kv.value, false);
                break;
        }
        case OM_TASKS_STATE:
        case OM_TABLE_HDR: on_table_start(p, k, m, n, w); break;
        case OM_TABLE_ROW: on_table_row(p, m, n, w); break;
        case OM_SUMMARY: on_summary(p, m, n, w, strict); break;
        case OM_SACRIFICE: on_sacrifice(p, m, n, w); break;
        case OM_KILLED: on_killed(p, m, n, w); break;
        case OM_GROUP: on_group(p, m, n, w); break;
        case OM_REAPED: on_reaped(p, m, n, w); break;
        case OM_NO_VICTIM:
                if (e && !e->no_victim) {
                        e->no_victim = true;
                        e->no_victim_ts = oomlog_span_dup(p, (struct span){w->ts, w->ts_len});
                }
                break;
        }
        if (p->cur)
                p->cur->order = p->msg_counter;
}
