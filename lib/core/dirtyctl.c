/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "dirtyctl.h"

#include "cgfiles.h"
#include "fileio.h"
#include "hookstate.h"
#include "jsongen.h"
#include "jsonv.h"
#include "ocistate.h"
#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SAVED "_dirty.json"
#define STATE_MAX (64 * 1024)

static int64_t max64(int64_t a, int64_t b)
{
        return a > b ? a : b;
}

static int64_t floor_of(int64_t min_bytes)
{
        return min_bytes > 0 ? min_bytes : DIRTY_MIN_DEFAULT;
}

/* to the nearest MiB: a page more or less of anonymous memory is no new value */
static int64_t mib(int64_t v)
{
        return (v + (1LL << 19)) >> 20 << 20;
}

void dirtyctl_decide(const struct dirty_vals *admin, int64_t dirtyable, int64_t min_room,
                     int64_t min_bytes, struct dirty_plan *ret)
{
        int64_t eff = admin->bytes > 0 ? admin->bytes : dirtyable / 100 * admin->ratio;
        int64_t bg_eff = admin->bg_bytes > 0 ? admin->bg_bytes
                                             : dirtyable / 100 * admin->bg_ratio;
        int64_t floor = floor_of(min_bytes);
        memset(ret, 0, sizeof(*ret));
        int64_t want = max64(mib(min_room / 2), floor);
        if (min_room < 0 || want >= eff) { /* nobody to protect, or already lower */
                ret->restore = true;
                return;
        }
        int64_t bg = max64(mib(min_room / 4), floor / 2);
        ret->bytes = want;
        ret->bg_bytes = bg < bg_eff ? bg : bg_eff;
        if (ret->bg_bytes >= ret->bytes)
                ret->bg_bytes = ret->bytes / 2;
}

static void wrote(struct dirty_pace *p, const struct dirty_plan *t, int64_t now)
{
        p->applied_bytes = t && !t->restore ? t->bytes : 0;
        p->applied_bg = t && !t->restore ? t->bg_bytes : 0;
        p->written_ms = now;
        p->higher_since_ms = 0;
        p->due_ms = 0;
}

void dirtyctl_pace(const struct dirty_plan *target, int64_t eff_bytes, bool enrolled,
                   bool at_once, int64_t now_ms, int64_t interval_ms, struct dirty_pace *pace,
                   struct dirty_next *ret)
{
        bool applied = pace->applied_bytes > 0;
        int64_t hold = DIRTY_RAISE_INTERVALS * interval_ms;
        ret->step = DIRTY_KEEP;
        ret->retry_ms = 0;
        if (pace->written_ms > now_ms) /* a clock from another boot */
                pace->written_ms = 0;
        if (pace->higher_since_ms > now_ms)
                pace->higher_since_ms = 0;
        pace->due_ms = 0;
        if (!enrolled || (target->restore && !applied)) {
                if (applied) { /* the last one is gone: back at once */
                        ret->step = DIRTY_RESTORE;
                        wrote(pace, NULL, now_ms);
                }
                pace->higher_since_ms = 0;
                return;
        }
        int64_t cur = applied ? pace->applied_bytes : eff_bytes;
        int64_t tgt = target->restore ? eff_bytes : target->bytes;
        int64_t margin = cur / 8;
        if (tgt >= cur - margin && tgt <= cur + margin) { /* close enough */
                pace->higher_since_ms = 0;
                return;
        }
        int64_t due = pace->written_ms > 0 ? pace->written_ms + interval_ms : 0;
        if (tgt < cur) {
                pace->higher_since_ms = 0;
        } else { /* higher: only once it has held for a while, unless a
                  * container's end asks (the hold counts as served) */
                int64_t since = at_once ? max64(now_ms - hold, 1) : now_ms;
                if (pace->higher_since_ms == 0 || since < pace->higher_since_ms)
                        pace->higher_since_ms = since;
                due = max64(due, pace->higher_since_ms + hold);
        }
        if (now_ms < due) {
                ret->step = DIRTY_WAIT;
                ret->retry_ms = pace->due_ms = due;
                return;
        }
        ret->step = target->restore ? DIRTY_RESTORE : DIRTY_WRITE;
        wrote(pace, target, now_ms);
}

bool dirtyctl_worth(int64_t old_room, int64_t new_room, int64_t live_bytes, int64_t min_bytes)
{
        if (old_room == OG_NONE || live_bytes == OG_NONE || live_bytes <= 0)
                return true; /* nothing to compare with: look */
        int64_t floor = floor_of(min_bytes);
        int64_t was = max64(old_room / 2, floor), now = max64(new_room / 2, floor);
        int64_t margin = live_bytes / 8;
        return now < live_bytes - margin ||                         /* ours is the lowest now */
               (new_room > old_room && was <= live_bytes + margin); /* ours held it down */
}

int64_t dirtyctl_room(int64_t limit, int64_t anon)
{
        if (anon == OG_NONE)
                return OG_NONE;
        return limit - anon > 0 ? limit - anon : 0;
}

bool dirtyctl_engage(bool engaged, int64_t dirty_wb, int64_t room, bool windowed, int64_t now_ms,
                     int64_t *calm_since_ms)
{
        if (dirty_wb == OG_NONE || room == OG_NONE)
                return engaged; /* unread: as it was */
        if (dirty_wb * 16 > room) {
                *calm_since_ms = 0;
        } else if (*calm_since_ms == 0) {
                *calm_since_ms = now_ms;
        }
        if (!engaged)
                return dirty_wb >= DIRTY_ENGAGE_MIN && dirty_wb * (windowed ? 4 : 8) >= room;
        return *calm_since_ms == 0 || now_ms - *calm_since_ms < DIRTY_CALM_MS;
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

int64_t dirtyctl_live_bytes(const char *vm_dir, const char *proc_root)
{
        int64_t b = read_val(vm_dir, "dirty_bytes");
        if (b == OG_NONE || b > 0)
                return b;
        int64_t ratio = read_val(vm_dir, "dirty_ratio");
        int64_t avail = proc_meminfo(proc_root, "MemAvailable");
        return ratio == OG_NONE || avail == OG_NONE ? OG_NONE : avail / 100 * ratio;
}

void dirtyctl_cache_free(struct dirty_cache *c)
{
        for (size_t i = 0; i < c->n; i++) {
                free(c->m[i].id);
                free(c->m[i].cgroup_dir);
        }
        free(c->m);
        c->m = NULL;
        c->n = 0;
}

/* One state directory's state.json; false if it cannot be read (yet). */
static bool read_member(int dfd, const char *name, ino_t ino, struct dirty_member *m)
{
        char p[PATH_MAX];
        size_t len;
        struct hook_state hs;
        _cleanup_free_ char *s = NULL;
        if ((size_t)snprintf(p, sizeof(p), "%s/state.json", name) >= sizeof(p) ||
            fileio_read(dfd, p, STATE_MAX, &s, &len, NULL, NULL) < 0 ||
            hookstate_parse(s, len, &hs, NULL) < 0)
                return false;
        bool host = (!strcmp(hs.writeback, "host") || hs.host_fallback > 0) &&
                    hs.limit_bytes != OG_NONE && hs.limit_bytes > 0 &&
                    hs.limit_bytes < (1LL << 60);
        *m = (struct dirty_member){.ino = ino,
                                   .limit = host ? hs.limit_bytes : 0,
                                   .version = hs.cgroup_version,
                                   .id = strdup(name),
                                   .cgroup_dir = host ? strdup(hs.cgroup_dir) : NULL};
        if (m->id && (!host || m->cgroup_dir))
                return true;
        free(m->id);
        free(m->cgroup_dir);
        return false;
}

/* The member for this entry: taken from the cache when its directory is
 * the one read before, else read now. */
static bool member_of(int dfd, const struct dirent *e, struct dirty_cache *cache,
                      struct dirty_member *ret)
{
        for (size_t i = 0; cache && i < cache->n; i++) {
                struct dirty_member *m = &cache->m[i];
                if (m->id && m->ino == e->d_ino && !strcmp(m->id, e->d_name)) {
                        *ret = *m;
                        m->id = m->cgroup_dir = NULL; /* moved */
                        return true;
                }
        }
        return read_member(dfd, e->d_name, e->d_ino, ret);
}

/* dfd: the state directory; a member counts while engaged. */
static int64_t room_of(int dfd, const struct dirty_member *m)
{
        char p[PATH_MAX];
        if (m->limit <= 0 ||
            (size_t)snprintf(p, sizeof(p), "%s/" DIRTY_ENGAGED, m->id) >= sizeof(p) ||
            faccessat(dfd, p, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
                return -1;
        struct cg_memstat ms;
        cgf_read_memstat(m->cgroup_dir, m->version, &ms);
        int64_t room = dirtyctl_room(m->limit, ms.anon);
        return room == OG_NONE ? -1 : room; /* unread: gone */
}

/* The smallest room among enrolled containers whose cgroup still exists,
 * -1 if there is none. With a cache, only new state directories are read;
 * the cache then holds exactly the ones seen. */
static int64_t min_room(int dfd, struct dirty_cache *cache)
{
        struct dirty_cache fresh = {0};
        size_t cap = 0;
        int64_t best = -1;
        int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d && fd >= 0)
                close(fd);
        struct dirent *e;
        while (d && (e = readdir(d))) {
                struct dirty_member m;
                if (!oci_id_valid(e->d_name, strlen(e->d_name)) || !member_of(dfd, e, cache, &m))
                        continue;
                int64_t room = room_of(dfd, &m);
                if (room >= 0 && (best < 0 || room < best))
                        best = room;
                if (cache && fresh.n == cap) {
                        size_t ncap = cap ? cap * 2 : 16;
                        struct dirty_member *nm = realloc(fresh.m, ncap * sizeof(*nm));
                        if (nm) {
                                fresh.m = nm;
                                cap = ncap;
                        }
                }
                if (cache && fresh.n < cap) {
                        fresh.m[fresh.n++] = m;
                } else {
                        free(m.id);
                        free(m.cgroup_dir);
                }
        }
        if (d)
                closedir(d);
        if (cache) {
                dirtyctl_cache_free(cache);
                *cache = fresh;
        }
        return best;
}

/* _dirty.json: the administrator's values (while ours are applied), the
 * pace, and the bounds the hooks last took from the config. */
struct record {
        struct dirty_vals admin;
        struct dirty_pace pace;
        struct dirty_bounds bounds;
};

/* The one description of _dirty.json's members, for writing and reading
 * alike: every one an int64_t of the record. */
static const struct {
        const char *key;
        size_t off;
} record_fields[] = {
        {"dirty_bytes", offsetof(struct record, admin.bytes)},
        {"dirty_background_bytes", offsetof(struct record, admin.bg_bytes)},
        {"dirty_ratio", offsetof(struct record, admin.ratio)},
        {"dirty_background_ratio", offsetof(struct record, admin.bg_ratio)},
        {"applied_bytes", offsetof(struct record, pace.applied_bytes)},
        {"applied_background_bytes", offsetof(struct record, pace.applied_bg)},
        {"written_ms", offsetof(struct record, pace.written_ms)},
        {"higher_since_ms", offsetof(struct record, pace.higher_since_ms)},
        {"due_ms", offsetof(struct record, pace.due_ms)},
        {"min_bytes", offsetof(struct record, bounds.min_bytes)},
        {"interval_ms", offsetof(struct record, bounds.interval_ms)},
};

static int64_t *record_field(struct record *rec, size_t i)
{
        return (int64_t *)(void *)((char *)rec + record_fields[i].off);
}

static int save(int dfd, const struct record *rec)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        yajl_gen_map_open(g);
        for (size_t i = 0; i < ARRAY_SIZE(record_fields); i++)
                jg_int(g, record_fields[i].key, *record_field((struct record *)rec, i));
        yajl_gen_map_close(g);
        char *s;
        size_t n;
        if (jg_finish(g, false, &s, &n) < 0)
                return -ENOMEM;
        int r = fileio_replace(dfd, SAVED, s, n, 0600, NULL); /* /run: a boot resets both */
        free(s);
        return r;
}

static const struct dirty_bounds default_bounds = {DIRTY_MIN_DEFAULT, DIRTY_INTERVAL_DEFAULT_MS};

/* The record, if there is one; absent fields (an older record) read as
 * nothing applied and the default bounds. */
static bool load(int dfd, struct record *rec)
{
        _cleanup_free_ char *s = NULL;
        size_t n;
        _cleanup_tree_ yajl_val d = NULL;
        memset(rec, 0, sizeof(*rec));
        rec->bounds = default_bounds;
        if (fileio_read(dfd, SAVED, 4096, &s, &n, NULL, NULL) < 0 ||
            jsonv_parse_object(s, n, 4096, SAVED, &d, NULL) < 0)
                return false;
        for (size_t i = 0; i < ARRAY_SIZE(record_fields); i++)
                if (jsonv_i64(d, record_fields[i].key, record_field(rec, i)) == JSONV_WRONG_TYPE)
                        return false;
        if (rec->bounds.min_bytes <= 0)
                rec->bounds.min_bytes = DIRTY_MIN_DEFAULT;
        if (rec->bounds.interval_ms <= 0)
                rec->bounds.interval_ms = DIRTY_INTERVAL_DEFAULT_MS;
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

int64_t dirtyctl_now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The record as it stands: the live values are the administrator's unless
 * they are still the ones we applied (a change meanwhile is theirs). */
static bool current(int dfd, const struct dirty_vals *live, const struct dirty_bounds *bounds,
                    struct record *rec)
{
        bool have = load(dfd, rec);
        bool ours = rec->pace.applied_bytes > 0 && live->bytes == rec->pace.applied_bytes &&
                    live->bg_bytes == rec->pace.applied_bg;
        if (!ours) {
                rec->admin = *live;
                rec->pace.applied_bytes = rec->pace.applied_bg = 0;
        }
        if (bounds)
                rec->bounds = *bounds;
        return have;
}

static int apply(int dfd, const char *vm_dir, const struct record *rec,
                 const struct dirty_plan *plan, enum dirty_step step)
{
        int r = 0;
        if (step == DIRTY_WRITE) {
                /* the record first: killed before the write, the live values
                 * are still the administrator's and are taken as such */
                if ((r = save(dfd, rec)) < 0)
                        return r;
                /* background first: the kernel wants it below the threshold */
                r = write_val(vm_dir, "dirty_background_bytes", plan->bg_bytes);
                if (r == 0)
                        r = write_val(vm_dir, "dirty_bytes", plan->bytes);
        } else if (step == DIRTY_RESTORE) {
                r = restore(vm_dir, &rec->admin);
        }
        return r;
}

int dirtyctl_update(const char *state_dir, const char *vm_dir, const char *proc_root,
                    const struct dirty_bounds *bounds, bool hook, struct dirty_cache *cache,
                    struct dirty_next *ret_next, struct og_error *err)
{
        struct dirty_next local = {0};
        struct dirty_next *next = ret_next ? ret_next : &local;
        *next = (struct dirty_next){.step = DIRTY_KEEP,
                                    .bounds = bounds ? *bounds : default_bounds};
        _cleanup_close_ int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return errno == ENOENT
                               ? 0
                               : og_error_set(err, -errno, "%s: %s", state_dir, strerror(errno));
        /* the state directory itself: no lock file. A watcher does not
         * wait for it: a hook's scan must not hold up its snapshots. */
        if (flock(dfd, hook ? LOCK_EX : LOCK_EX | LOCK_NB) < 0)
                return errno == EWOULDBLOCK ? -EAGAIN
                                            : og_error_set(err, -errno, "locking %s: %s",
                                                           state_dir, strerror(errno));
        struct dirty_vals live;
        read_vals(vm_dir, &live);
        if (live.ratio == OG_NONE || live.bytes == OG_NONE)
                return og_error_set(err, -ENOENT, "%s/dirty_* cannot be read", vm_dir);
        struct record rec, before;
        bool have = current(dfd, &live, bounds, &rec);
        before = rec;
        int64_t avail = proc_meminfo(proc_root, "MemAvailable");
        avail = avail == OG_NONE ? 0 : avail;
        int64_t room = min_room(dfd, cache);
        struct dirty_plan plan;
        dirtyctl_decide(&rec.admin, avail, room, rec.bounds.min_bytes, &plan);
        int64_t eff = rec.admin.bytes > 0 ? rec.admin.bytes : avail / 100 * rec.admin.ratio;
        dirtyctl_pace(&plan, eff, room >= 0, hook, dirtyctl_now_ms(), rec.bounds.interval_ms,
                      &rec.pace, next);
        next->bounds = rec.bounds;
        int r = apply(dfd, vm_dir, &rec, &plan, next->step);
        if (room < 0) /* nobody enrolled: nothing to remember */
                unlinkat(dfd, SAVED, 0);
        else if (r == 0 && next->step != DIRTY_WRITE &&
                 (!have || memcmp(&rec, &before, sizeof(rec))))
                r = save(dfd, &rec); /* the bounds for the watchers, the pace */
        return r < 0 ? og_error_set(err, r, "writing %s/dirty_*: %s", vm_dir, strerror(-r)) : 0;
}

int64_t dirtyctl_owed(const char *state_dir, struct dirty_seen *seen)
{
        char p[PATH_MAX];
        struct stat st;
        if ((size_t)snprintf(p, sizeof(p), "%s/" SAVED, state_dir) >= sizeof(p) ||
            lstat(p, &st) < 0) {
                *seen = (struct dirty_seen){0};
                return 0;
        }
        int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
        if (st.st_ino == seen->ino && mtime == seen->mtime_ns)
                return seen->due_ms;
        _cleanup_close_ int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct record rec;
        *seen = (struct dirty_seen){.ino = st.st_ino, .mtime_ns = mtime, .due_ms = 0};
        if (dfd >= 0 && load(dfd, &rec))
                seen->due_ms = rec.pace.due_ms > 0 ? rec.pace.due_ms : 0;
        return seen->due_ms;
}

const char *dirtyctl_vm_dir(void)
{
        const char *vm = getenv("OOMGUARD_SYSCTL_VM");
        return vm && vm[0] == '/' ? vm : "/proc/sys/vm";
}
