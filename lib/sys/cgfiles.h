/* SPDX-License-Identifier: MIT */
/* Reading and writing one memory-cgroup file: bounded reads that fail
 * rather than truncate, no symlinks followed. */
#ifndef OOMGUARD_CGFILES_H
#define OOMGUARD_CGFILES_H

#include <stddef.h>
#include <stdint.h>

int cgf_write(const char *dir, const char *file, const char *value);
/* A single number; "max" reads as -1. OG_NONE when unreadable. */
int64_t cgf_read_int(const char *dir, const char *file);
/* The value of "key N" in a flat keyed file (memory.oom_control,
 * memory.events.local); OG_NONE when absent. */
int64_t cgf_read_key(const char *dir, const char *file, const char *key);

/* OOM kills in the cgroup at dir and every cgroup below it (a container's
 * own sub-cgroups): v2 memory.events (hierarchical, unlike .local); v1
 * counts per cgroup, so memory.oom_control's oom_kill summed over the
 * subtree (bounded; a sub-cgroup removed takes its count with it).
 * OG_NONE when dir's own counter is unreadable. */
int64_t cgf_read_oom_kill(const char *dir, int version);

/* The counters a verdict rests on, v1 or v2: the one place their file
 * and key names are spelled. OG_NONE where unreadable or where the
 * version has no such counter. */
struct cg_counters {
        int64_t oom_kill;       /* kills in it and below (cgf_read_oom_kill) */
        int64_t oom_kill_local; /* kills of its own tasks: v2 memory.events.local,
                                 * v1 memory.oom_control */
        int64_t oom;            /* v2 memory.events.local "oom": its own limit hit
                                 * and the OOM killer run; v1 none */
        int64_t limit_hits;     /* charges that reached its limit: v1 memory.failcnt
                                 * plus memory.memsw.failcnt (v1 charges memory+swap
                                 * first), v2 memory.events.local "max" */
};
void cgf_read_counters(const char *dir, int version, struct cg_counters *ret);
/* The same but oom_kill (OG_NONE): a parent's own counters, without a walk
 * of everything below it (on v1 every other container on the host). */
void cgf_read_own_counters(const char *dir, int version, struct cg_counters *ret);

/* The page figures of memory.stat, in bytes, from one read of the file;
 * v1 and v2 name them differently (rss/anon, cache/file, dirty/file_dirty,
 * writeback/file_writeback). OG_NONE where absent. */
struct cg_memstat {
        int64_t anon, file, dirty, writeback;
};
void cgf_read_memstat(const char *dir, int version, struct cg_memstat *ret);
/* The peak usage: v1 memory.max_usage_in_bytes, v2 memory.peak. */
int64_t cgf_read_peak(const char *dir, int version);

/* A memory limit (memory.max, memory.limit_in_bytes, ...): -1 when there
 * is none, whichever way the kernel says so; OG_NONE when unreadable. */
int64_t cgf_read_limit(const char *dir, const char *file);

/* Pure: "key N" lookup in a flat keyed file's text. */
int64_t cgf_parse_key(const char *buf, size_t len, const char *key);
/* Pure: a limit file's text. v2 writes "max"; v1 writes PAGE_COUNTER_MAX
 * pages, 9223372036854771712 with 4 KiB pages: both are -1. */
int64_t cgf_parse_limit(const char *buf, size_t len);

#endif
