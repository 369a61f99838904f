/* SPDX-License-Identifier: MIT */
/* pc-watch CGDIR CGPATH: what happened to one container's memory cgroup.
 *
 * runc removes a container's cgroup as soon as it exits, so its counters
 * must be read while it runs. Every 50 ms this samples CGDIR (a cgroup v1
 * memory directory; it may appear later and vanish early): the peak of
 * dirty + writeback, of usage and of rss from memory.stat, and the highest
 * oom_kill in memory.oom_control, and the smallest vm.dirty_bytes in force
 * meanwhile (oomguard's host mode may set it). It also reads the kernel's log from the
 * moment it starts and counts the oom-kill records whose oom_memcg is
 * CGPATH (the path the kernel prints; only facility 0, kernel, records
 * count: userspace may write to /dev/kmsg). Those records are rate-limited
 * by the kernel and the counter can vanish before a sample, so the caller
 * combines both with the container's exit status.
 *
 * It stops on SIGTERM or SIGINT, or when its parent goes away, reads the
 * log once more and prints one line of key=value pairs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct watch {
        const char *cgdir, *cgpath;
        int kmsg;
        int seen, samples;
        long long peak_dirty_wb, peak_usage, peak_rss, oom_kill;
        long long kmsg_kills, kmsg_lost;
        long long vm_dirty_bytes; /* the smallest vm.dirty_bytes seen while the cgroup lived; 0:
                                     ratio */
        char victims[256];
};

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
        (void)sig;
        stop = 1;
}

/* one bounded read of a small cgroup file; -1 if it is gone */
static ssize_t read_small(const char *dir, const char *name, char *buf, size_t cap)
{
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
                return -1;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        ssize_t n = read(fd, buf, cap - 1);
        close(fd);
        if (n < 0)
                return -1;
        buf[n] = '\0';
        return n;
}

/* the value of "KEY value" at the start of a line, or -1 */
static long long key_value(const char *buf, const char *key)
{
        size_t kl = strlen(key);
        for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (strncmp(p, key, kl) == 0 && p[kl] == ' ')
                        return atoll(p + kl + 1);
        return -1;
}

static void sample(struct watch *w)
{
        char buf[8192];
        if (read_small(w->cgdir, "memory.stat", buf, sizeof buf) < 0)
                return;
        long long dirty = key_value(buf, "dirty"), wb = key_value(buf, "writeback");
        long long rss = key_value(buf, "rss");
        w->seen = 1;
        w->samples++;
        if (read_small("/proc/sys/vm", "dirty_bytes", buf, sizeof buf) > 0 && atoll(buf) > 0 &&
            (w->vm_dirty_bytes == 0 || atoll(buf) < w->vm_dirty_bytes))
                w->vm_dirty_bytes = atoll(buf);
        if (dirty >= 0 && wb >= 0 && dirty + wb > w->peak_dirty_wb)
                w->peak_dirty_wb = dirty + wb;
        if (rss > w->peak_rss)
                w->peak_rss = rss;
        if (read_small(w->cgdir, "memory.usage_in_bytes", buf, sizeof buf) > 0 &&
            atoll(buf) > w->peak_usage)
                w->peak_usage = atoll(buf);
        if (read_small(w->cgdir, "memory.oom_control", buf, sizeof buf) > 0) {
                long long k = key_value(buf, "oom_kill");
                if (k > w->oom_kill)
                        w->oom_kill = k;
        }
}

/* the value of ",NAME=" (or a leading "NAME=") in an oom-kill record */
static size_t field(const char *msg, const char *name, const char **ret)
{
        char pat[32];
        snprintf(pat, sizeof pat, ",%s=", name);
        const char *p = strstr(msg, pat);
        if (!p)
                return 0;
        p += strlen(pat);
        *ret = p;
        return strcspn(p, ",\n");
}

static void kmsg_record(struct watch *w, const char *rec)
{
        const char *msg = strchr(rec, ';'), *v = NULL;
        if (!msg || atoi(rec) >> 3 != 0) /* facility 0: the kernel's own */
                return;
        msg++;
        if (strncmp(msg, "oom-kill:", 9) != 0)
                return;
        size_t n = field(msg, "oom_memcg", &v);
        if (n == 0 || n != strlen(w->cgpath) || strncmp(v, w->cgpath, n) != 0)
                return;
        w->kmsg_kills++;
        n = field(msg, "task", &v);
        size_t used = strlen(w->victims);
        if (n && used + n + 2 < sizeof w->victims)
                snprintf(w->victims + used, sizeof w->victims - used, "%s%.*s", used ? "," : "",
                         (int)n, v);
}

static void kmsg_drain(struct watch *w)
{
        char rec[8193];
        if (w->kmsg < 0)
                return;
        for (;;) {
                ssize_t n = read(w->kmsg, rec, sizeof rec - 1);
                if (n < 0 && errno == EPIPE) {
                        w->kmsg_lost++;
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return;
                rec[n] = '\0';
                kmsg_record(w, rec);
        }
}

int main(int argc, char **argv)
{
        if (argc != 3) {
                fprintf(stderr, "usage: pc-watch CGDIR CGPATH\n");
                return 2;
        }
        struct watch w = {.cgdir = argv[1], .cgpath = argv[2]};
        struct sigaction sa = {.sa_handler = on_signal};
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        pid_t parent = getppid();
        w.kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (w.kmsg >= 0)
                lseek(w.kmsg, 0, SEEK_END);
        const struct timespec tick = {0, 50 * 1000 * 1000};
        while (!stop && getppid() == parent) {
                sample(&w);
                kmsg_drain(&w);
                nanosleep(&tick, NULL);
        }
        sample(&w);
        nanosleep(&tick, NULL);
        kmsg_drain(&w);
        printf("seen=%d samples=%d oom_kill=%lld kmsg_kills=%lld victims=%s peak_dirty_wb=%lld "
               "peak_usage=%lld peak_rss=%lld vm_dirty_bytes=%lld kmsg=%s kmsg_lost=%lld\n",
               w.seen, w.samples, w.oom_kill, w.kmsg_kills, w.victims[0] ? w.victims : "-",
               w.peak_dirty_wb, w.peak_usage, w.peak_rss, w.vm_dirty_bytes,
               w.kmsg >= 0 ? "yes" : "no", w.kmsg_lost);
        return 0;
}
