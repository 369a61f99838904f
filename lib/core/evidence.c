/* SPDX-License-Identifier: MIT */
/* A container's memory evidence while its cgroup exists: the counters, the
 * peak and the page-cache figures, snapshotted by the watcher and by the
 * shim before delete, kept in the state directory for poststop. */
#define _GNU_SOURCE
#include "evidence.h"

#include "cgfiles.h"
#include "fileio.h"
#include "jsongen.h"
#include "jsonv.h"
#include "statedir.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>

/* The one description of a saved evidence: its keys and fields, for
 * writing, reading and initialising alike. */
#define EV_FIELD(name, unset)                                                                    \
        {                                                                                        \
#name, offsetof(struct evidence, name), unset                                    \
        }
static const struct {
        const char *key;
        size_t off;
        int64_t unset; /* its value before any snapshot */
} fields[] = {
        EV_FIELD(oom_kill, OG_NONE),
        EV_FIELD(oom, OG_NONE),
        EV_FIELD(peak_bytes, OG_NONE),
        EV_FIELD(anon, OG_NONE),
        EV_FIELD(file, OG_NONE),
        EV_FIELD(dirty, OG_NONE),
        EV_FIELD(writeback, OG_NONE),
        EV_FIELD(snapshots, 0),
        EV_FIELD(watcher_pid, OG_NONE),
        EV_FIELD(final, 0),
        EV_FIELD(limit_hits_base, OG_NONE),
        EV_FIELD(limit_hits_now, OG_NONE),
        EV_FIELD(psi_some, OG_NONE),
        EV_FIELD(psi_full, OG_NONE),
        EV_FIELD(exit_code, OG_NONE),
        EV_FIELD(exit_signal, OG_NONE),
        EV_FIELD(read_us, OG_NONE),
        EV_FIELD(kmsg_seq, OG_NONE),
        EV_FIELD(ended, 0),
};

static int64_t *field_of(struct evidence *ev, size_t i)
{
        return (int64_t *)(void *)((char *)ev + fields[i].off);
}

void evidence_init(struct evidence *ev)
{
        for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
                *field_of(ev, i) = fields[i].unset;
}

/* "avg10=12.34" in the line that starts with name: 1234 */
static int64_t psi_avg10(const char *buf, size_t len, const char *name)
{
        size_t nl = strlen(name);
        for (const char *s = buf, *end = buf + len; s < end;) {
                const char *e = memchr(s, '\n', (size_t)(end - s));
                e = e ? e : end;
                const char *a = (size_t)(e - s) > nl + 7 && !memcmp(s, name, nl) &&
                                                s[nl] == ' ' && !memcmp(s + nl + 1, "avg10=", 6)
                                        ? s + nl + 7
                                        : NULL;
                if (a) {
                        int64_t whole = 0, frac = 0, digits = 0;
                        for (; a < e && *a >= '0' && *a <= '9' && whole < 1000; a++)
                                whole = whole * 10 + (*a - '0');
                        if (a < e && *a == '.')
                                for (a++; a < e && *a >= '0' && *a <= '9' && digits < 2;
                                     a++, digits++)
                                        frac = frac * 10 + (*a - '0');
                        for (; digits < 2; digits++)
                                frac *= 10;
                        return whole <= 100 ? whole * 100 + frac : OG_NONE;
                }
                s = e + 1;
        }
        return OG_NONE;
}

void evidence_parse_psi(const char *buf, size_t len, int64_t *some, int64_t *full)
{
        *some = psi_avg10(buf, len, "some");
        *full = psi_avg10(buf, len, "full");
}

int64_t evidence_max(int64_t a, int64_t b)
{
        if (a == OG_NONE)
                return b;
        return b != OG_NONE && b > a ? b : a;
}

void evidence_merge(struct evidence *into, const struct evidence *later)
{
        into->oom_kill = evidence_max(into->oom_kill, later->oom_kill);
        into->oom = evidence_max(into->oom, later->oom);
        into->peak_bytes = evidence_max(into->peak_bytes, later->peak_bytes);
        into->limit_hits_now = evidence_max(into->limit_hits_now, later->limit_hits_now);
        if (into->anon == OG_NONE) { /* the figures at an OOM event matter more */
                into->anon = later->anon;
                into->file = later->file;
                into->dirty = later->dirty;
                into->writeback = later->writeback;
        }
        if (into->limit_hits_base == OG_NONE)
                into->limit_hits_base = later->limit_hits_base;
        if (into->exit_code == OG_NONE && into->exit_signal == OG_NONE) {
                into->exit_code = later->exit_code;
                into->exit_signal = later->exit_signal;
        }
        if (later->psi_some != OG_NONE) { /* the later, the nearer the end */
                into->psi_some = later->psi_some;
                into->psi_full = later->psi_full;
        }
        into->final = into->final > 0 || later->final > 0;
        into->ended = into->ended > 0 || later->ended > 0;
        into->snapshots = (into->snapshots == OG_NONE ? 0 : into->snapshots) +
                          (later->snapshots == OG_NONE ? 0 : later->snapshots);
}

/* A read that fails keeps the value last seen: the runtime may remove the
 * cgroup between two reads of one snapshot (seen in the VM suite: runc on
 * cgroup v2, memory.peak gone just after memory.events.local was read, and
 * the verdict lost its peak). */
static void update(int64_t *field, int64_t v)
{
        if (v != OG_NONE)
                *field = v;
}

/* read_us is taken before the counters are read: a kill they do not
 * count was counted after it, and the kernel logs a kill after counting
 * it, so its record is stamped after read_us and poststop keeps it. Taken
 * after the read (which can stall in an OOM storm), it was later than the
 * record of a kill counted during the read, and that kill was denied: a
 * verdict "none" for an OOM-killed init (seen in the load suite). */
void evidence_snapshot(const char *dir, int version, struct evidence *ev)
{
        struct cg_counters c;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        cgf_read_counters(dir, version, &c);
        if (c.oom_kill == OG_NONE)
                return; /* the cgroup is gone: keep the last snapshot */
        ev->read_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
        /* never lower: on v1 it is a sum over the subtree, and a
         * sub-cgroup removed (the runtime removes them first) takes its
         * kills out of the sum */
        ev->oom_kill = evidence_max(ev->oom_kill, c.oom_kill);
        update(&ev->oom, c.oom);
        update(&ev->peak_bytes, cgf_read_peak(dir, version));
        struct cg_memstat m;
        cgf_read_memstat(dir, version, &m);
        update(&ev->anon, m.anon);
        update(&ev->file, m.file);
        update(&ev->dirty, m.dirty);
        update(&ev->writeback, m.writeback);
        update(&ev->limit_hits_now, c.limit_hits);
        if (ev->limit_hits_base == OG_NONE)
                ev->limit_hits_base = c.limit_hits; /* the first snapshot: at create */
        if (version == 2) {
                char p[4096], buf[1024];
                ssize_t n = (size_t)snprintf(p, sizeof(p), "%s/memory.pressure", dir) < sizeof(p)
                                    ? fileio_read_at(AT_FDCWD, p, buf, sizeof(buf))
                                    : -1;
                if (n > 0) {
                        int64_t some, full;
                        evidence_parse_psi(buf, (size_t)n, &some, &full);
                        update(&ev->psi_some, some);
                        update(&ev->psi_full, full);
                }
        }
        ev->snapshots++;
}

int evidence_save(int dirfd, const char *name, const struct evidence *ev)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        yajl_gen_map_open(g);
        for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
                jg_int(g, fields[i].key, *field_of((struct evidence *)ev, i));
        yajl_gen_map_close(g);
        char *json;
        size_t len;
        if (jg_finish(g, false, &json, &len) < 0)
                return -ENOMEM;
        int r = statedir_write(dirfd, name, json, len, NULL);
        free(json);
        return r;
}

bool evidence_load(int dirfd, const char *name, struct evidence *ret)
{
        char buf[4096], eb[64];
        size_t len;
        if (statedir_read(dirfd, name, buf, sizeof(buf), &len, NULL) < 0)
                return false;
        yajl_val d = yajl_tree_parse(buf, eb, sizeof(eb));
        if (!d)
                return false;
        for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
                if (jsonv_i64(d, fields[i].key, field_of(ret, i)) != JSONV_OK)
                        *field_of(ret, i) = OG_NONE;
        yajl_tree_free(d);
        return ret->oom_kill != OG_NONE;
}
