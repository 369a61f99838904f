/* SPDX-License-Identifier: MIT */
/* One container's death -> one verdict. Pure: the caller gathers the
 * evidence (kernel records since create, cgroup counters from the watcher
 * or the shim's snapshot, the init pid) and this decides. */
#ifndef OOMGUARD_VERDICT_H
#define OOMGUARD_VERDICT_H

#include "oomlog.h"

#include <stddef.h>
#include <stdint.h>

enum verdict_kind {
        VERDICT_NONE = 0,
        VERDICT_MEMCG,    /* the container's own limit */
        VERDICT_ANCESTOR, /* a parent's limit (pod, slice) */
        VERDICT_GLOBAL,   /* the host ran out of memory */
        VERDICT_CPUSET,
        VERDICT_MEMPOLICY,
        VERDICT_UNKNOWN,   /* an OOM kill happened, its kind is not known */
        VERDICT_LIMIT_HIT, /* no kill; init failed after the limit was hit (ENOMEM) */
};

const char *verdict_kind_name(enum verdict_kind k);

/* "SIGKILL" for 9 into buf; NULL for no signal or an unknown one */
const char *verdict_signal_name(int64_t sig, char *buf, size_t n);

/* memory.pressure "some" avg10 at or above this (hundredths of a
 * percent): the container was under memory pressure */
#define VERDICT_PSI_PRESSURE 1000

/* Counters of the container's cgroup: at create and last seen. oom_kill
 * counts the kills in its sub-cgroups too (cgf_read_oom_kill); oom, the
 * limit hits, is v2 memory.events.local's. */
struct verdict_counters {
        bool have;
        int64_t oom_kill_before, oom_kill_after;
        int64_t oom_before, oom_after; /* limit hits; v2 only, else OG_NONE */
        /* when oom_kill_after was read (CLOCK_MONOTONIC µs, the kernel log's
         * clock), if it came from the watcher's last snapshot rather than
         * from the cgroup at poststop; 0 or OG_NONE: read at the end */
        int64_t read_us;
        /* read after the init's death (at poststop, or by a snapshot
         * after it): a kill of its life is in them. A snapshot from
         * before cannot say there was none. */
        bool to_end;
};

struct verdict_limit {
        const char *cgroup;
        int64_t limit_bytes; /* <= 0 or OG_NONE: unknown */
};

struct verdict_input {
        const char *cgroup;           /* the container's memcg as the kernel prints it */
        int64_t init_pid;             /* OG_NONE if unknown */
        const struct oom_kill *kills; /* parsed kernel records since create */
        size_t n_kills;
        /* OOMs since create that found nothing to kill (any cgroup) */
        const struct oom_novictim *novictims;
        size_t n_novictims;
        bool kmsg_complete; /* no records lost or unreadable */
        struct verdict_counters counters;
        int64_t limit_bytes;                 /* the container's own limit */
        const struct verdict_limit *parents; /* for "the pod's limit X" */
        size_t n_parents;
        /* the kernel's ring dropped records printed since create; the
         * watcher's copy filled them in (kmsg_complete then true) or not */
        bool kmsg_wrapped;
        /* how the init ended (OG_NONE: unknown): its exit code, or the
         * signal that killed it */
        int64_t exit_code, exit_signal;
        int64_t limit_hits;         /* times usage reached the limit; OG_NONE */
        int64_t psi_some, psi_full; /* v2 memory.pressure avg10, hundredths; OG_NONE */
        /* the charge near the end, bytes (OG_NONE: unknown) */
        int64_t anon, file, dirty, writeback;
};

/* The fields of verdict_input that are unknown until set: for initialisers */
#define VERDICT_INPUT_UNKNOWN                                                                    \
        .exit_code = OG_NONE, .exit_signal = OG_NONE, .limit_hits = OG_NONE,                     \
        .psi_some = OG_NONE, .psi_full = OG_NONE, .anon = OG_NONE, .file = OG_NONE,              \
        .dirty = OG_NONE, .writeback = OG_NONE

#define VERDICT_MAX_KILLS 64

struct verdict {
        enum verdict_kind kind;
        int init_killed;                    /* 1, 0, or -1 when unknown */
        size_t kill_idx[VERDICT_MAX_KILLS]; /* the container's kills in input */
        size_t n_kills;
        bool ev_kmsg, ev_counters, ev_init_pid; /* which sources agreed */
        /* kernel-log kills of the container its counters did not count:
         * not trusted (kernel messages quote text anyone can choose) */
        size_t n_unverified;
        /* OOMs in the container's cgroup that found nothing to kill */
        size_t n_novictims;
        const char *oom_memcg;  /* whose limit, when a memcg's */
        bool page_cache_driven; /* dirty + writeback pages filled the memcg */
        bool group_kill;        /* memory.oom.group: several killed at once */
        size_t fix_at;          /* where the summary's fix begins */
        /* from the input, for the record (OG_NONE: unknown) */
        int64_t exit_code, exit_signal, limit_hits, psi_some, psi_full;
        char summary[1024];
};

/* Does the kill belong to the container (its cgroup or one below it)? */
bool verdict_kill_is_ours(const struct oom_kill *k, const char *cgroup, int64_t init_pid);

/* A kernel-log kill decides only if the container's OOM-kill counter
 * (its sub-cgroups' included) rose since create, or no counter could be
 * read; otherwise it is recorded as unverified and the verdict rests on
 * the counters. */
void verdict_decide(const struct verdict_input *in, struct verdict *ret);

#endif
