/* SPDX-License-Identifier: MIT */
/* poststop's outputs beyond the verdict log, once the verdict is decided:
 * the node_exporter textfile's counters and, for a memory death, the
 * Kubernetes termination message. Trouble is logged, never fatal. */
#define _GNU_SOURCE
#include "hook.h"

#include "fileio.h"
#include "hookstate.h"
#include "journal.h"
#include "metrics.h"
#include "spec.h"
#include "statedir.h"
#include "termmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* The metrics file, or NULL: off, or the default's directory is absent. */
const char *hook_metrics_path(const struct og_config *cfg)
{
        char dir[PATH_MAX];
        if (!cfg->metrics[0])
                return NULL;
        if (cfg->metrics_auto) {
                snprintf(dir, sizeof(dir), "%s", cfg->metrics);
                if (access(dirname(dir), F_OK) < 0)
                        return NULL;
        }
        return cfg->metrics;
}

/* Counted once per death: a poststop run again finds the mark. */
static void count(const struct og_config *cfg, const char *id, const struct verdict *v)
{
        const char *path = hook_metrics_path(cfg);
        struct og_error err = {0};
        char mark[4];
        size_t len;
        int d = -1;
        if (!path)
                return;
        if (statedir_open(cfg->state_dir, id, false, &d, NULL) == 0 && d >= 0 &&
            statedir_read(d, "metrics.done", mark, sizeof(mark), &len, NULL) == 0) {
                close(d);
                return;
        }
        if (metrics_record(path, v->kind, v->page_cache_driven, (int64_t)time(NULL), &err) < 0)
                hook_log(LOG_ERR, "%.12s: the metrics in %s: %s", id, path, err.msg);
        else if (d >= 0)
                statedir_write(d, "metrics.done", "1\n", 2, NULL);
        if (d >= 0)
                close(d);
}

static void termination_message(const struct og_config *cfg, const char *id, const char *bundle,
                                const struct verdict *v)
{
        char host[PATH_MAX], line[1200];
        _cleanup_free_ char *buf = NULL;
        size_t len;
        struct og_error err = {0};
        if (v->kind == VERDICT_NONE || !cfg->termination_root[0] || !bundle || !bundle[0])
                return;
        _cleanup_close_ int bd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (bd < 0 || fileio_read(bd, "config.json", SPEC_MAX, &buf, &len, NULL, &err) < 0 ||
            termmsg_find(buf, len, host, sizeof(host)) <= 0)
                return; /* no termination message mounted: not a Kubernetes container */
        snprintf(line, sizeof(line), "oomguard: %s: %s", verdict_kind_name(v->kind), v->summary);
        if (termmsg_append(cfg->termination_root, host, line, &err) < 0)
                hook_log(LOG_WARNING, "%.12s: no termination message: %s", id, err.msg);
}

/* journald, when it runs (the socket was connected before confinement) */
static void journal(const struct hook_state *hs, const struct verdict *v, int64_t peak)
{
        struct journal_verdict j = {
                .id = hs->id,
                .cgroup = hs->cgroup,
                .bundle = hs->bundle[0] ? hs->bundle : NULL,
                .v = v,
                .limit_bytes = hs->limit_bytes,
                .peak_bytes = peak,
                .oom_score_adj = hs->oom_score_adj == OG_NONE ? 0 : (int)hs->oom_score_adj,
        };
        int r = journal_send(&j);
        if (r < 0 && r != -ENOTCONN)
                hook_log(LOG_WARNING, "%.12s: the journal entry: %s", hs->id, strerror(-r));
}

void hook_outputs(const struct og_config *cfg, const struct hook_state *hs,
                  const struct verdict *v, int64_t peak)
{
        journal(hs, v, peak);
        count(cfg, hs->id, v);
        termination_message(cfg, hs->id, hs->bundle, v);
}
