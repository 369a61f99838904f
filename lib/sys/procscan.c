/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "procscan.h"

#include "cgroup.h"
#include "fileio.h"
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool procscan_memcg(const char *buf, size_t len, char *ret, size_t cap)
{
        struct cg_paths p;
        if (cg_parse_proc_cgroup(buf, len, &p) < 0)
                return false;
        const char *s = p.v1_memory[0] ? p.v1_memory : p.v2;
        if (strlen(s) >= cap)
                return false;
        memcpy(ret, s, strlen(s) + 1);
        return true;
}

/* <dir>/<name> into buf (NUL-terminated, trailing newline dropped). */
static ssize_t read_at(int dir, const char *name, char *buf, size_t cap)
{
        ssize_t n = fileio_read_at(dir, name, buf, cap); /* fails rather than truncates */
        if (n < 0)
                return n;
        while (n > 0 && buf[n - 1] == '\n')
                n--;
        buf[n] = '\0';
        return n;
}

static bool read_int(int dir, const char *name, int64_t *ret)
{
        char buf[64];
        if (read_at(dir, name, buf, sizeof(buf)) <= 0)
                return false;
        struct scan s = scan_make(buf, strlen(buf));
        return scan_i64(&s, ret);
}

static bool read_entry(int dir, int pid, long page_kb, struct proc_entry *e)
{
        char buf[4096];
        int64_t score, adj, pages;
        memset(e, 0, sizeof(*e));
        e->pid = pid;
        if (read_at(dir, "comm", e->comm, sizeof(e->comm)) < 0 ||
            !read_int(dir, "oom_score", &score) || !read_int(dir, "oom_score_adj", &adj))
                return false;
        e->oom_score = (int)score;
        e->oom_score_adj = (int)adj;
        ssize_t n = read_at(dir, "statm", buf, sizeof(buf));
        struct scan s = scan_make(buf, n > 0 ? (size_t)n : 0);
        if (n > 0 && scan_i64(&s, &pages) && scan_skip_spaces(&s) && scan_i64(&s, &pages))
                e->rss_kb = pages * page_kb;
        n = read_at(dir, "cgroup", buf, sizeof(buf));
        if (n > 0 && procscan_memcg(buf, (size_t)n, e->cgroup, sizeof(e->cgroup)))
                cg_container_id(e->cgroup, strlen(e->cgroup), e->container_id);
        return true;
}

static int push(struct proc_table *t, size_t *cap, const struct proc_entry *e)
{
        if (t->n == *cap) {
                size_t nc = *cap ? *cap * 2 : 256;
                struct proc_entry *ne = realloc(t->e, nc * sizeof(*ne));
                if (!ne)
                        return -ENOMEM;
                t->e = ne;
                *cap = nc;
        }
        t->e[t->n++] = *e;
        return 0;
}

int procscan(const char *proc_root, struct proc_table *ret, struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        DIR *d = opendir(proc_root);
        if (!d)
                return og_error_set(err, -errno, "cannot read %s: %s", proc_root,
                                    strerror(errno));
        long page_kb = sysconf(_SC_PAGESIZE) / 1024;
        size_t cap = 0;
        struct dirent *de;
        int r = 0;
        while ((de = readdir(d)) && r == 0) {
                char *end;
                long pid = strtol(de->d_name, &end, 10);
                if (*end || pid <= 0 || pid > INT32_MAX)
                        continue;
                int pd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (pd < 0)
                        continue; /* exited meanwhile */
                struct proc_entry e;
                if (read_entry(pd, (int)pid, page_kb > 0 ? page_kb : 4, &e))
                        r = push(ret, &cap, &e);
                close(pd);
        }
        closedir(d);
        if (r < 0) {
                proc_table_free(ret);
                return og_error_set(err, r, "out of memory");
        }
        return 0;
}

void proc_table_free(struct proc_table *t)
{
        free(t->e);
        t->e = NULL;
        t->n = 0;
}
