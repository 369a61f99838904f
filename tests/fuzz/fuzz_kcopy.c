/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as records read from /dev/kmsg, one per line
 * ("pri,seq,usec,flags;text"), fed to the watcher's copy filter
 * (lib/kcopy.c) for a container in "/fz/own" with init pid 4242 whose
 * other processes are the pids 5000-5099. Checked:
 * - what is copied is whole first lines of the records fed, facility 0
 *   only, and never more than was fed plus the held bound;
 * - an input that names neither the container's cgroup nor one of its
 *   pids gets nothing copied at all (another container's records);
 * - the summary rule: "yes" only with task_memcg= naming the cgroup;
 * - kcopy_cut keeps at most what it is asked, from a line's start. */
#define _GNU_SOURCE
#include "kcopy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OWN "/fz/own"

static bool pid_ours(int64_t pid, void *ud)
{
        (void)ud;
        return pid >= 5000 && pid < 5100;
}

struct sink {
        size_t bytes, lines;
        bool bad;
        const char *in;
        size_t in_len;
};

static void emit(const char *data, size_t len, void *ud)
{
        struct sink *s = ud;
        s->bytes += len;
        /* whole lines, each one present in the input, facility 0 */
        for (const char *p = data, *end = data + len; p < end;) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *e = nl ? nl + 1 : end;
                if (!memmem(s->in, s->in_len, p, (size_t)(e - p)) || p[0] < '0' || p[0] > '7' ||
                    p[1] != ',')
                        s->bad = true;
                s->lines++;
                p = e;
        }
}

static void fail(const char *what)
{
        fprintf(stderr, "%s\n", what);
        abort();
}

/* Does the input name one of the container's pids as a decimal number? */
static bool names_a_pid(const char *buf, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                if (buf[i] < '0' || buf[i] > '9' ||
                    (i > 0 && buf[i - 1] >= '0' && buf[i - 1] <= '9'))
                        continue;
                long v = 0;
                size_t j = i;
                while (j < len && j - i < 12 && buf[j] >= '0' && buf[j] <= '9')
                        v = v * 10 + (buf[j++] - '0');
                if (v == 4242 || (v >= 5000 && v < 5100))
                        return true;
        }
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct kcopy k;
        const char *buf = (const char *)data;
        struct sink s = {0, 0, false, buf, size};
        kcopy_init(&k, OWN, 4242, pid_ours, NULL);
        for (const char *p = buf, *end = buf + size; p < end;) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *e = nl ? nl + 1 : end;
                kcopy_feed(&k, p, (size_t)(e - p), emit, &s);
                /* the kind and the summary rule on the record's text */
                const char *semi = memchr(p, ';', (size_t)(e - p));
                if (semi) {
                        const char *m = semi + 1;
                        size_t n = (size_t)((nl ? nl : end) - m);
                        int64_t pid;
                        enum kcopy_kind kind = kcopy_kind(m, n, &pid);
                        if (pid != OG_NONE && (pid <= 0 || pid > 9999999999LL ||
                                               kind == KCOPY_OTHER || kind == KCOPY_HEADER))
                                fail("a pid out of place");
                        if (kcopy_summary_within(m, n, OWN) == 1 &&
                            !memmem(m, n, "task_memcg=" OWN, 18))
                                fail("a summary taken as ours without our cgroup");
                }
                p = e;
        }
        if (s.bad)
                fail("copied something that is not a whole kernel record line of the input");
        if (s.bytes > size + KCOPY_HOLD_MAX)
                fail("copied more than was fed");
        if (s.lines && !memmem(buf, size, OWN, strlen(OWN)) && !names_a_pid(buf, size))
                fail("copied another container's records");
        for (size_t keep = 0; keep <= size + 1; keep += 1 + keep / 3) {
                size_t c = kcopy_cut(buf, size, keep);
                if (c > size || (size <= keep && c != 0) || (size > keep && size - c > keep) ||
                    (c > 0 && c < size && buf[c - 1] != '\n'))
                        fail("kcopy_cut");
        }
        return 0;
}
