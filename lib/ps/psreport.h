/* SPDX-License-Identifier: MIT */
/* `oomguard ps`: who dies first in a global OOM. Flags containers whose
 * processes inherited a negative oom_score_adj from their runtime, and host
 * processes that would be killed before any container. */
#ifndef OOMGUARD_PSREPORT_H
#define OOMGUARD_PSREPORT_H

#include "procscan.h"

#include <stdio.h>

enum {
        PS_FLAG_PROTECTED = 1u << 0,  /* a container process with adj < 0 */
        PS_FLAG_HOST_FIRST = 1u << 1, /* a host process above every container */
};

/* Flags per entry (same order as t->e); returns the number flagged. */
size_t psreport_flags(const struct proc_table *t, unsigned *ret_flags);

int psreport_write_text(FILE *out, const struct proc_table *t, bool all);
int psreport_write_json(FILE *out, const struct proc_table *t);

#endif
