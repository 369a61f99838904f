/* SPDX-License-Identifier: MIT */
/* The audit's frame (context, rooted reads, the report and its output) and
 * the checks about oomguard itself: its configuration, the directories it
 * writes, /dev/kmsg, and the oom_score_adj of running processes. */
#define _GNU_SOURCE
#include "doctor-int.h"

#include "config.h"
#include "explain.h"
#include "fileio.h"
#include "jsongen.h"
#include "kmsg.h"
#include "procscan.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#define MAX_CONTAINER_FINDINGS 8
#define HOST_NAMES 5 /* host processes named in one finding */

const char *const doctor_bin_dirs[] = {
        "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
};
const size_t doctor_n_bin_dirs = ARRAY_SIZE(doctor_bin_dirs);

static const char *const level_names[] = {"ok", "info", "warn", "error"};

const char *doctor_level_name(enum doctor_level l)
{
        return (size_t)l < ARRAY_SIZE(level_names) ? level_names[l] : "?";
}

struct doctor_finding *doctor_add(struct doctor_ctx *c, enum doctor_level l, const char *check,
                                  const char *fmt, ...)
{
        struct doctor_finding *f = &c->spare;
        if (c->rep->n < DOCTOR_MAX_FINDINGS)
                f = &c->rep->f[c->rep->n++];
        else
                c->rep->dropped++;
        memset(f, 0, sizeof(*f));
        f->level = l;
        snprintf(f->check, sizeof(f->check), "%s", check);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->what, sizeof(f->what), fmt, ap);
        va_end(ap);
        return f;
}

void doctor_todo(struct doctor_finding *f, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->todo, sizeof(f->todo), fmt, ap);
        va_end(ap);
}

int doctor_path(const struct doctor_ctx *c, const char *path, char *buf, size_t cap)
{
        if ((size_t)snprintf(buf, cap, "%s%s", c->root, path) >= cap)
                return -ENAMETOOLONG;
        return 0;
}

int doctor_read(const struct doctor_ctx *c, const char *path, char *buf, size_t cap,
                size_t *ret_len)
{
        char p[PATH_MAX];
        *ret_len = 0;
        int r = doctor_path(c, path, p, sizeof(p));
        if (r < 0)
                return r;
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -errno : fileio_read_fd(fd, buf, cap);
        if (n < 0)
                return (int)n;
        *ret_len = (size_t)n;
        return 0;
}

int64_t doctor_read_int(const struct doctor_ctx *c, const char *path)
{
        char buf[64], *end;
        size_t len;
        if (doctor_read(c, path, buf, sizeof(buf), &len) < 0 || len == 0)
                return OG_NONE;
        errno = 0;
        long long v = strtoll(buf, &end, 10);
        if (errno || end == buf || (*end && *end != '\n'))
                return OG_NONE;
        return (int64_t)v;
}

bool doctor_exists(const struct doctor_ctx *c, const char *path)
{
        char p[PATH_MAX];
        return doctor_path(c, path, p, sizeof(p)) == 0 && access(p, F_OK) == 0;
}

static bool is_exec(const struct doctor_ctx *c, const char *path)
{
        char p[PATH_MAX];
        struct stat st;
        return doctor_path(c, path, p, sizeof(p)) == 0 && stat(p, &st) == 0 &&
               S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

bool doctor_find_exec(const struct doctor_ctx *c, const char *name, char *ret, size_t cap)
{
        if (strchr(name, '/')) {
                if (!is_exec(c, name) || strlen(name) >= cap)
                        return false;
                memcpy(ret, name, strlen(name) + 1);
                return true;
        }
        for (size_t i = 0; i < doctor_n_bin_dirs; i++)
                if ((size_t)snprintf(ret, cap, "%s/%s", doctor_bin_dirs[i], name) < cap &&
                    is_exec(c, ret))
                        return true;
        return false;
}

static const char *swap_name(const struct swap_policy *s)
{
        static const char *const names[] = {"inherit", "none", "unlimited", "a size",
                                            "a share of the limit"};
        return (size_t)s->mode < ARRAY_SIZE(names) ? names[s->mode] : "?";
}

/* A runtime the configuration names that does not exist: oomguard-shim
 * runs runc instead, which is not what the administrator asked for. The
 * default, runc, is the runtime check's. */
static bool runtime_missing(struct doctor_ctx *c, const struct og_config *cfg, const char **ret)
{
        char found[PATH_MAX];
        const char *want = getenv("OOMGUARD_RUNTIME");
        if (!want || !want[0])
                want = cfg->runtime;
        *ret = want;
        return strcmp(want, "runc") && !doctor_find_exec(c, want, found, sizeof(found));
}

/* The configuration, as the hook would load it; cfg gets the defaults when
 * it does not load, as the hook runs then. */
static void check_config(struct doctor_ctx *c, struct og_config *cfg)
{
        char path[PATH_MAX];
        struct og_error err = {0};
        const char *given = c->opts->config;
        if (given)
                snprintf(path, sizeof(path), "%s", given);
        else if (doctor_path(c, CONFIG_DEFAULT_PATH, path, sizeof(path)) < 0)
                path[0] = '\0';
        if (!given && access(path, F_OK) < 0 && errno == ENOENT) {
                config_defaults(cfg);
                doctor_todo(doctor_add(c, DOCTOR_INFO, "config",
                                       "No %s: the built-in defaults apply (oom_score_adj "
                                       "auto, floor 0, swap inherit).",
                                       CONFIG_DEFAULT_PATH),
                            "Write one to set a policy; see oomguard.json(5).");
                return;
        }
        int loaded = config_load_kept(path, false, cfg, &err);
        if (loaded != 0) {
                doctor_todo(doctor_add(c, DOCTOR_ERROR, "config", "%s.", err.msg),
                            "%s; until then oomguard-hook and oomguard-shim run with %s.",
                            err.code == -ENOENT ? "Create it or name another (--config, "
                                                  "OOMGUARD_CONFIG)"
                                                : "Correct the file",
                            loaded > 0 ? "the last configuration that loaded"
                                       : "the built-in defaults");
                return;
        }
        const char *rt;
        if (runtime_missing(c, cfg, &rt)) {
                doctor_todo(doctor_add(c, DOCTOR_ERROR, "config",
                                       "%s loads, but the "
                                       "runtime \"%s\" does not exist: oomguard-shim runs "
                                       "new containers on runc instead (and says so in the "
                                       "engine's log).",
                                       given ? given : CONFIG_DEFAULT_PATH, rt),
                            "Install it, or set \"runtime\" to one that exists (runc, crun, "
                            "or an absolute path).");
                return;
        }
        char adj[16];
        snprintf(adj, sizeof(adj), "%d", cfg->adj);
        doctor_add(c, DOCTOR_OK, "config",
                   "%s loads: oom_score_adj %s (floor %d), swap %s, fail_closed %s.",
                   given ? given : CONFIG_DEFAULT_PATH, cfg->adj_auto ? "auto" : adj,
                   cfg->adj_floor, swap_name(&cfg->swap), cfg->fail_closed ? "on" : "off");
}

static void dir_problem(struct doctor_ctx *c, const char *check, const char *dir,
                        const char *what_for, bool exists, int e)
{
        bool unprivileged = geteuid() != 0 && (e == EACCES || e == EPERM);
        struct doctor_finding *f;
        if (exists)
                f = doctor_add(c, unprivileged ? DOCTOR_INFO : DOCTOR_ERROR, check,
                               "%s (%s) is not writable: %s.", dir, what_for, strerror(e));
        else if (e == ENOENT)
                f = doctor_add(c, DOCTOR_ERROR, check,
                               "Neither %s (%s) nor its parent "
                               "exists; oomguard creates only the last component.",
                               dir, what_for);
        else
                f = doctor_add(c, unprivileged ? DOCTOR_INFO : DOCTOR_ERROR, check,
                               "%s (%s) does not exist and its parent is not writable: %s.", dir,
                               what_for, strerror(e));
        if (unprivileged)
                doctor_todo(f, "oomguard-hook runs as root; rerun doctor as root to check.");
        else
                doctor_todo(f,
                            "Create it (mkdir -p) on a writable filesystem, or set %s "
                            "in the config.",
                            strcmp(check, "state-dir") == 0 ? "state_dir" : "verdict_log");
}

/* A directory oomguard writes to (it creates the last component itself). */
static void check_dir(struct doctor_ctx *c, const char *check, const char *dir,
                      const char *what_for)
{
        char p[PATH_MAX], parent[PATH_MAX];
        struct stat st;
        if (doctor_path(c, dir, p, sizeof(p)) < 0) {
                doctor_add(c, DOCTOR_ERROR, check, "%s: path too long.", dir);
                return;
        }
        snprintf(parent, sizeof(parent), "%s", p);
        bool exists = stat(p, &st) == 0;
        if (exists && !S_ISDIR(st.st_mode)) {
                doctor_todo(doctor_add(c, DOCTOR_ERROR, check, "%s (%s) is not a directory.", dir,
                                       what_for),
                            "Remove it or point the config elsewhere.");
                return;
        }
        if (access(exists ? p : dirname(parent), W_OK) < 0) {
                dir_problem(c, check, dir, what_for, exists, errno);
                return;
        }
        doctor_add(c, DOCTOR_OK, check, "%s (%s) %s.", dir, what_for,
                   exists ? "is writable"
                          : "does not exist yet; its parent is writable, so "
                            "it is created on first use");
}

static void check_verdict_log(struct doctor_ctx *c, const char *log)
{
        char dir[PATH_MAX], p[PATH_MAX];
        snprintf(dir, sizeof(dir), "%s", log);
        check_dir(c, "verdict-log", dirname(dir), "verdict log directory");
        if (doctor_path(c, log, p, sizeof(p)) == 0 && access(p, F_OK) == 0 &&
            access(p, W_OK) < 0 && geteuid() == 0)
                doctor_todo(doctor_add(c, DOCTOR_ERROR, "verdict-log",
                                       "%s is not "
                                       "writable: %s.",
                                       log, strerror(errno)),
                            "Fix its mode or filesystem; verdicts are lost until then.");
}

int doctor_kmsg_probe(const char *path)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        char buf[KMSG_RECORD_MAX + 1];
        ssize_t n = kmsg_read_record(fd, buf);
        if (n == 0 || n == -EPIPE)
                return 0; /* caught up, or the ring wrapped past us */
        return n > 0 ? 1 : (int)n;
}

static void check_kmsg(struct doctor_ctx *c)
{
        if (c->root[0]) {
                doctor_add(c, DOCTOR_INFO, "kmsg",
                           "/dev/kmsg not checked: it is this "
                           "kernel's log, not the root's.");
                return;
        }
        int r = doctor_kmsg_probe("/dev/kmsg");
        if (r >= 0) {
                doctor_add(c, DOCTOR_OK, "kmsg",
                           "/dev/kmsg is readable%s; oomguard-hook "
                           "reads the kernel's OOM records from it.",
                           r ? " (one record read)" : "");
                return;
        }
        bool unprivileged = geteuid() != 0 && (r == -EACCES || r == -EPERM);
        struct doctor_finding *f = doctor_add(
                c, unprivileged ? DOCTOR_INFO : DOCTOR_WARN, "kmsg",
                "/dev/kmsg cannot be read as uid %u: %s (kernel.dmesg_restrict=%lld).",
                (unsigned)geteuid(), strerror(-r),
                (long long)doctor_read_int(c, "/proc/sys/kernel/dmesg_restrict"));
        if (unprivileged)
                doctor_todo(f, "oomguard-hook runs as root; rerun doctor as root to check.");
        else
                doctor_todo(f, "Give oomguard-hook access to /dev/kmsg (CAP_SYSLOG); "
                               "without it verdicts rest on cgroup counters alone.");
}

/* A positive oom_score_adj that is meant: oomguard's own watchers (they
 * give way in an OOM) and containerd's shims (containerd sets theirs just
 * above its own, so that a shim dies before the daemon). */
static bool adj_meant(const struct proc_entry *e)
{
        return !strcmp(e->comm, "oomguard-watch") || !strncmp(e->comm, "containerd-shim", 15);
}

/* Host processes (not in a container) with a positive oom_score_adj. */
static void host_positive(struct doctor_ctx *c, const struct proc_table *t)
{
        char names[512] = "";
        size_t n = 0, off = 0;
        for (size_t i = 0; i < t->n; i++) {
                const struct proc_entry *e = &t->e[i];
                if (e->container_id[0] || e->oom_score_adj <= 0 || e->rss_kb <= 0 || adj_meant(e))
                        continue;
                if (n++ < HOST_NAMES && off < sizeof(names)) {
                        int w = snprintf(names + off, sizeof(names) - off,
                                         "%s%s (pid %d, "
                                         "adj %d)",
                                         off ? ", " : "", e->comm, e->pid, e->oom_score_adj);
                        off += w > 0 ? (size_t)w : 0;
                }
        }
        if (n == 0)
                return;
        doctor_todo(doctor_add(c, DOCTOR_WARN, "oom-adj",
                               "%zu host process%s with "
                               "oom_score_adj > 0: a global OOM kills %s before processes "
                               "of %s size at 0, containers included: %s%s.",
                               n, n == 1 ? "" : "es", n == 1 ? "it" : "them",
                               n == 1 ? "its" : "their", names, n > HOST_NAMES ? ", ..." : ""),
                    "If they matter, set OOMScoreAdjust=0 (or lower) in their units; if "
                    "they are disposable, leave them.");
}

/* The first entry of container id with a negative adj is i itself. */
static bool first_protected(const struct proc_table *t, size_t i)
{
        for (size_t j = 0; j < i; j++)
                if (t->e[j].oom_score_adj < 0 &&
                    strcmp(t->e[j].container_id, t->e[i].container_id) == 0)
                        return false;
        return true;
}

static void one_container(struct doctor_ctx *c, const struct proc_table *t, size_t i)
{
        const struct proc_entry *low = &t->e[i];
        size_t n = 0;
        for (size_t j = i; j < t->n; j++) {
                const struct proc_entry *e = &t->e[j];
                if (e->oom_score_adj >= 0 || strcmp(e->container_id, low->container_id))
                        continue;
                n++;
                if (e->oom_score_adj < low->oom_score_adj ||
                    (e->oom_score_adj == low->oom_score_adj && e->rss_kb > low->rss_kb))
                        low = e;
        }
        doctor_todo(doctor_add(c, DOCTOR_WARN, "oom-adj",
                               "Container %.12s: %zu process%s "
                               "with oom_score_adj down to %d (%s, pid %d), inherited from "
                               "its runtime: in a global OOM host processes die before it.",
                               low->container_id, n, n == 1 ? "" : "es", low->oom_score_adj,
                               low->comm, low->pid),
                    "Register oomguard-hook (it writes oom_score_adj at create), or give "
                    "the container an explicit oomScoreAdj >= 0.");
}

/* Container processes with a negative oom_score_adj, one finding per
 * container. */
static size_t containers_protected(struct doctor_ctx *c, const struct proc_table *t)
{
        size_t shown = 0, more = 0;
        for (size_t i = 0; i < t->n; i++) {
                if (!t->e[i].container_id[0] || t->e[i].oom_score_adj >= 0 ||
                    !first_protected(t, i))
                        continue;
                if (shown < MAX_CONTAINER_FINDINGS) {
                        one_container(c, t, i);
                        shown++;
                } else
                        more++;
        }
        if (more)
                doctor_add(c, DOCTOR_WARN, "oom-adj",
                           "%zu more containers run with a "
                           "negative oom_score_adj; see oomguard ps.",
                           more);
        return shown + more;
}

static void check_procs(struct doctor_ctx *c)
{
        char proc[PATH_MAX];
        struct proc_table t;
        struct og_error err = {0};
        if (doctor_path(c, "/proc", proc, sizeof(proc)) < 0 || procscan(proc, &t, &err) < 0) {
                doctor_add(c, DOCTOR_ERROR, "oom-adj", "%s.",
                           err.msg[0] ? err.msg : "path too long");
                return;
        }
        size_t before = c->rep->n + c->rep->dropped, in_containers = 0;
        for (size_t i = 0; i < t.n; i++)
                in_containers += t.e[i].container_id[0] != '\0';
        containers_protected(c, &t);
        host_positive(c, &t);
        if (c->rep->n + c->rep->dropped == before)
                doctor_add(c, DOCTOR_OK, "oom-adj",
                           "No container process has a negative "
                           "oom_score_adj and no host process a positive one (%zu "
                           "processes, %zu in containers).",
                           t.n, in_containers);
        proc_table_free(&t);
}

/* The writeback mode in force, before the config check reports on it:
 * the dirty check must not advise what that policy avoids. */
static int policy_writeback(const struct doctor_ctx *c)
{
        char path[PATH_MAX];
        struct og_config cfg;
        if (c->opts->config)
                snprintf(path, sizeof(path), "%s", c->opts->config);
        else if (doctor_path(c, CONFIG_DEFAULT_PATH, path, sizeof(path)) < 0)
                return WRITEBACK_AUTO;
        if (!c->opts->config && access(path, F_OK) < 0)
                return WRITEBACK_AUTO;
        (void)config_load_kept(path, false, &cfg, NULL);
        return (int)cfg.writeback;
}

static int set_root(struct doctor_ctx *c, const char *root, struct og_error *err)
{
        size_t n = root ? strlen(root) : 0;
        while (n > 0 && root[n - 1] == '/')
                n--;
        if (n >= sizeof(c->root) - 64)
                return og_error_set(err, -ENAMETOOLONG, "--root: path too long");
        memcpy(c->root, root ? root : "", n);
        c->root[n] = '\0';
        struct stat st;
        if (n && (stat(c->root, &st) < 0 || !S_ISDIR(st.st_mode)))
                return og_error_set(err, -ENOTDIR, "--root %s: not a directory", root);
        return 0;
}

int doctor_run(const struct doctor_opts *opts, struct doctor_report *ret, struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        struct doctor_ctx *c = calloc(1, sizeof(*c));
        if (!c)
                return og_error_set(err, -ENOMEM, "out of memory");
        c->opts = opts;
        c->rep = ret;
        int r = set_root(c, opts->root, err);
        if (r == 0 && !(c->scratch = malloc(DOCTOR_SCRATCH + 1)))
                r = og_error_set(err, -ENOMEM, "out of memory");
        if (r == 0) {
                struct og_config cfg;
                c->writeback = policy_writeback(c);
                doctor_check_cgroup(c);
                doctor_check_meminfo(c);
                doctor_check_swap(c);
                doctor_check_dirty(c);
                doctor_check_overcommit(c);
                doctor_check_runtimes(c);
                doctor_check_engines(c);
                check_config(c, &cfg);
                doctor_check_writeback(c, &cfg);
                check_dir(c, "state-dir", cfg.state_dir, "per-container state");
                check_verdict_log(c, cfg.verdict_log);
                check_kmsg(c);
                check_procs(c);
        }
        free(c->scratch);
        free(c);
        return r;
}

bool doctor_has_problems(const struct doctor_report *r)
{
        for (size_t i = 0; i < r->n; i++)
                if (r->f[i].level >= DOCTOR_WARN)
                        return true;
        return false;
}

int doctor_write_text(FILE *out, const struct doctor_report *r)
{
        char what[sizeof(r->f[0].what) + 8], todo[sizeof(r->f[0].todo) + 8];
        for (size_t i = 0; i < r->n; i++) {
                const struct doctor_finding *f = &r->f[i];
                text_sanitize(f->what, what, sizeof(what));
                text_sanitize(f->todo, todo, sizeof(todo));
                fprintf(out, "%-5s %-11s %s%s%s%s\n", doctor_level_name(f->level), f->check, what,
                        todo[0] ? " " : "", todo[0] && f->level >= DOCTOR_WARN ? "Fix: " : "",
                        todo);
        }
        if (r->dropped)
                fprintf(out, "%-5s %-11s %zu more findings were not shown.\n", "warn", "doctor",
                        r->dropped);
        return ferror(out) ? -EIO : 0;
}

static int write_finding(FILE *out, const struct doctor_finding *f)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        yajl_gen_map_open(g);
        jg_str(g, "level", doctor_level_name(f->level));
        jg_str(g, "check", f->check);
        jg_str(g, "message", f->what);
        jg_str(g, "action", f->todo);
        yajl_gen_map_close(g);
        return jg_write_line(g, out);
}

int doctor_write_json(FILE *out, const struct doctor_report *r)
{
        int e = 0;
        for (size_t i = 0; i < r->n && e == 0; i++)
                e = write_finding(out, &r->f[i]);
        if (e == 0 && r->dropped) {
                struct doctor_finding f = {.level = DOCTOR_WARN, .check = "doctor"};
                snprintf(f.what, sizeof(f.what), "%zu more findings were not shown.", r->dropped);
                e = write_finding(out, &f);
        }
        return e;
}
