/* SPDX-License-Identifier: MIT */
/* The watcher: started at create, detached, outside the container's cgroup.
 * It waits in poll() for the cgroup's OOM events (v1: an eventfd on
 * memory.oom_control; v2: inotify on memory.events) and for the init
 * process to exit (a pidfd), and each time records the counters, the peak
 * and memory.stat's page-cache figures in <state>/evidence.json: runc and
 * crun delete the cgroup before poststop, after which none of it can be
 * read. It exits when the cgroup or the state directory goes away. */
#ifndef OOMGUARD_WATCHER_H
#define OOMGUARD_WATCHER_H

#include "hookstate.h"

#include <stdbool.h>
#include <stdint.h>

struct evidence {
        int64_t oom_kill, oom;  /* counters at the last event (OG_NONE: none) */
        int64_t peak_bytes;
        int64_t anon, file, dirty, writeback; /* bytes, from memory.stat */
        int64_t snapshots;      /* how many times it recorded */
        int64_t watcher_pid;
        int64_t final;          /* 1: taken at or after init's exit, or by a watcher
                                 * that left on purpose; 0: it may be stale */
};

/* A watcher that still runs: not a zombie, not a reused pid. */
bool watcher_alive(int64_t pid);

/* Start it (returns once it is detached); its pid is stored in ret_pid. */
int watcher_start(const char *state_dir, const struct hook_state *hs,
                  int64_t *ret_pid, struct og_error *err);

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

/* Pure: one snapshot of a cgroup's files into ev (for tests too). */
void evidence_snapshot(const char *cgroup_dir, int version, struct evidence *ev);

#endif
