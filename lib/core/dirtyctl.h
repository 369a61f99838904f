/* SPDX-License-Identifier: MIT */
/* The writeback policy's host mode: keep vm.dirty_bytes and
 * vm.dirty_background_bytes below half and a quarter of the smallest
 * page-cache room (limit minus anonymous memory) among the running
 * containers enrolled in it, re-evaluated as they come and go and as their
 * anonymous memory grows (the watcher: lib/watchroom.c). Never
 * above what the administrator set; the administrator's values are saved
 * in <state_dir>/_dirty.json before the first change and written back when
 * the last enrolled container is gone (ratios as ratios, bytes as bytes).
 * A change the administrator makes meanwhile becomes the new saved value. */
#ifndef OOMGUARD_DIRTYCTL_H
#define OOMGUARD_DIRTYCTL_H
#include "util.h"
#include <stdbool.h>
#include <stdint.h>

struct dirty_vals { /* as in /proc/sys/vm; 0 where unset */
        int64_t bytes, bg_bytes, ratio, bg_ratio;
};

struct dirty_plan {
        bool restore;           /* write the administrator's values back */
        int64_t bytes, bg_bytes; /* else write these */
};

/* Pure. dirtyable: the memory the ratios apply to (bytes); min_room < 0:
 * no enrolled container. */
void dirtyctl_decide(const struct dirty_vals *admin, int64_t dirtyable, int64_t min_room,
                     struct dirty_plan *ret);

/* Re-evaluate and apply: the enrolled containers are the state
 * directories whose state says writeback "host". vm_dir: "/proc/sys/vm";
 * proc_root for meminfo. */
int dirtyctl_update(const char *state_dir, const char *vm_dir, const char *proc_root,
                    struct og_error *err);
/* /proc/sys/vm, or $OOMGUARD_SYSCTL_VM (absolute) for tests. */
const char *dirtyctl_vm_dir(void);
#endif
