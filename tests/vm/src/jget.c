/* SPDX-License-Identifier: MIT */
/* jget: values out of one JSON document on stdin, for the VM guests' shell
 * scripts (busybox has no JSON tool, and the guest has no python).
 *
 *   jget PATH...
 *
 * PATH is dot-separated object keys and array indexes ("kills.0.pid"); a
 * final ".#" gives an array's length. One line per PATH: strings as they
 * are, numbers as written, true or false, "null" when absent or null, and
 * "{}" or "[]" for an object or an array. Exit 2 when stdin is not JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#define INPUT_MAX (4 * 1024 * 1024)

static yajl_val step(yajl_val v, const char *key, size_t n)
{
        if (YAJL_IS_OBJECT(v)) {
                for (size_t i = 0; i < v->u.object.len; i++)
                        if (strlen(v->u.object.keys[i]) == n &&
                            memcmp(v->u.object.keys[i], key, n) == 0)
                                return v->u.object.values[i];
                return NULL;
        }
        if (YAJL_IS_ARRAY(v)) {
                char *end;
                unsigned long i = strtoul(key, &end, 10);
                if (end != key + n || i >= v->u.array.len)
                        return NULL;
                return v->u.array.values[i];
        }
        return NULL;
}

static void print(yajl_val doc, const char *path)
{
        yajl_val v = doc;
        const char *p = path;
        while (v && *p) {
                const char *dot = strchr(p, '.');
                size_t n = dot ? (size_t)(dot - p) : strlen(p);
                if (n == 1 && p[0] == '#' && !dot) {
                        printf("%zu\n", YAJL_IS_ARRAY(v) ? v->u.array.len : (size_t)0);
                        return;
                }
                v = step(v, p, n);
                p = dot ? dot + 1 : p + n;
        }
        if (!v || YAJL_IS_NULL(v))
                puts("null");
        else if (YAJL_IS_STRING(v))
                puts(v->u.string);
        else if (YAJL_IS_NUMBER(v))
                puts(v->u.number.r);
        else if (YAJL_IS_TRUE(v))
                puts("true");
        else if (YAJL_IS_FALSE(v))
                puts("false");
        else
                puts(YAJL_IS_ARRAY(v) ? "[]" : "{}");
}

int main(int argc, char **argv)
{
        static char buf[INPUT_MAX + 1];
        char err[256];
        size_t len = fread(buf, 1, INPUT_MAX, stdin);
        buf[len] = '\0';
        yajl_val doc = yajl_tree_parse(buf, err, sizeof(err));
        if (!doc) {
                fprintf(stderr, "jget: not JSON: %s\n", err);
                return 2;
        }
        for (int i = 1; i < argc; i++)
                print(doc, argv[i]);
        yajl_tree_free(doc);
        return 0;
}
