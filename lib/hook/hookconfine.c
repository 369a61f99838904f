/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "hookconfine.h"

#include "cgroup.h"
#include "hook.h"
#include "dirtyctl.h"
#include "journal.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The capabilities each stage keeps; everything else goes, from the
 * bounding set too (oomguard-hook(8), CONFINEMENT). */
static const cap_value_t create_caps[] = {
        CAP_DAC_OVERRIDE, /* the init's /proc/PID/oom_score_adj and a delegated
                           * cgroup's files belong to a user-namespaced
                           * container's root, not to the host's */
        CAP_SYS_RESOURCE, /* an oom_score_adj below the init's
                           * oom_score_adj_min: 0, or what a privileged
                           * ancestor (containerd-shim, conmon) set */
        CAP_SYSLOG,       /* the watcher reads /dev/kmsg (dmesg_restrict=1) */
};
static const cap_value_t poststop_caps[] = {
        CAP_SYSLOG, /* the kernel's OOM records in /dev/kmsg */
};

static void add(struct hookconfine_rules *r, unsigned rights, const char *fmt, ...)
        OG_PRINTF(3, 4);
static void add(struct hookconfine_rules *r, unsigned rights, const char *fmt, ...)
{
        if (r->n == HOOKCONFINE_MAX_RULES)
                return;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(r->path[r->n], sizeof(r->path[0]), fmt, ap);
        va_end(ap);
        if (n <= 0 || (size_t)n >= sizeof(r->path[0]))
                return; /* a path too long to name is not allowed */
        r->rule[r->n].path = r->path[r->n];
        r->rule[r->n].rights = rights;
        r->n++;
}

/* The directory the verdict log is in */
static void log_dir(const char *log, char *buf, size_t cap)
{
        snprintf(buf, cap, "%s", log);
        char *d = dirname(buf);
        if (d != buf)
                snprintf(buf, cap, "%s", d);
}

void hookconfine_rules(enum hook_stage stage, const struct og_config *cfg, const char *proc_root,
                       const char *vm_dir, const char *cgroup_dir, int64_t pid,
                       struct hookconfine_rules *ret)
{
        static const char *const dirty[] = {"dirty_bytes", "dirty_background_bytes",
                                            "dirty_ratio", "dirty_background_ratio"};
        bool create = stage != HOOK_STAGE_POSTSTOP, stop = stage != HOOK_STAGE_CREATE;
        char dir[PATH_MAX];
        ret->n = 0;
        add(ret, CONFINE_WRITE | CONFINE_CREATE | CONFINE_REMOVE, "%s", cfg->state_dir);
        if (stop) {
                log_dir(cfg->verdict_log, dir, sizeof(dir));
                add(ret, CONFINE_WRITE | CONFINE_CREATE, "%s", dir);
                const char *metrics = hook_metrics_path(cfg);
                if (metrics) { /* its lock, a temp file renamed over it */
                        log_dir(metrics, dir, sizeof(dir));
                        add(ret, CONFINE_WRITE | CONFINE_CREATE | CONFINE_REMOVE, "%s", dir);
                }
                if (cfg->termination_root[0]) /* existing files only */
                        add(ret, CONFINE_WRITE, "%s", cfg->termination_root);
        }
        if (cfg->writeback == WRITEBACK_AUTO || cfg->writeback == WRITEBACK_HOST)
                for (size_t i = 0; i < ARRAY_SIZE(dirty); i++)
                        add(ret, CONFINE_WRITE, "%s/%s", vm_dir, dirty[i]);
        if (!create)
                return;
        add(ret, CONFINE_WRITE, "/dev/null");
        if (cgroup_dir && cgroup_dir[0])
                add(ret, CONFINE_WRITE, "%s", cgroup_dir);
        if (pid > 0)
                add(ret, CONFINE_WRITE, "%s/%" PRId64 "/oom_score_adj", proc_root, pid);
        else if (pid == 0)
                add(ret, CONFINE_WRITE, "%s", proc_root);
}

/* The root of the hierarchy our own memory cgroup is in: up from it while
 * the parent is the same file system. */
static bool hierarchy(const char *proc_root, char *buf, size_t cap)
{
        struct cg_location loc;
        struct stat st, up;
        if (cg_locate(proc_root, (int)getpid(), &loc, NULL) < 0 ||
            (size_t)snprintf(buf, cap, "%s", loc.dir) >= cap || stat(buf, &st) < 0)
                return false;
        for (char *sl; (sl = strrchr(buf, '/')) && sl != buf;) {
                *sl = '\0';
                if (stat(buf, &up) < 0 || up.st_dev != st.st_dev) {
                        *sl = '/';
                        break;
                }
        }
        return true;
}

/* What the stage creates itself anyway, made before the rule that needs it
 * to exist: the state directory (create), the log's directory (poststop). */
static void make_dirs(enum hook_stage stage, const struct og_config *cfg)
{
        char dir[PATH_MAX];
        if (stage != HOOK_STAGE_POSTSTOP)
                (void)mkdir(cfg->state_dir, 0700);
        if (stage != HOOK_STAGE_CREATE) {
                log_dir(cfg->verdict_log, dir, sizeof(dir));
                (void)mkdir(dir, 0750); /* as the package makes it */
        }
}

static int landlock(const struct hookconfine_rules *r, struct og_error *err)
{
        int rc = confine_landlock(r->rule, r->n, err);
        return rc == -EOPNOTSUPP ? 0 : rc; /* no Landlock here: go on without */
}

/* the layer installed before the input, to skip a second identical one */
static enum hook_stage first_layer = HOOK_STAGE_UNKNOWN;

int hook_confine(enum hook_stage stage, const struct og_config *cfg, const char *proc_root,
                 struct og_error *err)
{
        struct og_error e[3] = {{0}};
        bool stop = stage == HOOK_STAGE_POSTSTOP;
        int rc[3];
        rc[0] = confine_caps(stop ? poststop_caps : create_caps,
                             stop ? ARRAY_SIZE(poststop_caps) : ARRAY_SIZE(create_caps), &e[0]);
        make_dirs(stage, cfg);
        char cg[PATH_MAX];
        struct hookconfine_rules r;
        bool cgroup = !stop && hierarchy(proc_root, cg, sizeof(cg)); /* poststop writes none */
        hookconfine_rules(stage, cfg, proc_root, dirtyctl_vm_dir(), cgroup ? cg : NULL, 0, &r);
        rc[1] = landlock(&r, &e[1]);
        first_layer = stage;
        if (stop) /* the filter allows no connect() */
                (void)journal_open(NULL);
        rc[2] = confine_seccomp(stage == HOOK_STAGE_CREATE ? CONFINE_HOOK_CREATE
                                : stop                     ? CONFINE_HOOK_POSTSTOP
                                                           : CONFINE_HOOK,
                                &e[2]);
        for (size_t i = 0; i < ARRAY_SIZE(rc); i++)
                if (rc[i] < 0) {
                        if (err)
                                *err = e[i];
                        return rc[i];
                }
        return 0;
}

int hook_confine_container(enum hook_stage stage, const struct og_config *cfg,
                           const char *proc_root, const struct oci_state *st,
                           struct og_error *err)
{
        struct hookconfine_rules r;
        struct cg_location loc;
        if (stage == HOOK_STAGE_UNKNOWN || (stage == HOOK_STAGE_POSTSTOP && first_layer == stage))
                return 0; /* nothing narrower to say */
        bool create = stage == HOOK_STAGE_CREATE;
        bool located = create && st->pid > 1 &&
                       cg_locate(proc_root, (int)st->pid, &loc, NULL) == 0;
        hookconfine_rules(stage, cfg, proc_root, dirtyctl_vm_dir(), located ? loc.dir : NULL,
                          st->pid > 1 ? st->pid : -1, &r);
        return landlock(&r, err);
}
