/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "dirtyctl.h"

#include "cgfiles.h"
#include "fileio.h"
#include "hookstate.h"
#include "jsongen.h"
#include "jsonv.h"
#include "ocistate.h"
#include "procscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define SAVED "_dirty.json"
#define MIN_BYTES (8LL << 20)
#define MIN_BG_BYTES (4LL << 20)

void dirtyctl_decide(const struct dirty_vals *admin, int64_t dirtyable, int64_t min_room,
                     struct dirty_plan *ret)
{
        int64_t eff = admin->bytes > 0 ? admin->bytes : dirtyable / 100 * admin->ratio;
        int64_t bg_eff = admin->bg_bytes > 0 ? admin->bg_bytes : dirtyable / 100 * admin->bg_ratio;
        memset(ret, 0, sizeof(*ret));
        int64_t want = min_room / 2 > MIN_BYTES ? min_room / 2 : MIN_BYTES;
        if (min_room < 0 || want >= eff) { /* nobody to protect, or already lower */
                ret->restore = true;
                return;
        }
        int64_t bg = min_room / 4 > MIN_BG_BYTES ? min_room / 4 : MIN_BG_BYTES;
        ret->bytes = want;
        ret->bg_bytes = bg < bg_eff ? bg : bg_eff;
        if (ret->bg_bytes >= ret->bytes)
                ret->bg_bytes = ret->bytes / 2;
}

static int64_t read_val(const char *dir, const char *name)
{
        return cgf_read_int(dir, name);
}

static int write_val(const char *dir, const char *name, int64_t v)
{
        char p[PATH_MAX], num[24];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        int n = snprintf(num, sizeof(num), "%" PRId64 "\n", v);
        _cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, num, (size_t)n) != n)
                return -errno;
        return 0;
}

static void read_vals(const char *vm, struct dirty_vals *v)
{
        v->bytes = read_val(vm, "dirty_bytes");
        v->bg_bytes = read_val(vm, "dirty_background_bytes");
        v->ratio = read_val(vm, "dirty_ratio");
        v->bg_ratio = read_val(vm, "dirty_background_ratio");
}

/* The smallest room among enrolled containers whose cgroup still exists. */
static int64_t min_room(const char *state_dir)
{
        int64_t best = -1;
        DIR *d = opendir(state_dir);
        struct dirent *e;
        while (d && (e = readdir(d))) {
                char p[PATH_MAX], buf[64 * 1024];
                size_t len;
                struct hook_state hs;
                if (!oci_id_valid(e->d_name, strlen(e->d_name)) ||
                    (size_t)snprintf(p, sizeof(p), "%s/state.json", e->d_name) >= sizeof(p))
                        continue;
                _cleanup_free_ char *s = NULL;
                if (fileio_read(dirfd(d), p, sizeof(buf), &s, &len, NULL, NULL) < 0 ||
                    hookstate_parse(s, len, &hs, NULL) < 0 || strcmp(hs.writeback, "host") ||
                    hs.limit_bytes == OG_NONE || hs.limit_bytes <= 0 || hs.limit_bytes >= (1LL << 60))
                        continue;
                bool v1 = hs.cgroup_version == 1;
                int64_t anon = cgf_read_key(hs.cgroup_dir, "memory.stat", v1 ? "rss" : "anon");
                if (anon == OG_NONE)
                        continue; /* gone */
                int64_t room = hs.limit_bytes - anon > 0 ? hs.limit_bytes - anon : 0;
                if (best < 0 || room < best)
                        best = room;
        }
        if (d)
                closedir(d);
        return best;
}

static int save(int dfd, const struct dirty_vals *admin, const struct dirty_plan *applied)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        yajl_gen_map_open(g);
        jg_int(g, "dirty_bytes", admin->bytes);
        jg_int(g, "dirty_background_bytes", admin->bg_bytes);
        jg_int(g, "dirty_ratio", admin->ratio);
        jg_int(g, "dirty_background_ratio", admin->bg_ratio);
        jg_int(g, "applied_bytes", applied->bytes);
        jg_int(g, "applied_background_bytes", applied->bg_bytes);
        yajl_gen_map_close(g);
        char *s;
        size_t n;
        if (jg_finish(g, false, &s, &n) < 0)
                return -ENOMEM;
        int r = fileio_replace(dfd, SAVED, s, n, 0600, NULL); /* /run: a boot resets both */
        free(s);
        return r;
}

/* The saved values, and whether the live ones are still what we applied
 * (if not, the administrator changed them: those are the new baseline). */
static bool load(int dfd, const struct dirty_vals *live, struct dirty_vals *admin)
{
        _cleanup_free_ char *s = NULL;
        size_t n;
        _cleanup_tree_ yajl_val d = NULL;
        if (fileio_read(dfd, SAVED, 4096, &s, &n, NULL, NULL) < 0 ||
            jsonv_parse_object(s, n, 4096, SAVED, &d, NULL) < 0)
                return false;
        int64_t ab = 0, abg = 0;
        if (jsonv_i64(d, "applied_bytes", &ab) != JSONV_OK ||
            jsonv_i64(d, "applied_background_bytes", &abg) != JSONV_OK ||
            live->bytes != ab || live->bg_bytes != abg)
                return false;
        const struct {
                const char *k;
                int64_t *v;
        } f[] = {{"dirty_bytes", &admin->bytes}, {"dirty_background_bytes", &admin->bg_bytes},
                 {"dirty_ratio", &admin->ratio}, {"dirty_background_ratio", &admin->bg_ratio}};
        for (size_t i = 0; i < ARRAY_SIZE(f); i++)
                if (jsonv_i64(d, f[i].k, f[i].v) != JSONV_OK)
                        return false;
        return true;
}

/* The administrator's values back: a ratio by its ratio (the kernel then
 * clears the bytes), bytes by their bytes. */
static int restore(const char *vm, const struct dirty_vals *a)
{
        int r = a->bytes > 0 ? write_val(vm, "dirty_bytes", a->bytes)
                             : write_val(vm, "dirty_ratio", a->ratio);
        int r2 = a->bg_bytes > 0 ? write_val(vm, "dirty_background_bytes", a->bg_bytes)
                                 : write_val(vm, "dirty_background_ratio", a->bg_ratio);
        return r < 0 ? r : r2;
}

int dirtyctl_update(const char *state_dir, const char *vm_dir, const char *proc_root,
                    struct og_error *err)
{
        _cleanup_close_ int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return errno == ENOENT ? 0 : og_error_set(err, -errno, "%s: %s", state_dir,
                                                          strerror(errno));
        if (flock(dfd, LOCK_EX) < 0) /* the state directory itself: no lock file */
                return og_error_set(err, -errno, "locking %s: %s", state_dir, strerror(errno));
        struct dirty_vals live, admin;
        read_vals(vm_dir, &live);
        if (live.ratio == OG_NONE || live.bytes == OG_NONE)
                return og_error_set(err, -ENOENT, "%s/dirty_* cannot be read", vm_dir);
        bool saved = load(dfd, &live, &admin);
        if (!saved)
                admin = live;
        int64_t avail = proc_meminfo(proc_root, "MemAvailable");
        struct dirty_plan plan;
        dirtyctl_decide(&admin, avail == OG_NONE ? 0 : avail, min_room(state_dir), &plan);
        int r = 0;
        if (plan.restore) {
                if (saved)
                        r = restore(vm_dir, &admin);
                unlinkat(dfd, SAVED, 0);
        } else if ((r = save(dfd, &admin, &plan)) == 0) {
                /* background first: the kernel wants it below the threshold */
                r = write_val(vm_dir, "dirty_background_bytes", plan.bg_bytes);
                if (r == 0)
                        r = write_val(vm_dir, "dirty_bytes", plan.bytes);
        }
        return r < 0 ? og_error_set(err, r, "writing %s/dirty_*: %s", vm_dir, strerror(-r)) : 0;
}

const char *dirtyctl_vm_dir(void)
{
        const char *vm = getenv("OOMGUARD_SYSCTL_VM");
        return vm && vm[0] == '/' ? vm : "/proc/sys/vm";
}
