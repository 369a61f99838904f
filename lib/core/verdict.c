/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "verdict.h"

#include "causes.h"

#include <inttypes.h>
#include <stdlib.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *verdict_kind_name(enum verdict_kind k)
{
        static const char *const n[] = {
                [VERDICT_NONE] = "none",
                [VERDICT_MEMCG] = "memcg",
                [VERDICT_ANCESTOR] = "ancestor-memcg",
                [VERDICT_GLOBAL] = "global",
                [VERDICT_CPUSET] = "cpuset",
                [VERDICT_MEMPOLICY] = "mempolicy",
                [VERDICT_UNKNOWN] = "unknown",
                [VERDICT_LIMIT_HIT] = "limit-hit",
        };
        return (unsigned)k < ARRAY_SIZE(n) ? n[k] : "unknown";
}

const char *verdict_signal_name(int64_t sig, char *buf, size_t n)
{
        const char *a = sig > 0 && sig < 65 ? sigabbrev_np((int)sig) : NULL;
        if (!a)
                return NULL;
        snprintf(buf, n, "SIG%s", a);
        return buf;
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

/* The OOMs in the container's cgroup (or below) that found nothing to
 * kill. The counters must not deny them: such an OOM means the limit was
 * reached, so a limit-hit count of 0 says the record is not the kernel's. */
static size_t own_novictims(const struct verdict_input *in)
{
        size_t n = 0;
        for (size_t i = 0; i < in->n_novictims; i++)
                n += within(in->novictims[i].memcg, in->cgroup);
        return in->limit_hits == 0 ? 0 : n;
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
static void evidence_notes(const struct verdict_input *in, const struct verdict *v, char *buf,
                           size_t cap)
{
        int n = 0;
        if (!in->kmsg_complete && in->kmsg_wrapped)
                n = snprintf(buf, cap,
                             " Kernel log records printed while the container ran "
                             "were overwritten before they could be read (the "
                             "ring buffer wrapped) and no copy had them: evidence "
                             "was lost.");
        else if (!in->kmsg_complete)
                n = snprintf(buf, cap, " The kernel log was incomplete.");
        else if (in->kmsg_wrapped)
                n = snprintf(buf, cap,
                             " The kernel's ring buffer wrapped while the container "
                             "ran; oomguard's copy of its records was used.");
        if (n < 0 || (size_t)n >= cap)
                return;
        if (v->n_unverified)
                snprintf(buf + n, cap - (size_t)n,
                         " The kernel log names %zu OOM kill(s) in the container that its "
                         "cgroup did not count; they were not trusted (log text can be "
                         "forged).",
                         v->n_unverified);
}

/* printf into the summary after what is there */
static void add(struct verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct verdict *v, const char *fmt, ...)
{
        size_t n = strlen(v->summary);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(v->summary + n, sizeof(v->summary) - n, fmt, ap);
        va_end(ap);
}

/* The fix from the one table; fix_at marks where it starts, so that a
 * more precise fix (page cache) can go before it. */
static void add_fix(struct verdict *v, enum og_cause c)
{
        v->fix_at = strlen(v->summary);
        add(v, " %s", cause_fix(c));
}

/* " The main process exited with code 3." / "... was ended by SIGKILL." */
static void add_exit(const struct verdict_input *in, struct verdict *v)
{
        char sig[32];
        if (in->exit_code != OG_NONE)
                add(v, " The main process exited with code %" PRId64 ".", in->exit_code);
        else if (verdict_signal_name(in->exit_signal, sig, sizeof(sig)))
                add(v, " The main process was ended by %s.", sig);
}

/* memory.oom.group: the kills of one OOM event, listed */
static void add_group(const struct verdict_input *in, struct verdict *v)
{
        if (!v->group_kill)
                return;
        add(v, " memory.oom.group killed %zu processes together:", v->n_kills);
        for (size_t i = 0; i < v->n_kills && i < 16; i++) {
                const struct oom_kill *k = &in->kills[v->kill_idx[i]];
                add(v, "%s %.40s (pid %" PRId64 ")", i ? "," : "",
                    k->victim_comm ? k->victim_comm : "?", k->victim_pid);
        }
        add(v, "%s.", v->n_kills > 16 ? ", ..." : "");
}

static bool hit_limit(const struct verdict_input *in)
{
        return in->limit_hits != OG_NONE && in->limit_hits > 0;
}

/* A signal from outside, while memory was short: a userspace killer's or
 * an eviction's, most likely (the kernel's own kills are in its log). */
static bool outside_kill(const struct verdict_input *in)
{
        bool pressure = (in->psi_some != OG_NONE && in->psi_some >= VERDICT_PSI_PRESSURE) ||
                        hit_limit(in);
        return pressure && (in->exit_signal == SIGKILL || in->exit_signal == SIGTERM);
}

static void summarize_none(const struct verdict_input *in, struct verdict *v)
{
        char sig[32];
        if (outside_kill(in)) {
                add(v,
                    "No kernel OOM kill: the main process was ended by %s from outside "
                    "while the container was under memory pressure",
                    verdict_signal_name(in->exit_signal, sig, sizeof(sig)));
                if (in->psi_some != OG_NONE)
                        add(v, " (memory.pressure some avg10 %" PRId64 ".%02" PRId64 "%%)",
                            in->psi_some / 100, in->psi_some % 100);
                if (hit_limit(in))
                        add(v, " (its limit was hit %" PRId64 " times)", in->limit_hits);
                add(v, ": a userspace OOM killer (systemd-oomd, earlyoom) or a kubelet "
                       "eviction is the likely cause.");
                add_fix(v, CAUSE_USERSPACE);
                return;
        }
        add(v, "No OOM kill: the container ended on its own or was stopped.");
        add_exit(in, v);
        if (hit_limit(in))
                add(v,
                    " Its usage reached the memory limit %" PRId64 " times (page cache at "
                    "the limit is normal on fast storage).",
                    in->limit_hits);
}

static void summarize_limit_hit(const struct verdict_input *in, struct verdict *v)
{
        struct pc_figures f = {.dirty = in->dirty,
                               .writeback = in->writeback,
                               .file = in->file,
                               .anon = in->anon};
        if (v->n_novictims > 0) {
                add(v,
                    "No OOM kill: at the container's memory limit (%zu time%s) the kernel "
                    "" CAUSE_NO_VICTIM_WHAT ".",
                    v->n_novictims, v->n_novictims == 1 ? "" : "s");
                add_exit(in, v);
                add_fix(v, CAUSE_NO_VICTIM);
                return;
        }
        add(v,
            "No OOM kill, but the container's usage reached its memory limit %" PRId64
            " times and the main process exited with code %" PRId64 ": allocations "
            "may have failed with ENOMEM (\"Cannot allocate memory\").",
            in->limit_hits, in->exit_code);
        if (in->file != OG_NONE && in->anon != OG_NONE)
                add(v,
                    " Of the charge, %" PRId64 " MiB were page cache (%" PRId64 " MiB dirty, "
                    "%" PRId64 " MiB under writeback) against %" PRId64 " MiB anonymous.",
                    in->file >> 20, in->dirty == OG_NONE ? 0 : in->dirty >> 20,
                    in->writeback == OG_NONE ? 0 : in->writeback >> 20, in->anon >> 20);
        v->page_cache_driven = cause_pc_driven(&f);
        add_fix(v, v->page_cache_driven ? CAUSE_PAGE_CACHE : CAUSE_LIMIT_HIT);
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
        v->summary[0] = '\0';
        switch (v->kind) {
        case VERDICT_NONE: summarize_none(in, v); break;
        case VERDICT_LIMIT_HIT: summarize_limit_hit(in, v); break;
        case VERDICT_MEMCG:
                add(v, "%s was killed because the container's own memory limit was reached.",
                    who);
                add_group(in, v);
                if (v->init_killed == 0)
                        add_exit(in, v);
                add_fix(v, CAUSE_OWN_LIMIT);
                break;
        case VERDICT_ANCESTOR: {
                char pl[32], ol[32];
                limit_text(pl, sizeof(pl), parent_limit(in, v->oom_memcg));
                limit_text(ol, sizeof(ol), in->limit_bytes);
                add(v,
                    "%s was killed because the parent cgroup %.200s reached its limit%s, "
                    "not the container's own%s.",
                    who, v->oom_memcg ? v->oom_memcg : "?", pl, ol);
                add_group(in, v);
                if (v->init_killed == 0)
                        add_exit(in, v);
                add_fix(v, CAUSE_PARENT_LIMIT);
                break;
        }
        case VERDICT_GLOBAL:
                add(v,
                    "The host ran out of memory and %s was the kernel's choice of "
                    "victim; the container's limit was not reached.",
                    who);
                add_fix(v, CAUSE_GLOBAL);
                break;
        case VERDICT_CPUSET:
        case VERDICT_MEMPOLICY:
                add(v, "%s was killed because the memory nodes its %s allows ran out.", who,
                    v->kind == VERDICT_CPUSET ? "cpuset" : "NUMA policy");
                add_fix(v, v->kind == VERDICT_CPUSET ? CAUSE_CPUSET : CAUSE_MEMPOLICY);
                break;
        case VERDICT_UNKNOWN:
                if (!v->ev_counters) {
                        add(v, "Whether an OOM kill ended the container is not known: the "
                               "kernel's records since it was created are incomplete and its "
                               "cgroup's counters were last read before it ended.");
                        add_exit(in, v);
                        break;
                }
                add(v,
                    "An OOM kill hit the container but the kernel's report of it was "
                    "lost (log wrapped or rate-limited); the cgroup counted %" PRId64 " kill(s).",
                    in->counters.have ? in->counters.oom_kill_after - in->counters.oom_kill_before
                                      : 0);
                break;
        }
        size_t n = strlen(v->summary);
        evidence_notes(in, v, v->summary + n, sizeof(v->summary) - n);
}

/* memory.oom.group: more than one of the container's processes killed,
 * the kernel's group line before them (the chosen victim, printed first,
 * is not marked) */
static bool group_of(const struct verdict_input *in, const struct verdict *v)
{
        bool g = false;
        for (size_t i = 0; i < v->n_kills; i++)
                g |= (in->kills[v->kill_idx[i]].flags & OOM_KILL_GROUP) != 0;
        return g && v->n_kills >= 2;
}

/* The counters say no kill: the kernel-log kills they could have seen stay
 * out (log text can be forged). A kill logged after the watcher last read
 * the counters (the runtime removed the cgroup first) is beyond them: it
 * stays, decided by the kernel's record alone. */
static void drop_denied(const struct verdict_input *in, struct verdict *v)
{
        int64_t read_us = in->counters.read_us;
        size_t kept = 0;
        for (size_t i = 0; i < v->n_kills; i++) {
                const char *ts = in->kills[v->kill_idx[i]].timestamp;
                char *end = NULL;
                long long us = ts ? strtoll(ts, &end, 10) : 0;
                bool later = read_us > 0 && ts && end && end != ts && !*end && us > read_us;
                if (later)
                        v->kill_idx[kept++] = v->kill_idx[i];
                else
                        v->n_unverified++;
        }
        v->n_kills = kept;
        if (kept == 0 || v->init_killed == 1) {
                bool init_kept = false;
                for (size_t i = 0; i < kept; i++)
                        init_kept |= in->kills[v->kill_idx[i]].victim_pid == in->init_pid;
                if (!init_kept)
                        v->init_killed = -1;
        }
}

void verdict_decide(const struct verdict_input *in, struct verdict *v)
{
        memset(v, 0, sizeof(*v));
        v->init_killed = -1;
        v->ev_init_pid = in->init_pid != OG_NONE;
        v->exit_code = in->exit_code;
        v->exit_signal = in->exit_signal;
        v->limit_hits = in->limit_hits;
        v->psi_some = in->psi_some;
        v->psi_full = in->psi_full;
        pick_kills(in, v);
        bool counted = counted_kill(&in->counters);
        if (v->n_kills > 0 && !counted && counters_known(&in->counters))
                drop_denied(in, v);
        if (v->n_kills > 0) {
                size_t d = v->kill_idx[0];
                for (size_t i = 0; i < v->n_kills; i++)
                        if (in->kills[v->kill_idx[i]].victim_pid == in->init_pid)
                                d = v->kill_idx[i]; /* the death that ended it */
                v->kind = kind_of(&in->kills[d], in->cgroup);
                v->oom_memcg = in->kills[d].oom_memcg;
                v->ev_kmsg = true;
                v->ev_counters = counted;
                v->group_kill = group_of(in, v);
                if (v->init_killed != 1 && v->ev_init_pid && in->kmsg_complete)
                        v->init_killed = 0;
        } else if (counted) {
                /* the kernel's report was lost: the counters still saw it */
                v->ev_counters = true;
                bool limit_hit = in->counters.oom_after != OG_NONE &&
                                 in->counters.oom_before != OG_NONE &&
                                 in->counters.oom_after > in->counters.oom_before;
                v->kind = limit_hit ? VERDICT_MEMCG : VERDICT_UNKNOWN;
        } else if (!in->kmsg_complete && !(in->counters.have && in->counters.to_end)) {
                /* no kill seen, but the kernel's records since create are
                 * incomplete and no counter read after the end says there
                 * was none: not "none" (a kill of the init before the
                 * runtime removed the cgroup is seen by neither) */
                v->kind = VERDICT_UNKNOWN;
        } else {
                /* no kill: a failed charge is ENOMEM. The kernel says so
                 * when its OOM found nothing to kill in the cgroup; and a
                 * program that exits non-zero after its limit was hit most
                 * likely died of it (the exit code must be its own, not a
                 * signal's) */
                v->n_novictims = own_novictims(in);
                bool failed = v->n_novictims > 0 ||
                              (in->exit_code != OG_NONE && in->exit_code > 0 && hit_limit(in));
                v->kind = failed ? VERDICT_LIMIT_HIT : VERDICT_NONE;
                v->ev_kmsg = in->kmsg_complete && !v->n_unverified;
                v->ev_counters = in->counters.have;
                if (v->ev_init_pid && (in->kmsg_complete || in->counters.have))
                        v->init_killed = 0;
        }
        summarize(in, v);
}
