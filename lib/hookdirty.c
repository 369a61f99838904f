/* SPDX-License-Identifier: MIT */
/* The hook's side of the writeback host mode: re-evaluate vm.dirty_* when
 * an enrolled container starts and when it is gone. */
#include "hook.h"

#include "dirtyctl.h"

#include <stdlib.h>
#include <syslog.h>

void hook_dirty_update(const struct og_config *cfg, const struct hook_env *env)
{
        const char *vm = getenv("OOMGUARD_SYSCTL_VM");
        struct og_error err = {0};
        if (dirtyctl_update(cfg->state_dir, vm && vm[0] == '/' ? vm : "/proc/sys/vm",
                            env->proc_root, &err) < 0)
                hook_log(LOG_WARNING, "writeback host mode: %s", err.msg);
}
