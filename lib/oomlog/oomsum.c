/* SPDX-License-Identifier: MIT */
/* The two OOM messages that name memcg paths: the oom-kill summary (4.19+)
 * and "Task in X killed as a result of limit of Y" (before). Cgroup names
 * may hold ',', '=' and blanks, so a name can spell the separators:
 * "oom_memcg=/A/q,task_memcg=/B,task_memcg=/A/q,task_memcg=/B" is a
 * cgroup q,task_memcg= (with B below it) in /A. These parsers try every
 * way of reading the line that the kernel's format allows, with what the
 * kernel guarantees (the victim lives in the OOM memcg's subtree, a comm
 * is at most 15 bytes, a cpuset name holds no '/'), and give paths only
 * when one reading is left: never a guess. */
#define _GNU_SOURCE
#include "oommsg.h"

#include "scan.h"
#include "util.h"

#include <string.h>

#define COMM_MAX 15   /* TASK_COMM_LEN - 1 */
#define SPLITS_MAX 16 /* occurrences of one separator tried */

static const char K_OOM[] = ",oom_memcg=", K_TASK_MEMCG[] = ",task_memcg=",
                  K_GLOBAL[] = ",global_oom", K_TASK[] = ",task=", K_PID[] = ",pid=",
                  K_UID[] = ",uid=", K_MEMS[] = ",mems_allowed=", K_NODEMASK[] = ",nodemask=",
                  K_CPUSET[] = ",cpuset=";
#define LEN(k) (sizeof(k) - 1)

static struct span span_of(const char *b, const char *e)
{
        return (struct span){b, (size_t)(e - b)};
}

static bool is_path(struct span s)
{
        return s.p && s.n > 0 && s.p[0] == '/';
}

/* t is o or a cgroup below it */
/* o with a part elided by whoever pasted it ("/lxc.payload....-lxc/k"):
 * t starts with the part before the dots and holds the part after them,
 * ending at a path boundary. */
static bool under_elided(struct span t, struct span o)
{
        const char *d = memmem(o.p, o.n, "...", 3);
        if (!d)
                return false;
        const char *e = d + 3;
        while (e < o.p + o.n && *e == '.')
                e++;
        size_t pre = (size_t)(e - 3 - o.p), suf = (size_t)(o.p + o.n - e);
        if (memmem(e, suf, "...", 3) || t.n < pre + suf || memcmp(t.p, o.p, pre) != 0)
                return false;
        for (size_t i = pre; i + suf <= t.n; i++)
                if (memcmp(t.p + i, e, suf) == 0 && (i + suf == t.n || t.p[i + suf] == '/'))
                        return true;
        return false;
}

static bool under(struct span t, struct span o)
{
        if (!is_path(t) || !is_path(o))
                return false;
        if (t.n < o.n || memcmp(t.p, o.p, o.n) != 0)
                return under_elided(t, o);
        return t.n == o.n || o.n == 1 || t.p[o.n] == '/';
}

static bool span_same(struct span a, struct span b)
{
        return a.n == b.n && (a.n == 0 || (a.p && b.p && memcmp(a.p, b.p, a.n) == 0));
}

/* Occurrences of lit in [b, e), at most max; the count found. */
static size_t find_all(const char *b, const char *e, const char *lit, const char **out,
                       size_t max)
{
        size_t k = 0, ln = strlen(lit);
        for (const char *q = b; k < max && q < e;) {
                const char *f = memmem(q, (size_t)(e - q), lit, ln);
                if (!f)
                        break;
                out[k++] = f;
                q = f + 1;
        }
        return k;
}

static bool all_digits(const char *b, const char *e)
{
        if (b == e)
                return false;
        for (; b < e; b++)
                if (!scan_is_digit(*b))
                        return false;
        return true;
}

/* "0-1,3": a node list as %*pbl prints it; ends before a ",<letter>". */
static const char *skip_nodelist(const char *p, const char *e)
{
        while (p < e && (scan_is_digit(*p) || *p == '-' ||
                         (*p == ',' && p + 1 < e && scan_is_digit(p[1]))))
                p++;
        return p;
}

/* ",pid=N,uid=N" ending the line: where ",pid=" is, or NULL. */
static const char *summary_tail(const char *m, size_t n, int64_t *pid, int64_t *uid)
{
        struct scan s = scan_make(m, n);
        const char *u = scan_rfind(&s, K_UID);
        if (!u || !all_digits(u + LEN(K_UID), m + n))
                return NULL;
        struct scan b = scan_make(m, (size_t)(u - m));
        const char *p = scan_rfind(&b, K_PID);
        if (!p || !all_digits(p + LEN(K_PID), u))
                return NULL;
        struct scan t = {p + LEN(K_PID), u}, v = {u + LEN(K_UID), m + n};
        if (!scan_i64(&t, pid) || !scan_i64(&v, uid))
                return NULL;
        return p;
}

/* Before the memcg part at s: [",nodemask=" list] [",cpuset=" name
 * ",mems_allowed=" list]. The list after the last ",mems_allowed=" runs
 * to s, so only one split is possible; the name holds no '/' but is "/"
 * for the root cpuset. */
static bool prefix_ok(const char *b, const char *s, struct span *cpuset)
{
        struct scan c = {b, s};
        *cpuset = (struct span){NULL, 0};
        if (scan_lit(&c, K_NODEMASK) && !scan_lit(&c, "(null)"))
                c.p = skip_nodelist(c.p, s);
        if (c.p == s)
                return true;
        if (!scan_lit(&c, K_CPUSET))
                return false;
        const char *ma = scan_rfind(&c, K_MEMS);
        if (!ma || skip_nodelist(ma + LEN(K_MEMS), s) != s)
                return false;
        struct span name = span_of(c.p, ma);
        if (memchr(name.p, '/', name.n) && !(name.n == 1 && name.p[0] == '/'))
                return false;
        *cpuset = name;
        return true;
}

struct reading {
        struct span cpuset, oom_memcg, task_memcg, task;
        bool global_oom;
};

struct readings {
        struct reading first;
        size_t n;
        bool paths_differ, task_differs, cpuset_differs;
};

static void add_reading(struct readings *rs, const struct reading *r)
{
        if (rs->n++ == 0) {
                rs->first = *r;
                return;
        }
        const struct reading *f = &rs->first;
        rs->paths_differ |= f->global_oom != r->global_oom ||
                            !span_same(f->oom_memcg, r->oom_memcg) ||
                            !span_same(f->task_memcg, r->task_memcg);
        rs->task_differs |= !span_same(f->task, r->task);
        rs->cpuset_differs |= !span_same(f->cpuset, r->cpuset);
}

/* The memcg part [s, t): ",global_oom[,task_memcg=T]" or
 * ",oom_memcg=O,task_memcg=T" with T in O's subtree, every split tried. */
static void memcg_readings(const char *s, const char *t, struct reading *r, struct readings *rs)
{
        struct scan x = {s, t};
        if (scan_lit(&x, K_GLOBAL)) {
                r->global_oom = true;
                r->oom_memcg = (struct span){NULL, 0};
                r->task_memcg = (struct span){NULL, 0};
                if (x.p == t || (scan_lit(&x, K_TASK_MEMCG) && is_path(span_of(x.p, t)))) {
                        if (x.p != t)
                                r->task_memcg = span_of(x.p, t);
                        add_reading(rs, r);
                }
                return;
        }
        if (!scan_lit(&x, K_OOM))
                return;
        const char *k[SPLITS_MAX];
        size_t nk = find_all(x.p, t, K_TASK_MEMCG, k, SPLITS_MAX);
        r->global_oom = false;
        for (size_t i = 0; i < nk; i++) {
                r->oom_memcg = span_of(x.p, k[i]);
                r->task_memcg = span_of(k[i] + LEN(K_TASK_MEMCG), t);
                if (under(r->task_memcg, r->oom_memcg))
                        add_reading(rs, r);
        }
}

/* Every reading of a whole line; p is its ",pid=". */
static void summary_readings(const char *c_end, const char *p, struct readings *rs)
{
        const char *starts[2 * SPLITS_MAX], *tasks[4];
        size_t ns = find_all(c_end, p, K_OOM, starts, SPLITS_MAX);
        ns += find_all(c_end, p, K_GLOBAL, starts + ns, SPLITS_MAX);
        const char *lo = (size_t)(p - c_end) > COMM_MAX + LEN(K_TASK)
                                 ? p - (COMM_MAX + LEN(K_TASK))
                                 : c_end;
        size_t nt = find_all(lo, p, K_TASK, tasks, ARRAY_SIZE(tasks));
        for (size_t i = 0; i < ns; i++) {
                struct reading r;
                if (!prefix_ok(c_end, starts[i], &r.cpuset))
                        continue;
                for (size_t j = 0; j < nt; j++) {
                        if (tasks[j] < starts[i])
                                continue;
                        r.task = span_of(tasks[j] + LEN(K_TASK), p);
                        memcg_readings(starts[i], tasks[j], &r, rs);
                }
        }
}

/* Value of key running to the next key of the format (a cut line). */
static struct span cut_value(const char *b, const char *e, const char *key)
{
        static const char *const keys[] = {K_NODEMASK,   K_CPUSET, K_MEMS, K_GLOBAL, K_OOM,
                                           K_TASK_MEMCG, K_TASK,   K_PID,  K_UID};
        struct scan s = {b, e};
        const char *k = scan_find(&s, key);
        if (!k)
                return (struct span){NULL, 0};
        const char *v = k + strlen(key), *end = e;
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                const char *q = memmem(v, (size_t)(e - v), keys[i], strlen(keys[i]));
                if (q && q < end)
                        end = q;
        }
        return om_trim_value(span_of(v, end));
}

static int64_t number_after(const char *b, const char *e)
{
        struct scan s = {b, e};
        int64_t v;
        return scan_i64(&s, &v) ? v : OG_NONE;
}

static size_t count_of(const char *b, const char *e, const char *lit)
{
        const char *k[2];
        return find_all(b, e, lit, k, 2);
}

/* A line cut before its end (pasted, paged, or a record the kernel split),
 * or a pasted one no reading fits (redacted, retyped): the first value of
 * each key, unless a key repeats. From the kernel's own log (strict) also
 * unless the victim's memcg is outside the OOM memcg's subtree (or a
 * cut-off start of it). */
static void summary_cut(const char *b, const char *e, bool strict, struct om_summary *ret)
{
        ret->cpuset = cut_value(b, e, K_CPUSET);
        struct scan s = {b, e};
        const char *g = scan_find(&s, K_GLOBAL);
        struct scan after = {g ? g + LEN(K_GLOBAL) : e, e};
        ret->global_oom = g && (after.p == e || scan_lit(&after, ",task"));
        struct span o = ret->global_oom ? (struct span){NULL, 0} : cut_value(b, e, K_OOM);
        struct span t = cut_value(b, e, K_TASK_MEMCG);
        const char *tk = scan_find(&s, K_TASK);
        if (tk) { /* a comm may hold commas: it runs to the last ",pid=" */
                struct scan rest = {tk + LEN(K_TASK), e};
                const char *q = scan_rfind(&rest, K_PID);
                ret->task = om_trim_value(span_of(rest.p, q ? q : e));
                ret->pid = q ? number_after(q + LEN(K_PID), e) : OG_NONE;
                const char *u = q ? memmem(q, (size_t)(e - q), K_UID, LEN(K_UID)) : NULL;
                ret->uid = u ? number_after(u + LEN(K_UID), e) : OG_NONE;
        }
        bool repeated = count_of(b, e, K_OOM) > 1 || count_of(b, e, K_TASK_MEMCG) > 1 ||
                        count_of(b, e, K_GLOBAL) > 1;
        bool cut_t = t.p && o.p && t.n < o.n && memcmp(t.p, o.p, t.n) == 0;
        if (repeated || (strict && o.n && t.n && !under(t, o) && !cut_t))
                return; /* paths unknown */
        ret->oom_memcg = o;
        ret->task_memcg = t;
}

bool om_parse_summary(const char *m, size_t n, bool strict, struct om_summary *ret)
{
        static const char lead[] = "oom-kill:constraint=";
        memset(ret, 0, sizeof(*ret));
        ret->pid = ret->uid = OG_NONE;
        if (!og_startswith(m, n, "oom-kill:"))
                return false;
        n = scan_rtrim(m, n);
        const char *c_end = m + 9; /* after "oom-kill:" */
        if (og_startswith(m, n, lead)) {
                const char *c = m + sizeof(lead) - 1;
                const char *comma = memchr(c, ',', n - (sizeof(lead) - 1));
                c_end = comma ? comma : m + n;
                ret->constraint = om_trim_value(span_of(c, c_end));
        }
        int64_t pid, uid;
        const char *p = summary_tail(m, n, &pid, &uid);
        struct readings rs = {0};
        if (p)
                summary_readings(c_end, p, &rs);
        if (rs.n == 0) {
                summary_cut(c_end, m + n, strict, ret);
                if (p && strict) { /* a whole line of the kernel's log that no
                                    * reading fits is not the kernel's */
                        ret->oom_memcg = ret->task_memcg = (struct span){NULL, 0};
                        ret->global_oom = false;
                }
                if (p) {
                        ret->pid = pid;
                        ret->uid = uid;
                }
                if (ret->pid < 0)
                        ret->pid = OG_NONE; /* pids are never negative */
                return true;
        }
        ret->pid = pid < 0 ? OG_NONE : pid;
        ret->uid = uid;
        if (!rs.paths_differ) {
                ret->global_oom = rs.first.global_oom;
                ret->oom_memcg = rs.first.oom_memcg;
                ret->task_memcg = rs.first.task_memcg;
        } else {
                /* several readings: whether it was global may still be sure */
                ret->global_oom = rs.first.global_oom && count_of(c_end, p, K_OOM) == 0;
        }
        if (!rs.task_differs)
                ret->task = rs.first.task;
        if (!rs.cpuset_differs)
                ret->cpuset = rs.first.cpuset;
        return true;
}

bool om_parse_task_in(const char *m, size_t n, bool strict, struct om_task_in *ret)
{
        static const char mid[] = " killed as a result of limit of ";
        memset(ret, 0, sizeof(*ret));
        if (!og_startswith(m, n, "Task in "))
                return false;
        const char *b = m + 8, *e = m + n;
        const char *k[SPLITS_MAX];
        size_t nk = find_all(b, e, mid, k, SPLITS_MAX);
        if (nk == 0) { /* cut before the limit: the task's memcg may be partial */
                ret->task_memcg = om_trim_value(span_of(b, e));
                return true;
        }
        size_t valid = 0;
        struct om_task_in r = {{NULL, 0}, {NULL, 0}};
        for (size_t i = 0; i < nk; i++) {
                struct span t = om_trim_value(span_of(b, k[i]));
                struct span o = om_trim_value(span_of(k[i] + sizeof(mid) - 1, e));
                /* a pasted line may be cut inside the limit's path */
                bool cut_o = nk == 1 && is_path(o) && o.n < t.n && memcmp(t.p, o.p, o.n) == 0;
                if (under(t, o) || cut_o) {
                        valid++;
                        r = (struct om_task_in){t, o};
                }
        }
        if (valid == 1) /* several readings: paths unknown */
                *ret = r;
        else if (valid == 0 && nk == 1 && !strict) /* pasted: redacted, retyped */
                *ret = (struct om_task_in){om_trim_value(span_of(b, k[0])),
                                           om_trim_value(span_of(k[0] + sizeof(mid) - 1, e))};
        return true;
}
