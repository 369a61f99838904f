/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "oommsg.h"

#include "marker.h"
#include "scan.h"
#include "util.h"

#include <string.h>

#define STARTS(m, n, lit) og_startswith(m, n, lit)

static struct span span_of(const char *b, const char *e)
{
        return (struct span){b, (size_t)(e - b)};
}

struct span om_trim_value(struct span v)
{
        for (;;) {
                size_t n0 = v.n;
                v.n = scan_rtrim(v.p, v.n);
                if (v.n >= 3 && memcmp(v.p + v.n - 3, "...", 3) == 0)
                        v.n -= 3;
                else if (v.n >= 3 && memcmp(v.p + v.n - 3, "\xe2\x80\xa6", 3) == 0)
                        v.n -= 3; /* U+2026, journalctl's ellipsis */
                else if (v.n >= 1 && v.p[v.n - 1] == '>')
                        v.n -= 1; /* less -S marks a cut line with '>' */
                if (v.n == n0)
                        return v;
        }
}

/* Integer right after the first occurrence of key; OG_NONE if absent. */
static int64_t int_after(const char *m, size_t n, const char *key)
{
        struct scan s = scan_make(m, n);
        const char *k = scan_find(&s, key);
        if (!k)
                return OG_NONE;
        s.p = k + strlen(key);
        scan_skip_spaces(&s);
        int64_t v;
        return scan_i64(&s, &v) ? v : OG_NONE;
}

/* A size in kB after key: "26184840kB", "26,184,840kB" (thousands
 * separators added by whoever pasted it). A number that runs to the end of
 * the text was cut mid-digit: OG_NONE, never a wrong value. */
static int64_t kb_after(const char *m, size_t n, const char *key)
{
        struct scan s = scan_make(m, n);
        const char *k = scan_find(&s, key);
        if (!k)
                return OG_NONE;
        s.p = k + strlen(key);
        int64_t v = 0;
        size_t d = scan_digits(&s), total = 0;
        if (d == 0)
                return OG_NONE;
        for (;;) {
                for (size_t i = 0; i < d; i++, total++) {
                        if (v > (INT64_MAX - 9) / 10)
                                return OG_NONE;
                        v = v * 10 + (s.p[i] - '0');
                }
                s.p += d;
                struct scan t = s;
                if (total > 3 * 6 || !scan_char(&t, ',') || scan_digits(&t) != 3 ||
                    (t.p + 3 < t.end && scan_is_digit(t.p[3])))
                        break;
                s = t;
                d = 3;
        }
        if (s.p >= s.end)
                return OG_NONE; /* cut: the unit and maybe digits are gone */
        return v;
}

/* Pids are never negative; a sign means the text is not what it seems. */
static int64_t pid_or_none(int64_t v)
{
        return v < 0 ? OG_NONE : v;
}

static bool is_stat_line(const char *m, size_t n)
{
        size_t i = 0;
        while (i < n && ((m[i] >= 'a' && m[i] <= 'z') || m[i] == '_' || scan_is_digit(m[i])))
                i++;
        if (i == 0 || i >= n || m[i] != ' ' || scan_is_digit(m[0]))
                return false;
        i++;
        if (i < n && m[i] == '-')
                i++;
        size_t d = i;
        while (i < n && scan_is_digit(m[i]))
                i++;
        return i > d && scan_rtrim(m + i, n - i) == 0;
}

#define COMM_MAX 15 /* TASK_COMM_LEN - 1: the longest name before a header */

/* "<word> N" at q: the word ends there and a pid follows. A pasted line
 * cut right after the word counts too, unless strict. "Killed process9"
 * is a 15-byte process name, not this. */
static bool process_word(const char *q, const char *end, const char *word, bool strict)
{
        size_t wn = strlen(word);
        if ((size_t)(end - q) < wn || memcmp(q, word, wn) != 0)
                return false;
        q += wn;
        if (q == end)
                return !strict;
        if (*q != ' ')
                return false;
        while (q < end && *q == ' ')
                q++;
        if (!strict && q + 1 < end && *q == '-') /* a garbled pid: no pid */
                q++;
        return q < end ? scan_is_digit(*q) : !strict;
}

/* First "<word> N" in [m, m + n), or NULL. */
static const char *find_process(const char *m, size_t n, const char *word)
{
        const char *end = m + n;
        for (const char *q = m; q < end;) {
                const char *f = memmem(q, (size_t)(end - q), word, strlen(word));
                if (!f || process_word(f, end, word, false))
                        return f;
                q = f + 1;
        }
        return NULL;
}

/* The kernel's "<message>: " before Kill(ed) process, or NULL. */
static const char *after_oom_message(const char *m, size_t n)
{
        static const char *const msgs[] = {
                "Memory cgroup out of memory: ",
                "Out of memory: ",
                "Out of memory (oom_kill_allocating_task): ",
        };
        for (size_t i = 0; i < ARRAY_SIZE(msgs); i++)
                if (STARTS(m, n, msgs[i]))
                        return m + strlen(msgs[i]);
        return NULL;
}

/* From the kernel's own log: "[<message>: ]Killed process N" or
 * "<message>: Kill process N", nothing else before them. */
static enum om_kind classify_victim_strict(const char *m, size_t n)
{
        const char *end = m + n, *q = after_oom_message(m, n);
        if (process_word(q ? q : m, end, "Killed process", true))
                return OM_KILLED;
        if (process_word(q ? q : m, end, "Kill process", true))
                return OM_SACRIFICE;
        return OM_NONE;
}

static enum om_kind classify_upper(const char *m, size_t n)
{
        switch (m[0]) {
        case 'K':
                if (process_word(m, m + n, "Killed process", false))
                        return OM_KILLED;
                if (process_word(m, m + n, "Kill process", false))
                        return OM_SACRIFICE;
                break;
        case 'M':
                if (STARTS(m, n, "Memory cgroup out of memory"))
                        return find_process(m, n, "Killed process") ? OM_KILLED : OM_SACRIFICE;
                if (STARTS(m, n, "Memory cgroup stats for"))
                        return OM_STATS;
                break;
        case 'O':
                if (!STARTS(m, n, "Out of memory"))
                        break;
                if (STARTS(m, n, "Out of memory and no killable"))
                        return OM_NO_VICTIM;
                if (find_process(m, n, "Killed process"))
                        return OM_KILLED;
                if (memmem(m, n, "Kill process", 12))
                        return OM_SACRIFICE;
                break;
        case 'T':
                if (STARTS(m, n, "Task in "))
                        return OM_TASK_IN;
                if (STARTS(m, n, "Tasks state"))
                        return OM_TASKS_STATE;
                if (STARTS(m, n, "Tasks in ") && memmem(m, n, "memory.oom.group", 16))
                        return OM_GROUP;
                break;
        case 'C':
                if (STARTS(m, n, "CPU: "))
                        return OM_CPU;
                break;
        case 'P':
                if (STARTS(m, n, "Pid: "))
                        return OM_CPU;
                break;
        }
        return OM_NONE;
}

static enum om_kind classify_lower(const char *m, size_t n)
{
        switch (m[0]) {
        case 'o':
                if (STARTS(m, n, "oom-kill:"))
                        return OM_SUMMARY;
                if (STARTS(m, n, "oom_reaper: reaped process"))
                        return OM_REAPED;
                break;
        case 'm':
                if (STARTS(m, n, "memory: usage"))
                        return OM_MEMORY;
                if (STARTS(m, n, "memory+swap: usage"))
                        return OM_MEMSW;
                break;
        case 's':
                if (STARTS(m, n, "swap: usage"))
                        return OM_SWAP;
                break;
        case 'k':
                if (STARTS(m, n, "kmem: usage"))
                        return OM_KMEM;
                break;
        case '[': {
                struct scan s = scan_make(m + 1, n - 1);
                scan_skip_spaces(&s);
                if (scan_lit(&s, "pid"))
                        return OM_TABLE_HDR;
                size_t d = scan_digits(&s);
                if (d > 0 && d < scan_left(&s) && s.p[d] == ']')
                        return OM_TABLE_ROW;
                break;
        }
        }
        return OM_NONE;
}

/* " invoked oom-killer:" right after a process name: the header, whatever
 * the name spells ("Killed process9 invoked oom-killer: ..."). */
static bool invoked_header(const char *m, size_t n)
{
        const char *k = memmem(m, n < COMM_MAX + 20 ? n : COMM_MAX + 20,
                               " invoked oom-killer:", 20);
        return k && k - m <= COMM_MAX;
}

enum om_kind om_classify(const char *m, size_t n, bool want_cpuset, bool want_stat)
{
        if (n == 0)
                return OM_NONE;
        if (invoked_header(m, n))
                return OM_INVOKED;
        enum om_kind k = (m[0] >= 'A' && m[0] <= 'Z') ? classify_upper(m, n)
                                                      : classify_lower(m, n);
        if (k != OM_NONE)
                return k;
        if (want_stat && is_stat_line(m, n))
                return OM_STAT;
        if (memmem(m, n, " invoked oom-killer:", 20))
                return OM_INVOKED;
        if (want_cpuset && memmem(m, n, " cpuset=", 8) && memmem(m, n, " mems_allowed=", 14))
                return OM_CPUSET;
        return OM_NONE;
}

/* "<usage> N kB": the counter lines' fixed start */
static bool counter_form(const char *m, size_t n)
{
        const char *u = memmem(m, n < 24 ? n : 24, "usage ", 6);
        struct scan s = scan_make(u ? u + 6 : m, u ? (size_t)(m + n - u - 6) : 0);
        size_t d = scan_digits(&s);
        s.p += d;
        return u && d > 0 && scan_lit(&s, "kB");
}

enum om_kind om_classify_kmsg(const char *m, size_t n, bool want_cpuset, bool want_stat)
{
        static const char group_tail[] = " are going to be killed due to memory.oom.group set";
        if (n == 0)
                return OM_NONE;
        if (invoked_header(m, n))
                return OM_INVOKED;
        enum om_kind k = (m[0] >= 'A' && m[0] <= 'Z') ? classify_upper(m, n)
                                                      : classify_lower(m, n);
        switch (k) {
        case OM_KILLED:
        case OM_SACRIFICE: return classify_victim_strict(m, n);
        case OM_REAPED: return process_word(m + 12, m + n, "reaped process", true) ? k : OM_NONE;
        case OM_GROUP: {
                size_t tn = sizeof(group_tail) - 1;
                return STARTS(m, n, "Tasks in /") && n > tn &&
                                       memcmp(m + n - tn, group_tail, tn) == 0
                               ? k
                               : OM_NONE;
        }
        case OM_MEMORY:
        case OM_MEMSW:
        case OM_SWAP:
        case OM_KMEM: return counter_form(m, n) ? k : OM_NONE;
        case OM_NONE: break;
        default: return k;
        }
        if (want_stat && is_stat_line(m, n))
                return OM_STAT;
        const char *c = want_cpuset
                                ? memmem(m, n < COMM_MAX + 8 ? n : COMM_MAX + 8, " cpuset=", 8)
                                : NULL;
        if (c && c - m <= COMM_MAX && memmem(m, n, " mems_allowed=", 14))
                return OM_CPUSET;
        return OM_NONE;
}

/* Value of "key=" running to the next ',' (or the end). */
static struct span comma_value(const char *m, size_t n, const char *key)
{
        struct scan s = scan_make(m, n);
        const char *k = scan_find(&s, key);
        if (!k)
                return (struct span){NULL, 0};
        const char *b = k + strlen(key);
        const char *e = memchr(b, ',', (size_t)(m + n - b));
        return om_trim_value(span_of(b, e ? e : m + n));
}

bool om_parse_invoked(const char *m, size_t n, struct om_invoked *ret)
{
        memset(ret, 0, sizeof(*ret));
        const char *k = memmem(m, n, " invoked oom-killer:", 20);
        if (!k)
                return false;
        ret->comm = span_of(m, k);
        const char *rest = k + 20;
        size_t rn = (size_t)(m + n - rest);
        ret->gfp_mask = comma_value(rest, rn, "gfp_mask=");
        ret->order = int_after(rest, rn, "order=");
        ret->oom_score_adj = int_after(rest, rn, "oom_score_adj=");
        return true;
}

/* comm in "Comm: X Tainted: ..." / "comm: X Not tainted ..." may hold blanks */
static struct span comm_until_taint(const char *b, const char *end)
{
        static const char *const stops[] = {" Not tainted", " Tainted:", " Kdump:", " ("};
        const char *e = end;
        for (size_t i = 0; i < ARRAY_SIZE(stops); i++) {
                const char *q = memmem(b, (size_t)(end - b), stops[i], strlen(stops[i]));
                if (q && q < e)
                        e = q;
        }
        return om_trim_value(span_of(b, e));
}

bool om_parse_cpu(const char *m, size_t n, struct om_cpu *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->pid = OG_NONE;
        struct scan s = scan_make(m, n);
        const char *c;
        if (STARTS(m, n, "Pid: ")) { /* 3.2: "Pid: 9247, comm: apache2 ..." */
                ret->pid = int_after(m, n, "Pid: ");
                c = scan_find(&s, ", comm: ");
                if (c)
                        ret->comm = comm_until_taint(c + 8, m + n);
                return ret->pid != OG_NONE;
        }
        ret->pid = pid_or_none(int_after(m, n, " PID: "));
        c = scan_find(&s, " Comm: ");
        if (c)
                ret->comm = comm_until_taint(c + 7, m + n);
        return ret->pid != OG_NONE && c;
}

bool om_parse_cpuset(const char *m, size_t n, struct om_cpuset *ret)
{
        memset(ret, 0, sizeof(*ret));
        const char *c = memmem(m, n, " cpuset=", 8);
        if (!c)
                return false;
        ret->comm = span_of(m, c);
        const char *b = c + 8;
        const char *e = memmem(b, (size_t)(m + n - b), " mems_allowed=", 14);
        ret->cpuset = om_trim_value(span_of(b, e ? e : m + n));
        return true;
}

bool om_parse_counter(const char *m, size_t n, struct om_counter *ret)
{
        ret->usage_kb = kb_after(m, n, "usage ");
        ret->limit_kb = kb_after(m, n, "limit ");
        ret->failcnt = int_after(m, n, "failcnt ");
        return ret->usage_kb != OG_NONE;
}

bool om_parse_stats(const char *m, size_t n, struct om_stats *ret)
{
        memset(ret, 0, sizeof(*ret));
        if (!STARTS(m, n, "Memory cgroup stats for"))
                return false;
        struct scan s = scan_make(m + 23, n - 23);
        scan_skip_spaces(&s);
        const char *sep = scan_find(&s, ": ");
        if (sep && scan_rtrim(sep + 2, (size_t)(s.end - sep - 2)) > 0) {
                ret->path = span_of(s.p, sep);
                ret->inline_kv = span_of(sep + 2, s.end);
                ret->single_line = true;
                return true;
        }
        struct span p = om_trim_value(span_of(s.p, s.end));
        if (p.n > 0 && p.p[p.n - 1] == ':')
                p.n--;
        ret->path = om_trim_value(p);
        return true;
}

bool om_next_inline_stat(struct span *rest, struct om_stat *ret)
{
        struct scan s = scan_make(rest->p, rest->n);
        for (;;) {
                scan_skip_spaces(&s);
                if (s.p >= s.end)
                        return false;
                const char *b = s.p;
                while (s.p < s.end && !scan_is_space(*s.p) && *s.p != ':')
                        s.p++;
                const char *e = s.p;
                bool ok = scan_char(&s, ':') && scan_i64(&s, &ret->value);
                while (s.p < s.end && !scan_is_space(*s.p))
                        s.p++; /* the "KB" unit, or garbage */
                rest->p = s.p;
                rest->n = scan_left(&s);
                if (ok && e > b) {
                        ret->key = span_of(b, e);
                        return true;
                }
        }
}

bool om_parse_stat(const char *m, size_t n, struct om_stat *ret)
{
        if (!is_stat_line(m, n))
                return false;
        const char *sp = memchr(m, ' ', n);
        ret->key = span_of(m, sp);
        struct scan s = scan_make(sp + 1, (size_t)(m + n - sp - 1));
        return scan_i64(&s, &ret->value);
}

static enum om_origin origin_of(const char *m, const char *k)
{
        size_t n = (size_t)(k - m);
        if (memmem(m, n, "Memory cgroup", 13))
                return OM_ORIGIN_MEMCG;
        if (memmem(m, n, "Out of memory", 13))
                return OM_ORIGIN_GLOBAL;
        return OM_ORIGIN_UNKNOWN;
}

/* "(comm)<stop>" where comm may hold blanks, brackets or parentheses. */
static void paren_comm(struct scan *s, const char *const *stops, size_t nstops, struct span *comm)
{
        scan_skip_spaces(s);
        if (!scan_char(s, '('))
                return;
        const char *e = NULL;
        for (size_t i = 0; i < nstops && !e; i++)
                e = scan_find(s, stops[i]);
        if (!e)
                e = scan_rfind(s, ")");
        *comm = span_of(s->p, e ? e : s->end);
        if (!e)
                *comm = om_trim_value(*comm);
        s->p = e ? e : s->end;
}

/* "N (comm)<stop>" */
static bool pid_and_comm(struct scan *s, const char *const *stops, size_t nstops, int64_t *pid,
                         struct span *comm)
{
        scan_skip_spaces(s);
        if (!scan_i64(s, pid))
                return false;
        *pid = pid_or_none(*pid);
        paren_comm(s, stops, nstops, comm);
        return true;
}

bool om_parse_sacrifice(const char *m, size_t n, enum om_origin *origin, int64_t *pid,
                        struct span *comm)
{
        static const char *const stops[] = {") score "};
        const char *k = find_process(m, n, "Kill process");
        *pid = OG_NONE;
        *comm = (struct span){NULL, 0};
        if (!k)
                return false;
        *origin = origin_of(m, k);
        struct scan s = scan_make(k + 12, (size_t)(m + n - k - 12));
        pid_and_comm(&s, stops, ARRAY_SIZE(stops), pid, comm);
        return true;
}

bool om_parse_killed(const char *m, size_t n, struct om_killed *ret)
{
        static const char *const stops[] = {") total-vm:", "), UID", ") vsz:"};
        const char *k = find_process(m, n, "Killed process");
        memset(ret, 0, sizeof(*ret));
        ret->pid = ret->uid = ret->total_vm_kb = ret->anon_rss_kb = OG_NONE;
        ret->file_rss_kb = ret->shmem_rss_kb = ret->oom_score_adj = OG_NONE;
        if (!k)
                return false;
        ret->origin = origin_of(m, k);
        struct scan s = scan_make(k + 14, (size_t)(m + n - k - 14));
        struct scan r6 = s; /* RHEL 6: "Killed process N, UID u, (comm) ..." */
        int64_t pid, uid;
        scan_skip_spaces(&r6);
        if (scan_i64(&r6, &pid) && scan_lit(&r6, ", UID ") && scan_i64(&r6, &uid) &&
            scan_char(&r6, ',')) {
                ret->pid = pid_or_none(pid);
                ret->uid = uid;
                paren_comm(&r6, stops, ARRAY_SIZE(stops), &ret->comm);
                s = r6;
        } else {
                pid_and_comm(&s, stops, ARRAY_SIZE(stops), &ret->pid, &ret->comm);
        }
        const char *r = s.p;
        size_t rn = scan_left(&s);
        ret->total_vm_kb = kb_after(r, rn, "total-vm:");
        if (ret->total_vm_kb == OG_NONE)
                ret->total_vm_kb = kb_after(r, rn, "vsz:");
        ret->anon_rss_kb = kb_after(r, rn, "anon-rss:");
        ret->file_rss_kb = kb_after(r, rn, "file-rss:");
        ret->shmem_rss_kb = kb_after(r, rn, "shmem-rss:");
        if (ret->uid == OG_NONE)
                ret->uid = int_after(r, rn, "UID:");
        if (ret->uid == OG_NONE)
                ret->uid = int_after(r, rn, "UID ");
        ret->oom_score_adj = int_after(r, rn, "oom_score_adj:");
        return true;
}

bool om_parse_group(const char *m, size_t n, struct om_group *ret)
{
        static const char tail[] = " are going to be killed";
        if (!STARTS(m, n, "Tasks in "))
                return false;
        const char *e = memmem(m, n, tail, sizeof(tail) - 1);
        ret->memcg = om_trim_value(span_of(m + 9, e ? e : m + n));
        return true;
}

bool om_parse_reaped(const char *m, size_t n, int64_t *pid, struct span *comm)
{
        static const char *const stops[] = {"), now "};
        static const char lit[] = "oom_reaper: reaped process";
        *pid = OG_NONE;
        *comm = (struct span){NULL, 0};
        if (!STARTS(m, n, lit))
                return false;
        struct scan s = scan_make(m + sizeof(lit) - 1, n - (sizeof(lit) - 1));
        return pid_and_comm(&s, stops, ARRAY_SIZE(stops), pid, comm);
}

void om_parse_table_header(const char *m, size_t n, struct om_table_layout *ret)
{
        static const char *const names[OM_COL_MAX] = {"uid",       "tgid",         "total_vm",
                                                      "rss",       "rss_anon",     "rss_file",
                                                      "rss_shmem", "oom_score_adj"};
        memset(ret->col, -1, sizeof(ret->col));
        ret->ncols = 0;
        const char *close = memchr(m, ']', n);
        if (!close)
                return;
        struct scan s = scan_make(close + 1, (size_t)(m + n - close - 1));
        for (int idx = 0; idx < OM_TABLE_MAX_COLS; idx++) {
                scan_skip_spaces(&s);
                const char *b = s.p;
                while (s.p < s.end && !scan_is_space(*s.p))
                        s.p++;
                size_t len = (size_t)(s.p - b);
                if (len == 0 || (len == 4 && memcmp(b, "name", 4) == 0))
                        break;
                for (int c = 0; c < OM_COL_MAX; c++)
                        if (strlen(names[c]) == len && memcmp(names[c], b, len) == 0)
                                ret->col[c] = (int8_t)idx;
                ret->ncols = idx + 1;
        }
}

/* Numbers of a row; the name is whatever follows the last number. */
static int row_numbers(struct scan *s, int64_t *v, int max)
{
        int k = 0;
        while (k < max) {
                struct scan t = *s;
                if (!scan_skip_spaces(&t) || !scan_i64(&t, &v[k]))
                        break;
                if (t.p < t.end && !scan_is_space(*t.p))
                        break; /* a name that starts with digits */
                *s = t;
                k++;
        }
        return k;
}

bool om_parse_table_row(const char *m, size_t n, const struct om_table_layout *layout,
                        struct om_row *ret)
{
        int64_t v[OM_TABLE_MAX_COLS];
        struct scan s = scan_make(m, n);
        for (int c = 0; c < OM_COL_MAX; c++)
                ret->v[c] = OG_NONE;
        ret->name = (struct span){NULL, 0};
        if (!scan_char(&s, '['))
                return false;
        scan_skip_spaces(&s);
        if (!scan_i64(&s, &ret->pid) || !scan_char(&s, ']'))
                return false;
        int k = row_numbers(&s, v, OM_TABLE_MAX_COLS);
        scan_skip_spaces(&s);
        ret->name = om_trim_value(span_of(s.p, s.end));
        if (layout && layout->ncols > 0) {
                for (int c = 0; c < OM_COL_MAX; c++)
                        if (layout->col[c] >= 0 && layout->col[c] < k)
                                ret->v[c] = v[layout->col[c]];
                return true;
        }
        /* No header seen: every layout since 3.x starts uid tgid total_vm
         * rss and ends oom_score_adj name. */
        for (int c = 0; c <= OM_COL_RSS && c < k; c++)
                ret->v[c] = v[c];
        if (k >= 5 && ret->name.n > 0)
                ret->v[OM_COL_ADJ] = v[k - 1];
        return true;
}

const char *om_find_anchor(const char *m, size_t n)
{
        static const char *const anchors[] = {
                "oom-kill:constraint=",
                "Memory cgroup out of memory",
                "Out of memory",
                "Killed process ",
                "Task in /",
                "Tasks in /",
                "oom_reaper: reaped",
                "Memory cgroup stats for",
                "memory: usage ",
                "memory+swap: usage ",
        };
        if (!marker_in(m, n)) /* every anchor holds a marker */
                return NULL;
        const char *best = NULL;
        for (size_t i = 0; i < ARRAY_SIZE(anchors); i++) {
                const char *q = memmem(m, n, anchors[i], strlen(anchors[i]));
                if (q && (!best || q < best) &&
                    (q == m || !(scan_is_alpha(q[-1]) || scan_is_digit(q[-1]))))
                        best = q;
        }
        const char *inv = memmem(m, n, " invoked oom-killer:", 20);
        if (inv && (!best || inv < best)) {
                const char *b = inv;
                while (b > m && !scan_is_space(b[-1]) && b[-1] != '"' && b[-1] != '\t')
                        b--;
                best = b;
        }
        return best;
}
