/* SPDX-License-Identifier: MIT */
/* The human paragraph: what happened, in the operator's terms, and what to
 * change. Everything said is read off the kill record. */
#include "explain.h"
#include "causes.h"
#include "text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define UNLIMITED_KB (INT64_C(1) << 50) /* the kernel prints ~2^53 kB */
#define OOMLOG_TEXT_MAX 1024            /* a reason or detail as printed */

static void size_kb(char *buf, size_t n, int64_t kb)
{
        if (kb == OG_NONE)
                snprintf(buf, n, "an unknown amount");
        else if (kb >= UNLIMITED_KB)
                snprintf(buf, n, "unlimited");
        else if (kb >= 1024 * 1024)
                snprintf(buf, n, "%.1f GiB", (double)kb / (1024.0 * 1024.0));
        else if (kb >= 1024)
                snprintf(buf, n, "%.0f MiB", (double)kb / 1024.0);
        else
                snprintf(buf, n, "%" PRId64 " KiB", kb);
}

static const char *clean(const char *s, char *buf, size_t n)
{
        if (!s || !*s)
                return "?";
        text_sanitize(s, buf, n);
        return buf;
}

static void who(FILE *out, const struct oom_kill *k)
{
        char c[256];
        if ((k->flags & OOM_KILL_PARTIAL) || (k->victim_pid == OG_NONE && !k->victim_comm)) {
                fputs("A process (the log does not show which)", out);
        } else {
                fprintf(out, "%s", clean(k->victim_comm, c, sizeof(c)));
                if (k->victim_pid != OG_NONE)
                        fprintf(out, " (pid %" PRId64 ")", k->victim_pid);
        }
        if (k->container_id[0])
                fprintf(out, " in container %.12s", k->container_id);
        if (k->pod_uid[0])
                fprintf(out, " of pod %s", k->pod_uid);
        else if (!k->container_id[0] && k->task_memcg)
                fprintf(out, " in cgroup %s", clean(k->task_memcg, c, sizeof(c)));
}

static void usage_of(FILE *out, const struct oom_kill *k)
{
        char u[32], l[32];
        if (k->memcg_usage_kb == OG_NONE)
                return;
        size_kb(u, sizeof(u), k->memcg_usage_kb);
        size_kb(l, sizeof(l), k->memcg_limit_kb);
        fprintf(out, " It used %s of a %s limit", u, l);
        if (k->memsw_limit_kb != OG_NONE && k->memsw_limit_kb < UNLIMITED_KB &&
            k->memsw_usage_kb >= k->memsw_limit_kb && k->memcg_usage_kb < k->memcg_limit_kb) {
                size_kb(l, sizeof(l), k->memsw_limit_kb);
                fprintf(out, "; the memory+swap limit of %s was the one reached", l);
        }
        fputs(".", out);
}

/* The one page-cache rule (causes.h), the figures with it. */
static bool page_cache(FILE *out, const struct oom_kill *k)
{
        struct pc_figures f;
        if (!cause_pc_read(k, &f) || !cause_pc_driven(&f))
                return false;
        char c[32], d[32], w[32], a[32];
        size_kb(c, sizeof(c), f.file / 1024);
        size_kb(d, sizeof(d), f.dirty / 1024);
        size_kb(w, sizeof(w), f.writeback / 1024);
        size_kb(a, sizeof(a), f.anon / 1024);
        fprintf(out,
                " Page-cache driven: of %s page cache, %s were dirty and %s under "
                "writeback, against %s anonymous memory: a writer filled the cgroup "
                "faster than storage drained it.",
                c, d, w, a);
        return true;
}

/* The fix from the one table (causes.h): the page cache's first when it
 * drove the death. */
static void fix(FILE *out, const struct oom_kill *k, enum og_cause c)
{
        if (page_cache(out, k))
                fprintf(out, " Fix: %s (%s.) Then: %s", cause_fix(CAUSE_PAGE_CACHE),
                        CAUSE_DEFAULT_PREVENTS, cause_fix(c));
        else
                fprintf(out, " Fix: %s", cause_fix(c));
}

/* The OOM memcg is the victim container's own outer cgroup. */
static bool same_container(const struct oom_kill *k)
{
        char id[CG_ID_LEN + 1];
        return k->container_id[0] && k->oom_memcg &&
               cg_container_id(k->oom_memcg, strlen(k->oom_memcg), id) &&
               strcmp(id, k->container_id) == 0;
}

static void what(FILE *out, const struct oom_kill *k)
{
        char c[512];
        switch (k->scope) {
        case OOM_SCOPE_MEMCG:
                fprintf(out,
                        " was killed because its own cgroup's memory limit "
                        "was reached (%s).",
                        clean(k->oom_memcg, c, sizeof(c)));
                usage_of(out, k);
                fix(out, k, CAUSE_OWN_LIMIT);
                break;
        case OOM_SCOPE_ANCESTOR:
                if (same_container(k)) { /* crun, systemd: libpod-ID.scope/container */
                        fprintf(out,
                                " was killed because its container's memory "
                                "limit was reached (%s; the process runs in a "
                                "sub-cgroup of it).",
                                clean(k->oom_memcg, c, sizeof(c)));
                        usage_of(out, k);
                        fix(out, k, CAUSE_OWN_LIMIT);
                        break;
                }
                fprintf(out,
                        " was killed because a parent cgroup's memory limit "
                        "was reached (%s), not its own.",
                        clean(k->oom_memcg, c, sizeof(c)));
                usage_of(out, k);
                fix(out, k, CAUSE_PARENT_LIMIT);
                break;
        case OOM_SCOPE_MEMCG_UNRESOLVED:
                fputs(" was killed because a memory cgroup hit its limit (not "
                      "because the host ran out); the log does not say which "
                      "cgroup. Fix: compare the container's and its pod's "
                      "limits with its peak usage.",
                      out);
                break;
        case OOM_SCOPE_GLOBAL:
                fputs(" was killed because the whole host ran out of memory (a "
                      "global OOM); no cgroup limit was reached, this process "
                      "was merely the kernel's choice of victim.",
                      out);
                fprintf(out, " Fix: %s", cause_fix(CAUSE_GLOBAL));
                break;
        case OOM_SCOPE_CPUSET:
                fprintf(out,
                        " was killed because the memory nodes its cpuset allows ran "
                        "out, though other nodes may have had memory. Fix: %s",
                        cause_fix(CAUSE_CPUSET));
                break;
        case OOM_SCOPE_MEMPOLICY:
                fprintf(out,
                        " was killed because its NUMA memory policy bound it to "
                        "nodes that ran out. Fix: %s",
                        cause_fix(CAUSE_MEMPOLICY));
                break;
        case OOM_SCOPE_UNKNOWN:
                fputs(" was killed by the OOM killer; the log does not show "
                      "whether a cgroup limit or the host ran out.",
                      out);
                break;
        }
}

double explain_kmsg_seconds(const struct oom_kill *k)
{
        if (!k->timestamp || !k->timestamp[0] ||
            k->timestamp[strspn(k->timestamp, "0123456789")] != '\0')
                return -1;
        return (double)strtoll(k->timestamp, NULL, 10) / 1e6; /* record usec */
}

void explain_wall_time(char *buf, size_t len, double epoch, bool iso)
{
        time_t t = (time_t)epoch;
        struct tm tm;
        char day[48];
        if (!gmtime_r(&t, &tm) ||
            strftime(day, sizeof(day), iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm) ==
                    0) {
                snprintf(buf, len, "?");
                return;
        }
        long us = (long)((epoch - (double)t) * 1e6 + 0.5);
        if (iso)
                snprintf(buf, len, "%s.%06ldZ", day, us > 999999 ? 999999 : us);
        else
                snprintf(buf, len, "%s UTC", day);
}

int explain_write_text(FILE *out, const struct oom_kill *k, size_t index, size_t total)
{
        return explain_write_text_at(out, k, index, total, NULL);
}

int explain_write_text_at(FILE *out, const struct oom_kill *k, size_t index, size_t total,
                          const struct explain_clock *clock)
{
        char ts[128], rss[32];
        double secs = explain_kmsg_seconds(k);
        fprintf(out, "Kill %zu of %zu", index + 1, total);
        if (secs >= 0 && clock && clock->boot_epoch > 0) {
                explain_wall_time(ts, sizeof(ts), clock->boot_epoch + secs, false);
                fprintf(out, " at %s (%.6f s after boot)", ts, secs);
        } else if (secs >= 0)
                fprintf(out, " at %.6f s after boot", secs);
        else if (k->timestamp)
                fprintf(out, " at %s", clean(k->timestamp, ts, sizeof(ts)));
        fprintf(out, " [%s]: ", oom_scope_name(k->scope));
        who(out, k);
        what(out, k);
        if (k->anon_rss_kb != OG_NONE) {
                size_kb(rss, sizeof(rss), k->anon_rss_kb);
                fprintf(out, " It held %s of anonymous memory", rss);
                if (k->oom_score_adj != OG_NONE)
                        fprintf(out, " (oom_score_adj %" PRId64 ")", k->oom_score_adj);
                fputs(".", out);
        }
        if (k->flags & OOM_KILL_SCOPE_INFERRED)
                fputs(" (Scope inferred from the kills printed next to it.)", out);
        if (k->flags & OOM_KILL_MEMCG_DEDUCED)
                fputs(" (Cgroup inferred from the memory statistics the report "
                      "prints; the line naming the OOM cgroup is not in the log.)",
                      out);
        if (k->scope == OOM_SCOPE_GLOBAL && !(k->flags & OOM_KILL_CONSTRAINT_PRINTED))
                fputs(" (Inferred from the kill line's prefix; the log shows no "
                      "oom-kill: line with the constraint.)",
                      out);
        if (k->flags & OOM_KILL_REAPER_ONLY)
                fputs(" (Seen only in an oom_reaper line.)", out);
        if (fputs("\n\n", out) == EOF)
                return -EIO;
        return 0;
}

/* "earlyoom sent SIGTERM to cluster (pid 29410, uid 1000)" */
static void user_who(FILE *out, const struct user_kill *k)
{
        char c[256], v[512];
        bool kubelet = strcmp(k->killer, "kubelet-eviction") == 0;
        const char *name = k->victim ? k->victim : k->victim_comm;
        if (kubelet)
                fputs("the kubelet's eviction manager evicted ", out);
        else if (k->signal)
                fprintf(out, "%s sent %s to ", k->killer, clean(k->signal, c, sizeof(c)));
        else
                fprintf(out, "%s killed ", k->killer);
        if (!name) {
                fputs("a process the log does not name", out);
        } else {
                if (kubelet)
                        fputs("pod ", out);
                else if (name[0] == '/')
                        fputs("cgroup ", out);
                fputs(clean(name, v, sizeof(v)), out);
        }
        if (k->victim_comm && k->victim && strcmp(k->victim, k->victim_comm) != 0)
                fprintf(out, " (%s)", clean(k->victim_comm, c, sizeof(c)));
        if (k->victim_pid != OG_NONE && k->victim_uid != OG_NONE)
                fprintf(out, " (pid %" PRId64 ", uid %" PRId64 ")", k->victim_pid, k->victim_uid);
        else if (k->victim_pid != OG_NONE)
                fprintf(out, " (pid %" PRId64 ")", k->victim_pid);
}

int explain_write_novictim_text(FILE *out, const struct oom_novictim *o)
{
        char ts[128], cg[OOMLOG_TEXT_MAX], comm[64];
        fputs("No victim", out);
        if (o->timestamp)
                fprintf(out, " at %s", clean(o->timestamp, ts, sizeof(ts)));
        fputs(": the kernel's OOM", out);
        if (o->memcg)
                fprintf(out, " in %s", clean(o->memcg, cg, sizeof(cg)));
        if (o->invoker_comm)
                fprintf(out, " (invoked by %s)", clean(o->invoker_comm, comm, sizeof(comm)));
        fprintf(out, " " CAUSE_NO_VICTIM_WHAT ". %s", cause_fix(CAUSE_NO_VICTIM));
        if (fputs("\n\n", out) == EOF)
                return -EIO;
        return 0;
}

int explain_write_user_text(FILE *out, const struct user_kill *k, size_t index, size_t total)
{
        char ts[128], buf[OOMLOG_TEXT_MAX];
        fprintf(out, "Userspace kill %zu of %zu", index + 1, total);
        if (k->timestamp)
                fprintf(out, " at %s", clean(k->timestamp, ts, sizeof(ts)));
        fprintf(out, " [%s]: ", k->killer);
        user_who(out, k);
        fputs(".", out);
        if (k->reason)
                fprintf(out, " Why: %s.", clean(k->reason, buf, sizeof(buf)));
        else if (strcmp(k->killer, "kubelet-eviction") == 0)
                fputs(" (The log does not show which resource the kubelet was "
                      "reclaiming; evictions for disk are not listed when it does.)",
                      out);
        if (k->detail)
                fprintf(out, " (%s)", clean(k->detail, buf, sizeof(buf)));
        fprintf(out, " This was not a kernel OOM kill. %s",
                cause_fix(cause_of_killer(k->killer)));
        if (fputs("\n\n", out) == EOF)
                return -EIO;
        return 0;
}
