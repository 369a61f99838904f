/* SPDX-License-Identifier: MIT */
/* The one reader of each /proc fact oomguard uses besides procscan's
 * table: /proc/meminfo figures and /proc/<pid>/stat. Pure parsers take
 * (buf, len); the readers take an injectable /proc root. */
#ifndef OOMGUARD_PROCFS_H
#define OOMGUARD_PROCFS_H

#include "util.h"

#include <stdint.h>

/* meminfo text: the figure of key ("MemTotal"), in kB as printed; OG_NONE
 * when absent or not a number. */
int64_t procfs_meminfo_kb(const char *buf, size_t len, const char *key);
/* <proc_root>/meminfo: the figure of key in bytes, OG_NONE if unreadable. */
int64_t proc_meminfo(const char *proc_root, const char *key);
/* MemTotal of <proc_root>/meminfo in bytes, OG_NONE if unreadable. */
int64_t proc_mem_total(const char *proc_root);

/* The fields of /proc/<pid>/stat oomguard reads. The comm is found by the
 * last ')' (a comm may hold spaces and parentheses). */
struct proc_stat {
        char comm[17];
        char state; /* 'R', 'S', 'Z', ... */
        int64_t ppid;
        int64_t starttime; /* field 22: clock ticks after boot; tells a reused pid */
        int64_t exit_code; /* field 52 (OG_NONE when the kernel does not print it) */
};
/* -EINVAL when buf is not a stat line. */
int procfs_stat_parse(const char *buf, size_t len, struct proc_stat *ret);
/* <proc_root>/<pid>/stat; a negative errno. */
int procfs_stat_read(const char *proc_root, int64_t pid, struct proc_stat *ret);

#endif
