/* SPDX-License-Identifier: MIT */
/* Reading the kernel log buffer through /dev/kmsg without blocking: one
 * record per read(), EPIPE = records overwritten before we read them. */
#ifndef OOMGUARD_KMSG_H
#define OOMGUARD_KMSG_H

#include "util.h"

#include <stddef.h>
#include <stdint.h>

#define KMSG_RECORD_MAX 8192

struct kmsg_stats {
        size_t records;
        size_t lost; /* EPIPE: the ring wrapped past us */
        /* with lost: the sequence number of the first record read after
         * the last loss (every record from it on was read); -1 if none
         * came after it */
        int64_t resumed_seq;
};

/* The one record reader: one record from fd (/dev/kmsg opened O_NONBLOCK)
 * into buf (KMSG_RECORD_MAX + 1 bytes, NUL-terminated). Its length; 0 when
 * caught up (or at the end of a regular file); -EPIPE when records were
 * overwritten before they were read (the next call goes on with the oldest
 * left); -EINVAL for a record longer than KMSG_RECORD_MAX; another
 * negative errno on failure. EINTR is retried. */
ssize_t kmsg_read_record(int fd, char *buf);

/* A record's header, "pri,seq,usec,flags[,caller=T12];". */
struct kmsg_header {
        int64_t pri, seq, usec;
};

/* Pure, the one reader of a record's header: the header at the start of
 * line (len bytes) into ret, and the length up to and including its ';'.
 * 0 when the line starts with none: three non-negative numbers, then
 * flags without white space and a ';' within 64 bytes of them. */
size_t kmsg_header_parse(const char *line, size_t len, struct kmsg_header *ret);

/* Called once per line of each record (header line, then dictionary). */
typedef int (*kmsg_line_fn)(const char *line, size_t len, void *userdata);

/* Read every record currently in the buffer at path (normally /dev/kmsg),
 * oldest first, and return when caught up. */
int kmsg_read_all(const char *path, kmsg_line_fn fn, void *userdata, struct kmsg_stats *ret_stats,
                  struct og_error *err);

#endif
