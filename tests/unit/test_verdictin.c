/* SPDX-License-Identifier: MIT */
/* poststop's inputs to the verdict: which kernel kills are the container's
 * life's, the counters before and after, the watcher's evidence trusted. */
#include "testutil.h"

#include "verdictin.h"

#define C1 "/process_api/c1"
#define C2 "/process_api/c2"

/* One kill as /dev/kmsg prints it, records seq and seq2: the summary and
 * the "Killed process" line, stamped us (CLOCK_MONOTONIC µs). */
#define KILL(seq, seq2, us, cg, pid)                                                             \
        "6," #seq "," #us ",-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,"    \
        "mems_allowed=0,oom_memcg=" cg ",task_memcg=" cg ",task=hog,pid=" #pid ",uid=0\n"        \
        "3," #seq2 "," #us ",-;Memory cgroup out of memory: Killed process " #pid                \
        " (hog) total-vm:9kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB "    \
        "oom_score_adj:0\n"

/* Created at 10 s with init pid 1000. */
#define CREATED 10000000
#define INIT 1000

static const char life[] = KILL(1, 2, 8000000, C1, 1500) /* long before create: an earlier life */
        KILL(3, 4, 8999999, C1, 1501)                    /* a microsecond beyond the slack */
        KILL(5, 6, 9000000, C1, 1000)                    /* at the slack's edge, the init */
        KILL(7, 8, 9500000, C1,
             999) /* within the slack, older than the init: the previous life */
        KILL(9, 10, 9600000, C1, 1200)   /* within the slack, younger than the init */
        KILL(11, 12, 9999999, C1, 1001)  /* just before create, younger */
        KILL(13, 14, 10000000, C1, 42)   /* at create: any pid (pids wrap) */
        KILL(15, 16, 12000000, C1, 7)    /* after: any pid */
        KILL(17, 18, 12500000, C2, 2000) /* after, another container's */
        ;

static bool has_pid(const struct oom_kill *k, size_t n, int64_t pid)
{
        for (size_t i = 0; i < n; i++)
                if (k[i].victim_pid == pid)
                        return true;
        return false;
}

static void test_kills_since(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(life);
        assert_int_equal(r.n_kills, 9);
        struct oom_kill out[9];
        size_t n = verdictin_kills_since(r.kills, r.n_kills, CREATED, INIT, out);
        const struct {
                int64_t pid;
                bool kept;
        } want[] = {{1500, false}, {1501, false}, {1000, true}, {999, false}, {1200, true},
                    {1001, true},  {42, true},    {7, true},    {2000, true}};
        for (size_t i = 0; i < ARRAY_SIZE(want); i++)
                if (has_pid(out, n, want[i].pid) != want[i].kept)
                        fail_msg("pid %lld: kept %d", (long long)want[i].pid, !want[i].kept);
        assert_int_equal(n, 6);
        /* in log order, shallow copies of the parser's records */
        assert_int_equal(out[0].victim_pid, 1000);
        assert_ptr_equal(out[0].timestamp, r.kills[2].timestamp);
        assert_int_equal(out[5].victim_pid, 2000);
        /* another cgroup's kill is in its time; whose it is, the verdict says */
        assert_false(verdict_kill_is_ours(&out[5], C1, INIT));
        assert_true(verdict_kill_is_ours(&out[4], C1, INIT));
        oomlog_result_free(&r);
}

/* No-victim OOMs: those stamped since create, none without a time. */
static void test_novictims_since(void **state)
{
        (void)state;
        struct oom_novictim nv[] = {{.timestamp = (char *)"9999999"},
                                    {.timestamp = NULL},
                                    {.timestamp = (char *)"10000000"},
                                    {.timestamp = (char *)"12000000"}};
        struct oom_novictim out[4];
        size_t n = verdictin_novictims_since(nv, 4, CREATED, out);
        assert_int_equal(n, 2);
        assert_ptr_equal(out[0].timestamp, nv[2].timestamp);
        assert_ptr_equal(out[1].timestamp, nv[3].timestamp);
}

/* Unknown victim pid or time: a record without a pid within the slack
 * counts; one without a time is older than any create after boot. */
static void test_kills_since_unknowns(void **state)
{
        (void)state;
        struct oom_kill k[3] = {{.victim_pid = OG_NONE, .timestamp = (char *)"9500000"},
                                {.victim_pid = 5000, .timestamp = NULL},
                                {.victim_pid = OG_NONE, .timestamp = (char *)"8000000"}};
        struct oom_kill out[3];
        size_t n = verdictin_kills_since(k, 3, CREATED, INIT, out);
        assert_int_equal(n, 1);
        assert_ptr_equal(out[0].timestamp, k[0].timestamp);
        /* a container created in the first second: time 0 is within its slack */
        n = verdictin_kills_since(k, 3, 500000, INIT, out);
        assert_int_equal(n, 3);
        assert_int_equal(verdictin_kills_since(k, 0, CREATED, INIT, out), 0);
}

static struct evidence snap(int64_t oom_kill, int64_t oom, int64_t peak, int64_t read_us,
                            int64_t final)
{
        struct evidence ev;
        evidence_init(&ev);
        ev.oom_kill = oom_kill;
        ev.oom = oom;
        ev.peak_bytes = peak;
        ev.read_us = read_us;
        ev.final = final;
        return ev;
}

static const struct verdictin_live gone = {false, OG_NONE, OG_NONE, OG_NONE};

/* The cgroup gone (runc and crun remove it before poststop): the evidence's
 * counters, with the time of their read, and its peak. */
static void test_counters_from_evidence(void **state)
{
        (void)state;
        struct verdict_counters c;
        int64_t peak;
        struct evidence ev = snap(3, 2, 64 << 20, 123456, 1);
        verdictin_counters(1, 0, &ev, &gone, &c, &peak);
        assert_true(c.have);
        assert_int_equal(c.oom_kill_before, 1);
        assert_int_equal(c.oom_before, 0);
        assert_int_equal(c.oom_kill_after, 3);
        assert_int_equal(c.oom_after, 2);
        assert_int_equal(c.read_us, 123456);
        assert_int_equal(peak, 64 << 20);
        assert_false(c.to_end); /* the watcher found the cgroup gone */
        ev.ended = 1;           /* its snapshot at the init's death */
        verdictin_counters(1, 0, &ev, &gone, &c, &peak);
        assert_true(c.to_end);
}

/* The cgroup still there (a runtime that deletes it later, the shim's
 * snapshot): what poststop read wins over any evidence, read at the end. */
static void test_counters_live(void **state)
{
        (void)state;
        struct verdict_counters c;
        int64_t peak;
        struct evidence ev = snap(3, 2, 64 << 20, 123456, 1);
        const struct verdictin_live live = {true, 5, 4, 80 << 20};
        verdictin_counters(1, 0, &ev, &live, &c, &peak);
        assert_true(c.have);
        assert_int_equal(c.oom_kill_before, 1);
        assert_int_equal(c.oom_kill_after, 5);
        assert_int_equal(c.oom_after, 4);
        assert_true(c.read_us == OG_NONE);
        assert_int_equal(peak, 80 << 20);
        assert_true(c.to_end);
        /* the live read below the evidence (v1: a sub-cgroup with a kill
         * removed before the container's own): the evidence's */
        const struct verdictin_live lost = {true, 1, 0, 2 << 20};
        verdictin_counters(1, 0, &ev, &lost, &c, &peak);
        assert_int_equal(c.oom_kill_after, 3);
        assert_int_equal(c.oom_after, 2);
        assert_int_equal(peak, 64 << 20);
        assert_true(c.to_end);
        /* no evidence at all: the cgroup alone */
        verdictin_counters(1, OG_NONE, NULL, &live, &c, &peak);
        assert_true(c.have);
        assert_int_equal(c.oom_kill_after, 5);
        assert_true(c.oom_before == OG_NONE);
}

/* Nothing says how it ended (no trusted evidence, cgroup gone), or create
 * had no baseline: no counters, every after unknown, never a guess. */
static void test_counters_none(void **state)
{
        (void)state;
        struct verdict_counters c;
        int64_t peak = 7;
        verdictin_counters(1, 0, NULL, &gone, &c, &peak);
        assert_false(c.have);
        assert_int_equal(c.oom_kill_before, 1);
        assert_true(c.oom_kill_after == OG_NONE && c.oom_after == OG_NONE);
        assert_true(c.read_us == OG_NONE && peak == OG_NONE);
        struct evidence ev = snap(3, 2, 64 << 20, 123456, 1);
        const struct verdictin_live live = {true, 5, 4, 80 << 20};
        verdictin_counters(OG_NONE, OG_NONE, &ev, &live, &c, &peak);
        assert_false(c.have);
        assert_true(c.oom_kill_after == OG_NONE && peak == OG_NONE);
}

/* The trust rule: final evidence is trusted, whether its watcher runs or
 * not; a watcher still running is waited for once; after the wait, or
 * from a watcher that died, evidence not final is stale. */
static void test_watcher_trust(void **state)
{
        (void)state;
        struct evidence fin = snap(3, 2, 1, 1, 1), stale = snap(3, 2, 1, 1, 0);
        const struct {
                const struct evidence *ev;
                bool alive, waited;
                enum verdictin_trust want;
        } cases[] = {
                {&fin, true, false, VERDICTIN_TRUSTED}, {&fin, false, false, VERDICTIN_TRUSTED},
                {&fin, true, true, VERDICTIN_TRUSTED},  {&fin, false, true, VERDICTIN_TRUSTED},
                {&stale, true, false, VERDICTIN_WAIT},  {&stale, false, false, VERDICTIN_STALE},
                {&stale, true, true, VERDICTIN_STALE},  {&stale, false, true, VERDICTIN_STALE},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                enum verdictin_trust t = verdictin_watcher_trust(cases[i].ev, cases[i].alive,
                                                                 cases[i].waited);
                if (t != cases[i].want)
                        fail_msg("case %zu: %d, want %d", i, t, cases[i].want);
        }
}

/* Trust and counters together, as poststop chains them: a watcher killed
 * before the container died leaves counters that would deny its OOM; they
 * are not used, and with the cgroup gone there are none. */
static void test_untrusted_watcher_no_counters(void **state)
{
        (void)state;
        struct evidence ev = snap(1, 0, 1 << 20, 99, 0);
        struct verdict_counters c;
        int64_t peak;
        bool ok = verdictin_watcher_trust(&ev, false, false) == VERDICTIN_TRUSTED;
        verdictin_counters(1, 0, ok ? &ev : NULL, &gone, &c, &peak);
        assert_false(c.have);
        ev.final = 1;
        ok = verdictin_watcher_trust(&ev, false, false) == VERDICTIN_TRUSTED;
        verdictin_counters(1, 0, ok ? &ev : NULL, &gone, &c, &peak);
        assert_true(c.have);
        assert_int_equal(c.oom_kill_after, 1);
}

/* Whether every kernel record since create is at hand: the live ring
 * alone, or with the watcher's copy where the two meet. Created at 10 s
 * (less the slack: 9 s); the ring's oldest record is 500. */
static void test_kmsg_whole(void **state)
{
        (void)state;
        const struct verdictin_kmsg base = {
                .live_read = true,
                .live_first_seen = true,
                .live_first_seq = 500,
                .live_first_us = 8000000, /* before create: not wrapped */
                .from_us = 9000000,
                .watcher_seq = OG_NONE,
        };
        struct {
                const char *what;
                struct verdictin_kmsg k;
                bool wrapped, complete;
        } cases[] = {
                {"the ring holds create's time", base, false, true},
                {"wrapped, no copy", base, true, false},
                {"wrapped, the copy reaches the oldest record", base, true, true},
                {"wrapped, the copy ends one short", base, true, false},
                {"wrapped, the copy reaches past the oldest", base, true, true},
                {"wrapped, the copy names a gap the ring holds", base, true, true},
                {"wrapped, the copy names a gap the ring lost", base, true, false},
                {"the ring unreadable, a copy", base, false, true},
                {"the ring unreadable, no copy", base, false, false},
                {"lost while read, the copy reaches past the loss", base, true, true},
                {"lost while read, the copy ends before the loss", base, true, false},
                {"lost while read, nothing after the loss", base, true, false},
                {"an empty ring", base, false, true},
        };
        for (size_t i = 1; i <= 6; i++)
                cases[i].k.live_first_us = 9500000; /* newer than create */
        cases[2].k.watcher_seq = 499;
        cases[3].k.watcher_seq = 498;
        cases[4].k.watcher_seq = 700;
        cases[5].k.watcher_seq = 700, cases[5].k.copy_lost = true,
        cases[5].k.copy_lost_after = 600;
        cases[6].k.watcher_seq = 700, cases[6].k.copy_lost = true,
        cases[6].k.copy_lost_after = 400;
        cases[7].k.live_read = false, cases[7].k.live_first_seen = false,
        cases[7].k.watcher_seq = 9;
        cases[8].k.live_read = false, cases[8].k.live_first_seen = false;
        for (size_t i = 9; i <= 11; i++)
                cases[i].k.live_lost = 3;
        cases[9].k.live_resumed_seq = 800, cases[9].k.watcher_seq = 799;
        cases[10].k.live_resumed_seq = 800, cases[10].k.watcher_seq = 798;
        cases[11].k.live_resumed_seq = -1, cases[11].k.watcher_seq = 5000;
        cases[12].k.live_first_seen = false;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct verdictin_kmsg_whole w = verdictin_kmsg_whole(&cases[i].k);
                if (w.wrapped != cases[i].wrapped || w.complete != cases[i].complete)
                        fail_msg("%s: wrapped %d complete %d, want %d %d", cases[i].what,
                                 w.wrapped, w.complete, cases[i].wrapped, cases[i].complete);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kills_since),
                cmocka_unit_test(test_kills_since_unknowns),
                cmocka_unit_test(test_novictims_since),
                cmocka_unit_test(test_counters_from_evidence),
                cmocka_unit_test(test_counters_live),
                cmocka_unit_test(test_counters_none),
                cmocka_unit_test(test_watcher_trust),
                cmocka_unit_test(test_untrusted_watcher_no_counters),
                cmocka_unit_test(test_kmsg_whole),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
