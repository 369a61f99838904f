/* SPDX-License-Identifier: MIT */
/* The hook's confinement, in two steps. Before it reads a byte of its
 * input: the capabilities its stage needs and no others, the syslog
 * connection, a Landlock layer and the seccomp filter. Once the state has
 * named the container (and the stage, when no argument did): a second,
 * narrower Landlock layer, its cgroup and its init's oom_score_adj instead
 * of the whole hierarchy and /proc. Where each stage may write:
 * oomguard-hook(8), CONFINEMENT. */
#ifndef OOMGUARD_HOOKCONFINE_H
#define OOMGUARD_HOOKCONFINE_H

#include "config.h"
#include "confine.h"
#include "ocistate.h"

#include <limits.h>

enum hook_stage {
        HOOK_STAGE_UNKNOWN = 0, /* from the state's status, once read */
        HOOK_STAGE_CREATE = 1,  /* createRuntime or prestart, and the watcher */
        HOOK_STAGE_POSTSTOP = 2,
};

#define HOOKCONFINE_MAX_RULES 12

struct hookconfine_rules {
        struct confine_rule rule[HOOKCONFINE_MAX_RULES];
        char path[HOOKCONFINE_MAX_RULES][PATH_MAX];
        size_t n;
};

/* Where a stage may write. Every stage: the state directory (create,
 * change, remove). Poststop: the verdict log's directory (create, change).
 * Create: /dev/null (the watcher's stdio) and cgroup_dir (change); its
 * init's <proc_root>/<pid>/oom_score_adj, or all of proc_root while pid is
 * 0 (the state not read yet), nothing there when pid is negative. Both, in the writeback host
 * mode (auto or host): vm_dir's dirty_bytes, dirty_background_bytes, dirty_ratio and
 * dirty_background_ratio. HOOK_STAGE_UNKNOWN: all of these. cgroup_dir may
 * be NULL (nothing there). */
void hookconfine_rules(enum hook_stage stage, const struct og_config *cfg, const char *proc_root,
                       const char *vm_dir, const char *cgroup_dir, int64_t pid,
                       struct hookconfine_rules *ret);

/* Before the input: capabilities, syslog, Landlock (the container not
 * known yet: create may write beneath the memory cgroup hierarchy and
 * proc_root, "/proc"), seccomp. Each step is tried; the first failure is
 * returned and said in err. A kernel without Landlock is no failure. */
int hook_confine(enum hook_stage stage, const struct og_config *cfg, const char *proc_root,
                 struct og_error *err);

/* After the state: the stage's rules for this container, a layer on top of
 * the first (so only ever narrower). stage is the one the hook runs,
 * HOOK_STAGE_UNKNOWN does nothing. */
int hook_confine_container(enum hook_stage stage, const struct og_config *cfg,
                           const char *proc_root, const struct oci_state *st,
                           struct og_error *err);

#endif
