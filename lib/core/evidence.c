/* SPDX-License-Identifier: MIT */
/* A container's memory evidence while its cgroup exists: the counters, the
 * peak and the page-cache figures, snapshotted by the watcher and by the
 * shim before delete, kept in the state directory for poststop. */
#define _GNU_SOURCE
#include "evidence.h"

#include "cgfiles.h"
#include "jsongen.h"
#include "jsonv.h"
#include "statedir.h"

#include <errno.h>
#include <stdlib.h>
#include <yajl/yajl_gen.h>

void evidence_merge(struct evidence *into, const struct evidence *later)
{
        int64_t *a[] = {&into->oom_kill, &into->oom, &into->peak_bytes};
        const int64_t b[] = {later->oom_kill, later->oom, later->peak_bytes};
        for (size_t i = 0; i < ARRAY_SIZE(a); i++) /* counters only grow */
                if (b[i] != OG_NONE && (*a[i] == OG_NONE || b[i] > *a[i]))
                        *a[i] = b[i];
        if (into->anon == OG_NONE) { /* the figures at an OOM event matter more */
                into->anon = later->anon;
                into->file = later->file;
                into->dirty = later->dirty;
                into->writeback = later->writeback;
        }
        into->final = into->final > 0 || later->final > 0;
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

void evidence_snapshot(const char *dir, int version, struct evidence *ev)
{
        bool v1 = version == 1;
        const char *events = v1 ? "memory.oom_control" : "memory.events.local";
        int64_t k = cgf_read_oom_kill(dir, version); /* sub-cgroups too */
        if (k == OG_NONE)
                return; /* the cgroup is gone: keep the last snapshot */
        ev->oom_kill = k;
        if (!v1)
                update(&ev->oom, cgf_read_key(dir, events, "oom"));
        update(&ev->peak_bytes,
               cgf_read_int(dir, v1 ? "memory.max_usage_in_bytes" : "memory.peak"));
        update(&ev->anon, cgf_read_key(dir, "memory.stat", v1 ? "rss" : "anon"));
        update(&ev->file, cgf_read_key(dir, "memory.stat", v1 ? "cache" : "file"));
        update(&ev->dirty, cgf_read_key(dir, "memory.stat", v1 ? "dirty" : "file_dirty"));
        update(&ev->writeback,
               cgf_read_key(dir, "memory.stat", v1 ? "writeback" : "file_writeback"));
        ev->snapshots++;
}

int evidence_save(int dirfd, const char *name, const struct evidence *ev)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        yajl_gen_map_open(g);
        jg_int(g, "oom_kill", ev->oom_kill);
        jg_int(g, "oom", ev->oom);
        jg_int(g, "peak_bytes", ev->peak_bytes);
        jg_int(g, "anon", ev->anon);
        jg_int(g, "file", ev->file);
        jg_int(g, "dirty", ev->dirty);
        jg_int(g, "writeback", ev->writeback);
        jg_int(g, "snapshots", ev->snapshots);
        jg_int(g, "watcher_pid", ev->watcher_pid);
        jg_int(g, "final", ev->final);
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
        const struct {
                const char *k;
                int64_t *v;
        } f[] = {{"oom_kill", &ret->oom_kill}, {"oom", &ret->oom},
                 {"peak_bytes", &ret->peak_bytes}, {"anon", &ret->anon},
                 {"file", &ret->file}, {"dirty", &ret->dirty},
                 {"writeback", &ret->writeback}, {"snapshots", &ret->snapshots},
                 {"watcher_pid", &ret->watcher_pid}, {"final", &ret->final}};
        for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
                if (jsonv_i64(d, f[i].k, f[i].v) != JSONV_OK)
                        *f[i].v = OG_NONE;
        yajl_tree_free(d);
        return ret->oom_kill != OG_NONE;
}
