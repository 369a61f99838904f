/* SPDX-License-Identifier: MIT */
/* The effective memory policy for one container: config defaults, then the
 * container's org.oomguard.* annotations clamped by the config's bounds.
 * Pure arithmetic; every adjustment leaves a note for the log. */
#ifndef OOMGUARD_POLICY_H
#define OOMGUARD_POLICY_H

#include "config.h"

#include <stdint.h>

#define POLICY_ANN_ADJ "org.oomguard.oom_score_adj"
#define POLICY_NOTES 4

struct policy_input {
        int64_t limit;       /* OCI linux.resources.memory.limit; <= 0: none */
        int64_t reservation; /* memory.reservation; <= 0: none */
        int64_t memsw;       /* memory.swap (memory+swap); 0 unset, -1 unlimited */
        int64_t host_mem;    /* MemTotal in bytes */
        const char *ann_adj; /* org.oomguard.oom_score_adj, or NULL */
};

struct policy {
        int oom_score_adj;
        bool set_memsw;      /* write a memory+swap limit */
        int64_t memsw;       /* bytes, -1 = unlimited */
        int64_t memory_high; /* bytes, 0 = leave alone (v2) */
        int oom_group;       /* -1 leave alone (v2) */
        char notes[POLICY_NOTES][192];
        size_t n_notes;
};

/* auto: 1000 - 1000 * (reservation, else limit) / host memory, within
 * [max(floor, 1), 999]; no limit at all: 1000. Containers so die before
 * host daemons (0), and the smaller one before the larger. */
int policy_auto_adj(int64_t limit, int64_t reservation, int64_t host_mem, int floor);

/* The lowest oom_score_adj the runtime (a name or a path) accepts:
 * -999 for sysbox-runc, -1000 otherwise. Never below the configured floor
 * either. */
int policy_runtime_floor(const char *runtime);

void policy_compute(const struct og_config *c, const struct policy_input *in, struct policy *ret);

/* v2 memory.swap.max for an OCI memory+swap value: swap alone, or -1. */
int64_t policy_swap_max(int64_t memsw, int64_t limit);

#endif
