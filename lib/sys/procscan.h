/* SPDX-License-Identifier: MIT */
/* Every process's OOM standing: its memory cgroup, container, RSS,
 * oom_score and oom_score_adj, read from a /proc tree (injectable). */
#ifndef OOMGUARD_PROCSCAN_H
#define OOMGUARD_PROCSCAN_H

#include "cgpath.h"
#include "procfs.h"
#include "util.h"

#include <limits.h>
#include <stdint.h>

struct proc_entry {
        int pid;
        char comm[32];
        char cgroup[512]; /* memory cgroup ("" if unknown) */
        char container_id[CG_ID_LEN + 1];
        int64_t rss_kb;
        int oom_score, oom_score_adj;
};

struct proc_table {
        struct proc_entry *e;
        size_t n;
};

/* Scan proc_root ("/proc"); processes that vanish meanwhile are skipped. */
int procscan(const char *proc_root, struct proc_table *ret, struct og_error *err);
void proc_table_free(struct proc_table *t);

/* Pure: the memory cgroup path from a /proc/<pid>/cgroup text (v1 memory
 * line, else the v2 line). */
bool procscan_memcg(const char *buf, size_t len, char *ret, size_t cap);

#endif
