/* SPDX-License-Identifier: MIT */
/* Was a death page-cache driven? The kernel's OOM report prints the
 * memcg's memory.stat: when dirty and writeback pages make up a large part
 * of it and outweigh the anonymous memory, the writer died of its own
 * writes, and the writeback policy is the fix. Pure. */
#ifndef OOMGUARD_PAGECACHE_H
#define OOMGUARD_PAGECACHE_H
#include "causes.h"
#include "oomlog.h"
#include "verdict.h"
#include <stdbool.h>
#include <stdint.h>

/* The figures of one kill's memory.stat dump (v2 names, v1 names in
 * bytes, or the v1 single-line dump in kB); false if it has none. */
bool pagecache_read(const struct oom_kill *k, struct pc_figures *ret);

/* The one page-cache rule (cause_pc_driven, shared with explain):
 * dirty + writeback at least an eighth of the memcg's charge (anon+file)
 * and at least half of its page cache. */
bool pagecache_driven(const struct pc_figures *f);

/* Mark v and add to its summary what would have prevented it; writeback
 * is what the container had ("preload", "host" or ""). */
void pagecache_amend(struct verdict *v, const struct oom_kill *kills, const char *writeback);
#endif
