/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include "dirtyctl.h"

#define M (1LL << 20)
#define G (1LL << 30)

struct dc_case {
        const char *what;
        struct dirty_vals admin;
        int64_t dirtyable, room;
        bool restore;
        int64_t bytes, bg;
};

static const struct dc_case cases[] = {
        {"no enrolled container: the administrator's values", {0, 0, 20, 10}, 20 * G, -1, true, 0, 0},
        {"256 MiB of room under 20% of 20 GiB: half and a quarter", {0, 0, 20, 10}, 20 * G, 256 * M,
         false, 128 * M, 64 * M},
        {"a tiny room: floors of 8 and 4 MiB", {0, 0, 20, 10}, 20 * G, 2 * M, false, 8 * M, 4 * M},
        {"the administrator's 100 MiB is already lower than half of 512 MiB", {100 * M, 50 * M, 0, 0},
         20 * G, 512 * M, true, 0, 0},
        {"the administrator's background is lower: kept", {200 * M, 10 * M, 0, 0}, 20 * G, 256 * M,
         false, 128 * M, 10 * M},
        {"ratios on a small host: 20% of 400 MiB is lower than half of 1 GiB", {0, 0, 20, 10},
         400 * M, 1 * G, true, 0, 0},
};

static void test_decide(void **state)
{
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                const struct dc_case *c = &cases[i];
                struct dirty_plan p;
                dirtyctl_decide(&c->admin, c->dirtyable, c->room, &p);
                if (p.restore != c->restore || (!p.restore && (p.bytes != c->bytes || p.bg_bytes != c->bg)))
                        fail_msg("%s: got restore=%d %lld/%lld", c->what, p.restore,
                                 (long long)p.bytes, (long long)p.bg_bytes);
                assert_true(p.restore || p.bg_bytes < p.bytes);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_decide)};
        return cmocka_run_group_tests(tests, NULL, NULL);
}
