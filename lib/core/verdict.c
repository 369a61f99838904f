/* SPDX-License-Identifier: MIT */
#include "verdict.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *verdict_kind_name(enum verdict_kind k)
{
        static const char *const n[] = {
                [VERDICT_NONE] = "none",         [VERDICT_MEMCG] = "memcg",
                [VERDICT_ANCESTOR] = "ancestor-memcg", [VERDICT_GLOBAL] = "global",
                [VERDICT_CPUSET] = "cpuset",     [VERDICT_MEMPOLICY] = "mempolicy",
                [VERDICT_UNKNOWN] = "unknown",
        };
        return (unsigned)k < ARRAY_SIZE(n) ? n[k] : "unknown";
}

/* path is cg itself or below it */
static bool within(const char *path, const char *cg)
{
        size_t n = strlen(cg);
        return path && strncmp(path, cg, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool verdict_kill_is_ours(const struct oom_kill *k, const char *cgroup, int64_t init_pid)
{
        if (k->task_memcg)
                return within(k->task_memcg, cgroup);
        /* no cgroup in the record (rate-limited report): only the init pid,
         * recorded at create, ties it to us */
        return init_pid != OG_NONE && k->victim_pid == init_pid;
}

static enum verdict_kind kind_of(const struct oom_kill *k, const char *cgroup)
{
        switch (k->scope) {
        case OOM_SCOPE_GLOBAL: return VERDICT_GLOBAL;
        case OOM_SCOPE_CPUSET: return VERDICT_CPUSET;
        case OOM_SCOPE_MEMPOLICY: return VERDICT_MEMPOLICY;
        case OOM_SCOPE_MEMCG:
        case OOM_SCOPE_ANCESTOR:
        case OOM_SCOPE_MEMCG_UNRESOLVED:
                if (!k->oom_memcg)
                        return VERDICT_MEMCG; /* a limit was hit; ours is the likely one */
                /* the limit hit was ours (or a sub-cgroup's), or above us */
                return within(k->oom_memcg, cgroup) ? VERDICT_MEMCG : VERDICT_ANCESTOR;
        case OOM_SCOPE_UNKNOWN: break;
        }
        return VERDICT_UNKNOWN;
}

static bool counters_known(const struct verdict_counters *c)
{
        return c->have && c->oom_kill_after != OG_NONE && c->oom_kill_before != OG_NONE;
}

static bool counted_kill(const struct verdict_counters *c)
{
        return counters_known(c) && c->oom_kill_after > c->oom_kill_before;
}

static void pick_kills(const struct verdict_input *in, struct verdict *v)
{
        for (size_t i = 0; i < in->n_kills && v->n_kills < VERDICT_MAX_KILLS; i++) {
                const struct oom_kill *k = &in->kills[i];
                if (!verdict_kill_is_ours(k, in->cgroup, in->init_pid))
                        continue;
                v->kill_idx[v->n_kills++] = i;
                if (in->init_pid != OG_NONE && k->victim_pid == in->init_pid)
                        v->init_killed = 1;
        }
}

/* " (32 MiB)" for a known limit, "" otherwise */
static void limit_text(char *buf, size_t n, int64_t bytes)
{
        buf[0] = '\0';
        if (bytes > 0 && bytes < (INT64_C(1) << 60))
                snprintf(buf, n, " (%.0f MiB)", (double)bytes / 1048576.0);
}

static int64_t parent_limit(const struct verdict_input *in, const char *cg)
{
        for (size_t i = 0; cg && i < in->n_parents; i++)
                if (strcmp(in->parents[i].cgroup, cg) == 0)
                        return in->parents[i].limit_bytes;
        return OG_NONE;
}

/* What the summary adds about the evidence: records lost, or not trusted. */
static void evidence_notes(const struct verdict_input *in, const struct verdict *v,
                           char *buf, size_t cap)
{
        int n = 0;
        if (!in->kmsg_complete && in->kmsg_wrapped)
                n = snprintf(buf, cap, " Kernel log records printed while the container ran "
                                       "were overwritten before they could be read (the "
                                       "ring buffer wrapped) and no copy had them: evidence "
                                       "was lost.");
        else if (!in->kmsg_complete)
                n = snprintf(buf, cap, " The kernel log was incomplete.");
        else if (in->kmsg_wrapped)
                n = snprintf(buf, cap, " The kernel's ring buffer wrapped while the container "
                                       "ran; oomguard's copy of its records was used.");
        if (n < 0 || (size_t)n >= cap)
                return;
        if (v->n_unverified)
                snprintf(buf + n, cap - (size_t)n,
                         " The kernel log names %zu OOM kill(s) in the container that its "
                         "cgroup did not count; they were not trusted (log text can be "
                         "forged).", v->n_unverified);
}

static void summarize(const struct verdict_input *in, struct verdict *v)
{
        const struct oom_kill *k = v->n_kills ? &in->kills[v->kill_idx[0]] : NULL;
        for (size_t i = 0; i < v->n_kills; i++)
                if (in->kills[v->kill_idx[i]].victim_pid == in->init_pid)
                        k = &in->kills[v->kill_idx[i]];
        char who[128] = "a process";
        if (k && k->victim_comm)
                snprintf(who, sizeof(who), "%.40s (pid %" PRId64 ")%s", k->victim_comm,
                         k->victim_pid, v->init_killed == 1 ? ", its main process," : "");
        switch (v->kind) {
        case VERDICT_NONE:
                snprintf(v->summary, sizeof(v->summary),
                         "No OOM kill: the container ended on its own or was stopped.");
                break;
        case VERDICT_MEMCG:
                snprintf(v->summary, sizeof(v->summary),
                         "%s was killed because the container's own memory limit was "
                         "reached. Raise the limit above its peak or make it use less.",
                         who);
                break;
        case VERDICT_ANCESTOR: {
                char pl[32], ol[32];
                limit_text(pl, sizeof(pl), parent_limit(in, v->oom_memcg));
                limit_text(ol, sizeof(ol), in->limit_bytes);
                snprintf(v->summary, sizeof(v->summary),
                         "%s was killed because the parent cgroup %.200s reached its limit%s, "
                         "not the container's own%s. Raise the parent's (pod's) limit or "
                         "lower its other members.", who, v->oom_memcg ? v->oom_memcg : "?",
                         pl, ol);
                break;
        }
        case VERDICT_GLOBAL:
                snprintf(v->summary, sizeof(v->summary),
                         "The host ran out of memory and %s was the kernel's choice of "
                         "victim; the container's limit was not reached. Add memory or "
                         "limit the workloads that grow.", who);
                break;
        case VERDICT_CPUSET:
        case VERDICT_MEMPOLICY:
                snprintf(v->summary, sizeof(v->summary),
                         "%s was killed because the memory nodes its %s allows ran out. "
                         "Widen them or move the workload.", who,
                         v->kind == VERDICT_CPUSET ? "cpuset" : "NUMA policy");
                break;
        case VERDICT_UNKNOWN:
                snprintf(v->summary, sizeof(v->summary),
                         "An OOM kill hit the container but the kernel's report of it was "
                         "lost (log wrapped or rate-limited); the cgroup counted %" PRId64
                         " kill(s).", in->counters.have ? in->counters.oom_kill_after -
                                                           in->counters.oom_kill_before : 0);
                break;
        }
        size_t n = strlen(v->summary);
        evidence_notes(in, v, v->summary + n, sizeof(v->summary) - n);
}

void verdict_decide(const struct verdict_input *in, struct verdict *v)
{
        memset(v, 0, sizeof(*v));
        v->init_killed = -1;
        v->ev_init_pid = in->init_pid != OG_NONE;
        pick_kills(in, v);
        bool counted = counted_kill(&in->counters);
        if (v->n_kills > 0 && !counted && counters_known(&in->counters)) {
                /* the counters say no kill: the kernel-log kills stay out */
                v->n_unverified = v->n_kills;
                v->n_kills = 0;
                v->init_killed = -1;
        }
        if (v->n_kills > 0) {
                size_t d = v->kill_idx[0];
                for (size_t i = 0; i < v->n_kills; i++)
                        if (in->kills[v->kill_idx[i]].victim_pid == in->init_pid)
                                d = v->kill_idx[i]; /* the death that ended it */
                v->kind = kind_of(&in->kills[d], in->cgroup);
                v->oom_memcg = in->kills[d].oom_memcg;
                v->ev_kmsg = true;
                v->ev_counters = counted;
                if (v->init_killed != 1 && v->ev_init_pid && in->kmsg_complete)
                        v->init_killed = 0;
        } else if (counted) {
                /* the kernel's report was lost: the counters still saw it */
                v->ev_counters = true;
                bool limit_hit = in->counters.oom_after != OG_NONE &&
                                 in->counters.oom_before != OG_NONE &&
                                 in->counters.oom_after > in->counters.oom_before;
                v->kind = limit_hit ? VERDICT_MEMCG : VERDICT_UNKNOWN;
        } else {
                v->kind = VERDICT_NONE;
                v->ev_kmsg = in->kmsg_complete && !v->n_unverified;
                v->ev_counters = in->counters.have;
                if (v->ev_init_pid && (in->kmsg_complete || in->counters.have))
                        v->init_killed = 0;
        }
        summarize(in, v);
}
