/* SPDX-License-Identifier: MIT */
/* poststop: the container is gone (runc and crun have already removed its
 * cgroup). Decide from the kernel's records since create, the counters if
 * the cgroup is still there, and the init pid; record; clean up. */
#define _GNU_SOURCE
#include "hook.h"

#include "cgfiles.h"
#include "hookstate.h"
#include "pagecache.h"
#include "kmsg.h"
#include "statedir.h"
#include "verdictlog.h"
#include "watcher.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define SLACK_US 1000000 /* printk's clock and CLOCK_MONOTONIC may drift apart */

struct feed_ctx {
        struct oomlog *p;
        int64_t from_us; /* records printed before this are not ours */
        bool skipping;   /* inside a record older than from_us */
};

/* A record header "pri,seq,usec,flags;": only records since create are
 * parsed, so poststop's cost does not grow with the kernel's ring. */
static int feed(const char *line, size_t len, void *ud)
{
        struct feed_ctx *c = ud;
        const char *c1 = memchr(line, ',', len);
        const char *c2 = c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - line)) : NULL;
        const char *semi = memchr(line, ';', len < 64 ? len : 64);
        if (c2 && semi && c2 < semi && line[0] != ' ')
                c->skipping = strtoll(c2 + 1, NULL, 10) < c->from_us;
        return c->skipping ? 0 : oomlog_feed_line(c->p, line, len);
}

/* The records of a kmsg-format file (the live /dev/kmsg or the watcher's
 * copy) printed since from_us, parsed into res: always valid on return,
 * with what was read; < 0 if the file could not be read to its end. */
static int read_since(const char *path, int64_t from_us, struct oomlog_result *res,
                      struct kmsg_stats *ks, struct og_error *err)
{
        struct oomlog *p = oomlog_new();
        struct feed_ctx ctx = {p, from_us, false};
        int r = p ? kmsg_read_all(path, feed, &ctx, ks, err)
                  : og_error_set(err, -ENOMEM, "out of memory");
        if (!p || oomlog_finish(p, res) < 0) { /* finish frees p */
                memset(res, 0, sizeof(*res));
                return r < 0 ? r : og_error_set(err, -ENOMEM, "out of memory");
        }
        return r;
}

/* Kernel kills printed since create; false if some may be missing. */
static bool read_kills(const struct hook_env *env, int64_t from_us,
                       struct oomlog_result *res)
{
        struct og_error err = {0};
        struct kmsg_stats ks = {0};
        int r = read_since(env->kmsg, from_us, res, &ks, &err);
        if (r < 0)
                hook_log(LOG_WARNING, "%s: deciding from the cgroup counters alone", err.msg);
        if (ks.lost)
                hook_log(LOG_WARNING, "%zu kernel log records were lost before they "
                                      "could be read", ks.lost);
        return r == 0 && ks.lost == 0;
}

/* The watcher's copy of this container's OOM records, for when the live
 * kernel log is incomplete or unreadable. */
static bool watcher_copy(const struct oci_state *st, const struct og_config *cfg,
                         int64_t from_us, struct oomlog_result *res)
{
        char path[PATH_MAX];
        struct stat sb;
        /* the state directory is never read through a symlink */
        if ((size_t)snprintf(path, sizeof(path), "%s/%s/kmsg.log", cfg->state_dir, st->id) >=
                    sizeof(path) ||
            lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
                return false;
        struct og_error err = {0};
        struct kmsg_stats ks = {0};
        struct oomlog_result copy;
        if (read_since(path, from_us, &copy, &ks, &err) < 0) {
                oomlog_result_free(&copy);
                return false;
        }
        oomlog_result_free(res);
        *res = copy;
        hook_log(LOG_NOTICE, "%s: deciding from the watcher's copy of the kernel's records",
                 st->id);
        return true;
}

/* The kills that are this container's. One stamped shortly before create
 * (the two clocks may disagree) counts only if its victim is the init
 * process or younger: a restarted container reuses its cgroup path, and
 * its previous life's kill, a moment earlier, had an older pid. */
static size_t since(const struct oomlog_result *res, int64_t created_us, int64_t init_pid,
                    struct oom_kill *out)
{
        size_t n = 0;
        for (size_t i = 0; i < res->n_kills; i++) {
                const char *ts = res->kills[i].timestamp;
                long long us = ts ? strtoll(ts, NULL, 10) : 0;
                int64_t pid = res->kills[i].victim_pid;
                if (us >= created_us ||
                    (us >= created_us - SLACK_US && (pid == OG_NONE || pid >= init_pid)))
                        out[n++] = res->kills[i]; /* shallow: res owns the strings */
        }
        return n;
}

/* The counters now: from the cgroup if the runtime has not deleted it yet,
 * else from the watcher's last snapshot. */
static void counters_now(const struct hook_state *hs, const struct evidence *ev,
                         struct verdict_counters *c, int64_t *peak)
{
        bool live = access(hs->cgroup_dir, F_OK) == 0;
        c->oom_kill_before = hs->oom_kill_base;
        c->oom_before = hs->oom_base;
        c->oom_kill_after = c->oom_after = *peak = OG_NONE;
        c->have = hs->oom_kill_base != OG_NONE && (live || ev);
        if (!c->have)
                return;
        if (!live) {
                c->oom_kill_after = ev->oom_kill;
                c->oom_after = ev->oom;
                *peak = ev->peak_bytes;
                return;
        }
        bool v1 = hs->cgroup_version == 1;
        c->oom_kill_after = cgf_read_oom_kill(hs->cgroup_dir, hs->cgroup_version);
        c->oom_after = v1 ? OG_NONE : cgf_read_key(hs->cgroup_dir, "memory.events.local", "oom");
        *peak = cgf_read_int(hs->cgroup_dir, v1 ? "memory.max_usage_in_bytes" : "memory.peak");
}

static int64_t delta(int64_t before, int64_t after)
{
        return before == OG_NONE || after == OG_NONE ? OG_NONE : after - before;
}

/* The parents now (they outlive the container) against create's baseline. */
static void parents_now(const struct hook_state *hs, struct verdict_parent *out,
                        struct verdict_limit *lim)
{
        size_t mount_len = strlen(hs->cgroup_dir) - strlen(hs->cgroup);
        for (size_t i = 0; i < hs->n_anc; i++) {
                char dir[PATH_MAX];
                struct hook_ancestor now;
                const struct hook_ancestor *a = &hs->anc[i];
                snprintf(dir, sizeof(dir), "%.*s%s", (int)mount_len, hs->cgroup_dir, a->cgroup);
                hook_read_ancestor(dir, hs->cgroup_version, &now);
                out[i] = (struct verdict_parent){a->cgroup, a->limit_bytes,
                                                 delta(a->failcnt, now.failcnt),
                                                 delta(a->oom_kill, now.oom_kill)};
                lim[i] = (struct verdict_limit){a->cgroup, a->limit_bytes};
        }
}

/* The verdict line, fixed once: the first poststop keeps it in the state
 * directory before appending, so that one killed after appending and run
 * again appends the very same line, which the log then recognises. */
static int settled_line(const struct og_config *cfg, const char *id,
                        const struct verdict_record *rec, char **line, size_t *len)
{
        int d = -1;
        if (statedir_open(cfg->state_dir, id, false, &d, NULL) < 0 || d < 0)
                return verdictlog_render(rec, line, len);
        size_t cap = VERDICTLOG_LINE_MAX + 1;
        char *buf = malloc(cap);
        if (buf && statedir_read(d, "verdict.line", buf, cap, len, NULL) == 0 && *len > 0) {
                close(d);
                *line = buf;
                return 0;
        }
        free(buf);
        int r = verdictlog_render(rec, line, len);
        if (r == 0)
                statedir_write(d, "verdict.line", *line, *len, NULL);
        close(d);
        return r;
}

static void record(const struct og_config *cfg, const struct hook_state *hs,
                   const struct verdict *v, const struct oom_kill *kills, int64_t peak,
                   const struct verdict_parent *parents)
{
        char stopped[40];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stopped, sizeof(stopped), "%Y-%m-%dT%H:%M:%SZ", &tm);
        struct verdict_record rec = {hs->id, hs->bundle[0] ? hs->bundle : NULL, hs->cgroup, v,
                                     kills, hs->limit_bytes, hs->memsw_bytes, peak,
                                     hs->oom_score_adj, hs->created, stopped,
                                     hs->notes, hs->n_notes, parents, hs->n_anc,
                                     hs->writeback[0] ? hs->writeback : NULL};
        _cleanup_free_ char *line = NULL;
        size_t len;
        struct og_error err = {0};
        if (settled_line(cfg, hs->id, &rec, &line, &len) < 0 ||
            verdictlog_append(cfg->verdict_log, line, len, &err) < 0)
                hook_log(LOG_ERR, "%s: the verdict could not be appended to %s: %s",
                         hs->id, cfg->verdict_log, err.msg[0] ? err.msg : "out of memory");
        hook_log(v->kind == VERDICT_NONE ? LOG_INFO : LOG_WARNING, "%.12s: %s: %s", hs->id,
                 verdict_kind_name(v->kind), v->summary);
}

/* The watcher's evidence, if it can be trusted: final (taken at init's
 * exit, or the watcher left on purpose), or the cgroup still exists to be
 * read. A watcher still writing gets up to 200 ms; a killed watcher's last
 * snapshot may predate the death and would deny an OOM that happened. */
static bool watcher_evidence(int d, const char *id, struct evidence *ev)
{
        if (!evidence_load(d, EVIDENCE_WATCHER, ev))
                return false;
        for (int i = 0; ev->final <= 0 && i < 20 && watcher_alive(ev->watcher_pid); i++) {
                usleep(10000);
                evidence_load(d, EVIDENCE_WATCHER, ev);
        }
        if (ev->final > 0)
                return true;
        hook_log(LOG_WARNING, "%s: the watcher (pid %" PRId64 ") stopped before the "
                              "container did; its counters are not used", id, ev->watcher_pid);
        return false;
}

int hook_poststop(const struct og_config *cfg, const struct oci_state *st,
                  const struct hook_env *env, struct og_error *err)
{
        int d = -1;
        char buf[64 * 1024];
        size_t len;
        struct og_error derr = {0};
        if (statedir_open(cfg->state_dir, st->id, false, &d, &derr) < 0 || d < 0) {
                hook_log(LOG_INFO, "%s: no state (poststop ran twice, or create never "
                                   "ran): nothing to record", st->id);
                return 0;
        }
        struct hook_state hs;
        struct evidence ev;
        struct evidence pre;
        bool have_ev = watcher_evidence(d, st->id, &ev);
        if (evidence_load(d, EVIDENCE_PREDELETE, &pre)) { /* the shim's, before delete */
                if (have_ev)
                        evidence_merge(&ev, &pre);
                else
                        ev = pre;
                have_ev = true;
        }
        int r = statedir_read(d, "state.json", buf, sizeof(buf), &len, err);
        close(d);
        if (r < 0 || hookstate_parse(buf, len, &hs, err) < 0) {
                statedir_remove(cfg->state_dir, st->id, NULL);
                return r < 0 ? r : -EINVAL;
        }
        struct oomlog_result res;
        bool complete = read_kills(env, hs.created_mono_us - SLACK_US, &res);
        if (!complete && watcher_copy(st, cfg, hs.created_mono_us - SLACK_US, &res))
                complete = true;
        struct oom_kill *kills = calloc(res.n_kills + 1, sizeof(*kills));
        if (!kills) {
                oomlog_result_free(&res);
                return og_error_set(err, -ENOMEM, "out of memory");
        }
        size_t n = since(&res, hs.created_mono_us, hs.init_pid, kills);
        struct verdict_parent parents[HOOK_MAX_ANCESTORS];
        struct verdict_limit limits[HOOK_MAX_ANCESTORS];
        parents_now(&hs, parents, limits);
        struct verdict_input in = {hs.cgroup, hs.init_pid, kills, n, complete, {0},
                                   hs.limit_bytes, limits, hs.n_anc};
        int64_t peak;
        counters_now(&hs, have_ev ? &ev : NULL, &in.counters, &peak);
        struct verdict v;
        verdict_decide(&in, &v);
        pagecache_amend(&v, kills, hs.writeback);
        record(cfg, &hs, &v, kills, peak, parents);
        free(kills);
        oomlog_result_free(&res);
        /* state.json first: a poststop killed after this point and run
         * again finds nothing to record (before it, verdict.line makes the
         * rerun append the same line, which the log recognises) */
        if (statedir_open(cfg->state_dir, st->id, false, &d, NULL) == 0 && d >= 0) {
                unlinkat(d, "state.json", 0);
                close(d);
        }
        if (statedir_remove(cfg->state_dir, st->id, err) < 0)
                return -EIO;
        if (!strcmp(hs.writeback, "host")) /* one fewer container to protect */
                hook_dirty_update(cfg, env);
        return 0;
}
