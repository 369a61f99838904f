/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "watchroom.h"

#include "cgfiles.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Not memory thresholds: each registration waits for an RCU grace period
 * (~15 ms here), and a watcher busy registering misses an OOM at the
 * container's first allocation. */
#define POLL_MS 100
#define MOVED (4LL << 20)
#define EVERY_MS 30000

static int64_t room_of(const struct room_watch *w, const struct hook_state *hs)
{
        int64_t anon = cgf_read_key(hs->cgroup_dir, "memory.stat",
                                    hs->cgroup_version == 1 ? "rss" : "anon");
        if (anon == OG_NONE)
                return OG_NONE;
        return w->limit - anon > 0 ? w->limit - anon : 0;
}

void room_watch_init(struct room_watch *w, const struct hook_state *hs, const char *state_dir,
                     const char *proc_root)
{
        int64_t now = dirtyctl_now_ms();
        *w = (struct room_watch){
                .on = !strcmp(hs->writeback, "host") && hs->limit_bytes > 0,
                .fd = -1,
                .limit = hs->limit_bytes,
                .last_room = OG_NONE,
                .every_ms = now + EVERY_MS,
                .bounds = {DIRTY_MIN_DEFAULT, DIRTY_INTERVAL_DEFAULT_MS},
                .slot = (int)(getpid() % 10),
                .state_dir = state_dir,
                .proc_root = proc_root,
        };
        if (w->on)
                w->last_room = room_of(w, hs);
}

void room_watch_free(struct room_watch *w)
{
        dirtyctl_cache_free(&w->cache);
}

int room_watch_timeout(const struct room_watch *w, int dflt)
{
        return w->on && dflt > POLL_MS ? POLL_MS : dflt;
}

void room_watch_event(struct room_watch *w)
{
        (void)w;
}

static void look(struct room_watch *w, int64_t now)
{
        struct dirty_next next;
        int r = dirtyctl_update(w->state_dir, dirtyctl_vm_dir(), w->proc_root, NULL, &w->cache,
                                &next, NULL);
        if (r == -EAGAIN)
                return; /* a hook holds the lock: again at the next tick */
        /* a wait is recorded as owed: seen from the record from then on */
        w->due_ms = 0;
        if (r == 0)
                w->bounds = next.bounds;
        w->next_ms = now + w->bounds.interval_ms;
}

void room_watch_quiet(struct room_watch *w, const struct hook_state *hs)
{
        if (!w->on)
                return;
        int64_t now = dirtyctl_now_ms();
        int64_t room = room_of(w, hs);
        if (room != OG_NONE && (w->last_room == OG_NONE || room - w->last_room >= MOVED ||
                                w->last_room - room >= MOVED)) {
                int64_t live = dirtyctl_live_bytes(dirtyctl_vm_dir(), w->proc_root);
                if (dirtyctl_worth(w->last_room, room, live, w->bounds.min_bytes) &&
                    (w->due_ms == 0 || w->due_ms > now))
                        w->due_ms = now;
                w->last_room = room;
        }
        if (now >= w->every_ms) {
                w->every_ms = now + EVERY_MS;
                if (w->due_ms == 0)
                        w->due_ms = now;
        }
        int64_t owed = dirtyctl_owed(w->state_dir, &w->seen);
        if (owed > 0)
                owed += w->slot * w->bounds.interval_ms / 10;
        bool due = (w->due_ms != 0 && now >= w->due_ms) || (owed > 0 && now >= owed);
        if (due && now >= w->next_ms)
                look(w, now);
}
