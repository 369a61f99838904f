/* SPDX-License-Identifier: MIT */
/* Verdicts as Prometheus counters in a node_exporter textfile (*.prom):
 * oomguard_deaths_total{verdict=…} for every kind, the last death's time
 * per kind, and the deaths page cache drove. The file is read back and
 * rewritten whole, atomically, under a lock beside it, so counters survive
 * restarts and concurrent poststops lose no increment. See oomguard.json(5). */
#ifndef OOMGUARD_METRICS_H
#define OOMGUARD_METRICS_H

#include "util.h"
#include "verdict.h"

#include <stdint.h>
#include <time.h>

#define METRICS_MAX_KINDS 16
#define METRICS_FILE_MAX (64 * 1024)

struct metrics_kind {
        char name[32]; /* the verdict label */
        uint64_t deaths;
        int64_t last; /* seconds since the epoch; 0: never */
};

struct metrics_counts {
        struct metrics_kind kind[METRICS_MAX_KINDS];
        size_t n;
        uint64_t page_cache_deaths;
};

/* Our own file's counters (pure). Lines it does not know are skipped, so a
 * damaged line costs that line only; a label unknown to this version is
 * kept. */
void metrics_parse(const char *buf, size_t len, struct metrics_counts *ret);

/* The file's text for c, every verdict kind present (0 when never seen).
 * Its length, or -ENOSPC when cap is too small. */
ssize_t metrics_render(const struct metrics_counts *c, char *buf, size_t cap);

/* One death of this kind at now. */
void metrics_count(struct metrics_counts *c, const char *kind, bool page_cache, int64_t now);

/* Read path, count one death, replace path atomically, all under
 * path.lock. A negative errno with err filled. */
int metrics_record(const char *path, enum verdict_kind kind, bool page_cache, int64_t now,
                   struct og_error *err);

#endif
