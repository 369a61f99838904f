/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as the OCI state a runtime writes to the hook's
 * stdin, fed to the streaming reader whole and in two pieces. Besides
 * memory errors and leaks it checks what the hook relies on: an accepted
 * id is one oci_id_valid() takes, its state directory's name is one path
 * component inside the state directory, the id is the "id" member the
 * document holds, and no NUL (raw or \u0000) gets into it; the pid is a
 * process id; only oomguard's annotations are kept, each found by its
 * key; a split never changes the answer. */
#define _GNU_SOURCE
#include "ocistate.h"
#include "statedir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static void check_id(const struct oci_state *s, const uint8_t *data, size_t size)
{
        size_t n = strlen(s->id);
        char name[STATEDIR_NAME_MAX + 1];
        if (!oci_id_valid(s->id, n) || strchr(s->id, '/') || !strcmp(s->id, ".") ||
            !strcmp(s->id, ".."))
                abort();
        if (statedir_name(s->id, name, NULL) < 0 || strchr(name, '/') || name[0] == '.' ||
            strlen(name) > STATEDIR_NAME_MAX || (strcmp(name, s->id) && name[0] != '%'))
                abort();
        /* the same id as a plain yajl tree reads it; but yajl's tree
         * ends a key at a \u0000 in it, so that "id\u0000x" is "id" to it
         * and not to the reader: no oracle for such documents */
        if (memmem(data, size, "\\u0000", 6))
                return;
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

/* The same bytes in two pieces, split where the input's first byte says. */
static int parse_split(const uint8_t *data, size_t size, struct oci_state *s)
{
        struct og_error err = {0};
        struct ocistate_reader *r = ocistate_reader_new();
        if (!r)
                abort();
        size_t cut = size ? data[0] % (size + 1) : 0;
        int f = ocistate_reader_feed(r, (const char *)data, cut, &err);
        if (f == 0)
                f = ocistate_reader_feed(r, (const char *)data + cut, size - cut, &err);
        f = f < 0 ? f : ocistate_reader_finish(r, s, &err);
        ocistate_reader_free(r);
        return f < 0 ? f : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_state s, s2;
        struct og_error err = {0};
        /* the id check itself, on the raw bytes */
        if (oci_id_valid((const char *)data, size) &&
            (size > OCI_ID_MAX || memchr(data, '/', size) || memchr(data, '\0', size)))
                abort();
        int r = ocistate_parse((const char *)data, size, &s, &err);
        int r2 = parse_split(data, size, &s2);
        if ((r < 0) != (r2 < 0))
                abort();
        if (r2 == 0) {
                if (strcmp(s.id, s2.id) || s.pid != s2.pid || s.n_annotations != s2.n_annotations)
                        abort();
                ocistate_free(&s2);
        }
        if (r < 0) {
                if (!err.msg[0] || err.code != r)
                        abort(); /* every refusal says why */
                return 0;
        }
        if (memchr(data, '\0', size))
                abort();
        check_id(&s, data, size);
        if (s.pid < 0 || s.pid > 4194304)
                abort();
        for (size_t i = 0; i < s.n_annotations; i++) {
                const char *v = ocistate_annotation(&s, s.annotations[i].key);
                if (!v || strncmp(s.annotations[i].key, OCISTATE_ANN_PREFIX,
                                  strlen(OCISTATE_ANN_PREFIX)))
                        abort();
        }
        ocistate_free(&s);
        return 0;
}
