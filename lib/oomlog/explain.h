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
int explain_write_text(FILE *out, const struct oom_kill *k, size_t index, size_t total);

/* A userspace killer's record (userkill.h) as a JSON object into g:
 * "killer" (its name), "victim", "victim_pid", "victim_comm", "victim_uid",
 * "signal", "reason", "detail", "timestamp"; never a kernel OOM kill. */
void explain_gen_user_kill(yajl_gen g, const struct user_kill *k);
/* One line, newline-terminated. */
int explain_write_user_json(FILE *out, const struct user_kill *k);
/* Who killed what and why, and the causes table's sentence for it. */
int explain_write_user_text(FILE *out, const struct user_kill *k, size_t index, size_t total);
/* An OOM that found no process it could kill, as text. */
int explain_write_novictim_text(FILE *out, const struct oom_novictim *o);

/* The live host's kernel log: its record times (microseconds after boot)
 * also as wall-clock times, from when the host booted. */
struct explain_clock {
        double boot_epoch; /* seconds since 1970 at boot; <= 0: unknown */
};

/* Seconds after boot of a kill read from /dev/kmsg records; < 0 if none. */
double explain_kmsg_seconds(const struct oom_kill *k);
/* "2026-12-07T06:20:01.123456Z" (iso) or "2026-12-07 06:20:01 UTC". */
void explain_wall_time(char *buf, size_t len, double epoch, bool iso);

/* As above, adding "wall_time" and "seconds_after_boot" (JSON) or the
 * wall-clock time (text) when clock knows the boot time. */
int explain_write_json_at(FILE *out, const struct oom_kill *k, const struct explain_clock *clock);
int explain_write_text_at(FILE *out, const struct oom_kill *k, size_t index, size_t total,
                          const struct explain_clock *clock);

#endif
