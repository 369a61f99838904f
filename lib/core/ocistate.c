/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "ocistate.h"

#include "jsonv.h"

#include <errno.h>
#include <string.h>

bool oci_id_valid(const char *id, size_t len)
{
        if (len == 0 || len > OCI_ID_MAX)
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = id[i];
                bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                             (c >= '0' && c <= '9');
                if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
                        return false;
        }
        return true;
}

static int dup_into(char **dst, const char *s, struct og_error *err)
{
        *dst = strdup(s);
        return *dst ? 0 : og_error_set(err, -ENOMEM, "out of memory");
}

static int parse_annotations(yajl_val doc, struct oci_state *s,
                             struct og_error *err)
{
        yajl_val a;
        enum jsonv_r r = jsonv_obj(doc, "annotations", &a);
        if (r == JSONV_ABSENT)
                return 0;
        if (r != JSONV_OK)
                return og_error_set(err, -EINVAL, "state: \"annotations\" is not an object");
        size_t n = a->u.object.len;
        s->annotations = calloc(n ? n : 1, sizeof(*s->annotations));
        if (!s->annotations)
                return og_error_set(err, -ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
                const char *v = YAJL_GET_STRING(a->u.object.values[i]);
                if (!v)
                        continue; /* the spec says strings; ignore others */
                struct oci_annotation *an = &s->annotations[s->n_annotations];
                if (dup_into(&an->key, a->u.object.keys[i], err) < 0 ||
                    dup_into(&an->value, v, err) < 0)
                        return -ENOMEM;
                s->n_annotations++;
        }
        return 0;
}

static int parse_doc(yajl_val doc, struct oci_state *ret, struct og_error *err)
{
        const char *id = NULL, *status = NULL, *bundle = NULL;
        if (jsonv_str(doc, "id", &id) != JSONV_OK)
                return og_error_set(err, -EINVAL, "state: no string \"id\"");
        if (!oci_id_valid(id, strlen(id)))
                return og_error_set(err, -EINVAL, "state: container id is not a plain "
                                                  "name ([A-Za-z0-9][A-Za-z0-9_.-]*, at "
                                                  "most %d bytes)", OCI_ID_MAX);
        memcpy(ret->id, id, strlen(id) + 1);
        if (jsonv_i64(doc, "pid", &ret->pid) == JSONV_WRONG_TYPE || ret->pid < 0 ||
            ret->pid > 4194304)
                return og_error_set(err, -EINVAL, "state: \"pid\" is not a process id");
        if (jsonv_str(doc, "status", &status) == JSONV_OK &&
            dup_into(&ret->status, status, err) < 0)
                return -ENOMEM;
        if (jsonv_str(doc, "bundle", &bundle) == JSONV_OK &&
            dup_into(&ret->bundle, bundle, err) < 0)
                return -ENOMEM;
        return parse_annotations(doc, ret, err);
}

int ocistate_parse(const char *buf, size_t len, struct oci_state *ret,
                   struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        /* yajl turns \u0000 into a NUL inside the string: "a\u0000b" would
         * become the id "a" and could name another container's state */
        if (len <= OCISTATE_MAX && (memchr(buf, '\0', len) || memmem(buf, len, "\\u0000", 6)))
                return og_error_set(err, -EINVAL, "state on stdin holds a NUL byte");
        _cleanup_tree_ yajl_val doc = NULL;
        int r = jsonv_parse_object(buf, len, OCISTATE_MAX, "state on stdin", &doc, err);
        if (r < 0)
                return r;
        r = parse_doc(doc, ret, err);
        if (r < 0)
                ocistate_free(ret);
        return r;
}

void ocistate_free(struct oci_state *s)
{
        for (size_t i = 0; i < s->n_annotations; i++) {
                free(s->annotations[i].key);
                free(s->annotations[i].value);
        }
        free(s->annotations);
        free(s->status);
        free(s->bundle);
        memset(s, 0, sizeof(*s));
}

const char *ocistate_annotation(const struct oci_state *s, const char *key)
{
        for (size_t i = 0; i < s->n_annotations; i++)
                if (strcmp(s->annotations[i].key, key) == 0)
                        return s->annotations[i].value;
        return NULL;
}
