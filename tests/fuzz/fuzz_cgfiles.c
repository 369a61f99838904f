/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as a memory cgroup file. memory.events(.local),
 * memory.stat and memory.oom_control go through the flat-keyed lookup
 * cgf_parse_key, limit files (memory.max, memory.limit_in_bytes, ...)
 * through cgf_parse_limit; both are compared with a reference written
 * here the plain way: the first line "KEY VALUE" names the value, a value
 * is an optional sign and decimal digits that fit in 64 bits, and a limit
 * from 2^62 up, or "max", is none (-1). Every key oomguard looks up is
 * tried, plus the input's own first key.
 * cgf_read_oom_kill reads the same keyed files (no sub-cgroups here).
 * The counters without a pure parser (cgf_read_int: memory.peak,
 * memory.max_usage_in_bytes, memory.failcnt) are read back from a file
 * in a private temporary directory (on /dev/shm unless TMPDIR is set), and
 * so are the other two, which must agree with their pure parsers or, for a
 * file too large for the bounded read, give nothing rather than a
 * truncated answer. memory.pressure's avg10 (evidence_parse_psi) is a
 * percentage in hundredths (up to 100 with two decimals), or none. */
#define _GNU_SOURCE
#include "cgfiles.h"
#include "evidence.h"
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* what create, poststop, the watcher and doctor read */
static const char *const keys[] = {
        "oom_kill",
        "oom",
        "max",
        "high",
        "low",
        "oom_group_kill",
        "oom_kill_disable",
        "under_oom",
        "anon",
        "file",
        "file_dirty",
        "file_writeback",
        "rss",
        "cache",
        "dirty",
        "writeback",
        "total_rss",
        "rss_huge",
        "swap",
};

static bool ref_number(const char *s, const char *end, int64_t *ret)
{
        bool neg = false;
        if (s < end && (*s == '-' || *s == '+'))
                neg = *s++ == '-';
        if (s == end || *s < '0' || *s > '9')
                return false;
        unsigned __int128 v = 0;
        for (; s < end && *s >= '0' && *s <= '9'; s++) {
                v = v * 10 + (unsigned)(*s - '0');
                if (v > (unsigned __int128)INT64_MAX + 1)
                        return false;
        }
        if (!neg && v > INT64_MAX)
                return false;
        *ret = neg ? (int64_t)(0 - (uint64_t)v) : (int64_t)v;
        return true;
}

static int64_t ref_key(const char *buf, size_t len, const char *key)
{
        size_t kn = strlen(key);
        const char *end = buf + len;
        for (const char *line = buf; line < end;) {
                const char *eol = memchr(line, '\n', (size_t)(end - line));
                if (!eol)
                        eol = end;
                if ((size_t)(eol - line) > kn && !memcmp(line, key, kn) && line[kn] == ' ') {
                        int64_t v;
                        return ref_number(line + kn + 1, eol, &v) ? v : OG_NONE;
                }
                line = eol + 1;
        }
        return OG_NONE;
}

static int64_t ref_limit(const char *buf, size_t len)
{
        int64_t v;
        if (len >= 3 && !memcmp(buf, "max", 3))
                return -1;
        if (!ref_number(buf, buf + len, &v))
                return OG_NONE;
        return v >= (INT64_C(1) << 62) ? -1 : v;
}

static void expect(int64_t got, int64_t want, const char *what)
{
        if (got != want) {
                fprintf(stderr, "%s: %lld, want %lld\n", what, (long long)got, (long long)want);
                abort();
        }
}

static char dir[64];

static const char *const files[] = {"memory.file", "memory.oom_control", "memory.events"};

static void remove_dir(void)
{
        char p[128];
        for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
                snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
                unlink(p);
        }
        rmdir(dir);
}

static void put_as(const char *name, const uint8_t *data, size_t size)
{
        char p[128];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
                abort();
        close(fd);
}

static void put(const uint8_t *data, size_t size)
{
        for (size_t i = 0; i < ARRAY_SIZE(files); i++)
                put_as(files[i], data, size);
}

/* the bounded reads: 4 KiB buffers for keyed files, 64 bytes for single
 * values, so a file of 4095 or 63 bytes fits whole and a longer one is
 * refused, never cut */
static void check_files(const uint8_t *data, size_t size)
{
        const char *buf = (const char *)data;
        put(data, size);
        expect(cgf_read_key(dir, "memory.file", "oom_kill"),
               size > 0 && size <= 4095 ? cgf_parse_key(buf, size, "oom_kill") : OG_NONE,
               "cgf_read_key");
        expect(cgf_read_limit(dir, "memory.file"),
               size > 0 && size <= 63 ? cgf_parse_limit(buf, size) : OG_NONE, "cgf_read_limit");
        int64_t want = OG_NONE, v;
        if (size > 0 && size <= 63 && size >= 3 && !memcmp(buf, "max", 3))
                want = -1;
        else if (size > 0 && size <= 63 && ref_number(buf, buf + size, &v))
                want = v;
        expect(cgf_read_int(dir, "memory.file"), want, "cgf_read_int");
        /* the OOM-kill counter of a cgroup without sub-cgroups: v1
         * memory.oom_control, v2 memory.events, through the same lookup */
        int64_t k = size > 0 && size <= 4095 ? cgf_parse_key(buf, size, "oom_kill") : OG_NONE;
        expect(cgf_read_oom_kill(dir, 1), k, "cgf_read_oom_kill v1");
        expect(cgf_read_oom_kill(dir, 2), k, "cgf_read_oom_kill v2");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *buf = (const char *)data;
        if (!dir[0]) { /* tmpfs if there is one: a disk makes this 40 times slower */
                const char *t = getenv("TMPDIR");
                if (!t || !*t || strlen(t) >= 32)
                        t = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
                snprintf(dir, sizeof(dir), "%s/oomguard-fuzz-XXXXXX", t);
                if (!mkdtemp(dir))
                        abort();
                atexit(remove_dir);
        }
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
                expect(cgf_parse_key(buf, size, keys[i]), ref_key(buf, size, keys[i]), keys[i]);
        /* the input's own first key */
        const char *sp = memchr(buf, ' ', size < 64 ? size : 64);
        if (sp && sp > buf && !memchr(buf, '\0', (size_t)(sp - buf)) &&
            !memchr(buf, '\n', (size_t)(sp - buf))) {
                char key[64];
                memcpy(key, buf, (size_t)(sp - buf));
                key[sp - buf] = '\0';
                expect(cgf_parse_key(buf, size, key), ref_key(buf, size, key), "first key");
        }
        expect(cgf_parse_limit(buf, size), ref_limit(buf, size), "cgf_parse_limit");
        int64_t some, full;
        evidence_parse_psi(buf, size, &some, &full);
        for (int i = 0; i < 2; i++) {
                int64_t v = i ? full : some; /* at most "100.99": 100 and two decimals */
                if (v != OG_NONE && (v < 0 || v > 10099)) {
                        fprintf(stderr, "psi avg10 %lld, want 0 to 10099\n", (long long)v);
                        abort();
                }
        }
        check_files(data, size);
        return 0;
}
