/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include "pagecache.h"

#define M (1LL << 20)

struct pc_case {
        const char *what;
        bool in_kb;
        struct oom_stat_kv stats[6];
        bool driven;
};

/* memory.stat as the kernel prints it at an OOM: v2 names, v1 names in
 * bytes, the v1 single-line dump in kB. */
static const struct pc_case cases[] = {
        {"v1: dd on slow XFS, 1 MiB anon, all writeback",
         false,
         {{"cache", 250 * M}, {"rss", 1 * M}, {"dirty", 30 * M}, {"writeback", 200 * M}},
         true},
        {"v2: writer, dirty pages",
         false,
         {{"anon", 2 * M},
          {"file", 240 * M},
          {"file_dirty", 100 * M},
          {"file_writeback", 20 * M}},
         true},
        {"v1 kB dump: writer beside a 200 MiB app (the writeback policy saves it)",
         true,
         {{"cache_kb", 50 * 1024},
          {"rss_kb", 200 * 1024},
          {"dirty_kb", 10 * 1024},
          {"writeback_kb", 40 * 1024}},
         true},
        {"v2: a leak beside a little writing (20 MiB pending of 256)",
         false,
         {{"anon", 230 * M},
          {"file", 26 * M},
          {"file_dirty", 10 * M},
          {"file_writeback", 10 * M}},
         false},
        {"v2: page cache mostly clean (reclaim could take it)",
         false,
         {{"anon", 2 * M}, {"file", 250 * M}, {"file_dirty", 40 * M}, {"file_writeback", 20 * M}},
         false},
        {"v1: a leak, clean cache",
         false,
         {{"cache", 3 * M}, {"rss", 250 * M}, {"dirty", 0}, {"writeback", 0}},
         false},
        {"v2: clean page cache only",
         false,
         {{"anon", 1 * M}, {"file", 250 * M}, {"file_dirty", 0}, {"file_writeback", 0}},
         false},
        {"no writeback figure printed",
         false,
         {{"cache", 250 * M}, {"rss", 1 * M}, {"dirty", 200 * M}},
         false},
};

static void test_driven(void **state)
{
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct oom_kill k = {0};
                struct oom_stat_kv kv[6];
                size_t n = 0;
                while (n < 6 && cases[i].stats[n].key[0]) {
                        kv[n] = cases[i].stats[n];
                        n++;
                }
                k.stats = kv;
                k.n_stats = n;
                k.stats_in_kb = cases[i].in_kb;
                struct pc_figures f;
                assert_true(pagecache_read(&k, &f));
                if (pagecache_driven(&f) != cases[i].driven)
                        fail_msg("%s: want %d", cases[i].what, cases[i].driven);
        }
        struct oom_kill none = {0};
        struct pc_figures f;
        assert_false(pagecache_read(&none, &f));
}

/* The summary names the knob that would have prevented it. */
static void test_amend(void **state)
{
        (void)state;
        struct oom_stat_kv kv[4] = {
                {"cache", 250 * M}, {"rss", 1 * M}, {"dirty", 30 * M}, {"writeback", 200 * M}};
        struct oom_kill k = {0};
        k.stats = kv;
        k.n_stats = 4;
        struct verdict v = {.kind = VERDICT_MEMCG, .n_kills = 1};
        snprintf(v.summary, sizeof(v.summary), "dd was killed. Raise the limit.");
        v.fix_at = strlen("dd was killed.");
        pagecache_amend(&v, &k, "");
        assert_true(v.page_cache_driven);
        assert_non_null(
                strstr(v.summary, "Page-cache driven: 230 MiB were dirty or under writeback"));
        assert_non_null(
                strstr(v.summary, "\"writeback\" to \"auto\" (the default), \"preload\""));
        struct verdict p = {.kind = VERDICT_MEMCG, .n_kills = 1};
        pagecache_amend(&p, &k, "preload");
        assert_non_null(strstr(p.summary, "set \"writeback\" to \"host\""));
        /* the page cache's fix before the limit's, and the default named */
        const char *wb = strstr(v.summary, "\"writeback\""), *lim = strstr(v.summary, "Raise");
        assert_non_null(wb);
        assert_non_null(lim);
        assert_true(wb < lim);
        assert_non_null(strstr(v.summary, "default writeback policy"));
        assert_null(strstr(p.summary, "default writeback policy"));
        struct verdict g = {.kind = VERDICT_GLOBAL, .n_kills = 1};
        pagecache_amend(&g, &k, "");
        assert_false(g.page_cache_driven); /* a host OOM is not the container's writes */
}

int main(void)
{
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_driven),
                                           cmocka_unit_test(test_amend)};
        return cmocka_run_group_tests(tests, NULL, NULL);
}
