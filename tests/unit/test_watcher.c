/* SPDX-License-Identifier: MIT */
/* The watcher's trouble reaches syslog: its stdio is /dev/null, so the
 * socket the hook connected (here a datagram socket of the test's own) is
 * its one voice. Each cause is said once, naming the container. */
#define _GNU_SOURCE
#include "testutil.h"

#include "hook.h"
#include "logsock.h"
#include "statedir.h"
#include "watcher.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char base[64];
static int logfd = -1;

static int setup(void **state)
{
        (void)state;
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(base, sizeof(base), "/tmp/oomguard-watch-XXXXXX");
        if (!mkdtemp(base))
                return -1;
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/log", base);
        logfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (logfd < 0 || bind(logfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return -1;
        return logsock_open(sa.sun_path); /* what the hook does before confinement */
}

static int teardown(void **state)
{
        (void)state;
        close(logfd);
        return scratch_remove(base);
}

/* A pid that has exited and been reaped: the watcher takes it as the
 * init's exit at once. */
static int64_t reaped_pid(void)
{
        pid_t c = fork();
        if (c == 0)
                _exit(0);
        assert_true(c > 0);
        assert_int_equal(waitpid(c, NULL, 0), c);
        return c;
}

static void make_state(struct hook_state *hs, const char *id, const char *state_dir)
{
        memset(hs, 0, sizeof(*hs));
        snprintf(hs->id, sizeof(hs->id), "%s", id);
        snprintf(hs->cgroup, sizeof(hs->cgroup), "/%s", id);
        /* a directory without a memory controller's files */
        snprintf(hs->cgroup_dir, sizeof(hs->cgroup_dir), "%s/cg-%s", base, id);
        assert_int_equal(mkdir(hs->cgroup_dir, 0700), 0);
        hs->cgroup_version = 1;
        hs->init_pid = reaped_pid();
        hs->limit_bytes = hs->memsw_bytes = hs->oom_score_adj = OG_NONE;
        if (state_dir) {
                int d = -1;
                struct og_error err = {0};
                assert_int_equal(statedir_open(state_dir, id, true, &d, &err), 0);
                close(d);
        }
}

/* The lines received within ms, into buf, one a line; how many. */
static int collect(char *buf, size_t cap, int ms, int want)
{
        int n = 0;
        size_t off = 0;
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        buf[0] = '\0';
        for (;;) {
                clock_gettime(CLOCK_MONOTONIC, &t);
                int left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
                                      (t.tv_nsec - t0.tv_nsec) / 1000000);
                struct pollfd p = {logfd, POLLIN, 0};
                if (left <= 0 || (want && n >= want) || poll(&p, 1, left) != 1)
                        break;
                ssize_t k = recv(logfd, buf + off, cap - off - 2, 0);
                if (k <= 0)
                        break;
                off += (size_t)k;
                buf[off++] = '\n';
                buf[off] = '\0';
                n++;
        }
        return n;
}

static int count(const char *hay, const char *needle)
{
        int n = 0;
        for (const char *p = hay; (p = strstr(p, needle)); p++)
                n++;
        return n;
}

/* Stop a watcher we started, if it still runs. */
static void stop(int64_t pid)
{
        if (watcher_alive("/proc", pid))
                kill((pid_t)pid, SIGKILL);
        for (int i = 0; i < 200 && watcher_alive("/proc", pid); i++)
                usleep(10000);
}

static void drain_log(void)
{
        char buf[4096];
        while (recv(logfd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
                ;
}

static void test_kmsg_and_events(void **state)
{
        (void)state;
        char sd[128], kmsg[128], want[PATH_MAX + 256], got[8192];
        struct hook_state hs;
        struct og_error err = {0};
        int64_t pid = 0;
        drain_log();
        snprintf(sd, sizeof(sd), "%s/state", base);
        snprintf(kmsg, sizeof(kmsg), "%s/no-kmsg", base);
        make_state(&hs, "wk1", sd);
        struct hook_env env = {.proc_root = "/proc", .kmsg = kmsg};
        assert_int_equal(watcher_start(sd, NULL, &hs, &env, &pid, &err), 0);
        collect(got, sizeof(got), 3000, 2);
        collect(got + strlen(got), sizeof(got) - strlen(got), 300, 0); /* nothing more */
        stop(pid);
        snprintf(want, sizeof(want),
                 "oomguard-hook[%" PRId64 "]: wk1: the watcher cannot read %s: "
                 "No such file or directory",
                 pid, kmsg);
        if (count(got, want) != 1)
                fail_msg("want once '%s', got:\n%s", want, got);
        snprintf(want, sizeof(want),
                 "wk1: the watcher cannot watch %s for OOM events: No such file", hs.cgroup_dir);
        if (count(got, want) != 1)
                fail_msg("want once '%s', got:\n%s", want, got);
}

static void test_no_state(void **state)
{
        (void)state;
        char sd[128], got[8192];
        struct hook_state hs;
        struct og_error err = {0};
        int64_t pid = 0;
        drain_log();
        snprintf(sd, sizeof(sd), "%s/no-state", base);
        make_state(&hs, "ws1", NULL);
        struct hook_env env = {.proc_root = "/proc", .kmsg = "/dev/kmsg"};
        assert_int_equal(watcher_start(sd, NULL, &hs, &env, &pid, &err), 0);
        collect(got, sizeof(got), 3000, 1);
        collect(got + strlen(got), sizeof(got) - strlen(got), 300, 0);
        stop(pid);
        if (count(got, "ws1: the watcher cannot open its state: cannot open ") != 1 ||
            count(got, sd) != 1 || count(got, "the watcher") != 1)
                fail_msg("got:\n%s", got);
}

/* Every save fails (its temp file's name is taken by a directory): one line. */
static void test_evidence_once(void **state)
{
        (void)state;
        char sd[128], kmsg[128], p[PATH_MAX], got[8192];
        struct hook_state hs;
        struct og_error err = {0};
        int64_t pid = 0;
        drain_log();
        snprintf(sd, sizeof(sd), "%s/state", base);
        snprintf(kmsg, sizeof(kmsg), "%s/no-kmsg", base);
        make_state(&hs, "we1", sd);
        snprintf(p, sizeof(p), "%s/we1/.evidence.json.oomguard-tmp", sd);
        assert_int_equal(mkdir(p, 0700), 0);
        snprintf(p, sizeof(p), "%s/we1/.evidence.json.oomguard-tmp/x", sd);
        int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        close(fd);
        struct hook_env env = {.proc_root = "/proc", .kmsg = kmsg};
        assert_int_equal(watcher_start(sd, NULL, &hs, &env, &pid, &err), 0);
        for (int i = 0; i < 300 && watcher_alive("/proc", pid); i++)
                usleep(10000); /* it leaves when a snapshot cannot be saved */
        collect(got, sizeof(got), 500, 0);
        stop(pid);
        if (count(got, "we1: the watcher cannot save its evidence: File exists") != 1)
                fail_msg("got:\n%s", got);
}

/* <root>/<pid>/stat as the kernel prints it, with this comm and state. */
static void fixture_stat(const char *root, int64_t pid, const char *comm, char state)
{
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%" PRId64, root, pid);
        assert_int_equal(mkdir(p, 0700), 0);
        snprintf(p, sizeof(p), "%s/%" PRId64 "/stat", root, pid);
        FILE *f = fopen(p, "we");
        assert_non_null(f);
        fprintf(f,
                "%" PRId64 " (%s) %c 1 %" PRId64 " %" PRId64 " 0 -1 4194304 101 0 0 0 0 0 0 0 "
                "20 0 1 0 2194832 3133440 387 18446744073709551615 1 1 1 0 0 0 0 0 0 0 0 0 17 "
                "0 0 0 0 0 0 1 1 1 1 1 1 1 0\n",
                pid, comm, state, pid, pid);
        assert_int_equal(fclose(f), 0);
}

/* Whether a watcher runs is read in the proc root it is given: a fixture
 * tree's word stands against the host's /proc either way. */
static void test_alive_in_proc_root(void **state)
{
        (void)state;
        char root[128];
        snprintf(root, sizeof(root), "%s/proc", base);
        assert_int_equal(mkdir(root, 0700), 0);
        int64_t gone = reaped_pid(), zombie = reaped_pid(), self = getpid();
        fixture_stat(root, gone, "oomguard-watch", 'S');   /* no such process here */
        fixture_stat(root, zombie, "oomguard-watch", 'Z'); /* exited, not reaped */
        assert_true(watcher_alive(root, gone));
        assert_false(watcher_alive("/proc", gone));
        assert_false(watcher_alive(root, zombie));
        /* a process of the host's named as a watcher, which the fixture
         * tree does not hold */
        int ready[2];
        assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
        pid_t named = fork();
        if (named == 0) {
                prctl(PR_SET_NAME, "oomguard-watch", 0, 0, 0);
                (void)!write(ready[1], "r", 1);
                pause();
                _exit(0);
        }
        assert_true(named > 0);
        close(ready[1]);
        char r;
        assert_int_equal(read(ready[0], &r, 1), 1);
        close(ready[0]);
        bool host = watcher_alive("/proc", named), fixture = watcher_alive(root, named);
        kill(named, SIGKILL);
        assert_int_equal(waitpid(named, NULL, 0), named);
        assert_true(host);
        assert_false(fixture);
        /* the host's own process, named a watcher in the fixture tree only */
        fixture_stat(root, self, "oomguard-watch", 'R');
        assert_true(watcher_alive(root, self));
        assert_false(watcher_alive("/proc", self));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kmsg_and_events),
                cmocka_unit_test(test_no_state),
                cmocka_unit_test(test_evidence_once),
                cmocka_unit_test(test_alive_in_proc_root),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
