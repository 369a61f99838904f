/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "watchroom.h"

#include "cgfiles.h"
#include "dirtyctl.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define POLL_MS 250
#define MOVED (4LL << 20)

/* v1: one eventfd, registered at each eighth of the limit on
 * memory.usage_in_bytes (it fires crossing either way). */
static int thresholds_v1(const char *dir, int64_t limit)
{
        char p[4096], reg[96];
        snprintf(p, sizeof(p), "%s/memory.usage_in_bytes", dir);
        int uf = open(p, O_RDONLY | O_CLOEXEC);
        int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        int ok = 0;
        for (int i = 1; uf >= 0 && efd >= 0 && i < 8; i++) {
                snprintf(reg, sizeof(reg), "%d %d %" PRId64, efd, uf, limit / 8 * i);
                ok += cgf_write(dir, "cgroup.event_control", reg) == 0;
        }
        if (ok)
                return efd; /* uf stays open: the registrations refer to it */
        if (uf >= 0)
                close(uf);
        if (efd >= 0)
                close(efd);
        return -1;
}

static int64_t anon_of(const struct hook_state *hs)
{
        return cgf_read_key(hs->cgroup_dir, "memory.stat",
                            hs->cgroup_version == 1 ? "rss" : "anon");
}

void room_watch_init(struct room_watch *w, const struct hook_state *hs, const char *state_dir)
{
        w->on = !strcmp(hs->writeback, "host") && hs->limit_bytes > 0;
        w->fd = w->on && hs->cgroup_version == 1 ? thresholds_v1(hs->cgroup_dir, hs->limit_bytes)
                                                 : -1;
        w->last_anon = w->on ? anon_of(hs) : OG_NONE;
        w->state_dir = state_dir;
}

int room_watch_timeout(const struct room_watch *w, int dflt)
{
        return w->on && w->fd < 0 && dflt > POLL_MS ? POLL_MS : dflt;
}

void room_watch_check(struct room_watch *w, const struct hook_state *hs)
{
        if (!w->on)
                return;
        uint64_t v;
        if (w->fd >= 0)
                while (read(w->fd, &v, sizeof(v)) == sizeof(v))
                        ;
        int64_t anon = anon_of(hs);
        if (anon == OG_NONE || (w->last_anon != OG_NONE && anon - w->last_anon < MOVED &&
                                w->last_anon - anon < MOVED))
                return;
        w->last_anon = anon;
        dirtyctl_update(w->state_dir, dirtyctl_vm_dir(), "/proc", NULL);
}
