/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include "dirtyctl.h"

#define M (1LL << 20)
#define G (1LL << 30)

struct dc_case {
        const char *what;
        struct dirty_vals admin;
        int64_t dirtyable, room, min;
        bool restore;
        int64_t bytes, bg;
};

static const struct dc_case cases[] = {
        {"no enrolled container: the administrator's values",
         {0, 0, 20, 10},
         20 * G,
         -1,
         16 * M,
         true,
         0,
         0},
        {"256 MiB of room under 20% of 20 GiB: half and a quarter",
         {0, 0, 20, 10},
         20 * G,
         256 * M,
         16 * M,
         false,
         128 * M,
         64 * M},
        {"a page of anonymous memory in 64 MiB: still 32 and 16 MiB (to the nearest MiB)",
         {0, 0, 20, 10},
         20 * G,
         64 * M - 4096,
         16 * M,
         false,
         32 * M,
         16 * M},
        {"a tiny room: the floor of 16 MiB and half of it",
         {0, 0, 20, 10},
         20 * G,
         2 * M,
         16 * M,
         false,
         16 * M,
         8 * M},
        {"a full container (no room at all): still the floor",
         {256 * M, 128 * M, 0, 0},
         20 * G,
         0,
         16 * M,
         false,
         16 * M,
         8 * M},
        {"the administrator's floor of 64 MiB over a room of 40 MiB",
         {0, 0, 20, 10},
         20 * G,
         40 * M,
         64 * M,
         false,
         64 * M,
         32 * M},
        {"no floor given: the default's 16 MiB",
         {0, 0, 20, 10},
         20 * G,
         2 * M,
         0,
         false,
         16 * M,
         8 * M},
        {"a floor above the administrator's own value: left alone",
         {24 * M, 12 * M, 0, 0},
         20 * G,
         2 * M,
         32 * M,
         true,
         0,
         0},
        {"the administrator's 100 MiB is already lower than half of 512 MiB",
         {100 * M, 50 * M, 0, 0},
         20 * G,
         512 * M,
         16 * M,
         true,
         0,
         0},
        {"the administrator's background is lower: kept",
         {200 * M, 10 * M, 0, 0},
         20 * G,
         256 * M,
         16 * M,
         false,
         128 * M,
         10 * M},
        {"ratios on a small host: 20% of 400 MiB is lower than half of 1 GiB",
         {0, 0, 20, 10},
         400 * M,
         1 * G,
         16 * M,
         true,
         0,
         0},
};

static void test_decide(void **state)
{
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                const struct dc_case *c = &cases[i];
                struct dirty_plan p;
                dirtyctl_decide(&c->admin, c->dirtyable, c->room, c->min, &p);
                if (p.restore != c->restore ||
                    (!p.restore && (p.bytes != c->bytes || p.bg_bytes != c->bg)))
                        fail_msg("%s: got restore=%d %lld/%lld", c->what, p.restore,
                                 (long long)p.bytes, (long long)p.bg_bytes);
                assert_true(p.restore || p.bg_bytes < p.bytes);
        }
}

static const struct dirty_plan keep_admin = {true, 0, 0};

static struct dirty_plan plan(int64_t bytes)
{
        return (struct dirty_plan){false, bytes, bytes / 2};
}

/* One step of the pace with a 1 s interval; the administrator's 256 MiB. */
static enum dirty_step step(struct dirty_pace *p, const struct dirty_plan *t, int64_t now,
                            int64_t *retry)
{
        struct dirty_next n;
        dirtyctl_pace(t, 256 * M, true, false, now, 1000, p, &n);
        if (retry)
                *retry = n.retry_ms;
        return n.step;
}

static void test_pace_first_lowering_and_margin(void **state)
{
        (void)state;
        struct dirty_pace p = {0};
        struct dirty_plan t = plan(100 * M);
        assert_int_equal(step(&p, &t, 5000, NULL),
                         DIRTY_WRITE); /* nothing written yet: at once */
        assert_int_equal(p.applied_bytes, 100 * M);
        assert_int_equal(p.written_ms, 5000);
        /* within an eighth either way: nothing, however long it lasts */
        t = plan(90 * M);
        assert_int_equal(step(&p, &t, 9000, NULL), DIRTY_KEEP);
        t = plan(110 * M);
        assert_int_equal(step(&p, &t, 60000, NULL), DIRTY_KEEP);
        assert_int_equal(p.applied_bytes, 100 * M);
        assert_int_equal(p.higher_since_ms, 0);
}

static void test_pace_rate(void **state)
{
        (void)state;
        struct dirty_pace p = {100 * M, 50 * M, 5000, 0, 0};
        struct dirty_plan t = plan(40 * M);
        int64_t retry;
        /* lower: owed, but the last rewrite was 300 ms ago */
        assert_int_equal(step(&p, &t, 5300, &retry), DIRTY_WAIT);
        assert_int_equal(retry, 6000);
        assert_int_equal(p.due_ms, 6000); /* recorded as owed, for the watchers */
        assert_int_equal(p.applied_bytes, 100 * M);
        assert_int_equal(step(&p, &t, 6000, NULL), DIRTY_WRITE);
        assert_int_equal(p.applied_bytes, 40 * M);
        assert_int_equal(p.due_ms, 0);
        /* a hundred looks within the next second: no second rewrite */
        t = plan(16 * M);
        for (int i = 0; i < 100; i++)
                assert_int_equal(step(&p, &t, 6000 + i * 9, NULL), DIRTY_WAIT);
        assert_int_equal(p.applied_bytes, 40 * M);
        assert_int_equal(step(&p, &t, 7000, NULL), DIRTY_WRITE);
}

static void test_pace_raise_holds(void **state)
{
        (void)state;
        struct dirty_pace p = {16 * M, 8 * M, 1000, 0, 0};
        struct dirty_plan high = plan(120 * M), low = plan(17 * M);
        int64_t retry;
        /* higher: only after five intervals at the higher target */
        assert_int_equal(step(&p, &high, 10000, &retry), DIRTY_WAIT);
        assert_int_equal(retry, 15000);
        assert_int_equal(step(&p, &high, 14999, NULL), DIRTY_WAIT);
        /* the room swings back meanwhile: the clock starts again */
        assert_int_equal(step(&p, &low, 15000, NULL), DIRTY_KEEP);
        assert_int_equal(p.higher_since_ms, 0);
        assert_int_equal(step(&p, &high, 16000, &retry), DIRTY_WAIT);
        assert_int_equal(retry, 21000);
        assert_int_equal(step(&p, &high, 21000, NULL), DIRTY_WRITE);
        assert_int_equal(p.applied_bytes, 120 * M);
        /* back up to the administrator's own value: written back, not by bytes */
        assert_int_equal(step(&p, &keep_admin, 30000, NULL), DIRTY_WAIT);
        assert_int_equal(step(&p, &keep_admin, 35000, NULL), DIRTY_RESTORE);
        assert_int_equal(p.applied_bytes, 0);
}

/* A room that swings every 300 ms between 40 and 240 MiB for a minute:
 * one rewrite (the first lowering), then nothing, never more than one a
 * second, never below the floor. */
static void test_pace_swinging(void **state)
{
        (void)state;
        struct dirty_pace p = {0};
        struct dirty_vals admin = {256 * M, 128 * M, 0, 0};
        int writes = 0;
        int64_t last = -1000000;
        for (int64_t now = 1000; now < 61000; now += 100) {
                int64_t room = (now / 300) % 2 ? 40 * M : 240 * M;
                struct dirty_plan t;
                dirtyctl_decide(&admin, 20 * G, room, 16 * M, &t);
                enum dirty_step s = step(&p, &t, now, NULL);
                if (s == DIRTY_WRITE || s == DIRTY_RESTORE) {
                        assert_true(now - last >= 1000);
                        assert_true(s == DIRTY_RESTORE || p.applied_bytes >= 16 * M);
                        last = now;
                        writes++;
                }
        }
        assert_int_equal(writes, 1);
        assert_int_equal(p.applied_bytes, 20 * M);
}

static void test_pace_last_one_gone(void **state)
{
        (void)state;
        struct dirty_pace p = {16 * M, 8 * M, 1000, 0, 0};
        struct dirty_next n;
        /* the last enrolled container gone: back at once, rate or not */
        dirtyctl_pace(&keep_admin, 256 * M, false, false, 1100, 1000, &p, &n);
        assert_int_equal(n.step, DIRTY_RESTORE);
        assert_int_equal(p.applied_bytes, 0);
        dirtyctl_pace(&keep_admin, 256 * M, false, false, 1200, 1000, &p, &n);
        assert_int_equal(n.step, DIRTY_KEEP);
        /* a clock from before a reboot does not block a rewrite */
        struct dirty_pace q = {100 * M, 50 * M, 999999999, 0, 0};
        struct dirty_plan t = plan(20 * M);
        assert_int_equal(step(&q, &t, 5000, NULL), DIRTY_WRITE);
}

/* A container's start or end (the hooks): a higher value without the
 * hold, but still at most one rewrite per interval. */
static void test_pace_at_once(void **state)
{
        (void)state;
        struct dirty_pace p = {16 * M, 8 * M, 10000, 0, 0};
        struct dirty_plan high = plan(120 * M);
        struct dirty_next n;
        dirtyctl_pace(&high, 256 * M, true, true, 20000, 1000, &p, &n);
        assert_int_equal(n.step, DIRTY_WRITE);
        assert_int_equal(p.applied_bytes, 120 * M);
        struct dirty_plan low = plan(16 * M);
        dirtyctl_pace(&low, 256 * M, true, true, 20500, 1000, &p, &n);
        assert_int_equal(n.step, DIRTY_WAIT);
        assert_int_equal(n.retry_ms, 21000);
        /* a higher one owed by a container's end, made later by a watcher:
         * the hold counts as served */
        p = (struct dirty_pace){16 * M, 8 * M, 30000, 0, 0};
        dirtyctl_pace(&high, 256 * M, true, true, 30200, 1000, &p, &n);
        assert_int_equal(n.step, DIRTY_WAIT);
        assert_int_equal(p.due_ms, 31000);
        assert_int_equal(step(&p, &high, 31000, NULL), DIRTY_WRITE);
}

static void test_worth(void **state)
{
        (void)state;
        /* the value in force is 64 MiB (margin 8 MiB) */
        assert_true(dirtyctl_worth(200 * M, 100 * M, 64 * M, 16 * M));  /* its target 50 < 56 */
        assert_false(dirtyctl_worth(200 * M, 120 * M, 64 * M, 16 * M)); /* 60: close enough */
        assert_false(dirtyctl_worth(300 * M, 200 * M, 64 * M, 16 * M)); /* not the lowest */
        assert_true(dirtyctl_worth(128 * M, 300 * M, 64 * M, 16 * M)); /* it held it down, grew */
        assert_false(dirtyctl_worth(300 * M, 400 * M, 64 * M, 16 * M)); /* grew, held nothing */
        /* at the floor: shrinking further changes nothing */
        assert_false(dirtyctl_worth(20 * M, 4 * M, 16 * M, 16 * M));
        assert_true(dirtyctl_worth(OG_NONE, 4 * M, 16 * M, 16 * M));
        assert_true(dirtyctl_worth(20 * M, 4 * M, OG_NONE, 16 * M));
        /* 26 MiB in force, set by a room of 52: a drop to the floor of 24
         * is within the eighth (forge-watch's swinging containers) */
        assert_false(dirtyctl_worth(52 * M, 16 * M, 26 * M, 24 * M));
        assert_true(dirtyctl_worth(64 * M, 16 * M, 28 * M, 24 * M));
}

static void test_room(void **state)
{
        (void)state;
        assert_int_equal(dirtyctl_room(256 * M, 200 * M), 56 * M);
        assert_int_equal(dirtyctl_room(256 * M, 300 * M), 0); /* over: no room, never negative */
        assert_int_equal(dirtyctl_room(256 * M, OG_NONE), OG_NONE);
}

/* The rule: counted from an eighth of the room (a quarter with the
 * preload's window; 12 MiB at least), let go after five seconds at a
 * sixteenth of it or less, held meanwhile. */
static void test_engage(void **state)
{
        (void)state;
        const int64_t room = 200 * M;
        int64_t calm = 0;
        assert_false(dirtyctl_engage(false, 32 * M, room, true, 1000, &calm)); /* two windows */
        assert_false(dirtyctl_engage(false, 49 * M, room, true, 1100, &calm));
        assert_true(dirtyctl_engage(false, 50 * M, room, true, 1200, &calm));
        assert_int_equal(calm, 0);
        assert_false(dirtyctl_engage(false, 11 * M, 0, true, 1200, &calm)); /* below 12 MiB */
        assert_true(dirtyctl_engage(false, 12 * M, 0, true, 1200, &calm));  /* no room left */
        /* without a window: from an eighth */
        assert_false(dirtyctl_engage(false, 24 * M, room, false, 1200, &calm));
        assert_true(dirtyctl_engage(false, 25 * M, room, false, 1200, &calm));
        assert_false(dirtyctl_engage(false, 11 * M, 0, false, 1200, &calm));
        calm = 0;
        assert_true(dirtyctl_engage(true, 60 * M, room, true, 2000, &calm)); /* draining */
        assert_true(dirtyctl_engage(true, 13 * M, room, true, 2500, &calm));
        assert_int_equal(calm, 0);
        assert_true(dirtyctl_engage(true, 12 * M, room, true, 3000, &calm)); /* a sixteenth */
        assert_int_equal(calm, 3000);
        assert_true(dirtyctl_engage(true, 10 * M, room, true, 7999, &calm));
        assert_true(dirtyctl_engage(true, OG_NONE, room, true, 9000, &calm)); /* unread */
        assert_false(dirtyctl_engage(true, 10 * M, room, true, 8000, &calm)); /* five seconds */
        /* a burst meanwhile starts the five seconds again */
        calm = 0;
        assert_true(dirtyctl_engage(true, 0, room, true, 10000, &calm));
        assert_true(dirtyctl_engage(true, 30 * M, room, true, 12000, &calm));
        assert_true(dirtyctl_engage(true, 0, room, true, 13000, &calm));
        assert_true(dirtyctl_engage(true, 0, room, true, 17999, &calm));
        assert_false(dirtyctl_engage(true, 0, room, true, 18000, &calm));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_decide),
                cmocka_unit_test(test_pace_first_lowering_and_margin),
                cmocka_unit_test(test_pace_rate),
                cmocka_unit_test(test_pace_raise_holds),
                cmocka_unit_test(test_pace_swinging),
                cmocka_unit_test(test_pace_last_one_gone),
                cmocka_unit_test(test_pace_at_once),
                cmocka_unit_test(test_worth),
                cmocka_unit_test(test_room),
                cmocka_unit_test(test_engage),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
