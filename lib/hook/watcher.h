/* SPDX-License-Identifier: MIT */
/* The watcher: started at create, detached, outside the container's cgroup.
 * It waits in poll() for the cgroup's OOM events (v1: an eventfd on
 * memory.oom_control; v2: inotify on memory.events) and for the init
 * process to exit (a pidfd), and each time records the counters, the peak
 * and memory.stat's page-cache figures in <state>/evidence.json: runc and
 * crun delete the cgroup before poststop, after which none of it can be
 * read. It exits when the cgroup or the state directory goes away. */
#ifndef OOMGUARD_WATCHER_H
#define OOMGUARD_WATCHER_H

#include "dirtyctl.h"
#include "evidence.h"
#include "hookstate.h"

#include <stdbool.h>
#include <stdint.h>

struct hook_env;

/* A watcher that still runs: not a zombie, not a reused pid (its
 * <proc_root>/<pid>/stat). */
bool watcher_alive(const char *proc_root, int64_t pid);

/* Start it (returns once it is detached); its pid is stored in ret_pid.
 * It copies the kernel's records from env's kmsg and reads env's
 * proc_root (the writeback host mode's meminfo); bounds: the host mode's
 * (lib/core/dirtyctl.h), for a container enrolled in it. What it cannot do once
 * started (open its state, save its evidence, read kmsg, watch the
 * cgroup's OOM events) it says through hook_log, once per cause. */
int watcher_start(const char *state_dir, const struct dirty_bounds *bounds,
                  const struct hook_state *hs, const struct hook_env *env, int64_t *ret_pid,
                  struct og_error *err);

#endif
