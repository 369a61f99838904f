/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "termmsg.h"

#include "jsonv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define TERMMSG_SPEC_MAX (16 * 1024 * 1024)

static bool is_bind(yajl_val m)
{
        const char *type;
        if (jsonv_str(m, "type", &type) == JSONV_OK && !strcmp(type, "bind"))
                return true;
        yajl_val opts = jsonv_get(m, "options");
        if (!YAJL_IS_ARRAY(opts))
                return false;
        for (size_t i = 0; i < opts->u.array.len; i++) {
                const char *o = YAJL_GET_STRING(opts->u.array.values[i]);
                if (o && (!strcmp(o, "bind") || !strcmp(o, "rbind")))
                        return true;
        }
        return false;
}

int termmsg_find(const char *buf, size_t len, char *ret, size_t cap)
{
        _cleanup_tree_ yajl_val doc = NULL;
        int r = jsonv_parse_object(buf, len, TERMMSG_SPEC_MAX, "config.json", &doc, NULL);
        if (r < 0)
                return r;
        const char *want = TERMMSG_DEFAULT_PATH, *ann;
        yajl_val a;
        if (jsonv_obj(doc, "annotations", &a) == JSONV_OK &&
            jsonv_str(a, TERMMSG_ANNOTATION, &ann) == JSONV_OK && ann[0] == '/')
                want = ann;
        yajl_val mounts = jsonv_get(doc, "mounts");
        if (!YAJL_IS_ARRAY(mounts))
                return 0;
        const char *found = NULL;
        for (size_t i = 0; i < mounts->u.array.len; i++) { /* the last one wins, as mounted */
                yajl_val m = mounts->u.array.values[i];
                const char *dst, *src;
                if (YAJL_IS_OBJECT(m) && jsonv_str(m, "destination", &dst) == JSONV_OK &&
                    !strcmp(dst, want) && jsonv_str(m, "source", &src) == JSONV_OK && is_bind(m))
                        found = src;
        }
        if (!found || found[0] != '/')
                return 0;
        if (strlen(found) >= cap)
                return -ENAMETOOLONG;
        memcpy(ret, found, strlen(found) + 1);
        return 1;
}

/* host_path's part below root: "a/b/c" with no empty, "." or ".." part */
static const char *below(const char *root, const char *host_path)
{
        size_t n = strlen(root);
        while (n > 1 && root[n - 1] == '/')
                n--;
        if (strncmp(host_path, root, n) || host_path[n] != '/')
                return NULL;
        const char *rel = host_path + n + 1;
        for (const char *p = rel; *p;) {
                const char *sl = strchrnul(p, '/');
                size_t l = (size_t)(sl - p);
                if (l == 0 || (l == 1 && p[0] == '.') || (l == 2 && !strncmp(p, "..", 2)))
                        return NULL;
                p = *sl ? sl + 1 : sl;
        }
        return rel[0] ? rel : NULL;
}

/* Each directory opened with O_NOFOLLOW: a symlink anywhere on the way
 * fails (ENOTDIR, ELOOP) rather than leading elsewhere. */
static int open_file(const char *root, const char *rel, struct og_error *err)
{
        char part[NAME_MAX + 1];
        int dir = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return og_error_set(err, -errno, "cannot open %s: %s", root, strerror(errno));
        for (const char *p = rel;;) {
                const char *sl = strchrnul(p, '/');
                size_t l = (size_t)(sl - p);
                if (l >= sizeof(part)) {
                        close(dir);
                        return og_error_set(err, -ENAMETOOLONG, "%s: name too long", rel);
                }
                memcpy(part, p, l);
                part[l] = '\0';
                int flags = *sl ? O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
                                : O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
                                            O_CLOEXEC;
                int fd = openat(dir, part, flags);
                int e = errno;
                close(dir);
                if (fd < 0)
                        return og_error_set(err, -e,
                                            "cannot open %s below %s without a symlink: %s", rel,
                                            root, strerror(e));
                if (!*sl)
                        return fd;
                dir = fd;
                p = sl + 1;
        }
}

int termmsg_append(const char *root, const char *host_path, const char *line,
                   struct og_error *err)
{
        const char *rel = below(root, host_path);
        if (!rel)
                return og_error_set(err, -EPERM, "%s is not a path below %s", host_path, root);
        int fd = open_file(root, rel, err);
        if (fd < 0)
                return fd;
        struct stat st;
        char last = '\n';
        int r = 0;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                r = og_error_set(err, -EPERM, "%s is not a regular file", host_path);
        else if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
                last = '\n';
        if (r == 0) {
                struct iovec iov[3] = {{(void *)"\n", last == '\n' ? 0 : 1},
                                       {(void *)line, strlen(line)},
                                       {(void *)"\n", 1}};
                ssize_t want = (ssize_t)(iov[0].iov_len + iov[1].iov_len + 1);
                ssize_t n = writev(fd, iov, 3); /* one write: O_APPEND keeps it whole */
                if (n != want)
                        r = og_error_set(err, n < 0 ? -errno : -EIO, "writing %s: %s", host_path,
                                         n < 0 ? strerror(errno) : "short write");
        }
        close(fd);
        return r;
}
