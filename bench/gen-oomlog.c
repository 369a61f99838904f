/*
 * gen-oomlog - a large kernel log for bench/explain-vs-grep.sh, made of the
 *              labelled corpus replayed many times between noise lines.
 *
 *   usage: gen-oomlog SIZE_MIB OUT_LOG OUT_KILLS CORPUS_DIR NOISE_FILE
 *
 * OUT_LOG is exactly SIZE_MIB MiB. It is noise (NOISE_FILE's templates, see
 * bench/oomlog-noise.txt) with three OOM reports per MiB on average: each
 * one a case of CORPUS_DIR (NNN.log with its NNN.json labels), replayed
 * verbatim but for two things.
 *   - Times: each line's prefix (dmesg [s], dmesg -T, syslog with or without
 *     [s], journal short-precise, /dev/kmsg) is removed and the output's own
 *     is written, from one clock for the whole file. Lines keep their
 *     offsets within the report; reports are at least 40 s apart, so no two
 *     can be mistaken for one. The output format changes every 0.5-2.5 MiB
 *     (a new host) in an order where neighbours share a clock (uptime or wall
 *     time). Daemon lines are kept only in the syslog and journal formats;
 *     lines without a prefix (continuations) are written as they are.
 *   - Pids: every pid the kernel prints ("process N", "pid=N", "PID: N",
 *     "Pid: N", a task table's pid and tgid) gets a fresh number, the same
 *     one everywhere in that replay.
 * OUT_KILLS is the oracle: one "PID SCOPE" line per labelled kill of every
 * replay, with the new pid ("null" for a kill whose victim the excerpt does
 * not show). stdout gets the number of kills. The output depends only on the
 * arguments (fixed-seed splitmix64).
 *
 * Build: cc -O2 -std=gnu11 -o gen-oomlog gen-oomlog.c -lyajl
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_tree.h>

#define SEED UINT64_C(0x6f6f6d6775617264)  /* "oomguard" */
#define BOOT_EPOCH INT64_C(1739145600)     /* 2025-02-10 00:00:00 UTC */
#define START_UP_US UINT64_C(259200123456) /* three days after boot */
#define MIB UINT64_C(1048576)
#define REPORTS_PER_MIB 3
#define REPORT_GAP_US UINT64_C(40000000) /* the parser splits at 30 s */
#define MAX_STEP 600.0                   /* seconds */
#define LINE_CAP 65536
#define PID_MAX 4194304u

enum style { DMESG, DMESG_T, SYSLOG, SYSLOG_UP, JOURNAL, KMSG };
/* neighbours share a clock: uptime (DMESG, SYSLOG_UP, KMSG) or wall time */
static const enum style style_cycle[] = {DMESG,   SYSLOG_UP, SYSLOG, JOURNAL,
                                         DMESG_T, SYSLOG_UP, KMSG};
static const char *const hosts[] = {"node-7", "ip-10-0-3-17",    "worker-2",
                                    "db01",   "gke-pool-1-3f2a", "build-04"};
static const char *const MON[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const WDAY[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

enum kind { BARE, KERNEL, DAEMON };
struct line {
        enum kind kind;
        char *msg;  /* after the prefix; for DAEMON "tag: text" */
        double off; /* seconds since the report's first stamped line */
        int prio;
};
struct kill {
        long pid;
        char scope[40];
}; /* pid < 0: not shown */
struct report {
        char name[32];
        struct line *lines;
        size_t n, bytes;
        struct kill *kills;
        size_t nk;
};
struct tmpl {
        bool kernel;
        unsigned weight;
        char **lines;
        size_t n;
};
struct pidmap {
        long from, to;
};

static struct {
        uint64_t rng, up_us, last_us, seq, written, size, lines;
        FILE *out, *oracle;
        enum style style;
        const char *host;
        unsigned next_pid;
        struct pidmap *map;
        size_t nmap, cap_map;
        char line[LINE_CAP + 512];
        size_t len;
} g;

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fputs("gen-oomlog: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        exit(1);
}

static void *xrealloc(void *p, size_t n)
{
        p = realloc(p, n ? n : 1);
        if (!p)
                die("out of memory");
        return p;
}

static char *xstrdup(const char *s)
{
        char *r = strdup(s);
        if (!r)
                die("out of memory");
        return r;
}

static uint64_t rnext(void)
{
        uint64_t z = (g.rng += UINT64_C(0x9e3779b97f4a7c15));
        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        return z ^ (z >> 31);
}

static uint64_t rnd(uint64_t n)
{
        return n ? rnext() % n : 0;
}

/* ---- output: every line goes through put(), which keeps the size exact */

static void add(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(g.line + g.len, sizeof(g.line) - g.len, fmt, ap);
        va_end(ap);
        if (n > 0)
                g.len += (size_t)n;
        if (g.len >= sizeof(g.line))
                g.len = sizeof(g.line) - 1;
}

static void put(void)
{
        g.line[g.len++] = '\n';
        if (g.written + g.len > g.size) { /* the last line: cut to fit */
                g.len = (size_t)(g.size - g.written);
                g.line[g.len - 1] = '\n';
        }
        if (fwrite(g.line, 1, g.len, g.out) != g.len)
                die("write failed");
        g.written += g.len;
        g.lines++;
        g.len = 0;
}

/* The output's prefix; every prefix is at least 1 us later than the last. */
static void prefix(bool kernel, int prio)
{
        g.up_us = g.up_us > g.last_us ? g.up_us : g.last_us + 1;
        g.last_us = g.up_us;
        uint64_t s = g.up_us / 1000000, us = g.up_us % 1000000;
        time_t wall = (time_t)(BOOT_EPOCH + (int64_t)s);
        struct tm tm;
        gmtime_r(&wall, &tm);
        const char *who = kernel ? "kernel: " : "";
        switch (g.style) {
        case DMESG: add("[%5" PRIu64 ".%06" PRIu64 "] ", s, us); break;
        case DMESG_T:
                add("[%s %s %2d %02d:%02d:%02d %d] ", WDAY[tm.tm_wday], MON[tm.tm_mon],
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
                break;
        case SYSLOG:
        case SYSLOG_UP:
                add("%s %2d %02d:%02d:%02d %s %s", MON[tm.tm_mon], tm.tm_mday, tm.tm_hour,
                    tm.tm_min, tm.tm_sec, g.host, who);
                if (kernel && g.style == SYSLOG_UP)
                        add("[%5" PRIu64 ".%06" PRIu64 "] ", s, us);
                break;
        case JOURNAL:
                add("%s %02d %02d:%02d:%02d.%06" PRIu64 " %s %s", MON[tm.tm_mon], tm.tm_mday,
                    tm.tm_hour, tm.tm_min, tm.tm_sec, us, g.host, who);
                break;
        case KMSG: add("%d,%" PRIu64 ",%" PRIu64 ",-;", prio, g.seq++, g.up_us); break;
        }
}

static bool has_daemons(void)
{
        return g.style == SYSLOG || g.style == SYSLOG_UP || g.style == JOURNAL;
}

/* ---- reading the corpus: a line's prefix and its time */

static bool digits(const char **p, long *v)
{
        char *e;
        if (!isdigit((unsigned char)**p))
                return false;
        *v = strtol(*p, &e, 10);
        *p = e;
        return true;
}

/* "[ 123.456789] " (the "[" may be lost), then a caller id "[ T42]" */
static bool dmesg_stamp(const char **p, double *mono)
{
        const char *s = *p + (**p == '[');
        char *e;
        s += strspn(s, " ");
        if (!isdigit((unsigned char)*s))
                return false;
        double v = strtod(s, &e);
        if (*e != ']' || !memchr(s, '.', (size_t)(e - s)))
                return false;
        *mono = v;
        s = e + 1;
        const char *q = *s == '[' ? strchr(s, ']') : NULL;
        if (q && q - s > 2 && strspn(s + 1, " TC0123456789") == (size_t)(q - s - 1))
                s = q + 1;
        *p = s + (*s == ' ');
        return true;
}

static int month(const char *s)
{
        for (int i = 0; i < 12; i++)
                if (strncmp(s, MON[i], 3) == 0)
                        return i;
        return -1;
}

/* "Mon dd HH:MM:SS[.us] [host] tag: " or "[Www Mon dd HH:MM:SS YYYY] " */
static bool wall_stamp(const char **p, double *wall, bool *kernel)
{
        const char *s = *p;
        int d, h, m, sec, n = 0, year;
        if (s[0] == '[' && month(s + 5) >= 0 &&
            sscanf(s + 9, "%d %d:%d:%d %d]%n", &d, &h, &m, &sec, &year, &n) == 5 && n) {
                *wall = h * 3600 + m * 60 + sec;
                *kernel = true;
                *p = s + 9 + n + (s[9 + n] == ' ');
                return true;
        }
        if (month(s) < 0 || s[3] != ' ' ||
            sscanf(s + 4, "%d %d:%d:%d%n", &d, &h, &m, &sec, &n) != 4)
                return false;
        s += 4 + n;
        *wall = h * 3600 + m * 60 + sec;
        if (*s == '.')
                *wall += strtod(s, (char **)&s);
        if (*s++ != ' ')
                return false;
        const char *t1 = strchr(s, ' ');
        if (!t1)
                return false;
        if (t1[-1] != ':') /* a host name first */
                s = t1 + 1;
        *kernel = strncmp(s, "kernel: ", 8) == 0;
        *p = *kernel ? s + 8 : s;
        return true;
}

/* The line's kind and message, and its time as an offset from the report's
 * first line: the steps between lines of one clock are kept, but not
 * backwards and not longer than MAX_STEP (a report can span days). */
static void parse_line(char *text, struct line *l, double prev[2], double *last)
{
        const char *p = text;
        double t[2] = {-1, -1}; /* uptime, wall */
        bool kernel = true;
        long prio, seq, usec;
        l->prio = -1;
        if (digits(&p, &prio) && *p++ == ',' && digits(&p, &seq) && *p++ == ',' &&
            digits(&p, &usec) && *p == ',' && strchr(p, ';')) { /* /dev/kmsg */
                t[0] = (double)usec / 1e6;
                l->prio = (int)prio;
                p = strchr(p, ';') + 1;
        } else if (p = text, wall_stamp(&p, &t[1], &kernel)) {
                if (kernel)
                        dmesg_stamp(&p, &t[0]);
        } else if (p = text, !dmesg_stamp(&p, &t[0])) {
                p = text;
        }
        l->kind = t[0] < 0 && t[1] < 0 ? BARE : kernel ? KERNEL : DAEMON;
        l->msg = xstrdup(p);
        int c = t[0] >= 0 ? 0 : 1;
        double step = t[c] >= 0 && prev[c] >= 0 ? t[c] - prev[c] : 0;
        *last += step < 0 ? 0 : step > MAX_STEP ? MAX_STEP : step;
        l->off = *last;
        for (c = 0; c < 2; c++)
                prev[c] = t[c] >= 0 ? t[c] : prev[c];
}

static char *slurp(const char *path)
{
        FILE *f = fopen(path, "re");
        if (!f)
                die("cannot open %s", path);
        size_t n = 0, cap = 65536;
        char *buf = xrealloc(NULL, cap);
        for (size_t r; (r = fread(buf + n, 1, cap - n - 1, f)) > 0;)
                if ((n += r) == cap - 1)
                        buf = xrealloc(buf, cap *= 2);
        if (ferror(f))
                die("cannot read %s", path);
        fclose(f);
        buf[n] = 0;
        return buf;
}

static void load_labels(struct report *r, const char *path)
{
        char err[256], *json = slurp(path);
        yajl_val doc = yajl_tree_parse(json, err, sizeof(err));
        const char *kp[] = {"kills", NULL}, *pp[] = {"victim_pid", NULL}, *sp[] = {"scope", NULL};
        yajl_val kills = doc ? yajl_tree_get(doc, kp, yajl_t_array) : NULL;
        if (!kills)
                die("%s: no kills array (%s)", path, doc ? "" : err);
        r->nk = kills->u.array.len;
        r->kills = xrealloc(NULL, r->nk * sizeof(*r->kills));
        for (size_t i = 0; i < r->nk; i++) {
                yajl_val k = kills->u.array.values[i];
                yajl_val pid = yajl_tree_get(k, pp, yajl_t_any),
                         scope = yajl_tree_get(k, sp, yajl_t_string);
                if (!scope)
                        die("%s: kill %zu has no scope", path, i);
                r->kills[i].pid = pid && YAJL_IS_INTEGER(pid) ? (long)YAJL_GET_INTEGER(pid) : -1;
                snprintf(r->kills[i].scope, sizeof(r->kills[i].scope), "%s",
                         YAJL_GET_STRING(scope));
        }
        yajl_tree_free(doc);
        free(json);
}

static void load_report(struct report *r, const char *dir, const char *name)
{
        char path[4096];
        snprintf(r->name, sizeof(r->name), "%.*s", (int)(strlen(name) - 4), name);
        snprintf(path, sizeof(path), "%s/%s.json", dir, r->name);
        load_labels(r, path);
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        char *text = slurp(path);
        double prev[2] = {-1, -1}, last = 0;
        bool stamped = false;
        r->bytes = strlen(text);
        for (char *l = text, *nl; *l; l = nl ? nl + 1 : l + strlen(l)) {
                if ((nl = strchr(l, '\n')))
                        *nl = 0;
                l[strcspn(l, "\r")] = 0;
                r->lines = xrealloc(r->lines, (r->n + 1) * sizeof(*r->lines));
                parse_line(l, &r->lines[r->n], prev, &last);
                stamped |= r->lines[r->n++].kind != BARE;
        }
        for (size_t i = 0; !stamped && i < r->n; i++) /* an excerpt without prefixes */
                r->lines[i].kind = KERNEL;
        free(text);
}

static int by_name(const void *a, const void *b)
{
        return strcmp(((const struct report *)a)->name, ((const struct report *)b)->name);
}

static struct report *load_corpus(const char *dir, size_t *n)
{
        DIR *d = opendir(dir);
        if (!d)
                die("cannot open %s", dir);
        struct report *rs = NULL;
        *n = 0;
        for (struct dirent *e; (e = readdir(d));) {
                size_t l = strlen(e->d_name);
                if (l < 5 || l > 30 || strcmp(e->d_name + l - 4, ".log") != 0)
                        continue;
                rs = xrealloc(rs, (*n + 1) * sizeof(*rs));
                memset(&rs[*n], 0, sizeof(*rs));
                load_report(&rs[(*n)++], dir, e->d_name);
        }
        closedir(d);
        if (!*n)
                die("%s: no NNN.log", dir);
        qsort(rs, *n, sizeof(*rs), by_name);
        return rs;
}

/* ---- pids: "process N", "pid=N", "PID: N", "Pid: N", task-table rows */

static long new_pid(long old)
{
        if (old <= 1)
                return old;
        for (size_t i = 0; i < g.nmap; i++)
                if (g.map[i].from == old)
                        return g.map[i].to;
        g.next_pid += 1 + (unsigned)rnd(40);
        if (g.next_pid >= PID_MAX)
                g.next_pid = 300 + (unsigned)rnd(1000);
        if (g.nmap == g.cap_map)
                g.map = xrealloc(g.map, (g.cap_map = 2 * g.cap_map + 64) * sizeof(*g.map));
        g.map[g.nmap++] = (struct pidmap){old, g.next_pid};
        return g.next_pid;
}

/* The first of the keys in s that a number follows. */
static const char *pid_key(const char *s, const char **num)
{
        static const char *const keys[] = {"process ", "pid=", "PID: ", "Pid: "};
        const char *best = NULL;
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
                size_t kl = strlen(keys[k]);
                for (const char *h = s; (h = strstr(h, keys[k])) && (!best || h < best); h++)
                        if (isdigit((unsigned char)h[kl])) {
                                best = h;
                                *num = h + kl;
                                break;
                        }
        }
        return best;
}

/* Appends msg with its pids renumbered; a task-table row ("[  pid]   uid
 * tgid ...") has them in its first and third numbers. */
static void add_renumbered(const char *s)
{
        const char *d = s + 1 + strspn(s + 1, " ");
        int col = *s == '[' && isdigit((unsigned char)*d) && d[strspn(d, "0123456789")] == ']';
        for (const char *num; *s;) {
                if (col)
                        num = s + strcspn(s, "0123456789");
                else if (!pid_key(s, &num))
                        break;
                const char *from = num;
                long old;
                add("%.*s", (int)(num - s), s);
                if (!digits(&num, &old))
                        break;
                add("%*ld", col ? (int)(num - from) : 0, col == 2 ? old : new_pid(old));
                s = num;
                col = col && col < 3 ? col + 1 : 0;
        }
        add("%s", s);
}

static void replay(const struct report *r)
{
        uint64_t base = g.up_us, first_line = g.lines + 1;
        g.nmap = 0;
        for (size_t i = 0; i < r->n; i++) {
                const struct line *l = &r->lines[i];
                uint64_t t = base + (uint64_t)(l->off * 1e6);
                g.up_us = t > g.up_us ? t : g.up_us;
                if (l->kind == DAEMON && !has_daemons())
                        continue;
                if (l->kind != BARE) /* a daemon line's message is "tag: text" */
                        prefix(l->kind == KERNEL, l->prio >= 0 ? l->prio : 4);
                add_renumbered(l->msg);
                put();
        }
        for (size_t i = 0; i < r->nk; i++) {
                long pid = r->kills[i].pid, to = -1;
                for (size_t m = 0; pid >= 0 && m < g.nmap && to < 0; m++)
                        if (g.map[m].from == pid)
                                to = g.map[m].to;
                if (pid >= 0 && to < 0)
                        die("%s: the labelled pid %ld is not printed where a pid is", r->name,
                            pid);
                if (to < 0)
                        fprintf(g.oracle, "null %s", r->kills[i].scope);
                else
                        fprintf(g.oracle, "%ld %s", to, r->kills[i].scope);
                fprintf(g.oracle, " %s:%" PRIu64 "\n", r->name, first_line);
        }
}

/* ---- noise */

static struct tmpl *load_noise(const char *path, size_t *n, unsigned *total)
{
        char *text = slurp(path), *save = NULL;
        struct tmpl *ts = NULL;
        *n = 0;
        *total = 0;
        for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char kind;
                unsigned w;
                int off = 0;
                if (*l == '+' && *n) {
                        struct tmpl *t = &ts[*n - 1];
                        t->lines = xrealloc(t->lines, (t->n + 1) * sizeof(char *));
                        t->lines[t->n++] = xstrdup(l + 1);
                } else if (sscanf(l, "%u %c %n", &w, &kind, &off) == 2 && off &&
                           (kind == 'k' || kind == 'u')) {
                        ts = xrealloc(ts, (*n + 1) * sizeof(*ts));
                        ts[*n] = (struct tmpl){kind == 'k', w, xrealloc(NULL, sizeof(char *)), 1};
                        ts[(*n)++].lines[0] = xstrdup(l + off);
                        *total += w;
                } else if (*l != '#' && strspn(l, " \t") != strlen(l)) {
                        die("%s: bad template line: %s", path, l);
                }
        }
        free(text);
        if (!*total)
                die("%s: no templates", path);
        return ts;
}

static void add_expanded(const char *s)
{
        for (; *s; s++) {
                if (*s != '{' || !strchr(s, '}')) {
                        g.line[g.len < LINE_CAP ? g.len++ : g.len] = *s;
                } else if (!strncmp(s, "{pid}", 5)) {
                        add("%u", 300 + (unsigned)rnd(PID_MAX - 300)), s += 4;
                } else if (!strncmp(s, "{n}", 3)) {
                        add("%u", (unsigned)rnd(100)), s += 2;
                } else if (!strncmp(s, "{num}", 5)) {
                        add("%u", (unsigned)rnd(100000)), s += 4;
                } else if (!strncmp(s, "{hex}", 5)) {
                        add("%08x", (unsigned)rnd(UINT32_MAX)), s += 4;
                } else if (!strncmp(s, "{id}", 4)) {
                        add("%016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64, rnext(),
                            rnext(), rnext(), rnext()),
                                s += 3;
                } else if (!strncmp(s, "{uuid}", 6)) {
                        uint64_t a = rnext(), b = rnext();
                        add("%08x-%04x-4%03x-a%03x-%012" PRIx64, (unsigned)(a >> 32),
                            (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
                            (unsigned)(b >> 52), b & UINT64_C(0xffffffffffff)),
                                s += 5;
                } else if (!strncmp(s, "{ip}", 4)) {
                        add("%u.%u.%u.%u", 23 + (unsigned)rnd(200), (unsigned)rnd(256),
                            (unsigned)rnd(256), 1 + (unsigned)rnd(254)),
                                s += 3;
                } else if (!strncmp(s, "{iso}", 5)) {
                        time_t w = (time_t)(BOOT_EPOCH + (int64_t)(g.up_us / 1000000));
                        struct tm tm;
                        gmtime_r(&w, &tm);
                        add("%04d-%02d-%02dT%02d:%02d:%02d.%06" PRIu64 "123Z", tm.tm_year + 1900,
                            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                            g.up_us % 1000000),
                                s += 4;
                } else {
                        g.line[g.len < LINE_CAP ? g.len++ : g.len] = *s;
                }
        }
}

static void noise(const struct tmpl *ts, unsigned total)
{
        unsigned r = (unsigned)rnd(total);
        size_t i = 0;
        while (r >= ts[i].weight)
                r -= ts[i++].weight;
        if (!ts[i].kernel && !has_daemons())
                return;
        g.up_us += 1000 + rnd(400000);
        for (size_t k = 0; k < ts[i].n && g.written < g.size; k++) {
                g.up_us += rnd(30);
                prefix(ts[i].kernel, 6);
                add_expanded(ts[i].lines[k]);
                put();
        }
}

/* The cases in a shuffled order, each once per round. */
static const struct report *next_case(const struct report *cases, size_t n, bool take)
{
        static size_t *order, next;
        if (!order || next == n) {
                order = order ? order : xrealloc(NULL, n * sizeof(*order));
                for (size_t i = 0; i < n; i++)
                        order[i] = i;
                for (size_t i = n - 1; i > 0; i--) {
                        size_t j = (size_t)rnd(i + 1), t = order[i];
                        order[i] = order[j], order[j] = t;
                }
                next = 0;
        }
        return &cases[order[take ? next++ : next]];
}

int main(int argc, char **argv)
{
        static char buf[1 << 20];
        static struct report *cases;
        static struct tmpl *ts;
        size_t ncases, ntmpl, nstyle = 0, reports = 0, kills = 0;
        unsigned total;
        char *end;
        if (argc != 6)
                die("usage: gen-oomlog SIZE_MIB OUT_LOG OUT_KILLS CORPUS_DIR NOISE_FILE");
        unsigned long mib = strtoul(argv[1], &end, 10);
        if (*end || mib == 0 || mib > 65536)
                die("SIZE_MIB must be 1..65536, got '%s'", argv[1]);
        cases = load_corpus(argv[4], &ncases);
        ts = load_noise(argv[5], &ntmpl, &total);
        if (!(g.out = fopen(argv[2], "we")) || !(g.oracle = fopen(argv[3], "we")))
                die("cannot create %s or %s", argv[2], argv[3]);
        setvbuf(g.out, buf, _IOFBF, sizeof(buf));
        g.rng = SEED;
        g.size = mib * MIB;
        g.up_us = START_UP_US;
        g.seq = 931379;
        g.next_pid = 1000;

        for (uint64_t chunk_end = 0; g.written < g.size;) {
                if (g.written >= chunk_end) { /* a new host */
                        g.style = style_cycle[nstyle++ %
                                              (sizeof(style_cycle) / sizeof(style_cycle[0]))];
                        g.host = hosts[rnd(sizeof(hosts) / sizeof(hosts[0]))];
                        chunk_end = g.written + MIB / 2 + rnd(2 * MIB);
                }
                uint64_t gap = g.written + MIB / REPORTS_PER_MIB / 2 + rnd(MIB / REPORTS_PER_MIB);
                while (g.written < g.size && g.written < gap)
                        noise(ts, total);
                if (g.size - g.written < 2 * next_case(cases, ncases, false)->bytes + 65536)
                        continue; /* no room for a whole report: noise to the end */
                const struct report *r = next_case(cases, ncases, true);
                g.up_us += REPORT_GAP_US;
                replay(r);
                g.up_us += REPORT_GAP_US;
                reports++;
                kills += r->nk;
        }
        if (fclose(g.out) != 0 || fclose(g.oracle) != 0)
                die("cannot write %s or %s", argv[2], argv[3]);
        fprintf(stderr,
                "gen-oomlog: %s: %" PRIu64 " bytes, %zu reports of %zu cases, %zu kills\n",
                argv[2], g.written, reports, ncases, kills);
        printf("%zu\n", kills);
        return 0;
}
