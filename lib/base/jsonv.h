/* SPDX-License-Identifier: MIT */
/* Typed look-ups in a yajl tree: absent keys and wrong types are told
 * apart, so callers can say exactly what is wrong in which file. */
#ifndef OOMGUARD_JSONV_H
#define OOMGUARD_JSONV_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "util.h"

enum jsonv_r {
        JSONV_OK = 0,
        JSONV_ABSENT, /* no such key (or null) */
        JSONV_WRONG_TYPE,
};

yajl_val jsonv_get(yajl_val obj, const char *key);
enum jsonv_r jsonv_str(yajl_val obj, const char *key, const char **ret);
enum jsonv_r jsonv_i64(yajl_val obj, const char *key, int64_t *ret);
enum jsonv_r jsonv_bool(yajl_val obj, const char *key, bool *ret);
enum jsonv_r jsonv_obj(yajl_val obj, const char *key, yajl_val *ret);

/* Parse at most max bytes of buf as a JSON object; errors name the input
 * ("NAME: larger than N bytes", "NAME: not a JSON object: <why>"). */
int jsonv_parse_object(const char *buf, size_t len, size_t max, const char *name, yajl_val *ret,
                       struct og_error *err);

static inline void yajl_tree_freep(yajl_val *v)
{
        if (*v)
                yajl_tree_free(*v);
}
#define _cleanup_tree_ __attribute__((cleanup(yajl_tree_freep)))

#endif
