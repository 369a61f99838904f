/* SPDX-License-Identifier: MIT */
#ifndef OOMGUARD_EVIDENCE_H
#define OOMGUARD_EVIDENCE_H

#include "util.h"

#include <stdbool.h>
#include <stdint.h>

struct evidence {
        int64_t oom_kill, oom; /* counters at the last event (OG_NONE: none) */
        int64_t peak_bytes;
        int64_t anon, file, dirty, writeback; /* bytes, from memory.stat */
        int64_t snapshots;                    /* how many times it recorded */
        int64_t watcher_pid;
        /* 1: the last snapshot read the counters after init's exit, so
         * every kill of the container's life is in them; 0: it may
         * predate the end (a watcher that found the cgroup gone) */
        int64_t ended;
        int64_t final; /* 1: taken at or after init's exit, or by a watcher
                        * that left on purpose; 0: it may be stale */
        /* limit hits: v1 memory.failcnt, v2 memory.events "max"; the first
         * snapshot's value is the baseline */
        int64_t limit_hits_base, limit_hits_now;
        /* v2 memory.pressure near the end: avg10 in hundredths of a percent */
        int64_t psi_some, psi_full;
        /* how the init ended, from its pidfd (OG_NONE: unknown): the
         * exit(2) code, or the signal that ended it (exit_code then OG_NONE) */
        int64_t exit_code, exit_signal;
        /* CLOCK_MONOTONIC, µs, taken just before the last snapshot that
         * read the cgroup's counters read them: a kill the kernel logged
         * later (its record's clock is the same) can be neither confirmed
         * nor denied by them */
        int64_t read_us;
        /* the watcher's copy of the kernel's records (kmsg.log) holds the
         * container's among every record up to this sequence number, less
         * the gaps it names; OG_NONE: the watcher did not read them */
        int64_t kmsg_seq;
};

/* An evidence with nothing in it yet. */
void evidence_init(struct evidence *ev);

/* Pure: "some avg10=1.23 ..." / "full avg10=..." of a PSI file, avg10 in
 * hundredths; OG_NONE for a line not there. */
void evidence_parse_psi(const char *buf, size_t len, int64_t *some, int64_t *full);

/* In the state directory: the watcher's snapshots, and the shim's last
 * one taken just before the runtime's delete removes the cgroup. */
#define EVIDENCE_WATCHER "evidence.json"
#define EVIDENCE_PREDELETE "predelete.json"
/* Read one of them; false if there is none. */
bool evidence_load(int state_dirfd, const char *name, struct evidence *ret);
int evidence_save(int state_dirfd, const char *name, const struct evidence *ev);
/* Fold a later snapshot in: the highest counters and peak; page-cache
 * figures only where into has none. */
void evidence_merge(struct evidence *into, const struct evidence *later);
/* Pure: the larger of two readings of a counter (counters only rise: a
 * lower reading missed something, such as a v1 sub-cgroup the runtime
 * removed first); OG_NONE only if both are. */
int64_t evidence_max(int64_t a, int64_t b);

/* Pure: one snapshot of a cgroup's files into ev (for tests too). */
void evidence_snapshot(const char *cgroup_dir, int version, struct evidence *ev);

#endif
