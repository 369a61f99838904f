/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "spec.h"

#include "fileio.h"
#include "jsonv.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static yajl_val path_get(yajl_val v, const char *const *keys)
{
        for (; *keys && v; keys++)
                v = jsonv_get(v, *keys);
        return v;
}

/* A memory resource: a number, null/absent (0), or -1 for unlimited. */
static int memory_value(yajl_val mem, const char *key, const char *name, int64_t *ret,
                        struct og_error *err)
{
        enum jsonv_r r = jsonv_i64(mem, key, ret);
        if (r == JSONV_ABSENT) {
                *ret = 0;
                return 0;
        }
        if (r != JSONV_OK || *ret < -1)
                return og_error_set(err, -EINVAL,
                                    "%s: linux.resources.memory.%s is not "
                                    "a byte count",
                                    name, key);
        return 0;
}

static int parse_annotations(yajl_val doc, struct oci_spec *s, struct og_error *err)
{
        yajl_val a;
        if (jsonv_obj(doc, "annotations", &a) != JSONV_OK)
                return 0;
        s->annotations = calloc(a->u.object.len + 1, sizeof(*s->annotations));
        if (!s->annotations)
                return og_error_set(err, -ENOMEM, "out of memory");
        for (size_t i = 0; i < a->u.object.len; i++) {
                const char *v = YAJL_GET_STRING(a->u.object.values[i]);
                if (!v)
                        continue;
                struct oci_annotation *an = &s->annotations[s->n_annotations++];
                an->key = strdup(a->u.object.keys[i]);
                an->value = strdup(v);
                if (!an->key || !an->value)
                        return og_error_set(err, -ENOMEM, "out of memory");
        }
        return 0;
}

static int parse_doc(yajl_val doc, const char *name, struct oci_spec *s, struct og_error *err)
{
        static const char *const mem_path[] = {"linux", "resources", "memory", NULL};
        static const char *const cg_path[] = {"linux", "cgroupsPath", NULL};
        static const char *const adj_path[] = {"process", "oomScoreAdj", NULL};
        yajl_val mem = path_get(doc, mem_path);
        int r;
        if (mem && YAJL_IS_OBJECT(mem) &&
            ((r = memory_value(mem, "limit", name, &s->limit, err)) < 0 ||
             (r = memory_value(mem, "reservation", name, &s->reservation, err)) < 0 ||
             (r = memory_value(mem, "swap", name, &s->memsw, err)) < 0))
                return r;
        yajl_val cg = path_get(doc, cg_path);
        const char *cgs = cg ? YAJL_GET_STRING(cg) : NULL;
        if (cgs && strlen(cgs) < sizeof(s->cgroups_path))
                memcpy(s->cgroups_path, cgs, strlen(cgs) + 1);
        static const char *const root_path[] = {"root", "path", NULL};
        yajl_val rp = path_get(doc, root_path);
        const char *rps = rp ? YAJL_GET_STRING(rp) : NULL;
        if (rps && strlen(rps) < sizeof(s->root_path))
                memcpy(s->root_path, rps, strlen(rps) + 1);
        yajl_val adj = path_get(doc, adj_path);
        if (adj && YAJL_IS_INTEGER(adj) && YAJL_GET_INTEGER(adj) >= -1000 &&
            YAJL_GET_INTEGER(adj) <= 1000) {
                s->has_oom_score_adj = true;
                s->oom_score_adj = (int)YAJL_GET_INTEGER(adj);
        }
        return parse_annotations(doc, s, err);
}

int spec_parse(const char *buf, size_t len, const char *name, struct oci_spec *ret,
               struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        _cleanup_tree_ yajl_val doc = NULL;
        int r = jsonv_parse_object(buf, len, SPEC_MAX, name, &doc, err);
        if (r < 0)
                return r;
        r = parse_doc(doc, name, ret, err);
        if (r < 0)
                spec_free(ret);
        return r;
}

int spec_load(const char *bundle, struct oci_spec *ret, struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        _cleanup_close_ int dfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return og_error_set(err, -errno, "bundle %s: %s", bundle, strerror(errno));
        /* O_NONBLOCK: a FIFO there must not stall the hook */
        _cleanup_close_ int fd = openat(dfd, "config.json",
                                        O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0)
                return og_error_set(err, -errno, "%s/config.json: %s", bundle, strerror(errno));
        if (!S_ISREG(st.st_mode))
                return og_error_set(err, -EINVAL, "%s/config.json: not a regular file", bundle);
        char *buf = NULL;
        size_t len = 0;
        int r = fileio_read_fd_alloc(fd, SPEC_MAX, &buf, &len);
        if (r < 0)
                return og_error_set(err, r, "%s/config.json: %s", bundle,
                                    r == -EFBIG ? "larger than 16 MiB" : strerror(-r));
        char name[PATH_MAX];
        snprintf(name, sizeof(name), "%s/config.json", bundle);
        r = spec_parse(buf, len, name, ret, err);
        free(buf);
        return r;
}

void spec_free(struct oci_spec *s)
{
        for (size_t i = 0; i < s->n_annotations; i++) {
                free(s->annotations[i].key);
                free(s->annotations[i].value);
        }
        free(s->annotations);
        memset(s, 0, sizeof(*s));
}

const char *spec_annotation(const struct oci_spec *s, const char *key)
{
        for (size_t i = 0; i < s->n_annotations; i++)
                if (s->annotations[i].key && strcmp(s->annotations[i].key, key) == 0)
                        return s->annotations[i].value;
        return NULL;
}
