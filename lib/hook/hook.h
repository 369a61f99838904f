/* SPDX-License-Identifier: MIT */
/* The hook's two stages. create (createRuntime or prestart, idempotent):
 * apply the memory policy and record a baseline. poststop: decide the
 * verdict, append it to the log, remove the state. Messages go to stderr
 * and syslog, prefixed "oomguard-hook". */
#ifndef OOMGUARD_HOOK_H
#define OOMGUARD_HOOK_H

#include "config.h"
#include "dirtyctl.h"
#include "ocistate.h"

struct hook_env {
        const char *proc_root; /* "/proc" */
        const char *kmsg;      /* "/dev/kmsg" */
        const char *runtime;   /* --runtime: recorded at create (HOOKSTATE_RUNTIME); NULL */
};

int hook_create(const struct og_config *cfg, const struct oci_state *st,
                const struct hook_env *env, struct og_error *err);
int hook_poststop(const struct og_config *cfg, const struct oci_state *st,
                  const struct hook_env *env, struct og_error *err);

struct hook_ancestor;
/* A parent cgroup's limit and counters (create and poststop both read them). */
void hook_read_ancestor(const char *dir, int version, struct hook_ancestor *a);

/* The annotation oomguard-shim sets: the write window is in the container. */
#define WRITEBACK_ANN "org.oomguard.writeback"

/* The writeback host mode's bounds from the configuration. */
struct dirty_bounds hook_dirty_bounds(const struct og_config *cfg);
/* The writeback host mode re-evaluated; trouble is logged, never fatal.
 * $OOMGUARD_SYSCTL_VM names another directory than /proc/sys/vm (tests). */
void hook_dirty_update(const struct og_config *cfg, const struct hook_env *env);

struct verdict;
struct hook_state;
/* The journal entry, the metrics textfile and the termination message,
 * after the verdict log. */
void hook_outputs(const struct og_config *cfg, const struct hook_state *hs,
                  const struct verdict *v, int64_t peak);
/* The metrics file poststop writes, or NULL when none. */
const char *hook_metrics_path(const struct og_config *cfg);

/* One message line to stderr and syslog. */
void hook_log(int priority, const char *fmt, ...) OG_PRINTF(2, 3);

#endif
