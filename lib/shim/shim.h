/* SPDX-License-Identifier: MIT */
/* oomguard-shim's work before it becomes the real runtime: rewrite the
 * bundle's config.json on create / run, snapshot the cgroup's counters
 * before delete, find the runtime to exec, and say what went wrong where
 * the engine looks (Docker and containerd read the --log file, podman
 * stderr). */
#ifndef OOMGUARD_SHIM_H
#define OOMGUARD_SHIM_H
#include "config.h"
#include "runcargv.h"
#include "shimspec.h"
#include "util.h"
#include <limits.h>
#include <sys/stat.h>

/* One message: syslog; and the --log file in the runtime's log format
 * when there is one, else stderr. Errors go to stderr in any case. */
void shim_log(const struct runc_argv *a, int priority, const char *fmt, ...) OG_PRINTF(3, 4);

/* The real runtime: an absolute path, or a name looked up in the system
 * directories (the engine may give no PATH), never the shim itself. */
int shim_find_runtime(const char *want, const char *const *dirs, char *ret, size_t cap,
                      struct og_error *err);
extern const char *const shim_runtime_dirs[];

/* For the operator, never for the container: the --log file (error
 * level) and syslog; stderr only when there is no --log file. */
void shim_alert(const struct runc_argv *a, const char *fmt, ...) OG_PRINTF(2, 3);

/* The runtime that created container id, as the hook recorded it in its
 * state directory (HOOKSTATE_RUNTIME): ret, an absolute path; -ENOENT
 * when none. */
int shim_recorded_runtime(const char *state_dir, const char *id, char *ret, size_t cap);

/* The runtime to exec: the recorded one while it exists, else the one
 * wanted (name or path), else runc with err saying why (a configured
 * runtime that does not exist must not stop containers). */
enum { SHIM_RUNTIME_RECORDED = 0, SHIM_RUNTIME_CONFIGURED = 1, SHIM_RUNTIME_FALLBACK = 2 };
int shim_choose_runtime(const char *want, const char *recorded, char *ret, size_t cap,
                        struct og_error *err);

/* The writeback policy for one container. In: the mode, whether the host
 * is cgroup v1, the library's host path (NULL if not installed). Out, set
 * by shim_prepare: what was done and, when the preload was skipped, why. */
struct shim_writeback {
        enum writeback_mode mode;
        bool v1;
        const char *library;
        const char *done; /* "preload", "host" or NULL */
        char why[160];    /* why the preload was not used, or "" */
};

/* create / run: rewrite <bundle>/config.json (or crun's --config). plan's
 * preload fields are filled from wb. */
int shim_prepare(const struct og_config *cfg, struct shim_plan *plan, struct shim_writeback *wb,
                 const struct runc_argv *a, struct shim_result *ret, struct og_error *err);

/* delete: the container's counters into its state directory, if the hook
 * left one and the cgroup still exists (an id the hook cannot take has
 * none: 0). */
int shim_snapshot(const struct og_config *cfg, const char *id, struct og_error *err);
/* Can this host limit memory+swap (v1 memsw files, v2 memory.swap.max)?
 * Is its memory controller on cgroup v1? When mountinfo does not tell,
 * both false and err says why. */
int shim_host_facts(const char *proc_root, bool *swap_accounting, bool *v1, struct og_error *err);
#endif
