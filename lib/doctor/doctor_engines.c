/* SPDX-License-Identifier: MIT */
/* Doctor checks of what runs containers here: the OCI runtimes installed,
 * and whether each engine (Docker, containerd, podman, CRI-O) is set up to
 * run oomguard-shim or oomguard-hook. */
#define _GNU_SOURCE
#include "doctor-int.h"

#include "jsonv.h"
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define ENGINE_CONF_MAX (1024 * 1024)
#define HOOKFILE_MAX (64 * 1024)
#define DROPINS 32

static const char *const runtime_names[] = {"runc", "crun", "sysbox-runc"};
static const char *const podman_hooks[] = {"/usr/share/containers/oci/hooks.d",
                                           "/etc/containers/oci/hooks.d"};
static const char *const crio_default_hooks = "/usr/share/containers/oci/hooks.d";

/* Installed engines (their binaries), "" when absent. */
struct engines {
        char dockerd[PATH_MAX], containerd[PATH_MAX], podman[PATH_MAX], crio[PATH_MAX];
        char shim[PATH_MAX], hook[PATH_MAX]; /* where oomguard's are, or a suggestion */
};

/* The last path component of path is name. */
static bool name_is(const char *path, const char *name)
{
        const char *slash = strrchr(path, '/');
        return strcmp(slash ? slash + 1 : path, name) == 0;
}

static void dirs_list(char *buf, size_t cap)
{
        size_t off = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < doctor_n_bin_dirs && off < cap; i++) {
                int w = snprintf(buf + off, cap - off, "%s%s", i ? " " : "", doctor_bin_dirs[i]);
                off += w > 0 ? (size_t)w : 0;
        }
}

/* ---- runtimes ---- */

static void append(char *buf, size_t cap, const char *s)
{
        size_t n = strlen(buf);
        if (n < cap && (size_t)snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", s) >= cap - n)
                buf[n] = '\0'; /* leave out what does not fit whole */
}

/* One finding per runtime name: its copies, the same file reached through
 * symlinked directories (/sbin -> usr/sbin) named as aliases. */
static bool one_runtime(struct doctor_ctx *c, const char *name)
{
        struct stat seen[8];
        size_t n = 0;
        char first[PATH_MAX] = "", also[512] = "", other[512] = "", p[PATH_MAX], rp[PATH_MAX];
        for (size_t i = 0; i < doctor_n_bin_dirs; i++) {
                struct stat st;
                snprintf(p, sizeof(p), "%s/%s", doctor_bin_dirs[i], name);
                if (doctor_path(c, p, rp, sizeof(rp)) < 0 || stat(rp, &st) < 0 ||
                    !S_ISREG(st.st_mode) || !(st.st_mode & 0111))
                        continue;
                bool dup = false;
                for (size_t j = 0; j < n && j < ARRAY_SIZE(seen); j++)
                        dup |= seen[j].st_dev == st.st_dev && seen[j].st_ino == st.st_ino;
                if (dup)
                        append(also, sizeof(also), p);
                else if (n++ == 0)
                        snprintf(first, sizeof(first), "%s", p);
                else
                        append(other, sizeof(other), p);
                if (!dup && n <= ARRAY_SIZE(seen))
                        seen[n - 1] = st;
        }
        if (!first[0])
                return false;
        doctor_add(c, DOCTOR_OK, "runtime", "%s: %s%s%s%s%s%s.", name, first,
                   also[0] ? " (also as " : "", also, also[0] ? ")" : "",
                   other[0] ? "; other copies, found later in PATH: " : "", other);
        return true;
}

void doctor_check_runtimes(struct doctor_ctx *c)
{
        bool any = false;
        char dirs[256], p[PATH_MAX];
        for (size_t i = 0; i < ARRAY_SIZE(runtime_names); i++)
                any |= one_runtime(c, runtime_names[i]);
        if (any)
                return;
        bool engine = doctor_find_exec(c, "dockerd", p, sizeof(p)) ||
                      doctor_find_exec(c, "containerd", p, sizeof(p)) ||
                      doctor_find_exec(c, "podman", p, sizeof(p)) ||
                      doctor_find_exec(c, "crio", p, sizeof(p));
        dirs_list(dirs, sizeof(dirs));
        doctor_todo(doctor_add(c, engine ? DOCTOR_WARN : DOCTOR_INFO, "runtime",
                               "No runc, crun or sysbox-runc in %s.", dirs),
                    "oomguard-shim hands over to one of them; install runc or crun%s.",
                    engine ? " where the engine finds it" : " with a container engine");
}

/* ---- Docker ---- */

int doctor_parse_docker(const char *buf, size_t len, struct doctor_docker *ret,
                        struct og_error *err)
{
        _cleanup_tree_ yajl_val doc = NULL;
        const char *s;
        memset(ret, 0, sizeof(*ret));
        snprintf(ret->default_runtime, sizeof(ret->default_runtime), "runc");
        int r = jsonv_parse_object(buf, len, ENGINE_CONF_MAX, "/etc/docker/daemon.json", &doc,
                                   err);
        if (r < 0)
                return r;
        if (jsonv_str(doc, "default-runtime", &s) == JSONV_OK)
                snprintf(ret->default_runtime, sizeof(ret->default_runtime), "%s", s);
        yajl_val rt = jsonv_get(doc, "runtimes");
        for (size_t i = 0; rt && YAJL_IS_OBJECT(rt) && i < rt->u.object.len; i++) {
                if (jsonv_str(rt->u.object.values[i], "path", &s) != JSONV_OK ||
                    !name_is(s, "oomguard-shim"))
                        continue;
                snprintf(ret->runtime, sizeof(ret->runtime), "%s", rt->u.object.keys[i]);
                snprintf(ret->path, sizeof(ret->path), "%s", s);
                break;
        }
        return 0;
}

static void not_installed(struct doctor_ctx *c, const char *check, const char *bin)
{
        char dirs[256];
        dirs_list(dirs, sizeof(dirs));
        doctor_add(c, DOCTOR_INFO, check, "Not installed (no %s in %s).", bin, dirs);
}

/* A registered binary that is not there fails every container. */
static bool missing_binary(struct doctor_ctx *c, const char *check, const char *file,
                           const char *path)
{
        char found[PATH_MAX];
        if (doctor_find_exec(c, path, found, sizeof(found)))
                return false;
        doctor_todo(doctor_add(c, DOCTOR_ERROR, check,
                               "%s names %s, which is not an "
                               "executable file: containers fail to start.",
                               file, path),
                    "Install it there or correct the path.");
        return true;
}

/* daemon.json is what dockerd uses after a restart; a HUP reloads only
 * the keys present, so a default-runtime removed or added stays as it was
 * until then. Asked on this host only (not under --root). */
static void check_docker_live(struct doctor_ctx *c, const struct doctor_docker *d,
                              const char *file)
{
        struct doctor_docker_live live;
        struct og_error err = {0};
        if (c->root[0])
                return;
        if (doctor_docker_live(c, &live, &err) < 0) {
                doctor_add(c, DOCTOR_INFO, "docker",
                           "No running dockerd answered (%s): "
                           "only %s was checked.",
                           err.msg, file);
                return;
        }
        bool want = d->runtime[0] && !strcmp(d->runtime, d->default_runtime);
        bool now = live.shim_runtime[0] && !strcmp(live.shim_runtime, live.default_runtime);
        if (want && !now)
                doctor_todo(doctor_add(c, DOCTOR_ERROR, "docker",
                                       "%s makes \"%s\" (%s) the "
                                       "default runtime, but the running dockerd's default is "
                                       "\"%s\"%s%s%s: containers started now run without "
                                       "oomguard.",
                                       file, d->runtime, d->path, live.default_runtime,
                                       live.default_path[0] ? " (" : "", live.default_path,
                                       live.default_path[0] ? ")" : ""),
                            "Restart dockerd (a SIGHUP does not change the default runtime "
                            "on every version).");
        else if (!want && now)
                doctor_todo(doctor_add(c, DOCTOR_WARN, "docker",
                                       "The running dockerd's "
                                       "default runtime is still \"%s\" (%s), which %s no "
                                       "longer makes the default.",
                                       live.shim_runtime, live.shim_path, file),
                            "Restart dockerd before removing oomguard (a SIGHUP reloads "
                            "only the keys present in %s).",
                            file);
        else if (now)
                doctor_add(c, DOCTOR_OK, "docker",
                           "The running dockerd's default runtime is "
                           "\"%s\" (%s).",
                           live.shim_runtime, live.shim_path);
}

static void check_docker(struct doctor_ctx *c, const struct engines *e)
{
        const char *file = c->opts->docker_config ? c->opts->docker_config
                                                  : "/etc/docker/daemon.json";
        struct doctor_docker d = {0};
        struct og_error err = {0};
        size_t len;
        if (!e->dockerd[0]) {
                not_installed(c, "docker", "dockerd");
                return;
        }
        int r = doctor_read(c, file, c->scratch, ENGINE_CONF_MAX + 1, &len);
        if (r == -ENOENT)
                len = 0;
        else if (r < 0 || doctor_parse_docker(c->scratch, len, &d, &err) < 0) {
                doctor_todo(doctor_add(c, DOCTOR_ERROR, "docker", "%s: %s.", file,
                                       r < 0 ? strerror(-r) : err.msg),
                            "Fix it; dockerd does not start with a broken daemon.json.");
                return;
        }
        if (r == -ENOENT || !d.runtime[0]) {
                doctor_todo(doctor_add(c, DOCTOR_WARN, "docker",
                                       "%s is installed, but %s%s "
                                       "oomguard-shim.",
                                       e->dockerd, file,
                                       r == -ENOENT ? " does not exist, so no runtime runs"
                                                    : " registers no runtime whose path is"),
                            "Add \"runtimes\": {\"oomguard\": {\"path\": \"%s\"}} and "
                            "\"default-runtime\": \"oomguard\" to %s, then restart dockerd.",
                            e->shim, file);
                check_docker_live(c, &d, file);
                return;
        }
        if (missing_binary(c, "docker", file, d.path))
                return;
        check_docker_live(c, &d, file);
        if (strcmp(d.runtime, d.default_runtime) == 0)
                doctor_add(c, DOCTOR_OK, "docker",
                           "Runtime \"%s\" is %s and the "
                           "default-runtime (%s).",
                           d.runtime, d.path, file);
        else
                doctor_todo(doctor_add(c, DOCTOR_WARN, "docker",
                                       "Runtime \"%s\" is %s, but "
                                       "the default-runtime is \"%s\": only containers run "
                                       "with --runtime %s use it.",
                                       d.runtime, d.path, d.default_runtime, d.runtime),
                            "Set \"default-runtime\": \"%s\" in %s and restart dockerd.",
                            d.runtime, file);
}

/* ---- containerd and CRI-O configuration (TOML, scanned as text) ---- */

/* The runtime a table header is about: the component after "runtimes.". */
static void table_runtime(struct scan hdr, char *ret, size_t cap)
{
        const char *p = scan_find(&hdr, "runtimes.");
        ret[0] = '\0';
        if (!p)
                return;
        struct scan s = {p + strlen("runtimes."), hdr.end};
        char q = s.p < s.end && (*s.p == '"' || *s.p == '\'') ? *s.p++ : 0;
        const char *b = s.p;
        while (s.p < s.end && (q ? *s.p != q : *s.p != '.' && *s.p != ']'))
                s.p++;
        if ((size_t)(s.p - b) < cap) {
                memcpy(ret, b, (size_t)(s.p - b));
                ret[s.p - b] = '\0';
        }
}

/* The next quoted string in *s (either quote), moving past it. */
static bool next_string(struct scan *s, char *ret, size_t cap)
{
        while (s->p < s->end && *s->p != '"' && *s->p != '\'') {
                if (*s->p == '#') { /* a comment runs to the end of its line */
                        const char *nl = memchr(s->p, '\n', scan_left(s));
                        s->p = nl ? nl : s->end;
                        continue;
                }
                s->p++;
        }
        if (s->p >= s->end)
                return false;
        char q = *s->p++;
        const char *b = s->p, *e = memchr(b, q, scan_left(s));
        if (!e)
                return false;
        s->p = e + 1;
        if ((size_t)(e - b) >= cap)
                return false;
        memcpy(ret, b, (size_t)(e - b));
        ret[e - b] = '\0';
        return true;
}

/* An array value may span lines: its end is the first ']' outside quotes. */
static const char *array_end(const char *p, const char *end)
{
        char q = 0;
        for (; p < end; p++) {
                if (q && *p == q)
                        q = 0;
                else if (!q && (*p == '"' || *p == '\''))
                        q = *p;
                else if (!q && *p == ']')
                        return p + 1;
                else if (!q && *p == '#')
                        p = memchr(p, '\n', (size_t)(end - p)) ?: end - 1;
        }
        return end;
}

/* key, bare or quoted */
static bool is_key(struct scan key, const char *want)
{
        size_t n = scan_left(&key);
        if (n >= 2 && (key.p[0] == '"' || key.p[0] == '\'') && key.end[-1] == key.p[0]) {
                key.p++;
                key.end--;
        }
        return scan_left(&key) == strlen(want) && memcmp(key.p, want, strlen(want)) == 0;
}

static void conf_pair(struct scan key, struct scan val, const char *table,
                      struct doctor_engine_conf *ret)
{
        char s[PATH_MAX];
        if (is_key(key, "BinaryName") || is_key(key, "runtime_path")) {
                if (next_string(&val, s, sizeof(s)) && name_is(s, "oomguard-shim")) {
                        snprintf(ret->shim_runtime, sizeof(ret->shim_runtime), "%s",
                                 table[0] ? table : "?");
                        snprintf(ret->shim_path, sizeof(ret->shim_path), "%s", s);
                }
        } else if (is_key(key, "default_runtime_name") || is_key(key, "default_runtime")) {
                next_string(&val, ret->default_runtime, sizeof(ret->default_runtime));
        } else if (is_key(key, "disabled_plugins")) {
                while (next_string(&val, s, sizeof(s)))
                        ret->cri_disabled |= strcmp(s, "cri") == 0 ||
                                             strcmp(s, "io.containerd.grpc.v1.cri") == 0;
        } else if (is_key(key, "hooks_dir")) {
                ret->n_hooks_dir = 0;
                while (ret->n_hooks_dir < DOCTOR_HOOKS_DIRS &&
                       next_string(&val, ret->hooks_dir[ret->n_hooks_dir], PATH_MAX))
                        ret->n_hooks_dir++;
        }
}

void doctor_parse_engine_conf(const char *buf, size_t len, struct doctor_engine_conf *ret)
{
        char table[64] = "";
        const char *end = buf + len;
        for (const char *s = buf; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                struct scan l = {s, nl ? nl : end};
                s = nl ? nl + 1 : end;
                scan_skip_spaces(&l);
                const char *eq = memchr(l.p, '=', scan_left(&l));
                if (l.p < l.end && *l.p == '[') {
                        table_runtime(l, table, sizeof(table));
                        continue;
                }
                if (l.p >= l.end || *l.p == '#' || !eq)
                        continue;
                struct scan key = {l.p, eq}, val = {eq + 1, l.end};
                key.end = key.p + scan_rtrim(key.p, scan_left(&key));
                scan_skip_spaces(&val);
                if (val.p < val.end && *val.p == '[') {
                        val.end = array_end(val.p + 1, end);
                        const char *after = memchr(val.end - 1, '\n',
                                                   (size_t)(end - val.end + 1));
                        s = after ? after + 1 : end;
                }
                conf_pair(key, val, table, ret);
        }
}

static int by_name(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read file, then the files of dropin_dir in name order, into ret. Returns
 * the number of files read; an unreadable file is named in *ret_bad. */
static size_t read_confs(struct doctor_ctx *c, const char *file, const char *dropin_dir,
                         struct doctor_engine_conf *ret, char *ret_bad, size_t bad_cap)
{
        char *names[DROPINS] = {0}, p[PATH_MAX];
        size_t n = 0, read_ok = 0, len;
        if (dropin_dir && doctor_path(c, dropin_dir, p, sizeof(p)) == 0) {
                DIR *d = opendir(p);
                struct dirent *de;
                while (d && n < DROPINS && (de = readdir(d)))
                        if (de->d_name[0] != '.' && (names[n] = strdup(de->d_name)))
                                n++;
                if (d)
                        closedir(d);
        }
        qsort(names, n, sizeof(*names), by_name);
        for (size_t i = 0; i <= n; i++) {
                if (i == 0)
                        snprintf(p, sizeof(p), "%s", file);
                else
                        snprintf(p, sizeof(p), "%s/%s", dropin_dir, names[i - 1]);
                int r = doctor_read(c, p, c->scratch, ENGINE_CONF_MAX + 1, &len);
                if (r == 0) {
                        doctor_parse_engine_conf(c->scratch, len, ret);
                        read_ok++;
                } else if (r != -ENOENT && !ret_bad[0])
                        snprintf(ret_bad, bad_cap, "%s: %s", p, strerror(-r));
                if (i > 0)
                        free(names[i - 1]);
        }
        return read_ok;
}

static void check_containerd(struct doctor_ctx *c, const struct engines *e)
{
        static const char *const file = "/etc/containerd/config.toml";
        struct doctor_engine_conf conf = {0};
        char bad[PATH_MAX + 64] = "";
        if (!e->containerd[0]) {
                not_installed(c, "containerd", "containerd");
                return;
        }
        size_t n = read_confs(c, file, "/etc/containerd/conf.d", &conf, bad, sizeof(bad));
        if (bad[0])
                doctor_add(c, DOCTOR_ERROR, "containerd", "%s.", bad);
        const char *def = conf.default_runtime[0] ? conf.default_runtime : "runc";
        if (conf.shim_runtime[0]) {
                if (missing_binary(c, "containerd", file, conf.shim_path))
                        return;
                if (strcmp(conf.shim_runtime, def) == 0)
                        doctor_add(c, DOCTOR_OK, "containerd",
                                   "Runtime \"%s\" runs %s and "
                                   "is the default runtime.",
                                   conf.shim_runtime, conf.shim_path);
                else
                        doctor_todo(doctor_add(c, DOCTOR_WARN, "containerd",
                                               "Runtime \"%s\" "
                                               "runs %s, but the default runtime is \"%s\": "
                                               "only pods of that runtime class use it.",
                                               conf.shim_runtime, conf.shim_path, def),
                                    "Set default_runtime_name = \"%s\" in the CRI plugin's "
                                    "containerd table and restart containerd.",
                                    conf.shim_runtime);
        } else if (e->dockerd[0]) {
                doctor_todo(doctor_add(c, DOCTOR_INFO, "containerd",
                                       "Runs Docker's "
                                       "containers here%s; Docker's registration covers "
                                       "them.",
                                       conf.cri_disabled ? " (the cri plugin is "
                                                           "disabled)"
                                                         : ""),
                            "Only if something else (Kubernetes, nerdctl, ctr) runs "
                            "containers through it: set BinaryName = \"%s\" in the options "
                            "table of its default runtime in %s.",
                            e->shim, file);
        } else {
                doctor_todo(doctor_add(c, DOCTOR_WARN, "containerd",
                                       "%s is installed, but "
                                       "%s%s sets no BinaryName to oomguard-shim.",
                                       e->containerd, n ? "" : "there is no ",
                                       n ? "its configuration" : file),
                            "In %s, set BinaryName = \"%s\" in the options table of the "
                            "default runtime (runc), then restart containerd.",
                            file, e->shim);
        }
}

/* ---- hooks.d (podman, CRI-O) ---- */

int doctor_parse_hookfile(const char *buf, size_t len, struct doctor_hookfile *ret,
                          struct og_error *err)
{
        _cleanup_tree_ yajl_val doc = NULL;
        yajl_val hook, when;
        const char *path;
        memset(ret, 0, sizeof(*ret));
        int r = jsonv_parse_object(buf, len, HOOKFILE_MAX, "hook file", &doc, err);
        if (r < 0)
                return r;
        if (jsonv_obj(doc, "hook", &hook) != JSONV_OK ||
            jsonv_str(hook, "path", &path) != JSONV_OK)
                return og_error_set(err, -EINVAL, "hook file: no \"hook\": {\"path\": ...}");
        snprintf(ret->path, sizeof(ret->path), "%s", path);
        ret->ours = name_is(path, "oomguard-hook");
        yajl_val st = jsonv_get(doc, "stages");
        for (size_t i = 0; st && YAJL_IS_ARRAY(st) && i < st->u.array.len; i++) {
                const char *s = YAJL_GET_STRING(st->u.array.values[i]);
                if (!s)
                        continue;
                ret->create |= strcmp(s, "createRuntime") == 0 || strcmp(s, "prestart") == 0;
                ret->poststop |= strcmp(s, "poststop") == 0;
        }
        if (jsonv_obj(doc, "when", &when) == JSONV_OK)
                jsonv_bool(when, "always", &ret->always);
        return 0;
}

struct hooks_found {
        char file[PATH_MAX]; /* the first of ours */
        char path[PATH_MAX]; /* its hook.path */
        bool create, poststop, always;
        size_t files; /* of ours */
};

static void scan_hooks_dir(struct doctor_ctx *c, const char *dir, struct hooks_found *ret)
{
        char p[PATH_MAX], f[PATH_MAX];
        struct doctor_hookfile h;
        size_t len;
        if (doctor_path(c, dir, p, sizeof(p)) < 0)
                return;
        DIR *d = opendir(p);
        struct dirent *de;
        while (d && (de = readdir(d))) {
                size_t n = strlen(de->d_name);
                if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0 ||
                    (size_t)snprintf(f, sizeof(f), "%s/%s", dir, de->d_name) >= sizeof(f) ||
                    doctor_read(c, f, c->scratch, HOOKFILE_MAX + 1, &len) < 0 ||
                    doctor_parse_hookfile(c->scratch, len, &h, NULL) < 0 || !h.ours)
                        continue;
                if (!ret->files++) {
                        snprintf(ret->file, sizeof(ret->file), "%s", f);
                        snprintf(ret->path, sizeof(ret->path), "%s", h.path);
                }
                ret->create |= h.create;
                ret->poststop |= h.poststop;
                ret->always |= h.always;
        }
        if (d)
                closedir(d);
}

static void join_dirs(const char *const *dirs, size_t n, char *buf, size_t cap)
{
        buf[0] = '\0';
        for (size_t i = 0; i < n; i++)
                append(buf, cap, dirs[i]);
}

/* One finding about oomguard-hook in hooks dirs; false if none is there. */
static bool report_hooks(struct doctor_ctx *c, const char *check, const char *const *dirs,
                         size_t n)
{
        struct hooks_found h = {0};
        for (size_t i = 0; i < n; i++)
                scan_hooks_dir(c, dirs[i], &h);
        if (!h.files)
                return false;
        if (missing_binary(c, check, h.file, h.path))
                return true;
        if (!h.create || !h.poststop)
                doctor_todo(doctor_add(c, DOCTOR_WARN, check, "%s runs %s only at %s: %s.",
                                       h.file, h.path, h.create ? "create" : "poststop",
                                       h.create ? "no verdicts are recorded"
                                                : "no policy is applied at create"),
                            "List \"createRuntime\" (or \"prestart\") and \"poststop\" in "
                            "its \"stages\".");
        else if (!h.always)
                doctor_todo(doctor_add(c, DOCTOR_INFO, check,
                                       "%s runs %s at create and "
                                       "poststop, only for containers its \"when\" matches.",
                                       h.file, h.path),
                            "Set \"when\": {\"always\": true} to cover every container.");
        else
                doctor_add(c, DOCTOR_OK, check,
                           "%s runs %s at create and poststop for "
                           "every container.",
                           h.file, h.path);
        return true;
}

static void hooks_todo(struct doctor_finding *f, const struct engines *e, const char *dir)
{
        doctor_todo(f,
                    "Install a hooks.d file in %s (the package ships one): {\"version\": "
                    "\"1.0.0\", \"hook\": {\"path\": \"%s\", \"args\": "
                    "[\"oomguard-hook\"]}, \"when\": {\"always\": true}, \"stages\": "
                    "[\"prestart\", \"poststop\"]}.",
                    dir, e->hook);
}

static void check_podman(struct doctor_ctx *c, const struct engines *e)
{
        struct doctor_engine_conf conf = {0};
        const char *dirs[DOCTOR_HOOKS_DIRS];
        char bad[PATH_MAX + 64] = "", list[DOCTOR_HOOKS_DIRS * PATH_MAX];
        size_t n = 0;
        if (!e->podman[0]) {
                not_installed(c, "podman", "podman");
                return;
        }
        /* containers.conf may name other hooks dirs; later files win. As
         * podman does, CONTAINERS_CONF names the one file instead. */
        if (c->opts->containers_conf && c->opts->containers_conf[0]) {
                if (!read_confs(c, c->opts->containers_conf, NULL, &conf, bad, sizeof(bad)) &&
                    !bad[0])
                        snprintf(bad, sizeof(bad), "%s (CONTAINERS_CONF) does not exist",
                                 c->opts->containers_conf);
        } else {
                read_confs(c, "/usr/share/containers/containers.conf",
                           "/usr/share/containers/containers.conf.d", &conf, bad, sizeof(bad));
                read_confs(c, "/etc/containers/containers.conf",
                           "/etc/containers/containers.conf.d", &conf, bad, sizeof(bad));
        }
        if (bad[0])
                doctor_add(c, DOCTOR_ERROR, "podman", "%s.", bad);
        for (; n < conf.n_hooks_dir; n++)
                dirs[n] = conf.hooks_dir[n];
        for (size_t i = 0; n == 0 && i < ARRAY_SIZE(podman_hooks); i++)
                dirs[i] = podman_hooks[i];
        n = n ? n : ARRAY_SIZE(podman_hooks);
        if (report_hooks(c, "podman", dirs, n))
                return;
        join_dirs(dirs, n, list, sizeof(list));
        hooks_todo(doctor_add(c, DOCTOR_WARN, "podman",
                              "%s is installed, but no hooks.d "
                              "file in %s runs oomguard-hook.",
                              e->podman, list),
                   e, conf.n_hooks_dir ? dirs[n - 1] : podman_hooks[1]);
}

static void crio_shim(struct doctor_ctx *c, const struct doctor_engine_conf *conf)
{
        if (missing_binary(c, "cri-o", "crio.conf", conf->shim_path))
                return;
        if (strcmp(conf->shim_runtime, conf->default_runtime) == 0)
                doctor_add(c, DOCTOR_OK, "cri-o",
                           "Runtime \"%s\" runs %s and is the "
                           "default_runtime.",
                           conf->shim_runtime, conf->shim_path);
        else
                doctor_todo(
                        doctor_add(c, conf->default_runtime[0] ? DOCTOR_WARN : DOCTOR_INFO,
                                   "cri-o",
                                   "Runtime \"%s\" runs %s; the default_runtime "
                                   "is %s%s%s.",
                                   conf->shim_runtime, conf->shim_path,
                                   conf->default_runtime[0] ? "\""
                                                            : "not set (CRI-O's "
                                                              "built-in default applies",
                                   conf->default_runtime, conf->default_runtime[0] ? "\"" : ")"),
                        "Set default_runtime = \"%s\" in [crio.runtime].", conf->shim_runtime);
}

static void check_crio(struct doctor_ctx *c, const struct engines *e)
{
        struct doctor_engine_conf conf = {0};
        const char *dirs[DOCTOR_HOOKS_DIRS];
        char bad[PATH_MAX + 64] = "", list[DOCTOR_HOOKS_DIRS * PATH_MAX];
        size_t n = 0;
        if (!e->crio[0]) {
                not_installed(c, "cri-o", "crio");
                return;
        }
        read_confs(c, "/etc/crio/crio.conf", "/etc/crio/crio.conf.d", &conf, bad, sizeof(bad));
        if (bad[0])
                doctor_add(c, DOCTOR_ERROR, "cri-o", "%s.", bad);
        for (; n < conf.n_hooks_dir; n++)
                dirs[n] = conf.hooks_dir[n];
        if (n == 0)
                dirs[n++] = crio_default_hooks;
        if (report_hooks(c, "cri-o", dirs, n))
                return;
        if (conf.shim_runtime[0]) {
                crio_shim(c, &conf);
                return;
        }
        join_dirs(dirs, n, list, sizeof(list));
        hooks_todo(doctor_add(c, DOCTOR_WARN, "cri-o",
                              "%s is installed, but no hooks.d file "
                              "in its hooks_dir (%s) runs oomguard-hook and no runtime_path "
                              "is oomguard-shim.",
                              e->crio, list),
                   e, dirs[0]);
}

void doctor_check_engines(struct doctor_ctx *c)
{
        struct engines *e = calloc(1, sizeof(*e));
        if (!e) {
                doctor_add(c, DOCTOR_ERROR, "engines", "Out of memory.");
                return;
        }
        if (!doctor_find_exec(c, "dockerd", e->dockerd, sizeof(e->dockerd)))
                e->dockerd[0] = '\0';
        if (!doctor_find_exec(c, "containerd", e->containerd, sizeof(e->containerd)))
                e->containerd[0] = '\0';
        if (!doctor_find_exec(c, "podman", e->podman, sizeof(e->podman)))
                e->podman[0] = '\0';
        if (!doctor_find_exec(c, "crio", e->crio, sizeof(e->crio)))
                e->crio[0] = '\0';
        if (!doctor_find_exec(c, "oomguard-shim", e->shim, sizeof(e->shim)))
                snprintf(e->shim, sizeof(e->shim), "/usr/local/bin/oomguard-shim");
        if (!doctor_find_exec(c, "oomguard-hook", e->hook, sizeof(e->hook)))
                snprintf(e->hook, sizeof(e->hook), "/usr/local/bin/oomguard-hook");
        check_docker(c, e);
        check_containerd(c, e);
        check_podman(c, e);
        check_crio(c, e);
        free(e);
}
