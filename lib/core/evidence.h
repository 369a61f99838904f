/* SPDX-License-Identifier: MIT */
#ifndef OOMGUARD_EVIDENCE_H
#define OOMGUARD_EVIDENCE_H

#include "util.h"

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
