/* SPDX-License-Identifier: MIT */
/* poststop: the container is gone (runc and crun have already removed its
 * cgroup). Decide from the kernel's records since create, the counters if
 * the cgroup is still there, and the init pid; record; clean up. */
#define _GNU_SOURCE
#include "hook.h"

#include "cgfiles.h"
#include "dirtyctl.h"
#include "hookstate.h"
#include "kcopy.h"
#include "pagecache.h"
#include "kmsg.h"
#include "statedir.h"
#include "verdictin.h"
#include "verdictlog.h"
#include "watcher.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define COPY_MAX (1024 * 1024 + 8192 + 1) /* the watcher keeps at most 1 MiB */

#define FINAL_WAIT_MS 200 /* the longest poststop waits for a watcher still writing */

static void drain_fd(int fd)
{
        char buf[4096];
        while (read(fd, buf, sizeof(buf)) > 0)
                ;
}

/* A record's header line "pri,seq,usec,flags;": its sequence and time. */
static bool record_header(const char *line, size_t len, uint64_t *seq, int64_t *us)
{
        struct kmsg_header h;
        if (kmsg_header_parse(line, len, &h) == 0)
                return false;
        *seq = (uint64_t)h.seq;
        *us = h.usec;
        return true;
}

/* The watcher's copy of the kernel's records: header lines, oldest first. */
struct copy_log {
        char *buf;
        struct copy_rec {
                const char *line;
                size_t len;
                uint64_t seq;
                int64_t us;
        } * rec;
        size_t n, next;
        bool failed; /* there is one, not loaded: it cannot fill a gap */
        /* records the watcher did not get (lib/hook/kcopy.h): those after
         * lost_after, the lowest such N, are missing from it */
        bool lost;
        int64_t lost_after;
};

static void copy_load(int dirfd, struct copy_log *c)
{
        size_t len, lines = 1;
        memset(c, 0, sizeof(*c));
        c->buf = malloc(COPY_MAX);
        int got = !c->buf     ? -ENOMEM
                  : dirfd < 0 ? -ENOENT
                              : statedir_read(dirfd, "kmsg.log", c->buf, COPY_MAX, &len, NULL);
        /* none: the watcher found nothing of the container's to copy */
        c->failed = got < 0 && got != -ENOENT;
        if (got < 0)
                return;
        for (size_t i = 0; i < len; i++)
                lines += c->buf[i] == '\n';
        c->rec = calloc(lines, sizeof(*c->rec));
        if ((c->failed = !c->rec))
                return;
        for (const char *s = c->buf, *end = c->buf + len; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                struct copy_rec *r = &c->rec[c->n];
                int64_t after;
                if (kcopy_lost_parse(s, (size_t)(e - s), &after)) {
                        if (!c->lost || after < c->lost_after)
                                c->lost_after = after;
                        c->lost = true;
                } else if (record_header(s, (size_t)(e - s), &r->seq, &r->us) &&
                           (c->n == 0 || r->seq > c->rec[c->n - 1].seq)) {
                        r->line = s;
                        r->len = (size_t)(e - s);
                        c->n++;
                }
                s = nl ? nl + 1 : end;
        }
}

static void copy_free(struct copy_log *c)
{
        free(c->buf);
        free(c->rec);
}

struct feed_ctx {
        struct oomlog *p;
        int64_t from_us; /* records printed before this are not ours */
        bool skipping;   /* inside a record older than from_us */
        struct copy_log *copy;
        bool first_seen; /* the oldest record the ring still held */
        uint64_t first_seq;
        int64_t first_us;
        size_t from_copy; /* records since create only the copy had */
};

/* Only records since create are parsed, so poststop's cost does not grow
 * with the kernel's ring. */
static int feed_one(struct feed_ctx *c, const char *line, size_t len)
{
        uint64_t seq;
        int64_t us;
        if (record_header(line, len, &seq, &us))
                c->skipping = us < c->from_us;
        return c->skipping ? 0 : oomlog_feed_line(c->p, line, len);
}

/* The copy's records the live read did not hold, in sequence order before
 * the live record seq (all that are left, if all); its duplicate of seq is
 * skipped. */
static void feed_copy_before(struct feed_ctx *c, uint64_t seq, bool all)
{
        struct copy_log *k = c->copy;
        for (; k->next < k->n && (all || k->rec[k->next].seq < seq); k->next++) {
                const struct copy_rec *r = &k->rec[k->next];
                feed_one(c, r->line, r->len);
                c->from_copy += r->us >= c->from_us;
        }
        while (!all && k->next < k->n && k->rec[k->next].seq == seq)
                k->next++;
}

static int feed_live(const char *line, size_t len, void *ud)
{
        struct feed_ctx *c = ud;
        uint64_t seq;
        int64_t us;
        if (record_header(line, len, &seq, &us)) {
                if (!c->first_seen) {
                        c->first_seen = true;
                        c->first_seq = seq;
                        c->first_us = us;
                }
                feed_copy_before(c, seq, false);
        }
        return feed_one(c, line, len);
}

/* Kernel kills printed since from_us: the live ring merged with the
 * watcher's copy, de-duplicated by sequence number; whether that is every
 * record since create (lib/core/verdictin.h). watcher_seq: how far the
 * copy of a watcher whose evidence is trusted reaches (OG_NONE: not
 * trusted, or it did not read the kernel's records). res is always valid
 * on return. */
static void read_kills(const struct hook_env *env, const char *id, int dirfd, int64_t watcher_seq,
                       int64_t from_us, struct oomlog_result *res,
                       struct verdictin_kmsg_whole *kr)
{
        struct copy_log copy;
        struct og_error err = {0};
        struct kmsg_stats ks = {0};
        copy_load(dirfd, &copy);
        struct feed_ctx ctx = {.p = oomlog_new(), .from_us = from_us, .copy = &copy};
        int r = ctx.p ? kmsg_read_all(env->kmsg, feed_live, &ctx, &ks, &err)
                      : og_error_set(&err, -ENOMEM, "out of memory");
        if (ctx.p)
                feed_copy_before(&ctx, 0, true);
        if (!ctx.p || oomlog_finish(ctx.p, res) < 0) /* finish frees p */
                memset(res, 0, sizeof(*res));
        *kr = verdictin_kmsg_whole(&(struct verdictin_kmsg){
                .live_read = r == 0,
                .live_lost = ks.lost,
                .live_first_seen = ctx.first_seen,
                .live_first_seq = ctx.first_seq,
                .live_first_us = ctx.first_us,
                .live_resumed_seq = ks.resumed_seq,
                .from_us = from_us,
                .watcher_seq = copy.failed ? OG_NONE : watcher_seq,
                .copy_lost = copy.lost,
                .copy_lost_after = copy.lost_after,
        });
        if (r < 0)
                hook_log(LOG_WARNING, "%s: deciding from the cgroup counters alone", err.msg);
        if (ks.lost)
                hook_log(LOG_WARNING,
                         "%zu kernel log records were lost before they "
                         "could be read",
                         ks.lost);
        else if (kr->wrapped)
                hook_log(LOG_WARNING, "the kernel's ring buffer wrapped since the container "
                                      "was created: its oldest record is newer");
        if (copy.lost && !kr->complete)
                hook_log(LOG_WARNING,
                         "%s: the watcher's copy of the kernel's records misses "
                         "some after record %" PRId64,
                         id, copy.lost_after);
        else if (!kr->complete && watcher_seq != OG_NONE)
                hook_log(LOG_WARNING,
                         "%s: the watcher's copy of the kernel's records ends at "
                         "record %" PRId64 "; the ring's oldest is %" PRIu64,
                         id, watcher_seq, ctx.first_seq);
        if (ctx.from_copy > 0 || (r < 0 && watcher_seq != OG_NONE))
                hook_log(LOG_NOTICE,
                         "%s: deciding from the watcher's copy of the kernel's "
                         "records",
                         id);
        copy_free(&copy);
}

/* The cgroup as poststop finds it, read once for the whole verdict: its
 * counters if the runtime has not deleted it yet, read only when used (the
 * limit hits beside the snapshots' evidence, the kills and the peak
 * against create's baseline); OG_NONE where not read. */
struct cgroup_now {
        bool present;
        struct cg_counters c;
        int64_t peak;
};

static void cgroup_now(const struct hook_state *hs, const struct evidence *ev,
                       struct cgroup_now *ret)
{
        bool base = hs->oom_kill_base != OG_NONE;
        *ret = (struct cgroup_now){
                .present = access(hs->cgroup_dir, F_OK) == 0,
                .c = {.oom_kill = OG_NONE,
                      .oom_kill_local = OG_NONE,
                      .oom = OG_NONE,
                      .limit_hits = OG_NONE},
                .peak = OG_NONE,
        };
        if (ret->present && (ev || base))
                cgf_read_counters(hs->cgroup_dir, hs->cgroup_version, &ret->c);
        if (ret->present && base)
                ret->peak = cgf_read_peak(hs->cgroup_dir, hs->cgroup_version);
}

/* The counters now: from the cgroup if the runtime has not deleted it yet,
 * else from the watcher's last snapshot (lib/core/verdictin.c decides). */
static void counters_now(const struct hook_state *hs, const struct evidence *ev,
                         const struct cgroup_now *now, struct verdict_counters *c, int64_t *peak)
{
        bool base = hs->oom_kill_base != OG_NONE;
        struct verdictin_live live = {
                .present = now->present,
                .oom_kill = base ? now->c.oom_kill : OG_NONE,
                .oom = base ? now->c.oom : OG_NONE,
                .peak_bytes = now->peak,
        };
        verdictin_counters(hs->oom_kill_base, hs->oom_base, ev, &live, c, peak);
}

static int64_t delta(int64_t before, int64_t after)
{
        return before == OG_NONE || after == OG_NONE ? OG_NONE : after - before;
}

/* How the init ended and what the cgroup went through, from the
 * watcher's (and the shim's) snapshots: limit hits since create, the
 * pressure and the page-cache figures near the end. */
static void end_of_life(const struct evidence *ev, const struct cgroup_now *cg,
                        struct verdict_input *in)
{
        if (!ev)
                return;
        in->exit_code = ev->exit_code;
        in->exit_signal = ev->exit_signal;
        int64_t now = ev->limit_hits_now;
        int64_t live = cg->c.limit_hits; /* the cgroup still there: the latest count */
        if (live != OG_NONE && (now == OG_NONE || live > now))
                now = live;
        in->limit_hits = delta(ev->limit_hits_base, now);
        in->psi_some = ev->psi_some;
        in->psi_full = ev->psi_full;
        in->anon = ev->anon;
        in->file = ev->file;
        in->dirty = ev->dirty;
        in->writeback = ev->writeback;
}

/* v1 with a memory+swap limit equal to the limit (swap "none") counts no
 * failcnt on Linux 6.18: a peak within 512 KiB of the limit (the
 * watcher snapshots when usage crosses that line) is at least one hit. */
static void near_limit(const struct hook_state *hs, int64_t peak, struct verdict_input *in)
{
        if (hs->cgroup_version == 1 && in->limit_hits == 0 && peak != OG_NONE &&
            hs->limit_bytes > 0 && hs->limit_bytes < (INT64_C(1) << 50) &&
            peak >= hs->limit_bytes - 512 * 1024)
                in->limit_hits = 1;
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
                out[i] = (struct verdict_parent){
                        .cgroup = a->cgroup,
                        .limit_bytes = a->limit_bytes,
                        .failcnt_delta = delta(a->failcnt, now.failcnt),
                        .oom_kill_delta = delta(a->oom_kill, now.oom_kill),
                };
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
        struct verdict_record rec = {
                .id = hs->id,
                .bundle = hs->bundle[0] ? hs->bundle : NULL,
                .cgroup = hs->cgroup,
                .v = v,
                .kills = kills,
                .limit_bytes = hs->limit_bytes,
                .swap_limit_bytes = hs->memsw_bytes,
                .peak_bytes = peak,
                .oom_score_adj = hs->oom_score_adj,
                .started = hs->created,
                .stopped = stopped,
                .notes = hs->notes,
                .n_notes = hs->n_notes,
                .parents = parents,
                .n_parents = hs->n_anc,
                .writeback = hs->writeback[0] ? hs->writeback : NULL,
                .init_pid = hs->init_pid,
        };
        _cleanup_free_ char *line = NULL;
        size_t len;
        struct og_error err = {0};
        if (settled_line(cfg, hs->id, &rec, &line, &len) < 0 ||
            verdictlog_append(cfg->verdict_log, line, len, &err) < 0)
                hook_log(LOG_ERR, "%s: the verdict could not be appended to %s: %s", hs->id,
                         cfg->verdict_log, err.msg[0] ? err.msg : "out of memory");
        hook_log(v->kind == VERDICT_NONE ? LOG_INFO : LOG_WARNING, "%.12s: %s: %s", hs->id,
                 verdict_kind_name(v->kind), v->summary);
        hook_outputs(cfg, hs, v, peak);
}

static int64_t mono_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A watcher still writing: until its evidence is final, it exits, or
 * FINAL_WAIT_MS pass. Woken by the evidence's replacement (inotify on the
 * state directory: evidence.json is renamed into place) or the watcher's
 * exit (a pidfd), not by a clock; the watch is set before the evidence is
 * read again, so a save in between is not missed (named through
 * proc_root's self/fd). Without inotify it looks every 10 ms. */
static void await_final(int d, struct evidence *ev, const char *proc_root)
{
        char path[PATH_MAX];
        int64_t end = mono_ms() + FINAL_WAIT_MS;
        _cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, (pid_t)ev->watcher_pid, 0);
        _cleanup_close_ int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        bool named = (size_t)snprintf(path, sizeof(path), "%s/self/fd/%d", proc_root, d) <
                     sizeof(path);
        if (ino >= 0 &&
            (!named || inotify_add_watch(ino, path, IN_MOVED_TO | IN_CLOSE_WRITE) < 0)) {
                close(ino);
                ino = -1;
        }
        while (evidence_load(d, EVIDENCE_WATCHER, ev) &&
               verdictin_watcher_trust(ev, watcher_alive(proc_root, ev->watcher_pid), false) ==
                       VERDICTIN_WAIT) {
                int64_t left = end - mono_ms();
                struct pollfd p[2] = {{ino, POLLIN, 0}, {pfd, POLLIN, 0}};
                if (left <= 0)
                        return;
                int n = poll(p, 2, ino < 0 && left > 10 ? 10 : (int)left);
                if (n < 0 && errno != EINTR)
                        return;
                if (p[0].revents)
                        drain_fd(ino);
                if (p[1].revents) { /* gone: what it left is all there is */
                        evidence_load(d, EVIDENCE_WATCHER, ev);
                        return;
                }
        }
}

/* The watcher's evidence, if it can be trusted: final (taken at init's
 * exit, or the watcher left on purpose), or the cgroup still exists to be
 * read. A watcher still writing gets up to 200 ms; a killed watcher's last
 * snapshot may predate the death and would deny an OOM that happened. */
static bool watcher_evidence(int d, const char *id, const char *proc_root, struct evidence *ev)
{
        if (!evidence_load(d, EVIDENCE_WATCHER, ev))
                return false;
        enum verdictin_trust t = verdictin_watcher_trust(
                ev, watcher_alive(proc_root, ev->watcher_pid), false);
        if (t == VERDICTIN_WAIT) {
                await_final(d, ev, proc_root);
                t = verdictin_watcher_trust(ev, false, true);
        }
        if (t == VERDICTIN_TRUSTED)
                return true;
        hook_log(LOG_WARNING,
                 "%s: the watcher (pid %" PRId64 ") stopped before the "
                 "container did; its counters are not used",
                 id, ev->watcher_pid);
        return false;
}

/* The verdict from the kernel's records (live and the watcher's copy),
 * the counters and the init pid; recorded. */
static int decide(const struct og_config *cfg, const struct hook_env *env, int dirfd,
                  const struct hook_state *hs, const struct evidence *ev, bool watcher_ok,
                  struct og_error *err)
{
        struct oomlog_result res;
        struct verdictin_kmsg_whole kr;
        read_kills(env, hs->id, dirfd, watcher_ok && ev ? ev->kmsg_seq : OG_NONE,
                   hs->created_mono_us - VERDICTIN_SLACK_US, &res, &kr);
        struct oom_kill *kills = calloc(res.n_kills + 1, sizeof(*kills));
        struct oom_novictim *nv = calloc(res.n_novictims + 1, sizeof(*nv));
        if (!kills || !nv) {
                free(kills), free(nv);
                oomlog_result_free(&res);
                return og_error_set(err, -ENOMEM, "out of memory");
        }
        size_t n = verdictin_kills_since(res.kills, res.n_kills, hs->created_mono_us,
                                         hs->init_pid, kills);
        struct verdict_parent parents[HOOK_MAX_ANCESTORS];
        struct verdict_limit limits[HOOK_MAX_ANCESTORS];
        parents_now(hs, parents, limits);
        struct verdict_input in = {
                .cgroup = hs->cgroup,
                .init_pid = hs->init_pid,
                .kills = kills,
                .n_kills = n,
                .novictims = nv,
                .n_novictims = verdictin_novictims_since(res.novictims, res.n_novictims,
                                                         hs->created_mono_us, nv),
                .kmsg_complete = kr.complete,
                .kmsg_wrapped = kr.wrapped,
                .limit_bytes = hs->limit_bytes,
                .parents = limits,
                .n_parents = hs->n_anc,
                VERDICT_INPUT_UNKNOWN,
        };
        struct cgroup_now cg;
        cgroup_now(hs, ev, &cg);
        end_of_life(ev, &cg, &in);
        int64_t peak;
        counters_now(hs, ev, &cg, &in.counters, &peak);
        near_limit(hs, peak, &in);
        struct verdict v;
        verdict_decide(&in, &v);
        pagecache_amend(&v, kills, hs->writeback);
        record(cfg, hs, &v, kills, peak, parents);
        free(kills);
        free(nv);
        oomlog_result_free(&res);
        return 0;
}

int hook_poststop(const struct og_config *cfg, const struct oci_state *st,
                  const struct hook_env *env, struct og_error *err)
{
        int d = -1;
        char buf[64 * 1024];
        size_t len;
        struct og_error derr = {0};
        if (statedir_open(cfg->state_dir, st->id, false, &d, &derr) < 0 || d < 0) {
                hook_log(LOG_INFO,
                         "%s: no state (poststop ran twice, or create never "
                         "ran): nothing to record",
                         st->id);
                return 0;
        }
        struct hook_state hs;
        struct evidence ev;
        struct evidence pre;
        bool watcher_ok = watcher_evidence(d, st->id, env->proc_root, &ev), have_ev = watcher_ok;
        if (evidence_load(d, EVIDENCE_PREDELETE, &pre)) { /* the shim's, before delete */
                if (have_ev)
                        evidence_merge(&ev, &pre);
                else
                        ev = pre;
                have_ev = true;
        }
        int r = statedir_read(d, "state.json", buf, sizeof(buf), &len, err);
        if (r < 0 || (r = hookstate_parse(buf, len, &hs, err)) < 0) {
                close(d);
                statedir_remove(cfg->state_dir, st->id, NULL);
                return r;
        }
        r = decide(cfg, env, d, &hs, have_ev ? &ev : NULL, watcher_ok, err);
        /* in the host mode, or counted in it as its fallback */
        bool host = !strcmp(hs.writeback, "host") ||
                    faccessat(d, DIRTY_ENGAGED, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
        close(d);
        if (r < 0)
                return r;
        /* state.json first: a poststop killed after this point and run
         * again finds nothing to record (before it, verdict.line makes the
         * rerun append the same line, which the log recognises) */
        if (statedir_open(cfg->state_dir, st->id, false, &d, NULL) == 0 && d >= 0) {
                unlinkat(d, "state.json", 0);
                close(d);
        }
        if ((r = statedir_remove(cfg->state_dir, st->id, err)) < 0)
                return r;
        if (host) /* one fewer container to protect */
                hook_dirty_update(cfg, env);
        return 0;
}
