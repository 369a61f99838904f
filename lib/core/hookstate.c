/* SPDX-License-Identifier: MIT */
#include "hookstate.h"

#include "jsongen.h"
#include "jsonv.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

/* Poststop reopens these paths: write them exactly (yajl escapes control
 * characters) unless they are not UTF-8, which JSON cannot hold; only then
 * sanitised. jg_str's '?' for a control character would name another
 * cgroup. */
static void put_strval(yajl_gen g, const char *v)
{
        if (yajl_gen_string(g, (const unsigned char *)v, strlen(v)) != yajl_gen_status_ok)
                jg_strval(g, v);
}

static void put_str(yajl_gen g, const char *k, const char *v)
{
        jg_key(g, k);
        if (!v[0])
                yajl_gen_null(g);
        else
                put_strval(g, v);
}

/* The one description of state.json's members, in the order they are
 * written, for writing and reading alike: a string (its array's size) or
 * an integer (int64_t, or int when narrow). */
struct field {
        const char *key;
        size_t off, cap; /* cap: a string's array; 0: an integer */
        bool narrow;     /* an int, not an int64_t */
};
#define STR(type, name)                                                                          \
        {                                                                                        \
#name, offsetof(type, name), sizeof(((type *)0)->name), false                    \
        }
#define I64(type, name)                                                                          \
        {                                                                                        \
#name, offsetof(type, name), 0, false                                            \
        }
#define INT(type, name)                                                                          \
        {                                                                                        \
#name, offsetof(type, name), 0, true                                             \
        }
static const struct field state_fields[] = {
        STR(struct hook_state, id),
        STR(struct hook_state, bundle),
        STR(struct hook_state, cgroup),
        STR(struct hook_state, cgroup_dir),
        INT(struct hook_state, cgroup_version),
        I64(struct hook_state, init_pid),
        I64(struct hook_state, created_mono_us),
        STR(struct hook_state, created),
        STR(struct hook_state, writeback),
        INT(struct hook_state, host_fallback),
        I64(struct hook_state, limit_bytes),
        I64(struct hook_state, memsw_bytes),
        I64(struct hook_state, oom_score_adj),
        I64(struct hook_state, oom_kill_base),
        I64(struct hook_state, oom_base),
};
static const struct field ancestor_fields[] = {
        STR(struct hook_ancestor, cgroup),
        I64(struct hook_ancestor, limit_bytes),
        I64(struct hook_ancestor, failcnt),
        I64(struct hook_ancestor, oom_kill),
};
#undef STR
#undef I64
#undef INT

static void put_fields(yajl_gen g, const struct field *f, size_t n, const void *base)
{
        for (size_t i = 0; i < n; i++) {
                const char *p = (const char *)base + f[i].off;
                if (f[i].cap)
                        put_str(g, f[i].key, p);
                else
                        jg_int(g, f[i].key,
                               f[i].narrow ? *(const int *)(const void *)p
                                           : *(const int64_t *)(const void *)p);
        }
}

int hookstate_render(const struct hook_state *s, char **ret, size_t *ret_len)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        yajl_gen_config(g, yajl_gen_validate_utf8, 1); /* refuse, not write, bad UTF-8 */
        yajl_gen_map_open(g);
        put_fields(g, state_fields, ARRAY_SIZE(state_fields), s);
        jg_key(g, "ancestors");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < s->n_anc; i++) {
                yajl_gen_map_open(g);
                put_fields(g, ancestor_fields, ARRAY_SIZE(ancestor_fields), &s->anc[i]);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        jg_key(g, "notes");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < s->n_notes; i++)
                put_strval(g, s->notes[i]);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
        return jg_finish(g, false, ret, ret_len);
}

static void get_str(yajl_val d, const char *k, char *dst, size_t cap)
{
        const char *v;
        dst[0] = '\0';
        if (jsonv_str(d, k, &v) == JSONV_OK && strlen(v) < cap)
                memcpy(dst, v, strlen(v) + 1);
}

/* A note longer than the slot is cut before a character, not inside one
 * (half a character is not UTF-8: it would come back as '?'). */
static void copy_note(char *dst, size_t cap, const char *src)
{
        size_t n = strlen(src);
        if (n >= cap)
                for (n = cap - 1; n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80; n--)
                        ;
        memcpy(dst, src, n);
        dst[n] = '\0';
}

static int64_t get_int(yajl_val d, const char *k)
{
        int64_t v;
        return jsonv_i64(d, k, &v) == JSONV_OK ? v : OG_NONE;
}

static void get_fields(yajl_val d, const struct field *f, size_t n, void *base)
{
        for (size_t i = 0; i < n; i++) {
                char *p = (char *)base + f[i].off;
                if (f[i].cap)
                        get_str(d, f[i].key, p, f[i].cap);
                else if (f[i].narrow)
                        *(int *)(void *)p = (int)get_int(d, f[i].key);
                else
                        *(int64_t *)(void *)p = get_int(d, f[i].key);
        }
}

int hookstate_parse(const char *buf, size_t len, struct hook_state *ret, struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        _cleanup_tree_ yajl_val d = NULL;
        int r = jsonv_parse_object(buf, len, len, "state.json", &d, err);
        if (r < 0)
                return r;
        get_fields(d, state_fields, ARRAY_SIZE(state_fields), ret);
        yajl_val anc = jsonv_get(d, "ancestors");
        for (size_t i = 0;
             anc && YAJL_IS_ARRAY(anc) && i < anc->u.array.len && ret->n_anc < HOOK_MAX_ANCESTORS;
             i++) {
                yajl_val a = anc->u.array.values[i];
                struct hook_ancestor *h = &ret->anc[ret->n_anc];
                get_fields(a, ancestor_fields, ARRAY_SIZE(ancestor_fields), h);
                ret->n_anc += h->cgroup[0] != '\0';
        }
        yajl_val notes = jsonv_get(d, "notes");
        for (size_t i = 0;
             notes && YAJL_IS_ARRAY(notes) && i < notes->u.array.len && ret->n_notes < 4; i++) {
                const char *n = YAJL_GET_STRING(notes->u.array.values[i]);
                if (n)
                        copy_note(ret->notes[ret->n_notes++], sizeof(ret->notes[0]), n);
        }
        if (!ret->cgroup[0] || ret->created_mono_us == OG_NONE)
                return og_error_set(err, -EINVAL,
                                    "state.json lacks the cgroup or the "
                                    "creation time");
        return 0;
}
