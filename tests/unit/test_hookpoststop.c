/* SPDX-License-Identifier: MIT */
/* poststop on fixture trees: a container's state directory, its cgroup
 * (a directory holding v1 counter files, or none: removed), the
 * watcher's evidence, no kernel log, and the /proc the hook's
 * environment names. The verdict record is read back from the log. */
#define _GNU_SOURCE
#include "testutil.h"

#include "config.h"
#include "evidence.h"
#include "hook.h"
#include "hookstate.h"
#include "statedir.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char base[64];

static int setup(void **state)
{
        (void)state;
        return scratch_make(base, sizeof(base), "poststop");
}

static int teardown(void **state)
{
        (void)state;
        return scratch_remove(base);
}

static void put(const char *dir, const char *name, const char *text)
{
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        FILE *f = fopen(p, "we");
        assert_non_null(f);
        fputs(text, f);
        assert_int_equal(fclose(f), 0);
}

struct fixture {
        char dir[128]; /* base/<name> */
        char proc[160], cg[160];
        struct og_config cfg;
        struct hook_env env;
        struct hook_state hs;
};

static int64_t mono_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A container id's state as create leaves it; its cgroup v1, limit
 * 64 MiB, create's baseline 0 kills, 0 limit hits. */
static void fixture(struct fixture *f, const char *name)
{
        memset(f, 0, sizeof(*f));
        snprintf(f->dir, sizeof(f->dir), "%s/%s", base, name);
        assert_int_equal(mkdir(f->dir, 0700), 0);
        snprintf(f->proc, sizeof(f->proc), "%s/proc", f->dir);
        assert_int_equal(mkdir(f->proc, 0700), 0);
        snprintf(f->cg, sizeof(f->cg), "%s/cg", f->dir);
        config_defaults(&f->cfg);
        snprintf(f->cfg.state_dir, sizeof(f->cfg.state_dir), "%s/state", f->dir);
        snprintf(f->cfg.verdict_log, sizeof(f->cfg.verdict_log), "%s/verdicts.jsonl", f->dir);
        f->cfg.metrics[0] = '\0';
        f->cfg.termination_root[0] = '\0';
        f->env = (struct hook_env){.proc_root = f->proc, .kmsg = "/nonexistent/kmsg"};
        struct hook_state *hs = &f->hs;
        snprintf(hs->id, sizeof(hs->id), "%s", name);
        snprintf(hs->cgroup, sizeof(hs->cgroup), "/%s", name);
        snprintf(hs->cgroup_dir, sizeof(hs->cgroup_dir), "%s", f->cg);
        snprintf(hs->created, sizeof(hs->created), "2026-01-01T00:00:00Z");
        hs->cgroup_version = 1;
        hs->init_pid = 4242;
        hs->created_mono_us = mono_us();
        hs->limit_bytes = 64 << 20;
        hs->memsw_bytes = 64 << 20;
        hs->oom_score_adj = 0;
        hs->oom_kill_base = 0;
        hs->oom_base = OG_NONE;
        int d = -1;
        char *json = NULL;
        size_t len;
        struct og_error err = {0};
        assert_int_equal(hookstate_render(hs, &json, &len), 0);
        assert_int_equal(statedir_open(f->cfg.state_dir, hs->id, true, &d, &err), 0);
        assert_int_equal(statedir_write(d, "state.json", json, len, &err), 0);
        close(d);
        free(json);
}

/* The cgroup still there: 1 kill, 5 limit hits, a peak at the limit. */
static void cgroup_present(const struct fixture *f)
{
        assert_int_equal(mkdir(f->cg, 0700), 0);
        put(f->cg, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        put(f->cg, "memory.failcnt", "5\n");
        put(f->cg, "memory.max_usage_in_bytes", "67108864\n");
        put(f->cg, "memory.limit_in_bytes", "67108864\n");
}

static struct evidence watcher_ev(int64_t pid, bool final, int64_t oom_kill, int64_t hits)
{
        struct evidence ev;
        evidence_init(&ev);
        ev.watcher_pid = pid;
        ev.final = final;
        ev.snapshots = 2;
        ev.oom_kill = oom_kill;
        ev.peak_bytes = 60 << 20;
        ev.limit_hits_base = 0;
        ev.limit_hits_now = hits;
        ev.exit_signal = SIGKILL;
        ev.read_us = mono_us();
        return ev;
}

static void save_ev(const struct fixture *f, const struct evidence *ev)
{
        int d = -1;
        struct og_error err = {0};
        assert_int_equal(statedir_open(f->cfg.state_dir, f->hs.id, false, &d, &err), 0);
        assert_int_equal(evidence_save(d, EVIDENCE_WATCHER, ev), 0);
        close(d);
}

/* poststop, and its verdict line (the caller frees it) */
static char *poststop(const struct fixture *f)
{
        struct oci_state st = {.pid = 0};
        struct og_error err = {0};
        snprintf(st.id, sizeof(st.id), "%s", f->hs.id);
        assert_int_equal(hook_poststop(&f->cfg, &st, &f->env, &err), 0);
        char *line = read_file(f->cfg.verdict_log, NULL);
        assert_non_null(line);
        return line;
}

static void has(const char *line, const char *want)
{
        if (!strstr(line, want))
                fail_msg("want %s in %s", want, line);
}

/* The live counters beat the watcher's older ones: the cgroup's 5 limit
 * hits and its peak, read once, stand in the record. */
static void test_cgroup_present(void **state)
{
        (void)state;
        struct fixture f;
        fixture(&f, "pc1");
        cgroup_present(&f);
        struct evidence ev = watcher_ev(4243, true, 1, 2);
        save_ev(&f, &ev);
        char *line = poststop(&f);
        has(line, "\"limit_hits\":5");
        has(line, "\"peak_bytes\":67108864");
        has(line, "\"exit_signal\":\"SIGKILL\"");
        has(line, "\"evidence\":{\"kmsg\":false,\"counters\":true");
        has(line, "\"verdict\":\"unknown\"");
        free(line);
}

/* The cgroup removed: the watcher's final snapshot is all there is. */
static void test_cgroup_gone(void **state)
{
        (void)state;
        struct fixture f;
        fixture(&f, "pg1");
        struct evidence ev = watcher_ev(4243, true, 1, 2);
        save_ev(&f, &ev);
        char *line = poststop(&f);
        has(line, "\"limit_hits\":2");
        has(line, "\"peak_bytes\":62914560");
        has(line, "\"verdict\":\"unknown\"");
        free(line);
}

/* The runtime removed the cgroup before the watcher's snapshot at the
 * init's death: its last counters (no kill) are from before the end, and
 * the kernel's records cannot be read. Nothing says the init was not
 * OOM-killed: the verdict is not "none", init_killed is not false. With
 * a snapshot taken after the init's death, "none" stands. */
static void test_stale_counters_and_no_kmsg(void **state)
{
        (void)state;
        struct fixture f;
        fixture(&f, "ps1");
        struct evidence ev = watcher_ev(4243, true, 0, 0);
        save_ev(&f, &ev);
        char *line = poststop(&f);
        has(line, "\"verdict\":\"unknown\"");
        has(line, "\"init_killed\":null");
        has(line, "is not known");
        free(line);
        fixture(&f, "ps2");
        ev.ended = 1;
        save_ev(&f, &ev);
        line = poststop(&f);
        has(line, "\"verdict\":\"none\"");
        has(line, "\"init_killed\":false");
        free(line);
}

/* The watcher's copy of the kernel's records, in its state directory. */
static void save_copy(const struct fixture *f, const char *text)
{
        int d = -1;
        struct og_error err = {0};
        assert_int_equal(statedir_open(f->cfg.state_dir, f->hs.id, false, &d, &err), 0);
        assert_int_equal(statedir_write(d, "kmsg.log", text, strlen(text), &err), 0);
        close(d);
}

/* The live log unreadable, the watcher's counters from before the end:
 * the copy of a watcher that ran to the end decides, "none" when it holds
 * no kill, or when there is none because nothing was the container's. A
 * copy that says the kernel overwrote records before the watcher read
 * them is not whole, nor is one from a watcher that read no records:
 * nothing rules out the init's kill. */
static void test_copy_with_lost_records(void **state)
{
        (void)state;
        char rec[128];
        struct fixture f;
        fixture(&f, "pl1");
        snprintf(rec, sizeof(rec), "6,10,%" PRId64 ",-;eth0: link up\n",
                 f.hs.created_mono_us + 1000);
        struct evidence ev = watcher_ev(4243, true, 0, 0);
        ev.kmsg_seq = 10;
        save_ev(&f, &ev);
        save_copy(&f, rec);
        char *line = poststop(&f);
        has(line, "\"verdict\":\"none\"");
        has(line, "\"init_killed\":false");
        free(line);
        fixture(&f, "pn1"); /* no copy */
        save_ev(&f, &ev);
        line = poststop(&f);
        has(line, "\"verdict\":\"none\"");
        free(line);
        fixture(&f, "pn2"); /* no copy, and no record read */
        struct evidence unread = ev;
        unread.kmsg_seq = OG_NONE;
        save_ev(&f, &unread);
        line = poststop(&f);
        has(line, "\"verdict\":\"unknown\"");
        free(line);
        fixture(&f, "pl2");
        save_ev(&f, &ev);
        char copy[256];
        snprintf(copy, sizeof(copy), "%s-lost 10\n", rec);
        save_copy(&f, copy);
        line = poststop(&f);
        has(line, "\"verdict\":\"unknown\"");
        has(line, "\"init_killed\":null");
        has(line, "\"kmsg\":false");
        free(line);
}

/* No watcher evidence: the cgroup's own counters, against create's. */
static void test_cgroup_only(void **state)
{
        (void)state;
        struct fixture f;
        fixture(&f, "po1");
        cgroup_present(&f);
        char *line = poststop(&f);
        has(line, "\"limit_hits\":null");
        has(line, "\"peak_bytes\":67108864");
        has(line, "\"verdict\":\"unknown\"");
        free(line);
}

/* <proc>/<pid>/stat naming pid a running watcher */
static void fixture_watcher(const char *proc, pid_t pid)
{
        char p[PATH_MAX], stat[256];
        snprintf(p, sizeof(p), "%s/%d", proc, (int)pid);
        assert_int_equal(mkdir(p, 0700), 0);
        snprintf(stat, sizeof(stat),
                 "%d (oomguard-watch) S 1 %d %d 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 "
                 "2194832 3133440 387 18446744073709551615 1 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 "
                 "0 1 1 1 1 1 1 1 0\n",
                 (int)pid, (int)pid, (int)pid);
        put(p, "stat", stat);
}

/* A watcher still writing, as the proc root says: poststop waits for its
 * final snapshot (here written once poststop has read the evidence a
 * second time, i.e. is waiting) and decides on it. Read in the host's
 * /proc instead, the process is no watcher: poststop would not wait and
 * would set the evidence aside as stale. */
static void test_waits_for_watcher_in_proc_root(void **state)
{
        (void)state;
        struct fixture f;
        fixture(&f, "pw1");
        char sd[PATH_MAX];
        snprintf(sd, sizeof(sd), "%s/state/%s", f.dir, f.hs.id);
        int ino = inotify_init1(IN_CLOEXEC);
        assert_true(ino >= 0);
        assert_true(inotify_add_watch(ino, sd, IN_OPEN) >= 0);
        pid_t w = fork();
        if (w == 0) { /* the watcher: its final word at the second read */
                char buf[4096];
                int opens = 0;
                ssize_t n;
                while (opens < 2 && (n = read(ino, buf, sizeof(buf))) > 0)
                        for (char *p = buf; p < buf + n;) {
                                struct inotify_event *e = (struct inotify_event *)p;
                                opens += e->len && !strcmp(e->name, EVIDENCE_WATCHER);
                                p += sizeof(*e) + e->len;
                        }
                struct evidence fin = watcher_ev(getpid(), true, 1, 3);
                save_ev(&f, &fin);
                _exit(0);
        }
        assert_true(w > 0);
        close(ino);
        fixture_watcher(f.proc, w);
        struct evidence ev = watcher_ev(w, false, 0, 0);
        save_ev(&f, &ev);
        char *line = poststop(&f);
        kill(w, SIGKILL);
        assert_int_equal(waitpid(w, NULL, 0), w);
        has(line, "\"limit_hits\":3");
        has(line, "\"verdict\":\"unknown\"");
        free(line);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cgroup_present),
                cmocka_unit_test(test_cgroup_gone),
                cmocka_unit_test(test_cgroup_only),
                cmocka_unit_test(test_stale_counters_and_no_kmsg),
                cmocka_unit_test(test_copy_with_lost_records),
                cmocka_unit_test(test_waits_for_watcher_in_proc_root),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
