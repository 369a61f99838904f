/* SPDX-License-Identifier: MIT */
/* The watcher's part in the writeback host mode reads MemAvailable in the
 * proc root it is given, not in the host's /proc: a fixture tree whose
 * meminfo no real host matches (100 TiB available) decides both whether
 * the room's move is worth a look and what the look writes. */
#define _GNU_SOURCE
#include "testutil.h"

#include "dirtyctl.h"
#include "hookstate.h"
#include "statedir.h"
#include "watchroom.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIB (INT64_C(1) << 40)

static char base[64];

static void put(const char *dir, const char *name, const char *fmt, ...) OG_PRINTF(3, 4);
static void put(const char *dir, const char *name, const char *fmt, ...)
{
        char p[PATH_MAX];
        va_list ap;
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        FILE *f = fopen(p, "we");
        assert_non_null(f);
        va_start(ap, fmt);
        vfprintf(f, fmt, ap);
        va_end(ap);
        assert_int_equal(fclose(f), 0);
}

static void sub(char *buf, size_t cap, const char *name)
{
        snprintf(buf, cap, "%s/%s", base, name);
        assert_int_equal(mkdir(buf, 0700), 0);
}

static int setup(void **state)
{
        (void)state;
        return scratch_make(base, sizeof(base), "room");
}

static int teardown(void **state)
{
        (void)state;
        unsetenv("OOMGUARD_SYSCTL_VM");
        return scratch_remove(base);
}

/* A container enrolled in the host mode: its state.json in state_dir. */
static void enrol(const char *state_dir, struct hook_state *hs)
{
        int d = -1;
        char *json = NULL;
        size_t len;
        struct og_error err = {0};
        assert_int_equal(hookstate_render(hs, &json, &len), 0);
        assert_int_equal(statedir_open(state_dir, hs->id, true, &d, &err), 0);
        assert_int_equal(statedir_write(d, "state.json", json, len, &err), 0);
        close(d);
        free(json);
}

/* A scratch host: a proc root whose meminfo no real host matches (100 TiB
 * available), the administrator's vm.dirty_* as ratios (so MemAvailable
 * sets them), a state directory and a cgroup directory. */
struct fixture {
        char proc[128], vm[128], sd[128], cg[128];
};

static void fixture(struct fixture *f, const char *tag)
{
        char n[32];
        snprintf(n, sizeof(n), "proc%s", tag);
        sub(f->proc, sizeof(f->proc), n);
        snprintf(n, sizeof(n), "vm%s", tag);
        sub(f->vm, sizeof(f->vm), n);
        snprintf(n, sizeof(n), "state%s", tag);
        sub(f->sd, sizeof(f->sd), n);
        snprintf(n, sizeof(n), "cg%s", tag);
        sub(f->cg, sizeof(f->cg), n);
        put(f->proc, "meminfo", "MemTotal: %" PRId64 " kB\nMemAvailable: %" PRId64 " kB\n",
            101 * TIB / 1024, 100 * TIB / 1024);
        put(f->vm, "dirty_bytes", "0\n");
        put(f->vm, "dirty_background_bytes", "0\n");
        put(f->vm, "dirty_ratio", "20\n");
        put(f->vm, "dirty_background_ratio", "10\n");
        assert_int_equal(setenv("OOMGUARD_SYSCTL_VM", f->vm, 1), 0);
}

/* A container in the fixture's cgroup, enrolled; its state directory
 * opened in *dirfd. */
static struct hook_state member(const struct fixture *f, const char *id, const char *writeback,
                                int64_t limit, int *dirfd)
{
        struct hook_state hs = {
                .cgroup_version = 1,
                .init_pid = 4242,
                .created_mono_us = 1,
                .host_fallback = !strcmp(writeback, "preload"),
                .limit_bytes = limit,
                .memsw_bytes = OG_NONE,
                .oom_score_adj = OG_NONE,
                .oom_kill_base = OG_NONE,
                .oom_base = OG_NONE,
        };
        snprintf(hs.id, sizeof(hs.id), "%s", id);
        snprintf(hs.cgroup, sizeof(hs.cgroup), "/%s", id);
        snprintf(hs.writeback, sizeof(hs.writeback), "%s", writeback);
        snprintf(hs.cgroup_dir, sizeof(hs.cgroup_dir), "%s", f->cg);
        enrol(f->sd, &hs);
        assert_int_equal(statedir_open(f->sd, hs.id, false, dirfd, NULL), 0);
        return hs;
}

static bool marked(const char *sd, const char *id)
{
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s/" DIRTY_ENGAGED, sd, id);
        return access(p, F_OK) == 0;
}

static void vm_is(const char *vm, const char *name, const char *want)
{
        char p[PATH_MAX];
        size_t len;
        snprintf(p, sizeof(p), "%s/%s", vm, name);
        char *got = read_file(p, &len);
        assert_non_null(got);
        assert_string_equal(got, want);
        free(got);
}

static void test_meminfo_from_proc_root(void **state)
{
        (void)state;
        struct fixture f;
        fixture(&f, "");
        put(f.cg, "memory.stat", "cache 0\nrss 0\n");
        int d = -1;
        struct hook_state hs = member(&f, "wr1", "host", 4 * TIB, &d);
        struct room_watch w;
        room_watch_init(&w, &hs, d, f.sd, NULL, f.proc);
        assert_true(w.on);
        /* 1 TiB of anonymous memory and 1 TiB dirty: the room is 3 TiB
         * (engaged: a third of it dirty), half of it 1.5 TiB, below the
         * 20 TiB the administrator's 20 % of 100 TiB allow (on the host's
         * own meminfo it would be above: nothing to do) */
        put(f.cg, "memory.stat", "cache 0\nrss %" PRId64 "\ndirty %" PRId64 "\nwriteback 0\n",
            TIB, TIB);
        room_watch_quiet(&w, &hs);
        assert_true(w.engaged);
        room_watch_free(&w);
        close(d);
        vm_is(f.vm, "dirty_bytes", "1649267441664\n");           /* 1.5 TiB */
        vm_is(f.vm, "dirty_background_bytes", "824633720832\n"); /* 0.75 TiB */
}

/* A container with the preload's window and the host mode as its
 * fallback: not counted while its dirty and writeback pages stay within
 * the window, counted (marked, and the host's values lowered at once) when
 * they reach a quarter of its room. */
static void test_fallback_engages(void **state)
{
        (void)state;
        struct fixture f;
        fixture(&f, "2");
        int d = -1;
        struct hook_state hs = member(&f, "fb1", "preload", 256 << 20, &d);

        struct room_watch w;
        const struct dirty_bounds b = {16 << 20, 1000};
        room_watch_init(&w, &hs, d, f.sd, &b, f.proc);
        assert_true(w.on && !w.engaged);
        /* two 16 MiB windows in flight: the preload at work, not counted */
        put(f.cg, "memory.stat", "cache %d\nrss %d\ndirty %d\nwriteback %d\n", 40 << 20, 6 << 20,
            16 << 20, 16 << 20);
        room_watch_quiet(&w, &hs);
        assert_false(marked(f.sd, "fb1"));
        vm_is(f.vm, "dirty_bytes", "0\n");
        /* 70 MiB dirty of its 250 MiB room, over a quarter: something
         * writes past it */
        put(f.cg, "memory.stat", "cache %d\nrss %d\ndirty %d\nwriteback %d\n", 80 << 20, 6 << 20,
            65 << 20, 5 << 20);
        room_watch_quiet(&w, &hs);
        assert_true(w.engaged);
        assert_true(marked(f.sd, "fb1"));
        vm_is(f.vm, "dirty_bytes", "131072000\n"); /* half the 250 MiB room */
        room_watch_free(&w);
        close(d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_meminfo_from_proc_root),
                cmocka_unit_test(test_fallback_engages),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
