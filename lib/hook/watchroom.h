/* SPDX-License-Identifier: MIT */
/* The watcher's part in the writeback host mode: a container's page-cache
 * room (limit minus anonymous memory) shrinks when it allocates, long
 * after create. For an enrolled container the watcher looks every 100 ms
 * (one read of memory.stat) and re-evaluates vm.dirty_* when the anonymous
 * memory moved by 4 MiB or more; only when poll() timed out, so that an
 * OOM finds it free to take its snapshot. */
#ifndef OOMGUARD_WATCHROOM_H
#define OOMGUARD_WATCHROOM_H
#include "hookstate.h"
#include <stdbool.h>
#include <stdint.h>

struct room_watch {
        bool on;           /* the container is in the host mode */
        int fd;            /* an event source, or -1 (none yet) */
        int64_t last_anon; /* at the last re-evaluation */
        const char *state_dir;
};

void room_watch_init(struct room_watch *w, const struct hook_state *hs, const char *state_dir);
/* poll() timeout in ms given the watcher's own */
int room_watch_timeout(const struct room_watch *w, int dflt);
/* Its event source fired (reserved: none is used). */
void room_watch_event(struct room_watch *w);
/* poll() timed out: look, and re-evaluate when the room moved. */
void room_watch_quiet(struct room_watch *w, const struct hook_state *hs);
#endif
