/* SPDX-License-Identifier: MIT */
/* Rendering kills: the `explain --json` contract and the human paragraph. */
#ifndef OOMGUARD_EXPLAIN_H
#define OOMGUARD_EXPLAIN_H

#include "oomlog.h"

#include <stdio.h>
#include <yajl/yajl_gen.h>

/* One kill as a JSON object into g (the `explain --json` contract). */
void explain_gen_kill(yajl_gen g, const struct oom_kill *k);

/* One JSON object (one line, newline-terminated) per kill. */
int explain_write_json(FILE *out, const struct oom_kill *k);

/* One short paragraph saying what happened and what to change. */
int explain_write_text(FILE *out, const struct oom_kill *k, size_t index,
                       size_t total);

#endif
