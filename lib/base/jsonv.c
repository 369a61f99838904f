/* SPDX-License-Identifier: MIT */
#include "jsonv.h"

#include <errno.h>
#include <string.h>

yajl_val jsonv_get(yajl_val obj, const char *key)
{
        if (!obj || !YAJL_IS_OBJECT(obj))
                return NULL;
        for (size_t i = 0; i < obj->u.object.len; i++)
                if (strcmp(obj->u.object.keys[i], key) == 0)
                        return obj->u.object.values[i];
        return NULL;
}

enum jsonv_r jsonv_str(yajl_val obj, const char *key, const char **ret)
{
        yajl_val v = jsonv_get(obj, key);
        if (!v || YAJL_IS_NULL(v))
                return JSONV_ABSENT;
        if (!YAJL_IS_STRING(v))
                return JSONV_WRONG_TYPE;
        *ret = YAJL_GET_STRING(v);
        return JSONV_OK;
}

enum jsonv_r jsonv_i64(yajl_val obj, const char *key, int64_t *ret)
{
        yajl_val v = jsonv_get(obj, key);
        if (!v || YAJL_IS_NULL(v))
                return JSONV_ABSENT;
        if (!YAJL_IS_INTEGER(v))
                return JSONV_WRONG_TYPE;
        *ret = YAJL_GET_INTEGER(v);
        return JSONV_OK;
}

enum jsonv_r jsonv_bool(yajl_val obj, const char *key, bool *ret)
{
        yajl_val v = jsonv_get(obj, key);
        if (!v || YAJL_IS_NULL(v))
                return JSONV_ABSENT;
        if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
                return JSONV_WRONG_TYPE;
        *ret = YAJL_IS_TRUE(v);
        return JSONV_OK;
}

enum jsonv_r jsonv_obj(yajl_val obj, const char *key, yajl_val *ret)
{
        yajl_val v = jsonv_get(obj, key);
        if (!v || YAJL_IS_NULL(v))
                return JSONV_ABSENT;
        if (!YAJL_IS_OBJECT(v))
                return JSONV_WRONG_TYPE;
        *ret = v;
        return JSONV_OK;
}

/* yajl builds and frees its tree recursively: arrays nested a few hundred
 * thousand deep (under a megabyte of input) overflow the stack. Documents
 * this program reads are a handful of levels deep. */
#define JSONV_MAX_DEPTH 512

static bool too_deep(const char *s, size_t len)
{
        size_t depth = 0;
        bool in_str = false;
        for (size_t i = 0; i < len; i++) {
                if (in_str) {
                        if (s[i] == '\\')
                                i++;
                        else if (s[i] == '"')
                                in_str = false;
                } else if (s[i] == '"') {
                        in_str = true;
                } else if (s[i] == '{' || s[i] == '[') {
                        if (++depth > JSONV_MAX_DEPTH)
                                return true;
                } else if ((s[i] == '}' || s[i] == ']') && depth > 0) {
                        depth--;
                }
        }
        return false;
}

int jsonv_parse_object(const char *buf, size_t len, size_t max, const char *name, yajl_val *ret,
                       struct og_error *err)
{
        char ebuf[256] = "";
        *ret = NULL;
        if (len > max)
                return og_error_set(err, -EFBIG, "%s: larger than %zu bytes", name, max);
        if (too_deep(buf, len))
                return og_error_set(err, -EINVAL, "%s: nested more than %d levels deep", name,
                                    JSONV_MAX_DEPTH);
        _cleanup_free_ char *z = og_strndup(buf, len, len); /* yajl wants a C string */
        if (!z)
                return og_error_set(err, -ENOMEM, "out of memory");
        yajl_val doc = yajl_tree_parse(z, ebuf, sizeof(ebuf));
        if (!doc || !YAJL_IS_OBJECT(doc)) {
                char *nl = strchr(ebuf, '\n');
                if (nl)
                        *nl = '\0';
                if (doc)
                        yajl_tree_free(doc);
                return og_error_set(err, -EINVAL, "%s: not a JSON object%s%s", name,
                                    ebuf[0] ? ": " : "", ebuf);
        }
        *ret = doc;
        return 0;
}
