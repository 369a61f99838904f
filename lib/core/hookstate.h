/* SPDX-License-Identifier: MIT */
/* What create leaves for poststop in <state_dir>/<id>/state.json: where the
 * container's memcg is, its init process, when it started, what policy was
 * applied and the counters at that moment. */
#ifndef OOMGUARD_HOOKSTATE_H
#define OOMGUARD_HOOKSTATE_H

#include "ocistate.h"
#include "util.h"

#include <limits.h>
#include <stdint.h>

#define HOOK_MAX_ANCESTORS 6

struct hook_state {
        char id[OCI_ID_MAX + 1]; /* the runtime's id, whatever the directory's name */
        char bundle[PATH_MAX];
        char cgroup[PATH_MAX]; /* as the kernel prints it */
        char cgroup_dir[PATH_MAX];
        int cgroup_version;
        int64_t init_pid;
        int64_t created_mono_us; /* CLOCK_MONOTONIC, to match kmsg records */
        char created[40];        /* ISO 8601, UTC */
        char writeback[16];      /* "preload", "host" or "": the writeback policy in force */
        int host_fallback;       /* > 0: "preload", and the host mode while it writes past
                                    the window (lib/core/dirtyctl.h, DIRTY_ENGAGED) */
        int64_t limit_bytes, memsw_bytes, oom_score_adj; /* OG_NONE: unknown */
        int64_t oom_kill_base, oom_base;                 /* counters at create (OG_NONE: none) */
        char notes[4][192]; /* what create adjusted, for the verdict */
        size_t n_notes;
        struct hook_ancestor { /* parents, nearest first */
                char cgroup[512];
                int64_t limit_bytes, failcnt, oom_kill;
        } anc[HOOK_MAX_ANCESTORS];
        size_t n_anc;
};

int hookstate_render(const struct hook_state *s, char **ret, size_t *ret_len);
int hookstate_parse(const char *buf, size_t len, struct hook_state *ret, struct og_error *err);

/* In a container's state directory: the runtime that created it (an
 * absolute path), when it came through oomguard-shim. The hook writes it
 * at create (the shim names it in the hook's arguments), so a create that
 * never reached the hook leaves nothing; the shim sends every later
 * command for the container there. */
#define HOOKSTATE_RUNTIME "runtime"

#endif
