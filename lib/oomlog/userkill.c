/* SPDX-License-Identifier: MIT */
/* Every rule below is taken from real logs (tests/corpus/real r43-r48 and
 * the issues their sidecars name); formats nobody has shown are left out. */
#define _GNU_SOURCE
#include "userkill.h"

#include "scan.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define UK_MAX_STR 4096

static struct uk_span span(const char *b, const char *e)
{
        return (struct uk_span){b, e > b ? (size_t)(e - b) : 0};
}

static struct uk_span rest(const struct scan *s)
{
        return span(s->p, s->p + scan_rtrim(s->p, scan_left(s)));
}

/* The text up to lit (not included); s moves past lit. */
static bool until(struct scan *s, const char *lit, struct uk_span *ret)
{
        const char *q = scan_find(s, lit);
        if (!q)
                return false;
        *ret = span(s->p, q);
        s->p = q + strlen(lit);
        return true;
}

static bool number(struct scan *s, int64_t *ret)
{
        scan_skip_spaces(s);
        return scan_digits(s) > 0 && scan_i64(s, ret);
}

/* "SIGTERM" at s: the signal's name, up to a space. */
static struct uk_span sig_word(struct scan *s)
{
        const char *b = s->p;
        while (s->p < s->end && !scan_is_space(*s->p))
                s->p++;
        return span(b, s->p);
}

/* systemd-oomd (v247+):
 * "Killed <cgroup> due to memory pressure for <cgroup> being 51.07% > 50.00%
 *  for > 20s with reclaim activity",
 * "Killed <cgroup> due to memory used (N) / total (N) and swap used (N) /
 *  total (N) being more than 90.00%",
 * and since v256 the same reasons as "Marked <cgroup> for killing due to ...". */
static bool parse_oomd(struct scan *s, struct uk_line *r)
{
        const char *sep = scan_lit(s, "Killed ")   ? " due to "
                          : scan_lit(s, "Marked ") ? " for killing due to "
                                                   : NULL;
        if (!sep || !until(s, sep, &r->victim) || r->victim.n == 0)
                return false;
        r->reason = rest(s);
        r->kind = UK_LINE_KILL;
        return true;
}

/* earlyoom: "sending SIGTERM to process 29410 uid 1000 \"cluster\": badness
 * 1264, VmRSS 23964 MiB" (1.4+; 1.3 without "uid N"), "killing process 27541
 * \"bash\" with signal 15: badness 550, VmRSS 7609 MiB" (1.2), and the
 * reason printed before the kill: "low memory! at or below SIGTERM limits:
 * mem 10.00%, swap 10.00%". */
static bool earlyoom_victim(struct scan *s, struct uk_line *r)
{
        if (!number(s, &r->pid))
                return false;
        if (scan_lit(s, " uid ") && !number(s, &r->uid))
                return false;
        if (!scan_lit(s, " \"") || !until(s, "\"", &r->comm))
                return false;
        r->victim = r->comm;
        return true;
}

static bool parse_earlyoom(struct scan *s, struct uk_line *r)
{
        if (og_startswith(s->p, scan_left(s), "low memory! ")) {
                r->reason = rest(s); /* the whole line */
                r->kind = UK_LINE_REASON;
                return true;
        }
        if (scan_lit(s, "sending ")) {
                r->signal = sig_word(s);
                if (!og_startswith(r->signal.p, r->signal.n, "SIG") ||
                    !scan_lit(s, " to process") || !earlyoom_victim(s, r))
                        return false;
        } else if (scan_lit(s, "killing process")) {
                int64_t sig;
                if (!earlyoom_victim(s, r) || !scan_lit(s, " with signal ") || !number(s, &sig))
                        return false;
                static const char term[] = "SIGTERM", kill[] = "SIGKILL";
                if (sig == 15)
                        r->signal = span(term, term + 7);
                else if (sig == 9)
                        r->signal = span(kill, kill + 7);
        } else {
                return false;
        }
        if (scan_lit(s, ": "))
                r->detail = rest(s);
        r->kind = UK_LINE_KILL;
        return true;
}

/* nohang (0.1-0.2): a block per corrective action: "Memory status that
 * requires corrective actions:", the thresholds crossed ("MemAvailable
 * [48 MiB, 0.4 %] <= soft_threshold_min_mem [710 MiB, 6.0 %]", "SwapFree
 * [...] <= ...", "PSI avg (92.97) > sigterm_psi_threshold (90.0)"), the
 * victim ("Victim status ...:" then "Name: python3", "PID: 32706",
 * "EUID: 1000", or "PID: 12297, Name: tail, badness: 727"), then
 * "Implement a corrective action:" and "Send SIGTERM to the victim; total
 * response time: 2255 ms". */
static bool parse_nohang(struct scan *s, struct uk_line *r)
{
        if (scan_lit(s, "Send ")) {
                r->signal = sig_word(s);
                if (!og_startswith(r->signal.p, r->signal.n, "SIG") ||
                    !scan_lit(s, " to the victim"))
                        return false;
                if (scan_lit(s, "; "))
                        r->detail = rest(s);
                r->kind = UK_LINE_KILL;
                return true;
        }
        if (og_startswith(s->p, scan_left(s), "Memory status that requires")) {
                r->kind = UK_LINE_REASONS;
                return true;
        }
        if (og_startswith(s->p, scan_left(s), "Victim status") ||
            og_startswith(s->p, scan_left(s), "Process with highest badness")) {
                r->kind = UK_LINE_VICTIMS;
                return true;
        }
        if (og_startswith(s->p, scan_left(s), "MemAvailable [") ||
            og_startswith(s->p, scan_left(s), "SwapFree [") ||
            og_startswith(s->p, scan_left(s), "PSI avg (")) {
                r->reason = rest(s);
                r->kind = UK_LINE_REASON;
                return true;
        }
        if (scan_lit(s, "PID:")) {
                if (!number(s, &r->pid))
                        return false;
                if (scan_lit(s, ", Name: ") && !until(s, ",", &r->comm))
                        r->comm = rest(s);
        } else if (scan_lit(s, "Name:")) {
                scan_skip_spaces(s);
                r->comm = rest(s);
        } else if (scan_lit(s, "EUID:")) {
                if (!number(s, &r->uid))
                        return false;
        } else {
                return false;
        }
        r->kind = UK_LINE_VICTIM;
        return true;
}

/* lmkd (Android 11+, tag lowmemorykiller): "Kill 'com.foo' (17933), uid
 * 10446, oom_score_adj 0 to free 140528kB rss, 37404kB swap; reason: device
 * is not responding". */
static bool parse_lmkd(struct scan *s, struct uk_line *r)
{
        if (!scan_lit(s, "Kill '") || !until(s, "' (", &r->comm) || !number(s, &r->pid) ||
            !scan_char(s, ')'))
                return false;
        r->victim = r->comm;
        if (scan_lit(s, ", uid ") && number(s, &r->uid))
                scan_lit(s, ", ");
        if (!until(s, "; reason: ", &r->detail))
                r->detail = rest(s);
        else
                r->reason = rest(s);
        r->kind = UK_LINE_KILL;
        return true;
}

/* klog's "I1012 19:34:45.445172    2480 eviction_manager.go:595] ". */
static void skip_klog(struct scan *s)
{
        struct scan t = *s;
        if (scan_left(&t) < 6 || !strchr("IWEF", *t.p) || !scan_is_digit(t.p[1]))
                return;
        size_t max = scan_left(&t) < 96 ? scan_left(&t) : 96;
        const char *b = memmem(t.p, max, "] ", 2);
        if (b)
                s->p = b + 2;
}

/* A klog value: "x" or x, up to the next space (or the closing quote). */
static struct uk_span klog_value(struct scan *s)
{
        if (scan_char(s, '"')) {
                const char *q = memchr(s->p, '"', scan_left(s));
                return span(s->p, q ? q : s->end);
        }
        const char *b = s->p;
        if (s->p < s->end && *s->p == '[') { /* pods=[a b] */
                const char *q = memchr(s->p, ']', scan_left(s));
                return span(b, q ? q + 1 : s->end);
        }
        while (s->p < s->end && !scan_is_space(*s->p))
                s->p++;
        return span(b, s->p);
}

/* The kubelet's eviction manager (1.21+ structured klog):
 * "Eviction manager: attempting to reclaim" resourceName="memory",
 * "Eviction manager: pod is evicted successfully" pod="default/nginx",
 * "Eviction manager: pods evicted, waiting for pod to be cleaned up"
 * pods=[default/mysql]; before 1.21 "eviction manager: attempting to
 * reclaim memory". */
static bool parse_kubelet(struct scan *s, struct uk_line *r)
{
        skip_klog(s);
        if (scan_lit(s, "\"Eviction manager: attempting to reclaim\" resourceName=")) {
                r->reason = klog_value(s);
                r->kind = UK_LINE_RECLAIM;
        } else if (scan_lit(s, "eviction manager: attempting to reclaim ")) {
                r->reason = rest(s);
                r->kind = UK_LINE_RECLAIM;
        } else if (scan_lit(s, "\"Eviction manager: pod is evicted successfully\" pod=")) {
                r->victim = klog_value(s);
                r->kind = UK_LINE_KILL;
        } else if (scan_lit(s, "\"Eviction manager: pods evicted, waiting for pod to be "
                               "cleaned up\" pods=")) {
                r->victim = klog_value(s);
                r->pod_list = true;
                r->kind = UK_LINE_KILL;
        }
        return r->kind != UK_LINE_NONE && (r->victim.n > 0 || r->reason.n > 0);
}

static const struct {
        const char *name;
        const char *idents[3];
        bool (*parse)(struct scan *s, struct uk_line *r);
} tools[UK_TOOL_COUNT] = {
        [UK_SYSTEMD_OOMD] = {"systemd-oomd", {"systemd-oomd"}, parse_oomd},
        [UK_EARLYOOM] = {"earlyoom", {"earlyoom"}, parse_earlyoom},
        [UK_NOHANG] = {"nohang", {"nohang", "nohang-desktop"}, parse_nohang},
        [UK_LMKD] = {"lmkd", {"lowmemorykiller"}, parse_lmkd},
        [UK_KUBELET] = {"kubelet-eviction", {"kubelet"}, parse_kubelet},
};

const char *uk_tool_name(enum uk_tool t)
{
        return t > UK_NONE && t < UK_TOOL_COUNT ? tools[t].name : "";
}

enum uk_tool uk_tool_of(const char *ident, size_t len)
{
        const char *b = memchr(ident, '[', len);
        if (b)
                len = (size_t)(b - ident);
        while (len > 0 && (ident[len - 1] == ':' || scan_is_space(ident[len - 1])))
                len--;
        for (int t = UK_NONE + 1; t < UK_TOOL_COUNT; t++)
                for (size_t i = 0; i < ARRAY_SIZE(tools[t].idents) && tools[t].idents[i]; i++)
                        if (strlen(tools[t].idents[i]) == len &&
                            memcmp(tools[t].idents[i], ident, len) == 0)
                                return (enum uk_tool)t;
        return UK_NONE;
}

bool uk_parse(enum uk_tool t, const char *msg, size_t len, struct uk_line *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->pid = ret->uid = OG_NONE;
        if (t <= UK_NONE || t >= UK_TOOL_COUNT)
                return false;
        struct scan s = scan_make(msg, len);
        scan_skip_spaces(&s);
        if (tools[t].parse(&s, ret))
                return true;
        memset(ret, 0, sizeof(*ret));
        ret->pid = ret->uid = OG_NONE;
        return false;
}

/* ---- gathering records ---- */

void uk_log_init(struct uk_log *l)
{
        memset(l, 0, sizeof(*l));
        l->victim_pid = l->victim_uid = OG_NONE;
}

void user_kill_clear(struct user_kill *k)
{
        free(k->victim), free(k->victim_comm), free(k->signal);
        free(k->reason), free(k->detail), free(k->timestamp);
        memset(k, 0, sizeof(*k));
}

void uk_log_free(struct uk_log *l)
{
        for (size_t i = 0; i < l->n; i++)
                user_kill_clear(&l->v[i]);
        free(l->v);
        for (int t = 0; t < UK_TOOL_COUNT; t++)
                free(l->reason[t]);
        free(l->victim_comm);
        uk_log_init(l);
}

static char *dup_span(struct uk_span s)
{
        return s.n ? og_strndup(s.p, s.n, UK_MAX_STR) : NULL;
}

static char *dup_str(const char *s)
{
        return s ? strdup(s) : NULL;
}

static struct user_kill *new_record(struct uk_log *l, enum uk_tool t)
{
        if (l->n >= UK_MAX_RECORDS) {
                l->dropped++;
                return NULL;
        }
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 8;
                struct user_kill *v = realloc(l->v, cap * sizeof(*v));
                if (!v)
                        return NULL;
                l->v = v;
                l->cap = cap;
        }
        struct user_kill *k = &l->v[l->n++];
        memset(k, 0, sizeof(*k));
        k->killer = uk_tool_name(t);
        k->victim_pid = k->victim_uid = OG_NONE;
        return k;
}

/* The kubelet logs one eviction up to twice ("pod is evicted successfully",
 * then "pods evicted, waiting ..."): one record per pod and reclaim. */
static bool evicted_already(const struct uk_log *l, struct uk_span pod)
{
        for (size_t i = l->reclaim_start; i < l->n; i++) {
                const struct user_kill *k = &l->v[i];
                if (k->killer == tools[UK_KUBELET].name && k->victim &&
                    strlen(k->victim) == pod.n && memcmp(k->victim, pod.p, pod.n) == 0)
                        return true;
        }
        return false;
}

static int add_kill(struct uk_log *l, enum uk_tool t, const struct uk_line *u,
                    struct uk_span victim, const char *ts, size_t ts_len)
{
        if (t == UK_KUBELET && (l->reclaim_other || evicted_already(l, victim)))
                return 0; /* not a memory eviction, or logged before */
        size_t before = l->dropped;
        struct user_kill *k = new_record(l, t);
        if (!k)
                return l->dropped > before ? 0 : -ENOMEM;
        k->victim = dup_span(victim);
        k->victim_comm = dup_span(u->comm);
        k->victim_pid = u->pid;
        k->victim_uid = u->uid;
        if (t == UK_NOHANG) { /* the victim its status block named */
                if (!k->victim_comm)
                        k->victim_comm = dup_str(l->victim_comm);
                if (!k->victim)
                        k->victim = dup_str(k->victim_comm);
                k->victim_pid = l->victim_pid;
                k->victim_uid = l->victim_uid;
        }
        k->signal = dup_span(u->signal);
        k->reason = u->reason.n ? dup_span(u->reason) : dup_str(l->reason[t]);
        k->detail = dup_span(u->detail);
        k->timestamp = ts_len ? og_strndup(ts, ts_len, UK_MAX_STR) : NULL;
        if ((victim.n && !k->victim) || (u->comm.n && !k->victim_comm) ||
            (u->signal.n && !k->signal) || (ts_len && !k->timestamp))
                return -ENOMEM;
        return 0;
}

/* "[ns/a ns/b]" or "[ns/a,ns/b]": each pod. */
static int add_pods(struct uk_log *l, const struct uk_line *u, const char *ts, size_t ts_len)
{
        struct scan s = scan_make(u->victim.p, u->victim.n);
        scan_char(&s, '[');
        while (s.p < s.end) {
                while (s.p < s.end && (scan_is_space(*s.p) || *s.p == ',' || *s.p == ']'))
                        s.p++;
                const char *b = s.p;
                while (s.p < s.end && !scan_is_space(*s.p) && *s.p != ',' && *s.p != ']')
                        s.p++;
                if (s.p > b) {
                        int r = add_kill(l, UK_KUBELET, u, span(b, s.p), ts, ts_len);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int set_reason(struct uk_log *l, enum uk_tool t, struct uk_span reason)
{
        char *old = l->reason[t];
        size_t on = old && l->reason_open[t] ? strlen(old) : 0;
        if (on + reason.n + 3 > UK_MAX_STR)
                return 0;
        char *s = malloc(on + reason.n + 3);
        if (!s)
                return -ENOMEM;
        if (on) /* the thresholds crossed, line after line */
                memcpy(s, old, on), memcpy(s + on, "; ", 2), on += 2;
        memcpy(s + on, reason.p, reason.n);
        s[on + reason.n] = '\0';
        free(old);
        l->reason[t] = s;
        return 0;
}

static int set_victim(struct uk_log *l, const struct uk_line *u)
{
        if (u->pid != OG_NONE)
                l->victim_pid = u->pid;
        if (u->uid != OG_NONE)
                l->victim_uid = u->uid;
        if (u->comm.n) {
                free(l->victim_comm);
                l->victim_comm = dup_span(u->comm);
                if (!l->victim_comm)
                        return -ENOMEM;
        }
        return 0;
}

static int reclaim(struct uk_log *l, const struct uk_line *u)
{
        static const char lead[] = "attempting to reclaim ";
        l->reclaim_start = l->n;
        /* allocatable memory is reclaimed as "memory" too */
        l->reclaim_other = !(u->reason.n == 6 && memcmp(u->reason.p, "memory", 6) == 0);
        char buf[128];
        size_t n = u->reason.n < 64 ? u->reason.n : 64;
        memcpy(buf, lead, sizeof(lead) - 1);
        memcpy(buf + sizeof(lead) - 1, u->reason.p, n);
        l->reason_open[UK_KUBELET] = false;
        return set_reason(l, UK_KUBELET, span(buf, buf + sizeof(lead) - 1 + n));
}

int uk_log_feed(struct uk_log *l, enum uk_tool t, const char *msg, size_t len, const char *ts,
                size_t ts_len)
{
        struct uk_line u;
        if (!uk_parse(t, msg, len, &u)) {
                l->reason_open[t] = false;
                return 0;
        }
        int r = 0;
        switch (u.kind) {
        case UK_LINE_KILL:
                r = u.pod_list ? add_pods(l, &u, ts, ts_len)
                               : add_kill(l, t, &u, u.victim, ts, ts_len);
                break;
        case UK_LINE_REASON: r = set_reason(l, t, u.reason); break;
        case UK_LINE_VICTIM: r = set_victim(l, &u); break;
        case UK_LINE_REASONS:
                free(l->reason[t]);
                l->reason[t] = NULL;
                break;
        case UK_LINE_VICTIMS:
                free(l->victim_comm);
                l->victim_comm = NULL;
                l->victim_pid = l->victim_uid = OG_NONE;
                break;
        case UK_LINE_RECLAIM: r = reclaim(l, &u); break;
        case UK_LINE_NONE: break;
        }
        l->reason_open[t] = u.kind == UK_LINE_REASON || u.kind == UK_LINE_REASONS;
        return r < 0 ? r : 1;
}

int uk_log_take(struct uk_log *l, bool reversed, struct user_kill **ret, size_t *ret_n)
{
        *ret = NULL;
        *ret_n = 0;
        if (reversed)
                for (size_t i = 0; i < l->n / 2; i++) {
                        struct user_kill tmp = l->v[i];
                        l->v[i] = l->v[l->n - 1 - i];
                        l->v[l->n - 1 - i] = tmp;
                }
        if (l->n) {
                *ret = TAKE_PTR(l->v);
                *ret_n = l->n;
                l->n = l->cap = 0;
        }
        uk_log_free(l);
        return 0;
}
