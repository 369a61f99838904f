/* SPDX-License-Identifier: MIT */
/* Where a process's memory cgroup lives: cgroup v1 (the memory controller's
 * own hierarchy, hybrid hosts included) or v2 (the unified hierarchy with
 * the memory controller). Pure parsers of /proc/<pid>/cgroup and
 * /proc/self/mountinfo, and a reader over an injectable /proc root. */
#ifndef OOMGUARD_CGROUP_H
#define OOMGUARD_CGROUP_H

#include "scan.h"
#include "util.h"

#include <limits.h>

struct cg_mounts {
        char v1_memory[PATH_MAX]; /* "" if not mounted */
        char v1_root[PATH_MAX];   /* that mount's root within the hierarchy */
        char v2[PATH_MAX];
        char v2_root[PATH_MAX];
};

struct cg_paths {
        char v1_memory[PATH_MAX]; /* "" if the process has none */
        char v2[PATH_MAX];
};

struct cg_location {
        int version;         /* 1 or 2 */
        char path[PATH_MAX]; /* as the kernel prints it ("/docker/abc") */
        char dir[PATH_MAX];  /* the directory to read and write */
};

/* The one mount-table line parser: a line of /proc/self/mountinfo ("id
 * parent maj:min root point opts [optional...] - fstype source super") or
 * of /proc/mounts ("source point fstype opts 0 0"), its fields pointing
 * into the line (root empty and opts the mount's for /proc/mounts; super
 * the filesystem's options for mountinfo). False for neither. */
struct cg_mount_fields {
        struct scan root, point, fstype, opts, super;
};
bool cg_mount_fields(const char *line, size_t len, struct cg_mount_fields *ret);
/* want is one of the comma-separated options in opts */
bool cg_has_option(struct scan opts, const char *want);

int cg_parse_mountinfo(const char *buf, size_t len, struct cg_mounts *ret);
/* One mountinfo line (without '\n') into m: the first memory hierarchy
 * and the first cgroup2 mount win. */
void cg_mountinfo_line(const char *line, size_t len, struct cg_mounts *m);

/* <proc_root>/self/mountinfo, however large (a node with thousands of
 * mounts), one line at a time (lines.h): a line longer than
 * CG_MOUNTINFO_LINE_MAX is skipped and counted in *ret_skipped (may be
 * NULL). -ENOENT when no cgroup hierarchy is among the lines read; the
 * message says how many were skipped. */
#define CG_MOUNTINFO_LINE_MAX (64 * 1024)
int cg_read_mountinfo(const char *proc_root, struct cg_mounts *ret, size_t *ret_skipped,
                      struct og_error *err);
int cg_parse_proc_cgroup(const char *buf, size_t len, struct cg_paths *ret);

/* Memory cgroup of pid. v2 is chosen only when its hierarchy has the memory
 * controller (v2_has_memory). */
int cg_resolve(const struct cg_mounts *m, const struct cg_paths *p, bool v2_has_memory,
               struct cg_location *ret, struct og_error *err);

/* Read /proc/<pid>/cgroup and /proc/self/mountinfo under proc_root ("/proc"),
 * and <v2 mount>/cgroup.controllers. */
int cg_locate(const char *proc_root, int pid, struct cg_location *ret, struct og_error *err);

#endif
