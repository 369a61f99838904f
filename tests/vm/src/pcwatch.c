/* SPDX-License-Identifier: MIT */
/* pcwatch: samples a memory cgroup while a container writes, for the VM
 * suite's page-cache scenario (busybox sh cannot sample fast enough).
 *
 *   pcwatch DIR [MS]
 *
 * Waits up to 60 s for DIR/memory.stat to appear, then reads the cgroup
 * every MS milliseconds (default 100) until its files are gone (the
 * runtime removed the cgroup) or SIGTERM, and prints one line:
 *
 *   samples=N peak_dirty_wb_kb=K peak_usage_kb=K peak_anon_kb=K high_kb=K oom_kill=N
 *
 * dirty + writeback is v2's file_dirty + file_writeback, v1's dirty +
 * writeback (this cgroup's own); usage is memory.current or
 * memory.usage_in_bytes; anon is anon or rss; high_kb is memory.high
 * (v2) at the last sample, -1 for "max" or v1; oom_kill the last count
 * seen (memory.events on v2, memory.oom_control on v1). Exit 1 when the
 * cgroup never appeared. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
        (void)sig;
        stop = 1;
}

/* The file DIR/NAME into buf; -1 when it cannot be read. */
static int slurp(const char *dir, const char *name, char *buf, size_t cap)
{
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        ssize_t n = read(fd, buf, cap - 1);
        close(fd);
        if (n < 0)
                return -1;
        buf[n] = '\0';
        return 0;
}

/* The value of "KEY N" lines in buf, -1 when absent. */
static long long key(const char *buf, const char *k)
{
        size_t kl = strlen(k);
        for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
                if (!strncmp(l, k, kl) && l[kl] == ' ')
                        return atoll(l + kl + 1);
        return -1;
}

static void nap(long ms)
{
        struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&t, NULL);
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                fputs("usage: pcwatch DIR [MS]\n", stderr);
                return 2;
        }
        const char *dir = argv[1];
        long ms = argc > 2 ? atol(argv[2]) : 100;
        if (ms < 10)
                ms = 10;
        signal(SIGTERM, on_term);
        signal(SIGINT, on_term);
        static char buf[16384];
        int i;
        for (i = 0; i < 3000 && !stop && slurp(dir, "memory.stat", buf, sizeof(buf)) < 0; i++)
                nap(20);
        if (i == 3000 || stop) {
                puts("samples=0 peak_dirty_wb_kb=0 peak_usage_kb=0 peak_anon_kb=0 high_kb=-1 oom_kill=-1");
                return 1;
        }
        int v2 = slurp(dir, "memory.current", buf, sizeof(buf)) == 0;
        long long high = -1, pdw = 0, pu = 0, pa = 0, oom = -1, n = 0;
        while (!stop) {
                if (slurp(dir, "memory.stat", buf, sizeof(buf)) < 0)
                        break;
                long long d = key(buf, v2 ? "file_dirty" : "dirty");
                long long w = key(buf, v2 ? "file_writeback" : "writeback");
                long long a = key(buf, v2 ? "anon" : "rss");
                if (d + w > pdw)
                        pdw = d + w;
                if (a > pa)
                        pa = a;
                if (slurp(dir, v2 ? "memory.current" : "memory.usage_in_bytes", buf,
                          sizeof(buf)) == 0 &&
                    atoll(buf) > pu)
                        pu = atoll(buf);
                if (slurp(dir, v2 ? "memory.events" : "memory.oom_control", buf, sizeof(buf)) ==
                    0)
                        oom = key(buf, "oom_kill");
                /* set by the createRuntime hook, maybe after the first sample */
                if (v2 && slurp(dir, "memory.high", buf, sizeof(buf)) == 0)
                        high = strncmp(buf, "max", 3) ? atoll(buf) >> 10 : -1;
                n++;
                nap(ms);
        }
        printf("samples=%lld peak_dirty_wb_kb=%lld peak_usage_kb=%lld peak_anon_kb=%lld "
               "high_kb=%lld oom_kill=%lld\n",
               n, pdw >> 10, pu >> 10, pa >> 10, high, oom);
        return 0;
}
