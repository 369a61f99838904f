/* SPDX-License-Identifier: MIT */
/* The watcher's part in the writeback host mode: a container's page-cache
 * room (limit minus anonymous memory) shrinks when it allocates, long
 * after create. For an enrolled container the watcher wakes as its usage
 * crosses each eighth of the limit (v1 memory thresholds; v2 and any
 * failure: every 250 ms) and re-evaluates vm.dirty_* when the anonymous
 * memory moved by 4 MiB or more. */
#ifndef OOMGUARD_WATCHROOM_H
#define OOMGUARD_WATCHROOM_H
#include "hookstate.h"
#include <stdbool.h>
#include <stdint.h>

struct room_watch {
        bool on;           /* the container is in the host mode */
        int fd;            /* v1 threshold eventfd, or -1 */
        int64_t last_anon; /* at the last re-evaluation */
        const char *state_dir;
};

void room_watch_init(struct room_watch *w, const struct hook_state *hs, const char *state_dir);
/* poll() timeout in ms given the watcher's own */
int room_watch_timeout(const struct room_watch *w, int dflt);
/* After any wake-up: drain, look, re-evaluate when needed. */
void room_watch_check(struct room_watch *w, const struct hook_state *hs);
#endif
