/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "logline.h"

#include "kmsg.h"
#include "scan.h"
#include "util.h"

#include <string.h>

#define MAX_PREFIXES 10

static const char *const facilities[] = {
        "kern",   "user",   "mail",   "daemon",   "auth",   "syslog", "lpr",
        "news",   "uucp",   "cron",   "authpriv", "ftp",    "local0", "local1",
        "local2", "local3", "local4", "local5",   "local6", "local7",
};
static const char *const levels[] = {"emerg", "alert",  "crit", "err",  "warning",
                                     "warn",  "notice", "info", "debug"};

static bool word_in(const char *w, size_t n, const char *const *set, size_t nset)
{
        for (size_t i = 0; i < nset; i++)
                if (strlen(set[i]) == n && memcmp(set[i], w, n) == 0)
                        return true;
        return false;
}

static size_t word_len(const struct scan *s)
{
        const char *q = s->p;
        while (q < s->end && (scan_is_alpha(*q) || scan_is_digit(*q)))
                q++;
        return (size_t)(q - s->p);
}

/* "6,1234,5678901,-;" or "6,1234,5678901,-,caller=T12;" */
static bool parse_kmsg_header(struct scan *s, struct logline *l)
{
        struct kmsg_header h;
        size_t n = kmsg_header_parse(s->p, scan_left(s), &h);
        if (n == 0)
                return false;
        l->kmsg = true;
        l->source = (h.pri >> 3) == 0 ? LOGLINE_KERNEL : LOGLINE_OTHER;
        l->mono = (double)h.usec / 1e6;
        /* the usec field, as printed: between the second and third comma */
        const char *u = s->p, *u_end;
        for (int commas = 0; commas < 2; u++)
                commas += *u == ',';
        for (u_end = u; *u_end != ','; u_end++)
                ;
        l->ts = u;
        l->ts_len = (size_t)(u_end - u);
        s->p += n;
        return true;
}

/* "<6>": syslog priority as dmesg -r and guest consoles print it. */
static bool parse_pri(struct scan *s, struct logline *l)
{
        struct scan t = *s;
        int64_t pri;
        if (!scan_char(&t, '<') || scan_digits(&t) > 4 || !scan_i64(&t, &pri) ||
            !scan_char(&t, '>'))
                return false;
        if ((pri >> 3) != 0)
                l->source = LOGLINE_OTHER;
        else if (l->source == LOGLINE_BARE)
                l->source = LOGLINE_KERNEL;
        *s = t;
        return true;
}

/* "HH:MM:SS[.frac]" -> seconds of the day in *sod. */
static bool parse_hms(struct scan *t, double *sod)
{
        double v = 0;
        for (int i = 0; i < 3; i++) {
                if (i > 0 && !scan_char(t, ':'))
                        return false;
                if (scan_digits(t) != 2)
                        return false;
                v = v * 60 + (t->p[0] - '0') * 10 + (t->p[1] - '0');
                t->p += 2;
        }
        *sod = v;
        if (scan_char(t, '.') || scan_char(t, ','))
                t->p += scan_digits(t);
        return true;
}

/* "Feb  3 19:57:08", "Aug 30 06:58:55.050705" */
static bool parse_syslog_date(struct scan *s, double *sod)
{
        static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
        struct scan t = *s;
        if (scan_left(&t) < 15)
                return false;
        bool ok = false;
        for (size_t i = 0; i + 3 <= sizeof(months) - 1; i += 3)
                ok |= memcmp(t.p, months + i, 3) == 0;
        if (!ok || t.p[3] != ' ')
                return false;
        t.p += 4;
        scan_skip_spaces(&t);
        size_t d = scan_digits(&t);
        if (d < 1 || d > 2)
                return false;
        t.p += d;
        if (!scan_char(&t, ' ') || !parse_hms(&t, sod))
                return false;
        *s = t;
        return true;
}

/* "2024-02-03T19:57:08.123456+00:00", "2024-02-03 19:57:08Z" */
static bool parse_iso_date(struct scan *s, double *sod)
{
        struct scan t = *s;
        if (scan_digits(&t) != 4)
                return false;
        t.p += 4;
        for (int i = 0; i < 2; i++) {
                if (!scan_char(&t, '-') || scan_digits(&t) != 2)
                        return false;
                t.p += 2;
        }
        if (!scan_char(&t, 'T') && !scan_char(&t, ' '))
                return false;
        if (!parse_hms(&t, sod))
                return false;
        if (!scan_char(&t, 'Z') && t.p < t.end && (*t.p == '+' || *t.p == '-')) {
                t.p++;
                t.p += scan_digits(&t);
                if (scan_char(&t, ':'))
                        t.p += scan_digits(&t);
        }
        *s = t;
        return true;
}

/* journalctl -o short-full: "Sat 2024-02-03 19:57:08 UTC" */
static bool parse_full_date(struct scan *s, double *sod)
{
        struct scan t = *s;
        if (scan_left(&t) < 5 || word_len(&t) != 3 || !scan_is_alpha(*t.p))
                return false;
        t.p += 3;
        if (!scan_char(&t, ' ') || !parse_iso_date(&t, sod))
                return false;
        struct scan z = t; /* time zone name */
        if (scan_char(&z, ' ') && word_len(&z) > 0 && scan_is_alpha(*z.p))
                t.p = z.p + word_len(&z);
        *s = t;
        return true;
}

/* journalctl -o short-unix: "1706990228.123456" */
static bool parse_epoch(struct scan *s, double *sod)
{
        struct scan t = *s;
        size_t d = scan_digits(&t);
        if (d < 9 || d > 12)
                return false;
        double v = 0;
        for (size_t i = 0; i < d; i++)
                v = v * 10 + (t.p[i] - '0');
        t.p += d;
        if (!scan_char(&t, '.') || scan_digits(&t) == 0)
                return false;
        t.p += scan_digits(&t);
        if (t.p < t.end && !scan_is_space(*t.p))
                return false;
        *sod = v - 86400.0 * (double)(long long)(v / 86400.0);
        *s = t;
        return true;
}

enum bracket { BR_NONE, BR_SECONDS, BR_DELTA, BR_CALLER, BR_DATE };

/* " <    0.000010>" after the seconds of dmesg -d */
static bool delta_tail(struct scan *t)
{
        struct scan u = *t;
        scan_skip_spaces(&u);
        if (!scan_char(&u, '<'))
                return false;
        scan_skip_spaces(&u);
        u.p += scan_digits(&u);
        if (scan_char(&u, '.'))
                u.p += scan_digits(&u);
        return scan_char(&u, '>') && scan_left(&u) == 0;
}

static enum bracket classify_bracket(const char *c, size_t n)
{
        struct scan t = scan_make(c, n);
        scan_skip_spaces(&t);
        if (scan_char(&t, '+')) { /* dmesg -H / --reltime: a delta */
                size_t k = scan_digits(&t);
                t.p += k;
                if (k > 0 && scan_char(&t, '.'))
                        t.p += scan_digits(&t);
                return k > 0 && scan_left(&t) == 0 ? BR_DELTA : BR_NONE;
        }
        size_t d = scan_digits(&t);
        if (d > 0 && d < scan_left(&t) && t.p[d] == '.') {
                t.p += d + 1;
                t.p += scan_digits(&t);
                return scan_left(&t) == 0 || delta_tail(&t) ? BR_SECONDS : BR_NONE;
        }
        if (t.p + 1 < t.end && (*t.p == 'T' || *t.p == 'C') &&
            scan_is_digit(t.p[1])) { /* printk caller id; not "Thu", "Tue" */
                t.p++;
                size_t k = scan_digits(&t);
                return k == scan_left(&t) ? BR_CALLER : BR_NONE;
        }
        bool colon = memchr(c, ':', n) != NULL, digit = false;
        for (size_t i = 0; i < n; i++)
                digit |= scan_is_digit(c[i]);
        if (colon && digit && n >= 8 && !memchr(c, '=', n))
                return BR_DATE;
        return BR_NONE;
}

static double parse_seconds(const char *c, size_t n)
{
        double v = 0, scale = 0;
        for (size_t i = 0; i < n; i++) {
                if (c[i] == '.')
                        scale = 1;
                else if (scan_is_digit(c[i])) {
                        if (scale > 0) {
                                scale /= 10;
                                v += (c[i] - '0') * scale;
                        } else
                                v = v * 10 + (c[i] - '0');
                }
        }
        return v;
}

/* "[  12.345678]", "[ T6736]", "[Wed Feb 19 06:41:03 2025]", "[2024-...Z]:",
 * and the first-line-cut "  12.345678]". */
static bool parse_bracket(struct scan *s, struct logline *l, bool *wall)
{
        struct scan t = *s;
        bool open = scan_char(&t, '[');
        size_t max = scan_left(&t) < 64 ? scan_left(&t) : 64;
        const char *close = memchr(t.p, ']', max);
        if (!close)
                return false;
        size_t n = (size_t)(close - t.p);
        enum bracket b = classify_bracket(t.p, n);
        if (b == BR_NONE || (!open && b != BR_SECONDS))
                return false;
        if (b == BR_SECONDS) {
                const char *lt = memchr(t.p, '<', n); /* dmesg -d */
                if (lt)
                        n = scan_rtrim(t.p, (size_t)(lt - t.p));
                l->mono = parse_seconds(t.p, n);
                if (!*wall) {
                        l->ts = t.p;
                        l->ts_len = n;
                        while (l->ts_len && *l->ts == ' ')
                                l->ts++, l->ts_len--;
                }
        } else if (b == BR_DATE) {
                const char *colon = memchr(t.p, ':', n);
                struct scan h = {colon && colon - t.p >= 2 ? colon - 2 : t.p, close};
                double sod;
                if (parse_hms(&h, &sod))
                        l->wall = sod;
                l->ts = t.p;
                l->ts_len = n;
                *wall = true;
        }
        t.p = close + 1;
        if (b == BR_DATE)
                scan_char(&t, ':');
        if (l->source == LOGLINE_BARE)
                l->source = LOGLINE_KERNEL;
        *s = t;
        return true;
}

/* dmesg -x "kern  :info  : " and Talos "kern:    info: ". */
static bool parse_facility_level(struct scan *s, struct logline *l)
{
        struct scan t = *s;
        size_t n = word_len(&t);
        if (!word_in(t.p, n, facilities, ARRAY_SIZE(facilities)))
                return false;
        bool kern = n == 4 && memcmp(t.p, "kern", 4) == 0;
        t.p += n;
        scan_skip_spaces(&t);
        if (!scan_char(&t, ':'))
                return false;
        scan_skip_spaces(&t);
        n = word_len(&t);
        if (!word_in(t.p, n, levels, ARRAY_SIZE(levels)))
                return false;
        t.p += n;
        scan_skip_spaces(&t);
        if (!scan_char(&t, ':'))
                return false;
        l->source = kern ? LOGLINE_KERNEL : LOGLINE_OTHER;
        *s = t;
        return true;
}

static size_t token_len(const struct scan *s)
{
        const char *q = s->p;
        while (q < s->end && !scan_is_space(*q))
                q++;
        return (size_t)(q - s->p);
}

/* "kernel:", "kernel[0]:" */
static bool tag_is_kernel(const char *tag, size_t n)
{
        return n >= 7 && memcmp(tag, "kernel", 6) == 0 && (tag[6] == ':' || tag[6] == '[');
}

/* After a syslog date: "[host] tag:" — the tag decides the source. */
static void parse_host_tag(struct scan *s, struct logline *l)
{
        struct scan t = *s;
        scan_skip_spaces(&t);
        size_t a = token_len(&t);
        if (a == 0)
                return;
        if (t.p[a - 1] == ':' && !tag_is_kernel(t.p, a) && !memchr(t.p, '[', a))
                return; /* no host and no "prog[pid]:": "memory: usage ..." */
        if (t.p[a - 1] != ':') {
                struct scan u = t;
                u.p += a;
                if (scan_skip_spaces(&u) == 0)
                        return;
                size_t b = token_len(&u);
                if (b == 0 || u.p[b - 1] != ':')
                        return; /* no tag: a dated line of plain text */
                t = u;
                a = b;
        }
        l->source = tag_is_kernel(t.p, a) ? LOGLINE_KERNEL : LOGLINE_OTHER;
        if (l->source == LOGLINE_OTHER) {
                l->tag = t.p;
                l->tag_len = a - 1; /* without the colon */
        }
        t.p += a;
        *s = t;
}

/* After a dmesg bracket only "kernel:" / "host kernel:" is a prefix;
 * anything else could be the message ("memory: usage ..."). */
static bool parse_kernel_tag(struct scan *s)
{
        struct scan t = *s;
        scan_skip_spaces(&t);
        size_t a = token_len(&t);
        if (a && tag_is_kernel(t.p, a)) {
                t.p += a;
                *s = t;
                return true;
        }
        t.p += a;
        if (!scan_skip_spaces(&t))
                return false;
        size_t b = token_len(&t);
        if (!b || !tag_is_kernel(t.p, b))
                return false;
        t.p += b;
        *s = t;
        return true;
}

/* "prog[digits]:" */
static bool is_pid_tag(const char *t, size_t b)
{
        const char *lb = memchr(t, '[', b);
        return b >= 5 && lb && t[b - 1] == ':' && t[b - 2] == ']' && lb != t &&
               scan_is_digit(lb[1]);
}

/* journalctl -o short-monotonic: "[ 12.3] host prog[pid]: ..." (and
 * without the host, as systemd's test journals print it) — another
 * program's line ("[word ]word[digits]:" is never a kernel message start). */
static bool parse_other_tag(struct scan *s, struct logline *l)
{
        struct scan t = *s;
        scan_skip_spaces(&t);
        size_t b = token_len(&t);
        if (!is_pid_tag(t.p, b)) {
                t.p += b;
                if (!scan_skip_spaces(&t))
                        return false;
                b = token_len(&t);
                if (!is_pid_tag(t.p, b))
                        return false;
        }
        l->tag = t.p;
        l->tag_len = b - 1;
        t.p += b;
        *s = t;
        return true;
}

/* VMware vmware.log: "<date> In(05) vcpu-5 - Guest: <6>[...]" */
static bool parse_vmware(struct scan *s)
{
        struct scan t = *s;
        scan_skip_spaces(&t);
        size_t a = token_len(&t);
        if (a < 4 || t.p[a - 1] != ')' || !memchr(t.p, '(', a))
                return false;
        const char *g = scan_find(&t, "Guest:");
        if (!g || g - t.p > 48)
                return false;
        t.p = g + 6;
        *s = t;
        return true;
}

/* Talos: "172.20.0.2: kern:    info: [...]: msg" — host before facility. */
static bool parse_talos_host(struct scan *s, struct logline *l)
{
        struct scan t = *s;
        size_t a = token_len(&t);
        if (a < 2 || t.p[a - 1] != ':')
                return false;
        t.p += a;
        if (!scan_skip_spaces(&t) || !parse_facility_level(&t, l))
                return false;
        *s = t;
        return true;
}

/* Table exports: "<date>\t<host>\t...\t<message>": keep the last column. */
static void parse_tab_columns(struct scan *s, struct logline *l)
{
        const char *last = memrchr(s->p, '\t', scan_left(s));
        if (!last)
                return;
        struct scan cols = {s->p, last};
        while (cols.p < cols.end) {
                scan_skip_spaces(&cols);
                size_t n = token_len(&cols);
                if (n == 6 && memcmp(cols.p, "kernel", 6) == 0)
                        l->source = LOGLINE_KERNEL;
                cols.p += n;
        }
        s->p = last + 1;
}

static void after_date(struct scan *s, struct logline *l, const char *d0)
{
        l->ts = d0;
        l->ts_len = (size_t)(s->p - d0);
        if (memchr(s->p, '\t', scan_left(s))) {
                parse_tab_columns(s, l);
                return;
        }
        if (parse_vmware(s))
                return;
        parse_host_tag(s, l);
}

/* RFC 5424 after "<pri>": "1 <ISO date> host app procid msgid sd msg" */
static bool parse_rfc5424(struct scan *s, struct logline *l)
{
        struct scan t = *s;
        if (!scan_lit(&t, "1 "))
                return false;
        const char *d0 = t.p;
        if (!parse_iso_date(&t, &l->wall))
                return false;
        l->ts = d0;
        l->ts_len = (size_t)(t.p - d0);
        size_t app_len = 0;
        const char *app = NULL;
        for (int i = 0; i < 5; i++) { /* host app procid msgid sd */
                if (!scan_skip_spaces(&t))
                        return false;
                size_t n = token_len(&t);
                if (i == 1)
                        app = t.p, app_len = n;
                t.p += n;
        }
        l->source = app_len == 6 && memcmp(app, "kernel", 6) == 0 ? LOGLINE_KERNEL
                                                                  : LOGLINE_OTHER;
        if (l->source == LOGLINE_OTHER && !(app_len == 1 && *app == '-')) {
                l->tag = app;
                l->tag_len = app_len;
        }
        *s = t;
        return true;
}

/* Android logcat -v threadtime: "10-24 14:24:26.342   710   710 I tag: msg"
 * (the tag padded with spaces before its colon). */
static bool parse_logcat(struct scan *s, struct logline *l)
{
        struct scan t = *s;
        if (scan_left(&t) < 6 || scan_digits(&t) != 2 || t.p[2] != '-')
                return false;
        t.p += 3;
        if (scan_digits(&t) != 2)
                return false;
        t.p += 2;
        double sod;
        if (!scan_char(&t, ' ') || !parse_hms(&t, &sod))
                return false;
        const char *ts_end = t.p;
        for (int i = 0; i < 2; i++) { /* pid, tid */
                if (!scan_skip_spaces(&t) || scan_digits(&t) == 0)
                        return false;
                t.p += scan_digits(&t);
        }
        if (!scan_skip_spaces(&t) || scan_left(&t) < 3 || !*t.p || !strchr("VDIWEFA", *t.p) ||
            t.p[1] != ' ')
                return false;
        t.p += 2;
        size_t max = scan_left(&t) < 64 ? scan_left(&t) : 64;
        const char *colon = memchr(t.p, ':', max);
        if (!colon || colon == t.p)
                return false;
        size_t tn = scan_rtrim(t.p, (size_t)(colon - t.p));
        l->source = tn == 6 && memcmp(t.p, "kernel", 6) == 0 ? LOGLINE_KERNEL : LOGLINE_OTHER;
        if (l->source == LOGLINE_OTHER) {
                l->tag = t.p;
                l->tag_len = tn;
        }
        l->wall = sod;
        l->ts = s->p;
        l->ts_len = (size_t)(ts_end - s->p);
        s->p = colon + 1;
        return true;
}

static bool parse_one_prefix(struct scan *s, struct logline *l, bool *wall, bool *after_bracket)
{
        const char *d0 = s->p;
        if (s->p == l->first && parse_logcat(s, l)) {
                *wall = true;
                return true;
        }
        if (parse_pri(s, l)) {
                if (parse_rfc5424(s, l))
                        *wall = true;
                return true;
        }
        if (parse_iso_date(s, &l->wall) || parse_syslog_date(s, &l->wall) ||
            parse_full_date(s, &l->wall) || (s->p == l->first && parse_epoch(s, &l->wall))) {
                *wall = true;
                after_date(s, l, d0);
                return true;
        }
        if (parse_bracket(s, l, wall)) {
                *after_bracket = true;
                return true;
        }
        if (parse_facility_level(s, l) || parse_talos_host(s, l))
                return true;
        if ((*after_bracket || s->p == l->first) && parse_kernel_tag(s)) {
                l->source = LOGLINE_KERNEL;
                return true;
        }
        if (*after_bracket && parse_other_tag(s, l)) {
                l->source = LOGLINE_OTHER;
                return true;
        }
        return false;
}

/* Logs pasted into Markdown: "- `line`", "* line", "`line`". */
static void strip_markdown(struct scan *s)
{
        struct scan t = *s;
        if ((scan_lit(&t, "- ") || scan_lit(&t, "* ")) && t.p < t.end)
                *s = t;
        if (s->p < s->end && *s->p == '`') {
                while (s->p < s->end && *s->p == '`')
                        s->p++;
                while (s->end > s->p && s->end[-1] == '`')
                        s->end--;
        }
}

/* Table exports (Kibana, Grafana, Markdown): "| date | host | message |",
 * columns split by '|'. The message is the last non-empty column; a
 * "kernel" column names the source and a date column gives the time.
 * Separator rows ("--- | ---") hold no message. */
static bool parse_pipe_table(struct scan *s, struct logline *l)
{
        struct scan t = *s;
        scan_skip_spaces(&t);
        if (!scan_char(&t, '|'))
                return false;
        const char *end = t.end;
        while (end > t.p && (scan_is_space(end[-1]) || end[-1] == '|'))
                end--;
        const char *msg = t.p, *col = t.p;
        bool dashes = true;
        for (const char *q = t.p; q <= end; q++) {
                if (q < end && *q != '|')
                        continue;
                struct scan c = {col, q};
                scan_skip_spaces(&c);
                size_t n = scan_rtrim(c.p, scan_left(&c));
                if (n > 0) {
                        for (size_t i = 0; i < n; i++)
                                dashes &= c.p[i] == '-' || c.p[i] == ':' || c.p[i] == ' ';
                        if (q < end && n == 6 && memcmp(c.p, "kernel", 6) == 0)
                                l->source = LOGLINE_KERNEL;
                        struct scan d = {c.p, c.p + n};
                        double sod;
                        if (q < end && l->wall < 0 &&
                            (parse_iso_date(&d, &sod) || parse_syslog_date(&d, &sod))) {
                                l->wall = sod;
                                l->ts = c.p;
                                l->ts_len = n;
                        }
                        msg = c.p;
                }
                col = q + 1;
        }
        if (dashes) {
                l->source = LOGLINE_OTHER;
                s->p = s->end;
                return true;
        }
        s->p = msg;
        s->end = end;
        return true;
}

/* Collector prefixes: "err|kernel[-]|[  12.3] msg", "4|kern|msg". */
static void parse_pipe_fields(struct scan *s, struct logline *l)
{
        const char *q = s->p, *lim = s->p + (scan_left(s) < 80 ? scan_left(s) : 80);
        const char *after = NULL, *seg = q;
        bool kernel = false;
        for (; q < lim && !scan_is_space(*q); q++) {
                if (*q != '|')
                        continue;
                if (q == seg)
                        return;
                kernel |= og_startswith(seg, (size_t)(q - seg), "kern");
                after = seg = q + 1;
        }
        if (!after || after >= s->end || (*after != '[' && !kernel))
                return;
        if (kernel)
                l->source = LOGLINE_KERNEL;
        s->p = after;
}

void logline_parse(const char *buf, size_t len, struct logline *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->mono = -1;
        ret->wall = -1;
        while (len > 0 && (buf[len - 1] == '\r' || buf[len - 1] == '\n'))
                len--;
        struct scan s = scan_make(buf, len);
        while (s.p < s.end && *s.p == '>') { /* e-mail quoting */
                s.p++;
                scan_char(&s, ' ');
        }
        strip_markdown(&s);
        const char *lead = s.p;
        bool wall = false, after_bracket = false, any = false;
        scan_skip_spaces(&s);
        ret->first = s.p;
        if (parse_kmsg_header(&s, ret)) {
                any = true;
        } else {
                /* tables and collector fields: never inside a kmsg record */
                s.p = lead;
                if (!parse_pipe_table(&s, ret))
                        parse_pipe_fields(&s, ret);
                if (ret->source == LOGLINE_OTHER) {
                        ret->msg = s.p;
                        return;
                }
                lead = s.p;
                scan_skip_spaces(&s);
                ret->first = s.p;
                for (int i = 0; i < MAX_PREFIXES; i++) {
                        if (!parse_one_prefix(&s, ret, &wall, &after_bracket))
                                break;
                        any = true;
                        scan_skip_spaces(&s);
                }
        }
        if (!any) {
                s.p = lead;
                ret->indented = s.p < s.end && scan_is_space(*s.p);
                if (ret->indented)
                        scan_skip_spaces(&s);
        }
        ret->msg = s.p;
        ret->msg_len = scan_left(&s);
}

bool logline_is_kmsg_dict(const char *buf, size_t len)
{
        if (len < 3 || buf[0] != ' ' || !(buf[1] >= 'A' && buf[1] <= 'Z'))
                return false;
        for (size_t i = 1; i < len; i++) {
                char c = buf[i];
                if (c == '=')
                        return true;
                if (!((c >= 'A' && c <= 'Z') || scan_is_digit(c) || c == '_'))
                        return false;
        }
        return false;
}
