/* SPDX-License-Identifier: MIT */
/* Deciding one container's verdict from parsed kernel records and counters. */
#include "testutil.h"

#include "verdict.h"

#define C1 "/kubepods/burstable/pod1/c1"
#define C2 "/kubepods/burstable/pod1/c2"

static const char two_deaths[] =
        "[10.0] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=" C1
        ",task_memcg=" C1 ",task=app,pid=100,uid=0\n"
        "[10.0] Memory cgroup out of memory: Killed process 100 (app) total-vm:9kB, anon-rss:8kB\n"
        "[10.1] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/burstable/pod1,task_memcg=" C2
        ",task=worker,pid=205,uid=0\n"
        "[10.1] Memory cgroup out of memory: Killed process 205 (worker) total-vm:9kB, anon-rss:8kB\n"
        "[20.0] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/kubepods/besteffort/pod9/c9,task=hog,pid=900,uid=0\n"
        "[20.0] Out of memory: Killed process 900 (hog) total-vm:9kB, anon-rss:8kB\n"
        "[30.0] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/machine.slice/libpod-a.scope,task_memcg=/machine.slice/libpod-a.scope/container,task=py,pid=300,uid=0\n"
        "[30.0] Memory cgroup out of memory: Killed process 300 (py) total-vm:9kB, anon-rss:8kB\n";

static struct verdict decide(const struct oomlog_result *r, const char *cg, int64_t init,
                             bool complete, struct verdict_counters c)
{
        struct verdict v;
        struct verdict_input in = {.cgroup = cg,
                                   .init_pid = init,
                                   .kills = r->kills,
                                   .n_kills = r->n_kills,
                                   .kmsg_complete = complete,
                                   .counters = c,
                                   VERDICT_INPUT_UNKNOWN};
        verdict_decide(&in, &v);
        return v;
}

static const struct verdict_counters none = {.have = false,
                                             .oom_kill_before = OG_NONE,
                                             .oom_kill_after = OG_NONE,
                                             .oom_before = OG_NONE,
                                             .oom_after = OG_NONE};

/* No kill; the init's end and the limit hits as given. */
static struct verdict ended(int64_t code, int64_t sig, int64_t hits, int64_t psi)
{
        static const struct oom_kill nokill;
        struct verdict_counters c = {.have = true,
                                     .oom_kill_before = 0,
                                     .oom_kill_after = 0,
                                     .oom_before = OG_NONE,
                                     .oom_after = OG_NONE};
        struct verdict_input in = {.cgroup = C1,
                                   .init_pid = 100,
                                   .kills = &nokill,
                                   .kmsg_complete = true,
                                   .counters = c,
                                   VERDICT_INPUT_UNKNOWN};
        in.exit_code = code;
        in.exit_signal = sig;
        in.limit_hits = hits;
        in.psi_some = psi;
        in.anon = 1 << 20;
        in.file = 60 << 20;
        in.dirty = 20 << 20;
        in.writeback = 30 << 20;
        struct verdict v;
        verdict_decide(&in, &v);
        return v;
}

/* The init's end is in the record and the summary; unknown stays unknown. */
static void test_exit_status(void **state)
{
        (void)state;
        char b[32];
        struct verdict v = ended(3, OG_NONE, 0, OG_NONE);
        assert_int_equal(v.kind, VERDICT_NONE);
        assert_int_equal(v.exit_code, 3);
        assert_non_null(strstr(v.summary, "exited with code 3"));
        v = ended(OG_NONE, 9, OG_NONE, OG_NONE);
        assert_int_equal(v.kind, VERDICT_NONE);
        assert_non_null(strstr(v.summary, "ended by SIGKILL"));
        v = ended(OG_NONE, OG_NONE, OG_NONE, OG_NONE);
        assert_true(v.exit_code == OG_NONE && v.exit_signal == OG_NONE &&
                    v.limit_hits == OG_NONE);
        assert_null(strstr(v.summary, "exited"));
        assert_string_equal(verdict_signal_name(15, b, sizeof(b)), "SIGTERM");
        assert_null(verdict_signal_name(OG_NONE, b, sizeof(b)));
        assert_null(verdict_signal_name(0, b, sizeof(b)));
}

/* A non-zero exit after limit hits, no kill: ENOMEM, the page cache named
 * and its fix first; a zero exit, a signal or no hit is not limit-hit. */
static void test_limit_hit(void **state)
{
        (void)state;
        struct verdict v = ended(1, OG_NONE, 7, OG_NONE);
        assert_int_equal(v.kind, VERDICT_LIMIT_HIT);
        assert_string_equal(verdict_kind_name(v.kind), "limit-hit");
        assert_int_equal(v.limit_hits, 7);
        assert_non_null(strstr(v.summary, "ENOMEM (\"Cannot allocate memory\")"));
        assert_non_null(strstr(v.summary, "60 MiB were page cache (20 MiB dirty, 30 MiB"));
        assert_true(v.page_cache_driven);
        const char *wb = strstr(v.summary, "\"writeback\""), *lim = strstr(v.summary, "Raise");
        assert_non_null(wb);
        assert_true(!lim || wb < lim);
        v = ended(0, OG_NONE, 7, OG_NONE);
        assert_int_equal(v.kind, VERDICT_NONE);
        assert_int_equal(v.limit_hits, 7);
        assert_non_null(strstr(v.summary, "reached the memory limit 7 times"));
        assert_int_equal(ended(1, OG_NONE, 0, OG_NONE).kind, VERDICT_NONE);
        assert_int_equal(ended(1, OG_NONE, OG_NONE, OG_NONE).kind, VERDICT_NONE);
        assert_int_equal(ended(OG_NONE, 9, 7, OG_NONE).kind, VERDICT_NONE);
}

/* The kernel's OOM in the container's cgroup found nothing to kill: the
 * charge failed, whatever the exit status says (a kernel before 6.15 does
 * not keep it). Another cgroup's, or one the counters deny, does not
 * count. */
static void test_no_victim(void **state)
{
        (void)state;
        static const struct oom_kill nokill;
        struct oom_novictim nv[] = {{.memcg = (char *)C1 "/sub", .timestamp = (char *)"1"},
                                    {.memcg = (char *)C2, .timestamp = (char *)"2"},
                                    {.memcg = (char *)C1, .timestamp = (char *)"3"}};
        struct verdict_input in = {.cgroup = C1,
                                   .init_pid = 100,
                                   .kills = &nokill,
                                   .novictims = nv,
                                   .n_novictims = 3,
                                   .kmsg_complete = true,
                                   .counters = {.have = true,
                                                .oom_kill_before = 0,
                                                .oom_kill_after = 0,
                                                .oom_before = OG_NONE,
                                                .oom_after = OG_NONE},
                                   VERDICT_INPUT_UNKNOWN};
        in.limit_hits = 37;
        struct verdict v;
        verdict_decide(&in, &v);
        assert_int_equal(v.kind, VERDICT_LIMIT_HIT);
        assert_int_equal(v.n_novictims, 2);
        assert_int_equal(v.init_killed, 0);
        assert_non_null(
                strstr(v.summary, "limit (2 times) the kernel found no process it could kill"));
        assert_non_null(strstr(v.summary, "ENOMEM (\"Cannot allocate memory\")"));
        assert_non_null(strstr(v.summary + v.fix_at, "oom_score_adj above -1000"));
        in.exit_code = 1; /* the exit code is told, the cause stays the kernel's */
        verdict_decide(&in, &v);
        assert_non_null(strstr(v.summary, "exited with code 1"));
        assert_non_null(strstr(v.summary, "found no process"));
        in.cgroup = "/process_api/c9"; /* no OOM of its own */
        in.exit_code = OG_NONE;
        verdict_decide(&in, &v);
        assert_int_equal(v.kind, VERDICT_NONE);
        in.cgroup = C1; /* the limit never reached: not the kernel's record */
        in.limit_hits = 0;
        verdict_decide(&in, &v);
        assert_int_equal(v.kind, VERDICT_NONE);
        in.limit_hits = OG_NONE; /* v1 without a failcnt: the record stands */
        verdict_decide(&in, &v);
        assert_int_equal(v.kind, VERDICT_LIMIT_HIT);
}

/* SIGKILL or SIGTERM from outside under pressure: a userspace killer or
 * an eviction is named; without pressure it is a plain stop. */
static void test_outside_kill_under_pressure(void **state)
{
        (void)state;
        struct verdict v = ended(OG_NONE, 9, 0, 4512);
        assert_int_equal(v.kind, VERDICT_NONE);
        assert_non_null(strstr(v.summary, "some avg10 45.12%"));
        assert_non_null(strstr(v.summary, "userspace OOM killer"));
        assert_non_null(strstr(v.summary, "eviction"));
        v = ended(OG_NONE, 15, 3, OG_NONE);
        assert_non_null(strstr(v.summary, "userspace OOM killer"));
        v = ended(OG_NONE, 9, 0, 10);
        assert_null(strstr(v.summary, "userspace"));
        v = ended(OG_NONE, 11, 3, 4512); /* SIGSEGV is its own */
        assert_null(strstr(v.summary, "userspace"));
}

static const char group_log[] =
        "[10.0] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=" C1
        ",task_memcg=" C1 ",task=app,pid=101,uid=0\n"
        "[10.0] Memory cgroup out of memory: Killed process 101 (app) total-vm:9kB, anon-rss:8kB\n"
        "[10.0] Tasks in " C1 " are going to be killed due to memory.oom.group set\n"
        "[10.0] Memory cgroup out of memory: Killed process 100 (sh) total-vm:9kB, anon-rss:8kB\n"
        "[10.0] Memory cgroup out of memory: Killed process 101 (app) total-vm:9kB, anon-rss:8kB\n";

/* memory.oom.group: one verdict that lists every process killed. */
static void test_group_kill(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(group_log);
        struct verdict v = decide(&r, C1, 100, true, none);
        assert_int_equal(v.kind, VERDICT_MEMCG);
        assert_true(v.group_kill);
        assert_int_equal(v.n_kills, 2);
        assert_non_null(strstr(v.summary, "memory.oom.group killed 2 processes together"));
        assert_non_null(strstr(v.summary, "sh (pid 100)"));
        assert_non_null(strstr(v.summary, "app (pid 101)"));
        oomlog_result_free(&r);
        r = parse_str(two_deaths);
        v = decide(&r, C1, 100, true, none);
        assert_false(v.group_kill);
        oomlog_result_free(&r);
}

static void test_own_limit_init_and_child(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(two_deaths);
        struct verdict v = decide(&r, C1, 100, true, none);
        assert_int_equal(v.kind, VERDICT_MEMCG);
        assert_int_equal(v.init_killed, 1);
        assert_int_equal(v.n_kills, 1);
        assert_true(v.ev_kmsg && v.ev_init_pid);
        assert_non_null(strstr(v.summary, "app (pid 100), its main process,"));
        v = decide(&r, C1, 42, true, none); /* a child died, init lived */
        assert_int_equal(v.kind, VERDICT_MEMCG);
        assert_int_equal(v.init_killed, 0);
        oomlog_result_free(&r);
}

static void test_parent_global_and_no_cross_attribution(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(two_deaths);
        struct verdict v = decide(&r, C2, 205, true, none);
        assert_int_equal(v.kind, VERDICT_ANCESTOR);
        assert_string_equal(v.oom_memcg, "/kubepods/burstable/pod1");
        assert_non_null(strstr(v.summary, "parent cgroup /kubepods/burstable/pod1"));
        assert_int_equal(v.n_kills, 1);
        assert_int_equal(r.kills[v.kill_idx[0]].victim_pid, 205);
        v = decide(&r, "/kubepods/besteffort/pod9/c9", 900, true, none);
        assert_int_equal(v.kind, VERDICT_GLOBAL);
        assert_non_null(strstr(v.summary, "host ran out of memory"));
        v = decide(&r, "/kubepods/burstable/pod1/c3", 7, true, none);
        assert_int_equal(v.kind, VERDICT_NONE);
        assert_int_equal(v.init_killed, 0);
        v = decide(&r, "/kubepods/burstable/pod1/c", 7, true, none); /* c is not c1 */
        assert_int_equal(v.kind, VERDICT_NONE);
        oomlog_result_free(&r);
}

static void test_sub_cgroup_is_own_limit(void **state)
{
        (void)state; /* crun: limit on libpod-ID.scope, tasks in .../container */
        struct oomlog_result r = parse_str(two_deaths);
        struct verdict v = decide(&r, "/machine.slice/libpod-a.scope", 300, true, none);
        assert_int_equal(v.kind, VERDICT_MEMCG);
        assert_int_equal(v.init_killed, 1);
        oomlog_result_free(&r);
}

static void test_lost_records_fall_back_to_counters(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str("nothing here\n");
        struct verdict_counters v2 = {.have = true,
                                      .oom_kill_before = 0,
                                      .oom_kill_after = 2,
                                      .oom_before = 0,
                                      .oom_after = 3};
        struct verdict v = decide(&r, C1, 100, false, v2);
        assert_int_equal(v.kind, VERDICT_MEMCG);
        assert_true(v.ev_counters && !v.ev_kmsg);
        assert_int_equal(v.init_killed, -1);
        struct verdict_counters v1 = {.have = true,
                                      .oom_kill_before = 5,
                                      .oom_kill_after = 6,
                                      .oom_before = OG_NONE,
                                      .oom_after = OG_NONE};
        v = decide(&r, C1, 100, false, v1);
        assert_int_equal(v.kind, VERDICT_UNKNOWN);
        assert_non_null(strstr(v.summary, "counted 1 kill"));
        v = decide(&r, C1, 100, false, none); /* nothing to go on: not "none" */
        assert_int_equal(v.kind, VERDICT_UNKNOWN);
        assert_int_equal(v.init_killed, -1);
        assert_false(v.ev_kmsg || v.ev_counters);
        assert_non_null(strstr(v.summary, "is not known"));
        assert_non_null(strstr(v.summary, "incomplete"));
        struct verdict_counters quiet = {.have = true,
                                         .oom_kill_before = 5,
                                         .oom_kill_after = 5,
                                         .oom_before = 0,
                                         .oom_after = 0,
                                         .to_end = true};
        v = decide(&r, C1, 100, false, quiet);
        assert_int_equal(v.kind, VERDICT_NONE);
        assert_int_equal(v.init_killed, 0);
        /* the watcher's last snapshot from before the end (the runtime
         * removed the cgroup first): it may predate a kill the lost
         * records held */
        quiet.to_end = false;
        quiet.read_us = 4000000;
        v = decide(&r, C1, 100, false, quiet);
        assert_int_equal(v.kind, VERDICT_UNKNOWN);
        assert_int_equal(v.init_killed, -1);
        assert_non_null(strstr(v.summary, "is not known"));
        oomlog_result_free(&r);
}

static void test_ratelimited_record_tied_by_init_pid(void **state)
{
        (void)state; /* a Killed line with no report: only the pid ties it */
        struct oomlog_result r = parse_str(
                "[5.0] Memory cgroup out of memory: Killed process 4242 (java) total-vm:9kB\n");
        struct verdict v = decide(&r, C1, 4242, true, none);
        assert_int_equal(v.kind, VERDICT_MEMCG);
        assert_int_equal(v.init_killed, 1);
        v = decide(&r, C1, 17, true, none);
        assert_int_equal(v.kind, VERDICT_NONE);
        oomlog_result_free(&r);
}

/* B's init named in a record B's counters never counted: a forged kill
 * (kernel messages quote text anyone chooses) decides nothing. */
struct unverified_case {
        const char *what;
        struct verdict_counters c;
        enum verdict_kind kind;
        size_t kills, unverified;
        int init_killed;
};

static const struct unverified_case unverified[] = {
        {"counters known, no kill counted: not trusted",
         {.have = true,
          .oom_kill_before = 0,
          .oom_kill_after = 0,
          .oom_before = 0,
          .oom_after = 0},
         VERDICT_NONE,
         0,
         1,
         0},
        {"v1 (no limit-hit counter), no kill counted",
         {.have = true,
          .oom_kill_before = 3,
          .oom_kill_after = 3,
          .oom_before = OG_NONE,
          .oom_after = OG_NONE},
         VERDICT_NONE,
         0,
         1,
         0},
        {"the counter rose: the kill decides",
         {.have = true,
          .oom_kill_before = 0,
          .oom_kill_after = 1,
          .oom_before = 0,
          .oom_after = 1},
         VERDICT_MEMCG,
         1,
         0,
         1},
        {"no counters at all (watcher gone, cgroup removed): the log decides",
         {.have = false,
          .oom_kill_before = OG_NONE,
          .oom_kill_after = OG_NONE,
          .oom_before = OG_NONE,
          .oom_after = OG_NONE},
         VERDICT_MEMCG,
         1,
         0,
         1},
        {"a baseline but no counter after",
         {.have = true,
          .oom_kill_before = 0,
          .oom_kill_after = OG_NONE,
          .oom_before = 0,
          .oom_after = OG_NONE},
         VERDICT_MEMCG,
         1,
         0,
         1},
        /* the watcher's last snapshot, the runtime having removed the cgroup */
        {"the watcher read the counters before the kill was logged: the log decides",
         {.have = true,
          .oom_kill_before = 0,
          .oom_kill_after = 0,
          .oom_before = 0,
          .oom_after = 0,
          .read_us = 4000000},
         VERDICT_MEMCG,
         1,
         0,
         1},
        {"the watcher read them after the kill was logged, no kill counted: not trusted",
         {.have = true,
          .oom_kill_before = 0,
          .oom_kill_after = 0,
          .oom_before = 0,
          .oom_after = 0,
          .read_us = 6000000},
         VERDICT_NONE,
         0,
         1,
         0},
};

static void test_unverified_kills(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "6,10,5000000,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=" C1
                ",task_memcg=" C1 ",task=sleep,pid=4242,uid=0\n"
                "3,11,5000001,-;Memory cgroup out of memory: Killed process 4242 (sleep) total-vm:1kB\n");
        assert_int_equal(r.n_kills, 1);
        for (size_t i = 0; i < sizeof(unverified) / sizeof(unverified[0]); i++) {
                const struct unverified_case *u = &unverified[i];
                print_message("%s\n", u->what);
                struct verdict v = decide(&r, C1, 4242, true, u->c);
                assert_int_equal(v.kind, u->kind);
                assert_int_equal(v.n_kills, u->kills);
                assert_int_equal(v.n_unverified, u->unverified);
                assert_int_equal(v.init_killed, u->init_killed);
                assert_int_equal(!!strstr(v.summary, "not trusted"), u->unverified > 0);
                if (u->unverified)
                        assert_false(v.ev_kmsg);
        }
        oomlog_result_free(&r);
}

static void test_ring_wrapped(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str("nothing here\n");
        struct verdict_counters v1 = {.have = true,
                                      .oom_kill_before = 0,
                                      .oom_kill_after = 1,
                                      .oom_before = OG_NONE,
                                      .oom_after = OG_NONE};
        struct verdict_input in = {.cgroup = C1,
                                   .init_pid = 100,
                                   .kills = r.kills,
                                   .kmsg_complete = false,
                                   .kmsg_wrapped = true,
                                   .counters = v1,
                                   VERDICT_INPUT_UNKNOWN};
        struct verdict v;
        verdict_decide(&in, &v);
        assert_int_equal(v.kind, VERDICT_UNKNOWN);
        assert_non_null(strstr(v.summary, "ring buffer wrapped"));
        assert_non_null(strstr(v.summary, "evidence was lost"));
        in.kmsg_complete = true; /* the watcher's copy filled the gap */
        verdict_decide(&in, &v);
        assert_non_null(strstr(v.summary, "copy of its records was used"));
        assert_null(strstr(v.summary, "evidence was lost"));
        oomlog_result_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_own_limit_init_and_child),
                cmocka_unit_test(test_parent_global_and_no_cross_attribution),
                cmocka_unit_test(test_sub_cgroup_is_own_limit),
                cmocka_unit_test(test_lost_records_fall_back_to_counters),
                cmocka_unit_test(test_ratelimited_record_tied_by_init_pid),
                cmocka_unit_test(test_unverified_kills),
                cmocka_unit_test(test_ring_wrapped),
                cmocka_unit_test(test_exit_status),
                cmocka_unit_test(test_limit_hit),
                cmocka_unit_test(test_no_victim),
                cmocka_unit_test(test_outside_kill_under_pressure),
                cmocka_unit_test(test_group_kill),
        };
        return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
