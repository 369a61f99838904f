/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "kcopy.h"

#include "kmsg.h"
#include "marker.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void kcopy_init(struct kcopy *k, const char *cgroup, int64_t init_pid, kcopy_pid_fn pid_ours,
                void *ud)
{
        k->cgroup = cgroup;
        k->init_pid = init_pid;
        k->pid_ours = pid_ours;
        k->ud = ud;
        k->state = KCOPY_OUTSIDE;
        k->report_pid = OG_NONE;
        for (size_t i = 0; i < KCOPY_VICTIMS; i++)
                k->victims[i] = OG_NONE;
        k->next_victim = 0;
        k->held_len = 0;
}

static bool starts(const char *m, size_t n, const char *lit)
{
        size_t l = strlen(lit);
        return n >= l && !memcmp(m, lit, l);
}

/* The run of decimal digits at p as a pid: at most 10 digits and no
 * leading zero, as the kernel prints them; OG_NONE otherwise (a longer
 * run read by its first digits could name any pid). */
static int64_t pid_at(const char *p, const char *end)
{
        int64_t v = 0;
        const char *s = p;
        for (; p < end && *p >= '0' && *p <= '9'; p++) {
                if (p - s == 10)
                        return OG_NONE;
                v = v * 10 + (*p - '0');
        }
        return p == s || *s == '0' ? OG_NONE : v;
}

/* Backwards over digits ending at end; s is set to their start. */
static const char *digits_back(const char *start, const char *end)
{
        const char *p = end;
        while (p > start && p[-1] >= '0' && p[-1] <= '9')
                p--;
        return p;
}

/* The summary's pid: its tail is always ",pid=N,uid=U", after the comm,
 * whatever the comm or the cgroup names hold. */
static int64_t summary_pid(const char *m, size_t n)
{
        const char *end = m + n, *d = digits_back(m, end);
        if (d == end || d - m < 5 || memcmp(d - 5, ",uid=", 5))
                return OG_NONE;
        const char *pe = d - 5, *pd = digits_back(m, pe);
        if (pd == pe || pd - m < 5 || memcmp(pd - 5, ",pid=", 5))
                return OG_NONE;
        return pid_at(pd, pe);
}

/* "Killed process N (" after a plain prefix such as "Memory cgroup out of
 * memory: " or "Out of memory (oom_kill_allocating_task): " (or none, in
 * older kernels). */
static int64_t killed_pid(const char *m, size_t n)
{
        static const char reaped[] = "oom_reaper: reaped process ";
        static const char killed[] = "Killed process ";
        if (starts(m, n, reaped))
                return pid_at(m + sizeof(reaped) - 1, m + n);
        const char *k = memmem(m, n < 96 ? n : 96, killed, sizeof(killed) - 1);
        if (!k)
                return OG_NONE;
        if (k != m) {
                if (k - m < 3 || k[-2] != ':' || k[-1] != ' ')
                        return OG_NONE;
                for (const char *p = m; p < k - 2; p++)
                        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ()_-",
                                    *p) ||
                            !*p)
                                return OG_NONE;
        }
        return pid_at(k + sizeof(killed) - 1, m + n);
}

enum kcopy_kind kcopy_kind(const char *m, size_t n, int64_t *ret_pid)
{
        static const char inv[] = " invoked oom-killer:";
        *ret_pid = OG_NONE;
        if (starts(m, n, "oom-kill:")) {
                *ret_pid = summary_pid(m, n);
                return KCOPY_SUMMARY;
        }
        /* the comm before it has at most 15 bytes */
        size_t head = sizeof(inv) - 1 + 15;
        if (memmem(m, n < head ? n : head, inv, sizeof(inv) - 1))
                return KCOPY_HEADER;
        int64_t pid = killed_pid(m, n);
        if (pid != OG_NONE) {
                *ret_pid = pid;
                return KCOPY_KILLED;
        }
        return KCOPY_OTHER;
}

static size_t count(const char *m, size_t n, const char *lit)
{
        size_t c = 0, l = strlen(lit);
        for (const char *p = m, *end = m + n; (p = memmem(p, (size_t)(end - p), lit, l)); p += l)
                c++;
        return c;
}

int kcopy_summary_within(const char *m, size_t n, const char *cgroup)
{
        static const char key[] = "task_memcg=";
        if (count(m, n, key) != 1 || count(m, n, "oom_memcg=") > 1)
                return -1;
        const char *end = m + n, *k = memmem(m, n, key, sizeof(key) - 1);
        if (!k)
                return -1;
        const char *v = k + sizeof(key) - 1;
        size_t cl = strlen(cgroup);
        if (cl == 0 || (size_t)(end - v) < cl || memcmp(v, cgroup, cl))
                return 0;
        const char *after = v + cl;
        return cgroup[cl - 1] == '/' || (after < end && *after == '/') ||
               starts(after, (size_t)(end - after), ",task=");
}

static bool victim(const struct kcopy *k, int64_t pid)
{
        for (size_t i = 0; i < KCOPY_VICTIMS; i++)
                if (k->victims[i] == pid)
                        return true;
        return false;
}

static bool pid_is_ours(struct kcopy *k, int64_t pid)
{
        return pid != OG_NONE &&
               (pid == k->init_pid || victim(k, pid) || (k->pid_ours && k->pid_ours(pid, k->ud)));
}

static void hold(struct kcopy *k, const char *line, size_t len)
{
        if (k->held_len + len <= sizeof(k->held)) { /* else the report's first ones are kept */
                memcpy(k->held + k->held_len, line, len);
                k->held_len += len;
        }
}

static void flush(struct kcopy *k, kcopy_emit_fn emit, void *ud)
{
        if (k->held_len)
                emit(k->held, k->held_len, ud);
        k->held_len = 0;
}

/* Some task_memcg= in the text is followed by the cgroup and then '/' or
 * ',': one reading of a summary whose keys repeat names the cgroup. */
static bool spells(const char *m, size_t n, const char *cgroup)
{
        static const char key[] = "task_memcg=";
        size_t cl = strlen(cgroup), kl = sizeof(key) - 1;
        const char *end = m + n, *p = m;
        while (cl > 0 && (p = memmem(p, (size_t)(end - p), key, kl))) {
                p += kl;
                if ((size_t)(end - p) > cl && !memcmp(p, cgroup, cl) &&
                    (p[cl] == '/' || p[cl] == ','))
                        return true;
        }
        return false;
}

static bool summary(struct kcopy *k, const char *m, size_t n, int64_t pid)
{
        int within = kcopy_summary_within(m, n, k->cgroup);
        bool ours = within == 1 || pid_is_ours(k, pid);
        k->report_pid = pid;
        if (!ours) {
                k->state = within == -1 && spells(m, n, k->cgroup) ? KCOPY_MAYBE : KCOPY_FOREIGN;
                k->held_len = 0;
                return false;
        }
        if (pid != OG_NONE && !victim(k, pid)) {
                k->victims[k->next_victim] = pid;
                k->next_victim = (k->next_victim + 1) % KCOPY_VICTIMS;
        }
        k->state = KCOPY_OURS;
        return true;
}

static bool killed(struct kcopy *k, int64_t pid)
{
        /* the victim of another's summary: no need to look it up */
        if (k->state == KCOPY_FOREIGN && pid == k->report_pid && pid != k->init_pid)
                return false;
        bool ours = pid_is_ours(k, pid);
        if (k->state == KCOPY_HOLDING) { /* a report without its summary */
                if (!ours)
                        k->held_len = 0;
                k->state = KCOPY_OUTSIDE;
        } else if (pid == k->report_pid) {
                k->state = KCOPY_OUTSIDE; /* the report ends with its victim's kill */
        }
        return ours;
}

bool kcopy_feed(struct kcopy *k, const char *rec, size_t len, kcopy_emit_fn emit, void *ud)
{
        /* facility 0, the kernel's: userspace writes to /dev/kmsg with 1 or more */
        if (len < 3 || rec[0] < '0' || rec[0] > '7' || rec[1] != ',')
                return false;
        const char *semi = memchr(rec, ';', len < 64 ? len : 64);
        if (!semi)
                return false;
        const char *m = semi + 1, *end = rec + len;
        const char *nl = memchr(m, '\n', (size_t)(end - m));
        size_t mlen = (size_t)((nl ? nl : end) - m);
        size_t line = (size_t)((nl ? nl + 1 : end) - rec); /* the header line only */
        int64_t pid;
        bool ours = false;
        switch (kcopy_kind(m, mlen, &pid)) {
        case KCOPY_HEADER:
                k->state = KCOPY_HOLDING;
                k->held_len = 0;
                k->report_pid = OG_NONE;
                hold(k, rec, line);
                return false;
        case KCOPY_SUMMARY: ours = summary(k, m, mlen, pid); break;
        case KCOPY_KILLED:
                if (k->state == KCOPY_MAYBE && pid == k->report_pid && pid != k->init_pid) {
                        k->state = KCOPY_OUTSIDE;
                        return true; /* a look at the counters, nothing copied */
                }
                ours = killed(k, pid);
                break;
        case KCOPY_OTHER:
                if (!marker_in(m, mlen))
                        return false;
                if (k->state == KCOPY_HOLDING)
                        hold(k, rec, line);
                else if (k->state == KCOPY_OURS)
                        emit(rec, line, ud);
                return false;
        }
        if (!ours)
                return false;
        flush(k, emit, ud);
        emit(rec, line, ud);
        return true;
}

size_t kcopy_cut(const char *s, size_t len, size_t keep)
{
        if (len <= keep)
                return 0;
        /* the next line's start: a report cut in two keeps its later
         * records, its summary and kills among them */
        const char *nl = memchr(s + (len - keep) - 1, '\n', keep + 1);
        return nl ? (size_t)(nl + 1 - s) : len;
}

size_t kcopy_lost_line(char *buf, size_t cap, int64_t after)
{
        int n = snprintf(buf, cap, KCOPY_LOST "%" PRId64 "\n", after < 0 ? 0 : after);
        return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

bool kcopy_lost_parse(const char *line, size_t len, int64_t *ret_after)
{
        size_t p = sizeof(KCOPY_LOST) - 1, start = p;
        int64_t v = 0;
        if (len <= p || memcmp(line, KCOPY_LOST, p) != 0)
                return false;
        for (; p < len && line[p] >= '0' && line[p] <= '9' && v < INT64_MAX / 10; p++)
                v = v * 10 + (line[p] - '0');
        if (p == start)
                return false;
        *ret_after = v;
        return true;
}

int64_t kcopy_lost_before(const char *buf, size_t len)
{
        const char *nl = memchr(buf, '\n', len);
        size_t n = nl ? (size_t)(nl - buf) : len;
        int64_t after;
        struct kmsg_header h;
        if (kcopy_lost_parse(buf, n, &after))
                return after;
        if (kmsg_header_parse(buf, n, &h) && h.seq > 0)
                return h.seq - 1;
        return 0;
}
