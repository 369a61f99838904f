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
#include <seccomp.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
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

static long p_connect(int fd)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/dev/log");
        return connect(fd, (struct sockaddr *)&sa, sizeof(sa));
}

static long p_sendto_addr(int fd)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/dev/log");
        return sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa));
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
        {"doctor: a unix socket (dockerd's API)",
         (enum confine_profile)(CONFINE_CLI | CONFINE_CLI_DOCKER), p_unix_socket, 0},
        {"doctor: an inet socket", (enum confine_profile)(CONFINE_CLI | CONFINE_CLI_DOCKER),
         p_inet_socket, EPERM},
        {"cli: execve", CONFINE_CLI, p_execve, EPERM},
        {"poststop: a unix socket (syslog's is connected before the filter)",
         CONFINE_HOOK_POSTSTOP, p_unix_socket, EPERM},
        {"create: a unix socket", CONFINE_HOOK_CREATE, p_unix_socket, EPERM},
        {"either stage: connect", CONFINE_HOOK, p_connect, EPERM},
        {"either stage: sendto an address", CONFINE_HOOK, p_sendto_addr, EPERM},
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

/* Landlock, applied for real in a forked child per case, over a scratch
 * tree: allowed/ (every right), writable/ (change files only), a file
 * allowed alone, and outside/ (nothing). */
static char ll_root[64];
static char ll_path[8][128];
enum { LL_ALLOWED, LL_WRITABLE, LL_FILE, LL_OUTSIDE, LL_OUTSIDE_FILE, LL_WRITABLE_FILE };

static const char *llp(int which, const char *name)
{
        static char buf[4][192];
        static int next;
        char *b = buf[next++ % 4];
        snprintf(b, sizeof(buf[0]), "%s%s%s", ll_path[which], name ? "/" : "", name ? name : "");
        return b;
}

static long fail_errno(long r)
{
        return r < 0 ? -1 : 0;
}

static long l_open(const char *p, int flags)
{
        long r = open(p, flags | O_CLOEXEC, 0600);
        int e = errno;
        if (r >= 0)
                close((int)r);
        errno = e;
        return fail_errno(r);
}

static long l_create_allowed(int fd)
{
        (void)fd;
        return l_open(llp(LL_ALLOWED, "new"), O_WRONLY | O_CREAT | O_EXCL);
}
static long l_mkdir_allowed(int fd)
{
        (void)fd;
        return mkdir(llp(LL_ALLOWED, "d"), 0700);
}
static long l_rename_allowed(int fd)
{
        (void)fd;
        long r = l_open(llp(LL_ALLOWED, "a"), O_WRONLY | O_CREAT);
        return r < 0 ? r
                     : renameat(AT_FDCWD, llp(LL_ALLOWED, "a"), AT_FDCWD, llp(LL_ALLOWED, "b"));
}
static long l_unlink_allowed(int fd)
{
        (void)fd;
        long r = l_open(llp(LL_ALLOWED, "u"), O_WRONLY | O_CREAT);
        return r < 0 ? r : unlinkat(AT_FDCWD, llp(LL_ALLOWED, "u"), 0);
}
static long l_symlink_allowed(int fd)
{
        (void)fd;
        return symlink("/etc/passwd", llp(LL_ALLOWED, "s"));
}
static long l_fifo_allowed(int fd)
{
        (void)fd;
        return mkfifo(llp(LL_ALLOWED, "f"), 0600);
}
static long l_write_writable(int fd)
{
        (void)fd;
        return l_open(llp(LL_WRITABLE_FILE, NULL), O_WRONLY | O_TRUNC);
}
static long l_create_writable(int fd)
{
        (void)fd;
        return l_open(llp(LL_WRITABLE, "new"), O_WRONLY | O_CREAT | O_EXCL);
}
static long l_unlink_writable(int fd)
{
        (void)fd;
        return unlinkat(AT_FDCWD, llp(LL_WRITABLE_FILE, NULL), 0);
}
static long l_write_file(int fd)
{
        (void)fd;
        return l_open(llp(LL_FILE, NULL), O_WRONLY | O_APPEND);
}
static long l_read_outside(int fd)
{
        (void)fd;
        return l_open(llp(LL_OUTSIDE_FILE, NULL), O_RDONLY);
}
static long l_create_outside(int fd)
{
        (void)fd;
        return l_open(llp(LL_OUTSIDE, "new"), O_WRONLY | O_CREAT | O_EXCL);
}
static long l_overwrite_outside(int fd)
{
        (void)fd;
        return l_open(llp(LL_OUTSIDE_FILE, NULL), O_WRONLY | O_TRUNC);
}
static long l_truncate_outside(int fd)
{
        (void)fd;
        return truncate(llp(LL_OUTSIDE_FILE, NULL), 0);
}
static long l_unlink_outside(int fd)
{
        (void)fd;
        return unlinkat(AT_FDCWD, llp(LL_OUTSIDE_FILE, NULL), 0);
}
static long l_rename_outside(int fd)
{
        (void)fd;
        return renameat(AT_FDCWD, llp(LL_OUTSIDE_FILE, NULL), AT_FDCWD, llp(LL_OUTSIDE, "moved"));
}
static long l_rename_in(int fd)
{
        (void)fd;
        return renameat(AT_FDCWD, llp(LL_OUTSIDE_FILE, NULL), AT_FDCWD,
                        llp(LL_ALLOWED, "stolen"));
}
static long l_mkdir_outside(int fd)
{
        (void)fd;
        return mkdir(llp(LL_OUTSIDE, "d"), 0700);
}
static long l_execve(int fd)
{
        (void)fd;
        char *const argv[] = {"true", NULL};
        return execve("/bin/true", argv, environ);
}

static const struct ll_case {
        const char *name;
        probe_fn fn;
        int want; /* 0: works; else the errno */
        int abi;  /* the Landlock ABI the refusal needs */
} ll_cases[] = {
        {"allowed/: create a file", l_create_allowed, 0, 1},
        {"allowed/: mkdir", l_mkdir_allowed, 0, 1},
        {"allowed/: rename within", l_rename_allowed, 0, 1},
        {"allowed/: unlink", l_unlink_allowed, 0, 1},
        {"allowed/: no symlink", l_symlink_allowed, EACCES, 1},
        {"allowed/: no FIFO", l_fifo_allowed, EACCES, 1},
        {"writable/: overwrite a file", l_write_writable, 0, 1},
        {"writable/: no new file", l_create_writable, EACCES, 1},
        {"writable/: no unlink", l_unlink_writable, EACCES, 1},
        {"a file allowed alone: append", l_write_file, 0, 1},
        {"outside: read", l_read_outside, 0, 1},
        {"outside: no new file", l_create_outside, EACCES, 1},
        {"outside: no overwrite", l_overwrite_outside, EACCES, 1},
        {"outside: no truncate", l_truncate_outside, EACCES, 3},
        {"outside: no unlink", l_unlink_outside, EACCES, 1},
        {"outside: no rename", l_rename_outside, EACCES, 1},
        {"outside: not moved into allowed/", l_rename_in, EACCES, 1},
        {"outside: no mkdir", l_mkdir_outside, EACCES, 1},
        {"no execve", l_execve, EACCES, 1},
};

static void ll_tree(void)
{
        snprintf(ll_root, sizeof(ll_root), "/tmp/oomguard-test-landlock-%d", (int)getpid());
        static const char *const name[] = {"allowed", "writable",       "alone",
                                           "outside", "outside/passwd", "writable/file"};
        assert_int_equal(mkdir(ll_root, 0700), 0);
        for (size_t i = 0; i < ARRAY_SIZE(name); i++) {
                snprintf(ll_path[i], sizeof(ll_path[i]), "%s/%s", ll_root, name[i]);
                int r = i == LL_FILE || i >= LL_OUTSIDE_FILE
                                ? (int)l_open(ll_path[i], O_WRONLY | O_CREAT)
                                : mkdir(ll_path[i], 0700);
                assert_int_equal(r, 0);
        }
}

static void test_landlock(void **state)
{
        (void)state;
        int abi = confine_landlock_abi();
        if (abi <= 0)
                skip(); /* no Landlock here: confine_landlock says -EOPNOTSUPP */
        ll_tree();
        const struct confine_rule rules[] = {
                {ll_path[LL_ALLOWED], CONFINE_WRITE | CONFINE_CREATE | CONFINE_REMOVE},
                {ll_path[LL_WRITABLE], CONFINE_WRITE},
                {ll_path[LL_FILE], CONFINE_WRITE | CONFINE_CREATE}, /* a file: write only */
                {"/nonexistent/oomguard", CONFINE_WRITE},           /* left out */
        };
        for (size_t i = 0; i < ARRAY_SIZE(ll_cases); i++) {
                const struct ll_case *t = &ll_cases[i];
                struct outcome *o = mmap(NULL, sizeof(*o), PROT_READ | PROT_WRITE,
                                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
                assert_true(o != MAP_FAILED);
                o->ret = -3;
                pid_t c = fork();
                assert_true(c >= 0);
                if (c == 0) {
                        struct og_error err = {0};
                        if (confine_caps(NULL, 0, &err) < 0 ||
                            confine_landlock(rules, ARRAY_SIZE(rules), &err) < 0) {
                                memcpy(o->msg, err.msg, sizeof(o->msg) - 1);
                                o->ret = -2;
                                _exit(0);
                        }
                        errno = 0;
                        long r = t->fn(-1);
                        o->err = r < 0 ? errno : 0;
                        o->ret = r;
                        _exit(0);
                }
                waitpid(c, NULL, 0);
                struct outcome got = *o;
                munmap(o, sizeof(*o));
                if (got.ret == -2 || got.ret == -3)
                        fail_msg("%s: confining failed: %s", t->name, got.msg);
                if (t->want && abi < t->abi)
                        continue; /* this kernel's Landlock does not cover it */
                if (t->want == 0 && got.ret < 0)
                        fail_msg("%s: refused (%s), should work", t->name, strerror(got.err));
                /* a rename across directories may say EXDEV (no REFER right) */
                if (t->want != 0 && (got.ret >= 0 || (got.err != t->want && got.err != EXDEV)))
                        fail_msg("%s: %s, should fail with %s", t->name,
                                 got.ret >= 0 ? "worked" : strerror(got.err), strerror(t->want));
        }
}

/* A kernel without Landlock (here: its system calls made to say ENOSYS,
 * as where it is not built in) is no error: -EOPNOTSUPP, nothing done. */
static void test_landlock_absent(void **state)
{
        (void)state;
        struct outcome *o = mmap(NULL, sizeof(*o), PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        assert_true(o != MAP_FAILED);
        o->ret = -3;
        pid_t c = fork();
        assert_true(c >= 0);
        if (c == 0) {
                scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
                if (!ctx || prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0 ||
                    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
                                     SCMP_SYS(landlock_create_ruleset), 0) < 0 ||
                    seccomp_load(ctx) < 0)
                        _exit(1);
                const struct confine_rule none = {"/tmp", CONFINE_WRITE};
                o->err = confine_landlock_abi();
                o->ret = confine_landlock(&none, 1, NULL);
                _exit(0);
        }
        waitpid(c, NULL, 0);
        struct outcome got = *o;
        munmap(o, sizeof(*o));
        assert_int_equal(got.err, 0); /* the ABI: none */
        assert_int_equal(got.ret, -EOPNOTSUPP);
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
                cmocka_unit_test(test_landlock),
                cmocka_unit_test(test_landlock_absent),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        unlink(never);
        rmdir(never);
        if (ll_root[0]) {
                char cmd[128];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ll_root);
                if (system(cmd) != 0)
                        fprintf(stderr, "could not remove %s\n", ll_root);
        }
        return r;
}
