/* SPDX-License-Identifier: MIT */
/* Physical lines -> kernel messages: drops what other programs wrote, joins
 * lines that copy-paste, mail and terminals wrapped, splits the /dev/kmsg
 * records that hold a multi-line dump.
 *
 * Two modes. A pasted log (dmesg, journalctl, a ticket) may wrap a kernel
 * message in anything: an OOM message is looked for anywhere in a line.
 * The kernel's own log (/dev/kmsg records, live or saved) is strict: a
 * message is the kernel's OOM message only from its start, because kernel
 * messages quote text others choose (an audit record's exe="...", process
 * and file names) and that text can spell any OOM message. */
#define _GNU_SOURCE
#include "oomlog-int.h"

#include "logline.h"
#include "marker.h"
#include "scan.h"
#include "unwrap.h"

#include <errno.h>
#include <string.h>

#define TS_MAX 80

struct oomlog *oomlog_new(void)
{
        struct oomlog *p = calloc(1, sizeof(*p));
        if (!p)
                return NULL;
        p->last_stamp = (struct when){.mono = -1, .wall = -1, .ts = NULL, .ts_len = 0};
        p->pending = malloc(OOMLOG_MAX_MSG + TS_MAX + 1);
        p->scratch = malloc(OOMLOG_MAX_MSG + 1);
        p->unwrapped[0] = malloc(OOMLOG_MAX_MSG);
        p->unwrapped[1] = malloc(OOMLOG_MAX_MSG);
        p->rec.mono = -1;
        uk_log_init(&p->uk);
        if (!p->pending || !p->scratch || !p->unwrapped[0] || !p->unwrapped[1]) {
                oomlog_free(p);
                return NULL;
        }
        return p;
}

void oomlog_free(struct oomlog *p)
{
        if (!p)
                return;
        for (size_t i = 0; i < p->n_evs; i++)
                oomev_free(p->evs[i]);
        free(p->evs);
        for (size_t i = 0; i < p->n_kills; i++)
                oom_kill_clear(&p->kills[i].k);
        free(p->kills);
        free(p->pending_cpu.comm);
        free(p->pending);
        free(p->scratch);
        free(p->unwrapped[0]);
        free(p->unwrapped[1]);
        uk_log_free(&p->uk);
        free(p);
}

/* The timestamp text lives after the message area of the pending buffer. */
static char *ts_slot(struct oomlog *p)
{
        return p->pending + OOMLOG_MAX_MSG + 1;
}

static void flush_pending(struct oomlog *p)
{
        if (!p->pending_active)
                return;
        p->pending_active = false;
        p->pending[p->pending_len] = '\0';
        oomev_handle(p, p->pending, p->pending_len, &p->pending_when, p->pending_strict);
}

/* A message that holds a marker may continue on the next lines: stay awake
 * for them even if the log around it is quiet. */
static void keep_awake(struct oomlog *p, const char *m, size_t n)
{
        if (p->quiet >= IDLE_QUIET - 3 && marker_in(m, n))
                p->quiet = IDLE_QUIET - 3;
}

static void start_pending(struct oomlog *p, const char *m, size_t n, const struct when *w,
                          bool strict)
{
        flush_pending(p);
        p->pending_strict = strict;
        if (n > OOMLOG_MAX_MSG)
                n = OOMLOG_MAX_MSG;
        memcpy(p->pending, m, n);
        p->pending_len = n;
        p->pending_active = true;
        keep_awake(p, m, n);
        p->pending_when = *w;
        size_t tn = w->ts_len < TS_MAX - 1 ? w->ts_len : TS_MAX - 1;
        if (w->ts)
                memcpy(ts_slot(p), w->ts, tn);
        p->pending_when.ts = w->ts ? ts_slot(p) : NULL;
        p->pending_when.ts_len = w->ts ? tn : 0;
}

static void append_pending(struct oomlog *p, const char *m, size_t n)
{
        size_t room = OOMLOG_MAX_MSG - p->pending_len;
        if (n > room)
                n = room;
        memcpy(p->pending + p->pending_len, m, n);
        p->pending_len += n;
}

/* A bare line that is a message of its own, not the tail of a wrapped one. */
static bool starts_message(const char *m, size_t n)
{
        static const char *const starts[] = {
                "Call Trace", "Hardware name", "Mem-Info",       "RIP:",         "Code:",
                "RSP:",       "RAX:",          "RDX:",           "RBP:",         "R10:",
                "R13:",       "<TASK>",        "</TASK>",        "<IRQ>",        "</IRQ>",
                "[<",         "Node ",         "lowmem_reserve", "Free swap",    "Total swap",
                "Swap cache", "Workqueue:",    "Kernel panic",   "active_anon:", "Unreclaimable",
                "pagecache",  "oom-kill",      "Out of memory",  "Killed",       "Memory cgroup",
        };
        if (n == 0 || om_classify(m, n, true, true) != OM_NONE)
                return true;
        for (size_t i = 0; i < ARRAY_SIZE(starts); i++)
                if (og_startswith(m, n, starts[i]))
                        return true;
        return false;
}

/* The pending message is visibly cut and wants the next line. */
static bool pending_incomplete(const struct oomlog *p)
{
        if (!p->pending_active)
                return false;
        size_t n = scan_rtrim(p->pending, p->pending_len);
        if (n >= 9 && memcmp(p->pending + n - 9, "stats for", 9) == 0)
                return true;
        enum om_kind k = om_classify(p->pending, p->pending_len, false, false);
        if (k != OM_SUMMARY && k != OM_KILLED)
                return false;
        char last = p->pending[p->pending_len - 1];
        return last == ',' || last == ' ';
}

/* After a "Memory cgroup stats for X:" header (the record pending, or the
 * first line of this one), kernels before 6.4 print cgroup v2's
 * memory.stat dump as one record of "key value" lines. Only such a record
 * is split: any other record may quote a newline someone else chose (a
 * file, process or cgroup name). */
static bool stats_dump(const struct oomlog *p, const char *d, size_t n)
{
        const char *first = memchr(d, '\n', n);
        if (first && om_classify_kmsg(d, (size_t)(first - d), false, false) == OM_STATS) {
                n -= (size_t)(first + 1 - d);
                d = first + 1;
        } else if (!p->pending_active || !p->pending_strict ||
                   om_classify_kmsg(p->pending, p->pending_len, false, false) != OM_STATS) {
                return false;
        }
        for (const char *s = d, *end = d + n; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                if (e > s && om_classify_kmsg(s, (size_t)(e - s), false, true) != OM_STAT)
                        return false;
                s = nl ? nl + 1 : end;
        }
        return true;
}

/* /dev/kmsg escapes newlines, control bytes and backslashes as \xNN. */
static void feed_kmsg_escaped(struct oomlog *p, const char *m, size_t n, const struct when *w)
{
        size_t o = 0;
        for (size_t i = 0; i < n && o < OOMLOG_MAX_MSG; i++) {
                int hi, lo;
                if (m[i] == '\\' && i + 3 < n && m[i + 1] == 'x' &&
                    (hi = scan_hexval(m[i + 2])) >= 0 && (lo = scan_hexval(m[i + 3])) >= 0) {
                        p->scratch[o++] = (char)(hi * 16 + lo);
                        i += 3;
                } else {
                        p->scratch[o++] = m[i];
                }
        }
        const char *s = p->scratch, *end = p->scratch + o;
        if (!stats_dump(p, s, o)) {
                start_pending(p, s, o, w, true);
                return;
        }
        while (s <= end) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                if (e > s || !nl)
                        start_pending(p, s, (size_t)(e - s), w, true);
                if (!nl)
                        break;
                s = nl + 1;
        }
}

/* "...", "[...]", "…": where whoever pasted the log cut lines out. */
static bool is_elision(const char *m, size_t n)
{
        n = scan_rtrim(m, n);
        return (n == 3 && memcmp(m, "...", 3) == 0) || (n == 5 && memcmp(m, "[...]", 5) == 0) ||
               (n == 3 && memcmp(m, "\xe2\x80\xa6", 3) == 0);
}

static void feed_bare(struct oomlog *p, const struct logline *ll, const struct when *w)
{
        const char *m = ll->msg;
        size_t n = ll->msg_len;
        if ((n == 0 && !ll->indented) || is_elision(m, n)) { /* ends a wrap */
                flush_pending(p);
                p->join_ok = false;
                return;
        }
        if (p->pending_active && !ll->indented && (p->join_ok || pending_incomplete(p)) &&
            !starts_message(m, n) && !om_find_anchor(m, n)) {
                append_pending(p, m, n);
                return;
        }
        if (!ll->indented && om_classify(m, n, false, false) == OM_NONE) {
                const char *a = om_find_anchor(m, n); /* unknown wrapper */
                if (a) {
                        n -= (size_t)(a - m);
                        m = a;
                }
        }
        start_pending(p, m, n, w, false);
}

/* A kernel line: its message. In a pasted log, also an OOM message after
 * an unknown extra prefix ("[ts] <host> msg"); never in the kernel's own
 * log, whose records are nothing but the message. */
static void start_kernel(struct oomlog *p, const struct logline *ll, const struct when *w)
{
        const char *m = ll->msg;
        size_t n = ll->msg_len;
        if (!ll->kmsg && n > 0 && !scan_is_space(*m) &&
            om_classify(m, n, false, false) == OM_NONE) {
                const char *a = om_find_anchor(m, n);
                if (a) {
                        n -= (size_t)(a - m);
                        m = a;
                }
        }
        start_pending(p, m, n, w, ll->kmsg);
}

/* What a wrapper around the line says about the message in it. */
struct hint {
        enum unwrap_source source;
        double mono, wall;
        const char *ident; /* the record's SYSLOG_IDENTIFIER, or NULL */
};

static void feed_one(struct oomlog *p, const char *line, size_t len, int depth,
                     const struct hint *h);

/* Cheap test before unwrap_line: could the line be a wrapper's? */
static bool maybe_wrapped(const char *l, size_t n)
{
        size_t i = 0;
        while (i < n && (l[i] == ' ' || l[i] == '\t'))
                i++;
        if (i >= n)
                return false;
        char c = l[i];
        return c == '{' || c == '}' || c == '"' || c == '\'' || c == ']' ||
               (c == '[' && i + 1 < n && (l[i + 1] == '{' || l[i + 1] == '"')) ||
               ((c == '_' || (c >= 'A' && c <= 'Z')) && memchr(l + i, '=', n - i));
}

/* A JSON record, a journal field or a string literal: feed the message in
 * it, one kernel line per decoded newline. */
static bool feed_unwrapped(struct oomlog *p, const char *line, size_t len, int depth)
{
        if (depth >= 2 || !maybe_wrapped(line, len))
                return false;
        struct unwrap u;
        char *out = p->unwrapped[depth];
        unwrap_line(line, len, out, OOMLOG_MAX_MSG, &u);
        if (u.kind == UNWRAP_NONE)
                return false;
        if (u.source != UNWRAP_SRC_UNKNOWN)
                p->rec.source = (int)u.source;
        if (u.ident) {
                size_t n = u.ident_len < sizeof(p->rec.ident) - 1 ? u.ident_len
                                                                  : sizeof(p->rec.ident) - 1;
                memcpy(p->rec.ident, u.ident, n);
                p->rec.ident[n] = '\0';
        }
        if (u.mono >= 0)
                p->rec.mono = u.mono;
        if (u.kind == UNWRAP_SKIP) {
                if (u.wall >= 0 && u.mono < 0)
                        p->last_stamp = (struct when){.mono = -1, .wall = u.wall};
                return true;
        }
        char ident[sizeof(p->rec.ident)];
        memcpy(ident, p->rec.ident, sizeof(ident));
        struct hint h = {.source = (enum unwrap_source)p->rec.source,
                         .mono = p->rec.mono,
                         .wall = u.wall,
                         .ident = ident[0] ? ident : NULL};
        p->rec.source = UNWRAP_SRC_UNKNOWN;
        p->rec.mono = -1;
        p->rec.ident[0] = '\0';
        const char *s = out, *end = out + u.out_len;
        while (s < end) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                feed_one(p, s, (size_t)(e - s), depth + 1, &h);
                s = nl ? nl + 1 : end;
        }
        return true;
}

int oomlog_feed_line(struct oomlog *p, const char *line, size_t len)
{
        static const struct hint none = {
                .source = UNWRAP_SRC_UNKNOWN, .mono = -1, .wall = -1, .ident = NULL};
        if (p->error)
                return p->error;
        p->stats.lines++;
        if (len > OOMLOG_MAX_MSG) {
                len = OOMLOG_MAX_MSG;
                p->stats.long_lines++;
        }
        if (p->last_kmsg && logline_is_kmsg_dict(line, len))
                return 0;
        feed_one(p, line, len, 0, &none);
        return p->error;
}

/* Another program's line: a userspace OOM killer's record when its tag
 * (or its journal record's identifier) names one. */
static void feed_user(struct oomlog *p, const struct logline *ll, const struct hint *h,
                      const struct when *w)
{
        const char *id = ll->tag;
        size_t n = ll->tag_len;
        if (!id && h->ident) {
                id = h->ident;
                n = strlen(h->ident);
        }
        enum uk_tool t = id ? uk_tool_of(id, n) : UK_NONE;
        if (t == UK_NONE)
                return;
        int r = uk_log_feed(&p->uk, t, ll->msg, ll->msg_len, w->ts, w->ts_len);
        if (r < 0)
                p->error = r;
        else if (r > 0 && t == UK_NOHANG)
                p->quiet = 0; /* its victim's lines hold no marker; the
                               * other tools' lines all hold one */
}

static void feed_one(struct oomlog *p, const char *line, size_t len, int depth,
                     const struct hint *h)
{
        if (feed_unwrapped(p, line, len, depth))
                return;
        struct logline ll;
        logline_parse(line, len, &ll);
        if (ll.source == LOGLINE_BARE && h->source == UNWRAP_SRC_KERNEL)
                ll.source = LOGLINE_KERNEL;
        else if (h->source == UNWRAP_SRC_OTHER)
                ll.source = LOGLINE_OTHER;
        if (ll.mono < 0 && ll.wall < 0) {
                ll.mono = h->mono;
                ll.wall = h->wall;
        }
        struct when w = {.mono = ll.mono, .wall = ll.wall, .ts = ll.ts, .ts_len = ll.ts_len};
        if (w.mono >= 0 || w.wall >= 0) {
                p->last_stamp = (struct when){.mono = w.mono, .wall = w.wall};
        } else if (ll.source == LOGLINE_BARE) {
                /* a continuation line: the time of the stamped line before */
                w.mono = p->last_stamp.mono;
                w.wall = p->last_stamp.wall;
        }
        switch (ll.source) {
        case LOGLINE_OTHER:
                p->stats.other_lines++;
                p->quiet++;
                flush_pending(p);
                p->join_ok = false;
                p->last_kmsg = ll.kmsg;
                if (!ll.kmsg)
                        feed_user(p, &ll, h, &w);
                break;
        case LOGLINE_KERNEL:
                p->stats.kernel_lines++;
                p->last_kmsg = ll.kmsg;
                if (ll.kmsg && memmem(ll.msg, ll.msg_len, "\\x", 2))
                        feed_kmsg_escaped(p, ll.msg, ll.msg_len, &w);
                else
                        start_kernel(p, &ll, &w);
                p->join_ok = true;
                break;
        case LOGLINE_BARE: feed_bare(p, &ll, &w); break;
        }
}

int oomlog_finish(struct oomlog *p, struct oomlog_result *ret)
{
        memset(ret, 0, sizeof(*ret));
        flush_pending(p);
        int r = p->error ? p->error : oomfinal_run(p, ret);
        if (r == 0)
                r = uk_log_take(&p->uk, p->stats.reversed, &ret->user_kills, &ret->n_user_kills);
        if (r < 0)
                oomlog_result_free(ret);
        oomlog_free(p);
        return r;
}

/* Table exports (Kibana, Loki, spreadsheets) list newest first. */
bool oomlog_newest_first(const char *buf, size_t len)
{
        size_t inc = 0, dec = 0, seen = 0;
        double prev = -1;
        int kind = 0; /* 1 uptime, 2 wall clock: never compare across */
        for (const char *s = buf, *end = buf + len; s < end && seen < 20000;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                struct logline ll;
                const char *s0 = s;
                size_t n0 = (size_t)(e - s) < 512 ? (size_t)(e - s) : 512;
                logline_parse(s, n0, &ll);
                s = nl ? nl + 1 : end;
                if (ll.source == LOGLINE_OTHER)
                        continue;
                if (ll.mono < 0 && ll.wall < 0 && maybe_wrapped(s0, n0)) {
                        struct unwrap u; /* a JSON record or journal field */
                        unwrap_line(s0, n0, NULL, 0, &u);
                        ll.mono = u.mono;
                        ll.wall = u.wall;
                }
                double t = -1;
                if (ll.mono >= 0 && kind != 2)
                        t = ll.mono, kind = 1;
                else if (ll.wall >= 0 && kind != 1)
                        t = ll.wall, kind = 2;
                if (t < 0)
                        continue;
                seen++;
                if (prev >= 0 && t < prev)
                        dec++;
                else if (prev >= 0 && t > prev)
                        inc++;
                prev = t;
        }
        return dec >= 3 && dec > 2 * inc;
}

#define BACKUP_LINES                                                                             \
        48 /* read this much before a marker: CPU headers,                                       \
            * a task table the excerpt starts inside */

/* Start of the line BACKUP_LINES before the line starting at ls, not
 * before lo. */
static const char *backup(const char *lo, const char *ls)
{
        const char *s = ls;
        for (int i = 0; i < BACKUP_LINES && s > lo; i++) {
                const char *nl = memrchr(lo, '\n', (size_t)(s - lo - 1));
                s = nl ? nl + 1 : lo;
        }
        return s;
}

/* Is the line [ls, le) holding a marker really an OOM message, and does it
 * start a report (nothing before it matters)? */
static bool relevant_line(const char *ls, const char *le, bool *starts)
{
        struct logline ll;
        logline_parse(ls, (size_t)(le - ls), &ll);
        if (ll.source == LOGLINE_OTHER)
                return false;
        const char *a = om_find_anchor(ll.msg, ll.msg_len);
        enum om_kind k = om_classify(ll.msg, ll.msg_len, false, false);
        *starts = k == OM_INVOKED;
        return a || k != OM_NONE;
}

int oomlog_feed_buffer(struct oomlog *p, const char *buf, size_t len)
{
        const char *s = buf, *end = buf + len;
        while (s < end) {
                if (oomev_idle(p)) {
                        const char *m = marker_next(s, end);
                        if (m == end)
                                break;
                        const char *ls = memrchr(s, '\n', (size_t)(m - s));
                        ls = ls ? ls + 1 : s;
                        const char *le = memchr(m, '\n', (size_t)(end - m));
                        le = le ? le : end;
                        bool starts;
                        const char *b;
                        if (relevant_line(ls, le, &starts)) {
                                b = starts ? ls : backup(s, ls);
                                p->quiet = 0;
                        } else {
                                /* not an OOM message yet, but maybe the first
                                 * half of a wrapped one: read it and the next
                                 * lines like any others */
                                b = ls;
                                p->quiet = IDLE_QUIET - 3;
                        }
                        if (b > s) {
                                flush_pending(p);
                                p->join_ok = false;
                                s = b;
                        }
                }
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                oomlog_feed_line(p, s, (size_t)(e - s));
                s = nl ? nl + 1 : end;
        }
        return p->error;
}

int oomlog_parse(const char *buf, size_t len, struct oomlog_result *ret, struct og_error *err)
{
        struct oomlog *p = oomlog_new();
        memset(ret, 0, sizeof(*ret));
        if (!p)
                return og_error_set(err, -ENOMEM, "out of memory");
        bool rev = oomlog_newest_first(buf, len);
        p->stats.reversed = rev;
        if (!rev) {
                oomlog_feed_buffer(p, buf, len);
        } else {
                const char *end = buf + len;
                while (end > buf) {
                        const char *nl = memrchr(buf, '\n', (size_t)(end - buf));
                        const char *s = nl ? nl + 1 : buf;
                        if (s < end || nl)
                                oomlog_feed_line(p, s, (size_t)(end - s));
                        end = nl ? nl : buf;
                }
        }
        int r = oomlog_finish(p, ret);
        if (r < 0)
                return og_error_set(err, r, "parsing the log: %s", strerror(-r));
        return 0;
}
