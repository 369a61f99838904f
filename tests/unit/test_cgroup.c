/* SPDX-License-Identifier: MIT */
/* Finding a process's memory cgroup on v1, hybrid and v2 hosts, inside a
 * cgroup namespace, and on this machine for real. */
#include "testutil.h"

#include "cgroup.h"

#include <unistd.h>

#define S(x) x, strlen(x)

/* This project's CI host: cgroup v1 memory, cgroup2 with hugetlb only. */
static const char hybrid_mounts[] =
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
        "40 31 0:37 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n";
static const char hybrid_cgroup[] =
        "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/ae43/docker/abc\n0::/\n";
static const char v2_mounts[] =
        "25 30 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
static const char v2_cgroup[] =
        "0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-abc.scope\n";
/* a process in a cgroup namespace reading a bind-mounted subtree */
static const char ns_mounts[] =
        "100 90 0:32 /docker/abc /sys/fs/cgroup/memory ro,relatime - cgroup cgroup rw,cpuset,memory\n";

static void test_hybrid_prefers_v1_memory(void **state)
{
        (void)state;
        struct cg_mounts m;
        struct cg_paths p;
        struct cg_location l;
        assert_int_equal(cg_parse_mountinfo(S(hybrid_mounts), &m), 0);
        assert_string_equal(m.v1_memory, "/sys/fs/cgroup/memory");
        assert_string_equal(m.v2, "/sys/fs/cgroup/unified");
        assert_int_equal(cg_parse_proc_cgroup(S(hybrid_cgroup), &p), 0);
        assert_string_equal(p.v1_memory, "/process_api/ae43/docker/abc");
        assert_string_equal(p.v2, "/");
        assert_int_equal(cg_resolve(&m, &p, false, &l, NULL), 0);
        assert_int_equal(l.version, 1);
        assert_string_equal(l.path, "/process_api/ae43/docker/abc");
        assert_string_equal(l.dir, "/sys/fs/cgroup/memory/process_api/ae43/docker/abc");
}

static void test_v2(void **state)
{
        (void)state;
        struct cg_mounts m;
        struct cg_paths p;
        struct cg_location l;
        struct og_error err = {0};
        assert_int_equal(cg_parse_mountinfo(S(v2_mounts), &m), 0);
        assert_int_equal(cg_parse_proc_cgroup(S(v2_cgroup), &p), 0);
        assert_int_equal(cg_resolve(&m, &p, true, &l, NULL), 0);
        assert_int_equal(l.version, 2);
        assert_string_equal(l.dir, "/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/"
                                   "cri-containerd-abc.scope");
        /* cgroup2 without the memory controller is not a memory cgroup */
        assert_true(cg_resolve(&m, &p, false, &l, &err) < 0);
        assert_non_null(strstr(err.msg, "memory controller"));
}

static void test_namespace_root(void **state)
{
        (void)state;
        struct cg_mounts m;
        struct cg_paths p;
        struct cg_location l;
        struct og_error err = {0};
        assert_int_equal(cg_parse_mountinfo(S(ns_mounts), &m), 0);
        assert_string_equal(m.v1_root, "/docker/abc");
        assert_int_equal(cg_parse_proc_cgroup(S("5:memory:/docker/abc/sub\n"), &p), 0);
        assert_int_equal(cg_resolve(&m, &p, false, &l, NULL), 0);
        assert_string_equal(l.dir, "/sys/fs/cgroup/memory/sub");
        assert_int_equal(cg_parse_proc_cgroup(S("5:memory:/other\n"), &p), 0);
        assert_true(cg_resolve(&m, &p, false, &l, &err) < 0);
        assert_non_null(strstr(err.msg, "outside"));
}

static void test_garbage(void **state)
{
        (void)state;
        struct cg_mounts m;
        struct cg_paths p;
        assert_true(cg_parse_mountinfo(S("garbage\n\n - - -\n"), &m) < 0);
        assert_true(cg_parse_proc_cgroup(S("::\n1:memory\n2:memory:relative\n"), &p) < 0);
        assert_true(cg_parse_proc_cgroup(S(""), &p) < 0);
}

static void test_this_machine(void **state)
{
        (void)state; /* the real /proc: our own memory cgroup exists */
        struct cg_location l;
        struct og_error err = {0};
        if (cg_locate("/proc", getpid(), &l, &err) < 0)
                fail_msg("%s", err.msg);
        char f[PATH_MAX + 32];
        snprintf(f, sizeof(f), "%s/%s", l.dir,
                 l.version == 1 ? "memory.limit_in_bytes" : "memory.max");
        assert_int_equal(access(f, R_OK), 0);
        assert_true(cg_locate("/proc", 999999999, &l, &err) < 0);
        assert_non_null(strstr(err.msg, "/proc/999999999/cgroup"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hybrid_prefers_v1_memory),
                cmocka_unit_test(test_v2),
                cmocka_unit_test(test_namespace_root),
                cmocka_unit_test(test_garbage),
                cmocka_unit_test(test_this_machine),
        };
        return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
