/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as a bundle's config.json through the shim's
 * rewrite, and through the splicer under it.
 *
 * shimspec_rewrite, with a configuration and plan picked by a hash of the
 * input (hook or none, --config, swap accounting and policy, fixed or auto
 * oom_score_adj, annotations honoured, the write-window library, host
 * memory), must never crash or leak, and when it succeeds:
 *  - the output is one JSON object (no NUL byte, nothing after it);
 *  - every member of the original is still there, in order, with the same
 *    value (numbers as written), except what the shim edits: it may add
 *    members to hooks, linux(.resources(.memory)), process, annotations,
 *    replace process.oomScoreAdj, linux.resources.memory.swap and its own
 *    annotation, append to hooks.createRuntime, hooks.poststop and mounts,
 *    and add or extend LD_PRELOAD and its window in process.env; a null on
 *    the way may become what it adds. Only the last of duplicate keys is
 *    edited: that is the one runtimes read;
 *  - what it reports is what the document says, read as a runtime would
 *    (the last duplicate): the hook at both stages, oomScoreAdj, swap, the
 *    library and the annotation;
 *  - a second rewrite of the output succeeds, adds no hook and gives the
 *    same bytes.
 *
 * js_set/js_append directly: on the raw bytes (never validated) they and
 * the lookups must stay in bounds; on a document yajl accepts (without a
 * comment, which it also accepts but runtimes do not), with a path
 * of keys taken from the document itself (plus a missing key at the end
 * when the hash says so), the result is valid JSON holding the new value at
 * the path (last duplicate) and everything else unchanged. */
#define _GNU_SOURCE
#include "jsonsplice.h"
#include "shimspec.h"
#include "termmsg.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#define HOOK "/usr/bin/oomguard-hook"
#define PRELOAD "/usr/lib/oomguard/liboomguard-pagecache.so"

static void fail(const char *what, const char *path)
{
        fprintf(stderr, "invariant: %s at \"%s\"\n", what, path);
        abort();
}

static uint32_t fnv1a(const uint8_t *d, size_t n)
{
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < n; i++)
                h = (h ^ d[i]) * 16777619u;
        return h;
}

/* ---- yajl trees ---- */

static yajl_val parse_tree(const char *buf, size_t len)
{
        if (memchr(buf, '\0', len))
                return NULL;
        char *z = strndup(buf, len);
        if (!z)
                abort();
        yajl_val v = yajl_tree_parse(z, NULL, 0);
        free(z);
        return v;
}

static bool same(yajl_val a, yajl_val b)
{
        if (a->type != b->type)
                return false;
        switch (a->type) {
        case yajl_t_string: return !strcmp(a->u.string, b->u.string);
        case yajl_t_number: return !strcmp(a->u.number.r, b->u.number.r);
        case yajl_t_object:
                if (a->u.object.len != b->u.object.len)
                        return false;
                for (size_t i = 0; i < a->u.object.len; i++)
                        if (strcmp(a->u.object.keys[i], b->u.object.keys[i]) ||
                            !same(a->u.object.values[i], b->u.object.values[i]))
                                return false;
                return true;
        case yajl_t_array:
                if (a->u.array.len != b->u.array.len)
                        return false;
                for (size_t i = 0; i < a->u.array.len; i++)
                        if (!same(a->u.array.values[i], b->u.array.values[i]))
                                return false;
                return true;
        default: return true;
        }
}

/* The member a runtime reads: the last of duplicates. */
static yajl_val last(yajl_val obj, const char *key)
{
        yajl_val v = NULL;
        for (size_t i = 0; obj && YAJL_IS_OBJECT(obj) && i < obj->u.object.len; i++)
                if (!strcmp(obj->u.object.keys[i], key))
                        v = obj->u.object.values[i];
        return v;
}

static yajl_val get(yajl_val v, const char *const *path, size_t n)
{
        for (size_t i = 0; v && i < n; i++)
                v = last(v, path[i]);
        return v;
}

static bool is_last(yajl_val obj, size_t i)
{
        for (size_t j = i + 1; j < obj->u.object.len; j++)
                if (!strcmp(obj->u.object.keys[j], obj->u.object.keys[i]))
                        return false;
        return true;
}

/* ---- what the shim may change ---- */

static bool in_list(const char *path, const char *const *list, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (!strcmp(path, list[i]))
                        return true;
        return false;
}

static const char *const grown_objects[] = {
        "",        "hooks",      "linux", "linux.resources", "linux.resources.memory",
        "process", "annotations"};
static const char *const added_members[] = {"hooks",
                                            "linux",
                                            "annotations",
                                            "mounts",
                                            "hooks.createRuntime",
                                            "hooks.poststop",
                                            "linux.resources",
                                            "linux.resources.memory",
                                            "linux.resources.memory.swap",
                                            "process.oomScoreAdj",
                                            "process.env",
                                            ("annotations." SHIM_ANN_WRITEBACK)};
static const char *const replaced[] = {"process.oomScoreAdj", "linux.resources.memory.swap",
                                       ("annotations." SHIM_ANN_WRITEBACK)};
static const char *const grown_arrays[] = {"hooks.createRuntime", "hooks.poststop", "mounts",
                                           "process.env"};

static bool ours_env(const char *s)
{
        return !strncmp(s, "LD_PRELOAD=", 11) || !strncmp(s, "OOMGUARD_WRITEBACK_WINDOW=", 26);
}

static void kept(yajl_val a, yajl_val b, const char *path, bool editable);

static void kept_array(yajl_val a, yajl_val b, const char *path)
{
        if (b->u.array.len < a->u.array.len)
                fail("an array lost elements", path);
        bool env = !strcmp(path, "process.env");
        for (size_t i = 0; i < a->u.array.len; i++) {
                yajl_val x = a->u.array.values[i], y = b->u.array.values[i];
                if (env && YAJL_IS_STRING(x) && ours_env(x->u.string) && YAJL_IS_STRING(y) &&
                    !strncmp(x->u.string, y->u.string, strcspn(x->u.string, "=") + 1))
                        continue; /* NAME= kept, value ours */
                if (!same(x, y))
                        fail("an array element changed", path);
        }
        for (size_t i = a->u.array.len; i < b->u.array.len; i++) {
                yajl_val y = b->u.array.values[i];
                bool ok = env ? YAJL_IS_STRING(y) && ours_env(y->u.string)
                          : !strcmp(path, "mounts")
                                  ? YAJL_IS_STRING(last(y, "destination")) &&
                                            !strcmp(last(y, "destination")->u.string,
                                                    SHIM_PRELOAD_DEST)
                                  : YAJL_IS_STRING(last(y, "path")) &&
                                            !strcmp(last(y, "path")->u.string, HOOK);
                if (!ok)
                        fail("an element not the shim's was appended", path);
        }
}

static void kept_object(yajl_val a, yajl_val b, const char *path)
{
        bool grows = in_list(path, grown_objects, ARRAY_SIZE(grown_objects));
        if (b->u.object.len < a->u.object.len || (!grows && b->u.object.len != a->u.object.len))
                fail("members added or lost", path);
        for (size_t i = 0; i < b->u.object.len; i++) {
                char sub[512];
                snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", b->u.object.keys[i]);
                if (i >= a->u.object.len) {
                        if (!in_list(sub, added_members, ARRAY_SIZE(added_members)))
                                fail("a member not the shim's was added", sub);
                        continue;
                }
                if (strcmp(a->u.object.keys[i], b->u.object.keys[i]))
                        fail("a key changed or moved", sub);
                kept(a->u.object.values[i], b->u.object.values[i], sub, grows && is_last(a, i));
        }
}

/* b is a as the shim may have left it; editable: the runtime reads this
 * member (not an earlier duplicate), so the shim may have edited it. */
static void kept(yajl_val a, yajl_val b, const char *path, bool editable)
{
        if (!editable) {
                if (!same(a, b))
                        fail("a value changed", path);
                return;
        }
        if (in_list(path, replaced, ARRAY_SIZE(replaced)))
                return;
        if (YAJL_IS_NULL(a) && in_list(path, added_members, ARRAY_SIZE(added_members)))
                return; /* a null stands for a missing member */
        if (a->type != b->type)
                fail("a value changed type", path);
        if (YAJL_IS_OBJECT(a))
                kept_object(a, b, path);
        else if (YAJL_IS_ARRAY(a) && in_list(path, grown_arrays, ARRAY_SIZE(grown_arrays)))
                kept_array(a, b, path);
        else if (!same(a, b))
                fail("a value changed", path);
}

static bool has_entry(yajl_val arr, const char *key, const char *want, size_t prefix)
{
        for (size_t i = 0; arr && YAJL_IS_ARRAY(arr) && i < arr->u.array.len; i++) {
                yajl_val e = arr->u.array.values[i];
                yajl_val s = key ? last(e, key) : e;
                if (s && YAJL_IS_STRING(s) &&
                    (prefix ? !strncmp(s->u.string, want, prefix) &&
                                      strstr(s->u.string, want + prefix)
                            : !strcmp(s->u.string, want)))
                        return true;
        }
        return false;
}

static void int_at(yajl_val t, const char *const *path, size_t n, int64_t want, const char *what)
{
        yajl_val v = get(t, path, n);
        if (!v || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) != want)
                fail("the document does not say what the rewrite reported", what);
}

static void reported(yajl_val in, yajl_val out, const struct shim_plan *plan,
                     const struct shim_result *r)
{
        static const char *const cr[] = {"hooks", "createRuntime"}, *const ps[] = {"hooks",
                                                                                   "poststop"};
        static const char *const adj[] = {"process", "oomScoreAdj"};
        static const char *const swap[] = {"linux", "resources", "memory", "swap"};
        static const char *const env[] = {"process", "env"};
        static const char *const mounts[] = {"mounts"};
        static const char *const ann[] = {"annotations", SHIM_ANN_WRITEBACK};
        if (r->hooks_added < 0 || r->hooks_added > 2 || (!plan->hook && r->hooks_added))
                fail("hooks_added out of range", "hooks");
        if (plan->hook && (!has_entry(get(out, cr, 2), "path", HOOK, 0) ||
                           !has_entry(get(out, ps, 2), "path", HOOK, 0)))
                fail("the hook is missing", "hooks");
        if (YAJL_IS_OBJECT(get(in, adj, 1)))
                int_at(out, adj, 2, r->pol.oom_score_adj, "process.oomScoreAdj");
        if (r->set_swap)
                int_at(out, swap, 4, r->pol.memsw, "linux.resources.memory.swap");
        if (r->preloaded) {
                char win[64];
                snprintf(win, sizeof(win), "OOMGUARD_WRITEBACK_WINDOW=%" PRId64, plan->window);
                if (!has_entry(get(out, mounts, 1), "destination", SHIM_PRELOAD_DEST, 0) ||
                    !has_entry(get(out, env, 2), NULL, "LD_PRELOAD=" SHIM_PRELOAD_DEST, 11) ||
                    !has_entry(get(out, env, 2), NULL, win, 0))
                        fail("the library is not mounted and preloaded", "process.env");
        }
        yajl_val a = get(out, ann, 2);
        if (plan->writeback && (!a || !YAJL_IS_STRING(a) || strcmp(a->u.string, plan->writeback)))
                fail("the writeback annotation is missing", "annotations");
}

static void pick(uint32_t h, struct og_config *cfg, struct shim_plan *plan)
{
        static const int64_t host[] = {0, INT64_C(1) << 30, INT64_C(24) << 30, INT64_MAX};
        static const char *const writeback[] = {NULL, NULL, "preload", "host"};
        config_defaults(cfg);
        memset(plan, 0, sizeof(*plan));
        plan->hook = h & 3 ? HOOK : NULL;
        plan->hook_config = h >> 2 & 1 ? "/etc/oomguard/other.json" : NULL;
        plan->swap_accounting = h >> 3 & 1;
        cfg->swap.mode = (enum swap_mode)(h >> 4 & 7) % (SWAP_PERCENT + 1);
        cfg->swap.bytes = INT64_C(256) << 20;
        cfg->swap.percent = h >> 7 & 1 ? 50 : 1000;
        cfg->adj_auto = h >> 8 & 1;
        cfg->adj = -500;
        cfg->adj_floor = h >> 9 & 1 ? -1000 : 100;
        cfg->annotations = h >> 10 & 1;
        plan->host_mem = host[h >> 11 & 3];
        plan->preload = h >> 13 & 1 ? PRELOAD : NULL;
        plan->window = INT64_C(16) << 20;
        plan->writeback = writeback[h >> 14 & 3];
        cfg->hook_timeout = h >> 16 & 1 ? 10 : 300;
}

static void check_rewrite(const uint8_t *data, size_t size, uint32_t h)
{
        static struct og_config cfg; /* 16 KiB of paths: off the stack */
        struct shim_plan plan;
        struct shim_result r, again;
        struct og_error err = {0};
        pick(h, &cfg, &plan);
        int rc = shimspec_rewrite((const char *)data, size, &cfg, &plan, &r, &err);
        if (rc < 0) {
                if (!err.msg[0])
                        fail("a refusal without a message", "");
                return;
        }
        if (!r.buf || strlen(r.buf) != r.len)
                fail("the output holds a NUL byte", "");
        yajl_val in = parse_tree((const char *)data, size);
        yajl_val out = parse_tree(r.buf, r.len);
        if (!in || !YAJL_IS_OBJECT(in))
                fail("accepted a document that is not one JSON object", "");
        if (!out || !YAJL_IS_OBJECT(out))
                fail("the output is not one JSON object", "");
        kept(in, out, "", true);
        reported(in, out, &plan, &r);
        if (shimspec_rewrite(r.buf, r.len, &cfg, &plan, &again, &err) < 0)
                fail("the output is refused by a second rewrite", err.msg);
        if (again.len != r.len || memcmp(again.buf, r.buf, r.len) || again.hooks_added)
                fail("a second rewrite changed the document", "");
        yajl_tree_free(in);
        yajl_tree_free(out);
        free(r.buf);
        free(again.buf);
}

/* ---- the splicer on its own ---- */

static void splice_raw(const uint8_t *data, size_t size)
{
        static const char *const paths[][3] = {{"process", "oomScoreAdj", NULL},
                                               {"hooks", "poststop", NULL},
                                               {"linux", "resources", "memory"},
                                               {"mounts", NULL, NULL}};
        struct js_doc d;
        if (js_doc_init(&d, (const char *)data, size) < 0)
                abort();
        for (size_t i = 0; i < size && i < 64; i++)
                if (js_value_end(d.buf, d.len, i) > d.len)
                        abort();
        for (size_t p = 0; p < ARRAY_SIZE(paths); p++) {
                size_t n = paths[p][2] ? 3 : paths[p][1] ? 2 : 1;
                long off = js_find(&d, paths[p], n);
                char s[256];
                if (off >= 0 && (size_t)off >= d.len)
                        abort();
                for (size_t i = 0; off >= 0 && i < 8; i++) {
                        long e = js_array_elem(&d, (size_t)off, i);
                        if (e < 0)
                                break;
                        if ((size_t)e >= d.len)
                                abort();
                        js_member_str(&d, (size_t)e, "path", s, sizeof(s));
                }
        }
        js_set(&d, paths[0], 2, "-999", NULL);
        js_append(&d, paths[1], 2, "{\"path\":\"/x\"}", NULL);
        js_set(&d, paths[2], 3, "{}", NULL);
        if (strlen(d.buf) > d.len || d.len + 1 > d.cap)
                abort();
        js_doc_free(&d);
}

/* Keys a caller may pass (the splicer writes a missing key as it is),
 * written in the document without escapes: yajl and the splicer decode
 * escapes differently where JSON leaves it open (a lone surrogate). */
static bool plain_key(const char *k, const uint8_t *data, size_t size)
{
        char q[104];
        size_t n = strlen(k);
        if (n == 0 || n >= 100)
                return false;
        for (size_t i = 0; i < n; i++)
                if ((unsigned char)k[i] < 0x20 || k[i] == '"' || k[i] == '\\')
                        return false;
        snprintf(q, sizeof(q), "\"%s\"", k);
        return memmem(data, size, q, n + 2) != NULL;
}

/* b is a after setting (or appending to) path[depth..n). */
static void spliced(yajl_val a, yajl_val b, const char *const *path, size_t depth, size_t n,
                    yajl_val text, bool append)
{
        if (depth == n) {
                if (!append) {
                        if (!same(b, text))
                                fail("js_set: not the value set", path[n - 1]);
                        return;
                }
                if (!YAJL_IS_ARRAY(b) ||
                    (a && (!YAJL_IS_ARRAY(a) || b->u.array.len != a->u.array.len + 1)) ||
                    !same(b->u.array.values[b->u.array.len - 1], text))
                        fail("js_append: not appended", path[n - 1]);
                for (size_t i = 0; a && i < a->u.array.len; i++)
                        if (!same(a->u.array.values[i], b->u.array.values[i]))
                                fail("js_append: an element changed", path[n - 1]);
                return;
        }
        if (!b || !YAJL_IS_OBJECT(b))
                fail("the path is not an object", path[depth]);
        if (!a) { /* created: exactly the path */
                if (b->u.object.len != 1 || strcmp(b->u.object.keys[0], path[depth]))
                        fail("created more than the path", path[depth]);
                spliced(NULL, b->u.object.values[0], path, depth + 1, n, text, append);
                return;
        }
        size_t target = SIZE_MAX;
        for (size_t i = 0; i < a->u.object.len; i++)
                if (!strcmp(a->u.object.keys[i], path[depth]))
                        target = i;
        size_t want = a->u.object.len + (target == SIZE_MAX);
        if (b->u.object.len != want)
                fail("members added or lost", path[depth]);
        for (size_t i = 0; i < b->u.object.len; i++) {
                if (i < a->u.object.len && strcmp(a->u.object.keys[i], b->u.object.keys[i]))
                        fail("a key changed", path[depth]);
                if (i == target || i == a->u.object.len) {
                        yajl_val x = i == target ? a->u.object.values[i] : NULL;
                        spliced(x && !YAJL_IS_NULL(x) ? x : NULL, b->u.object.values[i], path,
                                depth + 1, n, text, append);
                } else if (!same(a->u.object.values[i], b->u.object.values[i])) {
                        fail("a value off the path changed", path[depth]);
                }
        }
}

static void splice_valid(const uint8_t *data, size_t size, uint32_t h)
{
        static const char *const texts[] = {
                "123", "\"s\\u00e9\"", "{\"k\":[1,{}]}", "[]", "null", "-1.5e3", "true"};
        if (js_has_comment((const char *)data, size))
                return; /* not JSON, though yajl takes it: callers refuse it */
        yajl_val in = parse_tree((const char *)data, size);
        if (!in || !YAJL_IS_OBJECT(in) || memmem(data, size, "\\u0000", 6)) {
                if (in)
                        yajl_tree_free(in);
                return;
        }
        /* a path of keys the document holds, chosen by the hash */
        const char *path[5];
        size_t n = 0;
        yajl_val v = in;
        uint32_t bits = h;
        while (n < 4 && v && YAJL_IS_OBJECT(v) && v->u.object.len && (n == 0 || bits & 1)) {
                size_t i = (bits >> 1) % v->u.object.len;
                if (!plain_key(v->u.object.keys[i], data, size))
                        break;
                path[n++] = v->u.object.keys[i];
                v = last(v, path[n - 1]);
                bits >>= 4;
        }
        if (n == 0 || h >> 28 & 1)
                path[n++] = "oomguard-missing";
        bool append = h >> 29 & 1;
        const char *text = texts[(h >> 24) % ARRAY_SIZE(texts)];
        struct js_doc d;
        struct og_error err = {0};
        if (js_doc_init(&d, (const char *)data, size) < 0)
                abort();
        int r = append ? js_append(&d, path, n, text, &err) : js_set(&d, path, n, text, &err);
        if (r == 0) {
                yajl_val out = parse_tree(d.buf, d.len), t = parse_tree(text, strlen(text));
                if (!t)
                        abort();
                if (!out || !YAJL_IS_OBJECT(out))
                        fail("the spliced document is not one JSON object", path[n - 1]);
                spliced(in, out, path, 0, n, t, append);
                long off = js_find(&d, path, n);
                if (!append && strcmp(text, "null") &&
                    (off < 0 || strncmp(d.buf + off, text, strlen(text))))
                        fail("js_find does not find what js_set wrote", path[n - 1]);
                yajl_tree_free(out);
                yajl_tree_free(t);
        } else if (!err.msg[0]) {
                fail("a refusal without a message", path[n - 1]);
        }
        js_doc_free(&d);
        yajl_tree_free(in);
}

/* termmsg_find, what poststop reads from the same file: a host path is
 * absolute, NUL-terminated within the room it was given, and is a string
 * the document holds. */
static void termination_message(const uint8_t *data, size_t size)
{
        char *buf = malloc(size ? size : 1), path[256];
        if (!buf)
                return;
        memcpy(buf, data, size);
        memset(path, 'x', sizeof(path));
        int r = termmsg_find(buf, size, path, sizeof(path));
        if (r > 0 && (!memchr(path, '\0', sizeof(path)) || path[0] != '/'))
                fail("termmsg_find: a host path not absolute or not terminated", "");
        if (r > 0 && !memmem(buf, size, path + 1, strlen(path + 1)) && !memchr(buf, '\\', size))
                fail("termmsg_find: a host path the document does not hold", path);
        if (r == 0 && path[0] != 'x')
                fail("termmsg_find: wrote a path and said there is none", "");
        free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        uint32_t h = fnv1a(data, size);
        termination_message(data, size);
        check_rewrite(data, size, h);
        splice_raw(data, size);
        splice_valid(data, size, h);
        return 0;
}
