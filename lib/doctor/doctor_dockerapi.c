/* SPDX-License-Identifier: MIT */
/* What the running dockerd says (GET /info over its unix socket): its
 * default runtime and the runtimes it knows. daemon.json is what it will
 * use after a restart; this is what it uses now. */
#define _GNU_SOURCE
#include "doctor-int.h"

#include "fileio.h"
#include "jsonv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define INFO_MAX (1024 * 1024)

static bool ends_in(const char *path, const char *name)
{
        size_t n = strlen(path), m = strlen(name);
        return n >= m && !strcmp(path + n - m, name) && (n == m || path[n - m - 1] == '/');
}

int doctor_parse_docker_info(const char *buf, size_t len, struct doctor_docker_live *ret,
                             struct og_error *err)
{
        _cleanup_tree_ yajl_val doc = NULL;
        const char *s;
        memset(ret, 0, sizeof(*ret));
        int r = jsonv_parse_object(buf, len, INFO_MAX, "dockerd's /info", &doc, err);
        if (r < 0)
                return r;
        if (jsonv_str(doc, "DefaultRuntime", &s) == JSONV_OK)
                snprintf(ret->default_runtime, sizeof(ret->default_runtime), "%s", s);
        yajl_val rt = jsonv_get(doc, "Runtimes");
        for (size_t i = 0; rt && YAJL_IS_OBJECT(rt) && i < rt->u.object.len; i++) {
                const char *name = rt->u.object.keys[i];
                if (jsonv_str(rt->u.object.values[i], "path", &s) != JSONV_OK)
                        continue;
                if (!strcmp(name, ret->default_runtime))
                        snprintf(ret->default_path, sizeof(ret->default_path), "%s", s);
                if (ends_in(s, "oomguard-shim") && !ret->shim_runtime[0]) {
                        snprintf(ret->shim_runtime, sizeof(ret->shim_runtime), "%s", name);
                        snprintf(ret->shim_path, sizeof(ret->shim_path), "%s", s);
                }
        }
        /* the default may be listed after the shim's entry */
        if (ret->shim_runtime[0] && !strcmp(ret->shim_runtime, ret->default_runtime))
                snprintf(ret->default_path, sizeof(ret->default_path), "%s", ret->shim_path);
        return 0;
}

/* The body of an HTTP/1.0 response (the server closes the connection). */
static int http_get(const char *sock, const char *path, char *buf, size_t cap, size_t *len,
                    struct og_error *err)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        if (strlen(sock) >= sizeof(sa.sun_path))
                return og_error_set(err, -ENAMETOOLONG, "%s: path too long", sock);
        memcpy(sa.sun_path, sock, strlen(sock) + 1);
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return og_error_set(err, -errno, "socket: %s", strerror(errno));
        struct timeval tv = {.tv_sec = 5};
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return og_error_set(err, -errno, "cannot connect to %s: %s", sock,
                                    strerror(errno));
        char req[256];
        int n = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: docker\r\n\r\n", path);
        if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n)
                return og_error_set(err, -EIO, "%s: cannot send the request", sock);
        ssize_t k = fileio_read_fd(fd, buf, cap); /* HTTP/1.0: to the close */
        if (k == -EFBIG)
                return og_error_set(err, -EFBIG, "%s: answer too large", sock);
        if (k < 0)
                return og_error_set(err, (int)k, "%s: %s", sock, strerror((int)-k));
        size_t got = (size_t)k;
        if (strncmp(buf, "HTTP/1.", 7) || !strstr(buf, " 200 "))
                return og_error_set(err, -EPROTO, "%s: GET %s did not answer 200", sock, path);
        char *body = strstr(buf, "\r\n\r\n");
        if (!body)
                return og_error_set(err, -EPROTO, "%s: no body in the answer", sock);
        body += 4;
        *len = got - (size_t)(body - buf);
        memmove(buf, body, *len + 1);
        return 0;
}

/* The socket of the running dockerd: --docker-socket, else DOCKER_HOST
 * when it is unix://, else /var/run/docker.sock. */
static const char *docker_socket(const struct doctor_ctx *c)
{
        if (c->opts->docker_socket)
                return c->opts->docker_socket;
        const char *h = getenv("DOCKER_HOST");
        if (h && !strncmp(h, "unix://", 7))
                return h + 7;
        return "/var/run/docker.sock";
}

int doctor_docker_live(struct doctor_ctx *c, struct doctor_docker_live *ret, struct og_error *err)
{
        size_t len = 0;
        const char *sock = docker_socket(c);
        int r = http_get(sock, "/info", c->scratch, DOCTOR_SCRATCH + 1, &len, err);
        if (r < 0)
                return r;
        return doctor_parse_docker_info(c->scratch, len, ret, err);
}
