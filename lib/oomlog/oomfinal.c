/* SPDX-License-Identifier: MIT */
/* Kills -> their final records: context from their event, scope from the
 * constraint and the memcg paths, container ids, log order. */
#define _GNU_SOURCE
#include "oomlog-int.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define PAGE_KB 4 /* task tables print pages; 4 KiB on x86 and most arm64 */

const char *oom_scope_name(enum oom_scope s)
{
        static const char *const names[] = {
                [OOM_SCOPE_UNKNOWN] = "unknown",
                [OOM_SCOPE_MEMCG] = "memcg",
                [OOM_SCOPE_ANCESTOR] = "ancestor-memcg",
                [OOM_SCOPE_MEMCG_UNRESOLVED] = "memcg-unresolved",
                [OOM_SCOPE_GLOBAL] = "global",
                [OOM_SCOPE_CPUSET] = "cpuset",
                [OOM_SCOPE_MEMPOLICY] = "mempolicy",
        };
        return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "unknown";
}

static int64_t pages_kb(int64_t pages)
{
        return pages == OG_NONE || pages > INT64_MAX / PAGE_KB ? OG_NONE : pages * PAGE_KB;
}

void oomfinal_from_rows(struct kill_int *ki, const struct ev *e)
{
        struct oom_kill *k = &ki->k;
        const struct row_min *r = oomev_find_row(e, k->victim_pid);
        if (!r)
                return;
        if (k->oom_score_adj == OG_NONE)
                k->oom_score_adj = r->v[OM_COL_ADJ];
        if (!k->victim_comm && r->name[0])
                k->victim_comm = strdup(r->name); /* the Killed line was cut */
        if (k->victim_uid == OG_NONE)
                k->victim_uid = r->v[OM_COL_UID];
        if (k->total_vm_kb == OG_NONE)
                k->total_vm_kb = pages_kb(r->v[OM_COL_TOTAL_VM]);
        if (k->anon_rss_kb == OG_NONE)
                k->anon_rss_kb = pages_kb(r->v[OM_COL_RSS_ANON]);
        if (k->file_rss_kb == OG_NONE)
                k->file_rss_kb = pages_kb(r->v[OM_COL_RSS_FILE]);
        if (k->shmem_rss_kb == OG_NONE)
                k->shmem_rss_kb = pages_kb(r->v[OM_COL_RSS_SHMEM]);
}

static char *dup_or_null(struct oomlog *p, const char *s)
{
        if (!s)
                return NULL;
        char *r = strdup(s);
        if (!r)
                p->error = -ENOMEM;
        return r;
}

static void copy_counters(struct oom_kill *k, const struct ev *e)
{
        if (e->has_mem && k->memcg_usage_kb == OG_NONE) {
                k->memcg_usage_kb = e->mem.usage_kb;
                k->memcg_limit_kb = e->mem.limit_kb;
                k->memcg_failcnt = e->mem.failcnt;
        }
        if (e->has_swap && k->swap_usage_kb == OG_NONE) {
                k->swap_usage_kb = e->swap.usage_kb;
                k->swap_limit_kb = e->swap.limit_kb;
        }
        if (e->has_memsw && k->memsw_usage_kb == OG_NONE) {
                k->memsw_usage_kb = e->memsw.usage_kb;
                k->memsw_limit_kb = e->memsw.limit_kb;
        }
}

static void copy_stats(struct oomlog *p, struct oom_kill *k, const struct ev *e)
{
        if (k->stats || e->n_stats == 0)
                return;
        k->stats = malloc(e->n_stats * sizeof(*k->stats));
        if (!k->stats) {
                p->error = -ENOMEM;
                return;
        }
        memcpy(k->stats, e->stats, e->n_stats * sizeof(*k->stats));
        k->n_stats = e->n_stats;
        k->stats_in_kb = e->stats_single;
}

/* A task_memcg cut short (pager, excerpt) that the oom.group line names
 * whole: the kubelet sets memory.oom.group on leaf containers. */
static void complete_from_group(struct oomlog *p, struct oom_kill *k, const struct ev *e)
{
        if (k->task_memcg && e->group_memcg && strlen(k->task_memcg) < strlen(e->group_memcg) &&
            strncmp(k->task_memcg, e->group_memcg, strlen(k->task_memcg)) == 0) {
                free(k->task_memcg);
                k->task_memcg = dup_or_null(p, e->group_memcg);
        }
}

/* memcg paths the kill line did not carry, from the rest of the report */
static void fill_paths(struct oomlog *p, struct kill_int *ki, const struct ev *e)
{
        struct oom_kill *k = &ki->k;
        if (ki->global_oom || ki->origin != OM_ORIGIN_MEMCG)
                return;
        if (!k->oom_memcg && (e->sum_oom || e->ti_oom))
                k->oom_memcg = dup_or_null(p, e->sum_oom ? e->sum_oom : e->ti_oom);
        if (!k->task_memcg && e->ti_task)
                k->task_memcg = dup_or_null(p, e->ti_task);
        if (k->oom_memcg && e->stats_path && strlen(k->oom_memcg) < strlen(e->stats_path) &&
            strncmp(k->oom_memcg, e->stats_path, strlen(k->oom_memcg)) == 0) {
                /* the summary line was cut; the stats dump names it whole */
                free(k->oom_memcg);
                k->oom_memcg = dup_or_null(p, e->stats_path);
        }
        if (k->oom_memcg || !e->stats_path)
                return;
        /* The stats dump names the OOM memcg first. Before 5.0 (one line
         * per memcg) it lists the whole OOMing subtree: a single line means
         * the victim lives in that very memcg. */
        k->oom_memcg = dup_or_null(p, e->stats_path);
        k->flags |= OOM_KILL_MEMCG_DEDUCED;
        if (!k->task_memcg && e->stats_single && e->n_stats_hdr == 1)
                k->task_memcg = dup_or_null(p, e->stats_path);
}

static void origin_from_summary(struct kill_int *ki)
{
        const char *c = ki->k.constraint;
        if (ki->origin != OM_ORIGIN_UNKNOWN || !ki->has_summary)
                return;
        if ((c && strcmp(c, "CONSTRAINT_MEMCG") == 0) || (ki->k.oom_memcg && !ki->global_oom))
                ki->origin = OM_ORIGIN_MEMCG;
        else if (ki->global_oom)
                ki->origin = OM_ORIGIN_GLOBAL;
}

static void from_event(struct oomlog *p, struct kill_int *ki, const struct ev *e)
{
        struct oom_kill *k = &ki->k;
        origin_from_summary(ki);
        if (!e)
                return;
        if (!e->rows_released)
                oomfinal_from_rows(ki, e);
        if (!k->invoker_comm && e->invoker_comm)
                k->invoker_comm = dup_or_null(p, e->invoker_comm);
        if (k->invoker_pid == OG_NONE)
                k->invoker_pid = e->invoker_pid;
        if (!k->gfp_mask && e->gfp_mask)
                k->gfp_mask = dup_or_null(p, e->gfp_mask);
        if (k->order == OG_NONE)
                k->order = e->order_val;
        if (k->oom_score_adj == OG_NONE && k->victim_pid != OG_NONE &&
            k->victim_pid == e->invoker_pid)
                k->oom_score_adj = e->invoker_adj;
        if (ki->origin == OM_ORIGIN_UNKNOWN)
                ki->origin = e->ti_task ? OM_ORIGIN_MEMCG : e->origin;
        copy_counters(k, e);
        copy_stats(p, k, e);
        complete_from_group(p, k, e);
        fill_paths(p, ki, e);
}

/* An event that chose a victim the log does not show still is a kill. */
static void add_partial_kills(struct oomlog *p)
{
        for (size_t i = 0; i < p->n_evs; i++) {
                struct ev *e = p->evs[i];
                if (e->n_kills > 0 || e->no_victim || !(e->ti_task || e->sacrifice))
                        continue;
                struct when w = e->first;
                struct kill_int *ki = oomev_new_kill(p, e, &w);
                if (!ki)
                        return;
                ki->order = e->order;
                ki->k.flags |= OOM_KILL_PARTIAL;
        }
}

/* Printed within a second of each other; without timestamps nothing says
 * two kills belong together. */
static bool same_burst(const struct kill_int *a, const struct kill_int *b)
{
        if (a->when.mono >= 0 && b->when.mono >= 0)
                return fabs(a->when.mono - b->when.mono) <= 1.0;
        if (a->when.wall >= 0 && b->when.wall >= 0)
                return fabs(a->when.wall - b->when.wall) <= 1.0;
        return false;
}

/* A neighbour whose printed constraint is cpuset or mempolicy says nothing
 * about "Out of memory" kills around it. */
static bool printed_other(const struct kill_int *k)
{
        const char *c = k->k.constraint;
        return c && strcmp(c, "CONSTRAINT_MEMCG") != 0 && strcmp(c, "CONSTRAINT_NONE") != 0;
}

/* dump_header is rate-limited, Killed lines are not: a kill printed with no
 * context in a burst of memcg kills is a memcg kill too. */
static void infer_from_burst(struct kill_int *kills, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                struct kill_int *ki = &kills[i];
                /* only a Killed line of its own can be part of a burst; a
                 * reaper line may follow any kind of OOM */
                if (ki->origin != OM_ORIGIN_UNKNOWN || ki->k.constraint || !ki->has_killed)
                        continue;
                const struct kill_int *nb[2] = {i > 0 ? &kills[i - 1] : NULL,
                                                i + 1 < n ? &kills[i + 1] : NULL};
                for (int j = 0; j < 2; j++) {
                        if (nb[j] && nb[j]->origin != OM_ORIGIN_UNKNOWN &&
                            !printed_other(nb[j]) && same_burst(ki, nb[j])) {
                                ki->origin = nb[j]->origin;
                                ki->k.flags |= OOM_KILL_SCOPE_INFERRED;
                                break;
                        }
                }
        }
}

static enum oom_scope memcg_scope(const struct oom_kill *k)
{
        const char *o = k->oom_memcg, *t = k->task_memcg;
        switch (cg_relation(o, o ? strlen(o) : 0, t, t ? strlen(t) : 0)) {
        case CG_REL_SAME: return OOM_SCOPE_MEMCG;
        case CG_REL_ANCESTOR: return OOM_SCOPE_ANCESTOR;
        case CG_REL_UNKNOWN: break;
        }
        if (o && !t) /* a slice or pod level holds no tasks itself */
                return cg_is_group_level(o, strlen(o)) ? OOM_SCOPE_ANCESTOR : OOM_SCOPE_MEMCG;
        return OOM_SCOPE_MEMCG_UNRESOLVED;
}

static void classify(struct oomlog *p, struct kill_int *ki)
{
        struct oom_kill *k = &ki->k;
        const char *c = k->constraint;
        if (c && strcmp(c, "CONSTRAINT_NONE") == 0 && k->oom_memcg && !ki->global_oom)
                k->scope = memcg_scope(k); /* 4.19-5.2 printed NONE for memcg OOMs */
        else if (c && strcmp(c, "CONSTRAINT_NONE") == 0)
                k->scope = OOM_SCOPE_GLOBAL;
        else if (c && strcmp(c, "CONSTRAINT_CPUSET") == 0)
                k->scope = OOM_SCOPE_CPUSET;
        else if (c && strcmp(c, "CONSTRAINT_MEMORY_POLICY") == 0)
                k->scope = OOM_SCOPE_MEMPOLICY;
        else if (c && (strcmp(c, "CONSTRAINT_MEMCG") == 0 || k->oom_memcg))
                k->scope = memcg_scope(k);
        else if (c)
                k->scope = ki->global_oom ? OOM_SCOPE_GLOBAL : OOM_SCOPE_UNKNOWN;
        else if (ki->origin == OM_ORIGIN_MEMCG) {
                k->scope = memcg_scope(k);
                k->constraint = dup_or_null(p, "CONSTRAINT_MEMCG");
        } else if (ki->origin == OM_ORIGIN_GLOBAL) {
                k->scope = OOM_SCOPE_GLOBAL;
                k->constraint = dup_or_null(p, "CONSTRAINT_NONE");
        } else
                k->scope = OOM_SCOPE_UNKNOWN;
        if (k->task_memcg)
                cg_container_id(k->task_memcg, strlen(k->task_memcg), k->container_id);
        const char *pod = k->task_memcg ? k->task_memcg : k->oom_memcg;
        if (pod && !cg_pod_uid(pod, strlen(pod), k->pod_uid) && k->oom_memcg)
                cg_pod_uid(k->oom_memcg, strlen(k->oom_memcg), k->pod_uid);
}

static int by_order(const void *a, const void *b)
{
        const struct kill_int *x = a, *y = b;
        if (x->order != y->order)
                return x->order < y->order ? -1 : 1;
        return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static size_t orphan_invocations(const struct oomlog *p)
{
        size_t n = 0;
        for (size_t i = 0; i < p->n_evs; i++)
                n += p->evs[i]->has_header && p->evs[i]->n_kills == 0;
        return n;
}

/* The OOMs that found nothing to kill, in the order they were printed. */
static int take_novictims(struct oomlog *p, struct oomlog_result *ret)
{
        size_t n = 0;
        for (size_t i = 0; i < p->n_evs; i++)
                n += p->evs[i]->no_victim;
        if (n == 0)
                return 0;
        ret->novictims = calloc(n, sizeof(*ret->novictims));
        if (!ret->novictims)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_evs; i++) {
                struct ev *e = p->evs[i];
                if (!e->no_victim)
                        continue;
                struct oom_novictim *o = &ret->novictims[ret->n_novictims++];
                o->memcg = dup_or_null(p, e->stats_path);
                o->invoker_comm = dup_or_null(p, e->invoker_comm);
                o->invoker_pid = e->invoker_pid;
                o->timestamp = e->no_victim_ts;
                e->no_victim_ts = NULL;
        }
        return p->error;
}

int oomfinal_run(struct oomlog *p, struct oomlog_result *ret)
{
        memset(ret, 0, sizeof(*ret));
        add_partial_kills(p);
        for (size_t i = 0; i < p->n_kills; i++)
                from_event(p, &p->kills[i], p->kills[i].ev);
        /* keep creation order for ties: qsort is not stable */
        if (p->n_kills > 1)
                qsort(p->kills, p->n_kills, sizeof(*p->kills), by_order);
        infer_from_burst(p->kills, p->n_kills);
        for (size_t i = 0; i < p->n_kills; i++)
                classify(p, &p->kills[i]);
        if (p->error)
                return p->error;
        p->stats.orphan_invocations = orphan_invocations(p);
        ret->stats = p->stats;
        ret->kills = calloc(p->n_kills ? p->n_kills : 1, sizeof(*ret->kills));
        if (!ret->kills)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_kills; i++) {
                ret->kills[i] = p->kills[i].k;
                memset(&p->kills[i].k, 0, sizeof(p->kills[i].k));
        }
        ret->n_kills = p->n_kills;
        return take_novictims(p, ret);
}

void oom_kill_clear(struct oom_kill *k)
{
        free(k->constraint), free(k->oom_memcg), free(k->task_memcg);
        free(k->victim_comm), free(k->invoker_comm), free(k->gfp_mask);
        free(k->stats), free(k->timestamp);
        memset(k, 0, sizeof(*k));
}

void oomlog_result_free(struct oomlog_result *r)
{
        if (!r)
                return;
        for (size_t i = 0; r->kills && i < r->n_kills; i++)
                oom_kill_clear(&r->kills[i]);
        free(r->kills);
        r->kills = NULL;
        r->n_kills = 0;
        for (size_t i = 0; r->user_kills && i < r->n_user_kills; i++)
                user_kill_clear(&r->user_kills[i]);
        free(r->user_kills);
        r->user_kills = NULL;
        r->n_user_kills = 0;
        for (size_t i = 0; r->novictims && i < r->n_novictims; i++) {
                struct oom_novictim *o = &r->novictims[i];
                free(o->memcg), free(o->invoker_comm), free(o->timestamp);
        }
        free(r->novictims);
        r->novictims = NULL;
        r->n_novictims = 0;
}
