/* SPDX-License-Identifier: MIT */
/* Finding a process's memory cgroup on v1, hybrid and v2 hosts, inside a
 * cgroup namespace, on a node with thousands of long mounts, and on this
 * machine for real. */
#include "testutil.h"

#include "cgroup.h"
#include "lines.h"
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* A fixture /proc: <root>/self/mountinfo and <root>/4242/cgroup. */
static char root[64];

static void put(const char *rel, const char *data, size_t len)
{
        char p[128];
        snprintf(p, sizeof(p), "%s/%s", root, rel);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, len), (ssize_t)len);
        close(fd);
}

static int setup_root(void **state)
{
        (void)state;
        char p[128];
        snprintf(root, sizeof(root), "/tmp/oomguard-proc-XXXXXX");
        if (!mkdtemp(root))
                return -1;
        snprintf(p, sizeof(p), "%s/self", root);
        mkdir(p, 0700);
        snprintf(p, sizeof(p), "%s/4242", root);
        mkdir(p, 0700);
        put("4242/cgroup", S(hybrid_cgroup));
        return 0;
}

static int teardown_root(void **state)
{
        (void)state;
        return scratch_remove(root);
}

/* n mounts whose lines are line_len bytes long (with '\n'), then the
 * cgroup mounts (the last lines, as on a node where containers mounted
 * after boot); its length in *len. */
static char *many_mounts(size_t n, size_t line_len, size_t *len)
{
        size_t cap = n * line_len + sizeof(hybrid_mounts);
        char *b = malloc(cap), *p = b;
        assert_non_null(b);
        for (size_t i = 0; i < n; i++) {
                int h = sprintf(p, "%zu 30 0:%zu / /var/lib/x/", 1000 + i, 100 + i);
                size_t tail = strlen(" rw,relatime - tmpfs tmpfs rw\n");
                assert_true((size_t)h + tail < line_len);
                memset(p + h, 'm', line_len - (size_t)h - tail);
                memcpy(p + line_len - tail, " rw,relatime - tmpfs tmpfs rw\n", tail);
                p += line_len;
        }
        memcpy(p, hybrid_mounts, sizeof(hybrid_mounts) - 1);
        *len = (size_t)(p - b) + sizeof(hybrid_mounts) - 1;
        return b;
}

/* 5 MB of mountinfo (650 mounts of 7.7 KB: beyond the 4 MiB a whole-file
 * read took), the cgroup mounts last: found, for the hook (cg_locate) as
 * for the shim (cg_read_mountinfo), nothing skipped. */
static void test_five_megabytes(void **state)
{
        (void)state;
        size_t len;
        char *b = many_mounts(650, 7700, &len);
        assert_true(len > 5000000);
        put("self/mountinfo", b, len);
        struct cg_location l;
        struct og_error err = {0};
        if (cg_locate(root, 4242, &l, &err) < 0)
                fail_msg("%s", err.msg);
        assert_int_equal(l.version, 1);
        assert_string_equal(l.dir, "/sys/fs/cgroup/memory/process_api/ae43/docker/abc");
        struct cg_mounts m;
        size_t skipped = 99;
        assert_int_equal(cg_read_mountinfo(root, &m, &skipped, &err), 0);
        assert_string_equal(m.v1_memory, "/sys/fs/cgroup/memory");
        assert_string_equal(m.v2, "/sys/fs/cgroup/unified");
        assert_int_equal(skipped, 0);
        free(b);
}

/* head, padding, tail: a line of exactly size bytes (its '\n' included) */
static size_t padded(char *b, size_t size, const char *head, const char *tail)
{
        size_t h = strlen(head), t = strlen(tail);
        memcpy(b, head, h);
        memset(b + h, 'x', size - h - t);
        memcpy(b + size - t, tail, t);
        return size;
}

/* A cgroup2 mount whose options' padding ends in what would parse as a
 * line of its own ("/tail") if a reader cut the line. */
#define CUT_TAIL " 2 0:3 / /tail rw - cgroup2 cgroup2 rw\n"

/* Lines longer than the bound: skipped and counted, never cut into a
 * line that would parse; one exactly at the bound is read. */
static void test_long_lines(void **state)
{
        (void)state;
        size_t max = CG_MOUNTINFO_LINE_MAX, len = 0;
        char *b = malloc(6 * max);
        len += padded(b + len, max + 2, "7 1 0:9 / /over rw,", CUT_TAIL); /* one byte over */
        len += padded(b + len, 3 * max, "7 1 0:9 / /far rw,", CUT_TAIL);
        len += padded(b + len, max + 1, "7 1 0:9 / /bound rw,", CUT_TAIL); /* at the bound */
        memcpy(b + len, hybrid_mounts, sizeof(hybrid_mounts) - 2);         /* no final '\n' */
        len += sizeof(hybrid_mounts) - 2;
        put("self/mountinfo", b, len);
        struct cg_mounts m;
        size_t skipped = 0;
        struct og_error err = {0};
        assert_int_equal(cg_read_mountinfo(root, &m, &skipped, &err), 0);
        assert_int_equal(skipped, 2);
        assert_string_equal(m.v1_memory, "/sys/fs/cgroup/memory");
        assert_string_equal(m.v2, "/bound"); /* not /over, /far or a cut /tail */
        /* the memory mount's own line too long: not found, and said why */
        len = padded(b, 2 * max, "8 1 0:5 / /mem rw,", " - cgroup cgroup rw,memory\n");
        put("self/mountinfo", b, len);
        assert_int_equal(cg_read_mountinfo(root, &m, &skipped, &err), -ENOENT);
        assert_int_equal(skipped, 1);
        assert_non_null(strstr(err.msg, "1 longer than 65536 bytes were skipped"));
        free(b);
}

/* The shim's host facts: from a 5 MB mountinfo; and when mountinfo does
 * not tell, an error that says why (the shim logs it), not silence. */
static void test_shim_host_facts(void **state)
{
        (void)state;
        size_t len;
        char *b = many_mounts(650, 7700, &len);
        put("self/mountinfo", b, len);
        bool swap = false, v1 = false;
        struct og_error err = {0};
        assert_int_equal(shim_host_facts(root, &swap, &v1, &err), 0);
        assert_true(v1);
        assert_int_equal(swap,
                         access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0);
        put("self/mountinfo", b, 7700 * 3); /* no cgroup mount among them */
        assert_int_equal(shim_host_facts(root, &swap, &v1, &err), -ENOENT);
        assert_false(swap);
        assert_non_null(strstr(err.msg, "no cgroup hierarchy mounted"));
        free(b);
}

struct tally {
        size_t n, bytes;
};

static void count(const char *line, size_t len, void *ctx)
{
        struct tally *t = ctx;
        assert_null(memchr(line, '\n', len));
        t->n++;
        t->bytes += len + 1;
}

/* A pipe that hands the file over 7 bytes at a time: the same lines. */
static void test_lines_in_pieces(void **state)
{
        (void)state;
        size_t len;
        char *b = many_mounts(40, 300, &len);
        int pfd[2];
        assert_int_equal(pipe(pfd), 0);
        pid_t child = fork();
        if (child == 0) {
                close(pfd[0]);
                for (size_t o = 0; o < len; o += 7)
                        if (write(pfd[1], b + o, len - o < 7 ? len - o : 7) < 0)
                                _exit(1);
                _exit(0);
        }
        close(pfd[1]);
        struct tally t = {0, 0};
        struct lines_stats st;
        struct og_error err = {0};
        assert_int_equal(lines_read_fd(pfd[0], 1024, count, &t, &st, &err), 0);
        close(pfd[0]);
        waitpid(child, NULL, 0);
        assert_int_equal(t.n, 44);
        assert_int_equal(st.lines, 44);
        assert_int_equal(st.skipped, 0);
        assert_int_equal(t.bytes, len);
        free(b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_five_megabytes, setup_root, teardown_root),
                cmocka_unit_test_setup_teardown(test_long_lines, setup_root, teardown_root),
                cmocka_unit_test_setup_teardown(test_shim_host_facts, setup_root, teardown_root),
                cmocka_unit_test(test_lines_in_pieces),
                cmocka_unit_test(test_hybrid_prefers_v1_memory),
                cmocka_unit_test(test_v2),
                cmocka_unit_test(test_namespace_root),
                cmocka_unit_test(test_garbage),
                cmocka_unit_test(test_this_machine),
        };
        return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
