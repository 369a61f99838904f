/* SPDX-License-Identifier: MIT */
/* The writeback policy's host mode: keep vm.dirty_bytes and
 * vm.dirty_background_bytes below half and a quarter of the smallest
 * page-cache room (limit minus anonymous memory) among the running
 * containers enrolled in it that are writing (engaged: see below),
 * re-evaluated as they engage and let go, end, and as their anonymous
 * memory moves (the watcher: lib/watchroom.c). Nothing is held for a
 * container that does not write: the host's own writers keep their speed
 * beside idle containers. Never above what
 * the administrator set, never below the administrator's minimum
 * (writeback_host_min, half of it for the background); the
 * administrator's values are saved in <state_dir>/_dirty.json before the
 * first change and written back when the last enrolled container is gone
 * (ratios as ratios, bytes as bytes). A change the administrator makes
 * meanwhile becomes the new saved value.
 *
 * The host's values are shared by every container, so a container's
 * memory must not drive them at its own pace: a rewrite happens only when
 * the target differs from the value in force by more than an eighth of
 * it, at most once per writeback_host_interval host-wide, and a higher
 * value only after the target has stayed higher for five intervals (a
 * room that swings is followed at its low). A container's start or end
 * (the hooks) is not held, only paced; a rewrite that has to wait is
 * recorded as owed, and the watchers make it when it falls due. The first
 * change (nothing recorded yet) and the return of the administrator's
 * values when the last enrolled container is gone happen at once. */
#ifndef OOMGUARD_DIRTYCTL_H
#define OOMGUARD_DIRTYCTL_H
#include "util.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define DIRTY_MIN_DEFAULT (16LL << 20)
#define DIRTY_INTERVAL_DEFAULT_MS 1000
#define DIRTY_RAISE_INTERVALS 5 /* a higher target must hold this many intervals */

struct dirty_vals { /* as in /proc/sys/vm; 0 where unset */
        int64_t bytes, bg_bytes, ratio, bg_ratio;
};

struct dirty_plan {
        bool restore;            /* write the administrator's values back */
        int64_t bytes, bg_bytes; /* else write these */
};

/* The administrator's bounds, from the config (the hooks) or as the
 * hooks last recorded them in _dirty.json (the watchers). */
struct dirty_bounds {
        int64_t min_bytes;   /* dirty_bytes never below; background: half */
        int64_t interval_ms; /* at most one rewrite per interval, host-wide */
};

/* Pure. dirtyable: the memory the ratios apply to (bytes); min_room < 0:
 * no enrolled container; min_bytes: the floor. */
void dirtyctl_decide(const struct dirty_vals *admin, int64_t dirtyable, int64_t min_room,
                     int64_t min_bytes, struct dirty_plan *ret);

/* The pace of rewrites, kept in _dirty.json between evaluations. */
struct dirty_pace {
        int64_t applied_bytes, applied_bg; /* in force; 0: the administrator's values */
        int64_t written_ms;                /* the last rewrite (CLOCK_MONOTONIC); 0: none */
        int64_t higher_since_ms;           /* a higher target first seen; 0: none */
        int64_t due_ms;                    /* a rewrite owed at this time; 0: none */
};

enum dirty_step {
        DIRTY_KEEP,    /* nothing to write */
        DIRTY_WRITE,   /* write the plan's bytes */
        DIRTY_RESTORE, /* write the administrator's values back */
        DIRTY_WAIT,    /* a rewrite is owed: look again at retry_ms */
};

struct dirty_next {
        enum dirty_step step;
        int64_t retry_ms;           /* DIRTY_WAIT */
        struct dirty_bounds bounds; /* the bounds in force */
};

/* Pure: what to do now with the target plan, given the administrator's
 * effective dirty_bytes (eff_bytes), whether any container is enrolled,
 * whether a container's start or end asks (at_once: no hold for a higher
 * value), and the pace so far, which it updates (a write is recorded as
 * done, a wait as owed). */
void dirtyctl_pace(const struct dirty_plan *target, int64_t eff_bytes, bool enrolled,
                   bool at_once, int64_t now_ms, int64_t interval_ms, struct dirty_pace *pace,
                   struct dirty_next *ret);

/* Pure: a container's page-cache room, its limit minus its anonymous
 * memory (never below 0); OG_NONE when the anonymous memory is unread. */
int64_t dirtyctl_room(int64_t limit, int64_t anon);
/* Pure: is a watcher's look at the host values worth taking, its room
 * having moved from old_room to new_room while the value in force is
 * live_bytes? Only if its own target would now be lower by the margin, or
 * it was the one holding the value down and its room grew. */
bool dirtyctl_worth(int64_t old_room, int64_t new_room, int64_t live_bytes, int64_t min_bytes);

/* An enrolled container counts only while engaged: from when its dirty
 * and writeback pages reach an eighth of its room, below the background
 * threshold the host mode would set (a quarter when the preload's window
 * is in it: its two windows in flight are an eighth of the limit;
 * DIRTY_ENGAGE_MIN at least), until they have stayed at a sixteenth of it
 * or less for DIRTY_CALM_MS. Its watcher marks it so with
 * DIRTY_ENGAGED in its state directory. Enrolled: writeback "host"
 * (static, Go and musl programs), and "preload" where the host mode is its
 * fallback (host_fallback: stdio's own flushes, a process started by
 * `exec` without the preload, a static program in a glibc image). */
#define DIRTY_ENGAGED "host.engaged"
#define DIRTY_ENGAGE_MIN (12LL << 20)
#define DIRTY_CALM_MS 5000

/* Pure: engaged from now on? dirty_wb: dirty + writeback bytes; room: the
 * limit minus anonymous memory; windowed: the preload's window is in it;
 * *calm_since_ms: when they were last seen to fall to a sixteenth of the
 * room (0: not since), kept between calls. */
bool dirtyctl_engage(bool engaged, int64_t dirty_wb, int64_t room, bool windowed, int64_t now_ms,
                     int64_t *calm_since_ms);

/* The enrolled containers as a watcher last read them: each state
 * directory's inode and what its state.json said, so that a state is
 * parsed once, not at every look. */
struct dirty_member {
        ino_t ino;
        char *id, *cgroup_dir;
        int64_t limit; /* <= 0: not in the host mode */
        int version;
};
struct dirty_cache {
        struct dirty_member *m;
        size_t n;
};
void dirtyctl_cache_free(struct dirty_cache *c);

/* Re-evaluate and apply, under the state directory's lock: the containers
 * counted are the state directories whose state says writeback "host" or
 * host_fallback and that hold DIRTY_ENGAGED. vm_dir: "/proc/sys/vm";
 * proc_root for meminfo. bounds: the config's (the watcher had them from
 * create's), recorded; NULL: the recorded ones (defaults if none). hook: a
 * hook at a container's end, which waits for the lock and is not held
 * back; else a watcher, which does not wait for it (-EAGAIN, nothing
 * said: look again). cache: NULL reads every state; ret_next may be
 * NULL. */
int dirtyctl_update(const char *state_dir, const char *vm_dir, const char *proc_root,
                    const struct dirty_bounds *bounds, bool hook, struct dirty_cache *cache,
                    struct dirty_next *ret_next, struct og_error *err);
/* The time a rewrite is owed at (0: none), as _dirty.json says; read
 * again only when the file was replaced since seen. */
struct dirty_seen {
        ino_t ino;
        int64_t mtime_ns, due_ms;
};
int64_t dirtyctl_owed(const char *state_dir, struct dirty_seen *seen);
/* The dirty_bytes in force now (from the ratio and MemAvailable when it
 * is 0); OG_NONE if unreadable. */
int64_t dirtyctl_live_bytes(const char *vm_dir, const char *proc_root);
/* /proc/sys/vm, or $OOMGUARD_SYSCTL_VM (absolute) for tests. */
const char *dirtyctl_vm_dir(void);
/* CLOCK_MONOTONIC in ms */
int64_t dirtyctl_now_ms(void);
#endif
