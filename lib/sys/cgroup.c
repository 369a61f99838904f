/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "cgroup.h"

#include "fileio.h"
#include "lines.h"
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PROCFILE_MAX (4 * 1024 * 1024) /* /proc/<pid>/cgroup, cgroup.controllers */

/* Space-separated field i (0-based) of a mountinfo line. */
static struct scan field(const char *b, const char *e, int i)
{
        struct scan s = {b, e};
        for (int k = 0;; k++) {
                scan_skip_spaces(&s);
                const char *f = s.p;
                while (s.p < s.end && *s.p != ' ')
                        s.p++;
                if (k == i || s.p >= s.end)
                        return (struct scan){f, s.p};
        }
}

static bool copy_field(struct scan f, char *dst, size_t cap)
{
        size_t n = scan_left(&f);
        if (n == 0 || n >= cap)
                return false;
        memcpy(dst, f.p, n);
        dst[n] = '\0';
        return true;
}

bool cg_has_option(struct scan opts, const char *want)
{
        size_t wn = strlen(want);
        for (const char *o = opts.p; o < opts.end;) {
                const char *c = memchr(o, ',', (size_t)(opts.end - o));
                const char *e = c ? c : opts.end;
                if ((size_t)(e - o) == wn && memcmp(o, want, wn) == 0)
                        return true;
                o = e + 1;
        }
        return false;
}

bool cg_mount_fields(const char *line, size_t len, struct cg_mount_fields *ret)
{
        const char *b = line, *e = line + len;
        const char *dash = memmem(b, len, " - ", 3);
        if (dash) {
                ret->root = field(b, dash, 3);
                ret->point = field(b, dash, 4);
                ret->opts = field(b, dash, 5);
                ret->fstype = field(dash + 3, e, 0);
                ret->super = field(dash + 3, e, 2);
        } else {
                ret->root = (struct scan){e, e};
                ret->point = field(b, e, 1);
                ret->fstype = field(b, e, 2);
                ret->opts = ret->super = field(b, e, 3);
        }
        return scan_left(&ret->point) > 0 && scan_left(&ret->fstype) > 0;
}

/* mountinfo only: a mount's root within its hierarchy is needed */
static void mount_line(const char *b, const char *e, struct cg_mounts *m)
{
        struct cg_mount_fields f;
        if (!cg_mount_fields(b, (size_t)(e - b), &f) || scan_left(&f.root) == 0)
                return;
        bool v1 = scan_left(&f.fstype) == 6 && memcmp(f.fstype.p, "cgroup", 6) == 0;
        bool v2 = scan_left(&f.fstype) == 7 && memcmp(f.fstype.p, "cgroup2", 7) == 0;
        if (v1 && cg_has_option(f.super, "memory") && !m->v1_memory[0]) {
                if (!copy_field(f.point, m->v1_memory, sizeof(m->v1_memory)) ||
                    !copy_field(f.root, m->v1_root, sizeof(m->v1_root)))
                        m->v1_memory[0] = '\0';
        } else if (v2 && !m->v2[0]) {
                if (!copy_field(f.point, m->v2, sizeof(m->v2)) ||
                    !copy_field(f.root, m->v2_root, sizeof(m->v2_root)))
                        m->v2[0] = '\0';
        }
}

void cg_mountinfo_line(const char *line, size_t len, struct cg_mounts *m)
{
        mount_line(line, line + len, m);
}

int cg_parse_mountinfo(const char *buf, size_t len, struct cg_mounts *ret)
{
        memset(ret, 0, sizeof(*ret));
        for (const char *s = buf, *end = buf + len; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                mount_line(s, e, ret);
                s = nl ? nl + 1 : end;
        }
        return ret->v1_memory[0] || ret->v2[0] ? 0 : -ENOENT;
}

static void mounts_cb(const char *line, size_t len, void *ctx)
{
        cg_mountinfo_line(line, len, ctx);
}

int cg_read_mountinfo(const char *proc_root, struct cg_mounts *ret, size_t *ret_skipped,
                      struct og_error *err)
{
        char path[PATH_MAX];
        struct lines_stats st = {0, 0};
        memset(ret, 0, sizeof(*ret));
        snprintf(path, sizeof(path), "%s/self/mountinfo", proc_root);
        int r = lines_read(path, CG_MOUNTINFO_LINE_MAX, mounts_cb, ret, &st, err);
        if (ret_skipped)
                *ret_skipped = st.skipped;
        if (r < 0)
                return r;
        if (ret->v1_memory[0] || ret->v2[0])
                return 0;
        if (st.skipped)
                return og_error_set(err, -ENOENT,
                                    "%s: no cgroup hierarchy mounted among its "
                                    "lines; %zu longer than %d bytes were skipped",
                                    path, st.skipped, CG_MOUNTINFO_LINE_MAX);
        return og_error_set(err, -ENOENT, "%s: no cgroup hierarchy mounted", path);
}

/* "hierarchy-id:controllers:path"; v2 is "0::path" */
int cg_parse_proc_cgroup(const char *buf, size_t len, struct cg_paths *ret)
{
        memset(ret, 0, sizeof(*ret));
        for (const char *s = buf, *end = buf + len; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end, *line = s;
                s = nl ? nl + 1 : end;
                const char *c1 = memchr(line, ':', (size_t)(e - line));
                const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(e - c1 - 1)) : NULL;
                if (!c2 || c2 + 1 >= e || c2[1] != '/')
                        continue;
                struct scan ctl = {c1 + 1, c2}, path = {c2 + 1, e};
                bool unified = c1 - line == 1 && line[0] == '0' && c2 == c1 + 1;
                if (unified)
                        copy_field(path, ret->v2, sizeof(ret->v2));
                else if (cg_has_option(ctl, "memory"))
                        copy_field(path, ret->v1_memory, sizeof(ret->v1_memory));
        }
        return ret->v1_memory[0] || ret->v2[0] ? 0 : -ENOENT;
}

/* mount + (path below the mount's root) */
static int join(const char *mount, const char *root, const char *path, struct cg_location *ret,
                struct og_error *err)
{
        size_t rn = strcmp(root, "/") == 0 ? 0 : strlen(root);
        if (rn && (strncmp(path, root, rn) != 0 || (path[rn] != '/' && path[rn] != '\0')))
                return og_error_set(err, -ENOENT,
                                    "cgroup %s is outside the hierarchy "
                                    "mounted at %s (root %s)",
                                    path, mount, root);
        if (strlen(path) >= sizeof(ret->path) ||
            (size_t)snprintf(ret->dir, sizeof(ret->dir), "%s%s", mount, path + rn) >=
                    sizeof(ret->dir))
                return og_error_set(err, -ENAMETOOLONG, "cgroup path too long: %s", path);
        memcpy(ret->path, path, strlen(path) + 1);
        return 0;
}

int cg_resolve(const struct cg_mounts *m, const struct cg_paths *p, bool v2_has_memory,
               struct cg_location *ret, struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        if (p->v1_memory[0] && m->v1_memory[0]) {
                ret->version = 1;
                return join(m->v1_memory, m->v1_root, p->v1_memory, ret, err);
        }
        if (v2_has_memory && p->v2[0] && m->v2[0]) {
                ret->version = 2;
                return join(m->v2, m->v2_root, p->v2, ret, err);
        }
        return og_error_set(err, -ENOENT,
                            "no memory cgroup: neither a cgroup v1 memory "
                            "hierarchy nor cgroup2 with the memory "
                            "controller is mounted");
}

/* One bounded read that fails rather than truncates. */
static int read_small(const char *path, char *buf, size_t cap, size_t *ret_len)
{
        ssize_t n = fileio_read_at(AT_FDCWD, path, buf, cap);
        if (n < 0)
                return (int)n;
        *ret_len = (size_t)n;
        return 0;
}

static int locate(char *buf, const char *proc_root, int pid, struct cg_location *ret,
                  struct og_error *err)
{
        char path[PATH_MAX];
        size_t len = 0;
        struct cg_mounts m;
        struct cg_paths p;
        int r = cg_read_mountinfo(proc_root, &m, NULL, err);
        if (r < 0)
                return r;
        snprintf(path, sizeof(path), "%s/%d/cgroup", proc_root, pid);
        r = read_small(path, buf, PROCFILE_MAX, &len);
        if (r < 0 || cg_parse_proc_cgroup(buf, len, &p) < 0)
                return og_error_set(err, r < 0 ? r : -ENOENT, "%s: %s", path,
                                    r < 0 ? strerror(-r) : "no cgroup listed");
        bool v2mem = false;
        if (m.v2[0] &&
            (size_t)snprintf(path, sizeof(path), "%s/cgroup.controllers", m.v2) < sizeof(path))
                v2mem = read_small(path, buf, PROCFILE_MAX, &len) == 0 &&
                        memmem(buf, len, "memory", 6) != NULL;
        return cg_resolve(&m, &p, v2mem, ret, err);
}

int cg_locate(const char *proc_root, int pid, struct cg_location *ret, struct og_error *err)
{
        char *buf = malloc(PROCFILE_MAX);
        if (!buf)
                return og_error_set(err, -ENOMEM, "out of memory");
        int r = locate(buf, proc_root, pid, ret, err);
        free(buf);
        return r;
}
