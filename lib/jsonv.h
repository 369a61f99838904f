/* SPDX-License-Identifier: MIT */
/* Typed look-ups in a yajl tree: absent keys and wrong types are told
 * apart, so callers can say exactly what is wrong in which file. */
#ifndef OOMGUARD_JSONV_H
#define OOMGUARD_JSONV_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

enum jsonv_r {
        JSONV_OK = 0,
        JSONV_ABSENT,    /* no such key (or null) */
        JSONV_WRONG_TYPE,
};

yajl_val jsonv_get(yajl_val obj, const char *key);
enum jsonv_r jsonv_str(yajl_val obj, const char *key, const char **ret);
enum jsonv_r jsonv_i64(yajl_val obj, const char *key, int64_t *ret);
enum jsonv_r jsonv_bool(yajl_val obj, const char *key, bool *ret);
enum jsonv_r jsonv_obj(yajl_val obj, const char *key, yajl_val *ret);

static inline void yajl_tree_freep(yajl_val *v)
{
        if (*v)
                yajl_tree_free(*v);
}
#define _cleanup_tree_ __attribute__((cleanup(yajl_tree_freep)))

#endif
