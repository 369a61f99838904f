/* SPDX-License-Identifier: MIT */
/* Userspace OOM killers' lines: each tool's parser on lines from real logs
 * (the issues tests/corpus/real r43-r49 cite, and earlyoom#121/#131 for its
 * older forms), the identifier rule (quoted or forged text is never a
 * record), and that kernel kills stay what they were. */
#define _GNU_SOURCE
#include "testutil.h"

#include "userkill.h"

static bool span_is(struct uk_span s, const char *want)
{
        return s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

#define assert_span(s, want)                                                                     \
        do {                                                                                     \
                if (!span_is((s), (want)))                                                       \
                        fail_msg("got '%.*s', want '%s'", (int)(s).n, (s).p ? (s).p : "",        \
                                 (want));                                                        \
        } while (0)

static struct uk_line parse(enum uk_tool t, const char *m)
{
        struct uk_line u;
        assert_true(uk_parse(t, m, strlen(m), &u));
        return u;
}

static void test_tool_of_identifier(void **state)
{
        (void)state;
        static const struct {
                const char *ident;
                enum uk_tool want;
        } cases[] = {
                {"systemd-oomd[840]", UK_SYSTEMD_OOMD},
                {"systemd-oomd", UK_SYSTEMD_OOMD},
                {"earlyoom[1233]:", UK_EARLYOOM},
                {"earlyoom", UK_EARLYOOM},
                {"nohang[530]", UK_NOHANG},
                {"nohang-desktop[11871]", UK_NOHANG},
                {"lowmemorykiller", UK_LMKD},
                {"kubelet[2480]", UK_KUBELET},
                {"systemd[1837]", UK_NONE},
                {"kernel", UK_NONE},
                {"earlyoomd", UK_NONE},
                {"oomd", UK_NONE},
                {"k", UK_NONE},
                {"", UK_NONE},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                if (uk_tool_of(cases[i].ident, strlen(cases[i].ident)) != cases[i].want)
                        fail_msg("%s", cases[i].ident);
        assert_string_equal(uk_tool_name(UK_KUBELET), "kubelet-eviction");
        assert_string_equal(uk_tool_name(UK_LMKD), "lmkd");
}

static void test_oomd(void **state)
{
        (void)state;
        struct uk_line u = parse(UK_SYSTEMD_OOMD,
                                 "Killed /user.slice/user-1001.slice/user@1001.service/app.slice/"
                                 "x.scope due to memory pressure for /user.slice/user-1001.slice/"
                                 "user@1001.service being 51.07% > 50.00% for > 20s with reclaim "
                                 "activity");
        assert_int_equal(u.kind, UK_LINE_KILL);
        assert_span(u.victim, "/user.slice/user-1001.slice/user@1001.service/app.slice/x.scope");
        assert_span(u.reason, "memory pressure for /user.slice/user-1001.slice/user@1001.service "
                              "being 51.07% > 50.00% for > 20s with reclaim activity");
        assert_true(u.pid == OG_NONE);
        u = parse(UK_SYSTEMD_OOMD, "Killed /app.slice/a.scope due to memory used (22369452032) / "
                                   "total (24681861120) and swap used (8589910016) / total "
                                   "(8589930496) being more than 90.00%");
        assert_span(u.victim, "/app.slice/a.scope");
        assert_span(u.reason, "memory used (22369452032) / total (24681861120) and swap used "
                              "(8589910016) / total (8589930496) being more than 90.00%");
        u = parse(UK_SYSTEMD_OOMD,
                  "Marked /system.slice/systemd-journald.service for killing due "
                  "to memory pressure for /system.slice being 85.03% > 80.00% "
                  "for > 2s with reclaim activity");
        assert_span(u.victim, "/system.slice/systemd-journald.service");
        assert_span(u.reason, "memory pressure for /system.slice being 85.03% > 80.00% for > 2s "
                              "with reclaim activity");
        struct uk_line n;
        const char * not [] = {"oomd attempting to kill 63 with KILL",
                               "Considered 19 cgroups for killing, top candidates were:",
                               "Memory pressure for /system.slice is 85.03% > 80.00% for > 2s",
                               "Killed /x", "Killed  due to y"};
        for (size_t i = 0; i < ARRAY_SIZE(not ); i++)
                assert_false(uk_parse(UK_SYSTEMD_OOMD, not [i], strlen(not [i]), &n));
}

static void test_earlyoom(void **state)
{
        (void)state;
        struct uk_line u = parse(UK_EARLYOOM, "sending SIGTERM to process 29410 uid 1000 "
                                              "\"cluster\": badness 1264, VmRSS 23964 MiB");
        assert_int_equal(u.kind, UK_LINE_KILL);
        assert_int_equal(u.pid, 29410);
        assert_int_equal(u.uid, 1000);
        assert_span(u.comm, "cluster");
        assert_span(u.signal, "SIGTERM");
        assert_span(u.detail, "badness 1264, VmRSS 23964 MiB");
        /* 1.3: no uid */
        u = parse(UK_EARLYOOM, "sending SIGTERM to process 12006 \"python3\": badness 209, "
                               "VmRSS 2891 MiB");
        assert_int_equal(u.pid, 12006);
        assert_true(u.uid == OG_NONE);
        assert_span(u.comm, "python3");
        /* 1.2 */
        u = parse(UK_EARLYOOM, "killing process 27541 \"bash\" with signal 15: badness 550, "
                               "VmRSS 7609 MiB");
        assert_int_equal(u.pid, 27541);
        assert_span(u.comm, "bash");
        assert_span(u.signal, "SIGTERM");
        assert_span(u.detail, "badness 550, VmRSS 7609 MiB");
        u = parse(UK_EARLYOOM, "low memory! at or below SIGTERM limits: mem 10.00%, swap 10.00%");
        assert_int_equal(u.kind, UK_LINE_REASON);
        assert_span(u.reason, "low memory! at or below SIGTERM limits: mem 10.00%, swap 10.00%");
        struct uk_line n;
        const char * not [] = {
                "mem avail:  2430 of 31808 MiB ( 7.64%), swap free: 1419 of 15903 MiB ( 8.93%)",
                "process exited after 0.1 seconds",
                "escalating to SIGKILL after 2.4 seconds",
                "pid   363: badness   0 vm_rss    2000 uid    0 \"systemd-udevd\" <--- new victim",
                "sending SIGTERM when mem <= 10.00% and swap <= 10.00%,",
                "sending SIGTERM to process x"};
        for (size_t i = 0; i < ARRAY_SIZE(not ); i++)
                assert_false(uk_parse(UK_EARLYOOM, not [i], strlen(not [i]), &n));
}

static void test_nohang(void **state)
{
        (void)state;
        struct uk_line u = parse(UK_NOHANG, "  Send SIGTERM to the victim; total response "
                                            "time: 2255 ms");
        assert_int_equal(u.kind, UK_LINE_KILL);
        assert_span(u.signal, "SIGTERM");
        assert_span(u.detail, "total response time: 2255 ms");
        u = parse(UK_NOHANG, "  MemAvailable [48 MiB, 0.4 %] <= soft_threshold_min_mem [710 MiB, "
                             "6.0 %]");
        assert_int_equal(u.kind, UK_LINE_REASON);
        u = parse(UK_NOHANG, "PSI avg (92.97) > sigterm_psi_threshold (90.0)");
        assert_int_equal(u.kind, UK_LINE_REASON);
        u = parse(UK_NOHANG, "  PID: 12297, Name: tail, badness: 727");
        assert_int_equal(u.kind, UK_LINE_VICTIM);
        assert_int_equal(u.pid, 12297);
        assert_span(u.comm, "tail");
        u = parse(UK_NOHANG, "  Name:      python3");
        assert_span(u.comm, "python3");
        u = parse(UK_NOHANG, "  PID:       32706");
        assert_int_equal(u.pid, 32706);
        struct uk_line n;
        const char * not [] = {"  MemAvailable: 49.2 MiB, SwapFree: 1470.2 MiB",
                               "The victim doesn't respond on corrective action in 0.031 sec",
                               "  Run the command: kill -TERM 12297",
                               "  Ancestry:  PID 31921 (bash) <= PID 31915 (konsole)"};
        for (size_t i = 0; i < ARRAY_SIZE(not ); i++)
                assert_false(uk_parse(UK_NOHANG, not [i], strlen(not [i]), &n));
}

static void test_lmkd(void **state)
{
        (void)state;
        struct uk_line u = parse(UK_LMKD, "Kill 'com.google.android.gms.unstable' (17933), uid "
                                          "10446, oom_score_adj 0 to free 140528kB rss, 37404kB "
                                          "swap; reason: device is not responding");
        assert_int_equal(u.kind, UK_LINE_KILL);
        assert_span(u.comm, "com.google.android.gms.unstable");
        assert_int_equal(u.pid, 17933);
        assert_int_equal(u.uid, 10446);
        assert_span(u.detail, "oom_score_adj 0 to free 140528kB rss, 37404kB swap");
        assert_span(u.reason, "device is not responding");
        struct uk_line n;
        const char *bad = "Kill 'com.foo' (x), uid 1";
        assert_false(uk_parse(UK_LMKD, bad, strlen(bad), &n));
}

static void test_kubelet(void **state)
{
        (void)state;
        struct uk_line u = parse(UK_KUBELET,
                                 "I1012 19:34:45.445172    2480 eviction_manager.go:595] "
                                 "\"Eviction manager: pod is evicted successfully\" "
                                 "pod=\"default/nginx\"");
        assert_int_equal(u.kind, UK_LINE_KILL);
        assert_span(u.victim, "default/nginx");
        u = parse(UK_KUBELET, "I0528 16:05:54.803000 2269385 eviction_manager.go:199] \"Eviction "
                              "manager: pods evicted, waiting for pod to be cleaned up\" "
                              "pods=[default/mysql]");
        assert_true(u.pod_list);
        assert_span(u.victim, "[default/mysql]");
        u = parse(UK_KUBELET, "W0411 04:19:22.000250   22453 eviction_manager.go:339] \"Eviction "
                              "manager: attempting to reclaim\" resourceName=\"memory\"");
        assert_int_equal(u.kind, UK_LINE_RECLAIM);
        assert_span(u.reason, "memory");
        u = parse(UK_KUBELET, "W0120 00:20:07.726836   32406 eviction_manager.go:332] eviction "
                              "manager: attempting to reclaim memory");
        assert_span(u.reason, "memory");
        struct uk_line n;
        const char * not [] = {
                "I1012 19:34:44.999261    2480 eviction_manager.go:374] \"Eviction manager: pods "
                "ranked for eviction\" pods=\"[default/nginx]\"",
                "I1012 19:34:45.000152    2480 kuberuntime_container.go:709] \"Killing container "
                "with a grace period\" pod=\"default/nginx\"",
                "I1012 19:34:45.445172 2480 x.go:1] \"Eviction manager: pod is evicted "
                "successfully\" pod=\"\""};
        for (size_t i = 0; i < ARRAY_SIZE(not ); i++)
                assert_false(uk_parse(UK_KUBELET, not [i], strlen(not [i]), &n));
}

/* Only the tool's own identifier makes a record: the same words inside a
 * systemd, kernel, dockerd or untagged line are quotes. */
static void test_quoted_and_forged_not_taken(void **state)
{
        (void)state;
        const char *logs[] = {
                "Dec 18 19:34:56 host systemd[1837]: x.scope: systemd-oomd killed 12 "
                "process(es) in this unit.\n",
                "Oct 12 19:34:45 host foo[1]: systemd-oomd[840]: Killed /x due to memory "
                "pressure for /y being 51.07% > 50.00% for > 20s with reclaim activity\n",
                "Dec 18 19:34:56 host kernel: earlyoom[1]: sending SIGTERM to process 1 uid 0 "
                "\"x\": badness 1, VmRSS 1 MiB\n",
                "sending SIGTERM to process 29410 uid 1000 \"cluster\": badness 1264, VmRSS "
                "23964 MiB\n",
                "[   77.749670] Marked /system.slice/a.service for killing due to memory pressure "
                "for /system.slice being 85.03% > 80.00% for > 2s with reclaim activity\n",
                "{\"SYSLOG_IDENTIFIER\":\"dockerd\",\"MESSAGE\":\"earlyoom[1]: sending SIGTERM to "
                "process 1 uid 0 \\\"x\\\": badness 1, VmRSS 1 MiB\"}\n",
                "6,100,5000000,-;lowmemorykiller: Kill 'com.foo' (12), uid 1, oom_score_adj 0 to "
                "free 1kB rss, 0kB swap; reason: x\n",
                "12,101,5000001,-;kubelet[1]: \"Eviction manager: pod is evicted successfully\" "
                "pod=\"a/b\"\n",
        };
        for (size_t i = 0; i < ARRAY_SIZE(logs); i++) {
                struct oomlog_result r = parse_str(logs[i]);
                if (r.n_user_kills != 0 || r.n_kills != 0)
                        fail_msg("log %zu: %zu userspace, %zu kernel kills", i, r.n_user_kills,
                                 r.n_kills);
                oomlog_result_free(&r);
        }
}

static void test_journal_json(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "{\"__REALTIME_TIMESTAMP\":\"1708091909000000\",\"SYSLOG_IDENTIFIER\":\"earlyoom\","
                "\"_PID\":\"1233\",\"MESSAGE\":\"sending SIGTERM to process 29410 uid 1000 "
                "\\\"cluster\\\": badness 1264, VmRSS 23964 MiB\"}\n"
                "{\"SYSLOG_IDENTIFIER\":\"systemd-oomd\",\"MESSAGE\":\"Killed /a.slice/b.scope due "
                "to memory pressure for /a.slice being 60.00% > 50.00% for > 20s with reclaim "
                "activity\"}\n");
        assert_int_equal(r.n_kills, 0);
        assert_int_equal(r.n_user_kills, 2);
        assert_string_equal(r.user_kills[0].killer, "earlyoom");
        assert_string_equal(r.user_kills[0].victim_comm, "cluster");
        assert_int_equal(r.user_kills[0].victim_pid, 29410);
        assert_string_equal(r.user_kills[1].killer, "systemd-oomd");
        assert_string_equal(r.user_kills[1].victim, "/a.slice/b.scope");
        oomlog_result_free(&r);
}

/* A kernel kill and a userspace one in the same log: one of each, the
 * kernel's exactly as without the other. */
static void test_kernel_kills_unchanged(void **state)
{
        (void)state;
        static const char kernel[] =
                "Feb 16 13:58:31 host kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"
                "cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=hog,pid=77,uid=0\n"
                "Feb 16 13:58:31 host kernel: Memory cgroup out of memory: Killed process 77 (hog) "
                "total-vm:10000kB, anon-rss:9000kB, file-rss:0kB, shmem-rss:0kB, UID:0 "
                "pgtables:40kB oom_score_adj:0\n";
        static const char user[] =
                "Feb 16 13:58:29 host earlyoom[1233]: sending SIGTERM to process 29410 uid 1000 "
                "\"cluster\": badness 1264, VmRSS 23964 MiB\n";
        char both[sizeof(kernel) + sizeof(user)];
        snprintf(both, sizeof(both), "%s%s", user, kernel);
        struct oomlog_result a = parse_str(kernel), b = parse_str(both);
        assert_int_equal(a.n_kills, 1);
        assert_int_equal(b.n_kills, 1);
        assert_int_equal(b.n_user_kills, 1);
        assert_int_equal(b.kills[0].victim_pid, 77);
        assert_int_equal(b.kills[0].scope, a.kills[0].scope);
        assert_string_equal(b.kills[0].task_memcg, a.kills[0].task_memcg);
        oomlog_result_free(&a);
        oomlog_result_free(&b);
}

/* One record per pod and reclaim; evictions to reclaim disk are not
 * memory kills. */
static void test_kubelet_records(void **state)
{
        (void)state;
        struct oomlog_result r = parse_str(
                "May 28 16:05:50 n kubelet[9]: W0528 16:05:50.1 9 eviction_manager.go:339] "
                "\"Eviction manager: attempting to reclaim\" resourceName=\"memory\"\n"
                "May 28 16:05:54 n kubelet[9]: I0528 16:05:54.8 9 eviction_manager.go:627] "
                "\"Eviction manager: pod is evicted successfully\" pod=\"sre/a\"\n"
                "May 28 16:05:54 n kubelet[9]: I0528 16:05:54.9 9 eviction_manager.go:199] "
                "\"Eviction manager: pods evicted, waiting for pod to be cleaned up\" "
                "pods=[sre/a sre/b]\n"
                "May 28 16:06:50 n kubelet[9]: W0528 16:06:50.1 9 eviction_manager.go:339] "
                "\"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\"\n"
                "May 28 16:06:54 n kubelet[9]: I0528 16:06:54.8 9 eviction_manager.go:627] "
                "\"Eviction manager: pod is evicted successfully\" pod=\"sre/c\"\n");
        assert_int_equal(r.n_kills, 0);
        assert_int_equal(r.n_user_kills, 2);
        assert_string_equal(r.user_kills[0].victim, "sre/a");
        assert_string_equal(r.user_kills[1].victim, "sre/b");
        assert_string_equal(r.user_kills[0].reason, "attempting to reclaim memory");
        assert_string_equal(r.user_kills[0].killer, "kubelet-eviction");
        oomlog_result_free(&r);
}

/* nohang prints the victim and the thresholds crossed before the kill. */
static void test_nohang_block(void **state)
{
        (void)state;
        static const char *const lines[] = {
                "Memory status that requires corrective actions:",
                "  MemAvailable [48 MiB, 0.4 %] <= soft_threshold_min_mem [710 MiB, 6.0 %]",
                "  SwapFree [183 MiB, 9.0 %] <= soft_threshold_min_swap [184 MiB, 9.0 %]",
                "Victim status (found in 1 ms):",
                "  Name:      python3",
                "  State:     D (disk sleep)",
                "  PID:       32706",
                "  EUID:      1000",
                "Implement a corrective action:",
                "  Send SIGTERM to the victim; total response time: 2255 ms",
        };
        char log[2048] = "";
        for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
                char l[256];
                snprintf(l, sizeof(l), "Feb 12 12:32:22 laptop nohang-desktop[32532]: %s\n",
                         lines[i]);
                strncat(log, l, sizeof(log) - strlen(log) - 1);
        }
        struct oomlog_result r = parse_str(log);
        assert_int_equal(r.n_user_kills, 1);
        const struct user_kill *k = &r.user_kills[0];
        assert_string_equal(k->killer, "nohang");
        assert_string_equal(k->victim_comm, "python3");
        assert_int_equal(k->victim_pid, 32706);
        assert_int_equal(k->victim_uid, 1000);
        assert_string_equal(k->signal, "SIGTERM");
        assert_string_equal(k->reason, "MemAvailable [48 MiB, 0.4 %] <= soft_threshold_min_mem "
                                       "[710 MiB, 6.0 %]; SwapFree [183 MiB, 9.0 %] <= "
                                       "soft_threshold_min_swap [184 MiB, 9.0 %]");
        oomlog_result_free(&r);
}

/* A whole buffer skips from marker to marker between OOM reports: an
 * eviction line after a long quiet stretch is still read. */
static void test_found_after_quiet_stretch(void **state)
{
        (void)state;
        size_t cap = 64 * 1024;
        char *log = calloc(1, cap);
        assert_non_null(log);
        for (int i = 0; i < 200; i++) {
                char l[128];
                snprintf(l, sizeof(l), "Oct 12 19:%02d:00 n systemd[1]: Started session %d.\n",
                         i % 60, i);
                strncat(log, l, cap - strlen(log) - 1);
        }
        strncat(log,
                "Oct 12 19:34:45 n kubelet[2480]: I1012 19:34:45.445172    2480 "
                "eviction_manager.go:595] \"Eviction manager: pod is evicted successfully\" "
                "pod=\"default/nginx\"\n",
                cap - strlen(log) - 1);
        struct oomlog_result r = parse_str(log);
        assert_int_equal(r.n_user_kills, 1);
        assert_string_equal(r.user_kills[0].victim, "default/nginx");
        oomlog_result_free(&r);
        free(log);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_tool_of_identifier),
                cmocka_unit_test(test_oomd),
                cmocka_unit_test(test_earlyoom),
                cmocka_unit_test(test_nohang),
                cmocka_unit_test(test_lmkd),
                cmocka_unit_test(test_kubelet),
                cmocka_unit_test(test_quoted_and_forged_not_taken),
                cmocka_unit_test(test_journal_json),
                cmocka_unit_test(test_kernel_kills_unchanged),
                cmocka_unit_test(test_kubelet_records),
                cmocka_unit_test(test_nohang_block),
                cmocka_unit_test(test_found_after_quiet_stretch),
        };
        return cmocka_run_group_tests_name("userkill", tests, NULL, NULL);
}
