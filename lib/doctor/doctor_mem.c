/* SPDX-License-Identifier: MIT */
/* Doctor checks of the host's memory setup: cgroup version and mode, swap
 * and swap accounting, vm.dirty_* against the smallest container limit,
 * overcommit. */
#define _GNU_SOURCE
#include "doctor-int.h"

#include "config.h"

#include "cgfiles.h"
#include "cgpath.h"
#include "cgroup.h"
#include "fileio.h"
#include "lines.h"
#include "procfs.h"
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_DEPTH 32
#define WALK_NODES 100000 /* cgroups looked at, at most */
#define MIB (1024 * 1024)

static const char *const v1_controllers[] = {
        "cpu",   "cpuacct",    "cpuset",  "memory", "devices", "freezer", "net_cls",
        "blkio", "perf_event", "hugetlb", "pids",   "rdma",    "misc",    "net_prio",
};

/* Field i of [b, e), separated by spaces or tabs; empty when there are
 * fewer. */
static struct scan nth(const char *b, const char *e, int i)
{
        struct scan s = {b, e};
        for (int k = 0;; k++) {
                scan_skip_spaces(&s);
                const char *f = s.p;
                while (s.p < s.end && !scan_is_space(*s.p))
                        s.p++;
                if (k == i || s.p >= s.end)
                        return k == i ? (struct scan){f, s.p} : (struct scan){e, e};
        }
}

static bool is(struct scan s, const char *lit)
{
        return scan_left(&s) == strlen(lit) && memcmp(s.p, lit, scan_left(&s)) == 0;
}

/* want is one of the comma-separated words of s */
static bool has_word(struct scan s, char sep, const char *want)
{
        for (const char *o = s.p; o < s.end;) {
                const char *c = memchr(o, sep, (size_t)(s.end - o));
                const char *e = c ? c : s.end;
                if (is((struct scan){o, e}, want))
                        return true;
                o = e + 1;
        }
        return false;
}

static void copy_scan(struct scan s, char *dst, size_t cap)
{
        size_t n = scan_left(&s);
        if (n > 0 && n < cap) {
                memcpy(dst, s.p, n);
                dst[n] = '\0';
        }
}

/* A mount-table line (cg_mount_fields): the cgroup mounts and which v1
 * controllers they carry. */
static void mount_line(const char *b, const char *e, struct doctor_cgmode *m)
{
        struct cg_mount_fields f;
        if (!cg_mount_fields(b, (size_t)(e - b), &f))
                return;
        if (is(f.fstype, "cgroup2")) {
                if (!m->v2[0])
                        copy_scan(f.point, m->v2, sizeof(m->v2));
                return;
        }
        if (!is(f.fstype, "cgroup"))
                return;
        bool ctl = false;
        for (size_t i = 0; i < ARRAY_SIZE(v1_controllers); i++)
                ctl |= cg_has_option(f.super, v1_controllers[i]);
        m->v1_controllers |= ctl;
        m->v1_named |= !ctl;
        if (cg_has_option(f.super, "memory") && !m->v1_memory[0])
                copy_scan(f.point, m->v1_memory, sizeof(m->v1_memory));
}

int doctor_parse_mounts(const char *buf, size_t len, struct doctor_cgmode *ret)
{
        memset(ret, 0, sizeof(*ret));
        for (const char *s = buf, *end = buf + len; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                mount_line(s, e, ret);
                s = nl ? nl + 1 : end;
        }
        return ret->v1_controllers || ret->v1_named || ret->v2[0] ? 0 : -ENOENT;
}

enum doctor_cg_mode doctor_cg_mode(const struct doctor_cgmode *m)
{
        if (m->v1_controllers)
                return m->v2[0] ? DOCTOR_CG_HYBRID : DOCTOR_CG_V1;
        return m->v2[0] ? DOCTOR_CG_V2 : DOCTOR_CG_NONE;
}

static void read_v2_controllers(struct doctor_ctx *c)
{
        char p[PATH_MAX], *buf = c->cg.v2_controllers;
        size_t len;
        if (!c->cg.v2[0] ||
            (size_t)snprintf(p, sizeof(p), "%s/cgroup.controllers", c->cg.v2) >= sizeof(p) ||
            doctor_read(c, p, buf, sizeof(c->cg.v2_controllers), &len) < 0) {
                buf[0] = '\0';
                return;
        }
        len = scan_rtrim(buf, len);
        buf[len] = '\0';
        c->cg.v2_memory = has_word(scan_make(buf, len), ' ', "memory");
        c->cg.v2_io = has_word(scan_make(buf, len), ' ', "io");
}

static const char *memory_at(const struct doctor_cgmode *m, char *buf, size_t cap)
{
        if (m->v1_memory[0])
                snprintf(buf, cap, "v1, mounted at %s", m->v1_memory);
        else if (m->v2_memory)
                snprintf(buf, cap, "v2, in %s", m->v2);
        else
                snprintf(buf, cap, "not available");
        return buf;
}

static void report_mode(struct doctor_ctx *c, const char *src)
{
        char mem[PATH_MAX + 32];
        const struct doctor_cgmode *m = &c->cg;
        memory_at(m, mem, sizeof(mem));
        enum doctor_cg_mode mode = doctor_cg_mode(m);
        if (!m->v1_memory[0] && !m->v2_memory) {
                doctor_todo(doctor_add(c, DOCTOR_ERROR, "cgroup",
                                       "No memory controller "
                                       "is mounted (%s): container memory limits cannot "
                                       "work.",
                                       src),
                            "Boot without cgroup_disable=memory and let systemd mount "
                            "the cgroup hierarchy.");
        } else if (mode == DOCTOR_CG_V2) {
                doctor_add(c, DOCTOR_OK, "cgroup",
                           "cgroup v2 (unified) at %s; memory "
                           "controller: %s.",
                           m->v2, mem);
        } else {
                char uni[PATH_MAX + 320] = "";
                if (mode == DOCTOR_CG_HYBRID)
                        snprintf(uni, sizeof(uni), " with cgroup2 at %s (controllers there: %s)",
                                 m->v2, m->v2_controllers[0] ? m->v2_controllers : "none");
                doctor_todo(doctor_add(c, DOCTOR_INFO, "cgroup",
                                       "cgroup v1%s: v1 "
                                       "controllers%s; memory controller: %s.",
                                       mode == DOCTOR_CG_HYBRID ? " hybrid" : " (legacy)", uni,
                                       mem),
                            "The v1 memory controller is deprecated and cannot throttle "
                            "writeback per cgroup; move to cgroup v2 "
                            "(systemd.unified_cgroup_hierarchy=1) when the engines allow.");
        }
}

static void mounts_cb(const char *line, size_t len, void *ctx)
{
        mount_line(line, line + len, ctx);
}

/* The mount table of root, one line at a time however large it is:
 * mountinfo, else /proc/mounts (a fixture tree may hold only that). */
static int read_mounts(struct doctor_ctx *c, const char *src, struct og_error *err)
{
        char p[PATH_MAX];
        int r = doctor_path(c, src, p, sizeof(p));
        if (r < 0)
                return og_error_set(err, r, "%s: path too long", src);
        memset(&c->cg, 0, sizeof(c->cg));
        return lines_read(p, CG_MOUNTINFO_LINE_MAX, mounts_cb, &c->cg, NULL, err);
}

void doctor_check_cgroup(struct doctor_ctx *c)
{
        const char *src = "/proc/self/mountinfo";
        struct og_error err = {0};
        int r = read_mounts(c, src, &err);
        if (r < 0) {
                src = "/proc/mounts";
                r = read_mounts(c, src, &err);
        }
        if (r < 0) {
                doctor_add(c, DOCTOR_ERROR, "cgroup",
                           "Cannot read /proc/self/mountinfo "
                           "or /proc/mounts: %s.",
                           err.msg);
                return;
        }
        if (!c->cg.v1_controllers && !c->cg.v1_named && !c->cg.v2[0]) {
                doctor_todo(doctor_add(c, DOCTOR_ERROR, "cgroup",
                                       "No cgroup filesystem "
                                       "is mounted (%s).",
                                       src),
                            "Mount the cgroup hierarchy (systemd does at boot).");
                return;
        }
        c->have_cg = true;
        read_v2_controllers(c);
        report_mode(c, src);
}

/* "Key:   N kB" lines */
int doctor_parse_meminfo(const char *buf, size_t len, struct doctor_meminfo *ret)
{
        ret->mem_total_kb = procfs_meminfo_kb(buf, len, "MemTotal");
        ret->mem_available_kb = procfs_meminfo_kb(buf, len, "MemAvailable");
        ret->swap_total_kb = procfs_meminfo_kb(buf, len, "SwapTotal");
        ret->commit_limit_kb = procfs_meminfo_kb(buf, len, "CommitLimit");
        ret->committed_as_kb = procfs_meminfo_kb(buf, len, "Committed_AS");
        return ret->mem_total_kb == OG_NONE ? -ENOENT : 0;
}

/* "Filename Type Size Used Priority" header, then one line per area. */
void doctor_parse_swaps(const char *buf, size_t len, size_t *ret_n, int64_t *ret_kb)
{
        *ret_n = 0;
        *ret_kb = 0;
        for (const char *s = buf, *end = buf + len; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                struct scan size = nth(s, e, 2);
                int64_t kb;
                if (s[0] == '/' && scan_i64(&size, &kb) && kb >= 0) {
                        (*ret_n)++; /* a garbled size saturates rather than wraps */
                        *ret_kb = kb > INT64_MAX - *ret_kb ? INT64_MAX : *ret_kb + kb;
                }
                s = nl ? nl + 1 : end;
        }
}

void doctor_check_meminfo(struct doctor_ctx *c)
{
        char buf[8192];
        size_t len;
        int r = doctor_read(c, "/proc/meminfo", buf, sizeof(buf), &len);
        if (r < 0 || doctor_parse_meminfo(buf, len, &c->mem) < 0) {
                doctor_add(c, DOCTOR_ERROR, "meminfo", "Cannot read /proc/meminfo: %s.",
                           r < 0 ? strerror(-r) : "no MemTotal");
                return;
        }
        c->have_mem = true;
}

void doctor_fmt_size(int64_t bytes, char *buf, size_t cap)
{
        static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
        if (bytes < 1024) {
                snprintf(buf, cap, "%" PRId64 " B", bytes);
                return;
        }
        double v = (double)bytes / 1024;
        size_t u = 0;
        while (v >= 1000 && u + 1 < ARRAY_SIZE(units)) { /* "1.0 GiB", not "1024 MiB" */
                v /= 1024;
                u++;
        }
        if (v >= 100 || v == (double)(int64_t)v)
                snprintf(buf, cap, "%.0f %s", v, units[u]);
        else
                snprintf(buf, cap, "%.1f %s", v, units[u]);
}

enum tri { TRI_UNKNOWN = 0, TRI_YES, TRI_NO };

/* v2: the first child cgroup with the memory controller tells. */
static enum tri v2_swap_accounting(struct doctor_ctx *c)
{
        char p[PATH_MAX], f[PATH_MAX + 32];
        if (doctor_path(c, c->cg.v2, p, sizeof(p)) < 0)
                return TRI_UNKNOWN;
        DIR *d = opendir(p);
        if (!d)
                return TRI_UNKNOWN;
        enum tri r = TRI_UNKNOWN;
        struct dirent *de;
        while (r == TRI_UNKNOWN && (de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                if ((size_t)snprintf(f, sizeof(f), "%s/%s/memory.max", p, de->d_name) >=
                            sizeof(f) ||
                    access(f, F_OK) < 0)
                        continue;
                if ((size_t)snprintf(f, sizeof(f), "%s/%s/memory.swap.max", p, de->d_name) <
                    sizeof(f))
                        r = access(f, F_OK) == 0 ? TRI_YES : TRI_NO;
        }
        closedir(d);
        return r;
}

static enum tri swap_accounting(struct doctor_ctx *c, const char **ret_file)
{
        char p[PATH_MAX];
        *ret_file = "memory.memsw.limit_in_bytes";
        if (c->cg.v1_memory[0])
                return (size_t)snprintf(p, sizeof(p), "%s/memory.memsw.limit_in_bytes",
                                        c->cg.v1_memory) < sizeof(p) &&
                                       doctor_exists(c, p)
                               ? TRI_YES
                               : TRI_NO;
        *ret_file = "memory.swap.max";
        return c->cg.v2_memory ? v2_swap_accounting(c) : TRI_UNKNOWN;
}

void doctor_check_swap(struct doctor_ctx *c)
{
        char buf[16384], size[32];
        size_t len, n = 0;
        int64_t kb = 0;
        if (!c->have_mem)
                return;
        if (doctor_read(c, "/proc/swaps", buf, sizeof(buf), &len) == 0)
                doctor_parse_swaps(buf, len, &n, &kb);
        const char *file;
        enum tri acct = c->have_cg ? swap_accounting(c, &file) : TRI_UNKNOWN;
        const char *as = acct == TRI_YES ? "on" : acct == TRI_NO ? "off" : "unknown";
        int64_t total = c->mem.swap_total_kb > 0 ? c->mem.swap_total_kb : 0;
        doctor_fmt_size(total * 1024, size, sizeof(size));
        if (total == 0 && n == 0) {
                doctor_add(c, DOCTOR_INFO, "swap",
                           "No swap (SwapTotal 0 kB, no area in "
                           "/proc/swaps): containers are OOM-killed at their memory limit "
                           "instead of swapping, and swap limits have no effect; swap "
                           "accounting %s.",
                           as);
        } else if (acct == TRI_NO) {
                doctor_todo(doctor_add(c, DOCTOR_WARN, "swap",
                                       "%s of swap on %zu area%s, "
                                       "but swap accounting is off (no %s): containers' "
                                       "swap limits are ignored.",
                                       size, n, n == 1 ? "" : "s", file),
                            "Remove swapaccount=0 from the kernel command line (kernels "
                            "before 5.8: boot with swapaccount=1).");
        } else {
                doctor_add(c, acct == TRI_YES ? DOCTOR_OK : DOCTOR_INFO, "swap",
                           "%s of "
                           "swap on %zu area%s; swap accounting %s%s%s%s.",
                           size, n, n == 1 ? "" : "s", as, acct == TRI_YES ? " (" : "",
                           acct == TRI_YES ? file : "",
                           acct == TRI_YES ? "), so containers' "
                                             "swap limits are enforced"
                                           : " (no memory cgroup to look at)");
        }
}

void doctor_dirty_thresholds(const struct doctor_dirty *d, int64_t avail, int64_t *ret_thresh,
                             int64_t *ret_bg)
{
        int64_t t = d->bytes > 0 ? d->bytes : avail / 100 * (d->ratio > 0 ? d->ratio : 0);
        int64_t bg = d->bg_bytes > 0 ? d->bg_bytes
                                     : avail / 100 * (d->bg_ratio > 0 ? d->bg_ratio : 0);
        if (bg >= t)
                bg = t / 2;
        *ret_thresh = t;
        *ret_bg = bg;
}

struct limit_scan {
        int version;
        int64_t host_bytes;
        size_t nodes;
        size_t limited;      /* populated cgroups with a limit below host memory */
        int64_t limit, anon; /* the smallest of them */
        char path[PATH_MAX];
        char rel[PATH_MAX]; /* the cgroup being looked at */
};

static void consider(int dfd, struct limit_scan *s)
{
        char buf[16384];
        struct scan t;
        int64_t limit;
        ssize_t n = fileio_read_at(dfd, s->version == 1 ? "memory.limit_in_bytes" : "memory.max",
                                   buf, 64);
        if (n <= 0 || (t = scan_make(buf, (size_t)n), !scan_i64(&t, &limit)) ||
            limit >= s->host_bytes)
                return; /* "max", unreadable or not below host memory */
        s->limited++;
        if (s->limit != OG_NONE && limit >= s->limit)
                return;
        s->limit = limit;
        n = fileio_read_at(dfd, "memory.stat", buf, sizeof(buf));
        s->anon = n > 0 ? cgf_parse_key(buf, (size_t)n, s->version == 1 ? "total_rss" : "anon")
                        : OG_NONE;
        snprintf(s->path, sizeof(s->path), "%s", s->rel[0] ? s->rel : "/");
}

/* Depth-first over the memory hierarchy; true if any task lives in dfd's
 * subtree. */
static bool walk(int dfd, int depth, struct limit_scan *s)
{
        char buf[64];
        bool populated = fileio_read_at(dfd, "cgroup.procs", buf, sizeof(buf)) > 0;
        int sub = depth < WALK_DEPTH ? openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        DIR *d = sub >= 0 ? fdopendir(sub) : NULL;
        if (!d && sub >= 0)
                close(sub);
        struct dirent *de;
        while (d && (de = readdir(d)) && s->nodes < WALK_NODES) {
                size_t len = strlen(s->rel);
                if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) ||
                    len + strlen(de->d_name) + 2 > sizeof(s->rel))
                        continue;
                int cfd = openat(dfd, de->d_name,
                                 O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (cfd < 0)
                        continue;
                s->nodes++;
                snprintf(s->rel + len, sizeof(s->rel) - len, "/%s", de->d_name);
                populated |= walk(cfd, depth + 1, s);
                s->rel[len] = '\0';
                close(cfd);
        }
        if (d)
                closedir(d);
        if (populated)
                consider(dfd, s);
        return populated;
}

static bool smallest_limit(struct doctor_ctx *c, struct limit_scan *s)
{
        char p[PATH_MAX];
        memset(s, 0, sizeof(*s));
        s->limit = OG_NONE;
        s->host_bytes = c->mem.mem_total_kb * 1024;
        s->version = c->cg.v1_memory[0] ? 1 : 2;
        const char *mount = s->version == 1 ? c->cg.v1_memory : c->cg.v2;
        if ((s->version == 2 && !c->cg.v2_memory) || doctor_path(c, mount, p, sizeof(p)) < 0)
                return false;
        int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return false;
        walk(fd, 0, s);
        close(fd);
        return true;
}

static void dirty_desc(const struct doctor_dirty *d, int64_t avail, int64_t thresh, char *buf,
                       size_t cap)
{
        char t[32], a[32];
        doctor_fmt_size(thresh, t, sizeof(t));
        doctor_fmt_size(avail, a, sizeof(a));
        if (d->bytes > 0)
                snprintf(buf, cap, "vm.dirty_bytes=%" PRId64 " (%s)", d->bytes, t);
        else
                snprintf(buf, cap,
                         "vm.dirty_ratio=%" PRId64 " (~%s: %" PRId64 "%% of %s "
                         "available)",
                         d->ratio, t, d->ratio, a);
}

static void limit_label(const struct limit_scan *s, char *buf, size_t cap)
{
        char id[CG_ID_LEN + 1], lim[32];
        doctor_fmt_size(s->limit, lim, sizeof(lim));
        if (cg_container_id(s->path, strlen(s->path), id))
                snprintf(buf, cap, "%s, container %.12s, %s", lim, id, s->path);
        else
                snprintf(buf, cap, "%s, cgroup %s", lim, s->path);
}

static void dirty_too_high(struct doctor_ctx *c, const char *desc, const char *label,
                           int64_t room, int64_t anon)
{
        char r[32], an[32];
        doctor_fmt_size(room, r, sizeof(r));
        doctor_fmt_size(anon, an, sizeof(an));
        /* a writeback policy in force bounds these writers itself (the write
         * window, the host mode): a host-wide setting by hand is what it
         * avoids, and the host mode would put it back */
        bool policy = c->writeback != WRITEBACK_OFF;
        struct doctor_finding *f = doctor_add(
                c, policy ? DOCTOR_INFO : DOCTOR_WARN, "dirty",
                "%s is more than the room in "
                "the smallest memory limit (%s; %s left after %s anonymous): page-cache-heavy "
                "writers there %s, as %s throttles dirty pages only host-wide.",
                desc, label, r, an,
                policy ? "are bounded by oomguard's writeback policy" : "may be OOM-killed",
                c->cg.v1_memory[0] ? "cgroup v1" : "cgroup v2 without the io controller");
        int64_t rec = room / 2 / MIB;
        if (policy)
                doctor_todo(f, "Nothing to set host-wide: see the writeback line for how "
                               "the policy in force covers them.");
        else if (rec < 16)
                doctor_todo(f,
                            "Raise that limit: %s of room is too little for any "
                            "host-wide dirty threshold.",
                            r);
        else
                doctor_todo(f,
                            "Set vm.dirty_bytes=%" PRId64 "M and vm.dirty_background_bytes="
                            "%" PRId64 "M (half and a quarter of that room; sysctl -w, "
                            "persist in /etc/sysctl.d/; host-wide), or raise the limit.",
                            rec, rec / 2);
}

static bool read_dirty(struct doctor_ctx *c, struct doctor_dirty *d)
{
        d->bytes = doctor_read_int(c, "/proc/sys/vm/dirty_bytes");
        d->ratio = doctor_read_int(c, "/proc/sys/vm/dirty_ratio");
        d->bg_bytes = doctor_read_int(c, "/proc/sys/vm/dirty_background_bytes");
        d->bg_ratio = doctor_read_int(c, "/proc/sys/vm/dirty_background_ratio");
        return d->bytes != OG_NONE && d->ratio != OG_NONE && d->bg_bytes != OG_NONE &&
               d->bg_ratio != OG_NONE;
}

void doctor_check_dirty(struct doctor_ctx *c)
{
        struct doctor_dirty d;
        struct limit_scan s;
        char desc[256], label[PATH_MAX + 64], host[32];
        int64_t thresh, bg;
        if (!c->have_mem || !c->have_cg)
                return;
        if (!read_dirty(c, &d)) {
                doctor_add(c, DOCTOR_ERROR, "dirty", "Cannot read /proc/sys/vm/dirty_*.");
                return;
        }
        int64_t avail = c->mem.mem_available_kb != OG_NONE ? c->mem.mem_available_kb
                                                           : c->mem.mem_total_kb;
        doctor_dirty_thresholds(&d, avail * 1024, &thresh, &bg);
        dirty_desc(&d, avail * 1024, thresh, desc, sizeof(desc));
        doctor_fmt_size(c->mem.mem_total_kb * 1024, host, sizeof(host));
        if (!smallest_limit(c, &s) || s.limit == OG_NONE) {
                doctor_todo(doctor_add(c, DOCTOR_INFO, "dirty",
                                       "%s; no running cgroup has "
                                       "a memory limit below host memory (%s), so there is "
                                       "nothing to compare it with.",
                                       desc, host),
                            "Rerun doctor while containers run: a limit with less room "
                            "than the dirty threshold risks OOM kills of writers.");
                return;
        }
        int64_t anon = s.anon > 0 ? s.anon : 0;
        int64_t room = s.limit > anon ? s.limit - anon : 0;
        limit_label(&s, label, sizeof(label));
        if (s.version == 2 && c->cg.v2_io)
                doctor_add(c, DOCTOR_OK, "dirty",
                           "%s; cgroup v2 scales it to each memory "
                           "cgroup (cgroup writeback on ext4, xfs, btrfs), the smallest limit "
                           "(%s) included.",
                           desc, label);
        else if (thresh <= room)
                doctor_add(c, DOCTOR_OK, "dirty",
                           "%s fits in the room of the smallest memory "
                           "limit (%s).",
                           desc, label);
        else
                dirty_too_high(c, desc, label, room, anon);
}

void doctor_check_overcommit(struct doctor_ctx *c)
{
        int64_t mode = doctor_read_int(c, "/proc/sys/vm/overcommit_memory");
        int64_t ratio = doctor_read_int(c, "/proc/sys/vm/overcommit_ratio");
        int64_t kbytes = doctor_read_int(c, "/proc/sys/vm/overcommit_kbytes");
        char lim[32], used[32], how[64];
        if (mode == 0) {
                doctor_add(c, DOCTOR_OK, "overcommit",
                           "vm.overcommit_memory=0 (heuristic, "
                           "the default): only allocations beyond RAM plus swap fail; running "
                           "short ends in OOM kills, which oomguard classifies "
                           "(vm.overcommit_ratio=%" PRId64 " counts only in mode 2).",
                           ratio);
        } else if (mode == 1) {
                doctor_add(c, DOCTOR_INFO, "overcommit",
                           "vm.overcommit_memory=1 (always): "
                           "no allocation ever fails; every shortage ends in an OOM kill.");
        } else if (mode == 2) {
                doctor_fmt_size(c->mem.commit_limit_kb * 1024, lim, sizeof(lim));
                doctor_fmt_size(c->mem.committed_as_kb * 1024, used, sizeof(used));
                if (kbytes > 0)
                        snprintf(how, sizeof(how), "vm.overcommit_kbytes=%" PRId64, kbytes);
                else
                        snprintf(how, sizeof(how), "%" PRId64 "%% of RAM", ratio);
                doctor_todo(doctor_add(c, DOCTOR_WARN, "overcommit",
                                       "vm.overcommit_memory=2 "
                                       "(strict): allocations fail with ENOMEM (\"Cannot "
                                       "allocate memory\") host-wide once %s are committed "
                                       "(CommitLimit: swap + %s; now %s), whatever the "
                                       "containers' limits.",
                                       lim, how, used),
                            "Use 0 unless every workload handles ENOMEM; programs that "
                            "reserve more than they use fail early under 2.");
        } else {
                doctor_add(c, DOCTOR_ERROR, "overcommit",
                           "Cannot read "
                           "/proc/sys/vm/overcommit_memory.");
        }
}
