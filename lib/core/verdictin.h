/* SPDX-License-Identifier: MIT */
/* poststop's inputs to the verdict, decided without I/O: which of the
 * kernel's kills are the container's, the counters before and after its
 * life, and whether the watcher's evidence is to be trusted. The hook
 * reads the files and the kernel log; these decide. Pure. */
#ifndef OOMGUARD_VERDICTIN_H
#define OOMGUARD_VERDICTIN_H

#include "evidence.h"
#include "verdict.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* printk's clock and CLOCK_MONOTONIC may drift apart: records stamped up
 * to this long before create may still be the container's */
#define VERDICTIN_SLACK_US 1000000

/* The kills of kills[0..n) that belong to a life that began at created_us
 * (CLOCK_MONOTONIC µs, the kernel log's clock) with init_pid: those
 * stamped since, and those stamped within the slack before whose victim
 * is the init or younger (OG_NONE: unknown pid, counted). Copied
 * shallowly into ret (room for n); returns how many. */
size_t verdictin_kills_since(const struct oom_kill *kills, size_t n, int64_t created_us,
                             int64_t init_pid, struct oom_kill *ret);

/* The OOMs of nv[0..n) that found no victim, stamped since created_us;
 * copied shallowly into ret (room for n); returns how many. */
size_t verdictin_novictims_since(const struct oom_novictim *nv, size_t n, int64_t created_us,
                                 struct oom_novictim *ret);

/* What poststop read of the container's cgroup itself. */
struct verdictin_live {
        bool present;          /* the runtime had not removed it yet */
        int64_t oom_kill, oom; /* cgf_read_counters, when present */
        int64_t peak_bytes;    /* cgf_read_peak, when present */
};

/* The counters before (create's baseline) and after: from the cgroup when
 * it is still there (never below the evidence's: counters only rise, and
 * a v1 sub-cgroup the runtime removed first takes its kills with it), else
 * from the evidence (the watcher's last snapshot,
 * or the shim's; NULL when none is trusted). None (ret->have false) when
 * create had no baseline or nothing says how it ended. *ret_peak is the
 * peak of the same source, OG_NONE when none. */
void verdictin_counters(int64_t oom_kill_base, int64_t oom_base, const struct evidence *ev,
                        const struct verdictin_live *live, struct verdict_counters *ret,
                        int64_t *ret_peak);

enum verdictin_trust {
        VERDICTIN_TRUSTED, /* final: taken at init's exit, or the watcher left on purpose */
        VERDICTIN_WAIT,    /* not final, the watcher still runs: wait for it */
        VERDICTIN_STALE,   /* not final and no more to come: it may predate the death */
};

/* The watcher's evidence: trusted, worth waiting for, or stale. waited:
 * poststop has already waited as long as it will. */
enum verdictin_trust verdictin_watcher_trust(const struct evidence *ev, bool watcher_alive,
                                             bool waited);

/* What poststop's read of the kernel's records found: the live ring read
 * whole, and the watcher's copy (lib/hook/kcopy.h). */
struct verdictin_kmsg {
        bool live_read;       /* the ring could be read */
        size_t live_lost;     /* records overwritten while it was read */
        bool live_first_seen; /* it held a record; its sequence and time: */
        uint64_t live_first_seq;
        int64_t live_first_us;
        int64_t live_resumed_seq; /* with live_lost: every record from this
                                   * one on was read (kmsg_stats) */
        int64_t from_us;          /* the container's creation, less the slack */
        int64_t watcher_seq;      /* the copy reaches this record (trusted
                                   * watcher's evidence.kmsg_seq), or OG_NONE */
        bool copy_lost;           /* the copy names a gap, the first after: */
        int64_t copy_lost_after;
};

struct verdictin_kmsg_whole {
        bool wrapped;  /* the ring dropped records since create */
        bool complete; /* every record since create was read, live or copied */
};

/* Whether every kernel record since create is at hand. The ring may wrap
 * without any read failing (a read starts at its oldest record): when
 * that record is itself newer than create, what came before it is gone.
 * Nor can records overwritten while the ring was read. The copy fills
 * such gaps where it reaches the first record the ring was read whole
 * from; a gap the copy names itself is filled only if the ring still
 * holds it. */
struct verdictin_kmsg_whole verdictin_kmsg_whole(const struct verdictin_kmsg *k);

#endif
