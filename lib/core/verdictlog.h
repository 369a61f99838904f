/* SPDX-License-Identifier: MIT */
/* The verdict log (default /var/log/oomguard/verdicts.jsonl): one JSON
 * object per container death, appended by the hook, read by
 * `oomguard verdicts`. */
#ifndef OOMGUARD_VERDICTLOG_H
#define OOMGUARD_VERDICTLOG_H

#include "verdict.h"

#include <stdio.h>
#include <yajl/yajl_tree.h>

#define VERDICTLOG_LINE_MAX (1024 * 1024)
/* Kills listed in one record at most: the first and the last half of it
 * (how it began, how it ended: the init's own kill is the last when the
 * container died of it); "kills_omitted" counts the rest. A crash-looping
 * container or a kill storm grows the log by a bounded line per death. */
#define VERDICTLOG_MAX_KILLS 8

struct verdict_parent {
        const char *cgroup;
        int64_t limit_bytes, failcnt_delta, oom_kill_delta; /* OG_NONE: unknown */
};

struct verdict_record {
        const char *id, *bundle, *cgroup;
        const struct verdict *v;
        const struct oom_kill *kills;                      /* v->kill_idx indexes these */
        int64_t limit_bytes, swap_limit_bytes, peak_bytes; /* OG_NONE: null */
        int64_t oom_score_adj;
        const char *started, *stopped; /* ISO 8601, or NULL */
        const char (*notes)[192];      /* what create adjusted (clamps ...) */
        size_t n_notes;
        const struct verdict_parent *parents; /* limits and counter deltas */
        size_t n_parents;
        const char *writeback; /* the writeback policy in force, or NULL */
        int64_t init_pid;      /* the init's pid on the host; <= 0: null. Two
                                * lives of one id in one second differ by it */
};

/* One line, newline included; *ret is malloc'd. */
int verdictlog_render(const struct verdict_record *r, char **ret, size_t *ret_len);

/* Append one rendered line under an exclusive lock, creating the file (0640)
 * and its directory (0755) when missing; not again when the same line is
 * already among the log's last megabyte (a poststop run twice). */
int verdictlog_append(const char *path, const char *line, size_t len, struct og_error *err);

/* Call fn for every record whose id equals id, or (unless exact) starts
 * with it; every record when id is NULL. fn gets the parsed record and its
 * raw line. */
typedef int (*verdictlog_fn)(yajl_val rec, const char *line, void *ud);
int verdictlog_scan(FILE *in, const char *id, bool exact, verdictlog_fn fn, void *ud);

#endif
