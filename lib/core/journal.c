/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "journal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

/* fixed forever: journalctl MESSAGE_ID=… and catalogues rely on them */
static const struct {
        const char *kind, *id;
} message_ids[] = {
        {"none", "ac66b5e8d9c14f1ba2d84b3d9e52c960"},
        {"memcg", "4e6fe5eb15ad463ca124d768c009fade"},
        {"ancestor-memcg", "01773ad54eea45648ae0f026efc8e7d9"},
        {"global", "bf99a63512914405b12256c243c8668c"},
        {"cpuset", "c15ed98f890a43309405c74b68fa713e"},
        {"mempolicy", "405cce3872574e4fb2ba241ec0f760e0"},
        {"unknown", "1b99b48e12eb49d8a0db6afbc7a64244"},
        {"limit-hit", "7a4f0c2be3d94f55b0e6a1c9d8f27e13"},
};

const char *journal_message_id(enum verdict_kind k)
{
        const char *name = verdict_kind_name(k);
        for (size_t i = 0; i < ARRAY_SIZE(message_ids); i++)
                if (!strcmp(message_ids[i].kind, name))
                        return message_ids[i].id;
        return message_ids[6].id; /* "unknown" */
}

struct out {
        char *buf;
        size_t cap, off;
        bool full;
};

/* KEY=value\n; newlines in the value become spaces (the simple form of
 * the native protocol has one line per field) */
static void field(struct out *o, const char *key, const char *fmt, ...) OG_PRINTF(3, 4);
static void field(struct out *o, const char *key, const char *fmt, ...)
{
        char val[1536];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(val, sizeof(val), fmt, ap);
        va_end(ap);
        for (char *p = val; *p; p++)
                if (*p == '\n')
                        *p = ' ';
        int n = snprintf(o->buf + o->off, o->cap - o->off, "%s=%s\n", key, val);
        if (n < 0 || (size_t)n >= o->cap - o->off)
                o->full = true;
        else
                o->off += (size_t)n;
}

static void number(struct out *o, const char *key, int64_t v)
{
        if (v != OG_NONE)
                field(o, key, "%" PRId64, v);
}

ssize_t journal_render(const struct journal_verdict *j, char *buf, size_t cap)
{
        struct out o = {.buf = buf, .cap = cap, .off = 0, .full = cap == 0};
        const struct verdict *v = j->v;
        const char *kind = verdict_kind_name(v->kind);
        if (cap)
                buf[0] = '\0';
        field(&o, "MESSAGE", "%.12s: %s: %s", j->id, kind, v->summary);
        field(&o, "MESSAGE_ID", "%s", journal_message_id(v->kind));
        field(&o, "PRIORITY", "%d", v->kind == VERDICT_NONE ? LOG_INFO : LOG_WARNING);
        field(&o, "SYSLOG_FACILITY", "%d", LOG_DAEMON >> 3);
        field(&o, "SYSLOG_IDENTIFIER", "oomguard");
        field(&o, "CONTAINER_ID", "%.12s", j->id);
        field(&o, "CONTAINER_ID_FULL", "%s", j->id);
        field(&o, "OOMGUARD_VERDICT", "%s", kind);
        if (v->init_killed >= 0)
                field(&o, "OOMGUARD_INIT_KILLED", "%s", v->init_killed ? "true" : "false");
        field(&o, "OOMGUARD_KILLS", "%zu", v->n_kills);
        field(&o, "OOMGUARD_PAGE_CACHE", "%s", v->page_cache_driven ? "true" : "false");
        number(&o, "OOMGUARD_LIMIT_BYTES", j->limit_bytes);
        number(&o, "OOMGUARD_PEAK_BYTES", j->peak_bytes);
        field(&o, "OOMGUARD_OOM_SCORE_ADJ", "%d", j->oom_score_adj);
        if (v->oom_memcg)
                field(&o, "OOMGUARD_OOM_MEMCG", "%s", v->oom_memcg);
        if (j->cgroup)
                field(&o, "OOMGUARD_CGROUP", "%s", j->cgroup);
        if (j->bundle)
                field(&o, "OOMGUARD_BUNDLE", "%s", j->bundle);
        return o.full ? -ENOSPC : (ssize_t)o.off;
}

static struct {
        bool tried;
        int fd;
        dev_t dev;
        ino_t ino;
} js = {false, -1, 0, 0};

int journal_open(const char *path)
{
        if (js.tried)
                return js.fd >= 0 ? 0 : -ENOTCONN;
        js.tried = true;
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        path = path ? path : JOURNAL_SOCKET;
        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path) + 1);
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct stat st;
        if (fd < 0)
                return -errno;
        if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0 || fstat(fd, &st) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        js.fd = fd;
        js.dev = st.st_dev;
        js.ino = st.st_ino;
        return 0;
}

int journal_send(const struct journal_verdict *j)
{
        char buf[JOURNAL_ENTRY_MAX];
        struct stat st;
        if (js.fd < 0 || fstat(js.fd, &st) < 0 || !S_ISSOCK(st.st_mode) || st.st_dev != js.dev ||
            st.st_ino != js.ino)
                return -ENOTCONN; /* never ours, or the number was reused */
        ssize_t n = journal_render(j, buf, sizeof(buf));
        if (n < 0)
                return (int)n;
        return send(js.fd, buf, (size_t)n, MSG_NOSIGNAL) == n ? 0 : -errno;
}
