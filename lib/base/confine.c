/* SPDX-License-Identifier: MIT */
/* Capabilities (libcap), Landlock (raw system calls) and a seccomp
 * allowlist (libseccomp) for the hook, its watcher and the CLI. The
 * allowlists were measured: every syscall the live suites see these
 * programs make after setup (strace -f), plus what libc does on paths they
 * do not reach (stdio on a terminal, abort). */
#define _GNU_SOURCE
#include "confine.h"

#include "logsock.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define CONFINE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define CONFINE_SANITIZED 1
#endif
#endif

static bool kept(const cap_value_t *keep, size_t n, cap_value_t c)
{
        for (size_t i = 0; i < n; i++)
                if (keep[i] == c)
                        return true;
        return false;
}

/* The bounding set limits what any later exec could gain; dropping from it
 * needs CAP_SETPCAP, which an unprivileged caller does not have (and then
 * has nothing to lose either). */
static int drop_bound(const cap_t cur, const cap_value_t *keep, size_t n, struct og_error *err)
{
        cap_flag_value_t setpcap = CAP_CLEAR;
        if (cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap) < 0 || setpcap != CAP_SET)
                return 0;
        int max = cap_max_bits();
        for (cap_value_t c = 0; c < (cap_value_t)max; c++)
                if (!kept(keep, n, c) && cap_get_bound(c) == 1 && cap_drop_bound(c) < 0) {
                        int e = errno;
                        char *name = cap_to_name(c);
                        og_error_set(err, -e, "dropping %s from the bounding set: %s",
                                     name ? name : "a capability", strerror(e));
                        cap_free(name);
                        return -e;
                }
        return 0;
}

int confine_caps(const cap_value_t *keep, size_t n, struct og_error *err)
{
        if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
                return og_error_set(err, -errno, "setting no_new_privs: %s", strerror(errno));
        cap_t cur = cap_get_proc();
        if (!cur)
                return og_error_set(err, -errno, "reading the capabilities: %s", strerror(errno));
        int r = drop_bound(cur, keep, n, err);
        cap_t want = r == 0 ? cap_init() : NULL;
        if (r == 0 && !want)
                r = og_error_set(err, -ENOMEM, "out of memory");
        for (size_t i = 0; r == 0 && i < n; i++) {
                cap_flag_value_t have = CAP_CLEAR;
                if (cap_get_flag(cur, keep[i], CAP_PERMITTED, &have) == 0 && have == CAP_SET &&
                    (cap_set_flag(want, CAP_PERMITTED, 1, &keep[i], CAP_SET) < 0 ||
                     cap_set_flag(want, CAP_EFFECTIVE, 1, &keep[i], CAP_SET) < 0))
                        r = og_error_set(err, -EINVAL, "capability %d: %s", (int)keep[i],
                                         strerror(errno));
        }
        /* inheritable stays empty; the kernel then empties the ambient set */
        if (r == 0 && cap_set_proc(want) < 0)
                r = og_error_set(err, -errno, "setting the capabilities: %s", strerror(errno));
        cap_free(want);
        cap_free(cur);
        return r;
}

/* Landlock's interface as of ABI 6 (the installed uapi header may be
 * older); a field or right the running kernel does not know is left out. */
struct ll_ruleset_attr {
        uint64_t handled_access_fs;
        uint64_t handled_access_net; /* ABI 4 */
        uint64_t scoped;             /* ABI 6 */
};
struct ll_path_beneath_attr {
        uint64_t allowed_access;
        int32_t parent_fd;
} __attribute__((packed));

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_REMOVE_DIR (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_CHAR (1ULL << 6)
#define LL_FS_MAKE_DIR (1ULL << 7)
#define LL_FS_MAKE_REG (1ULL << 8)
#define LL_FS_MAKE_SOCK (1ULL << 9)
#define LL_FS_MAKE_FIFO (1ULL << 10)
#define LL_FS_MAKE_BLOCK (1ULL << 11)
#define LL_FS_MAKE_SYM (1ULL << 12)
#define LL_FS_REFER (1ULL << 13)     /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
/* the rights a rule on a file (not a directory) may carry */
#define LL_FS_FILE                                                                               \
        (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

int confine_landlock_abi(void)
{
        long v = syscall(SYS_landlock_create_ruleset, NULL, (size_t)0, LL_CREATE_RULESET_VERSION);
        return v > 0 ? (int)v : 0;
}

/* Everything that changes the filesystem or executes, as far as the ABI
 * knows it; reads are not handled, so they stay allowed. */
static uint64_t handled_fs(int abi)
{
        uint64_t h = LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE |
                     LL_FS_MAKE_CHAR | LL_FS_MAKE_DIR | LL_FS_MAKE_REG | LL_FS_MAKE_SOCK |
                     LL_FS_MAKE_FIFO | LL_FS_MAKE_BLOCK | LL_FS_MAKE_SYM;
        if (abi >= 2)
                h |= LL_FS_REFER; /* no rule grants it: no link or rename across dirs */
        if (abi >= 3)
                h |= LL_FS_TRUNCATE;
        if (abi >= 5)
                h |= LL_FS_IOCTL_DEV;
        return h;
}

static uint64_t granted(unsigned rights, bool dir, uint64_t handled)
{
        uint64_t g = 0;
        if (rights & CONFINE_WRITE)
                g |= LL_FS_WRITE_FILE | LL_FS_TRUNCATE;
        if (rights & CONFINE_CREATE)
                g |= LL_FS_MAKE_REG | LL_FS_MAKE_DIR;
        if (rights & CONFINE_REMOVE)
                g |= LL_FS_REMOVE_FILE | LL_FS_REMOVE_DIR;
        return g & handled & (dir ? ~0ULL : LL_FS_FILE);
}

static int add_rule(int ruleset, const struct confine_rule *r, uint64_t handled,
                    struct og_error *err)
{
        int fd = open(r->path, O_PATH | O_CLOEXEC);
        struct stat st;
        if (fd < 0)
                return 0; /* nothing there to allow: it stays refused */
        struct ll_path_beneath_attr pb = {0, fd};
        if (fstat(fd, &st) == 0)
                pb.allowed_access = granted(r->rights, S_ISDIR(st.st_mode), handled);
        int rc = 0;
        if (pb.allowed_access &&
            syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0U) < 0)
                rc = og_error_set(err, -errno, "landlock: a rule for %s: %s", r->path,
                                  strerror(errno));
        close(fd);
        return rc;
}

int confine_landlock(const struct confine_rule *rules, size_t n, struct og_error *err)
{
        int abi = confine_landlock_abi();
        if (abi <= 0)
                return -EOPNOTSUPP;
        struct ll_ruleset_attr attr = {.handled_access_fs = handled_fs(abi)};
        if (abi >= 4)
                attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
        /* not LANDLOCK_SCOPE_SIGNAL: create asks whether its watcher lives
         * with kill(pid, 0), and the filter allows no other signal */
        if (abi >= 6)
                attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET;
        int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0U);
        if (ruleset < 0)
                return og_error_set(err, -errno, "landlock: creating a ruleset: %s",
                                    strerror(errno));
        int r = 0;
        for (size_t i = 0; r == 0 && i < n; i++)
                r = add_rule(ruleset, &rules[i], attr.handled_access_fs, err);
        if (r == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0U) < 0)
                r = og_error_set(err, -errno, "landlock: restricting the process: %s",
                                 strerror(errno));
        close(ruleset);
        return r;
}

/* One allowed syscall for some profiles, unconditionally or when one
 * argument compares as given. A syscall may appear on several rows. */
struct allow {
        int nr;
        unsigned profiles;
        bool cond;
        struct scmp_arg_cmp arg;
};

#define CREATE CONFINE_HOOK_CREATE
#define STOP CONFINE_HOOK_POSTSTOP
#define HOOK CONFINE_HOOK
#define CLI CONFINE_CLI
#define ALL (HOOK | CLI)
#define ANY(p, name)                                                                             \
        {                                                                                        \
                SCMP_SYS(name), (p), false,                                                      \
                {                                                                                \
                        0, SCMP_CMP_EQ, 0, 0                                                     \
                }                                                                                \
        }
#define EQ(p, name, i, v)                                                                        \
        {                                                                                        \
                SCMP_SYS(name), (p), true,                                                       \
                {                                                                                \
                        (i), SCMP_CMP_EQ, (v), 0                                                 \
                }                                                                                \
        }
#define NONE_OF(p, name, i, mask)                                                                \
        {                                                                                        \
                SCMP_SYS(name), (p), true,                                                       \
                {                                                                                \
                        (i), SCMP_CMP_MASKED_EQ, (mask), 0                                       \
                }                                                                                \
        }

#define NEW_NAMESPACES                                                                           \
        (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |              \
         CLONE_NEWNET | CLONE_NEWCGROUP)
#define WRITE_OPEN (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)

static const struct allow allow[] = {
        /* memory: malloc, yajl; never a new executable mapping */
        ANY(ALL, brk),
        NONE_OF(ALL, mmap, 2, PROT_EXEC),
        NONE_OF(ALL, mprotect, 2, PROT_EXEC),
        ANY(ALL, munmap),
        ANY(ALL, mremap),
        ANY(ALL, madvise),
        /* files: bounded reads of /proc, cgroupfs, the bundle, the state */
        ANY(ALL, read),
        ANY(ALL, pread64), /* the verdict log's tail */
        ANY(ALL, close),
        ANY(ALL, lseek), /* rewind(); strftime's tzfile; /dev/kmsg */
        ANY(ALL, fstat),
        ANY(ALL, newfstatat), /* fstat() and stat() */
        ANY(ALL, statx),      /* stat() in newer libcs */
        ANY(ALL, getdents64), /* readdir(): /proc, the state directory */
        ANY(ALL, fcntl),      /* fdopendir(), FD_CLOEXEC */
        ANY(ALL, readlink),   /* /proc/self/exe: what lies beside the binary */
        ANY(ALL, readlinkat),
        ANY(ALL, access), /* does the cgroup still exist */
        ANY(ALL, faccessat),
        ANY(ALL, faccessat2),
        ANY(HOOK, openat),
        NONE_OF(CLI, openat, 2, WRITE_OPEN), /* the CLI creates and changes nothing */
        ANY(HOOK, write),
        ANY(HOOK, writev),
        EQ(CLI, write, 0, STDOUT_FILENO),
        EQ(CLI, write, 0, STDERR_FILENO),
        EQ(CLI, writev, 0, STDOUT_FILENO),
        EQ(CLI, writev, 0, STDERR_FILENO), /* libc's fatal messages */
        /* doctor asks the running dockerd over its unix socket (GET /info):
         * a local socket only, no address of the sender's choosing */
        EQ(CONFINE_CLI_DOCKER, socket, 0, AF_UNIX),
        ANY(CONFINE_CLI_DOCKER, connect),
        EQ(CONFINE_CLI_DOCKER, sendto, 4, 0),
        EQ(CONFINE_CLI_DOCKER, setsockopt, 1, SOL_SOCKET),
        EQ(ALL, ioctl, 1, TCGETS), /* stdio: is the output a terminal */
        /* the state directory, the verdict log, vm.dirty_* in the
         * writeback host mode (both stages) */
        ANY(HOOK, mkdir),
        ANY(HOOK, mkdirat),
        ANY(HOOK, fchmod),
        ANY(HOOK, fsync),
        ANY(HOOK, fdatasync),
        ANY(HOOK, renameat),
        ANY(HOOK, unlinkat),
        ANY(HOOK, flock),
        ANY(HOOK, nanosleep),       /* poststop waits for a watcher still writing; */
        ANY(HOOK, clock_nanosleep), /* the watcher for an OOM's kill */
        /* syslog: the socket to /dev/log is connected before the filter
         * (lib/logsock.c); no socket is made or connected after it, and
         * nothing is sent to an address of the sender's choosing */
        EQ(HOOK, sendto, 4, 0),
        /* a narrower Landlock layer once the state names the container */
        ANY(HOOK, landlock_create_ruleset),
        ANY(HOOK, landlock_add_rule),
        ANY(HOOK, landlock_restrict_self),
        /* starting the watcher: fork twice, setsid, a pipe for its pid */
        NONE_OF(CREATE, clone, 0, NEW_NAMESPACES),
        ANY(CREATE, set_robust_list), /* in the child of fork() */
        ANY(CREATE, setsid),
        ANY(CREATE, pipe2),
        ANY(CREATE, wait4),
        EQ(CREATE, kill, 1, 0), /* is the watcher alive; never a signal */
        /* the watcher */
        EQ(CREATE, prctl, 0, PR_SET_NAME),
        ANY(CREATE, getppid), /* adopted by init, or by a subreaper */
        ANY(CREATE, dup2),    /* stdio onto /dev/null */
        ANY(CREATE, dup3),
        ANY(CREATE, close_range),
        ANY(HOOK, poll), /* and poststop, for a watcher still writing */
        ANY(HOOK, ppoll),
        ANY(CREATE, eventfd2),    /* v1: memory.oom_control */
        ANY(HOOK, inotify_init1), /* v2: memory.events; the state directory */
        ANY(HOOK, inotify_add_watch),
        ANY(HOOK, pidfd_open), /* the init process's exit; the watcher's */
        /* its exit status: PIDFD_GET_INFO, struct pidfd_info's first
         * version (64 bytes), lib/hook/watcher.c */
        EQ(CREATE, ioctl, 1, 0xc040ff0bUL),
        /* libc */
        ANY(ALL, rt_sigaction),
        ANY(ALL, rt_sigprocmask),
        ANY(ALL, rt_sigreturn),
        ANY(ALL, restart_syscall),
        ANY(ALL, futex),
        ANY(ALL, getrandom), /* malloc */
        ANY(ALL, sysinfo),   /* qsort() sizes its buffer by physical memory */
        ANY(ALL, clock_gettime),
        ANY(ALL, gettimeofday),
        ANY(ALL, time),
        ANY(ALL, getpid), /* LOG_PID, the watcher's own pid */
        ANY(ALL, gettid),
        ANY(CLI, geteuid),           /* doctor: is it root */
        EQ(ALL, tgkill, 2, SIGABRT), /* abort() */
        ANY(ALL, exit),
        ANY(ALL, exit_group),
#ifdef CONFINE_SANITIZED
        /* make asan only, for the instrumentation itself: at exit
         * LeakSanitizer reads /proc/self/maps and the task list and stops
         * the process from a clone()d tracer that checks getppid() */
        ANY(ALL, getdents),
        NONE_OF(ALL, open, 1, WRITE_OPEN),
        ANY(ALL, stat),
        ANY(ALL, sigaltstack),
        ANY(ALL, sched_yield),
        ANY(ALL, prctl),
        NONE_OF(ALL, clone, 0, NEW_NAMESPACES),
        ANY(ALL, getppid),
        ANY(ALL, ptrace),
        ANY(ALL, wait4),
#endif
};

int confine_seccomp(enum confine_profile profile, struct og_error *err)
{
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
        if (!ctx)
                return og_error_set(err, -ENOMEM, "seccomp: cannot set up a filter");
        /* log what is refused (SECCOMP_FILTER_FLAG_LOG, Linux 4.14): a
         * syscall missing here shows in the kernel log, not only as EPERM */
        (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
        /* libc falls back to clone(), whose flags a filter can see */
        int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
        if (r < 0)
                og_error_set(err, r, "seccomp: refusing clone3: %s", strerror(-r));
        for (size_t i = 0; r == 0 && i < ARRAY_SIZE(allow); i++) {
                const struct allow *a = &allow[i];
                if (!(a->profiles & (unsigned)profile))
                        continue;
                r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, a->nr, a->cond ? 1 : 0, &a->arg);
                if (r == -EEXIST) /* a broader rule for it is in already */
                        r = 0;
                if (r < 0) {
                        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, a->nr);
                        og_error_set(err, r, "seccomp: allowing %s: %s", name ? name : "?",
                                     strerror(-r));
                        free(name);
                }
        }
        /* the filter refuses socket() and connect(): syslog's connection
         * is made now or never */
        if (r == 0 && (profile & CONFINE_HOOK))
                (void)logsock_open(NULL);
        if (r == 0 && (r = seccomp_load(ctx)) < 0)
                og_error_set(err, r, "seccomp: loading the filter: %s", strerror(-r));
        seccomp_release(ctx);
        return r;
}
