/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "shim.h"

#include "cgroup.h"
#include "fileio.h"
#include "hookstate.h"
#include "ocistate.h"
#include "rootfs.h"
#include "spec.h"
#include "statedir.h"
#include "evidence.h"

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
                        return og_error_set(err, -ENOENT,
                                            "the runtime %s is not an executable "
                                            "file (or is oomguard-shim itself); set "
                                            "\"runtime\" in the config or OOMGUARD_RUNTIME",
                                            want);
                snprintf(ret, cap, "%s", want);
                return 0;
        }
        for (; *dirs; dirs++) {
                if ((size_t)snprintf(ret, cap, "%s/%s", *dirs, want) < cap && usable(ret))
                        return 0;
        }
        return og_error_set(err, -ENOENT,
                            "runtime \"%s\" not found in /usr/local/sbin, "
                            "/usr/local/bin, /usr/sbin, /usr/bin, /sbin or /bin; install it "
                            "or set \"runtime\" to its absolute path",
                            want);
}

/* The directory and file name of the config.json the runtime will read. */
static int config_location(const struct runc_argv *a, char *dir, size_t cap, const char **name)
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

/* auto: on cgroup v1 the preload where it applies and the host mode for
 * the rest; on v2 the kernel bounds each cgroup's dirty pages itself. */
static void decide_writeback(const char *dir, const char *buf, size_t len, struct shim_plan *plan,
                             struct shim_writeback *wb)
{
        bool want_preload = wb->mode == WRITEBACK_PRELOAD ||
                            (wb->mode == WRITEBACK_AUTO && wb->v1);
        bool host_fallback = wb->mode == WRITEBACK_HOST || (wb->mode == WRITEBACK_AUTO && wb->v1);
        wb->done = NULL;
        wb->why[0] = '\0';
        if (want_preload) {
                struct oci_spec sp = {0};
                enum rootfs_libc k = ROOTFS_UNKNOWN;
                if (!wb->library)
                        snprintf(wb->why, sizeof(wb->why),
                                 "the write-window library is not installed");
                else if (spec_parse(buf, len, "config.json", &sp, NULL) == 0 &&
                         (k = rootfs_libc(dir, sp.root_path)) == ROOTFS_GLIBC)
                        wb->done = "preload";
                else
                        snprintf(wb->why, sizeof(wb->why), "%s",
                                 k == ROOTFS_MUSL ? "a musl image (the library is for glibc)"
                                 : k == ROOTFS_STATIC
                                         ? "no dynamic loader in the image (static programs)"
                                         : "the image's root could not be inspected");
                spec_free(&sp);
        }
        if (!wb->done && host_fallback)
                wb->done = "host";
        plan->preload = wb->done && !strcmp(wb->done, "preload") ? wb->library : NULL;
        plan->writeback = wb->done;
}

int shim_prepare(const struct og_config *cfg, struct shim_plan *plan, struct shim_writeback *wb,
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
        decide_writeback(dir, buf, len, plan, wb);
        plan->bundle_dir = dir; /* the container's own copy of the library goes there */
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
                return 0; /* the hook kept no state for it: nothing to keep */
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
        struct evidence ev;
        evidence_init(&ev);
        ev.final = ev.ended = 1; /* the last moment: the init has exited */
        evidence_snapshot(hs.cgroup_dir, hs.cgroup_version, &ev);
        if (ev.snapshots == 0)
                return 0;             /* the cgroup is already gone */
        ev.limit_hits_base = OG_NONE; /* not at create: no baseline */
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

int shim_host_facts(const char *proc_root, bool *swap_accounting, bool *v1, struct og_error *err)
{
        char p[PATH_MAX];
        struct cg_mounts m;
        *swap_accounting = *v1 = false;
        int r = cg_read_mountinfo(proc_root, &m, NULL, err);
        if (r < 0)
                return r;
        *v1 = m.v1_memory[0] != '\0';
        if (*v1) /* v1 (hybrid too): the memsw files exist or not */
                *swap_accounting = (size_t)snprintf(p, sizeof(p),
                                                    "%s/memory.memsw.limit_in_bytes",
                                                    m.v1_memory) < sizeof(p) &&
                                   access(p, F_OK) == 0;
        else /* v2: none at the root */
                *swap_accounting = m.v2[0] && child_has(m.v2, "memory.swap.max");
        return 0;
}
