/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as the records oomguard writes and reads back.
 *  - The verdict log, as `oomguard verdicts` scans it (verdictlog_scan):
 *    it hands over only JSON objects whose "id" is a string that passes
 *    the filter, with the raw line they came from; every id the unfiltered
 *    scan sees is found again by an exact scan for it, and a scan for the
 *    empty prefix sees what the unfiltered one does.
 *  - The metrics textfile (metrics_parse, metrics_render): labels come back
 *    NUL-terminated and within bounds, rendering what was read and reading
 *    it again gives the same counters, and a death of any kind this
 *    version knows is counted whatever the file held before.
 *  - A saved evidence (evidence_load, evidence_save), from a file in a
 *    private temporary directory (on /dev/shm unless TMPDIR is set): what
 *    loads saves and loads again to the same struct. */
#define _GNU_SOURCE
#include "evidence.h"
#include "jsonv.h"
#include "metrics.h"
#include "verdictlog.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fail(const char *what)
{
        fprintf(stderr, "invariant: %s\n", what);
        abort();
}

/* verdict log */

#define IDS_MAX 8

struct seen {
        const char *buf;
        size_t len;
        const char *want; /* the filter the scan was given (NULL: none) */
        bool exact;
        size_t n;
        char ids[IDS_MAX][128]; /* the first ids handed over, when short */
        size_t n_ids;
};

static int each(yajl_val rec, const char *line, void *ud)
{
        struct seen *s = ud;
        const char *id;
        if (!rec || !YAJL_IS_OBJECT(rec) || jsonv_str(rec, "id", &id) != JSONV_OK)
                fail("verdictlog_scan handed over a record without a string id");
        if (s->want && (s->exact ? strcmp(id, s->want) : strncmp(id, s->want, strlen(s->want))))
                fail("verdictlog_scan handed over a record the filter refuses");
        size_t ll = strlen(line);
        if (ll == 0 || ll > s->len || !memmem(s->buf, s->len, line, ll))
                fail("verdictlog_scan's raw line is not in the log");
        if (s->n_ids < IDS_MAX && strlen(id) < sizeof(s->ids[0]))
                memcpy(s->ids[s->n_ids++], id, strlen(id) + 1);
        s->n++;
        return 0;
}

static size_t scan(const char *buf, size_t len, const char *want, bool exact, struct seen *s)
{
        memset(s, 0, sizeof(*s));
        s->buf = buf, s->len = len, s->want = want, s->exact = exact;
        FILE *in = fmemopen((void *)buf, len, "r");
        if (!in)
                return 0;
        verdictlog_scan(in, want, exact, each, s);
        fclose(in);
        return s->n;
}

static void verdicts(const char *buf, size_t len)
{
        if (len == 0) /* fmemopen refuses a zero size */
                return;
        struct seen all, some;
        size_t n = scan(buf, len, NULL, false, &all);
        if (scan(buf, len, "", false, &some) != n)
                fail("the empty prefix and no filter differ");
        for (size_t i = 0; i < all.n_ids; i++) {
                /* an id with a NUL in it reads as a shorter one: the exact
                 * scan for it may then see others too, never none */
                if (scan(buf, len, all.ids[i], true, &some) == 0)
                        fail("an id the log holds is not found by an exact scan");
                if (scan(buf, len, all.ids[i], false, &some) == 0)
                        fail("an id the log holds is not found as a prefix");
        }
}

/* metrics textfile */

static void labels(const struct metrics_counts *c)
{
        if (c->n > METRICS_MAX_KINDS)
                fail("metrics: more kinds than room");
        for (size_t i = 0; i < c->n; i++)
                if (!memchr(c->kind[i].name, '\0', sizeof(c->kind[i].name)) ||
                    !c->kind[i].name[0])
                        fail("metrics: a label not NUL-terminated, or empty");
}

static const struct metrics_kind *kind(const struct metrics_counts *c, const char *name)
{
        for (size_t i = 0; i < c->n; i++)
                if (!strcmp(c->kind[i].name, name))
                        return &c->kind[i];
        return NULL;
}

static void metrics(const char *buf, size_t len)
{
        static char out[METRICS_FILE_MAX], again[METRICS_FILE_MAX];
        struct metrics_counts c, back;
        metrics_parse(buf, len, &c);
        labels(&c);
        ssize_t n = metrics_render(&c, out, sizeof(out));
        if (n < 0)
                fail("metrics: what was read does not render");
        metrics_parse(out, (size_t)n, &back);
        labels(&back);
        for (size_t i = 0; i < c.n; i++) {
                const struct metrics_kind *k = kind(&back, c.kind[i].name);
                if (k && (k->deaths != c.kind[i].deaths || k->last != c.kind[i].last))
                        fail("metrics: a kind's counters changed through render and parse");
        }
        if (back.page_cache_deaths != c.page_cache_deaths)
                fail("metrics: the page-cache deaths changed through render and parse");
        ssize_t m = metrics_render(&back, again, sizeof(again));
        if (m != n || memcmp(out, again, (size_t)n))
                fail("metrics: rendering what was rendered and read changes it");
        for (int v = VERDICT_NONE; v <= VERDICT_LIMIT_HIT; v++) {
                const char *name = verdict_kind_name((enum verdict_kind)v);
                struct metrics_counts d = c;
                const struct metrics_kind *before = kind(&c, name);
                uint64_t was = before ? before->deaths : 0;
                metrics_count(&d, name, false, 1);
                const struct metrics_kind *after = kind(&d, name);
                if (!after || after->deaths != was + 1)
                        fail("metrics: a death of a known kind was not counted");
        }
}

/* saved evidence */

static char dir[64];
static int dirfd_ = -1;

static void remove_dir(void)
{
        unlinkat(dirfd_, "in.json", 0);
        unlinkat(dirfd_, "out.json", 0);
        close(dirfd_);
        rmdir(dir);
}

static void evidence(const uint8_t *data, size_t size)
{
        int fd = openat(dirfd_, "in.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
                abort();
        close(fd);
        struct evidence ev, back;
        evidence_init(&ev);
        if (!evidence_load(dirfd_, "in.json", &ev))
                return;
        if (evidence_save(dirfd_, "out.json", &ev) < 0)
                fail("evidence: what loads does not save");
        evidence_init(&back);
        if (!evidence_load(dirfd_, "out.json", &back) || memcmp(&ev, &back, sizeof(ev)))
                fail("evidence: save and load changed it");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!dir[0]) { /* tmpfs if there is one: a disk makes this far slower */
                const char *t = getenv("TMPDIR");
                if (!t || !*t || strlen(t) >= 32)
                        t = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
                snprintf(dir, sizeof(dir), "%s/oomguard-fuzz-XXXXXX", t);
                if (!mkdtemp(dir))
                        abort();
                dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dirfd_ < 0)
                        abort();
                atexit(remove_dir);
        }
        /* the parsers take (buf, len) and must not read past len: a copy
         * without a NUL makes ASan see any overread */
        char *buf = malloc(size ? size : 1);
        if (!buf)
                return 0;
        memcpy(buf, data, size);
        verdicts(buf, size);
        metrics(buf, size);
        evidence(data, size);
        free(buf);
        return 0;
}
