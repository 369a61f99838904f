/* SPDX-License-Identifier: MIT */
/* `oomguard ps` over a fixture /proc: a container protected by its
 * runtime's -998, and sshd that a global OOM would kill first. */
#include "testutil.h"

#include "psreport.h"

#define ID "0f32894de86edf3d3832702af794874ef8d400b4969acdea4976b12040756e0d"

static const struct proc_entry *find(const struct proc_table *t, int pid, size_t *idx)
{
        for (size_t i = 0; i < t->n; i++)
                if (t->e[i].pid == pid) {
                        *idx = i;
                        return &t->e[i];
                }
        return NULL;
}

static void test_fixture_proc(void **state)
{
        (void)state;
        struct proc_table t;
        struct og_error err = {0};
        if (procscan(FIXTURES "/proc", &t, &err) < 0)
                fail_msg("%s", err.msg);
        assert_int_equal(t.n, 5); /* "self" is not a process */
        size_t i;
        const struct proc_entry *java = find(&t, 4242, &i);
        assert_non_null(java);
        assert_string_equal(java->comm, "java");
        assert_string_equal(java->container_id, ID);
        assert_string_equal(java->cgroup, "/docker/" ID);
        assert_int_equal(java->oom_score_adj, -998);
        unsigned f[8];
        assert_int_equal(psreport_flags(&t, f), 2);
        find(&t, 4242, &i);
        assert_int_equal(f[i], PS_FLAG_PROTECTED);
        find(&t, 812, &i);
        assert_int_equal(f[i], PS_FLAG_HOST_FIRST);
        find(&t, 2, &i); /* a kernel thread is never a victim */
        assert_int_equal(f[i], 0);
        find(&t, 1, &i);
        assert_int_equal(f[i], 0);
        proc_table_free(&t);
}

static void test_memcg_from_cgroup_file(void **state)
{
        (void)state;
        char out[128];
        assert_true(procscan_memcg("4:memory:/a/b\n0::/\n", 19, out, sizeof(out)));
        assert_string_equal(out, "/a/b");
        assert_true(procscan_memcg("0::/k.slice/c.scope\n", 20, out, sizeof(out)));
        assert_string_equal(out, "/k.slice/c.scope");
        assert_false(procscan_memcg("garbage", 7, out, sizeof(out)));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fixture_proc),
                cmocka_unit_test(test_memcg_from_cgroup_file),
        };
        return cmocka_run_group_tests_name("ps", tests, NULL, NULL);
}
