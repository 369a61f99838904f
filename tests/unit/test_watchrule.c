/* SPDX-License-Identifier: MIT */
/* The watcher's rules: an OOM whose kill is awaited, a kill counted, a
 * final snapshot, when it leaves. */
#include "testutil.h"

#include "watchrule.h"

/* v1's eventfd is an OOM; on v2 only a rising "oom" count is (memory.events
 * also changes at each "max"), or a snapshot that could not say. */
static void test_oom_invoked(void **state)
{
        (void)state;
        const struct {
                int version;
                bool event, fresh;
                int64_t before, now;
                bool want;
        } cases[] = {
                {1, true, true, OG_NONE, OG_NONE, true}, /* v1 counts no oom */
                {1, true, false, OG_NONE, OG_NONE, true},
                {1, true, true, 3, 3, true}, /* v1: the event alone says so */
                {1, false, true, OG_NONE, OG_NONE,
                 false},                      /* no event: a kmsg or threshold wake */
                {2, true, true, 3, 4, true},  /* oom rose */
                {2, true, true, 3, 3, false}, /* only a "max": reclaim sufficed */
                {2, true, true, 3, 9, true},
                {2, true, false, 3, 3, true},      /* the cgroup gone: this read failed */
                {2, true, true, OG_NONE, 0, true}, /* the first snapshot failed */
                {2, true, true, OG_NONE, OG_NONE, true},
                {2, false, true, 3, 4, false}, /* a rise seen without an event */
                {2, false, false, OG_NONE, OG_NONE, false},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                bool got = watchrule_oom_invoked(cases[i].version, cases[i].event, cases[i].fresh,
                                                 cases[i].before, cases[i].now);
                if (got != cases[i].want)
                        fail_msg("case %zu: %d", i, got);
        }
}

static void test_kill_counted(void **state)
{
        (void)state;
        assert_true(watchrule_kill_counted(0, 1));
        assert_true(watchrule_kill_counted(4, 6));
        assert_false(watchrule_kill_counted(1, 1)); /* the event came before its kill */
        assert_false(watchrule_kill_counted(2, 1));
        assert_false(watchrule_kill_counted(0, OG_NONE)); /* not read */
        assert_false(watchrule_kill_counted(OG_NONE, OG_NONE));
        assert_true(watchrule_kill_counted(OG_NONE, 0)); /* no count before: any is one */
}

/* Final only when taken after init's exit from a cgroup still readable: a
 * snapshot of a cgroup already gone may predate the death. */
static void test_final(void **state)
{
        (void)state;
        assert_true(watchrule_final(true, true));
        assert_false(watchrule_final(true, false));
        assert_false(watchrule_final(false, true));
        assert_false(watchrule_final(false, false));
}

static void test_gone(void **state)
{
        (void)state;
        assert_false(watchrule_gone(true, true));
        assert_true(watchrule_gone(false, true)); /* the runtime removed the cgroup */
        assert_true(watchrule_gone(true, false)); /* poststop removed the state */
        assert_true(watchrule_gone(false, false));
}

/* After init's exit, a watcher whose parent is not init (a subreaping
 * runtime adopted it, and may wait for it) leaves; without an event source
 * it leaves at the first quiet poll; otherwise it stays. */
static void test_leave(void **state)
{
        (void)state;
        const struct {
                bool init_exited;
                int64_t ppid;
                bool events, idle;
                enum watchrule_leave want;
        } cases[] = {
                {true, 4242, true, false, WATCHRULE_ADOPTED}, /* crun run, a subreaper */
                {true, 4242, false, true, WATCHRULE_ADOPTED}, /* adopted first */
                {true, 1, true, false, WATCHRULE_STAY}, /* init's: waits for the cgroup to go */
                {true, 1, true, true, WATCHRULE_STAY},
                {true, 1, false, true, WATCHRULE_IDLE},
                {false, 4242, true, false, WATCHRULE_STAY}, /* init still runs */
                {false, 4242, true, true, WATCHRULE_STAY},  /* quiet, with events to wait for */
                {false, 1, false, true, WATCHRULE_IDLE},  /* no event source: nothing to wait for
                                                           */
                {false, 1, false, false, WATCHRULE_STAY}, /* not idle: a record came */
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                enum watchrule_leave got = watchrule_leave(cases[i].init_exited, cases[i].ppid,
                                                           cases[i].events, cases[i].idle);
                if (got != cases[i].want)
                        fail_msg("case %zu: %d, want %d", i, got, cases[i].want);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_oom_invoked), cmocka_unit_test(test_kill_counted),
                cmocka_unit_test(test_final),       cmocka_unit_test(test_gone),
                cmocka_unit_test(test_leave),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
