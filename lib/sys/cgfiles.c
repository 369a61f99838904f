/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "cgfiles.h"

#include "scan.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
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

static ssize_t read_small(const char *dir, const char *file, char *buf, size_t cap)
{
        int fd = open_file(dir, file, O_RDONLY);
        if (fd < 0)
                return fd;
        ssize_t n = read(fd, buf, cap - 1);
        int e = errno;
        close(fd);
        if (n < 0)
                return -e;
        if ((size_t)n == cap - 1)
                return -EFBIG; /* fail rather than truncate */
        buf[n] = '\0';
        return n;
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
                        struct scan t = scan_make(s + kn + 1, (size_t)(e - s - (ptrdiff_t)kn - 1));
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
