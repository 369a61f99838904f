/* SPDX-License-Identifier: MIT */
/* A verdict as a structured journal entry (systemd's native protocol over
 * /run/systemd/journal/socket), so that `journalctl -t oomguard
 * OOMGUARD_VERDICT=memcg` finds it: SYSLOG_IDENTIFIER=oomguard, a fixed
 * MESSAGE_ID per verdict kind, PRIORITY, CONTAINER_ID (12 hex) and
 * CONTAINER_ID_FULL as Docker's journald log driver names them,
 * OOMGUARD_VERDICT and OOMGUARD_* numbers. Without journald the hook's
 * syslog line is the record. The socket is connected before confinement
 * (the seccomp filter allows no connect()). */
#ifndef OOMGUARD_JOURNAL_H
#define OOMGUARD_JOURNAL_H

#include "verdict.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define JOURNAL_ENTRY_MAX 8192

struct journal_verdict {
        const char *id; /* the container id as the engine named it */
        const char *cgroup;
        const char *bundle; /* or NULL */
        const struct verdict *v;
        int64_t limit_bytes, peak_bytes; /* OG_NONE: unknown */
        int oom_score_adj;
};

/* The MESSAGE_ID of a verdict kind: 32 lowercase hex, fixed forever. */
const char *journal_message_id(enum verdict_kind k);

/* The entry's datagram (pure): KEY=value lines; a value's newlines become
 * spaces. Its length, or -ENOSPC. */
ssize_t journal_render(const struct journal_verdict *j, char *buf, size_t cap);

/* Connect to path (NULL: JOURNAL_SOCKET) once; 0, or a negative errno
 * (no journald: -ENOENT). */
int journal_open(const char *path);

/* Send one entry over the connection made by journal_open: 0, -ENOTCONN
 * when there is none, or a negative errno. */
int journal_send(const struct journal_verdict *j);

#endif
