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

/* Pure: "key N" lookup in a flat keyed file's text. */
int64_t cgf_parse_key(const char *buf, size_t len, const char *key);

#endif
