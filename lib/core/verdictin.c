/* SPDX-License-Identifier: MIT */
#include "verdictin.h"

#include <stdlib.h>

/* A record's time, µs after boot; 0 (before any create) when it has none. */
static long long stamp_us(const char *ts)
{
        return ts ? strtoll(ts, NULL, 10) : 0;
}

/* A restarted container reuses its cgroup path, and its previous life's
 * kill, a moment before create, had an older pid than this init. */
size_t verdictin_kills_since(const struct oom_kill *kills, size_t n, int64_t created_us,
                             int64_t init_pid, struct oom_kill *ret)
{
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
                long long us = stamp_us(kills[i].timestamp);
                int64_t pid = kills[i].victim_pid;
                if (us >= created_us || (us >= created_us - VERDICTIN_SLACK_US &&
                                         (pid == OG_NONE || pid >= init_pid)))
                        ret[m++] = kills[i]; /* shallow: the caller owns the strings */
        }
        return m;
}

size_t verdictin_novictims_since(const struct oom_novictim *nv, size_t n, int64_t created_us,
                                 struct oom_novictim *ret)
{
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
                if (nv[i].timestamp && stamp_us(nv[i].timestamp) >= created_us)
                        ret[m++] = nv[i]; /* shallow: the caller owns the strings */
        return m;
}

void verdictin_counters(int64_t oom_kill_base, int64_t oom_base, const struct evidence *ev,
                        const struct verdictin_live *live, struct verdict_counters *ret,
                        int64_t *ret_peak)
{
        ret->oom_kill_before = oom_kill_base;
        ret->oom_before = oom_base;
        ret->oom_kill_after = ret->oom_after = *ret_peak = ret->read_us = OG_NONE;
        ret->to_end = false;
        ret->have = oom_kill_base != OG_NONE && (live->present || ev);
        if (!ret->have)
                return;
        if (live->present) {
                /* counters only rise: a read below the evidence's missed
                 * what the runtime had removed already (v1 counts kills per
                 * cgroup, summed over the subtree: sub-cgroups go first) */
                ret->oom_kill_after = evidence_max(live->oom_kill, ev ? ev->oom_kill : OG_NONE);
                ret->oom_after = evidence_max(live->oom, ev ? ev->oom : OG_NONE);
                *ret_peak = evidence_max(live->peak_bytes, ev ? ev->peak_bytes : OG_NONE);
                ret->to_end = true;
                return;
        }
        ret->oom_kill_after = ev->oom_kill;
        ret->oom_after = ev->oom;
        ret->read_us = ev->read_us;
        ret->to_end = ev->ended > 0;
        *ret_peak = ev->peak_bytes;
}

enum verdictin_trust verdictin_watcher_trust(const struct evidence *ev, bool watcher_alive,
                                             bool waited)
{
        if (ev->final > 0)
                return VERDICTIN_TRUSTED;
        return watcher_alive && !waited ? VERDICTIN_WAIT : VERDICTIN_STALE;
}

struct verdictin_kmsg_whole verdictin_kmsg_whole(const struct verdictin_kmsg *k)
{
        struct verdictin_kmsg_whole w;
        w.wrapped = k->live_lost > 0 || (k->live_first_seen && k->live_first_seq > 0 &&
                                         k->live_first_us >= k->from_us);
        /* the ring was read whole from here on (-1: from nowhere) */
        int64_t whole_from = k->live_lost > 0 ? k->live_resumed_seq : (int64_t)k->live_first_seq;
        bool held = k->live_read && k->live_first_seen && whole_from >= 0;
        /* the copy and the ring meet: nothing between the copy's last record
         * and that one (a ring unread leaves the copy alone) */
        bool meets = k->watcher_seq != OG_NONE &&
                     (!k->live_read || (!k->live_first_seen && k->live_lost == 0) ||
                      (held && whole_from <= k->watcher_seq + 1));
        bool gap_live = held && whole_from <= k->copy_lost_after + 1;
        w.complete = (k->live_read && !w.wrapped) || (meets && (!k->copy_lost || gap_live));
        return w;
}
