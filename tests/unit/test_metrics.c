/* SPDX-License-Identifier: MIT */
/* The node_exporter textfile: read back what was written, counters never
 * reset by a damaged line, concurrent recorders lose no increment. */
#define _GNU_SOURCE
#include "testutil.h"

#include "metrics.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t deaths(const struct metrics_counts *c, const char *kind)
{
        for (size_t i = 0; i < c->n; i++)
                if (!strcmp(c->kind[i].name, kind))
                        return c->kind[i].deaths;
        return UINT64_MAX;
}

static void test_round_trip(void **state)
{
        (void)state;
        struct metrics_counts c = {0}, back;
        char buf[8192];
        metrics_count(&c, "memcg", false, 1700000000);
        metrics_count(&c, "memcg", true, 1700000005);
        metrics_count(&c, "ancestor-memcg", false, 1700000001);
        ssize_t n = metrics_render(&c, buf, sizeof(buf));
        assert_true(n > 0);
        buf[n] = '\0';
        assert_non_null(strstr(buf, "oomguard_deaths_total{verdict=\"memcg\"} 2\n"));
        assert_non_null(strstr(buf, "oomguard_deaths_total{verdict=\"global\"} 0\n"));
        assert_non_null(strstr(buf, "oomguard_deaths_total{verdict=\"none\"} 0\n"));
        assert_non_null(strstr(
                buf, "oomguard_last_death_timestamp_seconds{verdict=\"memcg\"} 1700000005\n"));
        assert_non_null(strstr(buf, "oomguard_page_cache_deaths_total 1\n"));
        assert_non_null(strstr(buf, "# TYPE oomguard_deaths_total counter\n"));
        metrics_parse(buf, (size_t)n, &back);
        assert_int_equal(deaths(&back, "memcg"), 2);
        assert_int_equal(deaths(&back, "ancestor-memcg"), 1);
        assert_int_equal(back.page_cache_deaths, 1);
        assert_int_equal(metrics_render(&c, buf, 100), -ENOSPC);
}

static void test_damaged_and_foreign(void **state)
{
        (void)state;
        static const char f[] =
                "oomguard_deaths_total{verdict=\"memcg\"} 41\n"
                "oomguard_deaths_total{verdict=\"global\"} -3\n"
                "oomguard_deaths_total{verdict=\"limit-hit\"} 7\n" /* a newer kind: kept */
                "oomguard_deaths_total{verdict=\"Bad\\\"\"} 7\n"   /* not a label we write */
                "oomguard_deaths_total{verdict=\"global\"} 12x\n"
                "garbage without a value\n"
                "oomguard_deaths_total{verdict=\"none\"} 5"; /* no final newline */
        struct metrics_counts c;
        metrics_parse(f, sizeof(f) - 1, &c);
        assert_int_equal(deaths(&c, "memcg"), 41);
        assert_int_equal(deaths(&c, "limit-hit"), 7);
        assert_int_equal(deaths(&c, "none"), 5);
        assert_int_equal(deaths(&c, "global"), UINT64_MAX);
        assert_int_equal(c.n, 3);
}

/* A file full of labels this version does not know (a newer version's,
 * or damage): a death of every kind it knows is still counted. */
static void test_foreign_leave_room(void **state)
{
        (void)state;
        char f[4096], label[32];
        size_t off = 0;
        for (int i = 0; i < METRICS_MAX_KINDS; i++) {
                memset(label, 'a', sizeof(label));
                label[i + 1] = '\0';
                label[0] = 'x';
                off += (size_t)snprintf(f + off, sizeof(f) - off,
                                        "oomguard_deaths_total{verdict=\"%s\"} 3\n", label);
        }
        struct metrics_counts c;
        metrics_parse(f, off, &c);
        assert_int_equal(deaths(&c, "xa"), 3); /* the first are kept */
        for (int k = VERDICT_NONE; k <= VERDICT_LIMIT_HIT; k++) {
                const char *name = verdict_kind_name((enum verdict_kind)k);
                metrics_count(&c, name, false, 1700000000);
                assert_int_equal(deaths(&c, name), 1);
        }
        char buf[METRICS_FILE_MAX];
        ssize_t n = metrics_render(&c, buf, sizeof(buf));
        assert_true(n > 0);
        struct metrics_counts back;
        metrics_parse(buf, (size_t)n, &back);
        assert_int_equal(deaths(&back, "limit-hit"), 1);
        assert_int_equal(deaths(&back, "xa"), 3);
}

static void test_concurrent(void **state)
{
        (void)state;
        char dir[64], path[128];
        assert_int_equal(scratch_make(dir, sizeof(dir), "metrics"), 0);
        snprintf(path, sizeof(path), "%s/oomguard.prom", dir);
        enum { N = 8, EACH = 25 };
        for (int i = 0; i < N; i++) {
                pid_t p = fork();
                if (p == 0) {
                        for (int j = 0; j < EACH; j++)
                                if (metrics_record(path, VERDICT_MEMCG, j % 5 == 0, 1, NULL) < 0)
                                        _exit(1);
                        _exit(0);
                }
        }
        int st, ok = 0;
        while (wait(&st) > 0)
                ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
        assert_int_equal(ok, N);
        FILE *f = fopen(path, "re");
        char buf[8192];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        struct metrics_counts c;
        metrics_parse(buf, n, &c);
        assert_int_equal(deaths(&c, "memcg"), N * EACH);
        assert_int_equal(c.page_cache_deaths, N * EACH / 5);
        /* unreadable (a directory in its place): refused, not reset */
        char lock[160];
        snprintf(lock, sizeof(lock), "%s.lock", path);
        unlink(path);
        unlink(lock);
        assert_int_equal(mkdir(path, 0700), 0);
        struct og_error err = {0};
        assert_true(metrics_record(path, VERDICT_GLOBAL, false, 1, &err) < 0);
        assert_int_equal(scratch_remove(dir), 0); /* with what the refused record left */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_damaged_and_foreign),
                cmocka_unit_test(test_foreign_leave_room),
                cmocka_unit_test(test_concurrent),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
