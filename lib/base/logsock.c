/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "logsock.h"

#include "util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

static struct {
        bool tried;
        int fd;
        int type;
        dev_t dev;
        ino_t ino;
} ls = {.tried = false, .fd = -1};

static int connect_as(const struct sockaddr_un *sa, int type)
{
        int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        return fd;
}

int logsock_open(const char *path)
{
        if (ls.tried)
                return ls.fd >= 0 ? 0 : -ENOTCONN;
        ls.tried = true;
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        if (!path)
                path = "/dev/log";
        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path) + 1);
        int type = SOCK_DGRAM;
        int fd = connect_as(&sa, type);
        if (fd == -EPROTOTYPE) /* a daemon listening on a stream socket */
                fd = connect_as(&sa, type = SOCK_STREAM);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
                if (fd >= 0)
                        close(fd);
                return fd < 0 ? fd : -EBADF;
        }
        ls.fd = fd;
        ls.type = type;
        ls.dev = st.st_dev;
        ls.ino = st.st_ino;
        return 0;
}

/* Still the socket we connected, not a descriptor that took its number? */
static bool still_ours(void)
{
        struct stat st;
        if (ls.fd < 0)
                return false;
        if (fstat(ls.fd, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == ls.dev &&
            st.st_ino == ls.ino)
                return true;
        ls.fd = -1; /* closed or reused by someone else: not ours to close */
        return false;
}

void logsock_send(int pri, const char *ident, const char *msg)
{
        if (!ls.tried)
                (void)logsock_open(NULL);
        if (!still_ours())
                return;
        char stamp[32], line[2048];
        time_t now = time(NULL);
        struct tm tm;
        if (!localtime_r(&now, &tm) || strftime(stamp, sizeof(stamp), "%b %e %T", &tm) == 0)
                stamp[0] = '\0';
        int n = snprintf(line, sizeof(line), "<%d>%s %s[%d]: %s", pri, stamp, ident,
                         (int)getpid(), msg);
        if (n < 0)
                return;
        size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
        if (ls.type == SOCK_STREAM)
                len++; /* the NUL ends a message on a stream, as syslog(3) sends it */
        (void)send(ls.fd, line, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

int logsock_fd(void)
{
        return still_ours() ? ls.fd : -1;
}
