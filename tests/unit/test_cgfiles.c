/* SPDX-License-Identifier: MIT */
/* Memory cgroup files as the kernel writes them: limits (v2 "max", v1's
 * page-rounded LONG_MAX for "none") and flat keyed files. */
#include "testutil.h"

#include "cgfiles.h"

#include <sys/stat.h>
#include <unistd.h>

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
                {"max\n", -1},                 /* v2 */
                {"9223372036854771712\n", -1}, /* v1 unlimited, 4 KiB pages */
                {"9223372036854710272\n", -1}, /* v1 unlimited, 64 KiB pages */
                {"4611686018427387904\n", -1}, /* 2^62: taken for unlimited */
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
        assert_int_equal(
                cgf_parse_key(S("oom_kill_disable 0\nunder_oom 0\noom_kill 3"), "oom_kill"), 3);
}

static void put(const char *dir, const char *sub, const char *file, const char *text)
{
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", dir, sub);
        mkdir(p, 0700);
        snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, file);
        FILE *f = fopen(p, "we");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

/* A kill in a container's sub-cgroup is the container's: v2 memory.events
 * counts it (memory.events.local does not); v1 counts per cgroup, so the
 * subtree is summed. A sub-cgroup named like a summary key is just a name. */
static void test_oom_kill_subtree(void **state)
{
        (void)state;
        char dir[] = "/tmp/oomguard-cgf-XXXXXX";
        assert_non_null(mkdtemp(dir));
        static const char oc[] = "oom_kill_disable 0\nunder_oom 0\noom_kill %d\n";
        char t[128];
        assert_int_equal(cgf_read_oom_kill(dir, 1), OG_NONE); /* no counter: gone */
        snprintf(t, sizeof(t), oc, 1);
        put(dir, ".", "memory.oom_control", t);
        assert_int_equal(cgf_read_oom_kill(dir, 1), 1);
        snprintf(t, sizeof(t), oc, 2);
        put(dir, "q,task_memcg=", "memory.oom_control", t);
        snprintf(t, sizeof(t), oc, 4);
        put(dir, "q,task_memcg=/x", "memory.oom_control", t);
        put(dir, "empty", "memory.limit_in_bytes", "0\n"); /* counter unreadable */
        assert_int_equal(cgf_read_oom_kill(dir, 1), 7);
        struct cg_counters own; /* a parent's own: no sum over what is below */
        cgf_read_own_counters(dir, 1, &own);
        assert_int_equal(own.oom_kill, OG_NONE);
        assert_int_equal(own.oom_kill_local, 1);
        put(dir, ".", "memory.events", "low 0\nhigh 0\nmax 9\noom 2\noom_kill 5\n");
        put(dir, ".", "memory.events.local", "low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n");
        assert_int_equal(cgf_read_oom_kill(dir, 2), 5);
        assert_int_equal(scratch_remove(dir), 0);
}

/* The one reader of the verdict's counters and page figures, on v1 and v2
 * fixture trees: each name read from the file of its version. */
static void test_counters_and_memstat(void **state)
{
        (void)state;
        char dir[] = "/tmp/oomguard-cgc-XXXXXX";
        assert_non_null(mkdtemp(dir));
        struct cg_counters c;
        struct cg_memstat m;
        cgf_read_counters(dir, 1, &c); /* nothing there: all unknown */
        assert_int_equal(c.oom_kill, OG_NONE);
        assert_int_equal(c.limit_hits, OG_NONE);
        put(dir, ".", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        put(dir, ".", "memory.failcnt", "40\n");
        put(dir, ".", "memory.memsw.failcnt", "2\n");
        put(dir, ".", "memory.max_usage_in_bytes", "1048576\n");
        put(dir, ".", "memory.stat",
            "cache 4096\nrss 8192\nrss_huge 0\ndirty 12288\n"
            "writeback 16384\ntotal_rss 99\n");
        cgf_read_counters(dir, 1, &c);
        assert_int_equal(c.oom_kill, 2);
        assert_int_equal(c.oom_kill_local, 2);
        assert_int_equal(c.limit_hits, 42); /* memory + memory+swap */
        assert_int_equal(c.oom, OG_NONE);   /* v1 has no such counter */
        cgf_read_memstat(dir, 1, &m);
        assert_int_equal(m.anon, 8192);
        assert_int_equal(m.file, 4096);
        assert_int_equal(m.dirty, 12288);
        assert_int_equal(m.writeback, 16384);
        assert_int_equal(cgf_read_peak(dir, 1), 1048576);
        put(dir, ".", "memory.events", "low 0\nhigh 0\nmax 9\noom 2\noom_kill 5\n");
        put(dir, ".", "memory.events.local", "low 0\nhigh 0\nmax 7\noom 1\noom_kill 3\n");
        put(dir, ".", "memory.peak", "2097152\n");
        put(dir, ".", "memory.stat", "anon 100\nfile 200\nfile_dirty 300\nfile_writeback 400\n");
        cgf_read_counters(dir, 2, &c);
        assert_int_equal(c.oom_kill, 5);       /* hierarchical */
        assert_int_equal(c.oom_kill_local, 3); /* its own */
        assert_int_equal(c.oom, 1);
        assert_int_equal(c.limit_hits, 7);
        cgf_read_memstat(dir, 2, &m);
        assert_int_equal(m.anon, 100);
        assert_int_equal(m.file, 200);
        assert_int_equal(m.dirty, 300);
        assert_int_equal(m.writeback, 400);
        assert_int_equal(cgf_read_peak(dir, 2), 2097152);
        assert_int_equal(scratch_remove(dir), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_limit),
                cmocka_unit_test(test_key),
                cmocka_unit_test(test_oom_kill_subtree),
                cmocka_unit_test(test_counters_and_memstat),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
