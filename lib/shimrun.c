/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "shim.h"

#include "cgroup.h"
#include "fileio.h"
#include "hookstate.h"
#include "ocistate.h"
#include "spec.h"
#include "statedir.h"
#include "watcher.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const shim_runtime_dirs[] = {
        "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", NULL,
};

static bool is_self(const struct stat *st)
{
        struct stat me;
        return stat("/proc/self/exe", &me) == 0 && me.st_dev == st->st_dev &&
               me.st_ino == st->st_ino;
}

static bool usable(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0 &&
               !is_self(&st);
}

int shim_find_runtime(const char *want, const char *const *dirs, char *ret, size_t cap,
                      struct og_error *err)
{
        if (want[0] == '/') {
                if (!usable(want))
                        return og_error_set(err, -ENOENT, "the runtime %s is not an executable "
                                            "file (or is oomguard-shim itself); set "
                                            "\"runtime\" in the config or OOMGUARD_RUNTIME", want);
                snprintf(ret, cap, "%s", want);
                return 0;
        }
        for (; *dirs; dirs++) {
                if ((size_t)snprintf(ret, cap, "%s/%s", *dirs, want) < cap && usable(ret))
                        return 0;
        }
        return og_error_set(err, -ENOENT, "runtime \"%s\" not found in /usr/local/sbin, "
                            "/usr/local/bin, /usr/sbin, /usr/bin, /sbin or /bin; install it "
                            "or set \"runtime\" to its absolute path", want);
}

/* The directory and file name of the config.json the runtime will read. */
static int config_location(const struct runc_argv *a, char *dir, size_t cap,
                           const char **name)
{
        const char *cfg = a->config ? a->config : "config.json";
        const char *bundle = a->bundle ? a->bundle : ".";
        const char *slash = strrchr(cfg, '/');
        if (!slash) {
                *name = cfg;
                return (size_t)snprintf(dir, cap, "%s", bundle) < cap ? 0 : -ENAMETOOLONG;
        }
        *name = slash + 1;
        int n = cfg[0] == '/' ? snprintf(dir, cap, "%.*s", (int)(slash - cfg), cfg)
                              : snprintf(dir, cap, "%s/%.*s", bundle, (int)(slash - cfg), cfg);
        if (!dir[0])
                snprintf(dir, cap, "/");
        return (size_t)n < cap ? 0 : -ENAMETOOLONG;
}

int shim_prepare(const struct og_config *cfg, const struct shim_plan *plan,
                 const struct runc_argv *a, struct shim_result *ret, struct og_error *err)
{
        char dir[PATH_MAX];
        const char *name;
        memset(ret, 0, sizeof(*ret));
        if (config_location(a, dir, sizeof(dir), &name) < 0)
                return og_error_set(err, -ENAMETOOLONG, "the bundle path is too long");
        _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return og_error_set(err, -errno, "cannot open the bundle %s: %s", dir,
                                    strerror(errno));
        _cleanup_free_ char *buf = NULL;
        size_t len;
        mode_t mode;
        int r = fileio_read(dfd, name, SPEC_MAX, &buf, &len, &mode, err);
        if (r < 0)
                return og_error_prefix(err, r, "%s/%s", dir, name);
        if ((r = shimspec_rewrite(buf, len, cfg, plan, ret, err)) < 0)
                return og_error_prefix(err, r, "%s/%s", dir, name);
        if (ret->len == len && !memcmp(ret->buf, buf, len))
                return 0; /* already as wanted (a second create) */
        r = fileio_write_atomic(dfd, name, ret->buf, ret->len, mode, err);
        return r < 0 ? og_error_prefix(err, r, "%s", dir) : 0;
}

int shim_snapshot(const struct og_config *cfg, const char *id, struct og_error *err)
{
        if (!id || !oci_id_valid(id, strlen(id)))
                return og_error_set(err, -EINVAL, "no valid container id to snapshot");
        _cleanup_close_ int d = -1;
        int r = statedir_open(cfg->state_dir, id, false, &d, err);
        if (r == -ENOENT)
                return 0; /* not a container the hook saw: nothing to keep */
        if (r < 0)
                return r;
        char buf[64 * 1024];
        size_t len;
        struct hook_state hs;
        if ((r = statedir_read(d, "state.json", buf, sizeof(buf), &len, err)) < 0 ||
            (r = hookstate_parse(buf, len, &hs, err)) < 0)
                return r;
        struct evidence ev = {OG_NONE, OG_NONE, OG_NONE, OG_NONE, OG_NONE,
                              OG_NONE, OG_NONE, 0, OG_NONE};
        evidence_snapshot(hs.cgroup_dir, hs.cgroup_version, &ev);
        if (ev.snapshots == 0)
                return 0; /* the cgroup is already gone */
        return evidence_save(d, EVIDENCE_PREDELETE, &ev);
}

static bool child_has(const char *dir, const char *file)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        bool found = false;
        while (d && !found && (e = readdir(d))) {
                char p[PATH_MAX];
                if (e->d_type == DT_DIR && e->d_name[0] != '.' &&
                    (size_t)snprintf(p, sizeof(p), "%s/%s/%s", dir, e->d_name, file) < sizeof(p))
                        found = access(p, F_OK) == 0;
        }
        if (d)
                closedir(d);
        return found;
}

bool shim_swap_accounting(const char *proc_root)
{
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/self/mountinfo", proc_root);
        _cleanup_free_ char *buf = NULL;
        size_t len;
        struct cg_mounts m;
        if (fileio_read(AT_FDCWD, p, 1 << 20, &buf, &len, NULL, NULL) < 0 ||
            cg_parse_mountinfo(buf, len, &m) < 0)
                return false;
        if (m.v1_memory[0]) { /* v1 (hybrid too): the memsw files exist or not */
                return (size_t)snprintf(p, sizeof(p), "%s/memory.memsw.limit_in_bytes",
                                        m.v1_memory) < sizeof(p) && access(p, F_OK) == 0;
        }
        return m.v2[0] && child_has(m.v2, "memory.swap.max"); /* none at the root */
}
