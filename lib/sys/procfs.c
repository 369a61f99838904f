/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "procfs.h"

#include "fileio.h"
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

int64_t procfs_meminfo_kb(const char *buf, size_t len, const char *key)
{
        size_t kn = strlen(key);
        for (const char *s = buf, *end = buf + len; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                struct scan l = {s, nl ? nl : end};
                s = nl ? nl + 1 : end;
                int64_t v;
                if ((size_t)(l.end - l.p) <= kn || memcmp(l.p, key, kn) || l.p[kn] != ':')
                        continue;
                l.p += kn + 1;
                scan_skip_spaces(&l);
                return scan_i64(&l, &v) && v >= 0 ? v : OG_NONE;
        }
        return OG_NONE;
}

int64_t proc_meminfo(const char *proc_root, const char *key)
{
        char p[PATH_MAX], buf[8192];
        if ((size_t)snprintf(p, sizeof(p), "%s/meminfo", proc_root) >= sizeof(p))
                return OG_NONE;
        ssize_t n = fileio_read_at(AT_FDCWD, p, buf, sizeof(buf));
        int64_t kb = n > 0 ? procfs_meminfo_kb(buf, (size_t)n, key) : OG_NONE;
        return kb == OG_NONE || kb > INT64_MAX / 1024 ? OG_NONE : kb * 1024;
}

int64_t proc_mem_total(const char *proc_root)
{
        return proc_meminfo(proc_root, "MemTotal");
}

int procfs_stat_parse(const char *buf, size_t len, struct proc_stat *ret)
{
        const char *open = memchr(buf, '(', len);
        const char *close = memrchr(buf, ')', len);
        if (!open || !close || close < open || close + 2 >= buf + len)
                return -EINVAL;
        memset(ret, 0, sizeof(*ret));
        size_t cn = (size_t)(close - open - 1);
        cn = cn < sizeof(ret->comm) - 1 ? cn : sizeof(ret->comm) - 1;
        memcpy(ret->comm, open + 1, cn);
        ret->state = close[2];
        ret->ppid = ret->starttime = ret->exit_code = OG_NONE;
        /* fields from 3 (state) on, one space apart */
        struct scan t = {close + 2, buf + len};
        for (int field = 3; t.p < t.end; field++) {
                int64_t v;
                struct scan f = t;
                const char *sp = memchr(t.p, ' ', (size_t)(t.end - t.p));
                f.end = sp ? sp : t.end;
                if (field == 4 || field == 22 || field == 52) {
                        while (f.end > f.p && f.end[-1] == '\n')
                                f.end--;
                        if (scan_i64(&f, &v) && f.p == f.end)
                                *(field == 4    ? &ret->ppid
                                  : field == 22 ? &ret->starttime
                                                : &ret->exit_code) = v;
                }
                t.p = sp ? sp + 1 : t.end;
        }
        return ret->ppid == OG_NONE ? -EINVAL : 0;
}

int procfs_stat_read(const char *proc_root, int64_t pid, struct proc_stat *ret)
{
        char p[PATH_MAX], buf[1024];
        if ((size_t)snprintf(p, sizeof(p), "%s/%" PRId64 "/stat", proc_root, pid) >= sizeof(p))
                return -ENAMETOOLONG;
        ssize_t n = fileio_read_at(AT_FDCWD, p, buf, sizeof(buf));
        if (n < 0)
                return (int)n;
        return procfs_stat_parse(buf, (size_t)n, ret);
}
