/* SPDX-License-Identifier: MIT */
/* The hook's side of the writeback host mode: the administrator's bounds
 * (handed to each watcher, which engages its container), and vm.dirty_*
 * re-evaluated when an engaged container is gone. */
#include "hook.h"

#include "dirtyctl.h"

#include <syslog.h>

struct dirty_bounds hook_dirty_bounds(const struct og_config *cfg)
{
        return (struct dirty_bounds){cfg->writeback_host_min,
                                     (int64_t)cfg->writeback_host_interval * 1000};
}

void hook_dirty_update(const struct og_config *cfg, const struct hook_env *env)
{
        struct og_error err = {0};
        const struct dirty_bounds b = hook_dirty_bounds(cfg);
        if (dirtyctl_update(cfg->state_dir, dirtyctl_vm_dir(), env->proc_root, &b, true, NULL,
                            NULL, &err) < 0)
                hook_log(LOG_WARNING, "writeback host mode: %s", err.msg);
}
