/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "watcher.h"

#include "hook.h"
#include "watchroom.h"
#include "watchrule.h"

#include "cgfiles.h"
#include "fileio.h"
#include "jsongen.h"
#include "jsonv.h"
#include "kcopy.h"
#include "kmsg.h"
#include "logsock.h"
#include "procfs.h"
#include "statedir.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#define IDLE_CHECK_MS 30000 /* also look every 30 s whether we are still needed */
#define READY_WAIT_MS 500   /* the longest create waits for the watcher's set-up */
#define KILL_WAIT_MS 100    /* after an OOM event, how long to watch for its kill */
#define ARMED_MS 5000       /* after an OOM event, how long to look for its kill at each record */
#define TICK_MS 100         /* still there? however busy the kernel log */
#define KMSG_COPY_MAX (1024 * 1024) /* the copy of OOM records kept per container */
#define KMSG_COPY "kmsg.log"
#define KMSG_BATCH 64      /* records read per wake-up: its own events come between */
#define KMSG_LAST 4096     /* records read at most when it leaves */
#define KMSG_PIDS_MAX 1024 /* the container's processes remembered at its OOM event */

/* The watcher's one voice: its stdio is /dev/null, so what it cannot do
 * goes to syslog through the hook's connection (lib/hook/hooklog.c), one
 * line per cause in its whole life, however often the cause recurs. */
enum { SAID_STATE = 1, SAID_EVIDENCE = 2, SAID_KMSG = 4, SAID_EVENTS = 8 };
static struct {
        const char *id;
        unsigned said;
} wlog;

static void say_once(unsigned cause, const char *fmt, ...) OG_PRINTF(2, 3);
static void say_once(unsigned cause, const char *fmt, ...)
{
        char msg[768];
        va_list ap;
        if (wlog.said & cause)
                return;
        wlog.said |= cause;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        hook_log(LOG_WARNING, "%s: the watcher %s", wlog.id, msg);
}

/* v1: an eventfd the kernel signals on OOM and on the cgroup's removal */
static int events_v1(const char *dir)
{
        char p[4096], reg[64];
        if ((size_t)snprintf(p, sizeof(p), "%s/memory.oom_control", dir) >= sizeof(p))
                return -ENAMETOOLONG;
        int oc = open(p, O_RDONLY | O_CLOEXEC);
        int e = oc < 0 ? -errno : 0;
        int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (e == 0 && efd < 0)
                e = -errno;
        if (e < 0)
                goto fail;
        snprintf(reg, sizeof(reg), "%d %d", efd, oc);
        if ((e = cgf_write(dir, "cgroup.event_control", reg)) < 0)
                goto fail;
        return efd; /* oc stays open: the registration refers to it */
fail:
        if (oc >= 0)
                close(oc);
        if (efd >= 0)
                close(efd);
        return e;
}

/* v1: an eventfd the kernel signals when usage crosses a threshold just
 * under the limit: the moment the limit is reached, snapshotted (v1 with
 * a memory+swap limit equal to the limit counts no failcnt on Linux 6.18,
 * and the runtime may remove the cgroup before a later look). early > 0:
 * also when it crosses that, for the writeback host mode (a writer at
 * memory speed fills a 256 MiB limit with dirty pages in 0.4 s, faster
 * than its 100 ms looks). Each registration waits for an RCU grace period
 * (5-8 ms each here, 16-32 ms at times; measured), and the runtime's rmdir
 * of the cgroup waits for a registration under way: a `true` container's
 * whole life took ~12 ms longer with them. So a child of the watcher makes
 * them, REGISTER_AFTER_MS after the watcher is ready and only if the init
 * still runs and the watcher is still there: a short container never pays,
 * and the watcher is free meanwhile (its 10 ms looks while the page cache
 * grows). The child signals the eventfd once it is done: the watcher's
 * look after them (a threshold already crossed never fires). It is reaped
 * by the kernel (SIGCHLD ignored). */
#define NEAR_LIMIT (512 * 1024)
#define REGISTER_AFTER_MS 100
static void detach_stdio(int *keep, size_t n);
static bool exited(int pidfd);

static void register_later(const char *dir, int efd, int uf, int pidfd, int64_t limit,
                           int64_t early)
{
        char reg[96];
        pid_t watcher = getppid();
        int keep[] = {efd, uf, pidfd}; /* not the state directory, nor the ring */
        detach_stdio(keep, ARRAY_SIZE(keep));
        for (int i = 0; i < REGISTER_AFTER_MS / 10; i++) {
                nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
                if (getppid() != watcher)
                        _exit(0);
        }
        if (exited(pidfd))
                _exit(0);
        snprintf(reg, sizeof(reg), "%d %d %" PRId64, efd, uf, limit - NEAR_LIMIT);
        if (cgf_write(dir, "cgroup.event_control", reg) == 0) {
                snprintf(reg, sizeof(reg), "%d %d %" PRId64, efd, uf, early);
                if (early > 0 && early < limit - NEAR_LIMIT) /* else the looks */
                        (void)cgf_write(dir, "cgroup.event_control", reg);
        }
        (void)eventfd_write(efd, 1);
        _exit(0);
}
static int threshold_v1(const char *dir, int pidfd, int64_t limit, int64_t early)
{
        char p[4096];
        if (limit <= 4 * NEAR_LIMIT || limit >= (INT64_C(1) << 50) ||
            (size_t)snprintf(p, sizeof(p), "%s/memory.usage_in_bytes", dir) >= sizeof(p))
                return -1;
        int uf = open(p, O_RDONLY | O_CLOEXEC);
        int efd = uf >= 0 ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
        pid_t c = efd >= 0 ? fork() : -1;
        if (c == 0)
                register_later(dir, efd, uf, pidfd, limit, early);
        if (c > 0)
                return efd; /* uf stays open: the registrations refer to it */
        if (uf >= 0)
                close(uf);
        if (efd >= 0)
                close(efd);
        return -1;
}

/* v2: inotify on memory.events; IN_IGNORED when the cgroup goes */
static int events_v2(const char *dir)
{
        char p[4096];
        if ((size_t)snprintf(p, sizeof(p), "%s/memory.events", dir) >= sizeof(p))
                return -ENAMETOOLONG;
        int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (fd < 0)
                return -errno;
        if (inotify_add_watch(fd, p, IN_MODIFY) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        return fd;
}

static void drain(int fd)
{
        char buf[4096];
        while (read(fd, buf, sizeof(buf)) > 0)
                ;
}

static bool dir_removed(int dirfd)
{
        struct stat st;
        return fstat(dirfd, &st) < 0 || st.st_nlink == 0;
}

/* The container's processes as its last OOM event found them: a
 * rate-limited report names its victim by pid alone. Read from its
 * cgroup.procs, not from each victim's /proc/<pid>/cgroup, which takes the
 * kernel's cgroup mutex, contended when many cgroups come and go in an
 * OOM storm, and would hold up the snapshots. */
struct own_pids {
        size_t n;
        int32_t pid[KMSG_PIDS_MAX];
};

static void remember_pids(const struct hook_state *hs, struct own_pids *o)
{
        char p[PATH_MAX], buf[8192];
        o->n = 0;
        if ((size_t)snprintf(p, sizeof(p), "%s/cgroup.procs", hs->cgroup_dir) >= sizeof(p))
                return;
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
        for (ssize_t i = 0, v = 0; i < n && o->n < KMSG_PIDS_MAX; i++) {
                if (buf[i] >= '0' && buf[i] <= '9' && v < INT32_MAX / 10) {
                        v = v * 10 + (buf[i] - '0');
                } else if (buf[i] == '\n') { /* a line cut at the end is left out */
                        if (v > 0)
                                o->pid[o->n++] = (int32_t)v;
                        v = 0;
                }
        }
}

static bool pid_remembered(int64_t pid, void *ud)
{
        const struct own_pids *o = ud;
        for (size_t i = 0; i < o->n; i++)
                if (o->pid[i] == pid)
                        return true;
        return false;
}

struct copy_out {
        int dirfd, fd;
        size_t size;
};

/* The copy is full: keep its newer half, from a report's first record
 * where one begins there, after a line that says what was dropped
 * (lib/hook/kcopy.h: poststop then trusts it only as far as the live
 * ring reaches back). */
static void compact(struct copy_out *o)
{
        _cleanup_free_ char *s = NULL;
        char *t;
        char mark[64];
        size_t len;
        if (fileio_read(o->dirfd, KMSG_COPY, 2 * KMSG_COPY_MAX, &s, &len, NULL, NULL) < 0)
                return;
        size_t from = kcopy_cut(s, len, KMSG_COPY_MAX / 2);
        size_t ml = kcopy_lost_line(mark, sizeof(mark), kcopy_lost_before(s, len));
        if (ml == 0 || !(t = malloc(ml + len - from)))
                return;
        memcpy(t, mark, ml);
        memcpy(t + ml, s + from, len - from);
        int r = fileio_replace(o->dirfd, KMSG_COPY, t, ml + len - from, 0600, NULL);
        free(t);
        if (r == 0) {
                close(o->fd);
                o->fd = openat(o->dirfd, KMSG_COPY, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
                o->size = ml + len - from;
        }
}

static void emit(const char *data, size_t len, void *ud)
{
        struct copy_out *o = ud;
        struct stat st;
        if (o->fd < 0) {
                o->fd = openat(o->dirfd, KMSG_COPY,
                               O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
                o->size = o->fd >= 0 && fstat(o->fd, &st) == 0 ? (size_t)st.st_size : 0;
        }
        if (o->fd >= 0 && o->size + len > KMSG_COPY_MAX)
                compact(o);
        if (o->fd >= 0 && o->size + len <= KMSG_COPY_MAX &&
            write(o->fd, data, len) == (ssize_t)len)
                o->size += len;
}

/* New kernel records that are the container's (lib/kcopy.h), appended to
 * <state>/kmsg.log: the ring may wrap, or be unreadable, by the time
 * poststop runs. At most max records, so that a flood does not hold up
 * the container's own events. Records overwritten before they were read
 * leave a line that says so after *last_seq, the last record read (0
 * before the first): the copy is not whole there. True if a summary or
 * a kill of the container's was among them. */
static bool copy_kmsg(int kfd, int dirfd, struct kcopy *kc, int64_t *last_seq, int max)
{
        bool ours = false;
        char rec[KMSG_RECORD_MAX + 1], mark[64];
        struct copy_out out = {.dirfd = dirfd, .fd = -1, .size = 0};
        if (!kc || !last_seq)
                return false;
        for (int i = 0; i < max; i++) {
                struct kmsg_header h;
                ssize_t n = kmsg_read_record(kfd, rec);
                if (n == -EPIPE) { /* overwritten before we read them */
                        size_t ml = kcopy_lost_line(mark, sizeof(mark), *last_seq);
                        if (ml)
                                emit(mark, ml, &out);
                        continue;
                }
                if (n <= 0)
                        break;
                if (kmsg_header_parse(rec, (size_t)n, &h))
                        *last_seq = h.seq;
                ours |= kcopy_feed(kc, rec, (size_t)n, emit, &out);
        }
        if (out.fd >= 0)
                close(out.fd);
        return ours;
}

/* The kernel's records and what the watcher keeps while it reads them. */
struct kmsg_watch {
        int fd; /* /dev/kmsg, -1 if it cannot be read */
        struct kcopy copy;
        struct own_pids pids;
        int64_t last_seq; /* the last record read (0: none yet) */
};

/* Before a final snapshot is saved: the records printed up to now copied
 * (KMSG_LAST at most), and how far the copy reaches written beside the
 * counters. poststop trusts the copy to fill a gap in the live ring only
 * where it reaches the ring's oldest record: a watcher that left without
 * reading to the end (the runtime removed the cgroup while a flood of
 * others' records held it back) has not seen its container's last
 * records, and one with nothing to copy writes no copy at all. */
static void copy_rest(struct kmsg_watch *km, int dirfd, struct evidence *ev)
{
        if (!km || km->fd < 0)
                return;
        copy_kmsg(km->fd, dirfd, &km->copy, &km->last_seq, KMSG_LAST);
        ev->kmsg_seq = km->last_seq;
}

/* An OOM event comes before the kernel has chosen and counted its victim,
 * and the runtime may remove the cgroup soon after the victim dies: look
 * again every millisecond until the kill is counted, for a short while. */
static void await_kill(const struct hook_state *hs, struct evidence *ev, int64_t before)
{
        const struct timespec ms = {0, 1000000};
        for (int i = 0; i < KILL_WAIT_MS && ev->oom_kill != OG_NONE && ev->oom_kill <= before &&
                        access(hs->cgroup_dir, F_OK) == 0;
             i++) {
                nanosleep(&ms, NULL);
                evidence_snapshot(hs->cgroup_dir, hs->cgroup_version, ev);
        }
}

/* PIDFD_GET_INFO (Linux 6.15): a pidfd keeps its process's exit status
 * once the process is reaped, for anyone who held the pidfd, not only its
 * parent. Defined here for older headers; the first version's layout. */
struct og_pidfd_info {
        uint64_t mask, cgroupid;
        uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
        int32_t exit_code;
};
#define OG_PIDFD_INFO_EXIT (1ULL << 3)
#define OG_PIDFD_GET_INFO _IOWR(0xFF, 11, struct og_pidfd_info)
#define EXIT_WAIT_MS 500 /* how long the init's parent may take to reap it */

/* How the init ended: its wait status once its parent has reaped it; left
 * OG_NONE when the kernel cannot tell (before 6.15) or the parent has not
 * reaped it in time. A wrong value is never recorded. */
static void init_exit(int pidfd, struct evidence *ev)
{
        const struct timespec ms = {0, 1000000};
        for (int i = 0; pidfd >= 0 && i < EXIT_WAIT_MS; i++) {
                struct og_pidfd_info info = {.mask = OG_PIDFD_INFO_EXIT};
                if (ioctl(pidfd, OG_PIDFD_GET_INFO, &info) < 0 && errno != ESRCH)
                        return; /* ENOTTY, EINVAL: the kernel does not keep it */
                if (info.mask & OG_PIDFD_INFO_EXIT) {
                        int st = info.exit_code;
                        if (WIFEXITED(st))
                                ev->exit_code = WEXITSTATUS(st);
                        else if (WIFSIGNALED(st))
                                ev->exit_signal = WTERMSIG(st);
                        return;
                }
                nanosleep(&ms, NULL); /* exited, not reaped yet */
        }
}

/* Has the process the pidfd refers to exited (reaped or not)? */
static bool exited(int pidfd)
{
        struct pollfd q = {pidfd, POLLIN, 0};
        return pidfd >= 0 && poll(&q, 1, 0) == 1 && (q.revents & POLLIN);
}

/* An OOM event whose kill no snapshot has seen counted yet. With 33 OOMs at
 * once among 100 containers (the load suite, on a busy host) a kill came
 * more than KILL_WAIT_MS after its event, and the runtime removed the
 * cgroup some 20 ms after it: until the kill is seen, every kernel record
 * is a moment to look again (for ARMED_MS at most). */
struct oom_pending {
        bool on;
        int64_t base, until_ms; /* the counter before the event */
};

/* Leaving on purpose: the last snapshot is the final word (a watcher
 * killed never gets here, and poststop then does not trust its counters).
 * It may predate a kill the runtime removed the cgroup too soon after:
 * the snapshot carries the time of its read, and poststop does not let it
 * deny a kill the kernel logged later (lib/core/verdict.c). Its peak,
 * limit hits and pressure stand. */
/* The evidence saved, or said (once) why not. */
static int save(int dirfd, const struct evidence *ev)
{
        int r = evidence_save(dirfd, EVIDENCE_WATCHER, ev);
        if (r < 0)
                say_once(SAID_EVIDENCE, "cannot save its evidence: %s", strerror(-r));
        return r;
}

/* The last records copied, the record saved as final. */
static void save_final(int dirfd, struct evidence *ev, struct kmsg_watch *km)
{
        copy_rest(km, dirfd, ev);
        ev->final = 1;
        save(dirfd, ev);
}

static void finish(int dirfd, struct evidence *ev, struct kmsg_watch *km)
{
        if (!ev->final)
                save_final(dirfd, ev, km);
}

static void room_freep(struct room_watch *w)
{
        room_watch_free(w);
}

/* A snapshot, saved; false if it could not be saved. */
static bool snapshot(int dirfd, const struct hook_state *hs, struct evidence *ev, bool oom_event,
                     bool init_exited, int pidfd, struct oom_pending *pend, struct kmsg_watch *km)
{
        int64_t before = ev->oom_kill, oom_before = ev->oom, taken = ev->snapshots;
        evidence_snapshot(hs->cgroup_dir, hs->cgroup_version, ev);
        bool fresh = ev->snapshots > taken; /* not if the cgroup is gone */
        /* v1's event is an OOM; v2's, only when its "oom" count rose */
        bool invoked = watchrule_oom_invoked(hs->cgroup_version, oom_event, fresh, oom_before,
                                             ev->oom);
        if (invoked && fresh)
                await_kill(hs, ev, before);
        if (invoked && (!fresh || !watchrule_kill_counted(before, ev->oom_kill)))
                *pend = (struct oom_pending){
                        .on = true, .base = before, .until_ms = dirtyctl_now_ms() + ARMED_MS};
        else if (pend->on && watchrule_kill_counted(pend->base, ev->oom_kill))
                pend->on = false;
        if (init_exited) /* after the counters: the reap comes before the cgroup goes */
                init_exit(pidfd, ev);
        if (watchrule_final(init_exited, fresh)) { /* init's death is in it */
                copy_rest(km, dirfd, ev);
                ev->final = ev->ended = 1;
        }
        return save(dirfd, ev) == 0;
}

static bool gone(const struct hook_state *hs, int dirfd)
{
        return watchrule_gone(access(hs->cgroup_dir, F_OK) == 0, !dir_removed(dirfd));
}

static void watch(int dirfd, const char *state_dir, const struct dirty_bounds *bounds,
                  const struct hook_env *env, const struct hook_state *hs, struct evidence *ev,
                  int ready_fd, int pidfd, bool init_gone)
{
        const char *kmsg = env->kmsg;
        __attribute__((cleanup(room_freep))) struct room_watch room = {.on = false};
        int evfd = hs->cgroup_version == 1 ? events_v1(hs->cgroup_dir)
                                           : events_v2(hs->cgroup_dir);
        if (evfd < 0)
                say_once(SAID_EVENTS,
                         "cannot watch %s for OOM events: %s; it records the "
                         "counters at the init's exit only",
                         hs->cgroup_dir, strerror(-evfd));
        /* on the heap: its pages are touched only when used */
        _cleanup_free_ struct kmsg_watch *km = malloc(sizeof(*km));
        int kfd = km ? open(kmsg, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
        struct stat kst; /* a regular file there would wake poll() without end */
        if (kfd >= 0 && (fstat(kfd, &kst) < 0 || !S_ISCHR(kst.st_mode))) {
                close(kfd);
                kfd = -1;
                errno = ENODEV;
        }
        if (kfd < 0)
                say_once(SAID_KMSG,
                         "cannot read %s: %s; the kernel's records are read at "
                         "poststop only",
                         kmsg, km ? strerror(errno) : "out of memory");
        if (km) {
                km->fd = kfd;
                km->pids.n = 0;
                km->last_seq = 0;
                kcopy_init(&km->copy, hs->cgroup, hs->init_pid, pid_remembered, &km->pids);
        }
        if (kfd >= 0)
                lseek(kfd, 0, SEEK_END); /* only what is printed from now on */
        /* ready: create may return and the container start (an OOM at its
         * first instruction is seen); the room comes second */
        if (write(ready_fd, "r", 1) < 0 || close(ready_fd) < 0) {
                /* a create gone meanwhile: no matter */
        }
        room_watch_init(&room, hs, dirfd, state_dir, bounds, env->proc_root);
        /* the host mode's early threshold: below an eighth of the limit
         * dirty a writer is not counted, above three sixteenths it is */
        int thfd = hs->cgroup_version == 1 ? threshold_v1(hs->cgroup_dir, pidfd, hs->limit_bytes,
                                                          room.on ? hs->limit_bytes / 16 * 3 : 0)
                                           : -1;
        /* a first look now, then every 10 ms until the registrations are
         * done (a writer at memory speed fills a 256 MiB limit in 0.4 s:
         * with 100 ms looks meanwhile, bench-pagecache's dd was OOM-killed
         * 3 times of 3), and one then */
        room.settling = room.on && thfd >= 0;
        room_watch_quiet(&room, hs);
        int64_t last_near = 0;
        struct pollfd p[4] = {
                {evfd, POLLIN, 0}, {pidfd, POLLIN, 0}, {kfd, POLLIN, 0}, {thfd, POLLIN, 0}};
        int64_t last_tick = dirtyctl_now_ms();
        struct oom_pending pend = {.on = false};
        for (;;) {
                int n = init_gone ? 0 : poll(p, 4, room_watch_timeout(&room, IDLE_CHECK_MS));
                if (n < 0 && errno == EINTR)
                        continue;
                bool oom_event = p[0].revents != 0;
                bool init_exited = init_gone || (p[1].fd >= 0 && (p[1].revents & POLLIN));
                if (init_exited)
                        p[1].fd = -1;
                init_gone = false;
                /* The container's own events first: the runtime may remove
                 * its cgroup soon after its init dies, and other
                 * containers' kernel records must not hold the snapshot up. */
                if (oom_event) {
                        drain(evfd);
                        if (km)
                                remember_pids(hs, &km->pids);
                }
                if (oom_event || init_exited) {
                        if (gone(hs, dirfd)) {
                                if (init_exited)
                                        init_exit(pidfd, ev);
                                finish(dirfd, ev, km); /* the cgroup or our state is gone */
                                return;
                        }
                        if (!snapshot(dirfd, hs, ev, oom_event, init_exited, pidfd, &pend, km))
                                return;
                }
                /* The OOM event fires before the kill is counted; the kernel
                 * counts it before printing "Killed process": the
                 * container's own record is another moment a snapshot sees
                 * the kill. */
                bool own = (p[2].revents & POLLIN) &&
                           copy_kmsg(kfd, dirfd, &km->copy, &km->last_seq, KMSG_BATCH);
                /* others' kernel records may wake it without end: whether
                 * its cgroup and state are still there is checked every
                 * 100 ms all the same */
                int64_t now = dirtyctl_now_ms();
                bool armed = pend.on && (p[2].revents & POLLIN) && now < pend.until_ms;
                bool tick = n == 0 || now - last_tick >= TICK_MS;
                if (tick)
                        last_tick = now;
                /* The host mode follows its room only when nothing else
                 * happens: in an OOM storm a read of memory.stat can stall
                 * for a fifth of a second, long enough for the container's
                 * own OOM, its death and the runtime's removal of its cgroup
                 * to pass unseen (seen in the load suite). */
                if (n == 0 || p[3].revents) /* quiet, or its own writes near the limit */
                        room_watch_quiet(&room, hs);
                /* near the limit: at most one snapshot every 50 ms */
                if (p[3].revents) {
                        room.settling = false; /* registered (or crossed) */
                        drain(thfd);
                        if (now - last_near >= 50 && !gone(hs, dirfd)) {
                                last_near = now;
                                if (!snapshot(dirfd, hs, ev, false, false, -1, &pend, km))
                                        return;
                        }
                }
                if ((own || armed || tick) && gone(hs, dirfd)) {
                        /* the init exited after this round's poll: its
                         * status is still to be had */
                        if (p[1].fd >= 0 && exited(pidfd))
                                init_exit(pidfd, ev);
                        finish(dirfd, ev, km); /* the cgroup or our state is gone */
                        return;
                }
                if ((own || armed) && !snapshot(dirfd, hs, ev, false, false, -1, &pend, km))
                        return;
                /* A runtime that is a child subreaper may wait for every
                 * descendant, this watcher included, before it removes the
                 * cgroup: `crun run` (1.8.1) waits until waitpid() says
                 * ECHILD, so a watcher waiting for the cgroup to go kept the
                 * container from ever stopping (seen in the VM suite, cgroup
                 * v1 and v2). Once init has exited and the counters of its
                 * death are saved, a watcher adopted by anything but init
                 * copies the last kernel records and leaves. */
                switch (watchrule_leave(init_exited, getppid(), evfd >= 0, n == 0)) {
                case WATCHRULE_ADOPTED: /* final already: the last records still */
                        save_final(dirfd, ev, km);
                        return;
                case WATCHRULE_IDLE:
                        finish(dirfd, ev, km); /* no event source: nothing to wait for */
                        return;
                case WATCHRULE_STAY: break;
                }
        }
}

static int by_fd(const void *a, const void *b)
{
        return *(const int *)a - *(const int *)b;
}

/* stdio on /dev/null (runc reads a hook's output until EOF), and every
 * other descriptor closed but the n in keep (negative ones ignored). */
static void detach_stdio(int *keep, size_t n)
{
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        for (int fd = 0; fd < 3 && null >= 0; fd++)
                dup2(null, fd);
        if (null > 2)
                close(null);
        qsort(keep, n, sizeof(*keep), by_fd);
        unsigned from = 3;
        for (size_t i = 0; i < n; i++) {
                if (keep[i] < (int)from)
                        continue;
                if (keep[i] > (int)from)
                        syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0U);
                from = (unsigned)keep[i] + 1;
        }
        syscall(SYS_close_range, from, ~0U, 0U);
}

static void watcher_main(const char *state_dir, const struct dirty_bounds *bounds,
                         const struct hook_env *env, const struct hook_state *hs, int ready_fd,
                         int pidfd, bool init_gone)
{
        int dirfd = -1;
        struct og_error err = {0};
        wlog.id = hs->id;
        /* kept: the pipe create waits on, the init's pidfd, and the way to
         * syslog, which a seccomp filter would not let it make again */
        int keep[] = {ready_fd, pidfd, logsock_open(NULL) == 0 ? logsock_fd() : -1};
        detach_stdio(keep, ARRAY_SIZE(keep));
        signal(SIGPIPE, SIG_IGN);
        signal(SIGCHLD, SIG_IGN); /* threshold_v1's child: reaped by the kernel */
        prctl(PR_SET_NAME, "oomguard-watch", 0, 0, 0);
        if (statedir_open(state_dir, hs->id, false, &dirfd, &err) < 0 || dirfd < 0) {
                say_once(SAID_STATE, "cannot open its state: %s; it leaves", err.msg);
                _exit(0);
        }
        struct evidence ev;
        evidence_init(&ev);
        ev.watcher_pid = getpid();
        evidence_snapshot(hs->cgroup_dir, hs->cgroup_version, &ev);
        save(dirfd, &ev);
        watch(dirfd, state_dir, bounds, env, hs, &ev, ready_fd, pidfd, init_gone);
        _exit(0);
}

int watcher_start(const char *state_dir, const struct dirty_bounds *bounds,
                  const struct hook_state *hs, const struct hook_env *env, int64_t *ret_pid,
                  struct og_error *err)
{
        int pfd[2];
        if (pipe2(pfd, O_CLOEXEC) < 0)
                return og_error_set(err, -errno, "starting the watcher: %s", strerror(errno));
        /* The init's pidfd, opened here while the init waits for start:
         * however late the watcher gets to run, the init's exit is its to
         * see. ESRCH: it has exited and been reaped already (taken as its
         * exit). */
        _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)hs->init_pid, 0);
        bool init_gone = pidfd < 0 && errno == ESRCH;
        pid_t c = fork();
        if (c < 0) {
                close(pfd[0]);
                close(pfd[1]);
                return og_error_set(err, -errno, "starting the watcher: %s", strerror(errno));
        }
        if (c == 0) {
                close(pfd[0]);
                setsid();
                pid_t g = fork();
                if (g != 0) {
                        ssize_t w = write(pfd[1], &g, sizeof(g));
                        _exit(w == sizeof(g) ? 0 : 1);
                }
                watcher_main(state_dir, bounds, env, hs, pfd[1], pidfd, init_gone);
        }
        close(pfd[1]);
        pid_t g = -1;
        ssize_t n = read(pfd[0], &g, sizeof(g));
        /* then its event sources are set up (a byte), or it has gone (EOF) */
        struct pollfd rp = {pfd[0], POLLIN, 0};
        char ready;
        if (n == sizeof(g) && poll(&rp, 1, READY_WAIT_MS) == 1 && read(pfd[0], &ready, 1) < 0)
                n = -1;
        close(pfd[0]);
        waitpid(c, NULL, 0);
        if (n != sizeof(g) || g <= 0)
                return og_error_set(err, -ECHILD, "the watcher did not start");
        *ret_pid = g;
        return 0;
}

bool watcher_alive(const char *proc_root, int64_t pid)
{
        struct proc_stat st;
        return pid > 0 && procfs_stat_read(proc_root, pid, &st) == 0 &&
               strcmp(st.comm, "oomguard-watch") == 0 && st.state != 'Z' && st.state != 'X';
}
