/* SPDX-License-Identifier: MIT */
/* Each kernel OOM message form, across kernel versions, and cut short. */
#include "testutil.h"

#include "oommsg.h"

#define S(x) x, strlen(x)

static void span_eq(struct span s, const char *want)
{
        char buf[512];
        snprintf(buf, sizeof(buf), "%.*s", (int)s.n, s.p ? s.p : "");
        if (!want)
                want = "";
        if (strcmp(buf, want) != 0)
                fail_msg("got '%s', want '%s'", buf, want);
}

struct class_case {
        const char *msg;
        enum om_kind kind;
};

static const struct class_case classes[] = {
        {"stress invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0", OM_INVOKED},
        {"IPDL Background invoked oom-killer: gfp_mask=0x2400040, order=0", OM_INVOKED},
        {"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null)", OM_SUMMARY},
        {"Killed process 11344 (main) total-vm:390360kB", OM_KILLED},
        {"Out of memory: Killed process 1 (a)", OM_KILLED},
        {"Memory cgroup out of memory: Killed process 1 (a)", OM_KILLED},
        {"Memory cgroup out of memory: Kill process 1 (a) score 9 or sacrifice child",
         OM_SACRIFICE},
        {"Out of memory: Kill process 2188 (mysqld) score 60 or sacrifice child", OM_SACRIFICE},
        {"Out of memory (oom_kill_allocating_task): Kill process 5 (x) score 0", OM_SACRIFICE},
        {"Out of memory and no killable processes...", OM_NO_VICTIM},
        {"Task in /docker/a killed as a result of limit of /docker/a", OM_TASK_IN},
        {"Tasks in /k/c are going to be killed due to memory.oom.group set", OM_GROUP},
        {"Tasks state (memory values in pages):", OM_TASKS_STATE},
        {"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
         OM_TABLE_HDR},
        {"[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
         OM_TABLE_HDR},
        {"[  38886]     0 38886      243        1    28672        0          -998 pause",
         OM_TABLE_ROW},
        {"memory: usage 204800kB, limit 204800kB, failcnt 4563", OM_MEMORY},
        {"memory+swap: usage 0kB, limit 9007199254740988kB, failcnt 0", OM_MEMSW},
        {"swap: usage 0kB, limit 0kB, failcnt 0", OM_SWAP},
        {"kmem: usage 7524kB, limit 9007199254740988kB, failcnt 0", OM_KMEM},
        {"Memory cgroup stats for /docker/a: cache:108KB rss:197168KB", OM_STATS},
        {"oom_reaper: reaped process 6736 (leaker), now anon-rss:0kB", OM_REAPED},
        {"CPU: 1 UID: 0 PID: 74 Comm: kworker/u17:0 Not tainted", OM_CPU},
        {"Pid: 9247, comm: apache2 Not tainted 3.2.34-grsec #1", OM_CPU},
        {"shim reaped id=d9b0", OM_NONE},
        {"I1012 Message:Memory cgroup out of memory: Killed process 1", OM_NONE},
        {"[<ffffffff81401c43>] dump_stack+0x63/0x90", OM_NONE},
        {"anon 98742272", OM_NONE}, /* only inside a stats dump */
        {"", OM_NONE},
};

static void test_classify(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
                enum om_kind k = om_classify(S(classes[i].msg), false, false);
                if (k != classes[i].kind)
                        fail_msg("'%s': kind %d, want %d", classes[i].msg, k, classes[i].kind);
        }
        assert_int_equal(om_classify(S("anon 98742272"), false, true), OM_STAT);
        assert_int_equal(om_classify(S("file_dirty -1"), false, true), OM_STAT);
        assert_int_equal(om_classify(S("anon 9874x"), false, true), OM_NONE);
        assert_int_equal(om_classify(S("java cpuset=/ mems_allowed=0"), true, false), OM_CPUSET);
        assert_int_equal(om_classify(S("java cpuset=/ mems_allowed=0"), false, false), OM_NONE);
}

static void test_invoked(void **state)
{
        (void)state;
        struct om_invoked v;
        assert_true(om_parse_invoked(
                S("virt-launcher invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=986"),
                &v));
        span_eq(v.comm, "virt-launcher");
        span_eq(v.gfp_mask, "0xcc0(GFP_KERNEL)");
        assert_int_equal(v.order, 0);
        assert_int_equal(v.oom_score_adj, 986);
        /* 4.14: nodemask between gfp_mask and a double-spaced order */
        assert_true(om_parse_invoked(
                S("a b invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), nodemask=(null),  order=3, oom_score_adj=-997"),
                &v));
        span_eq(v.comm, "a b");
        span_eq(v.gfp_mask, "0x14200ca(GFP_HIGHUSER_MOVABLE)");
        assert_int_equal(v.order, 3);
        assert_int_equal(v.oom_score_adj, -997);
        /* 3.2: oom_adj before oom_score_adj */
        assert_true(om_parse_invoked(
                S("x invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0"),
                &v));
        assert_int_equal(v.oom_score_adj, 0);
        assert_true(om_parse_invoked(S("x invoked oom-killer: gfp_mask=0x0(), order=0"), &v));
        span_eq(v.gfp_mask, "0x0()");
        assert_true(v.oom_score_adj == OG_NONE);
}

static void test_summary(void **state)
{
        (void)state;
        struct om_summary s;
        assert_true(om_parse_summary(
                S("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-0f3.scope,mems_allowed=0-1,oom_memcg=/kubepods.slice/p.slice,task_memcg=/kubepods.slice/p.slice/c.scope,task=qemu-system-x86,pid=39079,uid=107"),
                false, &s));
        span_eq(s.constraint, "CONSTRAINT_MEMCG");
        span_eq(s.cpuset, "cri-containerd-0f3.scope");
        span_eq(s.oom_memcg, "/kubepods.slice/p.slice");
        span_eq(s.task_memcg, "/kubepods.slice/p.slice/c.scope");
        span_eq(s.task, "qemu-system-x86");
        assert_int_equal(s.pid, 39079);
        assert_int_equal(s.uid, 107);
        assert_false(s.global_oom);
        /* global, no cpuset fields (CONFIG_CPUSETS=n), a comm with a comma */
        assert_true(om_parse_summary(
                S("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),global_oom,task_memcg=/user.slice,task=a,b,pid=7,uid=0"),
                false, &s));
        assert_true(s.global_oom);
        assert_null(s.oom_memcg.p);
        span_eq(s.task, "a,b");
        assert_int_equal(s.pid, 7);
        /* cut mid-path, and pager-truncated */
        assert_true(om_parse_summary(
                S("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=c,mems_allowed=0,oom_memcg=/machine.slice/machine-libpod_pod_9169"),
                false, &s));
        span_eq(s.oom_memcg, "/machine.slice/machine-libpod_pod_9169");
        assert_true(s.pid == OG_NONE);
        assert_null(s.task_memcg.p);
        assert_true(om_parse_summary(
                S("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=user.slice,mems_allowed=0..."),
                false, &s));
        assert_null(s.oom_memcg.p);
        assert_true(om_parse_summary(
                S("oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/a,task_memcg=/a/b>"), false,
                &s));
        span_eq(s.task_memcg, "/a/b");
}

/* The kernel's own log: an OOM message only from the start of a record.
 * Kernel messages quote others' text (an audit record's exe="...", a
 * process or file name) where anyone can spell an OOM message. */
static const struct class_case strict_classes[] = {
        {"audit: type=1326 audit(1796620356.745:8): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=7889 comm=\"seclog\" exe=\"/tmp/oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/r/B,task_memcg=/r/B,task=sleep,pid=4242,uid=0\" sig=0 arch=c000003e syscall=39 compat=0 ip=0x401000 code=0x7ffc0000",
         OM_NONE},
        {"audit: type=1326 audit(1.0:9): pid=7 comm=\"x\" exe=\"/tmp/Memory cgroup out of memory: Killed process 4242 (sleep) total-vm:1kB\" sig=0",
         OM_NONE},
        {"audit: type=1326 audit(1.0:9): pid=7 comm=\"x\" exe=\"/tmp/x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0\" sig=0",
         OM_NONE},
        /* a 15-byte process name, then the kernel's own text */
        {"Killed process9[1234]: segfault at 0 ip 0000000000401000 sp 00007ffc error 4 in x[401000+1000]",
         OM_NONE},
        {"Killed process [1234]: segfault at 0 ip 0000000000401000 sp 00007ffc error 4", OM_NONE},
        {"Out of memory: [1234]: segfault at 0 ip 0 sp 0 error 4 in Killed process 1 (x) total-vm:1kB[401000+1000]",
         OM_NONE},
        {"Tasks in /[12]: segfault at 0 ip 0 sp 0 error 4 in  are going to be killed due to memory.oom.group set[4+1]",
         OM_NONE},
        {"memory: usage 1[1234]: segfault at 0 ip 0 sp 0 error 4", OM_NONE},
        {"oom_reaper: rea[1234]: segfault at 0 ip 0 sp 0 error 4", OM_NONE},
        {"a-name-longer-than-15 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0",
         OM_NONE},
        /* what the kernel prints */
        {"Killed process9 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
         OM_INVOKED},
        {"stress invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0", OM_INVOKED},
        {"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=a,pid=1,uid=0",
         OM_SUMMARY},
        {"Killed process 11344 (main) total-vm:390360kB", OM_KILLED},
        {"Killed process 28364, UID 0, (sh) total-vm:106064kB", OM_KILLED},
        {"Out of memory: Killed process 1 (a)", OM_KILLED},
        {"Memory cgroup out of memory: Killed process 1 (a)", OM_KILLED},
        {"Memory cgroup out of memory: Kill process 1 (a) score 9 or sacrifice child",
         OM_SACRIFICE},
        {"Out of memory (oom_kill_allocating_task): Kill process 5 (x) score 0", OM_SACRIFICE},
        {"Out of memory and no killable processes...", OM_NO_VICTIM},
        {"Task in /docker/a killed as a result of limit of /docker/a", OM_TASK_IN},
        {"Tasks in /k/c are going to be killed due to memory.oom.group set", OM_GROUP},
        {"memory: usage 204800kB, limit 204800kB, failcnt 4563", OM_MEMORY},
        {"memory+swap: usage 0kB, limit 9007199254740988kB, failcnt 0", OM_MEMSW},
        {"Memory cgroup stats for /docker/a:", OM_STATS},
        {"oom_reaper: reaped process 6736 (leaker), now anon-rss:0kB", OM_REAPED},
        {"CPU: 1 UID: 0 PID: 74 Comm: kworker/u17:0 Not tainted", OM_CPU},
        {"Tasks state (memory values in pages):", OM_TASKS_STATE},
};

static void test_classify_kmsg(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(strict_classes) / sizeof(strict_classes[0]); i++) {
                enum om_kind k = om_classify_kmsg(S(strict_classes[i].msg), false, false);
                if (k != strict_classes[i].kind)
                        fail_msg("'%s': kind %d, want %d", strict_classes[i].msg, k,
                                 strict_classes[i].kind);
        }
        assert_int_equal(om_classify_kmsg(S("java cpuset=/ mems_allowed=0"), true, false),
                         OM_CPUSET);
        assert_int_equal(
                om_classify_kmsg(S("audit: type=1326 comm=\"x cpuset=/ mems_allowed=0\""), true,
                                 false),
                OM_NONE);
        assert_int_equal(om_classify_kmsg(S("anon 98742272"), false, true), OM_STAT);
        /* a 15-byte name before " invoked": the header in pasted logs too */
        assert_int_equal(
                om_classify(
                        S("Killed process9 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0"),
                        false, false),
                OM_INVOKED);
        assert_int_equal(om_classify(S("Killed process9[1234]: segfault at 0 ip 0 sp 0 error 4"),
                                     false, false),
                         OM_NONE);
}

struct summary_case {
        const char *what, *line;
        bool strict;
        const char *oom_memcg, *task_memcg, *task; /* NULL: unknown */
        bool global_oom;
        int64_t pid;
};

#define SUM "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"

/* Cgroup names may hold ',' and '=': every reading the kernel's format
 * allows is tried, and paths come only from a single one. */
static const struct summary_case summaries[] = {
        {"a sub-cgroup named to spell another container's path",
         SUM
         "oom_memcg=/r/A/q,task_memcg=/r/B,task_memcg=/r/A/q,task_memcg=/r/B,task=hog,pid=5,uid=0",
         true, "/r/A/q,task_memcg=/r/B", "/r/A/q,task_memcg=/r/B", "hog", false, 5},
        {"the same in a pasted log",
         "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/r/A,task_memcg=/r/A/q,task_memcg=/r/B,task=hog,pid=5,uid=0",
         false, "/r/A", "/r/A/q,task_memcg=/r/B", "hog", false, 5},
        {"two readings fit: unknown",
         SUM "oom_memcg=/a,task_memcg=/a/b,task_memcg=/a,task_memcg=/a/b,task=x,pid=1,uid=0",
         false, NULL, NULL, "x", false, 1},
        {"the victim outside the OOM memcg: not the kernel's line",
         SUM "oom_memcg=/r/A,task_memcg=/r/B,task=sleep,pid=4242,uid=0", true, NULL, NULL,
         "sleep", false, 4242},
        {"the same pasted (redacted logs): as printed",
         SUM
         "oom_memcg=/lxc.payload....-lxc/k,task_memcg=/lxc.payload.ny2g-lxc/k/c,task=py,pid=4,uid=0",
         false, "/lxc.payload....-lxc/k", "/lxc.payload.ny2g-lxc/k/c", "py", false, 4},
        {"a repeated key in a cut line: unknown",
         SUM "oom_memcg=/r/A/q,task_memcg=/r/B,task_memcg=/r/A/q,task_memcg=/r/B,task=hog,pid=5",
         true, NULL, NULL, "hog", false, 5},
        {"the same pasted",
         SUM "oom_memcg=/r/A/q,task_memcg=/r/B,task_memcg=/r/A/q,task_memcg=/r/B,task=h", false,
         NULL, NULL, "h", false, OG_NONE},
        {"a cpuset name spelling keys (it holds no '/')",
         "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=x,oom_memcg=,global_oom,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=x,pid=1,uid=0",
         true, "/a", "/a/b", "x", false, 1},
        {"a cpuset name ending like a global OOM",
         "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=0-1,3,cpuset=z,mems_allowed=0,global_oom,mems_allowed=0-1,oom_memcg=/a,task_memcg=/a,task=x,pid=1,uid=0",
         true, "/a", "/a", "x", false, 1},
        {"a comm holding ',task=' (15 bytes at most)",
         SUM "oom_memcg=/a,task_memcg=/a,task=x,task=y,pid=1,uid=0", true, "/a", "/a", "x,task=y",
         false, 1},
        {"global",
         "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=a,pid=7,uid=0",
         true, NULL, "/user.slice", "a", true, 7},
        {"the root memcg", SUM "oom_memcg=/,task_memcg=/x,task=a,pid=7,uid=0", true, "/", "/x",
         "a", false, 7},
};

static void span_or_null(const char *what, struct span s, const char *want)
{
        if (!want && s.p && s.n > 0)
                fail_msg("%s: got '%.*s', want unknown", what, (int)s.n, s.p);
        if (want)
                span_eq(s, want);
}

static void test_summary_readings(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(summaries) / sizeof(summaries[0]); i++) {
                const struct summary_case *c = &summaries[i];
                struct om_summary s;
                print_message("%s\n", c->what);
                assert_true(om_parse_summary(S(c->line), c->strict, &s));
                span_or_null("oom_memcg", s.oom_memcg, c->oom_memcg);
                span_or_null("task_memcg", s.task_memcg, c->task_memcg);
                span_or_null("task", s.task, c->task);
                assert_int_equal(s.global_oom, c->global_oom);
                assert_true(s.pid == c->pid);
        }
}

static void test_task_in_readings(void **state)
{
        (void)state;
        struct om_task_in t;
        /* a cgroup "q killed as a result of limit of " with /B below it */
        assert_true(om_parse_task_in(
                S("Task in /A/q killed as a result of limit of /B killed as a result of limit of /A/q killed as a result of limit of /B"),
                true, &t));
        span_eq(t.task_memcg, "/A/q killed as a result of limit of /B");
        span_eq(t.oom_memcg, "/A/q killed as a result of limit of /B");
        assert_true(
                om_parse_task_in(S("Task in /b killed as a result of limit of /a"), true, &t));
        assert_null(t.task_memcg.p);
        assert_null(t.oom_memcg.p);
        assert_true(
                om_parse_task_in(S("Task in /b killed as a result of limit of /a"), false, &t));
        span_eq(t.task_memcg, "/b");
        assert_true(om_parse_task_in(
                S("Task in /a/b killed as a result of limit of /a/b killed as a result of limit of /a/b"),
                false, &t));
        assert_null(t.task_memcg.p); /* no reading fits, the separator repeats */
}

static void test_killed(void **state)
{
        (void)state;
        struct om_killed k;
        assert_true(om_parse_killed(
                S("Memory cgroup out of memory: Killed process 238343 (go-oom-test) total-vm:3950264kB, anon-rss:204516kB, file-rss:1256kB, shmem-rss:0kB, UID:0 pgtables:488kB oom_score_adj:-997"),
                &k));
        assert_int_equal(k.origin, OM_ORIGIN_MEMCG);
        assert_int_equal(k.pid, 238343);
        span_eq(k.comm, "go-oom-test");
        assert_int_equal(k.total_vm_kb, 3950264);
        assert_int_equal(k.anon_rss_kb, 204516);
        assert_int_equal(k.file_rss_kb, 1256);
        assert_int_equal(k.shmem_rss_kb, 0);
        assert_int_equal(k.uid, 0);
        assert_int_equal(k.oom_score_adj, -997);
        /* RHEL7 */
        assert_true(om_parse_killed(
                S("Killed process 42452 (memcg_test_1), UID 0, total-vm:7296kB, anon-rss:96kB, file-rss:164kB, shmem-rss:0kB"),
                &k));
        assert_int_equal(k.origin, OM_ORIGIN_UNKNOWN);
        span_eq(k.comm, "memcg_test_1");
        assert_int_equal(k.uid, 0);
        assert_int_equal(k.total_vm_kb, 7296);
        /* RHEL 6 (2.6.32): the uid comes before the comm */
        assert_true(om_parse_killed(
                S("Killed process 28364, UID 0, (sh) total-vm:106064kB, anon-rss:180kB, file-rss:4kB"),
                &k));
        assert_int_equal(k.pid, 28364);
        assert_int_equal(k.uid, 0);
        span_eq(k.comm, "sh");
        assert_int_equal(k.total_vm_kb, 106064);
        assert_int_equal(k.anon_rss_kb, 180);
        /* comms with blanks, brackets and parentheses */
        assert_true(om_parse_killed(
                S("Out of memory: Killed process 9 (CPU 11/KVM) total-vm:1kB, anon-rss:2kB"),
                &k));
        assert_int_equal(k.origin, OM_ORIGIN_GLOBAL);
        span_eq(k.comm, "CPU 11/KVM");
        assert_true(om_parse_killed(S("Killed process 9 ((sd-pam)) total-vm:1kB"), &k));
        span_eq(k.comm, "(sd-pam)");
        assert_true(om_parse_killed(S("Killed process 9 (runc:[2:INIT]) total-vm:1kB"), &k));
        span_eq(k.comm, "runc:[2:INIT]");
        /* 2.6: vsz */
        assert_true(om_parse_killed(
                S("Killed process 3 (a) vsz:100kB, anon-rss:1kB, file-rss:2kB"), &k));
        assert_int_equal(k.total_vm_kb, 100);
        /* cut after the comm, and cut before the pid */
        assert_true(om_parse_killed(
                S("Memory cgroup out of memory: Killed process 483880 (python3) total-vm:293428kB, anon-..."),
                &k));
        assert_int_equal(k.total_vm_kb, 293428);
        assert_true(k.anon_rss_kb == OG_NONE);
        assert_true(om_parse_killed(S("Killed process"), &k));
        assert_true(k.pid == OG_NONE);
        assert_true(om_parse_killed(S("Killed process -5 (x) total-vm:1kB"), &k));
        assert_true(k.pid == OG_NONE); /* pids are never negative */
}

static void test_sacrifice_reaped_group(void **state)
{
        (void)state;
        enum om_origin o;
        int64_t pid;
        struct span comm;
        assert_true(om_parse_sacrifice(
                S("Memory cgroup out of memory: Kill process 30924 (java) score 1007 or sacrifice child"),
                &o, &pid, &comm));
        assert_int_equal(o, OM_ORIGIN_MEMCG);
        assert_int_equal(pid, 30924);
        span_eq(comm, "java");
        assert_true(om_parse_reaped(
                S("oom_reaper: reaped process 1811 (stress-ng), now anon-rss:0kB, file-rss:0kB"),
                &pid, &comm));
        assert_int_equal(pid, 1811);
        span_eq(comm, "stress-ng");
        assert_true(om_parse_reaped(S("oom_reaper: reaped process 15694 (python3), now anon-rss"),
                                    &pid, &comm));
        span_eq(comm, "python3");
        struct om_group g;
        assert_true(om_parse_group(
                S("Tasks in /kubepods.slice/a.scope are going to be killed due to memory.oom.group set"),
                &g));
        span_eq(g.memcg, "/kubepods.slice/a.scope");
}

static void test_memcg_report(void **state)
{
        (void)state;
        struct om_task_in t;
        assert_true(om_parse_task_in(S("Task in /1037/uid killed as a result of limit of /1037"),
                                     false, &t));
        span_eq(t.task_memcg, "/1037/uid");
        span_eq(t.oom_memcg, "/1037");
        struct om_counter c;
        assert_true(om_parse_counter(
                S("memory: usage 17024340kB, limit 17024340kB, failcnt 1243"), &c));
        assert_int_equal(c.usage_kb, 17024340);
        assert_int_equal(c.failcnt, 1243);
        assert_true(om_parse_counter(
                S("memory+swap: usage 5kB, limit 9007199254740988kB, failcnt 0"), &c));
        assert_true(c.limit_kb == INT64_C(9007199254740988));
        struct om_stats st;
        assert_true(om_parse_stats(
                S("Memory cgroup stats for /docker/ab: cache:108KB rss:197168KB inacti"), &st));
        span_eq(st.path, "/docker/ab");
        assert_true(st.single_line);
        struct om_stat kv;
        struct span rest = st.inline_kv;
        assert_true(om_next_inline_stat(&rest, &kv));
        span_eq(kv.key, "cache");
        assert_int_equal(kv.value, 108);
        assert_true(om_next_inline_stat(&rest, &kv));
        span_eq(kv.key, "rss");
        assert_false(om_next_inline_stat(&rest, &kv)); /* "inacti" has no value */
        assert_true(
                om_parse_stats(S("Memory cgroup stats for /user.slice/app.slice/run-u..."), &st));
        span_eq(st.path, "/user.slice/app.slice/run-u");
        assert_false(st.single_line);
        assert_true(om_parse_stats(S("Memory cgroup stats for/kubepods.slice/x.scope:"), &st));
        span_eq(st.path, "/kubepods.slice/x.scope");
}

static void test_table(void **state)
{
        (void)state;
        struct om_table_layout l;
        struct om_row r;
        om_parse_table_header(
                S("[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name"),
                &l);
        assert_int_equal(l.ncols, 10);
        assert_true(om_parse_table_row(
                S("[    675]     0   675   162013    10969    10712      257         0   155648        0             0 test_progs"),
                &l, &r));
        assert_int_equal(r.pid, 675);
        assert_int_equal(r.v[OM_COL_RSS_ANON], 10712);
        assert_int_equal(r.v[OM_COL_ADJ], 0);
        span_eq(r.name, "test_progs");
        om_parse_table_header(
                S("[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name"),
                &l);
        assert_true(om_parse_table_row(
                S("[12906]     0 12906   526155   239002    1031       5   284061          -998 IPDL Background"),
                &l, &r));
        assert_int_equal(r.v[OM_COL_ADJ], -998);
        assert_int_equal(r.v[OM_COL_TOTAL_VM], 526155);
        span_eq(r.name, "IPDL Background");
        /* no header seen: the layout every kernel shares */
        assert_true(om_parse_table_row(
                S("[   1811]  1000  1811     5405        8   106496      643          1000 stress-ng"),
                NULL, &r));
        assert_int_equal(r.v[OM_COL_UID], 1000);
        assert_int_equal(r.v[OM_COL_ADJ], 1000);
        /* cut mid-row */
        assert_true(om_parse_table_row(S("[21284]  1337 21284  12"), NULL, &r));
        assert_int_equal(r.v[OM_COL_UID], 1337);
        assert_true(r.v[OM_COL_ADJ] == OG_NONE);
        assert_false(om_parse_table_row(S("[abc] 1 2"), NULL, &r));
}

static void test_anchor(void **state)
{
        (void)state;
        const char *m = "\"Feb 3, 2024 @ 19:57\",\"node\",\"Killed process 5 (x) total-vm:1kB\"";
        const char *a = om_find_anchor(S(m));
        assert_non_null(a);
        assert_true(strncmp(a, "Killed process 5", 16) == 0);
        m = "host|java invoked oom-killer: gfp_mask=0xd0";
        a = om_find_anchor(S(m));
        assert_true(strncmp(a, "host|java invoked", 17) == 0);
        assert_null(om_find_anchor(S("nothing to see here")));
        assert_null(om_find_anchor(S("xKilled process 1")));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_classify),
                cmocka_unit_test(test_classify_kmsg),
                cmocka_unit_test(test_summary_readings),
                cmocka_unit_test(test_task_in_readings),
                cmocka_unit_test(test_invoked),
                cmocka_unit_test(test_summary),
                cmocka_unit_test(test_killed),
                cmocka_unit_test(test_sacrifice_reaped_group),
                cmocka_unit_test(test_memcg_report),
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_anchor),
        };
        return cmocka_run_group_tests_name("oommsg", tests, NULL, NULL);
}
