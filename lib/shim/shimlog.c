/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "shim.h"

#include "jsongen.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *level_of(int priority)
{
        return priority <= LOG_ERR ? "error" : priority == LOG_WARNING ? "warning" : "info";
}

/* One line in the runtime's own format: runc's JSON or its text format. */
static char *log_line(const struct runc_argv *a, int priority, const char *msg)
{
        char now[40];
        time_t t = time(NULL);
        struct tm tm;
        strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
        if (a->log_format && !strcmp(a->log_format, "json")) {
                yajl_gen g = yajl_gen_alloc(NULL);
                if (!g)
                        return NULL;
                yajl_gen_map_open(g);
                jg_str(g, "level", level_of(priority));
                jg_str(g, "msg", msg);
                jg_str(g, "time", now);
                yajl_gen_map_close(g);
                char *s;
                size_t n;
                return jg_finish(g, true, &s, &n) < 0 ? NULL : s;
        }
        char *s = NULL;
        if (asprintf(&s, "time=\"%s\" level=%s msg=\"%s\"\n", now, level_of(priority), msg) < 0)
                return NULL;
        return s;
}

static bool append_log(const struct runc_argv *a, int priority, const char *msg)
{
        int fd = open(a->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return false;
        _cleanup_free_ char *line = log_line(a, priority, msg);
        bool ok = line && write(fd, line, strlen(line)) == (ssize_t)strlen(line);
        close(fd);
        return ok;
}

static void say(const struct runc_argv *a, int priority, bool stderr_too, const char *msg)
{
        char full[1100];
        snprintf(full, sizeof(full), "oomguard-shim: %s", msg);
        bool logged = a->log && append_log(a, priority, full);
        if (!logged || stderr_too)
                fprintf(stderr, "%s\n", full);
        openlog("oomguard-shim", LOG_PID, LOG_DAEMON);
        syslog(priority, "%s", msg);
        closelog();
}

void shim_log(const struct runc_argv *a, int priority, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        say(a, priority, priority <= LOG_ERR, msg);
}

/* A create's stderr is the container's own: what goes well for the
 * container but wrong for the operator stays out of it. */
void shim_alert(const struct runc_argv *a, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        say(a, LOG_ERR, false, msg);
}
