/* SPDX-License-Identifier: MIT */
/* Every wrapper a kernel line arrives in -> source, message, timestamp. */
#include "testutil.h"

#include "logline.h"
#include "util.h"

struct prefix_case {
        const char *line;
        enum logline_source source;
        const char *msg;
        const char *ts; /* NULL: none */
        double mono;    /* -1: none */
};

static const struct prefix_case cases[] = {
        /* table exports and collector prefixes */
        {"| 2024-02-03T19:57:08.1Z | n1 | kernel | [12.5] Out of memory |", LOGLINE_KERNEL,
         "Out of memory", "12.5", 12.5},
        {"  | Feb  3 19:57:08 | kernel | memory: usage 5kB", LOGLINE_KERNEL, "memory: usage 5kB",
         "Feb  3 19:57:08", -1},
        {"|--|---|:--|", LOGLINE_OTHER, "", NULL, -1},
        {"err|kernel[-]|[  123.456] Killed process 9 (a)", LOGLINE_KERNEL, "Killed process 9 (a)",
         "123.456", 123.456},
        {"6,1,2,-;err|kernel[-]|[ 1.0] Killed process 9 (a)", LOGLINE_KERNEL,
         "err|kernel[-]|[ 1.0] Killed process 9 (a)", "2", 0.000002},
        {"[14808.063890] main invoked oom-killer: x", LOGLINE_KERNEL,
         "main invoked oom-killer: x", "14808.063890", 14808.06389},
        {"[   49.921978][ T6736] leaker invoked", LOGLINE_KERNEL, "leaker invoked", "49.921978",
         49.921978},
        {" 9963.177067] CPU: 0 PID: 6306 Comm: test", LOGLINE_KERNEL,
         "CPU: 0 PID: 6306 Comm: test", "9963.177067", 9963.177067},
        {"[Wed Feb 19 06:41:03 2025] Task in /ecs/x", LOGLINE_KERNEL, "Task in /ecs/x",
         "Wed Feb 19 06:41:03 2025", -1},
        {"[Thu Feb 13 02:01:19 2025] Killed process 1 (f)", LOGLINE_KERNEL,
         "Killed process 1 (f)", "Thu Feb 13 02:01:19 2025", -1},
        {"[Tue Mar  4 02:01:19 2025] Killed process 1 (f)", LOGLINE_KERNEL,
         "Killed process 1 (f)", "Tue Mar  4 02:01:19 2025", -1},
        {"[\xe4\xba\x8c 9\xe6\x9c\x88  3 05:57:48 2024] memory: usage 1kB", LOGLINE_KERNEL,
         "memory: usage 1kB", "\xe4\xba\x8c 9\xe6\x9c\x88  3 05:57:48 2024", -1},
        {"kern  :info  : [  315.224875] anon 1", LOGLINE_KERNEL, "anon 1", "315.224875",
         315.224875},
        {"user  :notice: [  316.000000] Killed process 1 (x)", LOGLINE_OTHER,
         "Killed process 1 (x)", "316.000000", 316.0},
        {"6,22743,6115623303887,-;oom-kill:constraint=X", LOGLINE_KERNEL, "oom-kill:constraint=X",
         "6115623303887", 6115623.303887},
        {"12,900,5000000,-;oom-kill:constraint=FAKE", LOGLINE_OTHER, "oom-kill:constraint=FAKE",
         "5000000", 5.0},
        {"4,7,100,-,caller=T12;Killed process 9 (a)", LOGLINE_KERNEL, "Killed process 9 (a)",
         "100", 0.0001},
        {"<6>[   12.500000] Out of memory", LOGLINE_KERNEL, "Out of memory", "12.500000", 12.5},
        {"<14>[   12.500000] Out of memory", LOGLINE_OTHER, "Out of memory", "12.500000", 12.5},
        {"Feb 03 19:57:08 ** kernel: memory: usage 5kB", LOGLINE_KERNEL, "memory: usage 5kB",
         "Feb 03 19:57:08", -1},
        {"Jul  6 16:10:47 kernel: [537752.873767] go invoked", LOGLINE_KERNEL, "go invoked",
         "Jul  6 16:10:47", 537752.873767},
        {"Dec 14 17:13:12 systemd[2765]: run-u820.service: killed", LOGLINE_OTHER,
         "run-u820.service: killed", "Dec 14 17:13:12", -1},
        {"Oct 12 19:00:20 aks-1 node-problem-detector-startup.sh[3240]: "
         "Memory cgroup out of memory: Killed process 1",
         LOGLINE_OTHER, "Memory cgroup out of memory: Killed process 1", "Oct 12 19:00:20", -1},
        {"Aug 30 06:58:55.050705 ... kernel: oom-kill:constraint=C", LOGLINE_KERNEL,
         "oom-kill:constraint=C", "Aug 30 06:58:55.050705", -1},
        {"2024-02-03T19:57:08.123456+00:00 node1 kernel: Killed process 5 (b)", LOGLINE_KERNEL,
         "Killed process 5 (b)", "2024-02-03T19:57:08.123456+00:00", -1},
        {"2024-02-03T19:57:08.123Z\tnode-a\tMemory cgroup out of memory: Killed", LOGLINE_BARE,
         "Memory cgroup out of memory: Killed", "2024-02-03T19:57:08.123Z", -1},
        {"172.20.0.2: kern:    info: [2024-05-10T18:03:25.129604363Z]: oom-kill:c",
         LOGLINE_KERNEL, "oom-kill:c", "2024-05-10T18:03:25.129604363Z", -1},
        {"10.5.0.3: kern: warning: [2024-05-14T08:31:52.608319461Z]: grafana invoked",
         LOGLINE_KERNEL, "grafana invoked", "2024-05-14T08:31:52.608319461Z", -1},
        {"2023-04-05T12:34:56.789Z In(05) vcpu-5 - Guest: <6>[  123.456789] Killed process 7 (c)",
         LOGLINE_KERNEL, "Killed process 7 (c)", "2023-04-05T12:34:56.789Z", 123.456789},
        {"> memory: usage 7812476kB, limit 7812500kB", LOGLINE_BARE,
         "memory: usage 7812476kB, limit 7812500kB", NULL, -1},
        {"[  38886]     0 38886      243        1 pause", LOGLINE_BARE,
         "[  38886]     0 38886      243        1 pause", NULL, -1},
        {"[  315.240603] [  pid  ]   uid  tgid", LOGLINE_KERNEL, "[  pid  ]   uid  tgid",
         "315.240603", 315.240603},
        {"oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null)", LOGLINE_BARE,
         "oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null)", NULL, -1},
        {"[  123.4] host1 kernel: Out of memory: Killed", LOGLINE_KERNEL, "Out of memory: Killed",
         "123.4", 123.4},
        {"2024-01-05T02:12:02,123456+00:00 memory: usage 1kB, limit 1kB", LOGLINE_BARE,
         "memory: usage 1kB, limit 1kB", "2024-01-05T02:12:02,123456+00:00", -1},
        {"2024-01-05T02:12:02,123456+00:00 oom_reaper: reaped process 5 (a)", LOGLINE_BARE,
         "oom_reaper: reaped process 5 (a)", "2024-01-05T02:12:02,123456+00:00", -1},
        {"Dec 14 17:13:12 systemd[2765]: x", LOGLINE_OTHER, "x", "Dec 14 17:13:12", -1},
        {"<6>1 2024-01-05T02:12:02.123Z node1 kernel - - - Killed process 5 (a)", LOGLINE_KERNEL,
         "Killed process 5 (a)", "2024-01-05T02:12:02.123Z", -1},
        {"<30>1 2024-01-05T02:12:02.123Z node1 dockerd 77 - - Killed process 5 (a)",
         LOGLINE_OTHER, "Killed process 5 (a)", "2024-01-05T02:12:02.123Z", -1},
        {"kernel: memory: usage 2kB", LOGLINE_KERNEL, "memory: usage 2kB", NULL, -1},
        {"- `Jan 14 18:01:55 aks-1 kernel: [ 1432.394489] dotnet invoked oom-killer`",
         LOGLINE_KERNEL, "dotnet invoked oom-killer", "Jan 14 18:01:55", 1432.394489},
        {"`[ 5.5] Killed process 1 (a)`", LOGLINE_KERNEL, "Killed process 1 (a)", "5.5", 5.5},
        {"[Feb 3 19:57] stress invoked oom-killer: x", LOGLINE_KERNEL,
         "stress invoked oom-killer: x", "Feb 3 19:57", -1},
        {"[  +0.000010] CPU: 1 PID: 77 Comm: stress", LOGLINE_KERNEL,
         "CPU: 1 PID: 77 Comm: stress", NULL, -1},
        {"[  100.000000 <    0.000010>] stress invoked oom-killer: x", LOGLINE_KERNEL,
         "stress invoked oom-killer: x", "100.000000", 100.0},
        {"Sat 2024-02-03 19:57:08 UTC host npd[12]: Memory cgroup out of memory: Killed",
         LOGLINE_OTHER, "Memory cgroup out of memory: Killed", "Sat 2024-02-03 19:57:08 UTC", -1},
        {"Sat 2024-02-03 19:57:08 UTC host kernel: memory: usage 1kB", LOGLINE_KERNEL,
         "memory: usage 1kB", "Sat 2024-02-03 19:57:08 UTC", -1},
        {"1706990228.123456 host npd[12]: Killed process 77 (evil)", LOGLINE_OTHER,
         "Killed process 77 (evil)", "1706990228.123456", -1},
        {"1706990228.123456 host kernel: Killed process 77 (a)", LOGLINE_KERNEL,
         "Killed process 77 (a)", "1706990228.123456", -1},
        {"[ 1234.567890] host npd[12]: Killed process 77 (evil)", LOGLINE_OTHER,
         "Killed process 77 (evil)", "1234.567890", 1234.56789},
        {"[ 1234.567890] lowmem_reserve[]: 0 0 0", LOGLINE_KERNEL, "lowmem_reserve[]: 0 0 0",
         "1234.567890", 1234.56789},
        {"", LOGLINE_BARE, "", NULL, -1},
        {"\r", LOGLINE_BARE, "", NULL, -1},
};

static void test_prefixes(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct prefix_case *c = &cases[i];
                struct logline l;
                logline_parse(c->line, strlen(c->line), &l);
                char msg[512], ts[128] = "";
                snprintf(msg, sizeof(msg), "%.*s", (int)l.msg_len, l.msg);
                if (l.ts)
                        snprintf(ts, sizeof(ts), "%.*s", (int)l.ts_len, l.ts);
                if (l.source != c->source || strcmp(msg, c->msg) != 0 ||
                    strcmp(ts, c->ts ? c->ts : "") != 0 || (c->mono < 0) != (l.mono < 0) ||
                    (c->mono >= 0 && (l.mono - c->mono > 1e-6 || c->mono - l.mono > 1e-6)))
                        fail_msg("case %zu '%s': source %d msg '%s' ts '%s' mono %f", i, c->line,
                                 l.source, msg, ts, l.mono);
        }
}

static void test_wall_clock(void **state)
{
        (void)state;
        struct logline l;
        const char *s = "Dec 30 18:08:17 front kernel: oom";
        logline_parse(s, strlen(s), &l);
        assert_true(l.wall == 18 * 3600 + 8 * 60 + 17);
        s = "[Wed Feb 19 06:41:03 2025] x";
        logline_parse(s, strlen(s), &l);
        assert_true(l.wall == 6 * 3600 + 41 * 60 + 3);
}

/* Other programs' lines keep their tag (userkill.h needs it): syslog,
 * "[ts] prog[pid]:" without host, RFC 5424, Android logcat; the kernel's
 * and untagged lines have none. */
static void test_tags(void **state)
{
        (void)state;
        static const struct {
                const char *line;
                enum logline_source source;
                const char *tag, *msg, *ts;
        } t[] = {
                {"Feb 16 13:58:29 host earlyoom[1233]: low memory! x", LOGLINE_OTHER,
                 "earlyoom[1233]", "low memory! x", "Feb 16 13:58:29"},
                {"    [   77.749670] systemd-oomd[659]: Marked /a for killing due to b",
                 LOGLINE_OTHER, "systemd-oomd[659]", "Marked /a for killing due to b",
                 "77.749670"},
                {"<30>1 2024-02-03T19:57:08Z host kubelet 9 - - evicted", LOGLINE_OTHER,
                 "kubelet", "evicted", "2024-02-03T19:57:08Z"},
                {"10-24 14:24:26.342   710   710 I lowmemorykiller: Kill 'a' (1)", LOGLINE_OTHER,
                 "lowmemorykiller", "Kill 'a' (1)", "10-24 14:24:26.342"},
                {"10-24 14:24:26.035  1310  3312 I WifiHAL : event", LOGLINE_OTHER, "WifiHAL",
                 "event", "10-24 14:24:26.035"},
                {"10-24 14:24:26.035     0     0 I kernel  : Killed process 1 (a)",
                 LOGLINE_KERNEL, NULL, "Killed process 1 (a)", "10-24 14:24:26.035"},
                {"Feb 16 13:58:29 host kernel: earlyoom[1]: x", LOGLINE_KERNEL, NULL,
                 "earlyoom[1]: x", "Feb 16 13:58:29"},
                {"10-24 14:24 I tag: x", LOGLINE_BARE, NULL, "10-24 14:24 I tag: x", NULL},
                {"10-24 14:24:26.342 710 710 I", LOGLINE_BARE, NULL,
                 "10-24 14:24:26.342 710 710 I", NULL},
        };
        for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
                struct logline l;
                logline_parse(t[i].line, strlen(t[i].line), &l);
                char tag[64] = "", msg[256], ts[64] = "";
                if (l.tag)
                        snprintf(tag, sizeof(tag), "%.*s", (int)l.tag_len, l.tag);
                snprintf(msg, sizeof(msg), "%.*s", (int)l.msg_len, l.msg);
                if (l.ts)
                        snprintf(ts, sizeof(ts), "%.*s", (int)l.ts_len, l.ts);
                if (l.source != t[i].source || strcmp(tag, t[i].tag ? t[i].tag : "") ||
                    strcmp(msg, t[i].msg) || strcmp(ts, t[i].ts ? t[i].ts : ""))
                        fail_msg("case %zu: source %d tag '%s' msg '%s' ts '%s'", i, l.source,
                                 tag, msg, ts);
        }
}

static void test_kmsg_dict(void **state)
{
        (void)state;
        assert_true(logline_is_kmsg_dict(" SUBSYSTEM=acpi", 15));
        assert_true(logline_is_kmsg_dict(" DEVICE=+acpi:LNXPWRBN:00", 25));
        assert_false(logline_is_kmsg_dict("SUBSYSTEM=acpi", 14));
        assert_false(logline_is_kmsg_dict(" oom_policy=default", 19));
        assert_false(logline_is_kmsg_dict(" anon 1", 7));
}

static void test_hostile(void **state)
{
        (void)state;
        char buf[300];
        struct logline l;
        memset(buf, '[', sizeof(buf));
        logline_parse(buf, sizeof(buf), &l);
        assert_true(l.msg_len <= sizeof(buf));
        memset(buf, '<', sizeof(buf));
        logline_parse(buf, sizeof(buf), &l);
        const char nul[] = "[  1.0]\0Killed process 1 (a)";
        logline_parse(nul, sizeof(nul) - 1, &l);
        assert_int_equal(l.source, LOGLINE_KERNEL);
        const char *cut[] = {"6,1,2",        "6,1,2,-",
                             "<6",           "[12.5",
                             "Feb  3 19:57", "2024-02-03T19:5",
                             "kern  :info",  "99999999999999999999999,1,1,-;x"};
        for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
                logline_parse(cut[i], strlen(cut[i]), &l);
                assert_true(l.msg >= cut[i] && l.msg + l.msg_len <= cut[i] + strlen(cut[i]));
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_prefixes), cmocka_unit_test(test_wall_clock),
                cmocka_unit_test(test_tags),     cmocka_unit_test(test_kmsg_dict),
                cmocka_unit_test(test_hostile),
        };
        return cmocka_run_group_tests_name("logline", tests, NULL, NULL);
}
