/* SPDX-License-Identifier: MIT */
/* Reading the kernel log buffer through /dev/kmsg without blocking: one
 * record per read(), EPIPE = records overwritten before we read them. */
#ifndef OOMGUARD_KMSG_H
#define OOMGUARD_KMSG_H

#include "util.h"

#include <stddef.h>

#define KMSG_RECORD_MAX 8192

struct kmsg_stats {
        size_t records;
        size_t lost;      /* EPIPE: the ring wrapped past us */
};

/* Called once per line of each record (header line, then dictionary). */
typedef int (*kmsg_line_fn)(const char *line, size_t len, void *userdata);

/* Read every record currently in the buffer at path (normally /dev/kmsg),
 * oldest first, and return when caught up. */
int kmsg_read_all(const char *path, kmsg_line_fn fn, void *userdata,
                  struct kmsg_stats *ret_stats, struct og_error *err);

#endif
