/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "metrics.h"

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define DEATHS "oomguard_deaths_total"
#define LAST "oomguard_last_death_timestamp_seconds"
#define PAGE_CACHE "oomguard_page_cache_deaths_total"

/* the kinds this version counts (VERDICT_LIMIT_HIT is the last) */
#define KNOWN_KINDS ((size_t)VERDICT_LIMIT_HIT + 1)

static bool same(const char *a, const char *name, size_t len)
{
        return strlen(a) == len && !memcmp(a, name, len);
}

static bool known(const char *name, size_t len)
{
        for (size_t k = 0; k < KNOWN_KINDS; k++)
                if (same(verdict_kind_name((enum verdict_kind)k), name, len))
                        return true;
        return false;
}

static struct metrics_kind *find(struct metrics_counts *c, const char *name, size_t len)
{
        for (size_t i = 0; i < c->n; i++)
                if (same(c->kind[i].name, name, len))
                        return &c->kind[i];
        return NULL;
}

/* Labels this version does not know, kept from the file: no more than
 * leaves room for every kind it knows, or a file holding many of them
 * would make a death of a known kind go uncounted. */
static bool room_for_foreign(const struct metrics_counts *c)
{
        size_t foreign = 0;
        for (size_t i = 0; i < c->n; i++)
                foreign += !known(c->kind[i].name, strlen(c->kind[i].name));
        return foreign < METRICS_MAX_KINDS - KNOWN_KINDS;
}

static struct metrics_kind *kind_of(struct metrics_counts *c, const char *name, size_t len)
{
        struct metrics_kind *f = find(c, name, len);
        if (f)
                return f;
        if (c->n == METRICS_MAX_KINDS || len == 0 || len >= sizeof(c->kind[0].name))
                return NULL;
        for (size_t i = 0; i < len; i++) /* a label we write: [a-z-] */
                if (!((name[i] >= 'a' && name[i] <= 'z') || name[i] == '-'))
                        return NULL;
        struct metrics_kind *k = &c->kind[c->n++];
        memset(k, 0, sizeof(*k));
        memcpy(k->name, name, len);
        return k;
}

/* "NAME{verdict="KIND"} VALUE" or "NAME VALUE" */
static void parse_line(const char *s, size_t len, struct metrics_counts *c)
{
        char line[256];
        if (len == 0 || s[0] == '#' || len >= sizeof(line))
                return;
        memcpy(line, s, len);
        line[len] = '\0';
        char *sp = strchr(line, ' ');
        if (!sp)
                return;
        *sp = '\0';
        char *end;
        errno = 0;
        unsigned long long v = strtoull(sp + 1, &end, 10);
        if (errno || end == sp + 1 || (*end && *end != ' ') || sp[1] == '-')
                return;
        if (!strcmp(line, PAGE_CACHE)) {
                c->page_cache_deaths = v;
                return;
        }
        char *brace = strchr(line, '{');
        static const char lab[] = "{verdict=\"";
        if (!brace || strncmp(brace, lab, sizeof(lab) - 1) ||
            strcmp(line + strlen(line) - 2, "\"}"))
                return;
        *brace = '\0';
        const char *name = brace + sizeof(lab) - 1;
        size_t nlen = strlen(name) - 2;
        bool deaths = !strcmp(line, DEATHS);
        if (!deaths && strcmp(line, LAST))
                return;
        if (nlen < sizeof(c->kind[0].name) && !known(name, nlen) && !find(c, name, nlen) &&
            !room_for_foreign(c))
                return;
        struct metrics_kind *k = kind_of(c, name, nlen);
        if (!k)
                return;
        if (deaths)
                k->deaths = v;
        else if (v <= INT64_MAX)
                k->last = (int64_t)v;
}

void metrics_parse(const char *buf, size_t len, struct metrics_counts *ret)
{
        memset(ret, 0, sizeof(*ret));
        for (const char *s = buf, *end = buf + len; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                parse_line(s, (size_t)(e - s), ret);
                s = nl ? nl + 1 : end;
        }
}

/* every kind this version knows, so that a rate() sees 0 before the first */
static void known_kinds(struct metrics_counts *c)
{
        for (int k = VERDICT_NONE; k <= VERDICT_UNKNOWN; k++) {
                const char *n = verdict_kind_name((enum verdict_kind)k);
                (void)kind_of(c, n, strlen(n));
        }
}

void metrics_count(struct metrics_counts *c, const char *kind, bool page_cache, int64_t now)
{
        struct metrics_kind *k = kind_of(c, kind, strlen(kind));
        if (k) {
                k->deaths++;
                k->last = now;
        }
        if (page_cache)
                c->page_cache_deaths++;
}

ssize_t metrics_render(const struct metrics_counts *in, char *buf, size_t cap)
{
        struct metrics_counts c = *in;
        known_kinds(&c);
        size_t off = 0;
        int n;
#define OUT(...)                                                                                 \
        do {                                                                                     \
                n = snprintf(buf + off, cap - off, __VA_ARGS__);                                 \
                if (n < 0 || (size_t)n >= cap - off)                                             \
                        return -ENOSPC;                                                          \
                off += (size_t)n;                                                                \
        } while (0)
        OUT("# HELP " DEATHS " Container deaths oomguard recorded, by verdict.\n"
            "# TYPE " DEATHS " counter\n");
        for (size_t i = 0; i < c.n; i++)
                OUT(DEATHS "{verdict=\"%s\"} %" PRIu64 "\n", c.kind[i].name, c.kind[i].deaths);
        OUT("# HELP " LAST " When the last death of this verdict was recorded.\n"
            "# TYPE " LAST " gauge\n");
        for (size_t i = 0; i < c.n; i++)
                OUT(LAST "{verdict=\"%s\"} %" PRId64 "\n", c.kind[i].name, c.kind[i].last);
        OUT("# HELP " PAGE_CACHE " OOM deaths driven by dirty and writeback page cache.\n"
            "# TYPE " PAGE_CACHE " counter\n" PAGE_CACHE " %" PRIu64 "\n",
            c.page_cache_deaths);
#undef OUT
        return (ssize_t)off;
}

static int lock_beside(const char *path, struct og_error *err)
{
        char lock[PATH_MAX];
        if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", path) >= sizeof(lock))
                return og_error_set(err, -ENAMETOOLONG, "%s: path too long", path);
        int fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return og_error_set(err, -errno, "cannot open %s: %s", lock, strerror(errno));
        if (flock(fd, LOCK_EX) < 0) {
                int e = -errno;
                close(fd);
                return og_error_set(err, e, "cannot lock %s: %s", lock, strerror(-e));
        }
        return fd;
}

static int update(int dirfd, const char *name, const char *path, enum verdict_kind kind,
                  bool page_cache, int64_t now, struct og_error *err)
{
        struct metrics_counts c;
        _cleanup_free_ char *old = NULL;
        size_t len = 0;
        struct og_error rerr = {0};
        int r = fileio_read(dirfd, name, METRICS_FILE_MAX, &old, &len, NULL, &rerr);
        if (r < 0 && r != -ENOENT) /* never start again from 0 over a file we cannot read */
                return og_error_set(err, r, "%s: %s", path, rerr.msg);
        metrics_parse(old ? old : "", old ? len : 0, &c);
        metrics_count(&c, verdict_kind_name(kind), page_cache, now);
        char *out = malloc(METRICS_FILE_MAX);
        ssize_t n = out ? metrics_render(&c, out, METRICS_FILE_MAX) : -ENOMEM;
        r = n < 0 ? og_error_set(err, (int)n, "%s: %s", path, strerror((int)-n))
                  /* no fsync: the verdict log is the record; a crash at
                   * worst takes the counters back, which Prometheus reads
                   * as a counter reset, and a sync on a busy disk would hold
                   * up every container's teardown */
                  : fileio_replace(dirfd, name, out, (size_t)n, 0644, err);
        free(out);
        return r;
}

int metrics_record(const char *path, enum verdict_kind kind, bool page_cache, int64_t now,
                   struct og_error *err)
{
        char dir[PATH_MAX], base[PATH_MAX];
        if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
                return og_error_set(err, -ENAMETOOLONG, "%s: path too long", path);
        snprintf(base, sizeof(base), "%s", path);
        _cleanup_close_ int dirfd = open(dirname(dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return og_error_set(err, -errno, "cannot open the directory of %s: %s", path,
                                    strerror(errno));
        int lock = lock_beside(path, err);
        if (lock < 0)
                return lock;
        int r = update(dirfd, basename(base), path, kind, page_cache, now, err);
        flock(lock, LOCK_UN);
        close(lock);
        return r;
}
