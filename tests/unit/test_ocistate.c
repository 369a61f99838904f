/* SPDX-License-Identifier: MIT */
/* The state a runtime hands the hook, as runc and crun write it, and the
 * hostile ids and inputs a container can influence. */
#include "testutil.h"

#include "ocistate.h"

#define RUNC_STATE                                                             \
        "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"8f3c0a1e5d\",\"status\":\"creating\","      \
        "\"pid\":4242,\"bundle\":\"/run/containerd/io.containerd.runtime.v2.task/moby/8f3c\"," \
        "\"annotations\":{\"org.oomguard.oom_score_adj\":\"500\",\"n\":\"1\"}}"

static struct oci_state parse_ok(const char *s)
{
        struct oci_state st;
        struct og_error err = {0};
        if (ocistate_parse(s, strlen(s), &st, &err) < 0)
                fail_msg("'%s': %s", s, err.msg);
        return st;
}

static void test_runc_state(void **state)
{
        (void)state;
        struct oci_state st = parse_ok(RUNC_STATE);
        assert_string_equal(st.id, "8f3c0a1e5d");
        assert_string_equal(st.status, "creating");
        assert_int_equal(st.pid, 4242);
        assert_string_equal(st.bundle, "/run/containerd/io.containerd.runtime.v2.task/moby/8f3c");
        assert_string_equal(ocistate_annotation(&st, "org.oomguard.oom_score_adj"), "500");
        assert_null(ocistate_annotation(&st, "absent"));
        ocistate_free(&st);
}

static void test_poststop_without_pid(void **state)
{
        (void)state; /* runc passes no pid at poststop, crun passes 0 */
        struct oci_state a = parse_ok("{\"id\":\"c1\",\"status\":\"stopped\",\"bundle\":\"/b\"}");
        struct oci_state b = parse_ok("{\"id\":\"c1\",\"status\":\"stopped\",\"pid\":0}");
        assert_int_equal(a.pid, 0);
        assert_int_equal(b.pid, 0);
        assert_null(b.bundle);
        ocistate_free(&a);
        ocistate_free(&b);
}

static void test_hostile(void **state)
{
        (void)state;
        char big_id[10300];
        memset(big_id, 'a', sizeof(big_id));
        memcpy(big_id, "{\"id\":\"", 7);
        memcpy(big_id + sizeof(big_id) - 3, "\"}", 3);
        const struct {
                const char *in;
                size_t len;
                const char *why;
        } bad[] = {
                {"{\"id\":\"../../etc\"}", 0, "container id"},
                {"{\"id\":\"a/b\"}", 0, "container id"},
                {"{\"id\":\".hidden\"}", 0, "container id"},
                {"{\"id\":\"\"}", 0, "container id"},
                {"{\"id\":\"a\\u0000b\"}", 0, "NUL"},
                {big_id, sizeof(big_id) - 1, "container id"},
                {"{\"id\":42}", 0, "no string"},
                {"{\"pid\":1}", 0, "no string"},
                {"{\"id\":\"c\",\"pid\":-1}", 0, "process id"},
                {"{\"id\":\"c\",\"pid\":\"1\"}", 0, "process id"},
                {"{\"id\":\"c\",\"annotations\":[1]}", 0, "annotations"},
                {"[1,2]", 0, "not a JSON object"},
                {"\x01\x02garbage", 0, "not a JSON object"},
                {"{\"id\":\"c\"}\0{}", 12, "NUL"},
                {"", 0, "not a JSON object"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct oci_state st;
                struct og_error err = {0};
                size_t len = bad[i].len ? bad[i].len : strlen(bad[i].in);
                if (ocistate_parse(bad[i].in, len, &st, &err) >= 0)
                        fail_msg("case %zu accepted", i);
                if (!strstr(err.msg, bad[i].why))
                        fail_msg("case %zu: '%s' does not say '%s'", i, err.msg, bad[i].why);
        }
        struct oci_state st;
        struct og_error err = {0};
        char *huge = calloc(1, OCISTATE_MAX + 2);
        memset(huge, ' ', OCISTATE_MAX + 1);
        assert_true(ocistate_parse(huge, OCISTATE_MAX + 1, &st, &err) < 0);
        assert_non_null(strstr(err.msg, "larger than"));
        free(huge);
}

static void test_ids(void **state)
{
        (void)state;
        assert_true(oci_id_valid("k8s_POD_nginx-7c5_default_0", 27));
        assert_true(oci_id_valid("a.b-c_d", 7));
        assert_false(oci_id_valid("-a", 2));
        assert_false(oci_id_valid("a b", 3));
        assert_false(oci_id_valid("..", 2));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_runc_state),
                cmocka_unit_test(test_poststop_without_pid),
                cmocka_unit_test(test_hostile),
                cmocka_unit_test(test_ids),
        };
        return cmocka_run_group_tests_name("ocistate", tests, NULL, NULL);
}
