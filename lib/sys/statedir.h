/* SPDX-License-Identifier: MIT */
/* /run/oomguard/<id>/: one directory per container, 0700, written only
 * atomically (temp file, fsync, rename), never through a symlink. */
#ifndef OOMGUARD_STATEDIR_H
#define OOMGUARD_STATEDIR_H

#include "util.h"

#include <stdbool.h>

/* Open (creating when asked) <base>/<id>; ret is a directory fd. The id
 * must already be valid (oci_id_valid). */
int statedir_open(const char *base, const char *id, bool create, int *ret,
                  struct og_error *err);
int statedir_write(int dirfd, const char *name, const char *data, size_t len,
                   struct og_error *err);
/* Whole file, at most cap - 1 bytes, NUL-terminated. */
int statedir_read(int dirfd, const char *name, char *buf, size_t cap,
                  size_t *ret_len, struct og_error *err);
/* Remove <base>/<id> and the files in it (no recursion). */
int statedir_remove(const char *base, const char *id, struct og_error *err);

#endif
