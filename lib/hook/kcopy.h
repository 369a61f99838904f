/* SPDX-License-Identifier: MIT */
/* The watcher's copy of its own container's kernel OOM records
 * (<state>/<id>/kmsg.log, kmsg format, each record's first line; poststop
 * reads it when the live log is incomplete). Which records are the
 * container's:
 * - an OOM report ("<comm> invoked oom-killer:" … "oom-kill:…") whose
 *   summary's task_memcg is the container's cgroup or below it; a summary
 *   whose keys repeat (cgroup names and comms may hold ',' and '=') is
 *   decided by its victim's pid alone. The report's records before the
 *   summary are held until it comes, then copied or dropped.
 * - a "Killed process N" or "oom_reaper: reaped process N" line (the only
 *   ones a rate-limited report prints) whose N is the victim of one of the
 *   container's summaries, its init, or one of its processes (pid_ours:
 *   the watcher's list from the container's last OOM event).
 * Everything else is not copied at all, so no other container's records
 * can take the copy's room. One kind wakes the watcher for a snapshot
 * without being copied: the kill line of a summary whose keys repeat, one
 * reading of which names the container's cgroup or below it, and whose
 * victim the watcher does not know. It may be a kill in a sub-cgroup of
 * the container (cgroup v1 counts it there alone, and the runtime may
 * remove that sub-cgroup before the end), or a forgery: the counters read
 * then decide. The kernel prints such a summary only within its rate limit
 * on OOM reports. */
#ifndef OOMGUARD_KCOPY_H
#define OOMGUARD_KCOPY_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KCOPY_HOLD_MAX (32 * 1024) /* a report's records held until its summary */
#define KCOPY_VICTIMS 8

enum kcopy_kind {
        KCOPY_OTHER,
        KCOPY_HEADER,  /* "<comm> invoked oom-killer:" */
        KCOPY_SUMMARY, /* "oom-kill:…,pid=N,uid=U" */
        KCOPY_KILLED,  /* "…: Killed process N (…" or "oom_reaper: reaped process N (…" */
};

typedef bool (*kcopy_pid_fn)(int64_t pid, void *ud);
typedef void (*kcopy_emit_fn)(const char *data, size_t len, void *ud);

struct kcopy {
        const char *cgroup; /* the container's, as the kernel prints it */
        int64_t init_pid;
        kcopy_pid_fn pid_ours; /* may be NULL */
        void *ud;
        enum { KCOPY_OUTSIDE, KCOPY_HOLDING, KCOPY_OURS, KCOPY_FOREIGN, KCOPY_MAYBE } state;
        int64_t report_pid; /* the current report's victim */
        int64_t victims[KCOPY_VICTIMS];
        unsigned next_victim;
        size_t held_len;
        char held[KCOPY_HOLD_MAX];
};

void kcopy_init(struct kcopy *k, const char *cgroup, int64_t init_pid, kcopy_pid_fn pid_ours,
                void *ud);

/* Pure: what a message (a record's text after ';', to its first newline)
 * is, and the pid it names (the summary's pid=, the killed one) or
 * OG_NONE. Only at the message's start, as the kernel prints them. */
enum kcopy_kind kcopy_kind(const char *msg, size_t len, int64_t *ret_pid);

/* Pure: is a summary's task_memcg the cgroup or below it? 1 yes, 0 no,
 * -1 cannot tell (task_memcg= or oom_memcg= occur more than once). */
int kcopy_summary_within(const char *msg, size_t len, const char *cgroup);

/* One record as /dev/kmsg returns it ("pri,seq,usec,flags;text\n…").
 * What is to be copied goes to emit: the held records of a report that
 * turned out the container's, then this record's first line. True if it
 * was a summary or a kill of the container's, or the kill line of a
 * summary that may be (see above): a snapshot is worth taking. */
bool kcopy_feed(struct kcopy *k, const char *rec, size_t len, kcopy_emit_fn emit, void *ud);

/* Pure: where a full copy (len bytes of kmsg-format lines) is cut to keep
 * at most keep bytes of its newest records (at a line's start). */
size_t kcopy_cut(const char *buf, size_t len, size_t keep);

/* The copy's own line for records it does not hold: "-lost N\n", the
 * records after sequence number N up to the next line's (the kernel
 * overwrote them before the watcher read them, or a cut dropped them).
 * No record's header starts with '-'. poststop trusts a copy with such a
 * line only where the live ring still holds the records after N. */
#define KCOPY_LOST "-lost "

/* Pure: the line into buf (cap bytes); its length, 0 if it does not fit. */
size_t kcopy_lost_line(char *buf, size_t cap, int64_t after);

/* Pure: a line (len bytes, without its newline) that is one, and its N. */
bool kcopy_lost_parse(const char *line, size_t len, int64_t *ret_after);

/* Pure: the N of the line that stands for a copy's first len bytes, cut:
 * the first line's own N if it is one, else its record's sequence
 * number less one; 0 (everything) if it is neither. */
int64_t kcopy_lost_before(const char *buf, size_t len);

#endif
