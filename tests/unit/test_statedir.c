/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "testutil.h"

#include "statedir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64];

static int setup(void **state)
{
        (void)state;
        snprintf(base, sizeof(base), "/tmp/oomguard-state-XXXXXX");
        return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
        (void)state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
        return system(cmd);
}

static void test_write_read_remove(void **state)
{
        (void)state;
        int d;
        char buf[64], p[128];
        size_t len;
        struct og_error err = {0};
        assert_int_equal(statedir_open(base, "c1", true, &d, &err), 0);
        assert_int_equal(statedir_write(d, "state.json", "{\"a\":1}", 7, &err), 0);
        assert_int_equal(statedir_write(d, "state.json", "{\"a\":2}", 7, &err), 0);
        assert_int_equal(statedir_read(d, "state.json", buf, sizeof(buf), &len, &err), 0);
        assert_string_equal(buf, "{\"a\":2}");
        snprintf(p, sizeof(p), "%s/c1/.state.json.tmp", base);
        assert_int_equal(access(p, F_OK), -1); /* no temp file left behind */
        struct stat st;
        snprintf(p, sizeof(p), "%s/c1", base);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0700);
        close(d);
        assert_int_equal(statedir_remove(base, "c1", &err), 0);
        assert_int_equal(access(p, F_OK), -1);
        assert_true(statedir_remove(base, "c1", &err) < 0); /* poststop twice */
}

static void test_planted_symlinks(void **state)
{
        (void)state;
        int d;
        char p[128], t[128];
        struct og_error err = {0};
        /* the container's directory itself is a symlink: refused */
        snprintf(p, sizeof(p), "%s/evil", base);
        assert_int_equal(symlink("/etc", p), 0);
        assert_true(statedir_open(base, "evil", true, &d, &err) < 0);
        /* a symlink planted where the temp file goes is replaced, not followed */
        assert_int_equal(statedir_open(base, "c2", true, &d, &err), 0);
        snprintf(t, sizeof(t), "%s/victim", base);
        close(open(t, O_WRONLY | O_CREAT, 0600));
        snprintf(p, sizeof(p), "%s/c2/.state.json.tmp", base);
        assert_int_equal(symlink(t, p), 0);
        assert_int_equal(statedir_write(d, "state.json", "x", 1, &err), 0);
        struct stat st;
        assert_int_equal(stat(t, &st), 0);
        assert_int_equal(st.st_size, 0); /* the symlink's target untouched */
        /* and a symlink as the state file: reading does not follow it */
        snprintf(p, sizeof(p), "%s/c2/other", base);
        assert_int_equal(symlink("/etc/passwd", p), 0);
        char buf[64];
        size_t len;
        assert_true(statedir_read(d, "other", buf, sizeof(buf), &len, &err) < 0);
        close(d);
}

static void test_unwritable_base(void **state)
{
        (void)state;
        int d;
        struct og_error err = {0};
        assert_true(statedir_open("/proc/oomguard-nope", "c", true, &d, &err) < 0);
        assert_non_null(strstr(err.msg, "/proc/oomguard-nope"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_write_read_remove),
                cmocka_unit_test(test_planted_symlinks),
                cmocka_unit_test(test_unwritable_base),
        };
        return cmocka_run_group_tests_name("statedir", tests, setup, teardown);
}
