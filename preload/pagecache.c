/* SPDX-License-Identifier: MIT */
/* liboomguard-pagecache.so: oomguard's write window, preloaded into a
 * container's dynamically linked (glibc) programs by oomguard-shim.
 *
 * A memory cgroup fills with dirty and writeback pages faster than slow
 * storage drains them, and on cgroup v1 reclaim cannot wait for writeback:
 * the kernel OOM-kills a writer that holds almost no memory of its own.
 * Here every regular-file descriptor gets a window: each time another
 * OOMGUARD_WRITEBACK_WINDOW bytes (default 16 MiB) have been written
 * through it, writeback of that window starts, the previous window is
 * waited for and dropped from the page cache. At most about two windows
 * per descriptor are dirty or in flight.
 *
 * On overlayfs (the usual container rootfs) sync_file_range() acts on the
 * overlay inode, which has no pages, and silently does nothing; there each
 * window is fdatasync()ed instead, which reaches the upper file.
 *
 * Covered: write, pwrite, pwrite64, writev, pwritev, and close. Not covered:
 * glibc's own stdio flushes (they call an internal write), static and Go
 * binaries (no dynamic loader reads LD_PRELOAD); oomguard's host mode is
 * for those.
 *
 * Portability into any glibc image: the wrappers make the system calls
 * themselves (no dlsym: it moved from libdl into libc in glibc 2.34, and a
 * library bound to either breaks on the other), only symbols present since
 * glibc 2.2.5 are used, no libpthread, no fortify wrappers. `make check`
 * verifies the symbol versions. The price: these writes are not pthread
 * cancellation points. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <unistd.h>

#define MAX_FD 65536
#define OVERLAYFS_MAGIC 0x794c7630
#define DEFAULT_WINDOW (16ULL << 20)

struct fd_window {
        unsigned char state; /* 0 not looked at, 1 a regular file, 2 ignored */
        unsigned char overlay;
        uint64_t dev, ino;
        int64_t flushed; /* [0, flushed): written back and dropped */
        int64_t kicked;  /* [flushed, kicked): writeback started */
        uint64_t since;  /* bytes written since the last boundary */
};

static struct fd_window *table;
static uint64_t window = DEFAULT_WINDOW;
static volatile char table_lock;

static void lock(void)
{
        while (__atomic_test_and_set(&table_lock, __ATOMIC_ACQUIRE))
                syscall(SYS_sched_yield);
}

static void unlock(void)
{
        __atomic_clear(&table_lock, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void init(void)
{
        const char *w = getenv("OOMGUARD_WRITEBACK_WINDOW");
        unsigned long long v = w ? strtoull(w, NULL, 10) : 0;
        if (v >= (1ULL << 20) && v <= (1ULL << 30))
                window = v;
        table = calloc(MAX_FD, sizeof(*table)); /* untouched pages cost nothing */
}

static int64_t position(int fd)
{
        return (int64_t)syscall(SYS_lseek, fd, 0L, SEEK_CUR);
}

/* What to do outside the lock once a boundary is crossed. */
struct action {
        int overlay;
        int64_t kick_from, kick_len; /* start writeback */
        int64_t wait_from, wait_len; /* wait for it and drop it */
};

static void restart(int fd, struct fd_window *s, const struct stat *st, int64_t at)
{
        struct statfs sf;
        s->state = 1;
        s->dev = st->st_dev;
        s->ino = st->st_ino;
        s->overlay = syscall(SYS_fstatfs, fd, &sf) == 0 &&
                     (unsigned long)sf.f_type == OVERLAYFS_MAGIC;
        s->flushed = s->kicked = at;
        s->since = 0;
}

/* Under the lock: account n bytes ending at end (-1: ask the kernel). */
static int boundary(int fd, ssize_t n, int64_t end, struct action *a)
{
        struct fd_window *s = &table[fd];
        struct stat st;
        if (s->state == 0) {
                if (syscall(SYS_fstat, fd, &st) != 0 || !S_ISREG(st.st_mode)) {
                        s->state = 2;
                        return 0;
                }
                int64_t pos = end >= 0 ? end : position(fd);
                restart(fd, s, &st, pos >= n ? pos - n : 0);
        }
        if (s->state != 1 || (s->since += (uint64_t)n) < window)
                return 0;
        int64_t pos = end >= 0 ? end : position(fd);
        if (syscall(SYS_fstat, fd, &st) != 0 || !S_ISREG(st.st_mode)) {
                s->state = 2;
                return 0;
        }
        /* a descriptor reused behind our back, or a seek backwards */
        if ((uint64_t)st.st_dev != s->dev || (uint64_t)st.st_ino != s->ino || pos < s->kicked)
                restart(fd, s, &st, 0);
        a->overlay = s->overlay;
        a->kick_from = s->kicked;
        a->kick_len = pos - s->kicked;
        a->wait_from = s->flushed;
        a->wait_len = s->overlay ? pos - s->flushed : s->kicked - s->flushed;
        s->flushed = s->overlay ? pos : s->kicked;
        s->kicked = pos;
        s->since = 0;
        return 1;
}

static void act(int fd, const struct action *a)
{
        if (a->overlay) { /* sync_file_range does nothing on overlayfs */
                syscall(SYS_fdatasync, fd);
        } else {
                if (a->kick_len > 0)
                        syscall(SYS_sync_file_range, fd, a->kick_from, a->kick_len,
                                SYNC_FILE_RANGE_WRITE);
                if (a->wait_len > 0)
                        syscall(SYS_sync_file_range, fd, a->wait_from, a->wait_len,
                                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                        SYNC_FILE_RANGE_WAIT_AFTER);
        }
        if (a->wait_len > 0)
                syscall(SYS_fadvise64, fd, a->wait_from, a->wait_len, POSIX_FADV_DONTNEED);
}

static void account(int fd, ssize_t n, int64_t end)
{
        if (n <= 0 || fd < 0 || fd >= MAX_FD || !table)
                return;
        int saved = errno;
        struct action a;
        lock();
        int todo = boundary(fd, n, end, &a);
        unlock();
        if (todo)
                act(fd, &a);
        errno = saved;
}

ssize_t write(int fd, const void *buf, size_t n)
{
        ssize_t r = syscall(SYS_write, fd, buf, n);
        account(fd, r, -1);
        return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
        ssize_t r = syscall(SYS_pwrite64, fd, buf, n, (long)off);
        account(fd, r, r > 0 ? (int64_t)off + r : -1);
        return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
        return pwrite(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
        ssize_t r = syscall(SYS_writev, fd, iov, cnt);
        account(fd, r, -1);
        return r;
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
        /* the kernel takes the offset as two halves, low and high */
        ssize_t r = syscall(SYS_pwritev, fd, iov, cnt, (unsigned long)off, 0UL);
        account(fd, r, r > 0 ? (int64_t)off + r : -1);
        return r;
}

int close(int fd)
{
        if (fd >= 0 && fd < MAX_FD && table) {
                lock();
                table[fd].state = 0;
                unlock();
        }
        return (int)syscall(SYS_close, fd);
}
