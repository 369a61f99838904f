/* SPDX-License-Identifier: MIT */
/* create: the container's init process exists, its cgroup too. Apply the
 * policy (oom_score_adj always written explicitly: an unset value is
 * inherited from the runtime), record the baseline for poststop. */
#define _GNU_SOURCE
#include "hook.h"

#include "cgfiles.h"
#include "cgroup.h"
#include "hookstate.h"
#include "policy.h"
#include "procfs.h"
#include "procscan.h"
#include "scan.h"
#include "spec.h"
#include "statedir.h"
#include "watcher.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static void set_adj(const struct hook_env *env, int64_t pid, int adj)
{
        char p[PATH_MAX], v[16];
        snprintf(p, sizeof(p), "%s/%" PRId64 "/oom_score_adj", env->proc_root, pid);
        snprintf(v, sizeof(v), "%d", adj);
        int fd = open(p, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, v, strlen(v)) < 0)
                hook_log(LOG_WARNING, "cannot set oom_score_adj %d on pid %" PRId64 ": %s%s", adj,
                         pid, strerror(errno),
                         adj < 0 ? " (a negative value needs CAP_SYS_RESOURCE)" : "");
        if (fd >= 0)
                close(fd);
}

static void apply_cgroup(const struct cg_location *l, const struct policy *p, int64_t limit)
{
        char v[32];
        int r = 0;
        if (p->set_memsw && l->version == 1) {
                snprintf(v, sizeof(v), "%" PRId64, p->memsw);
                r = cgf_write(l->dir, "memory.memsw.limit_in_bytes", v);
        } else if (p->set_memsw) {
                int64_t sw = policy_swap_max(p->memsw, limit);
                if (sw < 0)
                        snprintf(v, sizeof(v), "max");
                else
                        snprintf(v, sizeof(v), "%" PRId64, sw);
                r = cgf_write(l->dir, "memory.swap.max", v);
        }
        if (r < 0)
                hook_log(LOG_WARNING, "cannot apply the swap policy in %s: %s%s", l->dir,
                         strerror(-r), r == -ENOENT ? " (swap accounting is off)" : "");
        if (l->version == 2 && p->memory_high > 0) {
                snprintf(v, sizeof(v), "%" PRId64, p->memory_high);
                cgf_write(l->dir, "memory.high", v);
        }
        if (l->version == 2 && p->oom_group >= 0)
                cgf_write(l->dir, "memory.oom.group", p->oom_group ? "1" : "0");
}

/* A parent's limit and counters (its own kills, not its other children's). */
void hook_read_ancestor(const char *dir, int version, struct hook_ancestor *a)
{
        struct cg_counters c;
        a->limit_bytes = cgf_read_limit(dir,
                                        version == 1 ? "memory.limit_in_bytes" : "memory.max");
        cgf_read_own_counters(dir, version, &c);
        a->failcnt = c.limit_hits;
        a->oom_kill = c.oom_kill_local;
}

/* The parents up to the hierarchy's root, nearest first. */
static void ancestors(struct hook_state *hs, const struct cg_location *l)
{
        char path[sizeof(hs->cgroup)], dir[sizeof(hs->cgroup_dir)];
        size_t mount_len = strlen(l->dir) - strlen(l->path);
        snprintf(path, sizeof(path), "%s", l->path);
        hs->n_anc = 0;
        for (char *sl;
             hs->n_anc < HOOK_MAX_ANCESTORS && (sl = strrchr(path, '/')) && sl != path;) {
                *sl = '\0';
                struct hook_ancestor *a = &hs->anc[hs->n_anc];
                if ((size_t)snprintf(dir, sizeof(dir), "%.*s%s", (int)mount_len, l->dir, path) >=
                            sizeof(dir) ||
                    strlen(path) >= sizeof(a->cgroup))
                        break;
                memcpy(a->cgroup, path, strlen(path) + 1);
                hook_read_ancestor(dir, l->version, a);
                hs->n_anc++;
        }
}

/* The counters before the container's life: read once, after the policy
 * is applied (the container has not started: they cannot move). */
static void baseline(struct hook_state *hs, const struct cg_location *l)
{
        struct cg_counters c;
        cgf_read_counters(l->dir, l->version, &c);
        hs->oom_kill_base = c.oom_kill;
        hs->oom_base = c.oom;
}

static void limits(struct hook_state *hs, const struct cg_location *l)
{
        if (l->version == 1) {
                hs->limit_bytes = cgf_read_limit(l->dir, "memory.limit_in_bytes");
                hs->memsw_bytes = cgf_read_limit(l->dir, "memory.memsw.limit_in_bytes");
        } else {
                hs->limit_bytes = cgf_read_limit(l->dir, "memory.max");
                /* v2 keeps swap apart (memory.swap.max); the verdict's
                 * swap_limit_bytes is memory+swap, as on v1 and in OCI */
                int64_t sw = cgf_read_limit(l->dir, "memory.swap.max");
                hs->memsw_bytes = sw == OG_NONE || hs->limit_bytes == OG_NONE ? OG_NONE
                                  : sw < 0 || hs->limit_bytes < 0             ? -1
                                                                  : hs->limit_bytes + sw;
        }
}

static void record_times(struct hook_state *hs)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        hs->created_mono_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(hs->created, sizeof(hs->created), "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int save_state(const struct og_config *cfg, const struct hook_state *hs,
                      const char *runtime, struct og_error *err)
{
        _cleanup_free_ char *json = NULL;
        size_t len;
        int d = -1;
        if (hookstate_render(hs, &json, &len) < 0)
                return og_error_set(err, -ENOMEM, "out of memory");
        int r = statedir_open(cfg->state_dir, hs->id, true, &d, err);
        if (r < 0 || d < 0)
                return r < 0 ? r : -EBADF;
        r = statedir_write(d, "state.json", json, len, err);
        if (r == 0 && runtime && runtime[0] == '/' && !memchr(runtime, '\n', strlen(runtime)))
                r = statedir_write(d, HOOKSTATE_RUNTIME, runtime, strlen(runtime), err);
        close(d);
        return r;
}

/* One watcher per container: create may run twice (createRuntime and
 * prestart both registered). */
static void ensure_watcher(const struct og_config *cfg, const struct hook_env *env,
                           const struct hook_state *hs)
{
        int d = -1;
        struct evidence ev;
        struct og_error err = {0};
        if (statedir_open(cfg->state_dir, hs->id, false, &d, NULL) == 0 && d >= 0) {
                bool alive = evidence_load(d, EVIDENCE_WATCHER, &ev) &&
                             watcher_alive(env->proc_root, ev.watcher_pid);
                close(d);
                if (alive)
                        return;
        }
        int64_t pid;
        const struct dirty_bounds b = hook_dirty_bounds(cfg);
        if (watcher_start(cfg->state_dir, &b, hs, env, &pid, &err) < 0)
                hook_log(LOG_WARNING, "%s: %s; the verdict will rest on the kernel's records",
                         hs->id, err.msg);
}

/* The writeback policy in force. The shim's annotation says "preload"
 * when the window is in the container; otherwise the host mode applies
 * where the configuration allows it. An annotation can opt out of the
 * host mode (the container has the window), never into it: where "auto"
 * would have put it in the host mode, the host mode stays its fallback
 * for what writes past the window. */
static void writeback_of(const struct og_config *cfg, const char *ann, int version,
                         struct hook_state *hs)
{
        bool host = cfg->writeback == WRITEBACK_HOST ||
                    (cfg->writeback == WRITEBACK_AUTO && version == 1);
        bool preload = ann && !strcmp(ann, "preload") && cfg->writeback != WRITEBACK_OFF &&
                       cfg->writeback != WRITEBACK_HOST;
        snprintf(hs->writeback, sizeof(hs->writeback), "%s",
                 preload ? "preload"
                 : host  ? "host"
                         : "");
        hs->host_fallback = preload && host;
}

static const char *annotation(const struct oci_state *st, const struct oci_spec *sp,
                              const char *key)
{
        const char *v = ocistate_annotation(st, key);
        return v ? v : spec_annotation(sp, key);
}

int hook_create(const struct og_config *cfg, const struct oci_state *st,
                const struct hook_env *env, struct og_error *err)
{
        struct oci_spec sp = {0};
        struct og_error serr = {0};
        if (st->pid <= 0)
                return og_error_set(err, -EINVAL, "the state carries no init pid");
        if (st->pid == 1)
                return og_error_set(err, -EINVAL, "pid 1 is the host's init, not a container's");
        if (st->bundle && spec_load(st->bundle, &sp, &serr) < 0)
                hook_log(LOG_WARNING, "%s: %s; applying the configured defaults", st->id,
                         serr.msg);
        struct cg_location loc;
        int r = cg_locate(env->proc_root, (int)st->pid, &loc, err);
        if (r < 0) {
                spec_free(&sp);
                return r;
        }
        struct hook_state hs = {.cgroup_version = loc.version, .init_pid = st->pid};
        memcpy(hs.id, st->id, sizeof(st->id));
        snprintf(hs.bundle, sizeof(hs.bundle), "%s", st->bundle ? st->bundle : "");
        memcpy(hs.cgroup, loc.path, sizeof(loc.path));
        memcpy(hs.cgroup_dir, loc.dir, sizeof(loc.dir));
        limits(&hs, &loc);
        struct policy_input in = {
                .limit = sp.limit > 0 ? sp.limit : hs.limit_bytes,
                .reservation = sp.reservation,
                .memsw = sp.memsw,
                .host_mem = proc_mem_total(env->proc_root),
                .ann_adj = annotation(st, &sp, POLICY_ANN_ADJ),
        };
        struct policy pol;
        policy_compute(cfg, &in, &pol);
        for (size_t i = 0; i < pol.n_notes; i++) {
                hook_log(LOG_NOTICE, "%s: %s", st->id, pol.notes[i]);
                memcpy(hs.notes[hs.n_notes++], pol.notes[i], sizeof(hs.notes[0]));
        }
        set_adj(env, st->pid, pol.oom_score_adj);
        apply_cgroup(&loc, &pol, in.limit);
        writeback_of(cfg, annotation(st, &sp, WRITEBACK_ANN), loc.version, &hs);
        spec_free(&sp);
        limits(&hs, &loc); /* as now set */
        baseline(&hs, &loc);
        ancestors(&hs, &loc);
        hs.oom_score_adj = pol.oom_score_adj;
        record_times(&hs);
        r = save_state(cfg, &hs, env->runtime, err);
        if (r == 0)
                ensure_watcher(cfg, env, &hs); /* it engages the host mode, if ever */
        return r;
}
