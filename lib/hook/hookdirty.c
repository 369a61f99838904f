/* SPDX-License-Identifier: MIT */
/* The hook's side of the writeback host mode: re-evaluate vm.dirty_* when
 * an enrolled container starts and when it is gone, with the
 * administrator's bounds (recorded for the watchers too). */
#include "hook.h"

#include "dirtyctl.h"

#include <syslog.h>

void hook_dirty_update(const struct og_config *cfg, const struct hook_env *env)
{
        struct og_error err = {0};
        const struct dirty_bounds b = {cfg->writeback_host_min,
                                       (int64_t)cfg->writeback_host_interval * 1000};
        if (dirtyctl_update(cfg->state_dir, dirtyctl_vm_dir(), env->proc_root, &b, NULL, NULL,
                            &err) < 0)
                hook_log(LOG_WARNING, "writeback host mode: %s", err.msg);
}
