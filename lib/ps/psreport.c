/* SPDX-License-Identifier: MIT */
#include "psreport.h"

#include "jsongen.h"
#include "text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#define HOST_ROWS 15 /* host processes shown without --all */

static bool in_container(const struct proc_entry *e)
{
        return e->container_id[0] != '\0';
}

size_t psreport_flags(const struct proc_table *t, unsigned *flags)
{
        int top = -1; /* the highest oom_score of any container process */
        for (size_t i = 0; i < t->n; i++)
                if (in_container(&t->e[i]) && t->e[i].oom_score > top)
                        top = t->e[i].oom_score;
        size_t n = 0;
        for (size_t i = 0; i < t->n; i++) {
                const struct proc_entry *e = &t->e[i];
                flags[i] = 0;
                if (in_container(e) && e->oom_score_adj < 0)
                        flags[i] |= PS_FLAG_PROTECTED;
                /* kernel threads have no memory and are never chosen */
                if (!in_container(e) && top >= 0 && e->rss_kb > 0 && e->oom_score > top)
                        flags[i] |= PS_FLAG_HOST_FIRST;
                n += flags[i] != 0;
        }
        return n;
}

static int by_score(const void *a, const void *b)
{
        const struct proc_entry *x = a, *y = b;
        int c = strcmp(x->container_id, y->container_id);
        if (c)
                return -c; /* containers first, host ("") last */
        return y->oom_score - x->oom_score;
}

/* A process names itself: its comm made one inert field */
static const char *comm_of(const struct proc_entry *e, char *buf)
{
        size_t n = strnlen(e->comm, sizeof(e->comm));
        buf[textsafe(e->comm, n, TEXTSAFE_LINE, true, buf, NULL)] = '\0';
        return buf;
}

static void row(FILE *out, const struct proc_entry *e, unsigned f)
{
        char comm[sizeof(e->comm) + 1];
        comm_of(e, comm);
        fprintf(out, "%-12.12s %8d %-16.16s %10" PRId64 " %9d %13d%s\n",
                in_container(e) ? e->container_id : "(host)", e->pid, comm, e->rss_kb,
                e->oom_score, e->oom_score_adj,
                f & PS_FLAG_PROTECTED    ? "  <- protected by its runtime"
                : f & PS_FLAG_HOST_FIRST ? "  <- dies before any container"
                                         : "");
}

static void findings(FILE *out, const struct proc_table *t, const unsigned *f)
{
        for (size_t i = 0; i < t->n; i++) {
                const struct proc_entry *e = &t->e[i];
                char comm[sizeof(e->comm) + 1];
                comm_of(e, comm);
                if (f[i] & PS_FLAG_PROTECTED)
                        fprintf(out,
                                "warning: container %.12s: %s (pid %d) runs with "
                                "oom_score_adj %d inherited from its runtime; in a "
                                "global OOM the host's own processes die first. Fix: "
                                "register oomguard, or give the container an explicit "
                                "oomScoreAdj >= 0.\n",
                                e->container_id, comm, e->pid, e->oom_score_adj);
                if (f[i] & PS_FLAG_HOST_FIRST)
                        fprintf(out,
                                "warning: host process %s (pid %d, oom_score %d) "
                                "would be killed before any container in a global OOM. "
                                "Fix: protect it (OOMScoreAdjust= in its unit) or raise "
                                "the containers' oom_score_adj.\n",
                                comm, e->pid, e->oom_score);
        }
}

int psreport_write_text(FILE *out, const struct proc_table *t, bool all)
{
        unsigned *f = calloc(t->n + 1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        qsort(t->e, t->n, sizeof(*t->e), by_score);
        psreport_flags(t, f);
        fprintf(out, "%-12s %8s %-16s %10s %9s %13s\n", "CONTAINER", "PID", "COMM", "RSS_KB",
                "OOM_SCORE", "OOM_SCORE_ADJ");
        size_t host = 0;
        for (size_t i = 0; i < t->n; i++) {
                if (!in_container(&t->e[i]) && !all && !f[i] && host++ >= HOST_ROWS)
                        continue;
                row(out, &t->e[i], f[i]);
        }
        findings(out, t, f);
        free(f);
        return ferror(out) ? -EIO : 0;
}

static int write_entry(FILE *out, const struct proc_entry *e, unsigned f)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        yajl_gen_map_open(g);
        jg_int(g, "pid", e->pid);
        jg_str(g, "comm", e->comm);
        jg_str(g, "cgroup", e->cgroup);
        jg_str(g, "container_id", e->container_id);
        jg_int(g, "rss_kb", e->rss_kb);
        jg_int(g, "oom_score", e->oom_score);
        jg_int(g, "oom_score_adj", e->oom_score_adj);
        jg_bool(g, "protected_by_runtime", f & PS_FLAG_PROTECTED);
        jg_bool(g, "dies_before_containers", f & PS_FLAG_HOST_FIRST);
        yajl_gen_map_close(g);
        return jg_write_line(g, out);
}

int psreport_write_json(FILE *out, const struct proc_table *t)
{
        unsigned *f = calloc(t->n + 1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        psreport_flags(t, f);
        int r = 0;
        for (size_t i = 0; i < t->n && r == 0; i++)
                r = write_entry(out, &t->e[i], f[i]);
        free(f);
        return r;
}
