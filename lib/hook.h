/* SPDX-License-Identifier: MIT */
/* The hook's two stages. create (createRuntime or prestart, idempotent):
 * apply the memory policy and record a baseline. poststop: decide the
 * verdict, append it to the log, remove the state. Messages go to stderr
 * and syslog, prefixed "oomguard-hook". */
#ifndef OOMGUARD_HOOK_H
#define OOMGUARD_HOOK_H

#include "config.h"
#include "ocistate.h"

struct hook_env {
        const char *proc_root; /* "/proc" */
        const char *kmsg;      /* "/dev/kmsg" */
};

int hook_create(const struct og_config *cfg, const struct oci_state *st,
                const struct hook_env *env, struct og_error *err);
int hook_poststop(const struct og_config *cfg, const struct oci_state *st,
                  const struct hook_env *env, struct og_error *err);

struct hook_ancestor;
/* A parent cgroup's limit and counters (create and poststop both read them). */
void hook_read_ancestor(const char *dir, int version, struct hook_ancestor *a);

/* One message line to stderr and syslog. */
void hook_log(int priority, const char *fmt, ...) OG_PRINTF(2, 3);

#endif
