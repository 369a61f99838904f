/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "cgfiles.h"

#include "fileio.h"
#include "scan.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_file(const char *dir, const char *file, int flags)
{
        char p[PATH_MAX];
        if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, file) >= sizeof(p))
                return -ENAMETOOLONG;
        int fd = open(p, flags | O_CLOEXEC | O_NOFOLLOW);
        return fd < 0 ? -errno : fd;
}

int cgf_write(const char *dir, const char *file, const char *value)
{
        int fd = open_file(dir, file, O_WRONLY);
        if (fd < 0)
                return fd;
        ssize_t n = write(fd, value, strlen(value));
        int e = n < 0 ? -errno : 0;
        close(fd);
        return e;
}

static ssize_t read_fd(int fd, char *buf, size_t cap)
{
        ssize_t n = fileio_read_fd(fd, buf, cap); /* fails rather than truncates */
        if (fd >= 0)
                close(fd);
        return n;
}

static ssize_t read_small(const char *dir, const char *file, char *buf, size_t cap)
{
        return read_fd(open_file(dir, file, O_RDONLY), buf, cap);
}

int64_t cgf_read_int(const char *dir, const char *file)
{
        char buf[64];
        int64_t v;
        ssize_t n = read_small(dir, file, buf, sizeof(buf));
        if (n <= 0)
                return OG_NONE;
        if (strncmp(buf, "max", 3) == 0)
                return -1;
        struct scan s = scan_make(buf, (size_t)n);
        return scan_i64(&s, &v) ? v : OG_NONE;
}

/* v1's "no limit" is LONG_MAX rounded down to a page (9223372036854771712
 * with 4 KiB pages, less with larger ones): take everything from 2^62 (4 EiB)
 * up for it. Read as a number it made a container without a limit look
 * like one as large as the host: oom_score_adj "auto" gave it 1 instead of
 * 1000 (seen in the VM suite's cgroup v1 guest). */
#define CGF_UNLIMITED_FROM (INT64_C(1) << 62)

int64_t cgf_parse_limit(const char *buf, size_t len)
{
        int64_t v;
        if (len >= 3 && memcmp(buf, "max", 3) == 0)
                return -1;
        struct scan s = scan_make(buf, len);
        if (!scan_i64(&s, &v))
                return OG_NONE;
        return v >= CGF_UNLIMITED_FROM ? -1 : v;
}

int64_t cgf_read_limit(const char *dir, const char *file)
{
        char buf[64];
        ssize_t n = read_small(dir, file, buf, sizeof(buf));
        return n > 0 ? cgf_parse_limit(buf, (size_t)n) : OG_NONE;
}

int64_t cgf_parse_key(const char *buf, size_t len, const char *key)
{
        size_t kn = strlen(key);
        for (const char *s = buf, *end = buf + len; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                if ((size_t)(e - s) > kn && memcmp(s, key, kn) == 0 && s[kn] == ' ') {
                        struct scan t = scan_make(s + kn + 1,
                                                  (size_t)(e - s - (ptrdiff_t)kn - 1));
                        int64_t v;
                        return scan_i64(&t, &v) ? v : OG_NONE;
                }
                s = nl ? nl + 1 : end;
        }
        return OG_NONE;
}

int64_t cgf_read_key(const char *dir, const char *file, const char *key)
{
        char buf[4096];
        ssize_t n = read_small(dir, file, buf, sizeof(buf));
        return n > 0 ? cgf_parse_key(buf, (size_t)n, key) : OG_NONE;
}

/* A container may create cgroups without end: the walk stops at this many
 * (and this deep); what it leaves out can only hide the container's own
 * kills from its own verdict. */
#define CGF_SUBTREE_MAX 1024
#define CGF_SUBTREE_DEPTH 16

struct subtree_walk {
        size_t seen;
        int64_t sum;
};

static int64_t oom_kill_at(int dfd)
{
        char buf[4096];
        int fd = openat(dfd, "memory.oom_control", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return OG_NONE;
        ssize_t n = read_fd(fd, buf, sizeof(buf));
        return n > 0 ? cgf_parse_key(buf, (size_t)n, "oom_kill") : OG_NONE;
}

/* Adds the oom_kill of every cgroup below dfd (which it closes). */
static void sum_children(int dfd, int depth, struct subtree_walk *w)
{
        struct stat st;
        /* cgroupfs counts a directory's subdirectories in its link count:
         * a leaf, as most containers are, is not listed (a file system
         * that always says 1 is) */
        if (fstat(dfd, &st) == 0 && st.st_nlink == 2) {
                close(dfd);
                return;
        }
        DIR *d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return;
        }
        struct dirent *de;
        while (w->seen < CGF_SUBTREE_MAX && (de = readdir(d))) {
                if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                int cfd = openat(dirfd(d), de->d_name,
                                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (cfd < 0)
                        continue; /* removed meanwhile */
                w->seen++;
                int64_t k = oom_kill_at(cfd);
                if (k > 0)
                        w->sum += k;
                if (depth + 1 < CGF_SUBTREE_DEPTH)
                        sum_children(cfd, depth + 1, w);
                else
                        close(cfd);
        }
        closedir(d);
}

int64_t cgf_read_oom_kill(const char *dir, int version)
{
        if (version != 1)
                return cgf_read_key(dir, "memory.events", "oom_kill");
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0)
                return OG_NONE;
        struct subtree_walk w = {0, oom_kill_at(dfd)};
        if (w.sum == OG_NONE) {
                close(dfd);
                return OG_NONE;
        }
        sum_children(dfd, 0, &w);
        return w.sum;
}

static void read_counters(const char *dir, int version, bool below, struct cg_counters *ret)
{
        bool v1 = version == 1;
        ret->oom_kill = below ? cgf_read_oom_kill(dir, version) : OG_NONE;
        ret->oom_kill_local = cgf_read_key(dir, v1 ? "memory.oom_control" : "memory.events.local",
                                           "oom_kill");
        if (v1) {
                int64_t m = cgf_read_int(dir, "memory.failcnt");
                int64_t sw = cgf_read_int(dir, "memory.memsw.failcnt");
                ret->limit_hits = m == OG_NONE ? OG_NONE : m + (sw == OG_NONE ? 0 : sw);
                ret->oom = OG_NONE;
        } else {
                char buf[512];
                ssize_t n = read_small(dir, "memory.events.local", buf, sizeof(buf));
                ret->limit_hits = n < 0 ? OG_NONE : cgf_parse_key(buf, (size_t)n, "max");
                ret->oom = n < 0 ? OG_NONE : cgf_parse_key(buf, (size_t)n, "oom");
        }
}

void cgf_read_counters(const char *dir, int version, struct cg_counters *ret)
{
        read_counters(dir, version, true, ret);
}

void cgf_read_own_counters(const char *dir, int version, struct cg_counters *ret)
{
        read_counters(dir, version, false, ret);
}

void cgf_read_memstat(const char *dir, int version, struct cg_memstat *ret)
{
        bool v1 = version == 1;
        char buf[8192];
        ssize_t n = read_small(dir, "memory.stat", buf, sizeof(buf));
        size_t len = n < 0 ? 0 : (size_t)n;
        ret->anon = n < 0 ? OG_NONE : cgf_parse_key(buf, len, v1 ? "rss" : "anon");
        ret->file = n < 0 ? OG_NONE : cgf_parse_key(buf, len, v1 ? "cache" : "file");
        ret->dirty = n < 0 ? OG_NONE : cgf_parse_key(buf, len, v1 ? "dirty" : "file_dirty");
        ret->writeback = n < 0 ? OG_NONE
                               : cgf_parse_key(buf, len, v1 ? "writeback" : "file_writeback");
}

int64_t cgf_read_peak(const char *dir, int version)
{
        return cgf_read_int(dir, version == 1 ? "memory.max_usage_in_bytes" : "memory.peak");
}
