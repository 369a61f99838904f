/* SPDX-License-Identifier: MIT */
#include "watchrule.h"

#include "util.h"

/* Waiting for a kill after every v2 limit hit held the watcher 100 ms each
 * time and left it waiting for kills that never come. */
bool watchrule_oom_invoked(int version, bool oom_event, bool fresh, int64_t oom_before,
                           int64_t oom_now)
{
        return oom_event &&
               (version == 1 || !fresh || oom_before == OG_NONE || oom_now > oom_before);
}

bool watchrule_kill_counted(int64_t before, int64_t now)
{
        return now != OG_NONE && now > before;
}

bool watchrule_final(bool init_exited, bool fresh)
{
        return init_exited && fresh;
}

bool watchrule_gone(bool cgroup_present, bool state_present)
{
        return !cgroup_present || !state_present;
}

/* A runtime that is a child subreaper may wait for every descendant, this
 * watcher included, before it removes the cgroup (crun run 1.8.1 waits
 * for ECHILD): once init has exited, a watcher adopted by anything but
 * init leaves, or the container never stops. */
enum watchrule_leave watchrule_leave(bool init_exited, int64_t ppid, bool have_events, bool idle)
{
        if (init_exited && ppid != 1)
                return WATCHRULE_ADOPTED;
        if (!have_events && idle)
                return WATCHRULE_IDLE;
        return WATCHRULE_STAY;
}
