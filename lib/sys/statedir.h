/* SPDX-License-Identifier: MIT */
/* /run/oomguard/<name>/: one directory per container, 0700, written only
 * atomically (temp file, rename), never through a symlink. Not synced:
 * everything here lives as long as the boot does, its readers read the
 * page cache, and where /run is on a disk a sync makes every one of the
 * watcher's snapshots wait for it while poststop waits for the last. The
 * name is the id itself when that is a plain name, else a digest of it:
 * every id a runtime accepts gets a directory of its own, and the real id
 * stays in state.json. */
#ifndef OOMGUARD_STATEDIR_H
#define OOMGUARD_STATEDIR_H

#include "util.h"

#include <stdbool.h>

/* Plain: [A-Za-z0-9_+,.-], not starting with '.' or '-', at most 255
 * bytes (every id runc takes but those starting so). Other ids that
 * oci_id_valid() takes: '%' and the SHA-256 of the id in hex, which no
 * plain name starts with. */
#define STATEDIR_NAME_MAX 255
int statedir_name(const char *id, char ret[STATEDIR_NAME_MAX + 1], struct og_error *err);

/* Open (creating when asked) the directory of container id under base;
 * ret is a directory fd. -EINVAL for an id oci_id_valid() refuses. */
int statedir_open(const char *base, const char *id, bool create, int *ret, struct og_error *err);
int statedir_write(int dirfd, const char *name, const char *data, size_t len,
                   struct og_error *err);
/* Whole file, at most cap - 1 bytes, NUL-terminated. */
int statedir_read(int dirfd, const char *name, char *buf, size_t cap, size_t *ret_len,
                  struct og_error *err);
/* Remove the directory of container id and the files in it (no recursion). */
int statedir_remove(const char *base, const char *id, struct og_error *err);

#endif
