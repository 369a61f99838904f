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

static void test_meminfo_from_proc_root(void **state)
{
        (void)state;
        char proc[128], vm[128], sd[128], cg[128];
        sub(proc, sizeof(proc), "proc");
        sub(vm, sizeof(vm), "vm");
        sub(sd, sizeof(sd), "state");
        sub(cg, sizeof(cg), "cg");
        /* the administrator's values: ratios, so MemAvailable sets them */
        put(proc, "meminfo", "MemTotal: %" PRId64 " kB\nMemAvailable: %" PRId64 " kB\n",
            101 * TIB / 1024, 100 * TIB / 1024);
        put(vm, "dirty_bytes", "0\n");
        put(vm, "dirty_background_bytes", "0\n");
        put(vm, "dirty_ratio", "20\n");
        put(vm, "dirty_background_ratio", "10\n");
        assert_int_equal(setenv("OOMGUARD_SYSCTL_VM", vm, 1), 0);
        put(cg, "memory.stat", "cache 0\nrss 0\n");
        struct hook_state hs = {
                .cgroup = "/wr1",
                .cgroup_version = 1,
                .init_pid = 4242,
                .created_mono_us = 1,
                .writeback = "host",
                .limit_bytes = 4 * TIB,
                .memsw_bytes = OG_NONE,
                .oom_score_adj = OG_NONE,
                .oom_kill_base = OG_NONE,
                .oom_base = OG_NONE,
        };
        snprintf(hs.id, sizeof(hs.id), "wr1");
        snprintf(hs.cgroup_dir, sizeof(hs.cgroup_dir), "%s", cg);
        enrol(sd, &hs);

        int d = -1;
        assert_int_equal(statedir_open(sd, hs.id, false, &d, NULL), 0);
        struct room_watch w;
        room_watch_init(&w, &hs, d, sd, NULL, proc);
        assert_true(w.on);
        /* 1 TiB of anonymous memory and 1 TiB dirty: the room is 3 TiB
         * (engaged: a third of it dirty), half of it 1.5 TiB, below the
         * 20 TiB the administrator's 20 % of 100 TiB allow (on the host's
         * own meminfo it would be above: nothing to do) */
        put(cg, "memory.stat", "cache 0\nrss %" PRId64 "\ndirty %" PRId64 "\nwriteback 0\n", TIB,
            TIB);
        room_watch_quiet(&w, &hs);
        assert_true(w.engaged);
        room_watch_free(&w);
        close(d);
        char path[PATH_MAX];
        size_t len;
        snprintf(path, sizeof(path), "%s/dirty_bytes", vm);
        char *got = read_file(path, &len);
        assert_non_null(got);
        assert_string_equal(got, "1649267441664\n"); /* 1.5 TiB */
        free(got);
        snprintf(path, sizeof(path), "%s/dirty_background_bytes", vm);
        got = read_file(path, &len);
        assert_non_null(got);
        assert_string_equal(got, "824633720832\n"); /* 0.75 TiB */
        free(got);
}

static bool marked(const char *sd, const char *id)
{
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s/" DIRTY_ENGAGED, sd, id);
        return access(p, F_OK) == 0;
}

static void vm_is(const char *vm, const char *want)
{
        char p[PATH_MAX];
        size_t len;
        snprintf(p, sizeof(p), "%s/dirty_bytes", vm);
        char *got = read_file(p, &len);
        assert_non_null(got);
        assert_string_equal(got, want);
        free(got);
}

/* A container with the preload's window and the host mode as its
 * fallback: not counted while its dirty and writeback pages stay within
 * the window, counted (marked, and the host's values lowered at once) when
 * they reach a quarter of its room. */
static void test_fallback_engages(void **state)
{
        (void)state;
        char proc[128], vm[128], sd[128], cg[128];
        sub(proc, sizeof(proc), "proc2");
        sub(vm, sizeof(vm), "vm2");
        sub(sd, sizeof(sd), "state2");
        sub(cg, sizeof(cg), "cg2");
        put(proc, "meminfo", "MemTotal: %" PRId64 " kB\nMemAvailable: %" PRId64 " kB\n",
            101 * TIB / 1024, 100 * TIB / 1024);
        put(vm, "dirty_bytes", "0\n");
        put(vm, "dirty_background_bytes", "0\n");
        put(vm, "dirty_ratio", "20\n");
        put(vm, "dirty_background_ratio", "10\n");
        assert_int_equal(setenv("OOMGUARD_SYSCTL_VM", vm, 1), 0);
        struct hook_state hs = {
                .cgroup = "/fb1",
                .cgroup_version = 1,
                .init_pid = 4243,
                .created_mono_us = 1,
                .writeback = "preload",
                .host_fallback = 1,
                .limit_bytes = 256 << 20,
                .memsw_bytes = OG_NONE,
                .oom_score_adj = OG_NONE,
                .oom_kill_base = OG_NONE,
                .oom_base = OG_NONE,
        };
        snprintf(hs.id, sizeof(hs.id), "fb1");
        snprintf(hs.cgroup_dir, sizeof(hs.cgroup_dir), "%s", cg);
        enrol(sd, &hs);
        int d = -1;
        assert_int_equal(statedir_open(sd, hs.id, false, &d, NULL), 0);

        struct room_watch w;
        const struct dirty_bounds b = {16 << 20, 1000};
        room_watch_init(&w, &hs, d, sd, &b, proc);
        assert_true(w.on && !w.engaged);
        /* two 16 MiB windows in flight: the preload at work, not counted */
        put(cg, "memory.stat", "cache %d\nrss %d\ndirty %d\nwriteback %d\n", 40 << 20, 6 << 20,
            16 << 20, 16 << 20);
        room_watch_quiet(&w, &hs);
        assert_false(marked(sd, "fb1"));
        vm_is(vm, "0\n");
        /* 70 MiB dirty of its 250 MiB room, over a quarter: something
         * writes past it */
        put(cg, "memory.stat", "cache %d\nrss %d\ndirty %d\nwriteback %d\n", 80 << 20, 6 << 20,
            65 << 20, 5 << 20);
        room_watch_quiet(&w, &hs);
        assert_true(w.engaged);
        assert_true(marked(sd, "fb1"));
        vm_is(vm, "131072000\n"); /* half the 250 MiB room */
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
