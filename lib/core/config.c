/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "config.h"

#include "fileio.h"
#include "jsonv.h"
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void config_defaults(struct og_config *c)
{
        memset(c, 0, sizeof(*c));
        c->adj_auto = true;
        c->adj_floor = 0;
        c->swap.mode = SWAP_INHERIT;
        c->oom_group = -1;
        c->annotations = true;
        snprintf(c->state_dir, sizeof(c->state_dir), "/run/oomguard");
        snprintf(c->verdict_log, sizeof(c->verdict_log), "/var/log/oomguard/verdicts.jsonl");
        snprintf(c->metrics, sizeof(c->metrics), "%s", CONFIG_METRICS_DEFAULT);
        c->metrics_auto = true;
        snprintf(c->termination_root, sizeof(c->termination_root), "/var/lib/kubelet/pods");
        snprintf(c->runtime, sizeof(c->runtime), "runc");
        c->hook_timeout = 10;
        c->writeback_host_min = 16LL << 20;
        c->writeback_host_interval = 1;
}

bool config_parse_size(const char *s, int64_t *ret)
{
        static const char units[] = "KMGT";
        struct scan t = scan_make(s, strlen(s));
        int64_t v;
        int shift = 0;
        if (!scan_digits(&t) || !scan_i64(&t, &v))
                return false;
        if (t.p < t.end) { /* K, M, G, T; "Mi" / "MB" read as binary too */
                const char *u = memchr(units, t.p[0] & ~0x20, sizeof(units) - 1);
                if (!u || !scan_is_alpha(t.p[0]))
                        return false;
                shift = 10 * (int)(u - units + 1);
                t.p++;
                if (t.p < t.end && (t.p[0] == 'i' || t.p[0] == 'B'))
                        t.p++;
        }
        if (t.p != t.end || v > (INT64_MAX >> shift))
                return false;
        *ret = v << shift;
        return true;
}

bool config_parse_swap(const char *s, struct swap_policy *ret)
{
        size_t n = strlen(s);
        memset(ret, 0, sizeof(*ret));
        if (strcmp(s, "inherit") == 0)
                ret->mode = SWAP_INHERIT;
        else if (strcmp(s, "none") == 0)
                ret->mode = SWAP_NONE;
        else if (strcmp(s, "unlimited") == 0)
                ret->mode = SWAP_UNLIMITED;
        else if (n > 1 && s[n - 1] == '%') {
                struct scan t = scan_make(s, n - 1);
                if (!scan_i64(&t, &ret->percent) || scan_left(&t) || ret->percent < 0 ||
                    ret->percent > 1000)
                        return false;
                ret->mode = SWAP_PERCENT;
        } else if (config_parse_size(s, &ret->bytes))
                ret->mode = SWAP_BYTES;
        else
                return false;
        return true;
}

static const char *const known_keys[] = {
        "oom_score_adj",
        "oom_score_adj_floor",
        "swap",
        "memory_high",
        "oom_group",
        "annotations",
        "fail_closed",
        "state_dir",
        "verdict_log",
        "runtime",
        "hook",
        "hook_timeout",
        "writeback",
        "writeback_window",
        "writeback_host_min",
        "writeback_host_interval",
        "metrics",
        "termination_message",
};

static int bad(struct og_error *err, const char *name, const char *key, const char *want)
{
        return og_error_set(err, -EINVAL, "%s: \"%s\" must be %s", name, key, want);
}

static int check_keys(yajl_val doc, const char *name, struct og_error *err)
{
        for (size_t i = 0; i < doc->u.object.len; i++) {
                const char *k = doc->u.object.keys[i];
                bool known = strncmp(k, "//", 2) == 0; /* a comment */
                for (size_t j = 0; j < ARRAY_SIZE(known_keys); j++)
                        known |= strcmp(k, known_keys[j]) == 0;
                if (!known)
                        return og_error_set(err, -EINVAL,
                                            "%s: unknown key \"%s\"; the keys are "
                                            "described in oomguard.json(5)",
                                            name, k);
        }
        return 0;
}

static int parse_adj(yajl_val doc, const char *name, struct og_config *c, struct og_error *err)
{
        const char *s;
        int64_t v;
        if (jsonv_str(doc, "oom_score_adj", &s) == JSONV_OK) {
                if (strcmp(s, "auto") != 0)
                        return bad(err, name, "oom_score_adj",
                                   "\"auto\" or a number from -1000 to 1000");
                c->adj_auto = true;
        } else if (jsonv_i64(doc, "oom_score_adj", &v) == JSONV_OK) {
                if (v < -1000 || v > 1000)
                        return bad(err, name, "oom_score_adj",
                                   "\"auto\" or a number from -1000 to 1000");
                c->adj_auto = false;
                c->adj = (int)v;
        } else if (jsonv_get(doc, "oom_score_adj"))
                return bad(err, name, "oom_score_adj", "\"auto\" or a number from -1000 to 1000");
        enum jsonv_r r = jsonv_i64(doc, "oom_score_adj_floor", &v);
        if (r == JSONV_WRONG_TYPE || (r == JSONV_OK && (v < -1000 || v > 1000)))
                return bad(err, name, "oom_score_adj_floor", "a number from -1000 to 1000");
        if (r == JSONV_OK)
                c->adj_floor = (int)v;
        return 0;
}

static int parse_knobs(yajl_val doc, const char *name, struct og_config *c, struct og_error *err)
{
        const char *s;
        enum jsonv_r r = jsonv_str(doc, "swap", &s);
        if (r == JSONV_WRONG_TYPE || (r == JSONV_OK && !config_parse_swap(s, &c->swap)))
                return bad(err, name, "swap",
                           "\"inherit\", \"none\", \"unlimited\", a size "
                           "like \"512M\" or a share of the limit like \"50%\"");
        r = jsonv_str(doc, "memory_high", &s);
        if (r == JSONV_OK && strcmp(s, "off") != 0) {
                struct scan t = scan_make(s, strlen(s));
                int64_t pct;
                if (!scan_i64(&t, &pct) || !scan_char(&t, '%') || scan_left(&t) || pct < 1 ||
                    pct > 100)
                        r = JSONV_WRONG_TYPE;
                else
                        c->memory_high_percent = (int)pct;
        }
        if (r == JSONV_WRONG_TYPE)
                return bad(err, name, "memory_high",
                           "\"off\" or a share of the limit like \"90%\"");
        bool b;
        if ((r = jsonv_bool(doc, "oom_group", &b)) == JSONV_WRONG_TYPE)
                return bad(err, name, "oom_group", "true, false or null");
        if (r == JSONV_OK)
                c->oom_group = b;
        if (jsonv_bool(doc, "annotations", &c->annotations) == JSONV_WRONG_TYPE)
                return bad(err, name, "annotations", "true or false");
        if (jsonv_bool(doc, "fail_closed", &c->fail_closed) == JSONV_WRONG_TYPE)
                return bad(err, name, "fail_closed", "true or false");
        return 0;
}

static int parse_path(yajl_val doc, const char *name, const char *key, char *dst, size_t cap,
                      struct og_error *err)
{
        const char *s;
        enum jsonv_r r = jsonv_str(doc, key, &s);
        if (r == JSONV_ABSENT)
                return 0;
        if (r != JSONV_OK || s[0] != '/' || strlen(s) >= cap || strstr(s, "/../"))
                return bad(err, name, key, "an absolute path");
        memcpy(dst, s, strlen(s) + 1);
        return 0;
}

/* "metrics": a *.prom path, or "off" */
static int parse_metrics(yajl_val doc, const char *name, struct og_config *c,
                         struct og_error *err)
{
        const char *s;
        enum jsonv_r r = jsonv_str(doc, "metrics", &s);
        if (r == JSONV_ABSENT)
                return 0;
        c->metrics_auto = false;
        if (r == JSONV_OK && !strcmp(s, "off")) {
                c->metrics[0] = '\0';
                return 0;
        }
        size_t n = r == JSONV_OK ? strlen(s) : 0;
        if (n < 7 || s[0] != '/' || n >= sizeof(c->metrics) || strstr(s, "/../") ||
            strcmp(s + n - 5, ".prom"))
                return bad(err, name, "metrics", "\"off\" or the absolute path of a *.prom file");
        memcpy(c->metrics, s, n + 1);
        return 0;
}

/* "termination_message": "off", or the directory the termination message
 * files must lie below (the kubelet's pods directory by default) */
static int parse_termination(yajl_val doc, const char *name, struct og_config *c,
                             struct og_error *err)
{
        const char *s;
        if (jsonv_str(doc, "termination_message", &s) == JSONV_OK && !strcmp(s, "off")) {
                c->termination_root[0] = '\0';
                return 0;
        }
        int r = parse_path(doc, name, "termination_message", c->termination_root,
                           sizeof(c->termination_root), err);
        if (r < 0 || strcmp(c->termination_root, "/") == 0)
                return bad(err, name, "termination_message",
                           "\"off\" or a directory other than /");
        return 0;
}

/* The shim's keys: the real runtime (a name looked up in the system's
 * directories, or an absolute path), the hook it registers, its timeout. */
static int parse_shim(yajl_val doc, const char *name, struct og_config *c, struct og_error *err)
{
        const char *s;
        enum jsonv_r r = jsonv_str(doc, "runtime", &s);
        if (r == JSONV_OK &&
            (s[0] == '/' ? !strstr(s, "/../")
                         : s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyz"
                                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789._-") == strlen(s)) &&
            strlen(s) < sizeof(c->runtime))
                memcpy(c->runtime, s, strlen(s) + 1);
        else if (r != JSONV_ABSENT)
                return bad(err, name, "runtime",
                           "a runtime's name (\"runc\", \"crun\", "
                           "\"sysbox-runc\") or an absolute path");
        int64_t v;
        r = jsonv_i64(doc, "hook_timeout", &v);
        if (r == JSONV_OK && v >= 1 && v <= 300)
                c->hook_timeout = (int)v;
        else if (r != JSONV_ABSENT)
                return bad(err, name, "hook_timeout", "a number of seconds from 1 to 300");
        return parse_path(doc, name, "hook", c->hook, sizeof(c->hook), err);
}

/* The host mode's bounds: the floor of vm.dirty_bytes (the background's
 * is half of it) and the least time between two rewrites. */
static int parse_host_bounds(yajl_val doc, const char *name, struct og_config *c,
                             struct og_error *err)
{
        const char *s;
        int64_t v;
        enum jsonv_r r = jsonv_str(doc, "writeback_host_min", &s);
        if (r == JSONV_OK && config_parse_size(s, &v) && v >= (1 << 20) && v <= (1LL << 40))
                c->writeback_host_min = v;
        else if (r != JSONV_ABSENT)
                return bad(err, name, "writeback_host_min", "a size from \"1M\" to \"1T\"");
        r = jsonv_i64(doc, "writeback_host_interval", &v);
        if (r == JSONV_OK && v >= 1 && v <= 3600)
                c->writeback_host_interval = (int)v;
        else if (r != JSONV_ABSENT)
                return bad(err, name, "writeback_host_interval",
                           "a number of seconds from 1 to 3600");
        return 0;
}

static int parse_writeback(yajl_val doc, const char *name, struct og_config *c,
                           struct og_error *err)
{
        static const char *const modes[] = {"auto", "off", "preload", "host"};
        const char *s;
        enum jsonv_r r = jsonv_str(doc, "writeback", &s);
        if (r == JSONV_OK) {
                size_t i = 0;
                while (i < ARRAY_SIZE(modes) && strcmp(s, modes[i]))
                        i++;
                if (i == ARRAY_SIZE(modes))
                        return bad(err, name, "writeback",
                                   "\"auto\", \"off\", \"preload\" or \"host\"");
                c->writeback = (enum writeback_mode)i;
        } else if (r != JSONV_ABSENT)
                return bad(err, name, "writeback", "\"auto\", \"off\", \"preload\" or \"host\"");
        r = jsonv_str(doc, "writeback_window", &s);
        int64_t v;
        if (r == JSONV_OK && strcmp(s, "auto") == 0)
                c->writeback_window = 0;
        else if (r == JSONV_OK && config_parse_size(s, &v) && v >= (1 << 20) && v <= (1 << 30))
                c->writeback_window = v;
        else if (r != JSONV_ABSENT)
                return bad(err, name, "writeback_window",
                           "\"auto\" or a size from \"1M\" to \"1G\"");
        return parse_host_bounds(doc, name, c, err);
}

int config_parse(const char *buf, size_t len, const char *name, struct og_config *ret,
                 struct og_error *err)
{
        config_defaults(ret);
        _cleanup_tree_ yajl_val doc = NULL;
        int r = jsonv_parse_object(buf, len, CONFIG_MAX, name, &doc, err);
        if (r < 0) {
                if (err && r == -EINVAL)
                        strncat(err->msg, "; fix the file or remove it to use the defaults",
                                sizeof(err->msg) - strlen(err->msg) - 1);
                return r;
        }
        if ((r = check_keys(doc, name, err)) < 0 || (r = parse_adj(doc, name, ret, err)) < 0 ||
            (r = parse_knobs(doc, name, ret, err)) < 0 ||
            (r = parse_path(doc, name, "state_dir", ret->state_dir, sizeof(ret->state_dir),
                            err)) < 0 ||
            (r = parse_path(doc, name, "verdict_log", ret->verdict_log, sizeof(ret->verdict_log),
                            err)) < 0 ||
            (r = parse_metrics(doc, name, ret, err)) < 0 ||
            (r = parse_termination(doc, name, ret, err)) < 0 ||
            (r = parse_shim(doc, name, ret, err)) < 0 ||
            (r = parse_writeback(doc, name, ret, err)) < 0)
                return r;
        return 0;
}

static int load_buf(const char *path, char **buf, size_t *len, struct og_error *err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return og_error_set(err, -errno, "cannot open %s: %s", path, strerror(errno));
        int r = fileio_read_fd_alloc(fd, CONFIG_MAX, buf, len);
        if (r == -EFBIG)
                return og_error_set(err, r, "%s: larger than %d bytes", path, CONFIG_MAX);
        if (r < 0)
                return og_error_set(err, r, "reading %s: %s", path, strerror(-r));
        return 0;
}

int config_load(const char *path, struct og_config *ret, struct og_error *err)
{
        const char *p = path ? path : CONFIG_DEFAULT_PATH;
        config_defaults(ret);
        if (!path && access(p, F_OK) < 0 && errno == ENOENT)
                return 0; /* no file: the documented defaults */
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r = load_buf(p, &buf, &len, err);
        return r < 0 ? r : config_parse(buf, len, p, ret, err);
}

int config_kept_path(const char *path, char *buf, size_t cap)
{
        int n = !path || !strcmp(path, CONFIG_DEFAULT_PATH)
                        ? snprintf(buf, cap, "%s", CONFIG_KEPT_PATH)
                        : snprintf(buf, cap, "%s.last-good", path);
        return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* The file that just loaded, as the kept copy, unless it is already. */
static void keep(const char *kept, const char *buf, size_t len)
{
        char dir[PATH_MAX];
        const char *slash = strrchr(kept, '/');
        if (!slash || (size_t)(slash - kept) >= sizeof(dir))
                return;
        memcpy(dir, kept, (size_t)(slash - kept));
        dir[slash - kept] = '\0';
        if (!strcmp(kept, CONFIG_KEPT_PATH))
                (void)mkdir(dir, 0755);
        _cleanup_close_ int dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return;
        _cleanup_free_ char *old = NULL;
        size_t old_len = 0;
        if (load_buf(kept, &old, &old_len, NULL) == 0 && old && old_len == len &&
            !memcmp(old, buf, len))
                return;
        (void)fileio_write_atomic(dfd, slash + 1, buf, len, 0644, NULL);
}

int config_load_kept(const char *path, bool save, struct og_config *ret, struct og_error *err)
{
        const char *p = path ? path : CONFIG_DEFAULT_PATH;
        char kept[PATH_MAX];
        config_defaults(ret);
        if (config_kept_path(p, kept, sizeof(kept)) < 0)
                return config_load(path, ret, err);
        if (!path && access(p, F_OK) < 0 && errno == ENOENT)
                return 0; /* no file: the documented defaults, nothing to keep */
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r = load_buf(p, &buf, &len, err);
        if (r == 0 && (r = config_parse(buf, len, p, ret, err)) == 0) {
                if (save)
                        keep(kept, buf, len);
                return 0;
        }
        _cleanup_free_ char *kbuf = NULL;
        size_t klen = 0;
        if (load_buf(kept, &kbuf, &klen, NULL) < 0 ||
            config_parse(kbuf, klen, kept, ret, NULL) < 0) {
                config_defaults(ret);
                return r;
        }
        if (err)
                snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg),
                         "; the last configuration that loaded (%s) stays in force", kept);
        return 1;
}
