/* SPDX-License-Identifier: MIT */
/* evidence_snapshot on fixture cgroups: one whose counter file is a FIFO
 * (the counter's value is written by a child at a moment the test knows),
 * one whose sub-cgroup goes. */
#define _GNU_SOURCE
#include "testutil.h"

#include "evidence.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LATE_US 300000 /* how long the counter's value takes to come */

static int64_t mono_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The child: after LATE_US, "oom_kill 1" to each of the n opens of the
 * FIFO (the snapshot reads memory.oom_control more than once), the next
 * once the reader has had time to read this one to its end and close. */
static void feed_fifo(const char *path, int n)
{
        const struct timespec late = {0, LATE_US * 1000L}, gap = {0, 100000000L};
        nanosleep(&late, NULL);
        for (int i = 0; i < n; i++) {
                if (i > 0)
                        nanosleep(&gap, NULL);
                int fd = open(path, O_WRONLY | O_CLOEXEC);
                if (fd < 0)
                        _exit(1);
                static const char text[] = "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n";
                if (write(fd, text, sizeof(text) - 1) < 0)
                        _exit(1);
                close(fd);
        }
        _exit(0);
}

/* A snapshot's read_us is no later than its read of the kill counter: a
 * kill counted after the read is logged after read_us, which poststop
 * needs to tell a kill the snapshot could not see from one it denies.
 * Here the counter's value comes LATE_US after the snapshot starts; a
 * read_us taken after the read would be LATE_US late. */
static void test_read_us_before_counters(void **state)
{
        (void)state;
        char dir[64], fifo[PATH_MAX];
        assert_int_equal(scratch_make(dir, sizeof(dir), "evidence"), 0);
        snprintf(fifo, sizeof(fifo), "%s/memory.oom_control", dir);
        assert_int_equal(mkfifo(fifo, 0600), 0);
        pid_t c = fork();
        assert_true(c >= 0);
        if (c == 0)
                feed_fifo(fifo, 2);
        struct evidence ev;
        evidence_init(&ev);
        int64_t start = mono_us();
        evidence_snapshot(dir, 1, &ev);
        int status = -1;
        assert_int_equal(waitpid(c, &status, 0), c);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_int_equal(scratch_remove(dir), 0);
        assert_int_equal(ev.oom_kill, 1);
        assert_int_equal(ev.snapshots, 1);
        if (ev.read_us < start || ev.read_us - start >= LATE_US / 2)
                fail_msg("read_us %" PRId64 " µs after the snapshot began, its counter "
                         "came %d µs after",
                         ev.read_us - start, LATE_US);
}

static void put(const char *dir, const char *name, const char *text)
{
        char p[PATH_MAX + 32];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fputs(text, f);
        assert_int_equal(fclose(f), 0);
}

/* cgroup v1 counts a kill in the sub-cgroup it happened in alone, and the
 * kill counter is the sum over the container's subtree: once the runtime
 * has removed that sub-cgroup (it removes them first), the sum is lower.
 * A snapshot never lowers what an earlier one counted. */
static void test_oom_kill_never_lower(void **state)
{
        (void)state;
        char dir[64], q[PATH_MAX];
        assert_int_equal(scratch_make(dir, sizeof(dir), "evidence"), 0);
        snprintf(q, sizeof(q), "%s/q", dir);
        assert_int_equal(mkdir(q, 0700), 0);
        put(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        put(q, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        struct evidence ev;
        evidence_init(&ev);
        evidence_snapshot(dir, 1, &ev);
        assert_int_equal(ev.oom_kill, 1);
        char p[PATH_MAX + 32];
        snprintf(p, sizeof(p), "%s/memory.oom_control", q);
        assert_int_equal(unlink(p), 0);
        assert_int_equal(rmdir(q), 0);
        evidence_snapshot(dir, 1, &ev);
        assert_int_equal(ev.snapshots, 2);
        assert_int_equal(ev.oom_kill, 1);
        assert_int_equal(scratch_remove(dir), 0);
}

/* Counters only rise: the larger reading, whichever is known. */
static void test_max(void **state)
{
        (void)state;
        assert_int_equal(evidence_max(OG_NONE, OG_NONE), OG_NONE);
        assert_int_equal(evidence_max(OG_NONE, 2), 2);
        assert_int_equal(evidence_max(3, OG_NONE), 3);
        assert_int_equal(evidence_max(1, 0), 1); /* a sub-cgroup gone: its kill kept */
        assert_int_equal(evidence_max(0, 1), 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_read_us_before_counters),
                cmocka_unit_test(test_oom_kill_never_lower),
                cmocka_unit_test(test_max),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
