/* SPDX-License-Identifier: MIT */
/* The one /proc/meminfo and /proc/<pid>/stat parser. */
#define _GNU_SOURCE
#include "testutil.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"

static const char meminfo[] = "MemTotal:       24576000 kB\n"
                              "MemFree:         1000000 kB\n"
                              "MemAvailable:   20000000 kB\n"
                              "SwapTotal:             0 kB\n"
                              "Committed_AS:     512 kB\n"
                              "MemTotalX:            7 kB\n";

static void test_meminfo(void **state)
{
        (void)state;
        const struct {
                const char *key;
                int64_t kb;
        } t[] = {
                {"MemTotal", 24576000}, {"MemAvailable", 20000000}, {"SwapTotal", 0},
                {"Committed_AS", 512},  {"MemTotalX", 7},           {"CommitLimit", OG_NONE},
                {"Mem", OG_NONE},       {"MemFre", OG_NONE},
        };
        for (size_t i = 0; i < ARRAY_SIZE(t); i++)
                assert_int_equal(procfs_meminfo_kb(meminfo, strlen(meminfo), t[i].key), t[i].kb);
        /* a figure cut mid-line, a garbage one */
        assert_int_equal(procfs_meminfo_kb("MemTotal: x kB\n", 15, "MemTotal"), OG_NONE);
        assert_int_equal(procfs_meminfo_kb("MemTotal:", 9, "MemTotal"), OG_NONE);
}

static void test_stat(void **state)
{
        (void)state;
        struct proc_stat st;
        /* a comm with spaces and parentheses: the last ')' ends it */
        const char *line =
                "4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 9"
                "87654 1000 10 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 137\n";
        assert_int_equal(procfs_stat_parse(line, strlen(line), &st), 0);
        assert_string_equal(st.comm, "a) b (c)");
        assert_int_equal(st.state, 'S');
        assert_int_equal(st.ppid, 17);
        assert_int_equal(st.starttime, 987654);
        assert_int_equal(st.exit_code, 137);
        /* an old kernel's shorter line: no exit code */
        const char *old = "1 (init) Z 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 1\n";
        assert_int_equal(procfs_stat_parse(old, strlen(old), &st), 0);
        assert_int_equal(st.state, 'Z');
        assert_int_equal(st.starttime, 55);
        assert_int_equal(st.exit_code, OG_NONE);
        const char *bad[] = {"", "1 init S 0", "1 (x)", "1 (x) S", "1 (x) S y"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                assert_int_equal(procfs_stat_parse(bad[i], strlen(bad[i]), &st), -EINVAL);
}

static void test_stat_read_live(void **state)
{
        (void)state;
        struct proc_stat st;
        assert_int_equal(procfs_stat_read("/proc", (int64_t)getpid(), &st), 0);
        assert_int_equal(st.ppid, (int64_t)getppid());
        assert_int_equal(st.state, 'R');
        assert_true(procfs_stat_read("/proc", -1, &st) < 0);
        assert_true(proc_mem_total("/proc") > 0);
        assert_int_equal(proc_mem_total("/nonexistent"), OG_NONE);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_meminfo),
                cmocka_unit_test(test_stat),
                cmocka_unit_test(test_stat_read_live),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
