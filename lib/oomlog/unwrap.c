/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "unwrap.h"

#include "marker.h"
#include "scan.h"
#include "util.h"

#include <string.h>
#include <strings.h>

#define MAX_PAIRS 64

struct str {
        const char *p; /* raw text between the quotes, escapes kept */
        size_t n;
};

static size_t put_utf8(unsigned cp, char *out, size_t o, size_t cap)
{
        char b[3];
        size_t n;
        if (cp < 0x80) {
                b[0] = (char)cp;
                n = 1;
        } else if (cp < 0x800) {
                b[0] = (char)(0xc0 | (cp >> 6));
                b[1] = (char)(0x80 | (cp & 0x3f));
                n = 2;
        } else if (cp >= 0xd800 && cp < 0xe000) {
                b[0] = '?'; /* a lone or paired surrogate: no kernel text */
                n = 1;
        } else {
                b[0] = (char)(0xe0 | (cp >> 12));
                b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
                b[2] = (char)(0x80 | (cp & 0x3f));
                n = 3;
        }
        for (size_t i = 0; i < n && o < cap; i++)
                out[o++] = b[i];
        return o;
}

size_t unwrap_unescape(const char *s, size_t n, char *out, size_t cap)
{
        size_t o = 0;
        for (size_t i = 0; i < n && o < cap; i++) {
                char c = s[i];
                if (c != '\\' || i + 1 >= n) {
                        out[o++] = c;
                        continue;
                }
                char e = s[++i];
                switch (e) {
                case 'n': out[o++] = '\n'; break;
                case 'r': break; /* "\r\n": one line end */
                case 't': out[o++] = '\t'; break;
                case 'b':
                case 'f': break;
                case 'u': {
                        unsigned cp = 0;
                        size_t k = 0;
                        for (; k < 4 && i + 1 + k < n && scan_hexval(s[i + 1 + k]) >= 0; k++)
                                cp = cp * 16 + (unsigned)scan_hexval(s[i + 1 + k]);
                        i += k;
                        if (k == 4)
                                o = put_utf8(cp, out, o, cap);
                        break;
                }
                case 'x': {
                        int hi = i + 1 < n ? scan_hexval(s[i + 1]) : -1;
                        int lo = i + 2 < n ? scan_hexval(s[i + 2]) : -1;
                        if (hi >= 0 && lo >= 0) {
                                out[o++] = (char)(hi * 16 + lo);
                                i += 2;
                        } else {
                                out[o++] = e;
                        }
                        break;
                }
                default: out[o++] = e; break; /* \" \' \\ \/ */
                }
        }
        return o;
}

/* A quoted string at s->p (which is the quote): its raw text, and s after
 * the closing quote or at the end of a cut line. */
static struct str read_str(struct scan *s)
{
        char q = *s->p++;
        const char *b = s->p;
        while (s->p < s->end && *s->p != q)
                s->p += *s->p == '\\' && s->p + 1 < s->end ? 2 : 1;
        struct str r = {b, (size_t)((s->p < s->end ? s->p : s->end) - b)};
        if (s->p < s->end)
                s->p++;
        return r;
}

static bool str_is(struct str k, const char *lit)
{
        return k.n == strlen(lit) && strncasecmp(k.p, lit, k.n) == 0;
}

static bool key_in(struct str k, const char *const *set, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (str_is(k, set[i]))
                        return true;
        return false;
}

static const char *const msg_keys[] = {
        "MESSAGE", "msg",     "log",  "textPayload", "_raw",  "line", "body",
        "text",    "content", "note", "description", "event", "data",
};
static const char *const time_keys[] = {
        "@timestamp",
        "timestamp",
        "time",
        "ts",
        "_time",
        "eventTime",
        "lastTimestamp",
        "firstTimestamp",
        "receiveTimestamp",
        "date",
        "datetime",
        "created",
        "SYSLOG_TIMESTAMP",
};

/* "2024-02-03T19:57:08..." or "... 19:57:08": seconds of the day. */
static double iso_sod(const char *p, size_t n)
{
        for (size_t i = 0; i + 8 <= n; i++) {
                const char *h = p + i;
                if (scan_is_digit(h[0]) && scan_is_digit(h[1]) && h[2] == ':' &&
                    scan_is_digit(h[3]) && scan_is_digit(h[4]) && h[5] == ':' &&
                    scan_is_digit(h[6]) && scan_is_digit(h[7]) &&
                    (i == 0 || h[-1] == 'T' || h[-1] == ' '))
                        return ((h[0] - '0') * 10 + (h[1] - '0')) * 3600.0 +
                               ((h[3] - '0') * 10 + (h[4] - '0')) * 60.0 + (h[6] - '0') * 10 +
                               (h[7] - '0');
        }
        return -1;
}

/* Digits only (a JSON number or a quoted one): its value, or -1. */
static double digits_value(const char *p, size_t n, size_t *nd)
{
        double v = 0;
        size_t i = 0;
        for (; i < n && scan_is_digit(p[i]); i++)
                v = v * 10 + (p[i] - '0');
        *nd = i;
        return i > 0 && (i == n || p[i] == '.' || p[i] == '"') ? v : -1;
}

static double epoch_sod(double v, size_t nd)
{
        if (nd >= 18)
                v /= 1e9; /* ns */
        else if (nd >= 15)
                v /= 1e6; /* us */
        else if (nd >= 12)
                v /= 1e3; /* ms */
        else if (nd < 9)
                return -1;
        return v - 86400.0 * (double)(long long)(v / 86400.0);
}

static void take_time(struct str k, const char *v, size_t vn, struct unwrap *r)
{
        size_t nd;
        if (str_is(k, "_SOURCE_MONOTONIC_TIMESTAMP") ||
            (str_is(k, "__MONOTONIC_TIMESTAMP") && r->mono < 0)) {
                double u = digits_value(v, vn, &nd);
                if (u >= 0)
                        r->mono = u / 1e6;
                return;
        }
        bool real = str_is(k, "__REALTIME_TIMESTAMP");
        if (r->wall >= 0 || (!real && !key_in(k, time_keys, ARRAY_SIZE(time_keys))))
                return;
        double u = digits_value(v, vn, &nd);
        r->wall = u >= 0 ? epoch_sod(u, nd) : iso_sod(v, vn);
}

static void take_source(struct str k, struct str v, struct unwrap *r)
{
        if (!str_is(k, "SYSLOG_IDENTIFIER") && !str_is(k, "_TRANSPORT") &&
            !str_is(k, "syslog_identifier"))
                return;
        if (str_is(v, "kernel"))
                r->source = UNWRAP_SRC_KERNEL;
        else if (r->source == UNWRAP_SRC_UNKNOWN && !str_is(k, "_TRANSPORT"))
                r->source = UNWRAP_SRC_OTHER;
        if (!str_is(k, "_TRANSPORT") && !str_is(v, "kernel") && v.n > 0) {
                r->ident = v.p;
                r->ident_len = v.n;
        }
}

static void emit(struct str v, char *out, size_t cap, struct unwrap *r)
{
        r->kind = UNWRAP_MESSAGE;
        r->out_len = unwrap_unescape(v.p, v.n, out, cap);
}

/* {"key": "value", ...}, "key": value, or a bare "literal". */
static bool parse_quoted(struct scan s, char *out, size_t cap, struct unwrap *r)
{
        struct str msg = {NULL, 0}, marked = {NULL, 0}, literal = {NULL, 0};
        bool any_key = false, first = true;
        for (int i = 0; i < MAX_PAIRS && s.p < s.end; i++) {
                while (s.p < s.end && *s.p != '"' && *s.p != '\'')
                        s.p++;
                if (s.p >= s.end)
                        break;
                bool lead = first;
                first = false;
                struct str k = read_str(&s);
                struct scan t = s;
                scan_skip_spaces(&t);
                if (!scan_char(&t, ':')) {
                        if (lead && !any_key)
                                literal = k; /* "text", 'text' */
                        continue;
                }
                any_key = true;
                scan_skip_spaces(&t);
                s = t;
                if (s.p < s.end && (*s.p == '"' || *s.p == '\'')) {
                        struct str v = read_str(&s);
                        take_time(k, v.p, v.n, r);
                        take_source(k, v, r);
                        if (!msg.p && key_in(k, msg_keys, ARRAY_SIZE(msg_keys)))
                                msg = v;
                        if (!marked.p && marker_in(v.p, v.n))
                                marked = v;
                } else {
                        const char *b = s.p;
                        while (s.p < s.end && *s.p != ',' && *s.p != '}')
                                s.p++;
                        take_time(k, b, (size_t)(s.p - b), r);
                }
        }
        if (!any_key) {
                if (!literal.p)
                        return false;
                emit(literal, out, cap, r);
                return true;
        }
        /* another program's journal record: its message, whatever other
         * field holds a marker ("SYSLOG_IDENTIFIER":"earlyoom") */
        struct str v = msg.p && (marker_in(msg.p, msg.n) || !marked.p ||
                                 (r->ident && r->source == UNWRAP_SRC_OTHER))
                               ? msg
                               : marked;
        if (v.p)
                emit(v, out, cap, r);
        else
                r->kind = UNWRAP_SKIP;
        return true;
}

/* journalctl -o verbose "    FIELD=value" / -o export "FIELD=value". */
static bool parse_field(struct scan s, bool indented, char *out, size_t cap, struct unwrap *r)
{
        const char *k = s.p;
        while (s.p < s.end &&
               ((*s.p >= 'A' && *s.p <= 'Z') || *s.p == '_' || scan_is_digit(*s.p)))
                s.p++;
        size_t kn = (size_t)(s.p - k);
        if (kn < 2 || s.p >= s.end || *s.p != '=' || scan_is_digit(*k))
                return false;
        struct str key = {k, kn};
        bool journal = *k == '_' || og_startswith(k, kn, "SYSLOG_") || str_is(key, "MESSAGE") ||
                       str_is(key, "PRIORITY") || og_startswith(k, kn, "CODE_") ||
                       str_is(key, "MESSAGE_ID");
        if (!journal && !indented)
                return false;
        s.p++;
        struct str v = {s.p, scan_left(&s)};
        if (str_is(key, "MESSAGE")) {
                r->kind = UNWRAP_MESSAGE;
                size_t n = v.n < cap ? v.n : cap;
                if (n > 0)
                        memcpy(out, v.p, n);
                r->out_len = n;
                return true;
        }
        take_time(key, v.p, v.n, r);
        take_source(key, v, r);
        r->kind = UNWRAP_SKIP;
        return true;
}

void unwrap_line(const char *buf, size_t len, char *out, size_t cap, struct unwrap *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->mono = ret->wall = -1;
        struct scan s = scan_make(buf, len);
        bool indented = scan_skip_spaces(&s) > 0;
        if (s.p >= s.end)
                return;
        char c = *s.p;
        if (c == '{' || c == '[' || c == '"' || c == '\'') {
                if (c == '[' && !(s.p + 1 < s.end && (s.p[1] == '{' || s.p[1] == '"')))
                        return; /* "[  12.3]": a dmesg line */
                parse_quoted(s, out, cap, ret);
                return;
        }
        if (c == '}' || c == ']') {
                struct scan t = s;
                t.p++;
                scan_char(&t, ',');
                scan_skip_spaces(&t);
                if (t.p == t.end)
                        ret->kind = UNWRAP_SKIP;
                return;
        }
        if ((c >= 'A' && c <= 'Z') || c == '_')
                parse_field(s, indented, out, cap, ret);
}
