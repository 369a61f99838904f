/* SPDX-License-Identifier: MIT */
/* A stand-in for a hijacked oomguard-hook: confined exactly as the hook
 * confines itself (hook_confine before the input; hook_confine_container
 * once a state is given), then it tries what it is told and prints one
 * line per try: "OP PATH ok" or "OP PATH <errno name>".
 *
 *   confprobe STAGE CONFIG [STATE-JSON] -- OP ARG [OP ARG ...]
 *
 * STAGE: create, poststop or any (the hook without a stage argument).
 * OPs: create (a new file), overwrite (truncate and write an existing
 * file), append, put (ARG is PATH:VALUE, written as is: a cgroup or /proc
 * file), unlink, rmdir, mkdir, rename (ARG is FROM:TO), symlink (ARG is
 * TARGET:PATH), connect (a unix socket, stream then datagram), tcp
 * (connect to 127.0.0.1:ARG). */
#define _GNU_SOURCE
#include "config.h"
#include "hookconfine.h"
#include "ocistate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* the hook's stage from the state's status, when no argument named it */
static enum hook_stage stage_of(const char *status)
{
        if (status && (!strcmp(status, "creating") || !strcmp(status, "created")))
                return HOOK_STAGE_CREATE;
        if (status && !strcmp(status, "stopped"))
                return HOOK_STAGE_POSTSTOP;
        return HOOK_STAGE_UNKNOWN;
}

static int sock_connect(const char *path)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
        int r = -1;
        for (int type = SOCK_STREAM; r < 0; type = SOCK_DGRAM) {
                int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
                if (fd >= 0) {
                        r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
                        int e = errno;
                        close(fd);
                        errno = e;
                }
                if (type == SOCK_DGRAM)
                        break;
        }
        return r;
}

static int tcp_connect(const char *port)
{
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -1;
        int r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
        int e = errno;
        close(fd);
        errno = e;
        return r;
}

static int write_value(const char *path, int flags, const char *value)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC | flags, 0644);
        if (fd < 0)
                return -1;
        ssize_t n = write(fd, value, strlen(value));
        int e = errno;
        close(fd);
        errno = e;
        return n == (ssize_t)strlen(value) ? 0 : -1;
}

static int write_to(const char *path, int flags)
{
        return write_value(path, flags, "forged\n");
}

static int put(const char *path, const char *value)
{
        return write_value(path, 0, value);
}

static int rename_at(const char *from, const char *to)
{
        return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

static int symlink_at(const char *target, const char *path)
{
        return symlinkat(target, AT_FDCWD, path);
}

/* "A:B" split at the first colon */
static int two(int (*fn)(const char *, const char *), char *arg)
{
        char *colon = strchr(arg, ':');
        if (!colon) {
                errno = EINVAL;
                return -1;
        }
        *colon = '\0';
        int r = fn(arg, colon + 1);
        *colon = ':';
        return r;
}

static int try(const char *op, char *arg)
{
        errno = 0;
        if (!strcmp(op, "create"))
                return write_to(arg, O_CREAT | O_EXCL);
        if (!strcmp(op, "overwrite"))
                return write_to(arg, O_TRUNC);
        if (!strcmp(op, "append"))
                return write_to(arg, O_APPEND);
        if (!strcmp(op, "put"))
                return two(put, arg);
        /* the *at forms: the ones the hook's filter allows */
        if (!strcmp(op, "unlink"))
                return unlinkat(AT_FDCWD, arg, 0);
        if (!strcmp(op, "rmdir"))
                return unlinkat(AT_FDCWD, arg, AT_REMOVEDIR);
        if (!strcmp(op, "mkdir"))
                return mkdir(arg, 0700);
        if (!strcmp(op, "rename"))
                return two(rename_at, arg);
        if (!strcmp(op, "symlink"))
                return two(symlink_at, arg);
        if (!strcmp(op, "connect"))
                return sock_connect(arg);
        if (!strcmp(op, "tcp"))
                return tcp_connect(arg);
        errno = EINVAL;
        return -1;
}

int main(int argc, char **argv)
{
        if (argc < 4) {
                fputs("usage: confprobe STAGE CONFIG [STATE-JSON] -- OP ARG ...\n", stderr);
                return 2;
        }
        enum hook_stage stage = !strcmp(argv[1], "create")     ? HOOK_STAGE_CREATE
                                : !strcmp(argv[1], "poststop") ? HOOK_STAGE_POSTSTOP
                                                               : HOOK_STAGE_UNKNOWN;
        struct og_config cfg;
        struct og_error err = {0};
        if (config_load(argv[2], &cfg, &err) < 0) {
                fprintf(stderr, "confprobe: %s\n", err.msg);
                return 2;
        }
        int i = 3;
        const char *state = strcmp(argv[i], "--") ? argv[i++] : NULL;
        if (i >= argc || strcmp(argv[i], "--")) {
                fputs("confprobe: -- expected\n", stderr);
                return 2;
        }
        if (hook_confine(stage, &cfg, "/proc", &err) < 0) {
                printf("confine failed: %s\n", err.msg);
                return 1;
        }
        struct oci_state st;
        if (state) {
                if (ocistate_parse(state, strlen(state), &st, &err) < 0 ||
                    hook_confine_container(stage ? stage : stage_of(st.status), &cfg, "/proc",
                                           &st, &err) < 0) {
                        printf("confine failed: %s\n", err.msg);
                        return 1;
                }
                ocistate_free(&st);
        }
        for (i++; i + 1 < argc; i += 2) {
                int r = try(argv[i], argv[i + 1]);
                printf("%s %s %s\n", argv[i], argv[i + 1],
                       r == 0 ? "ok" : strerrorname_np(errno));
        }
        return 0;
}
