/* SPDX-License-Identifier: MIT */
/* Grouping messages into kills: the situations real logs put the parser in,
 * and inputs meant to break it. */
#define _GNU_SOURCE
#include "testutil.h"

#include "explain.h"

#include <yajl/yajl_tree.h>

#define CID "3fc28fa1c647ceede9f6b340d0b16c9f1f663698972d22a52e296f291638e014"
#define POD "kubepods-burstable-poda8697f49_441d_4d4f_90d2_6d8e1fa3bbe7.slice"

static void test_interleaved_pairs_by_pid(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),oom_memcg=/k/" POD
                ",task_memcg=/k/" POD "/c-" CID ".scope,task=node,pid=100,uid=0\n"
                "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),oom_memcg=/k/" POD "/c-" CID
                ".scope,task_memcg=/k/" POD "/c-" CID ".scope,task=py,pid=200,uid=0\n"
                "Memory cgroup out of memory: Killed process 100 (node) total-vm:10kB, anon-rss:5kB, file-rss:1kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:893\n"
                "Memory cgroup out of memory: Killed process 200 (py) total-vm:20kB, anon-rss:6kB, file-rss:1kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:7\n");
        assert_int_equal(r.n_kills, 2);
        const struct oom_kill *a = kill_by_pid(&r, 100), *b = kill_by_pid(&r, 200);
        assert_int_equal(a->scope, OOM_SCOPE_ANCESTOR);
        assert_int_equal(a->anon_rss_kb, 5);
        assert_int_equal(a->oom_score_adj, 893);
        assert_int_equal(b->scope, OOM_SCOPE_MEMCG);
        assert_int_equal(b->anon_rss_kb, 6);
        assert_string_equal(b->container_id, CID);
        assert_string_equal(a->pod_uid, "a8697f49-441d-4d4f-90d2-6d8e1fa3bbe7");
        oomlog_result_free(&r);
}

static void test_oom_group(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "[10.0] app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
                "[10.1] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/k/p.slice,task_memcg=/k/p.slice/c.scope,task=app,pid=11,uid=0\n"
                "[10.2] Memory cgroup out of memory: Killed process 11 (app) total-vm:9kB, anon-rss:8kB\n"
                "[10.2] Tasks in /k/p.slice/c.scope are going to be killed due to memory.oom.group set\n"
                "[10.2] Memory cgroup out of memory: Killed process 11 (app) total-vm:9kB, anon-rss:8kB\n"
                "[10.2] Memory cgroup out of memory: Killed process 12 (helper) total-vm:3kB, anon-rss:1kB\n"
                "[10.2] Memory cgroup out of memory: Killed process 13 (sh) total-vm:2kB, anon-rss:1kB\n");
        assert_int_equal(r.n_kills, 3);
        for (int64_t pid = 11; pid <= 13; pid++) {
                const struct oom_kill *k = kill_by_pid(&r, pid);
                assert_non_null(k);
                assert_string_equal(k->task_memcg, "/k/p.slice/c.scope");
                assert_string_equal(k->oom_memcg, "/k/p.slice");
                assert_int_equal(k->scope, OOM_SCOPE_ANCESTOR);
                assert_int_equal(!!(k->flags & OOM_KILL_GROUP), pid != 11);
        }
        oomlog_result_free(&r);
}

static void test_no_victim_and_orphans(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "[5.0] tee invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
                "[5.0] memory: usage 2048kB, limit 1024kB, failcnt 0\n"
                "[5.0] Memory cgroup stats for /x:\n"
                "[5.0] anon 100\n"
                "[5.0] Out of memory and no killable processes...\n"
                "[9.0] java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0\n");
        assert_int_equal(r.n_kills, 0);
        assert_int_equal(r.stats.invocations, 2);
        assert_int_equal(r.stats.orphan_invocations, 2);
        /* the first found nothing to kill; the second is only a header */
        assert_int_equal(r.n_novictims, 1);
        assert_string_equal(r.novictims[0].memcg, "/x");
        assert_string_equal(r.novictims[0].invoker_comm, "tee");
        assert_string_equal(r.novictims[0].timestamp, "5.0");
        oomlog_result_free(&r);
}

/* As the hook reads it: /dev/kmsg records, one OOM of a container whose
 * processes are all at -1000 (measured in the v2 guest); a user-facility
 * record spelling the same never counts. */
static void test_kmsg_no_victim(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "4,900,70322800,-;dd invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=-1000\n"
                "6,901,70322850,-;memory: usage 32768kB, limit 32768kB, failcnt 37\n"
                "6,902,70322874,-;Memory cgroup stats for /oomguard-vm/runc-novictim:\n"
                "6,903,70322951,-;Tasks state (memory values in pages):\n"
                "6,904,70322960,-;[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
                "6,905,70322970,-;[    810]     0   810      368      257    45056        0         -1000 dd\n"
                "4,906,70322978,-;Out of memory and no killable processes...\n"
                "12,907,70400000,-;dd invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
                "12,908,70400001,-;Memory cgroup stats for /forged:\n"
                "12,909,70400002,-;Out of memory and no killable processes...\n");
        assert_int_equal(r.n_kills, 0);
        assert_int_equal(r.n_novictims, 1);
        assert_string_equal(r.novictims[0].memcg, "/oomguard-vm/runc-novictim");
        assert_int_equal(r.novictims[0].invoker_pid, OG_NONE);
        assert_string_equal(r.novictims[0].timestamp, "70322978");
        oomlog_result_free(&r);
}

static void test_kmsg_user_facility_never_kills(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "12,100,5000000,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),oom_memcg=/x,task_memcg=/x,task=fake,pid=4242,uid=0\n"
                "14,101,5000001,-;Memory cgroup out of memory: Killed process 4242 (fake) total-vm:1kB\n"
                "13,102,5000002,-;oom_reaper: reaped process 4242 (fake), now anon-rss:0kB\n");
        assert_int_equal(r.n_kills, 0);
        assert_int_equal(r.stats.other_lines, 3);
        oomlog_result_free(&r);
}

static void test_kmsg_escaped_multiline(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "6,1,1000000,-;memory: usage 1024kB, limit 1024kB, failcnt 3\n"
                "6,2,1000001,-;Memory cgroup stats for /t:\\x0aanon 1048576\\x0afile 4096\\x0afile_dirty 0\n"
                " SUBSYSTEM=memory\n"
                "6,3,1000002,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),\n"
                "oom_memcg=/t,task_memcg=/t,task=a,pid=9,uid=0\n"
                "3,4,1000003,-;Memory cgroup out of memory: Killed process 9 (a) total-vm:9kB, anon-rss:8kB\n");
        assert_int_equal(r.n_kills, 1);
        const struct oom_kill *k = &r.kills[0];
        assert_int_equal(k->scope, OOM_SCOPE_MEMCG);
        assert_string_equal(k->task_memcg, "/t");
        assert_int_equal(k->n_stats, 3);
        assert_string_equal(k->stats[0].key, "anon");
        assert_int_equal(k->stats[0].value, 1048576);
        assert_int_equal(k->memcg_failcnt, 3);
        oomlog_result_free(&r);
}

#define FORGED_SUM                                                                               \
        "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/r/B,task_memcg=/r/B,task=sleep,pid=4242,uid=0"

struct forgery {
        const char *what, *log;
        size_t kills;
};

/* Text others choose, quoted inside a kernel record, is no kill: from the
 * kernel's own log (/dev/kmsg records) an OOM message counts only from a
 * record's start, and a record is split at an escaped newline only for the
 * kernel's own memory.stat dump. */
static const struct forgery forgeries[] = {
        {"an audit record quoting an executable path (SECCOMP_RET_LOG)",
         "5,10,1000000,-;audit: type=1326 audit(1.0:8): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=77 comm=\"seclog\" exe=\"/tmp/" FORGED_SUM
         "\" sig=0 arch=c000003e syscall=39 compat=0 ip=0x401000 code=0x7ffc0000\n"
         "5,11,1000001,-;audit: type=1326 audit(1.0:9): pid=77 comm=\"seclog\" exe=\"/tmp/Memory cgroup out of memory: Killed process 4242 (sleep) total-vm:1kB\" sig=0\n",
         0},
        {"an escaped newline in a record that is no memory.stat dump",
         "3,12,1000002,-;EXT4-fs error (device loop0): bad name x\\x0a" FORGED_SUM
         "\\x0aMemory cgroup out of memory: Killed process 4242 (sleep) total-vm:1kB\n",
         0},
        {"after a stats header, a record whose lines are not all \"key value\"",
         "6,13,1000003,-;Memory cgroup stats for /r/A:\n"
         "6,14,1000004,-;anon 4096\\x0a" FORGED_SUM
         "\\x0aMemory cgroup out of memory: Killed process 4242 (sleep) total-vm:1kB\n",
         0},
        {"a process named \"Killed process9\" that invokes the OOM killer",
         "4,15,1000005,-;Killed process9 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
         "4,16,1000006,-;CPU: 0 UID: 0 PID: 9 Comm: Killed process9 Not tainted 6.18.0 #1\n",
         0},
        {"the same in a pasted log",
         "[1.000005] Killed process9 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
         "[1.000006] CPU: 0 UID: 0 PID: 9 Comm: Killed process9 Not tainted 6.18.0 #1\n",
         0},
        {"a 15-byte name that segfaults in a file named like a kill",
         "6,17,1000007,-;Out of memory: [1234]: segfault at 0 ip 0 sp 0 error 4 in Killed process 4242 (sleep) total-vm:1kB[401000+1000]\n",
         0},
        /* pasted logs keep finding messages anywhere (wrappers are unknown) */
        {"the audit record pasted (dmesg)",
         "[1.000000] audit: type=1326 audit(1.0:8): pid=77 comm=\"seclog\" exe=\"/tmp/" FORGED_SUM
         "\" sig=0\n",
         1},
};

static void test_kmsg_forgeries(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(forgeries) / sizeof(forgeries[0]); i++) {
                struct oomlog_result r = parse_str(forgeries[i].log);
                if (r.n_kills != forgeries[i].kills)
                        fail_msg("%s: %zu kills, want %zu", forgeries[i].what, r.n_kills,
                                 forgeries[i].kills);
                oomlog_result_free(&r);
        }
}

static void test_kmsg_real_records(void **state)
{
        (void)state; /* what the kernel prints still is a kill, whoever invoked */
        struct oomlog_result r = parse_str(
                "4,20,2000000,-;Killed process9 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
                "6,21,2000001,-;memory: usage 32768kB, limit 32768kB, failcnt 12\n"
                "6,22,2000002,-;Memory cgroup stats for /r/A/q,task_memcg=/r/B:\n"
                "6,23,2000003,-;anon 33554432\\x0afile 4096\\x0afile_dirty 0\n"
                "6,24,2000004,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/r/A/q,task_memcg=/r/B,task_memcg=/r/A/q,task_memcg=/r/B,task=hog,pid=77,uid=0\n"
                "3,25,2000005,-;Memory cgroup out of memory: Killed process 77 (hog) total-vm:40000kB, anon-rss:32000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB oom_score_adj:0\n");
        assert_int_equal(r.n_kills, 1);
        const struct oom_kill *k = &r.kills[0];
        assert_int_equal(k->victim_pid, 77);
        assert_string_equal(k->invoker_comm, "Killed process9");
        assert_string_equal(k->task_memcg, "/r/A/q,task_memcg=/r/B");
        assert_string_equal(k->oom_memcg, "/r/A/q,task_memcg=/r/B");
        assert_int_equal(k->scope, OOM_SCOPE_MEMCG);
        assert_int_equal(k->n_stats, 3);
        assert_int_equal(k->memcg_failcnt, 12);
        oomlog_result_free(&r);
}

static void test_newest_first(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "[200.3] Killed process 20 (b) total-vm:2kB, anon-rss:2kB\n"
                "[200.2] Memory cgroup out of memory: Kill process 20 (b) score 1 or sacrifice child\n"
                "[200.1] Task in /q/b killed as a result of limit of /q\n"
                "[200.0] b invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0\n"
                "[100.3] Killed process 10 (a) total-vm:1kB, anon-rss:1kB\n"
                "[100.2] Memory cgroup out of memory: Kill process 10 (a) score 1 or sacrifice child\n"
                "[100.1] Task in /q/a killed as a result of limit of /q/a\n"
                "[100.0] a invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0\n");
        assert_true(r.stats.reversed);
        assert_int_equal(r.n_kills, 2);
        assert_int_equal(r.kills[0].victim_pid, 10); /* log order: oldest first */
        assert_int_equal(r.kills[0].scope, OOM_SCOPE_MEMCG);
        assert_int_equal(r.kills[1].scope, OOM_SCOPE_ANCESTOR);
        assert_string_equal(r.kills[1].invoker_comm, "b");
        oomlog_result_free(&r);
}

static void test_wrapped_lines(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "[   65.470256] \n"
                "oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=test,mems_allowed=0,global_oom,task_memcg=/u/s.scope,task=mk,pid=1968,uid=0\n"
                "Apr  4 09:08:53 debian kernel: [   65.481992] Out of memory: Killed \n"
                "process 1968 (mk) total-vm:2099436kB, anon-rss:1971712kB, \n"
                "file-rss:1024kB, shmem-rss:0kB, UID:0 pgtables:3904kB oom_score_adj:0\n"
                "[ 70.0] Task in /w killed as a result of limit of /w\n"
                "[ 70.0] Memory cgroup stats for /w: cache:0KB rss:512000KB inactive_anon:256056KB a\n"
                "ctive_anon:255920KB inactive_file:0KB\n"
                "[ 70.0] Memory cgroup out of memory: Kill process 77 (w) score 941 or sacrifice child\n"
                "[ 70.0] Killed process 77 (w) total-vm:2539084kB, anon-rss:510612kB, file-rss:824kB\n");
        assert_int_equal(r.n_kills, 2);
        const struct oom_kill *a = kill_by_pid(&r, 1968), *b = kill_by_pid(&r, 77);
        assert_int_equal(a->scope, OOM_SCOPE_CPUSET);
        assert_int_equal(a->file_rss_kb, 1024);
        assert_int_equal(a->oom_score_adj, 0);
        assert_int_equal(b->scope, OOM_SCOPE_MEMCG);
        bool found = false;
        for (size_t i = 0; i < b->n_stats; i++)
                found |= strcmp(b->stats[i].key, "active_anon_kb") == 0 &&
                         b->stats[i].value == 255920;
        assert_true(found);
        oomlog_result_free(&r);
}

static void test_burst_inference(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "Aug 16 20:29:54 h kernel: Killed process 1 (t), UID 0, total-vm:7kB, anon-rss:1kB\n"
                "Aug 16 20:29:54 h kernel: Memory cgroup out of memory: Kill process 2 (t) score 0 or sacrifice child\n"
                "Aug 16 20:29:54 h kernel: Killed process 2 (t), UID 0, total-vm:7kB, anon-rss:1kB\n"
                "Aug 16 23:00:00 h kernel: Killed process 3 (t), UID 0, total-vm:7kB, anon-rss:1kB\n");
        assert_int_equal(r.n_kills, 3);
        assert_int_equal(kill_by_pid(&r, 1)->scope, OOM_SCOPE_MEMCG_UNRESOLVED);
        assert_true(kill_by_pid(&r, 1)->flags & OOM_KILL_SCOPE_INFERRED);
        assert_int_equal(kill_by_pid(&r, 2)->scope, OOM_SCOPE_MEMCG_UNRESOLVED);
        assert_int_equal(kill_by_pid(&r, 3)->scope, OOM_SCOPE_UNKNOWN);
        assert_null(kill_by_pid(&r, 3)->constraint);
        oomlog_result_free(&r);
}

static void test_reaper_and_partial(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "[1.0] oom_reaper: reaped process 55 (lost), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n"
                "[500.0] Task in /1037/uid killed as a result of limit of /1037\n"
                "[500.0] memory: usage 102400kB, limit 102400kB, failcnt 736\n");
        assert_int_equal(r.n_kills, 2);
        assert_int_equal(r.kills[0].victim_pid, 55);
        assert_true(r.kills[0].reaped);
        assert_true(r.kills[0].flags & OOM_KILL_REAPER_ONLY);
        assert_true(r.kills[1].victim_pid == OG_NONE);
        assert_true(r.kills[1].flags & OOM_KILL_PARTIAL);
        assert_int_equal(r.kills[1].scope, OOM_SCOPE_ANCESTOR);
        assert_int_equal(r.kills[1].memcg_limit_kb, 102400);
        oomlog_result_free(&r);
}

static void test_bare_line_takes_previous_time(void **state)
{
        (void)state; /* a report cut before its kill, minutes before another
                      * whose oom-kill: line lost its prefix */
        struct oomlog_result r = parse_str(
                "[Wed Feb 19 06:41:03 2025] Task in /ecs/t/c killed as a result of limit of /ecs/t/c\n"
                "[Wed Feb 19 06:41:03 2025] memory: usage 1048576kB, limit 1048576kB, failcnt 3\n"
                "[Wed Feb 19 06:48:00 2025] \n"
                "oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=test,mems_allowed=0,global_oom,task_memcg=/user.slice,task=memkiller,pid=1968,uid=0\n"
                "[Wed Feb 19 06:48:00 2025] Out of memory: Killed process 1968 (memkiller) total-vm:9kB, anon-rss:8kB\n");
        assert_int_equal(r.n_kills, 2);
        assert_true(r.kills[0].victim_pid == OG_NONE);
        assert_int_equal(r.kills[0].scope, OOM_SCOPE_MEMCG);
        assert_int_equal(r.kills[0].memcg_limit_kb, 1048576);
        assert_int_equal(r.kills[1].victim_pid, 1968);
        assert_int_equal(r.kills[1].scope, OOM_SCOPE_CPUSET);
        oomlog_result_free(&r);
}

/* Wrappers people paste kernel logs in: each row's log must give one kill
 * with this pid, scope and anon-rss. */
static const struct {
        const char *what, *log;
        int64_t pid, anon_kb;
        enum oom_scope scope;
} wrapped[] = {
        {"journalctl -o json",
         "{\"__MONOTONIC_TIMESTAMP\":\"65481992\",\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/k/p,task_memcg=/k/p/c,task=java,pid=42,uid=0\"}\n"
         "{\"__MONOTONIC_TIMESTAMP\":\"65481993\",\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"Memory cgroup out of memory: Killed process 42 (java) total-vm:9kB, anon-rss:8kB, file-rss:0kB\"}\n",
         42, 8, OOM_SCOPE_ANCESTOR},
        {"pretty-printed, newest first, thousands separators",
         "[\n  {\n    \"@timestamp\": \"2024-02-03T19:57:08.123Z\",\n"
         "    \"message\": \"Feb  3 19:57:08 n1 kernel: [12.5] Memory cgroup out of memory: Killed process 31 (node) total-vm:1,234,567kB, anon-rss:26,184,840kB, file-rss:0kB\"\n  },\n"
         "  {\n    \"@timestamp\": \"2024-02-03T19:57:08.120Z\",\n"
         "    \"message\": \"Feb  3 19:57:08 n1 kernel: [12.4] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/k/p/c,task_memcg=/k/p/c,task=node,pid=31,uid=0\"\n  }\n]\n",
         31, 26184840, OOM_SCOPE_MEMCG},
        {"event object, escapes, cut mid-object",
         "{\"kind\":\"Event\",\"reason\":\"OOMKilling\",\"message\":\"Memory cgroup out of memory: Killed process 7 (a\\u0062c) total-vm:9kB, anon-rss:5kB, file-rss:0kB\\n\",\"source\":{\"comp",
         7, 5, OOM_SCOPE_MEMCG_UNRESOLVED},
        {"Loki export, newest first",
         "{\"timestamp\":\"2024-02-03T19:57:12.130Z\",\"line\":\"Memory cgroup out of memory: Killed process 55 (app) total-vm:9kB, anon-rss:7kB, file-rss:0kB\"}\n"
         "{\"timestamp\":\"2024-02-03T19:57:11.125Z\",\"line\":\"[  55]     0    55    28100    26296      66       3        0          999 app\"}\n"
         "{\"timestamp\":\"2024-02-03T19:57:10.124Z\",\"line\":\"[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\"}\n"
         "{\"timestamp\":\"2024-02-03T19:57:09.120Z\",\"line\":\"Task in /k/p/c killed as a result of limit of /k/p\"}\n"
         "{\"timestamp\":\"2024-02-03T19:57:08.110Z\",\"line\":\"app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\"}\n",
         55, 7, OOM_SCOPE_ANCESTOR},
        {"journalctl -o verbose",
         "Sat 2024-02-03 19:57:08.123456 UTC [s=a;i=1;b=d;m=3e;t=61;x=1]\n"
         "    _TRANSPORT=kernel\n    PRIORITY=3\n    SYSLOG_IDENTIFIER=kernel\n"
         "    MESSAGE=oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/u,task=py,pid=9,uid=0\n"
         "Sat 2024-02-03 19:57:08.123500 UTC [s=a;i=2;b=d;m=3f;t=62;x=2]\n"
         "    _TRANSPORT=kernel\n"
         "    MESSAGE=Out of memory: Killed process 9 (py) total-vm:10kB, anon-rss:5kB, file-rss:0kB\n",
         9, 5, OOM_SCOPE_GLOBAL},
        {"journalctl -o export",
         "__CURSOR=s=a;i=1\n__REALTIME_TIMESTAMP=1706990228123456\n_TRANSPORT=kernel\n"
         "MESSAGE=Out of memory: Killed process 11 (py) total-vm:10kB, anon-rss:6kB, file-rss:0kB\n\n",
         11, 6, OOM_SCOPE_GLOBAL},
        {"C string literals",
         "static const char *log =\n"
         "        \"[  65.1] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/u,task=s,pid=77,uid=0\\n\"\n"
         "        \"[  65.2] Out of memory: Killed process 77 (s) total-vm:9kB, anon-rss:4kB, file-rss:0kB\\n\";\n",
         77, 4, OOM_SCOPE_GLOBAL},
        {"Python list of literals",
         "lines = [\n    '[65.2] Out of memory: Killed process 78 (s) total-vm:9kB, anon-rss:3kB, file-rss:0kB',\n]\n",
         78, 3, OOM_SCOPE_GLOBAL},
        {"table export, newest first, separator row",
         "| time | host | program | message |\n| --- | --- | --- | --- |\n"
         "|2024-02-03T19:57:12.130Z|n1|kernel|Memory cgroup out of memory: Killed process 55 (app) total-vm:9kB, anon-rss:7kB, file-rss:0kB|\n"
         "|2024-02-03T19:57:11.125Z|n1|kernel|[  55]     0    55    28100    26296      66       3        0          999 app|\n"
         "|2024-02-03T19:57:10.124Z|n1|kernel|[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name|\n"
         "|2024-02-03T19:57:09.120Z|n1|kernel|Task in /k/p/c killed as a result of limit of /k/p|\n"
         "|2024-02-03T19:57:08.110Z|n1|kernel|app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0|\n",
         55, 7, OOM_SCOPE_ANCESTOR},
        {"collector prefix",
         "err|kernel[-]|[  123.456] Task in /k/p/c killed as a result of limit of /k/p/c\n"
         "info|sshd[22]|[  123.456] Accepted publickey for root\n"
         "err|kernel[-]|[  123.457] Memory cgroup out of memory: Killed process 56 (app) total-vm:9kB, anon-rss:7kB, file-rss:0kB\n",
         56, 7, OOM_SCOPE_MEMCG},
        {"number cut mid-digit",
         "[65.2] Out of memory: Killed process 79 (s) total-vm:9kB, anon-rss:12", 79, OG_NONE,
         OOM_SCOPE_GLOBAL},
};

static void test_wrappers(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(wrapped) / sizeof(wrapped[0]); i++) {
                struct oomlog_result r = parse_str(wrapped[i].log);
                print_message("%s\n", wrapped[i].what);
                assert_int_equal(r.n_kills, 1);
                assert_int_equal(r.kills[0].victim_pid, wrapped[i].pid);
                assert_int_equal(r.kills[0].anon_rss_kb, wrapped[i].anon_kb);
                assert_int_equal(r.kills[0].scope, wrapped[i].scope);
                oomlog_result_free(&r);
        }
}

static void test_global_kill_not_borrowing_memcg(void **state)
{
        (void)state; /* a memcg report cut before its kill, then another
                      * OOM's kill line with the non-memcg prefix */
        struct oomlog_result r = parse_str(
                "[ 500.0] app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
                "[ 500.1] Task in /docker/abc killed as a result of limit of /docker/abc\n"
                "[ 500.1] memory: usage 102400kB, limit 102400kB, failcnt 736\n"
                "[ 500.3] Out of memory: Killed process 913 (db) total-vm:9kB, anon-rss:8kB, file-rss:0kB\n");
        assert_int_equal(r.n_kills, 2);
        assert_true(r.kills[0].victim_pid == OG_NONE);
        assert_int_equal(r.kills[0].scope, OOM_SCOPE_MEMCG);
        assert_int_equal(r.kills[1].victim_pid, 913);
        assert_int_equal(r.kills[1].scope, OOM_SCOPE_GLOBAL);
        assert_null(r.kills[1].oom_memcg);
        oomlog_result_free(&r);
}

static void test_kmsg_elided_path(void **state)
{
        (void)state; /* a kmsg record whose paths someone shortened by hand */
        struct oomlog_result r = parse_str(
                "6,100,5000000,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=c,mems_allowed=0-1,"
                "oom_memcg=/lxc.payload....-lxc/kubepods.slice/pod1.slice,"
                "task_memcg=/lxc.payload.ny2g-lxc/kubepods.slice/pod1.slice/cri-c.scope,task=pt,pid=461754,uid=0\n"
                "6,101,5000100,-;Memory cgroup out of memory: Killed process 461754 (pt) total-vm:9kB, anon-rss:8kB, file-rss:0kB\n");
        assert_int_equal(r.n_kills, 1);
        assert_int_equal(r.kills[0].scope, OOM_SCOPE_ANCESTOR);
        oomlog_result_free(&r);
}

static void test_kmsg_wall_clock(void **state)
{
        (void)state; /* a kmsg kill, the host booted at 2024-02-03 19:00:00 UTC */
        struct oomlog_result r = parse_str(
                "6,1,3428123456,-;Out of memory: Killed process 9 (a) total-vm:9kB, anon-rss:8kB, file-rss:0kB\n");
        assert_int_equal(r.n_kills, 1);
        struct explain_clock clock = {1706986800.0};
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        assert_int_equal(explain_write_text_at(f, &r.kills[0], 0, 1, &clock), 0);
        assert_int_equal(explain_write_json_at(f, &r.kills[0], &clock), 0);
        assert_int_equal(explain_write_text_at(f, &r.kills[0], 0, 1, NULL), 0);
        fclose(f);
        assert_non_null(
                strstr(buf, "Kill 1 of 1 at 2024-02-03 19:57:08 UTC (3428.123456 s after boot)"));
        assert_non_null(strstr(
                buf,
                "\"timestamp\":\"3428123456\",\"wall_time\":\"2024-02-03T19:57:08.123456Z\",\"seconds_after_boot\":3428.123456}\n"));
        assert_non_null(strstr(buf, "Kill 1 of 1 at 3428.123456 s after boot ["));
        free(buf);
        oomlog_result_free(&r);
}

static void test_text_says_when_it_infers(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "[ 500.1] memory: usage 102400kB, limit 102400kB, failcnt 736\n"
                "[ 500.1] Memory cgroup stats for /docker/abc: cache:0KB rss:100000KB\n"
                "[ 500.2] Memory cgroup out of memory: Kill process 812 (app) score 999 or sacrifice child\n"
                "[ 500.2] Killed process 812 (app) total-vm:9kB, anon-rss:8kB, file-rss:0kB\n"
                "[ 900.3] Out of memory: Killed process 913 (db) total-vm:9kB, anon-rss:8kB, file-rss:0kB\n");
        assert_int_equal(r.n_kills, 2);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        for (size_t i = 0; i < r.n_kills; i++)
                assert_int_equal(explain_write_text(f, &r.kills[i], i, r.n_kills), 0);
        fclose(f);
        const char *second = strstr(buf, "Kill 2 of 2");
        assert_non_null(second);
        const char *c = strstr(buf, "(Cgroup inferred from the memory statistics");
        assert_true(c && c < second);
        assert_non_null(strstr(second, "(Inferred from the kill line's prefix"));
        free(buf);
        oomlog_result_free(&r);
}

static void test_counter_separators_and_cuts(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "[9.0] Task in /a/b killed as a result of limit of /a\n"
                "[9.0] memory: usage 1,048,576kB, limit 1,048,576kB, failcnt 12\n"
                "[9.0] memory+swap: usage 2097152kB, limit 20971\n"
                "[9.1] Memory cgroup out of memory: Killed process 5 (x) total-vm:9kB, anon-rss:8kB, file-rss:0kB\n");
        assert_int_equal(r.n_kills, 1);
        assert_int_equal(r.kills[0].memcg_usage_kb, 1048576);
        assert_int_equal(r.kills[0].memcg_limit_kb, 1048576);
        assert_int_equal(r.kills[0].memsw_usage_kb, 2097152);
        assert_true(r.kills[0].memsw_limit_kb == OG_NONE); /* cut mid-digit */
        oomlog_result_free(&r);
}

static void test_event_gap_splits(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "[41066.5] firefox invoked oom-killer: gfp_mask=0x2400040, order=0, oom_score_adj=0\n"
                "[41107.8] Task in /lxc/a/s killed as a result of limit of /lxc/a\n"
                "[41107.8] Memory cgroup out of memory: Kill process 3 (x) score 1 or sacrifice child\n"
                "[41107.8] Killed process 3 (x) total-vm:1kB, anon-rss:1kB\n");
        assert_int_equal(r.n_kills, 1);
        assert_null(r.kills[0].invoker_comm); /* 41 s apart: another OOM */
        assert_int_equal(r.stats.orphan_invocations, 1);
        oomlog_result_free(&r);
}

static void test_iso_without_host(void **state)
{
        (void)state; /* dmesg --time-format iso: no host, no tag */
        struct oomlog_result r = parse_str(
                "2024-01-05T02:12:02,100000+00:00 a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
                "2024-01-05T02:12:02,100001+00:00 CPU: 1 PID: 77 Comm: a Not tainted 6.1.0 #1\n"
                "2024-01-05T02:12:02,100002+00:00 memory: usage 1024kB, limit 1024kB, failcnt 9\n"
                "2024-01-05T02:12:02,100003+00:00 swap: usage 0kB, limit 0kB, failcnt 0\n"
                "2024-01-05T02:12:02,100004+00:00 oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/s,task_memcg=/s,task=a,pid=77,uid=0\n"
                "2024-01-05T02:12:02,100005+00:00 Memory cgroup out of memory: Killed process 77 (a) total-vm:9kB, anon-rss:8kB\n"
                "2024-01-05T02:12:02,100006+00:00 oom_reaper: reaped process 77 (a), now anon-rss:0kB\n");
        assert_int_equal(r.n_kills, 1);
        assert_int_equal(r.kills[0].memcg_failcnt, 9);
        assert_int_equal(r.kills[0].swap_limit_kb, 0);
        assert_int_equal(r.kills[0].invoker_pid, 77);
        assert_true(r.kills[0].reaped);
        assert_int_equal(r.kills[0].scope, OOM_SCOPE_MEMCG);
        oomlog_result_free(&r);
}

static void test_pid_reuse_is_another_kill(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "[ 100.0000] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),oom_memcg=/a,task_memcg=/a,task=a,pid=500,uid=0\n"
                "[ 100.0002] Memory cgroup out of memory: Killed process 500 (a) total-vm:1000kB, anon-rss:1kB\n"
                "[9000.0001] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),global_oom,task_memcg=/b,task=b,pid=500,uid=1000\n"
                "[9000.0002] Out of memory: Killed process 500 (b) total-vm:2000kB, anon-rss:2kB, UID:1000\n");
        assert_int_equal(r.n_kills, 2);
        assert_int_equal(r.kills[0].scope, OOM_SCOPE_MEMCG);
        assert_string_equal(r.kills[0].victim_comm, "a");
        assert_int_equal(r.kills[0].total_vm_kb, 1000);
        assert_int_equal(r.kills[1].scope, OOM_SCOPE_GLOBAL);
        assert_string_equal(r.kills[1].victim_comm, "b");
        assert_int_equal(r.kills[1].victim_uid, 1000);
        oomlog_result_free(&r);
}

static void test_sacrificed_child_4_19(void **state)
{
        (void)state; /* summary names the parent, Killed names the child */
        struct oomlog_result r = parse_str(
                "[5.0] p invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
                "[5.1] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/k/pod,task_memcg=/k/pod/ctr,task=parent,pid=100,uid=0\n"
                "[5.1] Memory cgroup out of memory: Kill process 100 (parent) score 900 or sacrifice child\n"
                "[5.2] Killed process 101 (helper) total-vm:10kB, anon-rss:5kB, file-rss:0kB, shmem-rss:0kB\n");
        assert_int_equal(r.n_kills, 1);
        assert_int_equal(r.kills[0].victim_pid, 101);
        assert_string_equal(r.kills[0].victim_comm, "helper");
        assert_string_equal(r.kills[0].task_memcg, "/k/pod/ctr");
        assert_int_equal(r.kills[0].scope, OOM_SCOPE_ANCESTOR);
        oomlog_result_free(&r);
}

static void test_decoys(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "Oct 12 19:00:20 n kernel: [8523.3] Memory cgroup out of memory: Killed process 9 (s) total-vm:1kB, anon-rss:1kB\n"
                "Oct 12 19:00:20 n node-problem-detector[3240]: Message:Memory cgroup out of memory: Killed process 9 (s)\n"
                "Oct 12 19:00:21 n containerd[1]: msg=\"shim reaped\" id=abc\n"
                "Oct 12 19:00:22 n dockerd[2]: Killed process 77 (evil) total-vm:1kB\n"
                "Oct 12 19:00:22 n kernel: [8524.0] Xorg: page allocation failure: order:0, mode:0x0, nodemask=(null),cpuset=/,mems_allowed=0\n");
        assert_int_equal(r.n_kills, 1);
        assert_int_equal(r.kills[0].victim_pid, 9);
        oomlog_result_free(&r);
}

static void test_hostile_inputs(void **state)
{
        (void)state;
        size_t big = 10u << 20;
        char *buf = malloc(big + 64);
        assert_non_null(buf);
        /* a 10 MB line that starts like a kill */
        int n = snprintf(buf, 64, "Killed process 5 (x) total-vm:1kB ");
        memset(buf + n, 'A', big - (size_t)n);
        struct oomlog_result r;
        assert_int_equal(oomlog_parse(buf, big, &r, NULL), 0);
        assert_int_equal(r.n_kills, 1);
        assert_int_equal(r.stats.long_lines, 1);
        oomlog_result_free(&r);
        /* NUL bytes everywhere, and binary garbage from a fixed seed */
        memset(buf, 0, big);
        assert_int_equal(oomlog_parse(buf, 1u << 20, &r, NULL), 0);
        assert_int_equal(r.n_kills, 0);
        oomlog_result_free(&r);
        uint32_t x = 12345;
        for (size_t i = 0; i < big; i++) {
                x = x * 1103515245u + 12345u;
                buf[i] = (char)(x >> 16);
        }
        assert_int_equal(oomlog_parse(buf, big, &r, NULL), 0);
        oomlog_result_free(&r);
        /* NULs inside a kill line: the text before the NUL still counts */
        const char nul[] = "[1.0] Killed process 8 (a\0b) total-vm:1kB\n";
        assert_int_equal(oomlog_parse(nul, sizeof(nul) - 1, &r, NULL), 0);
        assert_int_equal(r.n_kills, 1);
        oomlog_result_free(&r);
        free(buf);
}

static void test_many_kills_bounded(void **state)
{
        (void)state;
        size_t n = 200000, cap = n * 64;
        char *buf = malloc(cap), *p = buf;
        for (size_t i = 0; i < n; i++)
                p += sprintf(p, "[%zu.0] Killed process %zu (k) total-vm:1kB\n", i, i + 1);
        struct oomlog_result r;
        assert_int_equal(oomlog_parse(buf, (size_t)(p - buf), &r, NULL), 0);
        assert_int_equal(r.n_kills, n);
        assert_int_equal(r.kills[n - 1].victim_pid, (int64_t)n);
        oomlog_result_free(&r);
        free(buf);
}

static void test_streaming_equals_buffer(void **state)
{
        (void)state;
        const char *log =
                "[1.0] a invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=5\n"
                "[1.0] CPU: 0 PID: 42 Comm: a Not tainted 4.4.0 #1\n"
                "[1.0] Task in /d/x killed as a result of limit of /d/x\n"
                "[1.0] Memory cgroup out of memory: Kill process 42 (a) score 1 or sacrifice child\n"
                "[1.0] Killed process 42 (a) total-vm:1kB, anon-rss:1kB\n";
        struct oomlog *p = oomlog_new();
        for (const char *s = log; *s;) {
                const char *nl = strchr(s, '\n');
                assert_int_equal(oomlog_feed_line(p, s, (size_t)(nl - s)), 0);
                s = nl + 1;
        }
        struct oomlog_result a, b = parse_str(log);
        assert_int_equal(oomlog_finish(p, &a), 0);
        assert_int_equal(a.n_kills, 1);
        assert_int_equal(b.n_kills, 1);
        assert_int_equal(a.kills[0].oom_score_adj, 5); /* invoker == victim */
        assert_int_equal(a.kills[0].invoker_pid, 42);
        assert_int_equal(a.kills[0].scope, b.kills[0].scope);
        assert_string_equal(a.kills[0].oom_memcg, b.kills[0].oom_memcg);
        oomlog_result_free(&a);
        oomlog_result_free(&b);
}

static const char *const contract[] = {
        "scope",          "killer",        "constraint",    "oom_memcg",     "task_memcg",
        "victim_pid",     "victim_comm",   "victim_uid",    "total_vm_kb",   "anon_rss_kb",
        "file_rss_kb",    "shmem_rss_kb",  "oom_score_adj", "container_id",  "pod_uid",
        "invoker_comm",   "invoker_pid",   "gfp_mask",      "order",         "memcg_usage_kb",
        "memcg_limit_kb", "memcg_failcnt", "swap_usage_kb", "swap_limit_kb", "memsw_usage_kb",
        "memsw_limit_kb", "memcg_stats",   "timestamp",
};

static void test_json_contract(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "[3.5] Memory cgroup out of memory: Killed process 7 (bad\xff\x01name) total-vm:1kB, anon-rss:2kB\n");
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        assert_int_equal(explain_write_json(f, &r.kills[0]), 0);
        fclose(f);
        char err[128];
        yajl_val doc = yajl_tree_parse(out, err, sizeof(err));
        assert_non_null(doc);
        assert_true(YAJL_IS_OBJECT(doc));
        assert_int_equal(YAJL_GET_OBJECT(doc)->len, sizeof(contract) / sizeof(contract[0]));
        for (size_t i = 0; i < sizeof(contract) / sizeof(contract[0]); i++)
                assert_string_equal(YAJL_GET_OBJECT(doc)->keys[i], contract[i]);
        const char *p1[] = {"victim_comm", NULL}, *p2[] = {"oom_memcg", NULL},
                   *p3[] = {"scope", NULL}, *p4[] = {"timestamp", NULL};
        assert_string_equal(YAJL_GET_STRING(yajl_tree_get(doc, p1, yajl_t_string)), "bad??name");
        assert_true(YAJL_IS_NULL(yajl_tree_get(doc, p2, yajl_t_any)));
        assert_string_equal(YAJL_GET_STRING(yajl_tree_get(doc, p3, yajl_t_string)),
                            "memcg-unresolved");
        assert_string_equal(YAJL_GET_STRING(yajl_tree_get(doc, p4, yajl_t_string)), "3.5");
        yajl_tree_free(doc);
        free(out);
        oomlog_result_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_interleaved_pairs_by_pid),
                cmocka_unit_test(test_oom_group),
                cmocka_unit_test(test_no_victim_and_orphans),
                cmocka_unit_test(test_kmsg_no_victim),
                cmocka_unit_test(test_kmsg_user_facility_never_kills),
                cmocka_unit_test(test_kmsg_escaped_multiline),
                cmocka_unit_test(test_kmsg_forgeries),
                cmocka_unit_test(test_kmsg_real_records),
                cmocka_unit_test(test_newest_first),
                cmocka_unit_test(test_wrapped_lines),
                cmocka_unit_test(test_bare_line_takes_previous_time),
                cmocka_unit_test(test_wrappers),
                cmocka_unit_test(test_counter_separators_and_cuts),
                cmocka_unit_test(test_text_says_when_it_infers),
                cmocka_unit_test(test_kmsg_wall_clock),
                cmocka_unit_test(test_kmsg_elided_path),
                cmocka_unit_test(test_global_kill_not_borrowing_memcg),
                cmocka_unit_test(test_burst_inference),
                cmocka_unit_test(test_reaper_and_partial),
                cmocka_unit_test(test_event_gap_splits),
                cmocka_unit_test(test_iso_without_host),
                cmocka_unit_test(test_pid_reuse_is_another_kill),
                cmocka_unit_test(test_sacrificed_child_4_19),
                cmocka_unit_test(test_decoys),
                cmocka_unit_test(test_hostile_inputs),
                cmocka_unit_test(test_many_kills_bounded),
                cmocka_unit_test(test_streaming_equals_buffer),
                cmocka_unit_test(test_json_contract),
        };
        return cmocka_run_group_tests_name("oomlog", tests, NULL, NULL);
}
