/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as the host facts the hook, the shim and doctor
 * read: a mount table (cg_parse_mountinfo, cg_mount_fields, line by line
 * and whole, which must agree), /proc/<pid>/cgroup (cg_parse_proc_cgroup,
 * then cg_resolve on both), /proc/meminfo and /proc/<pid>/stat (procfs),
 * and doctor's mount, meminfo and swaps parsers. Invariants: fields lie
 * inside the line, strings come back NUL-terminated within their arrays,
 * a resolved path is a prefix-joined one, and a stat line's comm has no
 * more than 16 bytes. */
#define _GNU_SOURCE
#include "cgroup.h"
#include "doctor.h"
#include "procfs.h"

#include <stdlib.h>
#include <string.h>

static void inside(struct scan s, const char *b, const char *e)
{
        if (s.p < b || s.end > e || s.p > s.end)
                abort();
}

static void terminated(const char *s, size_t cap)
{
        if (!memchr(s, '\0', cap))
                abort();
}

static void mounts(const char *buf, size_t len)
{
        struct cg_mounts whole, lines;
        cg_parse_mountinfo(buf, len, &whole);
        memset(&lines, 0, sizeof(lines));
        for (const char *s = buf, *end = buf + len; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                struct cg_mount_fields f;
                if (cg_mount_fields(s, (size_t)(e - s), &f)) {
                        inside(f.root, s, e), inside(f.point, s, e), inside(f.fstype, s, e);
                        inside(f.opts, s, e), inside(f.super, s, e);
                        (void)cg_has_option(f.super, "memory");
                }
                cg_mountinfo_line(s, (size_t)(e - s), &lines);
                s = nl ? nl + 1 : end;
        }
        if (memcmp(&whole, &lines, sizeof(whole)))
                abort(); /* the whole-text and line-by-line readings differ */
        terminated(whole.v1_memory, sizeof(whole.v1_memory));
        terminated(whole.v2, sizeof(whole.v2));
        struct cg_paths p;
        cg_parse_proc_cgroup(buf, len, &p);
        terminated(p.v1_memory, sizeof(p.v1_memory));
        terminated(p.v2, sizeof(p.v2));
        struct cg_location l;
        struct og_error err = {0};
        for (int v2mem = 0; v2mem < 2; v2mem++)
                if (cg_resolve(&whole, &p, v2mem, &l, &err) == 0) {
                        terminated(l.dir, sizeof(l.dir));
                        if (l.version != 1 && l.version != 2)
                                abort();
                }
        struct doctor_cgmode m;
        doctor_parse_mounts(buf, len, &m);
        terminated(m.v1_memory, sizeof(m.v1_memory));
        terminated(m.v2, sizeof(m.v2));
}

static void proc(const char *buf, size_t len)
{
        int64_t kb = procfs_meminfo_kb(buf, len, "MemTotal");
        if (kb != OG_NONE && kb < 0)
                abort();
        struct doctor_meminfo mi;
        if (doctor_parse_meminfo(buf, len, &mi) == 0 && mi.mem_total_kb != kb)
                abort(); /* doctor reads meminfo through the same parser */
        struct proc_stat st;
        if (procfs_stat_parse(buf, len, &st) == 0 && strlen(st.comm) > 16)
                abort();
        size_t n;
        int64_t skb;
        doctor_parse_swaps(buf, len, &n, &skb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* the parsers take (buf, len) and must not read past len: a copy
         * without a NUL makes ASan see any overread */
        char *buf = malloc(size ? size : 1);
        if (!buf)
                return 0;
        memcpy(buf, data, size);
        mounts(buf, size);
        proc(buf, size);
        free(buf);
        return 0;
}
