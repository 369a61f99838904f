/* SPDX-License-Identifier: MIT */
/* The watcher's rules (lib/hook/watcher.c), decided without I/O: which
 * event is an OOM whose kill is to be awaited, when a kill has been
 * counted, when a snapshot is final, and when the watcher leaves. Pure. */
#ifndef OOMGUARD_WATCHRULE_H
#define OOMGUARD_WATCHRULE_H

#include <stdbool.h>
#include <stdint.h>

/* An event of the cgroup's (v1: the eventfd on memory.oom_control; v2:
 * memory.events changed) is an OOM whose kill is to be awaited. v1's
 * event is an OOM. v2's memory.events also changes at each "max" (the
 * limit reached, reclaim enough): an OOM there is its "oom" count rising
 * from oom_before (the last snapshot's) to oom_now (this one's); when
 * either snapshot did not read it (this one not fresh: the cgroup is
 * gone; oom_before OG_NONE) it is taken as one. */
bool watchrule_oom_invoked(int version, bool oom_event, bool fresh, int64_t oom_before,
                           int64_t oom_now);

/* The kill is counted: oom_kill rose above before (OG_NONE: unread, not). */
bool watchrule_kill_counted(int64_t before, int64_t now);

/* A snapshot is final when it was taken after init's exit and read the
 * cgroup (fresh): init's death is in it. */
bool watchrule_final(bool init_exited, bool fresh);

/* The watcher's reason to leave: the cgroup or its state directory gone. */
bool watchrule_gone(bool cgroup_present, bool state_present);

enum watchrule_leave {
        WATCHRULE_STAY,
        WATCHRULE_ADOPTED, /* init has exited and a runtime, not init, is its parent */
        WATCHRULE_IDLE,    /* no event source, and a poll found nothing to do */
};

/* At the end of a round of the watcher's loop (the cgroup and the state
 * are still there): init_exited this round, its parent's pid, whether it
 * has an OOM event source, whether its poll timed out. */
enum watchrule_leave watchrule_leave(bool init_exited, int64_t ppid, bool have_events, bool idle);

#endif
