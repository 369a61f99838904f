/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "shimspec.h"

#include "fileio.h"
#include "jsongen.h"
#include "jsonsplice.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* Does the hooks.<stage> array already hold an entry for this hook? */
static bool has_hook(const struct js_doc *d, const char *stage, const char *hook)
{
        const char *path[] = {"hooks", stage};
        long arr = js_find(d, path, 2);
        if (arr < 0)
                return false;
        long e;
        for (size_t i = 0; (e = js_array_elem(d, (size_t)arr, i)) >= 0; i++) {
                char p[PATH_MAX];
                if (js_member_str(d, (size_t)e, "path", p, sizeof(p)) && !strcmp(p, hook))
                        return true;
        }
        return false;
}

static char *hook_entry(const struct shim_plan *plan, int timeout, const char *stage)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return NULL;
        yajl_gen_map_open(g);
        jg_str(g, "path", plan->hook);
        jg_key(g, "args");
        yajl_gen_array_open(g);
        jg_strval(g, "oomguard-hook");
        if (plan->hook_config) {
                jg_strval(g, "--config");
                jg_strval(g, plan->hook_config);
        }
        if (plan->runtime && !strcmp(stage, "createRuntime")) {
                jg_strval(g, "--runtime");
                jg_strval(g, plan->runtime);
        }
        jg_strval(g, stage);
        yajl_gen_array_close(g);
        jg_int(g, "timeout", timeout);
        yajl_gen_map_close(g);
        char *s;
        size_t n;
        return jg_finish(g, false, &s, &n) < 0 ? NULL : s;
}

static int add_hooks(struct js_doc *d, const struct shim_plan *plan, int timeout,
                     struct shim_result *ret, struct og_error *err)
{
        static const char *const stages[] = {"createRuntime", "poststop"};
        for (size_t i = 0; plan->hook && i < ARRAY_SIZE(stages); i++) {
                if (has_hook(d, stages[i], plan->hook))
                        continue;
                const char *path[] = {"hooks", stages[i]};
                _cleanup_free_ char *e = hook_entry(plan, timeout, stages[i]);
                if (!e)
                        return og_error_set(err, -ENOMEM, "out of memory");
                int r = js_append(d, path, 2, e, err);
                if (r < 0)
                        return r;
                ret->hooks_added++;
        }
        return 0;
}

/* process.env: NAME=… replaced or appended; the element index, or -1. */
static long env_find(const struct js_doc *d, const char *name, char *val, size_t cap)
{
        static const char *const env[] = {"process", "env"};
        long arr = js_find(d, env, 2), e;
        size_t n = strlen(name);
        for (size_t i = 0; arr >= 0 && (e = js_array_elem(d, (size_t)arr, i)) >= 0; i++)
                if (js_str_at(d, (size_t)e, val, cap) && !strncmp(val, name, n) && val[n] == '=')
                        return e;
        return -1;
}

static int env_put(struct js_doc *d, const char *name, const char *value, bool append_to,
                   struct og_error *err)
{
        static const char *const env[] = {"process", "env"};
        char old[4096];
        long e = env_find(d, name, old, sizeof(old));
        const char *sep = e >= 0 ? strchr(old, '=') : NULL; /* old is set only when found */
        if (e >= 0 && append_to && sep && strstr(sep + 1, value))
                return 0; /* already there */
        char *kv = NULL;
        int n = e >= 0 && append_to && sep && sep[1] ? asprintf(&kv, "%s:%s", old, value)
                                                     : asprintf(&kv, "%s=%s", name, value);
        if (n < 0)
                return og_error_set(err, -ENOMEM, "out of memory");
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g) {
                free(kv);
                return og_error_set(err, -ENOMEM, "out of memory");
        }
        jg_strval(g, kv);
        free(kv);
        char *text;
        size_t len;
        if (jg_finish(g, false, &text, &len) < 0)
                return og_error_set(err, -ENOMEM, "out of memory");
        int r = e >= 0 ? js_replace(d, (size_t)e, text) : js_append(d, env, 2, text, err);
        free(text);
        return r;
}

/* The mounts element whose destination is dest (its offset), or -1; its
 * source into src. */
static long find_mount(const struct js_doc *d, const char *dest, char *src, size_t cap)
{
        static const char *const mounts[] = {"mounts"};
        long arr = js_find(d, mounts, 1), e;
        for (size_t i = 0; arr >= 0 && (e = js_array_elem(d, (size_t)arr, i)) >= 0; i++) {
                char p[PATH_MAX];
                if (js_member_str(d, (size_t)e, "destination", p, sizeof(p)) &&
                    !strcmp(p, dest)) {
                        if (!js_member_str(d, (size_t)e, "source", src, cap))
                                src[0] = '\0';
                        return e;
                }
        }
        return -1;
}

static char *mount_entry(const char *source)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return NULL;
        yajl_gen_map_open(g);
        jg_str(g, "destination", SHIM_PRELOAD_DEST);
        jg_str(g, "type", "bind");
        jg_str(g, "source", source);
        jg_key(g, "options");
        yajl_gen_array_open(g);
        static const char *const opts[] = {"rbind", "ro", "nosuid", "nodev"};
        for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
                jg_strval(g, opts[i]);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
        char *m;
        size_t n;
        return jg_finish(g, false, &m, &n) < 0 ? NULL : m;
}

/* The write-window library: mounted read-only, preloaded, its window set. */
/* auto: a sixteenth of the limit, from 4 to 32 MiB: about two windows are
 * in flight per file, well inside a small container's room. */
static int64_t window_for(int64_t configured, int64_t limit)
{
        if (configured > 0)
                return configured;
        int64_t w = limit > 0 ? limit / 16 : 32 << 20;
        return w < (4 << 20) ? 4 << 20 : w > (32 << 20) ? 32 << 20 : w;
}

/* The library copied into the bundle (a fresh file, never through a
 * symlink); its absolute path into ret. */
static int private_copy(const char *library, const char *bundle_dir, char *ret, size_t cap,
                        struct og_error *err)
{
        char dir[PATH_MAX];
        _cleanup_free_ char *buf = NULL;
        size_t len;
        if (!realpath(bundle_dir, dir))
                return og_error_set(err, -errno, "the bundle %s: %s", bundle_dir,
                                    strerror(errno));
        if ((size_t)snprintf(ret, cap, "%s/%s", strcmp(dir, "/") ? dir : "", SHIM_PRELOAD_COPY) >=
            cap)
                return og_error_set(err, -ENAMETOOLONG, "the bundle path is too long");
        int r = fileio_read(AT_FDCWD, library, SHIM_PRELOAD_MAX, &buf, &len, NULL, err);
        if (r < 0)
                return og_error_prefix(err, r, "the write-window library");
        _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return og_error_set(err, -errno, "the bundle %s: %s", dir, strerror(errno));
        /* no fsync: after a crash the next create writes it again */
        r = fileio_replace(dfd, SHIM_PRELOAD_COPY, buf, len, 0444, err);
        return r < 0 ? og_error_prefix(err, r, "copying the write-window library") : 0;
}

static int add_preload(struct js_doc *d, const struct shim_plan *plan, int64_t window,
                       struct shim_result *ret, struct og_error *err)
{
        static const char *const mounts[] = {"mounts"};
        char copy[PATH_MAX];
        int r;
        if (plan->bundle_dir &&
            (r = private_copy(plan->preload, plan->bundle_dir, copy, sizeof(copy), err)) < 0)
                return r;
        const char *source = plan->bundle_dir ? copy : plan->preload;
        char src[PATH_MAX];
        long e = find_mount(d, SHIM_PRELOAD_DEST, src, sizeof(src));
        /* a mount there already is kept, unless it is the host's library
         * itself (a bundle an earlier version rewrote): then the copy */
        bool shared = e >= 0 && plan->bundle_dir && !strcmp(src, plan->preload);
        if (e < 0 || shared) {
                _cleanup_free_ char *m = mount_entry(source);
                if (!m)
                        return og_error_set(err, -ENOMEM, "out of memory");
                r = e < 0 ? js_append(d, mounts, 1, m, err) : js_replace(d, (size_t)e, m);
                if (r < 0)
                        return r;
        }
        char win[24];
        snprintf(win, sizeof(win), "%" PRId64, window);
        if ((r = env_put(d, "LD_PRELOAD", SHIM_PRELOAD_DEST, true, err)) < 0 ||
            (r = env_put(d, "OOMGUARD_WRITEBACK_WINDOW", win, false, err)) < 0)
                return r;
        ret->preloaded = true;
        return 0;
}

static int set_int(struct js_doc *d, const char *const *path, size_t n, int64_t v,
                   struct og_error *err)
{
        char num[24];
        snprintf(num, sizeof(num), "%" PRId64, v);
        return js_set(d, path, n, num, err);
}

static int edit(struct js_doc *d, const struct oci_spec *sp, const struct og_config *cfg,
                const struct shim_plan *plan, struct shim_result *ret, struct og_error *err)
{
        static const char *const proc[] = {"process", "oomScoreAdj"};
        static const char *const swap[] = {"linux", "resources", "memory", "swap"};
        int r;
        /* no process object: nothing will run, leave it to the runtime to say */
        if (js_find(d, proc, 1) >= 0 &&
            (r = set_int(d, proc, 2, ret->pol.oom_score_adj, err)) < 0)
                return r;
        /* without swap accounting the runtime would refuse a swap value */
        if (ret->pol.set_memsw && sp->limit > 0 && plan->swap_accounting) {
                if ((r = set_int(d, swap, 4, ret->pol.memsw, err)) < 0)
                        return r;
                ret->set_swap = true;
        }
        if (plan->preload && js_find(d, proc, 1) >= 0 &&
            (r = add_preload(d, plan, window_for(plan->window, sp->limit), ret, err)) < 0)
                return r;
        if (plan->writeback) {
                static const char *const ann[] = {"annotations", SHIM_ANN_WRITEBACK};
                char q[32];
                snprintf(q, sizeof(q), "\"%s\"", plan->writeback);
                if ((r = js_set(d, ann, 2, q, err)) < 0)
                        return r;
        }
        return add_hooks(d, plan, cfg->hook_timeout, ret, err);
}

int shimspec_rewrite(const char *buf, size_t len, const struct og_config *cfg,
                     const struct shim_plan *plan, struct shim_result *ret, struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        /* yajl stops at a NUL: the edits would go into the document before
         * it and the bytes after it would be written back untouched */
        if (memchr(buf, '\0', len))
                return og_error_set(err, -EINVAL, "config.json holds a NUL byte");
        /* yajl accepts comments, the splicer would edit around them wrongly */
        if (js_has_comment(buf, len))
                return og_error_set(err, -EINVAL, "config.json has a comment: not JSON");
        struct oci_spec sp = {0};
        int r = spec_parse(buf, len, "config.json", &sp, err);
        if (r < 0)
                return r;
        struct policy_input in = {
                .limit = sp.limit,
                .reservation = sp.reservation,
                .memsw = sp.memsw,
                .host_mem = plan->host_mem,
                .ann_adj = spec_annotation(&sp, POLICY_ANN_ADJ),
        };
        policy_compute(cfg, &in, &ret->pol);
        struct js_doc d;
        if (js_doc_init(&d, buf, len) < 0) {
                spec_free(&sp);
                return og_error_set(err, -ENOMEM, "out of memory");
        }
        r = edit(&d, &sp, cfg, plan, ret, err);
        spec_free(&sp);
        if (r < 0) {
                js_doc_free(&d);
                return r;
        }
        ret->buf = d.buf;
        ret->len = d.len;
        return 0;
}
