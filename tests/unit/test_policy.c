/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include "policy.h"

#define GiB (INT64_C(1) << 30)
#define MiB (INT64_C(1) << 20)

static void test_auto_formula(void **state)
{
        (void)state;
        const struct {
                int64_t limit, reservation, host;
                int floor, want;
        } t[] = {
                {0, 0, 24 * GiB, 0, 1000},  /* no limit: first to go */
                {GiB, 0, 24 * GiB, 0, 959}, /* small limit: high adj */
                {16 * GiB, 0, 24 * GiB, 0, 334},
                {16 * GiB, GiB, 24 * GiB, 0, 959}, /* reservation wins */
                {48 * GiB, 0, 24 * GiB, 0, 1},     /* never below daemons */
                {48 * GiB, 0, 24 * GiB, 200, 200}, /* nor below the floor */
                {GiB, 0, 0, 0, 1000},              /* host size unknown */
                {-1, 0, 24 * GiB, -500, 1000},
        };
        for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
                int got = policy_auto_adj(t[i].limit, t[i].reservation, t[i].host, t[i].floor);
                if (got != t[i].want)
                        fail_msg("case %zu: %d, want %d", i, got, t[i].want);
        }
}

static struct policy run(const struct og_config *c, int64_t limit, const char *ann)
{
        struct policy p;
        struct policy_input in = {.limit = limit, .host_mem = 24 * GiB, .ann_adj = ann};
        policy_compute(c, &in, &p);
        return p;
}

static bool has_note(const struct policy *p, const char *s)
{
        for (size_t i = 0; i < p->n_notes; i++)
                if (strstr(p->notes[i], s))
                        return true;
        return false;
}

static void test_adj_annotations(void **state)
{
        (void)state;
        struct og_config c;
        config_defaults(&c);
        struct policy p = run(&c, GiB, NULL);
        assert_int_equal(p.oom_score_adj, 959);
        assert_int_equal(p.n_notes, 0);
        p = run(&c, GiB, "-1000"); /* a container may not protect itself */
        assert_int_equal(p.oom_score_adj, 0);
        assert_true(has_note(&p, "below the configured floor 0"));
        p = run(&c, GiB, "700");
        assert_int_equal(p.oom_score_adj, 700);
        p = run(&c, GiB, "lots");
        assert_int_equal(p.oom_score_adj, 959);
        assert_true(has_note(&p, "ignored"));
        c.adj_auto = false;
        c.adj = 300;
        p = run(&c, GiB, "auto");
        assert_int_equal(p.oom_score_adj, 959);
        c.annotations = false;
        p = run(&c, GiB, "-1000");
        assert_int_equal(p.oom_score_adj, 300);
        assert_int_equal(p.n_notes, 0);
        c.adj_floor = -500; /* an administrator may allow protection */
        c.annotations = true;
        p = run(&c, GiB, "-400");
        assert_int_equal(p.oom_score_adj, -400);
        p = run(&c, GiB, "-900");
        assert_int_equal(p.oom_score_adj, -500);
}

/* sysbox-runc refuses -1000: never below -999 with it, whatever the floor */
static void test_sysbox_floor(void **state)
{
        (void)state;
        struct og_config c;
        config_defaults(&c);
        c.adj_floor = -1000;
        assert_int_equal(policy_runtime_floor("sysbox-runc"), -999);
        assert_int_equal(policy_runtime_floor("/usr/bin/sysbox-runc"), -999);
        assert_int_equal(policy_runtime_floor("runc"), -1000);
        assert_int_equal(policy_runtime_floor(NULL), -1000);
        struct policy p = run(&c, GiB, "-1000");
        assert_int_equal(p.oom_score_adj, -1000); /* runc: the administrator allows it */
        snprintf(c.runtime, sizeof(c.runtime), "/usr/bin/sysbox-runc");
        p = run(&c, GiB, "-1000");
        assert_int_equal(p.oom_score_adj, -999);
        assert_true(has_note(&p, "below sysbox-runc's floor -999"));
        c.adj_auto = false;
        c.adj = -1000;
        p = run(&c, GiB, NULL);
        assert_int_equal(p.oom_score_adj, -999);
        c.adj_floor = 0; /* a higher configured floor still wins */
        p = run(&c, GiB, "-1000");
        assert_int_equal(p.oom_score_adj, 0);
}

static void test_swap_and_knobs(void **state)
{
        (void)state;
        struct og_config c;
        config_defaults(&c);
        struct policy p = run(&c, 512 * MiB, NULL);
        assert_false(p.set_memsw); /* inherit: the engine's choice stands */
        config_parse_swap("none", &c.swap);
        p = run(&c, 512 * MiB, NULL);
        assert_true(p.set_memsw);
        assert_int_equal(p.memsw, 512 * MiB);
        config_parse_swap("256M", &c.swap);
        p = run(&c, 512 * MiB, NULL);
        assert_int_equal(p.memsw, 768 * MiB);
        config_parse_swap("50%", &c.swap);
        p = run(&c, 512 * MiB, NULL);
        assert_int_equal(p.memsw, 768 * MiB);
        config_parse_swap("unlimited", &c.swap);
        p = run(&c, 512 * MiB, NULL);
        assert_int_equal(p.memsw, -1);
        config_parse_swap("none", &c.swap);
        p = run(&c, 0, NULL);
        assert_false(p.set_memsw);
        assert_true(has_note(&p, "needs a memory limit"));
        c.memory_high_percent = 90;
        c.oom_group = 1;
        p = run(&c, 1000 * MiB, NULL);
        assert_int_equal(p.memory_high, 900 * MiB);
        assert_int_equal(p.oom_group, 1);
        assert_int_equal(policy_swap_max(768 * MiB, 512 * MiB), 256 * MiB);
        assert_int_equal(policy_swap_max(512 * MiB, 512 * MiB), 0);
        assert_int_equal(policy_swap_max(-1, 512 * MiB), -1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_auto_formula),
                cmocka_unit_test(test_adj_annotations),
                cmocka_unit_test(test_sysbox_floor),
                cmocka_unit_test(test_swap_and_knobs),
        };
        return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
