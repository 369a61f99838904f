/* SPDX-License-Identifier: MIT */
/* The watcher's part in the writeback host mode. For an enrolled
 * container (or one with the host mode as the preload's fallback) the
 * watcher looks every 100 ms (one read of memory.stat; every 10 ms while
 * its dirty and writeback pages grow and it is not counted yet, and until
 * its usage thresholds are registered: lib/hook/watcher.c), when
 * poll() timed out or its own usage crossed the near-limit threshold, so
 * that an OOM
 * finds it free to take its snapshot. Its dirty and writeback pages decide
 * whether it is counted (engaged, dirtyctl_engage): the watcher marks and
 * unmarks it and re-evaluates vm.dirty_* at once. While it is counted, its
 * page-cache room (limit minus anonymous memory) may shrink as it
 * allocates: when the anonymous memory moved by 4 MiB or more and the move
 * can change the host's values (its own target is now below the value in
 * force, or it held that value down and grew: dirtyctl_worth), it
 * re-evaluates them, at most once per writeback_host_interval; also when a
 * rewrite recorded as owed falls due (the watchers spread over a tenth of
 * the interval each, so that one of them makes it and the others see it
 * made), and every 30 s in any case (a container gone without its
 * poststop). lib/dirtyctl.c decides, at its own pace. */
#ifndef OOMGUARD_WATCHROOM_H
#define OOMGUARD_WATCHROOM_H
#include "dirtyctl.h"
#include "hookstate.h"
#include <stdbool.h>
#include <stdint.h>

struct room_watch {
        bool on;          /* enrolled in the host mode (or it is the preload's fallback) */
        bool engaged;     /* counted: DIRTY_ENGAGED is in its state directory */
        bool have_bounds; /* the configuration's, from create (else as recorded) */
        bool windowed;    /* the preload's window is in it (the host mode its fallback) */
        bool growing;     /* its dirty and writeback pages grew at the last look */
        bool settling;    /* its usage thresholds not registered yet (v1): looks at 10 ms */
        int64_t last_dirty;
        int64_t calm_since_ms;
        int dirfd; /* its state directory */
        int64_t limit;
        int64_t last_room; /* at the last move considered */
        int64_t due_ms;    /* a look of its own is owed at this time (0: none) */
        int64_t next_ms;   /* no look before this (one per interval) */
        int64_t every_ms;  /* the next look in any case */
        int slot;          /* its tenth of the interval for owed rewrites */
        struct dirty_seen seen;
        struct dirty_bounds bounds; /* the configuration's, or as the last look found them */
        struct dirty_cache cache;
        const char *state_dir;
        const char *proc_root; /* its meminfo: MemAvailable */
};

void room_watch_init(struct room_watch *w, const struct hook_state *hs, int dirfd,
                     const char *state_dir, const struct dirty_bounds *bounds,
                     const char *proc_root);
void room_watch_free(struct room_watch *w);
/* poll() timeout in ms given the watcher's own */
int room_watch_timeout(const struct room_watch *w, int dflt);
/* poll() timed out: look, and re-evaluate when it is worth it. */
void room_watch_quiet(struct room_watch *w, const struct hook_state *hs);
#endif
