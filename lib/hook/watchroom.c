/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "watchroom.h"

#include "cgfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Looks, not a threshold per room: the room moves with the anonymous
 * memory, and each v1 threshold registration waits for an RCU grace
 * period (lib/hook/watcher.c: the watcher's one early threshold). */
#define POLL_MS 100
#define FAST_MS 10          /* while its page cache grows and it is not counted, or it settles */
#define GROWING (1LL << 20) /* dirty + writeback grown this much since the last look */
#define MOVED (4LL << 20)
#define EVERY_MS 30000

/* The room, and the dirty and writeback bytes (OG_NONE unread) when
 * asked for: one read of memory.stat. */
static int64_t room_of(const struct room_watch *w, const struct hook_state *hs, int64_t *dirty_wb)
{
        struct cg_memstat m;
        cgf_read_memstat(hs->cgroup_dir, hs->cgroup_version, &m);
        if (dirty_wb)
                *dirty_wb = m.dirty == OG_NONE || m.writeback == OG_NONE ? OG_NONE
                                                                         : m.dirty + m.writeback;
        return dirtyctl_room(w->limit, m.anon);
}

void room_watch_init(struct room_watch *w, const struct hook_state *hs, int dirfd,
                     const char *state_dir, const struct dirty_bounds *bounds,
                     const char *proc_root)
{
        int64_t now = dirtyctl_now_ms();
        *w = (struct room_watch){
                .on = (!strcmp(hs->writeback, "host") || hs->host_fallback > 0) &&
                      hs->limit_bytes > 0,
                .windowed = hs->host_fallback > 0,
                .dirfd = dirfd,
                .have_bounds = bounds != NULL,
                .last_dirty = OG_NONE,
                .limit = hs->limit_bytes,
                .last_room = OG_NONE,
                .every_ms = now + EVERY_MS,
                .bounds = bounds ? *bounds
                                 : (struct dirty_bounds){DIRTY_MIN_DEFAULT,
                                                         DIRTY_INTERVAL_DEFAULT_MS},
                .slot = (int)(getpid() % 10),
                .state_dir = state_dir,
                .proc_root = proc_root,
        };
}

void room_watch_free(struct room_watch *w)
{
        dirtyctl_cache_free(&w->cache);
}

int room_watch_timeout(const struct room_watch *w, int dflt)
{
        int ms = w->growing || w->settling ? FAST_MS : POLL_MS;
        return w->on && dflt > ms ? ms : dflt;
}

static void look(struct room_watch *w, int64_t now)
{
        struct dirty_next next;
        int r = dirtyctl_update(w->state_dir, dirtyctl_vm_dir(), w->proc_root,
                                w->have_bounds ? &w->bounds : NULL, false, &w->cache, &next,
                                NULL);
        if (r == -EAGAIN)
                return; /* a hook holds the lock: again at the next tick */
        /* a wait is recorded as owed: seen from the record from then on */
        w->due_ms = 0;
        if (r == 0)
                w->bounds = next.bounds;
        w->next_ms = now + w->bounds.interval_ms;
}

/* The container's mark, set or taken away: its next look is due at once.
 * Not marked, it is not counted: if the mark cannot be made, it stays out
 * (and says nothing: the container's own writes go on). */
static void engage(struct room_watch *w, bool on, int64_t now)
{
        if (on) {
                int fd = openat(w->dirfd, DIRTY_ENGAGED,
                                O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd < 0)
                        return;
                close(fd);
        } else if (unlinkat(w->dirfd, DIRTY_ENGAGED, 0) < 0 && errno != ENOENT) {
                return;
        }
        w->engaged = on;
        w->last_room = OG_NONE;
        w->due_ms = now;
}

void room_watch_quiet(struct room_watch *w, const struct hook_state *hs)
{
        if (!w->on)
                return;
        int64_t now = dirtyctl_now_ms(), dirty_wb = OG_NONE;
        int64_t room = room_of(w, hs, &dirty_wb);
        bool on = dirtyctl_engage(w->engaged, dirty_wb, room, w->windowed, now,
                                  &w->calm_since_ms);
        if (on != w->engaged)
                engage(w, on, now);
        /* a writer at memory speed fills a 256 MiB room in 0.4 s: while the
         * page cache grows, look every 10 ms until it is counted */
        w->growing = !w->engaged && dirty_wb != OG_NONE && w->last_dirty != OG_NONE &&
                     dirty_wb - w->last_dirty >= GROWING;
        w->last_dirty = dirty_wb;
        /* counted: its room's moves may move the host's values */
        if (w->engaged && room != OG_NONE &&
            (w->last_room == OG_NONE || room - w->last_room >= MOVED ||
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
