/* SPDX-License-Identifier: MIT */
/* Userspace OOM killers' log records: systemd-oomd, earlyoom, nohang,
 * Android's lmkd and the kubelet's eviction manager.
 *
 * A line counts only when its syslog tag, journal SYSLOG_IDENTIFIER or
 * logcat tag names the tool (the front of the parser, logline.c and
 * unwrap.c, finds it): the same words quoted in another program's message
 * are never a kill. Their records are never kernel OOM kills: they go to
 * oomlog_result.user_kills, not to .kills.
 *
 * uk_parse is pure: one message of a known tool -> what the line says.
 * uk_log gathers the lines of a log into records (a kill and the reason
 * and victim lines printed before it). */
#ifndef OOMGUARD_USERKILL_H
#define OOMGUARD_USERKILL_H

#include "oomlog.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum uk_tool {
        UK_NONE = 0,
        UK_SYSTEMD_OOMD,
        UK_EARLYOOM,
        UK_NOHANG,
        UK_LMKD,
        UK_KUBELET,
        UK_TOOL_COUNT,
};

enum uk_kind {
        UK_LINE_NONE = 0, /* the tool's line says nothing a record uses */
        UK_LINE_KILL,     /* a kill (or eviction): a record of its own */
        UK_LINE_REASON,   /* why the next kill: thresholds, pressure */
        UK_LINE_VICTIM,   /* names the next kill's victim (nohang) */
        UK_LINE_REASONS,  /* a new list of reasons follows (nohang) */
        UK_LINE_VICTIMS,  /* a new victim's status follows (nohang) */
        UK_LINE_RECLAIM,  /* the kubelet starts reclaiming a resource */
};

struct uk_span {
        const char *p;
        size_t n;
};

struct uk_line {
        enum uk_kind kind;
        struct uk_span victim; /* cgroup, pod ("ns/name"), app as the tool names it */
        struct uk_span comm;   /* process name */
        struct uk_span signal; /* "SIGTERM", "SIGKILL" */
        struct uk_span reason; /* why, as the line says it; the resource (RECLAIM) */
        struct uk_span detail; /* further figures the line gives */
        int64_t pid, uid;      /* OG_NONE when not given */
        bool pod_list;         /* victim is a list of pods: "[ns/a ns/b]" */
};

/* The killer's name in records ("systemd-oomd", ..., "kubelet-eviction"). */
const char *uk_tool_name(enum uk_tool t);

/* The tool an identifier names: a syslog tag ("earlyoom[456]" or
 * "earlyoom"), a SYSLOG_IDENTIFIER, a logcat tag; UK_NONE for others. */
enum uk_tool uk_tool_of(const char *ident, size_t len);

/* One message (after every prefix) of tool t; false if it says nothing
 * a record uses. */
bool uk_parse(enum uk_tool t, const char *msg, size_t len, struct uk_line *ret);

#define UK_MAX_RECORDS (1u << 20) /* records kept from one input */

struct uk_log {
        struct user_kill *v;
        size_t n, cap;
        char *reason[UK_TOOL_COUNT];
        bool reason_open[UK_TOOL_COUNT]; /* the tool's last line was a reason */
        char *victim_comm;               /* nohang's victim status, for its next kill */
        int64_t victim_pid, victim_uid;
        size_t reclaim_start; /* kubelet: first record of this reclaim */
        bool reclaim_other;   /* kubelet: reclaiming a resource other than memory */
        size_t dropped;
};

void uk_log_init(struct uk_log *l);
/* One message of tool t with its timestamp text; 1 when the line was one
 * of the tool's known lines, 0 when not, -ENOMEM. */
int uk_log_feed(struct uk_log *l, enum uk_tool t, const char *msg, size_t len, const char *ts,
                size_t ts_len);
/* Hand the records over (in log order; reversed when the input was read
 * newest first) and free the rest. */
int uk_log_take(struct uk_log *l, bool reversed, struct user_kill **ret, size_t *ret_n);
void uk_log_free(struct uk_log *l);

#endif
