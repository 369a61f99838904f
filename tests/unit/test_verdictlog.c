/* SPDX-License-Identifier: MIT */
/* Verdict records: every DESIGN.md key, a committed fixture the writer must
 * reproduce byte for byte (the CLI tests read it), concurrent appends. */
#define _GNU_SOURCE
#include "testutil.h"

#include "jsonv.h"
#include "verdictlog.h"

#include <sys/wait.h>
#include <unistd.h>

#define FIXTURE FIXTURES "/verdicts.jsonl"
#define CG "/docker/3fc28fa1c647ceede9f6b340d0b16c9f1f663698972d22a52e296f291638e014"

static const char death[] =
        "[10.0] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=" CG
        ",task_memcg=" CG ",task=python3,pid=4242,uid=0\n"
        "[10.0] Memory cgroup out of memory: Killed process 4242 (python3) total-vm:300000kB, anon-rss:31000kB, file-rss:1000kB, shmem-rss:0kB, UID:0 pgtables:100kB oom_score_adj:959\n";

static char *render(const char *id, const char *log, int64_t init, const char *stopped)
{
        struct oomlog_result r = parse_str(log);
        struct verdict v;
        struct verdict_input in = {.cgroup = CG,
                                   .init_pid = init,
                                   .kills = r.kills,
                                   .n_kills = r.n_kills,
                                   .kmsg_complete = true,
                                   .counters = {false, OG_NONE, OG_NONE, OG_NONE, OG_NONE},
                                   .limit_bytes = OG_NONE,
                                   VERDICT_INPUT_UNKNOWN};
        verdict_decide(&in, &v);
        struct verdict_record rec = {
                .id = id,
                .bundle = "/run/containerd/b/"
                          "3fc28fa1",
                .cgroup = CG,
                .v = &v,
                .kills = r.kills,
                .limit_bytes = 33554432,
                .swap_limit_bytes = 33554432,
                .peak_bytes = OG_NONE,
                .oom_score_adj = 959,
                .started = "2026-11-22T07:00:00Z",
                .stopped = stopped,
                .init_pid = init,
        };
        char *line;
        size_t len;
        assert_int_equal(verdictlog_render(&rec, &line, &len), 0);
        oomlog_result_free(&r);
        return line;
}

static void test_keys_and_fixture(void **state)
{
        (void)state;
        _cleanup_free_ char *line = render(
                "3fc28fa1c647ceede9f6b340d0b16c9f1f663698972d22a52e296f291638e014", death, 4242,
                "2026-11-22T07:00:05Z");
        static const char *const keys[] = {"id",         "bundle",          "pid",
                                           "verdict",    "init_killed",     "kills",
                                           "cgroup",     "limit_bytes",     "swap_limit_bytes",
                                           "peak_bytes", "oom_score_adj",   "page_cache",
                                           "evidence",   "started",         "stopped",
                                           "summary",    "exit_code",       "exit_signal",
                                           "limit_hits", "memory_pressure", "group_kill"};
        char eb[128];
        yajl_val doc = yajl_tree_parse(line, eb, sizeof(eb));
        assert_non_null(doc);
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                if (!jsonv_get(doc, keys[i]))
                        fail_msg("no key %s", keys[i]);
        const char *s;
        assert_int_equal(jsonv_str(doc, "verdict", &s), JSONV_OK);
        assert_string_equal(s, "memcg");
        bool b;
        assert_int_equal(jsonv_bool(doc, "init_killed", &b), JSONV_OK);
        assert_true(b);
        yajl_val kills = jsonv_get(doc, "kills");
        assert_true(YAJL_IS_ARRAY(kills) && kills->u.array.len == 1);
        int64_t pid;
        assert_int_equal(jsonv_i64(kills->u.array.values[0], "victim_pid", &pid), JSONV_OK);
        assert_int_equal(pid, 4242);
        assert_int_equal(jsonv_str(kills->u.array.values[0], "killer", &s), JSONV_OK);
        assert_string_equal(s, "kernel"); /* explain's kill records, shared */
        yajl_tree_free(doc);
        /* the CLI tests read this fixture: it must be what the writer writes */
        size_t len;
        _cleanup_free_ char *fx = read_file(FIXTURE, &len);
        assert_non_null(fx);
        assert_true(strncmp(fx, line, strlen(line)) == 0);
}

/* PSI's avg10 as the kernel prints it, two decimals; null when unknown */
static void test_memory_pressure_decimals(void **state)
{
        (void)state;
        static const struct oom_kill nokill;
        struct verdict v;
        struct verdict_input in = {.cgroup = CG,
                                   .init_pid = 7,
                                   .kills = &nokill,
                                   .kmsg_complete = true,
                                   .counters = {false, OG_NONE, OG_NONE, OG_NONE, OG_NONE},
                                   .limit_bytes = OG_NONE,
                                   VERDICT_INPUT_UNKNOWN};
        in.psi_some = 2327;
        in.psi_full = 5;
        verdict_decide(&in, &v);
        struct verdict_record rec = {.id = "p",
                                     .cgroup = CG,
                                     .v = &v,
                                     .kills = &nokill,
                                     .limit_bytes = OG_NONE,
                                     .swap_limit_bytes = OG_NONE,
                                     .peak_bytes = OG_NONE,
                                     .oom_score_adj = 0,
                                     .started = "2026-12-07T14:00:00Z",
                                     .stopped = "2026-12-07T14:00:01Z",
                                     .init_pid = 7};
        _cleanup_free_ char *line = NULL;
        size_t len;
        assert_int_equal(verdictlog_render(&rec, &line, &len), 0);
        assert_non_null(
                strstr(line, "\"memory_pressure\":{\"some_avg10\":23.27,\"full_avg10\":0.05}"));
        in.psi_some = in.psi_full = OG_NONE;
        verdict_decide(&in, &v);
        free(line);
        line = NULL;
        assert_int_equal(verdictlog_render(&rec, &line, &len), 0);
        assert_non_null(strstr(line, "\"memory_pressure\":null"));
}

static void test_concurrent_appends(void **state)
{
        (void)state;
        char dir[] = "/tmp/oomguard-vlog-XXXXXX", path[96];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/sub/verdicts.jsonl", dir);
        for (int w = 0; w < 8; w++) {
                if (fork() == 0) {
                        for (int i = 0; i < 50; i++) { /* every record its own */
                                char id[32];
                                snprintf(id, sizeof(id), "c%d-%d", w, i);
                                char *line = render(id, death, 1, NULL);
                                if (verdictlog_append(path, line, strlen(line), NULL) < 0)
                                        _exit(1);
                                free(line);
                        }
                        _exit(0);
                }
        }
        int st, bad = 0;
        while (wait(&st) > 0)
                bad += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
        assert_int_equal(bad, 0);
        FILE *f = fopen(path, "re");
        assert_non_null(f);
        char *l = NULL;
        size_t cap = 0;
        int n = 0;
        while (getline(&l, &cap, f) > 0) {
                char eb[64];
                yajl_val v = yajl_tree_parse(l, eb, sizeof(eb));
                assert_non_null(v); /* no line was torn or interleaved */
                yajl_tree_free(v);
                n++;
        }
        free(l);
        fclose(f);
        assert_int_equal(n, 400);
        assert_int_equal(scratch_remove(dir), 0);
}

static int count(yajl_val rec, const char *line, void *ud)
{
        (void)rec;
        (void)line;
        ++*(int *)ud;
        return 0;
}

static void test_scan_by_prefix(void **state)
{
        (void)state;
        FILE *f = fopen(FIXTURE, "re");
        assert_non_null(f);
        int n = 0;
        assert_int_equal(verdictlog_scan(f, "3fc2", false, count, &n), 0);
        assert_int_equal(n, 1);
        rewind(f);
        n = 0;
        assert_int_equal(verdictlog_scan(f, NULL, false, count, &n), 0);
        assert_int_equal(n, 3);
        rewind(f);
        n = 0;
        assert_int_equal(verdictlog_scan(f, "3fc2", true, count, &n), 0);
        assert_int_equal(n, 0); /* exact: a prefix is not the id */
        fclose(f);
}

/* web and web2: asked for web exactly, only web's records */
static void test_scan_exact(void **state)
{
        (void)state;
        static const char log[] = "{\"id\":\"web2\",\"verdict\":\"memcg\"}\n"
                                  "{\"id\":\"web\",\"verdict\":\"none\"}\n"
                                  "{\"id\":\"web2\",\"verdict\":\"none\"}\n";
        FILE *f = fmemopen((void *)log, sizeof(log) - 1, "r");
        assert_non_null(f);
        int n = 0;
        assert_int_equal(verdictlog_scan(f, "web", true, count, &n), 0);
        assert_int_equal(n, 1);
        rewind(f);
        n = 0;
        assert_int_equal(verdictlog_scan(f, "web", false, count, &n), 0);
        assert_int_equal(n, 3);
        fclose(f);
}

/* A death with 26 kills (a fork bomb in a small container): the record
 * lists the first and the last four, counts the rest, and stays small. */
static void test_kills_bounded(void **state)
{
        (void)state;
        char *log = NULL;
        size_t cap = 0;
        FILE *m = open_memstream(&log, &cap);
        assert_non_null(m);
        for (int i = 0; i < 26; i++)
                fprintf(m,
                        "[10.%d] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,"
                        "mems_allowed=0,oom_memcg=" CG ",task_memcg=" CG ",task=sh,pid=%d,uid=0\n"
                        "[10.%d] Memory cgroup out of memory: Killed process %d (sh) "
                        "total-vm:3000kB, anon-rss:1000kB, file-rss:100kB, shmem-rss:0kB, UID:0 "
                        "pgtables:10kB oom_score_adj:959\n",
                        i, 5000 + i, i, 5000 + i);
        fclose(m);
        _cleanup_free_ char *line = render("bomb", log, 5025, "2026-11-22T07:00:05Z");
        free(log);
        yajl_val doc = yajl_tree_parse(line, NULL, 0);
        assert_non_null(doc);
        yajl_val kills = jsonv_get(doc, "kills");
        assert_true(YAJL_IS_ARRAY(kills));
        assert_int_equal(kills->u.array.len, VERDICTLOG_MAX_KILLS);
        int64_t omitted, first, last;
        assert_int_equal(jsonv_i64(doc, "kills_omitted", &omitted), JSONV_OK);
        assert_int_equal(omitted, 26 - VERDICTLOG_MAX_KILLS);
        assert_int_equal(jsonv_i64(kills->u.array.values[0], "victim_pid", &first), JSONV_OK);
        assert_int_equal(
                jsonv_i64(kills->u.array.values[VERDICTLOG_MAX_KILLS - 1], "victim_pid", &last),
                JSONV_OK);
        assert_int_equal(first, 5000);
        assert_int_equal(last, 5025); /* the init's, the last */
        assert_true(strlen(line) < 16 * 1024);
        yajl_tree_free(doc);
        /* and with few kills, all of them, none omitted */
        _cleanup_free_ char *one = render("one", death, 4242, NULL);
        doc = yajl_tree_parse(one, NULL, 0);
        assert_int_equal(jsonv_i64(doc, "kills_omitted", &omitted), JSONV_OK);
        assert_int_equal(omitted, 0);
        yajl_tree_free(doc);
}

/* A writer killed mid-line leaves a torn tail: the next append cuts it
 * off; the same line twice is written once. */
static void test_append_torn_and_twice(void **state)
{
        (void)state;
        char path[] = "/tmp/oomguard-vlog-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        const char *prev = "{\"id\":\"a\"}\n{\"id\":\"b\",\"torn";
        assert_int_equal(write(fd, prev, strlen(prev)), (ssize_t)strlen(prev));
        close(fd);
        const char *line = "{\"id\":\"b\",\"verdict\":\"none\"}\n";
        assert_int_equal(verdictlog_append(path, line, strlen(line), NULL), 0);
        assert_int_equal(verdictlog_append(path, line, strlen(line), NULL), 0);
        size_t len;
        _cleanup_free_ char *got = read_file(path, &len);
        assert_string_equal(got, "{\"id\":\"a\"}\n{\"id\":\"b\",\"verdict\":\"none\"}\n");
        unlink(path);
}

/* Two lives of one id that start and stop in the same second (a
 * container run again at once) are two deaths: both lines are kept. */
static void test_two_lives_one_second(void **state)
{
        (void)state;
        char path[] = "/tmp/oomguard-vlog-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        close(fd);
        _cleanup_free_ char *a = render("_u", death, 4242, "2026-11-22T07:00:05Z");
        _cleanup_free_ char *b = render("_u", death, 4243, "2026-11-22T07:00:05Z");
        assert_int_equal(verdictlog_append(path, a, strlen(a), NULL), 0);
        assert_int_equal(verdictlog_append(path, b, strlen(b), NULL), 0);
        assert_int_equal(verdictlog_append(path, b, strlen(b), NULL), 0); /* poststop again */
        size_t len = 0;
        _cleanup_free_ char *got = read_file(path, &len);
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
                n += got[i] == '\n';
        assert_int_equal(n, 2);
        unlink(path);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_append_torn_and_twice),
                cmocka_unit_test(test_two_lives_one_second),
                cmocka_unit_test(test_keys_and_fixture),
                cmocka_unit_test(test_memory_pressure_decimals),
                cmocka_unit_test(test_concurrent_appends),
                cmocka_unit_test(test_scan_by_prefix),
                cmocka_unit_test(test_scan_exact),
                cmocka_unit_test(test_kills_bounded),
        };
        return cmocka_run_group_tests_name("verdictlog", tests, NULL, NULL);
}
