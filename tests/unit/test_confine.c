/* SPDX-License-Identifier: MIT */
/* Confinement, applied for real in a forked child per case: a syscall on a
 * profile's allowlist works, one off it fails with EPERM (clone3: ENOSYS),
 * and the capabilities left are the ones asked for. */
#define _GNU_SOURCE
#include "testutil.h"

#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct outcome {
        long ret;
        int err;
        char msg[sizeof(((struct og_error *)0)->msg)]; /* why confining failed */
};

/* A probe returns the syscall's result with errno as the syscall left it;
 * fd is /dev/null, opened before confinement. */
typedef long (*probe_fn)(int fd);

/* What a refused open or mkdir would have created; removed at the end */
static char never[64];

static long p_open_ro(int fd)
{
        (void)fd;
        long r = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
        int e = errno;
        if (r >= 0)
                close((int)r);
        errno = e;
        return r;
}

static long p_open_create(int fd)
{
        (void)fd;
        return open(never, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
}

static long p_open_write(int fd)
{
        (void)fd;
        return open("/dev/null", O_WRONLY | O_CLOEXEC);
}

static long p_mkdir(int fd)
{
        (void)fd;
        return mkdir(never, 0700);
}

static long p_write_stdout(int fd)
{
        (void)fd;
        return write(STDOUT_FILENO, "", 0);
}

static long p_write_other(int fd)
{
        return write(fd, "x", 1);
}

static long p_unix_socket(int fd)
{
        (void)fd;
        long r = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (r >= 0)
                close((int)r);
        return r < 0 ? r : 0;
}

static long p_inet_socket(int fd)
{
        (void)fd;
        return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

static long p_pipe(int fd)
{
        int p[2];
        (void)fd;
        long r = pipe2(p, O_CLOEXEC);
        if (r == 0) {
                close(p[0]);
                close(p[1]);
        }
        return r;
}

static long p_flock(int fd)
{
        return flock(fd, LOCK_EX);
}

static long p_fork(int fd)
{
        (void)fd;
        pid_t c = fork();
        if (c == 0)
                _exit(0);
        if (c > 0)
                waitpid(c, NULL, 0);
        return c < 0 ? -1 : 0;
}

static long p_clone_userns(int fd)
{
        (void)fd;
        long c = syscall(SYS_clone, (long)(CLONE_NEWUSER | SIGCHLD), 0L, 0L, 0L, 0L);
        if (c == 0)
                _exit(0);
        if (c > 0)
                waitpid((pid_t)c, NULL, 0);
        return c < 0 ? -1 : 0;
}

static long p_clone3(int fd)
{
        (void)fd;
        return syscall(SYS_clone3, NULL, (size_t)0);
}

static long p_kill_probe(int fd)
{
        (void)fd;
        return kill(getpid(), 0);
}

static long p_kill_signal(int fd)
{
        (void)fd;
        return kill(getpid(), SIGTERM); /* allowed, it would end the child */
}

static long p_mmap_exec(int fd)
{
        (void)fd;
        void *m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return m == MAP_FAILED ? -1 : 0;
}

static long p_mmap_rw(int fd)
{
        (void)fd;
        void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED)
                munmap(m, 4096);
        return m == MAP_FAILED ? -1 : 0;
}

static long p_set_name(int fd)
{
        (void)fd;
        return prctl(PR_SET_NAME, "confine-test", 0, 0, 0);
}

static long p_execve(int fd)
{
        (void)fd;
        char *const argv[] = {"true", NULL};
        return execve("/bin/true", argv, environ);
}

static long p_unshare(int fd)
{
        (void)fd;
        return unshare(CLONE_NEWUSER);
}

static const struct probe_case {
        const char *name;
        enum confine_profile profile;
        probe_fn fn;
        int want; /* 0: works; else the errno */
} cases[] = {
        {"cli: open /proc/self/status to read", CONFINE_CLI, p_open_ro, 0},
        {"cli: open to create a file", CONFINE_CLI, p_open_create, EPERM},
        {"cli: open to write", CONFINE_CLI, p_open_write, EPERM},
        {"cli: mkdir", CONFINE_CLI, p_mkdir, EPERM},
        {"cli: write to stdout", CONFINE_CLI, p_write_stdout, 0},
        {"cli: write to another descriptor", CONFINE_CLI, p_write_other, EPERM},
        {"cli: a socket", CONFINE_CLI, p_unix_socket, EPERM},
        {"cli: execve", CONFINE_CLI, p_execve, EPERM},
        {"poststop: syslog's unix socket", CONFINE_HOOK_POSTSTOP, p_unix_socket, 0},
        {"poststop: an inet socket", CONFINE_HOOK_POSTSTOP, p_inet_socket, EPERM},
        {"poststop: flock (the verdict log)", CONFINE_HOOK_POSTSTOP, p_flock, 0},
        {"poststop: pipe2 (create only)", CONFINE_HOOK_POSTSTOP, p_pipe, EPERM},
        {"poststop: execve", CONFINE_HOOK_POSTSTOP, p_execve, EPERM},
        {"create: fork (the watcher)", CONFINE_HOOK_CREATE, p_fork, 0},
        {"create: pipe2", CONFINE_HOOK_CREATE, p_pipe, 0},
        {"create: clone into a new user namespace", CONFINE_HOOK_CREATE, p_clone_userns, EPERM},
        {"create: unshare", CONFINE_HOOK_CREATE, p_unshare, EPERM},
        {"create: clone3 says ENOSYS, so libc falls back", CONFINE_HOOK_CREATE, p_clone3, ENOSYS},
        {"create: kill(pid, 0)", CONFINE_HOOK_CREATE, p_kill_probe, 0},
        {"create: kill with a signal", CONFINE_HOOK_CREATE, p_kill_signal, EPERM},
        {"create: a writable mapping", CONFINE_HOOK_CREATE, p_mmap_rw, 0},
        {"create: an executable mapping", CONFINE_HOOK_CREATE, p_mmap_exec, EPERM},
        {"create: name the watcher", CONFINE_HOOK_CREATE, p_set_name, 0},
        {"create: execve", CONFINE_HOOK_CREATE, p_execve, EPERM},
        {"either stage: fork", CONFINE_HOOK, p_fork, 0},
        {"either stage: flock", CONFINE_HOOK, p_flock, 0},
        {"either stage: an inet socket", CONFINE_HOOK, p_inet_socket, EPERM},
};

/* Run fn in a child confined to profile. The child reports through shared
 * memory: a confined CLI may not write to a pipe. */
static bool run_confined(enum confine_profile profile, probe_fn fn, struct outcome *ret)
{
        struct outcome *o = mmap(NULL, sizeof(*o), PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        assert_true(o != MAP_FAILED);
        o->ret = -3;
        pid_t c = fork();
        assert_true(c >= 0);
        if (c == 0) {
                struct og_error err = {0};
                int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (confine_caps(NULL, 0, &err) < 0 || confine_seccomp(profile, &err) < 0) {
                        memcpy(o->msg, err.msg, sizeof(o->msg) - 1);
                        o->ret = -2;
                        _exit(0);
                }
                errno = 0;
                long r = fn(fd);
                o->err = r < 0 ? errno : 0;
                o->ret = r;
                _exit(0);
        }
        int status;
        waitpid(c, &status, 0);
        *ret = *o;
        munmap(o, sizeof(*o));
        if (ret->ret == -3)
                snprintf(ret->msg, sizeof(ret->msg), "the child reported nothing (status 0x%x)",
                         status);
        return ret->ret != -3;
}

static void test_allowlists(void **state)
{
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                const struct probe_case *t = &cases[i];
                struct outcome o;
                if (!run_confined(t->profile, t->fn, &o))
                        fail_msg("%s: %s", t->name, o.msg);
                if (o.ret == -2)
                        fail_msg("%s: confining failed: %s", t->name, o.msg);
                if (t->want == 0 && o.ret < 0)
                        fail_msg("%s: refused (%s), should work", t->name, strerror(o.err));
                if (t->want != 0 && (o.ret >= 0 || o.err != t->want))
                        fail_msg("%s: %s, should fail with %s", t->name,
                                 o.ret >= 0 ? "worked" : strerror(o.err), strerror(t->want));
        }
}

/* The capabilities after confine_caps, as the child sees them. */
struct caps_seen {
        int r;
        int nnp;
        int eff_kept, eff_other, inh_any, bound_kept, bound_other;
};

static bool held(cap_value_t c)
{
        cap_t cur = cap_get_proc();
        cap_flag_value_t v = CAP_CLEAR;
        cap_get_flag(cur, c, CAP_EFFECTIVE, &v);
        cap_free(cur);
        return v == CAP_SET;
}

static struct caps_seen confined_caps(bool drop_all_first)
{
        static const cap_value_t keep[] = {CAP_SYSLOG, CAP_DAC_OVERRIDE};
        struct caps_seen s = {0};
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        pid_t c = fork();
        assert_true(c >= 0);
        if (c == 0) {
                close(p[0]);
                if (drop_all_first) { /* as an unprivileged caller */
                        cap_t none = cap_init();
                        cap_set_proc(none);
                        cap_free(none);
                }
                s.r = confine_caps(keep, ARRAY_SIZE(keep), NULL);
                s.nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
                s.eff_kept = held(CAP_SYSLOG) + held(CAP_DAC_OVERRIDE);
                s.eff_other = held(CAP_SYS_ADMIN) + held(CAP_SETPCAP) + held(CAP_KILL);
                cap_t cur = cap_get_proc();
                for (cap_value_t v = 0; v <= CAP_LAST_CAP; v++) {
                        cap_flag_value_t f = CAP_CLEAR;
                        cap_get_flag(cur, v, CAP_INHERITABLE, &f);
                        s.inh_any += f == CAP_SET;
                }
                cap_free(cur);
                s.bound_kept = cap_get_bound(CAP_SYSLOG) + cap_get_bound(CAP_DAC_OVERRIDE);
                s.bound_other = cap_get_bound(CAP_SYS_ADMIN) + cap_get_bound(CAP_SETPCAP);
                ssize_t n = write(p[1], &s, sizeof(s));
                _exit(n == (ssize_t)sizeof(s) ? 0 : 1);
        }
        close(p[1]);
        assert_int_equal(read(p[0], &s, sizeof(s)), sizeof(s));
        close(p[0]);
        waitpid(c, NULL, 0);
        return s;
}

static void test_caps_keep_only_what_is_asked(void **state)
{
        (void)state;
        bool privileged = held(CAP_SETPCAP) && held(CAP_SYSLOG) && held(CAP_DAC_OVERRIDE);
        struct caps_seen s = confined_caps(false);
        assert_int_equal(s.r, 0);
        assert_int_equal(s.nnp, 1);
        assert_int_equal(s.eff_other, 0);
        assert_int_equal(s.inh_any, 0);
        if (!privileged)
                skip(); /* the rest needs root */
        assert_int_equal(s.eff_kept, 2);
        assert_int_equal(s.bound_kept, 2);
        assert_int_equal(s.bound_other, 0);
}

static void test_caps_nothing_to_drop(void **state)
{
        (void)state;
        struct caps_seen s = confined_caps(true);
        assert_int_equal(s.r, 0); /* a kept capability not held is no error */
        assert_int_equal(s.nnp, 1);
        assert_int_equal(s.eff_kept + s.eff_other, 0);
}

int main(void)
{
        snprintf(never, sizeof(never), "/tmp/oomguard-test-confine-%d", (int)getpid());
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_allowlists),
                cmocka_unit_test(test_caps_keep_only_what_is_asked),
                cmocka_unit_test(test_caps_nothing_to_drop),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        unlink(never);
        rmdir(never);
        return r;
}
