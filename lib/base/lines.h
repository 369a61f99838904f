/* SPDX-License-Identifier: MIT */
/* A text file (a /proc file such as mountinfo) one line at a time, with
 * no bound on the file: only a line has one. A longer line is skipped and
 * counted, never cut; memory is one line's worth whatever the file. */
#ifndef OOMGUARD_LINES_H
#define OOMGUARD_LINES_H

#include "util.h"

struct lines_stats {
        size_t lines;   /* handed to the callback */
        size_t skipped; /* longer than the bound */
};

/* fn(line, len, ctx) for each line (without its '\n'; the last one too
 * when the file does not end in one). */
typedef void (*lines_fn)(const char *line, size_t len, void *ctx);

int lines_read_fd(int fd, size_t line_max, lines_fn fn, void *ctx, struct lines_stats *ret,
                  struct og_error *err);
/* path opened O_RDONLY|O_CLOEXEC|O_NOFOLLOW; errors name it. */
int lines_read(const char *path, size_t line_max, lines_fn fn, void *ctx, struct lines_stats *ret,
               struct og_error *err);

#endif
