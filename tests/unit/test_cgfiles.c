/* SPDX-License-Identifier: MIT */
/* Memory cgroup files as the kernel writes them: limits (v2 "max", v1's
 * page-rounded LONG_MAX for "none") and flat keyed files. */
#include "testutil.h"

#include "cgfiles.h"

#define S(x) x, strlen(x)

static void test_limit(void **state)
{
        (void)state;
        static const struct {
                const char *text;
                int64_t want;
        } cases[] = {
                {"33554432\n", 33554432},
                {"0\n", 0},
                {"max\n", -1},                  /* v2 */
                {"9223372036854771712\n", -1},  /* v1 unlimited, 4 KiB pages */
                {"9223372036854710272\n", -1},  /* v1 unlimited, 64 KiB pages */
                {"4611686018427387904\n", -1},  /* 2^62: taken for unlimited */
                {"4611686018427387903\n", INT64_C(4611686018427387903)},
                {"68719476736\n", INT64_C(68719476736)}, /* 64 GiB is a limit */
                {"", OG_NONE},
                {"\n", OG_NONE},
                {"lots\n", OG_NONE},
                {"99999999999999999999\n", OG_NONE}, /* does not fit: not a value */
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                assert_int_equal(cgf_parse_limit(S(cases[i].text)), cases[i].want);
}

static void test_key(void **state)
{
        (void)state;
        static const char ev[] = "low 0\nhigh 0\nmax 18\noom 1\noom_kill 1\noom_group_kill 0\n";
        assert_int_equal(cgf_parse_key(S(ev), "max"), 18);
        assert_int_equal(cgf_parse_key(S(ev), "oom"), 1);
        assert_int_equal(cgf_parse_key(S(ev), "oom_kill"), 1);
        assert_int_equal(cgf_parse_key(S(ev), "oom_group_kill"), 0);
        assert_int_equal(cgf_parse_key(S(ev), "oom_"), OG_NONE);
        assert_int_equal(cgf_parse_key(S("oom_kill_disable 0\nunder_oom 0\noom_kill 3"), "oom_kill"), 3);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_limit),
                cmocka_unit_test(test_key),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
