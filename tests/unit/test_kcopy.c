/* SPDX-License-Identifier: MIT */
/* Which kernel records a watcher copies: its own container's only. */
#include "testutil.h"

#include "kcopy.h"

#define OURS "/process_api/x/oomguard-watch-7/c1"
#define THEIRS "/process_api/x/oomguard-watch-7/flood"

static void test_kind(void **state)
{
        (void)state;
        const struct {
                const char *msg;
                enum kcopy_kind kind;
                int64_t pid;
        } cases[] = {
                {"oomguard-hog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999",
                 KCOPY_HEADER, OG_NONE},
                {"a comm of 15 by invoked oom-killer: gfp_mask=0xcc0", KCOPY_HEADER, OG_NONE},
                {"audit: type=1326 exe=\"/tmp/x invoked oom-killer: \"", KCOPY_OTHER, OG_NONE},
                {"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=" OURS
                 ",task_memcg=" OURS ",task=oomguard-hog,pid=28894,uid=0",
                 KCOPY_SUMMARY, 28894},
                /* a comm that spells a tail: the real one is the last */
                {"oom-kill:constraint=CONSTRAINT_NONE,global_oom,task_memcg=/a,task=x,pid=1,uid=0,pid=4242,uid=7",
                 KCOPY_SUMMARY, 4242},
                {"oom-kill:constraint=CONSTRAINT_MEMCG,task=x,pid=,uid=0", KCOPY_SUMMARY,
                 OG_NONE},
                {"Memory cgroup out of memory: Killed process 28894 (oomguard-hog) total-vm:33888kB",
                 KCOPY_KILLED, 28894},
                {"Out of memory: Killed process 12 (a) total-vm:1kB", KCOPY_KILLED, 12},
                {"Out of memory (oom_kill_allocating_task): Killed process 13 (a)", KCOPY_KILLED,
                 13},
                {"Killed process 14 (a) total-vm:1kB", KCOPY_KILLED, 14},
                {"oom_reaper: reaped process 15 (a), now anon-rss:0kB", KCOPY_KILLED, 15},
                {"audit: type=1326 exe=\"/tmp/x: Killed process 16 (a)\"", KCOPY_OTHER, OG_NONE},
                {"memory: usage 32768kB, limit 32768kB, failcnt 0", KCOPY_OTHER, OG_NONE},
                {"oom-kil", KCOPY_OTHER, OG_NONE},
                /* not pids as the kernel prints them: a run longer than
                 * 10 digits is not read by its first ones (found by
                 * fuzzing: "0000005000…" taken for 5000), nor a leading 0 */
                {"oom-kill:constraint=CONSTRAINT_MEMCG,task=x,pid=000000500000005216,uid=0",
                 KCOPY_SUMMARY, OG_NONE},
                {"oom-kill:constraint=CONSTRAINT_MEMCG,task=x,pid=04242,uid=0", KCOPY_SUMMARY,
                 OG_NONE},
                {"Killed process 42421234567 (a) total-vm:1kB", KCOPY_OTHER, OG_NONE},
                {"Killed process 4294967295 (a) total-vm:1kB", KCOPY_KILLED, 4294967295},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                int64_t pid;
                enum kcopy_kind k = kcopy_kind(cases[i].msg, strlen(cases[i].msg), &pid);
                if (k != cases[i].kind || pid != cases[i].pid)
                        fail_msg("%s: kind %d pid %lld", cases[i].msg, k, (long long)pid);
        }
}

static int within(const char *msg, const char *cg)
{
        return kcopy_summary_within(msg, strlen(msg), cg);
}

static void test_summary_within(void **state)
{
        (void)state;
        const char *own =
                "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
                "oom_memcg=" OURS ",task_memcg=" OURS ",task=hog,pid=5,uid=0";
        const char *child = "oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=" OURS
                            "/q,task_memcg=" OURS "/q,task=hog,pid=5,uid=0";
        const char *ancestor =
                "oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/process_api,task_memcg=" OURS
                ",task=hog,pid=5,uid=0";
        const char *global = "oom-kill:constraint=CONSTRAINT_NONE,global_oom,task_memcg=" OURS
                             ",task=hog,pid=5,uid=0";
        const char *theirs = "oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=" THEIRS
                             ",task_memcg=" THEIRS ",task=hog,pid=5,uid=0";
        const char *sibling = "oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=" OURS
                              "0,task_memcg=" OURS "0,task=hog,pid=5,uid=0";
        /* a child cgroup of theirs named to spell our path */
        const char *forged = "oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=" THEIRS
                             "/q,task_memcg=" OURS ",task_memcg=" THEIRS "/q,task_memcg=" OURS
                             ",task=hog,pid=5,uid=0";
        const char *comm = "oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=" THEIRS
                           ",task_memcg=" THEIRS ",task=task_memcg=/,pid=5,uid=0";
        assert_int_equal(within(own, OURS), 1);
        assert_int_equal(within(child, OURS), 1);
        assert_int_equal(within(ancestor, OURS), 1);
        assert_int_equal(within(global, OURS), 1);
        assert_int_equal(within(theirs, OURS), 0);
        assert_int_equal(within(sibling, OURS), 0);
        assert_int_equal(within(forged, OURS), -1);
        assert_int_equal(within(comm, OURS), -1);
        assert_int_equal(within(own, "/"), 1);
        assert_int_equal(within(own, ""), 0);
}

struct sink {
        char buf[64 * 1024];
        size_t len;
};

static void emit(const char *data, size_t len, void *ud)
{
        struct sink *s = ud;
        assert_true(s->len + len <= sizeof(s->buf));
        memcpy(s->buf + s->len, data, len);
        s->len += len;
        s->buf[s->len] = '\0';
}

/* pids 300-399 are the container's (as its OOM event found them) */
static int lookups;
static bool pid_ours(int64_t pid, void *ud)
{
        (void)ud;
        lookups++;
        return pid >= 300 && pid < 400;
}

static bool feed(struct kcopy *k, struct sink *s, const char *rec)
{
        return kcopy_feed(k, rec, strlen(rec), emit, s);
}

/* A summary whose keys repeat: a cgroup THEIRS/q,task_memcg=SPELT, both
 * its oom_memcg and its task_memcg. */
static bool repeated(struct kcopy *k, struct sink *s, const char *spelt, int pid)
{
        char rec[512];
        snprintf(rec, sizeof(rec),
                 "6,30,3000,-;oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=" THEIRS
                 "/q,task_memcg=%s,task_memcg=" THEIRS "/q,task_memcg=%s,task=hog,pid=%d,uid=0\n",
                 spelt, spelt, pid);
        return feed(k, s, rec);
}

static bool kill_line(struct kcopy *k, struct sink *s, int pid)
{
        char rec[128];
        snprintf(rec, sizeof(rec),
                 "3,31,3001,-;Memory cgroup out of memory: Killed process %d (hog)\n", pid);
        return feed(k, s, rec);
}

/* One OOM report as /dev/kmsg gives it, in cgroup cg, victim pid. */
static int report(struct kcopy *k, struct sink *s, const char *cg, int pid)
{
        char sum[1024], kill[256];
        snprintf(sum, sizeof(sum),
                 "6,12,1003,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"
                 "cpuset=/,mems_allowed=0,oom_memcg=%s,task_memcg=%s,task=hog,pid=%d,uid=0\n",
                 cg, cg, pid);
        snprintf(kill, sizeof(kill),
                 "3,13,1004,-;Memory cgroup out of memory: Killed process %d (hog) "
                 "total-vm:1000kB, anon-rss:900kB\n SUBSYSTEM=x\n",
                 pid);
        int ours = 0;
        ours += feed(k, s,
                     "4,1,1000,-;hog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0\n");
        ours += feed(k, s, "4,2,1001,-;Call Trace:\n");
        ours += feed(k, s, "6,3,1001,-;memory: usage 32768kB, limit 32768kB, failcnt 0\n");
        ours += feed(k, s, "6,4,1002,-;Tasks state (memory values in pages):\n");
        ours += feed(k, s, "6,5,1002,-;[  29160]     0 29160     8472     8194 oomguard-hog\n");
        ours += feed(k, s, sum);
        ours += feed(k, s, kill);
        return ours;
}

static void test_feed(void **state)
{
        (void)state;
        static struct kcopy k;
        static struct sink s;
        kcopy_init(&k, OURS, 250, pid_ours, NULL);
        /* a flood of another container's full reports: nothing copied, no look-up */
        lookups = 0;
        for (int i = 0; i < 50; i++)
                assert_int_equal(report(&k, &s, THEIRS, 1000 + i), 0);
        assert_int_equal(s.len, 0);
        assert_int_equal(lookups, 50); /* one per summary, none per kill */
        /* our own: the report's marker records, the summary, the kill line */
        assert_int_equal(report(&k, &s, OURS, 251), 2);
        assert_non_null(strstr(s.buf, "hog invoked oom-killer"));
        assert_non_null(strstr(s.buf, "memory: usage"));
        assert_non_null(strstr(s.buf, "Tasks state"));
        assert_null(strstr(s.buf, "Call Trace")); /* no marker: never copied, as before */
        assert_null(strstr(s.buf, "SUBSYSTEM"));  /* a record's first line only */
        assert_non_null(strstr(s.buf, "task_memcg=" OURS ",task=hog,pid=251"));
        assert_non_null(strstr(s.buf, "Killed process 251 (hog)"));
        size_t after_own = s.len;
        /* the reaper's line for our victim, later */
        assert_true(feed(&k, &s,
                         "6,20,2000,-;oom_reaper: reaped process 251 (hog), now anon-rss:0kB\n"));
        /* rate-limited reports (no header, no summary): only our kills */
        assert_false(feed(
                &k, &s,
                "3,21,2001,-;Memory cgroup out of memory: Killed process 1200 (hog) total-vm:1kB\n"));
        assert_true(feed(
                &k, &s,
                "3,22,2002,-;Memory cgroup out of memory: Killed process 250 (sh) total-vm:1kB\n"));
        assert_true(feed(
                &k, &s,
                "3,23,2003,-;Memory cgroup out of memory: Killed process 333 (w) total-vm:1kB\n"));
        assert_non_null(strstr(s.buf + after_own, "reaped process 251"));
        assert_null(strstr(s.buf, "1200"));
        assert_non_null(strstr(s.buf + after_own, "Killed process 250 (sh)"));
        assert_non_null(strstr(s.buf + after_own, "Killed process 333 (w)"));
        /* a summary forged with a cgroup name that spells ours, for their victim */
        size_t before = s.len;
        assert_false(repeated(&k, &s, OURS, 1301));
        /* its kill line: a look at the counters (one reading names our
         * cgroup: a sub-cgroup's kill is counted there), nothing copied */
        assert_true(kill_line(&k, &s, 1301));
        assert_int_equal(s.len, before);
        /* once: the same pid again is not the report's kill line */
        assert_false(kill_line(&k, &s, 1301));
        /* keys that repeat without naming our cgroup: no look */
        assert_false(repeated(&k, &s, THEIRS, 1302));
        assert_false(kill_line(&k, &s, 1302));
        /* a name that only begins like ours (…/c1-2): no look */
        assert_false(repeated(&k, &s, OURS "-2", 1303));
        assert_false(kill_line(&k, &s, 1303));
        assert_int_equal(s.len, before);
        /* the same ambiguity, but the victim is ours (looked up by its pid) */
        assert_true(repeated(&k, &s, OURS, 340));
        assert_non_null(strstr(s.buf + before, "pid=340"));
        assert_null(strstr(s.buf + before, "pid=1301"));
        /* userspace (facility 1) and records without a header are never copied */
        before = s.len;
        assert_false(feed(&k, &s,
                          "14,40,4000,-;Memory cgroup out of memory: Killed process 250 (sh)\n"));
        assert_false(feed(&k, &s, "Killed process 250 (sh)\n"));
        assert_int_equal(s.len, before);
}

/* A report's records before its summary are held up to a bound. */
static void test_hold_bound(void **state)
{
        (void)state;
        static struct kcopy k;
        static struct sink s;
        char rec[512];
        kcopy_init(&k, OURS, 250, NULL, NULL);
        feed(&k, &s, "4,1,1000,-;hog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0\n");
        for (int i = 0; i < 1000; i++) {
                snprintf(rec, sizeof(rec), "6,%d,1001,-;memory: usage %d kB\n", i + 2, i);
                feed(&k, &s, rec);
        }
        assert_true(feed(&k, &s,
                         "6,9000,1003,-;oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=" OURS
                         ",task_memcg=" OURS ",task=hog,pid=251,uid=0\n"));
        assert_true(s.len <= KCOPY_HOLD_MAX + 256);
        assert_non_null(strstr(s.buf, "invoked oom-killer"));
        assert_non_null(strstr(s.buf, "pid=251"));
}

/* A full copy keeps its newest records, whole lines. */
static void test_cut(void **state)
{
        (void)state;
        const char *c =
                "4,1,1,-;a invoked oom-killer: x\n"
                "6,2,2,-;oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/a,task=a,pid=1,uid=0\n"
                "3,3,3,-;Memory cgroup out of memory: Killed process 1 (a)\n";
        size_t len = strlen(c), second = (size_t)(strstr(c, "6,2,2") - c);
        size_t third = (size_t)(strstr(c, "3,3,3") - c);
        assert_int_equal(kcopy_cut(c, len, len), 0);               /* it all fits */
        assert_int_equal(kcopy_cut(c, len, len - 5), second);      /* the next line */
        assert_int_equal(kcopy_cut(c, len, len - second), second); /* exactly a line */
        assert_int_equal(kcopy_cut(c, len, len - second - 1), third);
        assert_int_equal(kcopy_cut(c, len, 3), len); /* no whole line fits */
        assert_int_equal(kcopy_cut("", 0, 10), 0);
}

/* The copy's line for records it does not hold, and what a cut says. */
static void test_lost_line(void **state)
{
        (void)state;
        char buf[64];
        int64_t after = -1;
        size_t n = kcopy_lost_line(buf, sizeof(buf), 1234);
        assert_int_equal(n, strlen("-lost 1234\n"));
        assert_memory_equal(buf, "-lost 1234\n", n);
        assert_true(kcopy_lost_parse(buf, n - 1, &after));
        assert_int_equal(after, 1234);
        assert_int_equal(kcopy_lost_line(buf, 8, 1234), 0); /* does not fit */
        assert_false(kcopy_lost_parse("-lost x", 7, &after));
        assert_false(kcopy_lost_parse("6,10,5,-;-lost 3", 16, &after));
        const char cut1[] = "6,77,5000,-;oom-kill:x\n6,78,5001,-;y\n";
        assert_int_equal(kcopy_lost_before(cut1, sizeof(cut1) - 1), 76);
        const char cut2[] = "-lost 12\n6,77,5000,-;oom-kill:x\n";
        assert_int_equal(kcopy_lost_before(cut2, sizeof(cut2) - 1), 12);
        assert_int_equal(kcopy_lost_before("junk\n", 5), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kind), cmocka_unit_test(test_summary_within),
                cmocka_unit_test(test_feed), cmocka_unit_test(test_hold_bound),
                cmocka_unit_test(test_cut),  cmocka_unit_test(test_lost_line),
        };
        return cmocka_run_group_tests_name("kcopy", tests, NULL, NULL);
}
