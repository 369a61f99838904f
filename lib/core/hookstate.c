/* SPDX-License-Identifier: MIT */
#include "hookstate.h"

#include "jsongen.h"
#include "jsonv.h"

#include <errno.h>
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

int hookstate_render(const struct hook_state *s, char **ret, size_t *ret_len)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        yajl_gen_config(g, yajl_gen_validate_utf8, 1); /* refuse, not write, bad UTF-8 */
        yajl_gen_map_open(g);
        put_str(g, "id", s->id);
        put_str(g, "bundle", s->bundle);
        put_str(g, "cgroup", s->cgroup);
        put_str(g, "cgroup_dir", s->cgroup_dir);
        jg_int(g, "cgroup_version", s->cgroup_version);
        jg_int(g, "init_pid", s->init_pid);
        jg_int(g, "init_start", s->init_start);
        jg_int(g, "created_mono_us", s->created_mono_us);
        put_str(g, "created", s->created);
        put_str(g, "writeback", s->writeback);
        jg_int(g, "limit_bytes", s->limit_bytes);
        jg_int(g, "memsw_bytes", s->memsw_bytes);
        jg_int(g, "oom_score_adj", s->oom_score_adj);
        jg_int(g, "oom_kill_base", s->oom_kill_base);
        jg_int(g, "oom_base", s->oom_base);
        jg_key(g, "ancestors");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < s->n_anc; i++) {
                yajl_gen_map_open(g);
                put_str(g, "cgroup", s->anc[i].cgroup);
                jg_int(g, "limit_bytes", s->anc[i].limit_bytes);
                jg_int(g, "failcnt", s->anc[i].failcnt);
                jg_int(g, "oom_kill", s->anc[i].oom_kill);
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

int hookstate_parse(const char *buf, size_t len, struct hook_state *ret, struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        _cleanup_tree_ yajl_val d = NULL;
        int r = jsonv_parse_object(buf, len, len, "state.json", &d, err);
        if (r < 0)
                return r;
        get_str(d, "id", ret->id, sizeof(ret->id));
        get_str(d, "bundle", ret->bundle, sizeof(ret->bundle));
        get_str(d, "cgroup", ret->cgroup, sizeof(ret->cgroup));
        get_str(d, "cgroup_dir", ret->cgroup_dir, sizeof(ret->cgroup_dir));
        get_str(d, "created", ret->created, sizeof(ret->created));
        get_str(d, "writeback", ret->writeback, sizeof(ret->writeback));
        ret->cgroup_version = (int)get_int(d, "cgroup_version");
        ret->init_pid = get_int(d, "init_pid");
        ret->init_start = get_int(d, "init_start");
        ret->created_mono_us = get_int(d, "created_mono_us");
        ret->limit_bytes = get_int(d, "limit_bytes");
        ret->memsw_bytes = get_int(d, "memsw_bytes");
        ret->oom_score_adj = get_int(d, "oom_score_adj");
        ret->oom_kill_base = get_int(d, "oom_kill_base");
        ret->oom_base = get_int(d, "oom_base");
        yajl_val anc = jsonv_get(d, "ancestors");
        for (size_t i = 0;
             anc && YAJL_IS_ARRAY(anc) && i < anc->u.array.len && ret->n_anc < HOOK_MAX_ANCESTORS;
             i++) {
                yajl_val a = anc->u.array.values[i];
                struct hook_ancestor *h = &ret->anc[ret->n_anc];
                get_str(a, "cgroup", h->cgroup, sizeof(h->cgroup));
                h->limit_bytes = get_int(a, "limit_bytes");
                h->failcnt = get_int(a, "failcnt");
                h->oom_kill = get_int(a, "oom_kill");
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
