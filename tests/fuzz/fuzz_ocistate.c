/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as the OCI state a runtime writes to the hook's
 * stdin. Besides memory errors and leaks it checks what the hook relies
 * on: an accepted id is a plain name that cannot leave the state
 * directory, is the "id" member the document holds, and no NUL (raw or
 * \u0000) gets past; the pid is a process id; every annotation is found
 * by its key. */
#define _GNU_SOURCE
#include "ocistate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static void check_id(const struct oci_state *s, const uint8_t *data, size_t size)
{
        size_t n = strlen(s->id);
        if (!oci_id_valid(s->id, n) || strchr(s->id, '/') || s->id[0] == '.')
                abort();
        /* the same id as a plain yajl tree reads it (the first "id") */
        char *z = strndup((const char *)data, size);
        if (!z)
                abort();
        yajl_val t = yajl_tree_parse(z, NULL, 0);
        const char *path[] = {"id", NULL};
        yajl_val v = t ? yajl_tree_get(t, path, yajl_t_string) : NULL;
        if (!v || strcmp(YAJL_GET_STRING(v), s->id) != 0)
                abort();
        yajl_tree_free(t);
        free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_state s;
        struct og_error err = {0};
        /* the id check itself, on the raw bytes */
        if (oci_id_valid((const char *)data, size) &&
            (size > OCI_ID_MAX || memchr(data, '/', size) || data[0] == '.'))
                abort();
        int r = ocistate_parse((const char *)data, size, &s, &err);
        if (r < 0) {
                if (!err.msg[0] || err.code != r)
                        abort(); /* every refusal says why */
                return 0;
        }
        if (memchr(data, '\0', size) || memmem(data, size, "\\u0000", 6))
                abort();
        check_id(&s, data, size);
        if (s.pid < 0 || s.pid > 4194304)
                abort();
        for (size_t i = 0; i < s.n_annotations; i++) {
                const char *v = ocistate_annotation(&s, s.annotations[i].key);
                if (!v)
                        abort();
        }
        ocistate_free(&s);
        return 0;
}
