/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "watchroom.h"

#include "cgfiles.h"
#include "dirtyctl.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Not memory thresholds: each registration waits for an RCU grace period
 * (~15 ms here), and a watcher busy registering misses an OOM at the
 * container's first allocation. */
#define POLL_MS 100
#define MOVED (4LL << 20)

static int64_t anon_of(const struct hook_state *hs)
{
        return cgf_read_key(hs->cgroup_dir, "memory.stat",
                            hs->cgroup_version == 1 ? "rss" : "anon");
}

void room_watch_init(struct room_watch *w, const struct hook_state *hs, const char *state_dir)
{
        w->on = !strcmp(hs->writeback, "host") && hs->limit_bytes > 0;
        w->fd = -1;
        w->last_anon = w->on ? anon_of(hs) : OG_NONE;
        w->state_dir = state_dir;
}

int room_watch_timeout(const struct room_watch *w, int dflt)
{
        return w->on && dflt > POLL_MS ? POLL_MS : dflt;
}

void room_watch_event(struct room_watch *w)
{
        (void)w;
}

void room_watch_quiet(struct room_watch *w, const struct hook_state *hs)
{
        if (!w->on)
                return;
        int64_t anon = anon_of(hs);
        if (anon == OG_NONE || (w->last_anon != OG_NONE && anon - w->last_anon < MOVED &&
                                w->last_anon - anon < MOVED))
                return;
        w->last_anon = anon;
        dirtyctl_update(w->state_dir, dirtyctl_vm_dir(), "/proc", NULL);
}
