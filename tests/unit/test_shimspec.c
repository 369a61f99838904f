/* SPDX-License-Identifier: MIT */
/* The shim's config.json rewrite over real documents as Docker, podman,
 * containerd, Kubernetes and runc write them (tests/fixtures/spec): the
 * result is the original plus exactly the intended changes, compared
 * field by field with numbers as written, and a second rewrite changes
 * nothing. */
#include "testutil.h"

#include "shimspec.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define SPEC_DIR FIXTURES "/spec"
#define HOOK "/usr/lib/oomguard/oomguard-hook"

static bool same(yajl_val a, yajl_val b, const char *path);
static bool preload_mode; /* mounts, process.env and the annotation change too */

/* Members the shim may add or change; "hooks.X" is an array it appends to. */
static bool intended(const char *path)
{
        static const char *const p[] = {"process.oomScoreAdj",
                                        "linux.resources.memory.swap",
                                        "hooks",
                                        "hooks.createRuntime",
                                        "hooks.poststop",
                                        "linux",
                                        "linux.resources",
                                        "linux.resources.memory"};
        for (size_t i = 0; i < ARRAY_SIZE(p); i++)
                if (!strcmp(path, p[i]))
                        return true;
        return preload_mode &&
               (!strcmp(path, "mounts") || !strcmp(path, "process.env") ||
                !strcmp(path, "annotations") || !strcmp(path, "annotations." SHIM_ANN_WRITEBACK));
}

static bool same_object(yajl_val a, yajl_val b, const char *path)
{
        size_t j = 0; /* original keys keep their order */
        for (size_t i = 0; i < a->u.object.len; i++) {
                char sub[512];
                snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", a->u.object.keys[i]);
                while (j < b->u.object.len && strcmp(b->u.object.keys[j], a->u.object.keys[i]))
                        j++;
                if (j == b->u.object.len) {
                        print_error("%s: missing or moved\n", sub);
                        return false;
                }
                if (!intended(sub) && !same(a->u.object.values[i], b->u.object.values[j], sub))
                        return false;
                j++;
        }
        for (size_t i = 0; i < b->u.object.len; i++) {
                char sub[512];
                snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", b->u.object.keys[i]);
                if (!yajl_tree_get(a, (const char *[]){b->u.object.keys[i], NULL}, yajl_t_any) &&
                    !intended(sub)) {
                        print_error("%s: added\n", sub);
                        return false;
                }
        }
        return true;
}

static bool same(yajl_val a, yajl_val b, const char *path)
{
        if (a->type != b->type) {
                print_error("%s: type changed\n", path);
                return false;
        }
        switch (a->type) {
        case yajl_t_string:
                return !strcmp(a->u.string, b->u.string) || (print_error("%s\n", path), false);
        case yajl_t_number: /* as written: int64 and beyond */
                return !strcmp(a->u.number.r, b->u.number.r) ||
                       (print_error("%s\n", path), false);
        case yajl_t_object: return same_object(a, b, path);
        case yajl_t_array:
                if (a->u.array.len != b->u.array.len)
                        return print_error("%s: length\n", path), false;
                for (size_t i = 0; i < a->u.array.len; i++)
                        if (!same(a->u.array.values[i], b->u.array.values[i], path))
                                return false;
                return true;
        default: return true;
        }
}

static yajl_val get(yajl_val v, const char *a, const char *b)
{
        const char *p[] = {a, b, NULL};
        return yajl_tree_get(v, p, yajl_t_any);
}

/* hooks.<stage>: the original entries, unchanged and in place, then ours. */
static void check_hooks(yajl_val o, yajl_val n, const char *stage)
{
        yajl_val oa = get(o, "hooks", stage), na = get(n, "hooks", stage);
        size_t olen = oa && YAJL_IS_ARRAY(oa) ? oa->u.array.len : 0;
        assert_true(na && YAJL_IS_ARRAY(na));
        assert_int_equal(na->u.array.len, olen + 1);
        for (size_t i = 0; i < olen; i++)
                assert_true(same(oa->u.array.values[i], na->u.array.values[i], stage));
        yajl_val e = na->u.array.values[olen];
        assert_string_equal(YAJL_GET_STRING(get(e, "path", NULL)), HOOK);
        yajl_val args = get(e, "args", NULL);
        assert_int_equal(args->u.array.len, 2);
        assert_string_equal(YAJL_GET_STRING(args->u.array.values[1]), stage);
        assert_int_equal(YAJL_GET_INTEGER(get(e, "timeout", NULL)), 10);
}

/* mounts: the original ones in place, then the library, read-only;
 * process.env: the original entries in place (LD_PRELOAD extended, not
 * replaced), then LD_PRELOAD and the window when they were not there. */
static void check_preload(yajl_val o, yajl_val n)
{
        yajl_val om = get(o, "mounts", NULL), nm = get(n, "mounts", NULL);
        size_t olen = om ? om->u.array.len : 0;
        assert_int_equal(nm->u.array.len, olen + 1);
        for (size_t i = 0; i < olen; i++)
                assert_true(same(om->u.array.values[i], nm->u.array.values[i], "mounts"));
        yajl_val m = nm->u.array.values[olen];
        assert_string_equal(YAJL_GET_STRING(get(m, "destination", NULL)), SHIM_PRELOAD_DEST);
        assert_string_equal(YAJL_GET_STRING(get(m, "source", NULL)), "/usr/lib/oomguard/pc.so");
        yajl_val opts = get(m, "options", NULL);
        assert_string_equal(YAJL_GET_STRING(opts->u.array.values[1]), "ro");
        yajl_val oe = get(o, "process", "env"), ne = get(n, "process", "env");
        size_t oel = oe ? oe->u.array.len : 0, found = 0;
        assert_true(ne->u.array.len >= oel);
        for (size_t i = 0; i < oel; i++) {
                const char *a = YAJL_GET_STRING(oe->u.array.values[i]);
                const char *b = YAJL_GET_STRING(ne->u.array.values[i]);
                if (!strncmp(a, "LD_PRELOAD=", 11))
                        assert_true(!strncmp(b, a, strlen(a)) && strstr(b, SHIM_PRELOAD_DEST));
                else
                        assert_string_equal(a, b);
        }
        for (size_t i = 0; i < ne->u.array.len; i++) {
                const char *b = YAJL_GET_STRING(ne->u.array.values[i]);
                found += !strncmp(b, "LD_PRELOAD=", 11) && strstr(b, SHIM_PRELOAD_DEST);
                found += !strcmp(b, "OOMGUARD_WRITEBACK_WINDOW=16777216");
        }
        assert_int_equal(found, 2);
        yajl_val ann = get(n, "annotations", SHIM_ANN_WRITEBACK);
        assert_string_equal(YAJL_GET_STRING(ann), "preload");
}

static void check_one(const char *file, const struct og_config *cfg)
{
        size_t len = 0;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", SPEC_DIR, file);
        _cleanup_free_ char *orig = read_file(path, &len);
        assert_non_null(orig);
        struct shim_plan plan = {.hook = HOOK, .host_mem = 24LL << 30, .swap_accounting = true};
        if (preload_mode) {
                plan.preload = "/usr/lib/oomguard/pc.so";
                plan.window = 16 << 20;
                plan.writeback = "preload";
        }
        struct shim_result r, again;
        struct og_error err = {0};
        if (shimspec_rewrite(orig, len, cfg, &plan, &r, &err) < 0)
                fail_msg("%s: %s", file, err.msg);
        yajl_val o = yajl_tree_parse(orig, NULL, 0), n = yajl_tree_parse(r.buf, NULL, 0);
        assert_non_null(o);
        if (!n)
                fail_msg("%s: the rewrite is not JSON", file);
        if (!same(o, n, ""))
                fail_msg("%s: more changed than intended", file);
        assert_int_equal(YAJL_GET_INTEGER(get(n, "process", "oomScoreAdj")), r.pol.oom_score_adj);
        check_hooks(o, n, "createRuntime");
        check_hooks(o, n, "poststop");
        assert_int_equal(r.hooks_added, 2);
        if (preload_mode)
                check_preload(o, n);
        const char *swap[] = {"linux", "resources", "memory", "swap", NULL};
        yajl_val s = yajl_tree_get(n, swap, yajl_t_any);
        if (r.set_swap)
                assert_int_equal(YAJL_GET_INTEGER(s), r.pol.memsw);
        else
                assert_true(
                        s == yajl_tree_get(o, swap, yajl_t_any) ||
                        !strcmp(s->u.number.r, yajl_tree_get(o, swap, yajl_t_any)->u.number.r));
        /* a second create of the same bundle: nothing doubles */
        assert_int_equal(shimspec_rewrite(r.buf, r.len, cfg, &plan, &again, &err), 0);
        assert_int_equal(again.hooks_added, 0);
        assert_int_equal(again.len, r.len);
        assert_memory_equal(again.buf, r.buf, r.len);
        yajl_tree_free(o);
        yajl_tree_free(n);
        free(r.buf);
        free(again.buf);
}

static size_t each_fixture(const struct og_config *cfg)
{
        DIR *d = opendir(SPEC_DIR);
        assert_non_null(d);
        struct dirent *e;
        size_t n = 0;
        while ((e = readdir(d))) {
                size_t l = strlen(e->d_name);
                if (l > 5 && !strcmp(e->d_name + l - 5, ".json")) {
                        check_one(e->d_name, cfg);
                        n++;
                }
        }
        closedir(d);
        return n;
}

static void test_fixtures_defaults(void **state)
{
        (void)state;
        struct og_config cfg;
        config_defaults(&cfg);
        assert_true(each_fixture(&cfg) >= 5);
}

static void test_fixtures_swap_none(void **state)
{
        (void)state;
        struct og_config cfg;
        config_defaults(&cfg);
        cfg.swap.mode = SWAP_NONE;
        cfg.adj_auto = false;
        cfg.adj = 300;
        assert_true(each_fixture(&cfg) >= 5);
}

/* The write-window library on every real document: mounted read-only,
 * preloaded after what the image already preloads, idempotent. */
static void test_fixtures_preload(void **state)
{
        (void)state;
        struct og_config cfg;
        config_defaults(&cfg);
        preload_mode = true;
        assert_true(each_fixture(&cfg) >= 5);
        preload_mode = false;
}

/* An image's own LD_PRELOAD is kept, ours goes after it. */
static void test_preload_keeps_the_images(void **state)
{
        (void)state;
        const char *doc = "{\"process\":{\"env\":[\"A=1\",\"LD_PRELOAD=/lib/x.so\"]}}";
        struct og_config cfg;
        config_defaults(&cfg);
        struct shim_plan plan = {.preload = "/p.so", .window = 1 << 20, .host_mem = 1LL << 30};
        struct shim_result r, again;
        assert_int_equal(shimspec_rewrite(doc, strlen(doc), &cfg, &plan, &r, NULL), 0);
        assert_non_null(strstr(r.buf, "\"LD_PRELOAD=/lib/x.so:" SHIM_PRELOAD_DEST "\""));
        assert_non_null(strstr(r.buf, "\"OOMGUARD_WRITEBACK_WINDOW=1048576\""));
        assert_true(r.preloaded);
        assert_int_equal(shimspec_rewrite(r.buf, r.len, &cfg, &plan, &again, NULL), 0);
        assert_string_equal(again.buf, r.buf);
        free(r.buf);
        free(again.buf);
}

/* With a bundle: the container is served its own copy of the library,
 * written beside config.json, read-only, afresh at every create (what a
 * container changed in it is gone); a document that mounts the host's
 * library itself there (as an earlier version wrote it) gets the copy
 * instead; another file mounted there is left alone. */
static void test_preload_private_copy(void **state)
{
        (void)state;
        char dir[] = "/tmp/oomguard-test-shimspec-XXXXXX", lib[128], copy[160], real[PATH_MAX];
        assert_non_null(mkdtemp(dir));
        snprintf(lib, sizeof(lib), "%s/host.so", dir);
        snprintf(copy, sizeof(copy), "%s/b/" SHIM_PRELOAD_COPY, dir);
        FILE *f = fopen(lib, "we");
        assert_non_null(f);
        fputs("\177ELF the library", f);
        fclose(f);
        snprintf(real, sizeof(real), "%s/b", dir);
        assert_int_equal(mkdir(real, 0700), 0);
        char doc[512], other[512];
        static const char fmt[] =
                "{\"process\":{\"env\":[]},\"mounts\":[{\"destination\":\"" SHIM_PRELOAD_DEST
                "\",\"type\":\"bind\",\"source\":\"%s\"}]}";
        snprintf(doc, sizeof(doc), fmt, lib);
        snprintf(other, sizeof(other), fmt, "/elsewhere/lib.so");
        struct og_config cfg;
        config_defaults(&cfg);
        struct shim_plan plan = {
                .preload = lib, .bundle_dir = real, .window = 1 << 20, .host_mem = 1LL << 30};
        struct shim_result r, again;
        struct og_error err = {0};
        if (shimspec_rewrite(doc, strlen(doc), &cfg, &plan, &r, &err) < 0)
                fail_msg("%s", err.msg);
        char want[256];
        snprintf(want, sizeof(want), "\"source\":\"%s\"", copy);
        assert_non_null(strstr(r.buf, want));
        snprintf(want, sizeof(want), "\"source\":\"%s\"", lib);
        assert_null(strstr(r.buf, want));
        assert_non_null(strstr(r.buf, "\"ro\""));
        size_t len;
        _cleanup_free_ char *got = read_file(copy, &len);
        assert_non_null(got);
        assert_string_equal(got, "\177ELF the library");
        struct stat st, st2;
        assert_int_equal(stat(copy, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0444);
        /* a container changed its copy; the next create serves the library again */
        assert_int_equal(chmod(copy, 0644), 0);
        f = fopen(copy, "ae");
        assert_non_null(f);
        fputs("forged", f);
        fclose(f);
        assert_int_equal(shimspec_rewrite(r.buf, r.len, &cfg, &plan, &again, &err), 0);
        assert_string_equal(again.buf, r.buf);
        _cleanup_free_ char *got2 = read_file(copy, &len);
        assert_string_equal(got2, "\177ELF the library");
        assert_int_equal(stat(copy, &st2), 0);
        assert_true(st2.st_ino != st.st_ino); /* a new file, not the one mounted before */
        free(r.buf);
        free(again.buf);
        /* someone else's file mounted there: kept */
        assert_int_equal(shimspec_rewrite(other, strlen(other), &cfg, &plan, &r, &err), 0);
        assert_non_null(strstr(r.buf, "\"source\":\"/elsewhere/lib.so\""));
        assert_null(strstr(r.buf, SHIM_PRELOAD_COPY "\""));
        free(r.buf);
        /* no library to copy: an error, the document untouched */
        plan.preload = "/nonexistent/lib.so";
        assert_true(shimspec_rewrite(doc, strlen(doc), &cfg, &plan, &r, &err) < 0);
        assert_null(r.buf);
        unlink(copy);
        unlink(lib);
        rmdir(real);
        rmdir(dir);
}

/* The policy lands as the policy says; a hook that is already there (any
 * args) is kept and not added again. */
static void test_values(void **state)
{
        (void)state;
        const char *doc = "{\"process\":{\"oomScoreAdj\":-998},\"annotations\":"
                          "{\"org.oomguard.oom_score_adj\":\"-1000\"},\"linux\":{\"resources\":"
                          "{\"memory\":{\"limit\":33554432,\"swap\":67108864}}},\"hooks\":"
                          "{\"poststop\":[{\"path\":\"" HOOK "\"}]}}";
        struct og_config cfg;
        config_defaults(&cfg);
        cfg.swap.mode = SWAP_NONE;
        struct shim_plan plan = {.hook = HOOK,
                                 .hook_config = "/etc/og.json",
                                 .host_mem = 1LL << 30,
                                 .swap_accounting = true};
        struct shim_result r;
        assert_int_equal(shimspec_rewrite(doc, strlen(doc), &cfg, &plan, &r, NULL), 0);
        assert_int_equal(r.hooks_added, 1);
        assert_int_equal(r.pol.oom_score_adj, 0); /* -1000 asked, clamped to the floor */
        assert_non_null(strstr(r.buf, "\"oomScoreAdj\":0}"));
        assert_non_null(strstr(r.buf, "\"swap\":33554432"));
        assert_non_null(strstr(r.buf, "[\"oomguard-hook\",\"--config\",\"/etc/og.json\","
                                      "\"createRuntime\"]"));
        free(r.buf);
        plan.swap_accounting = false; /* the runtime would refuse a swap value */
        assert_int_equal(shimspec_rewrite(doc, strlen(doc), &cfg, &plan, &r, NULL), 0);
        assert_false(r.set_swap);
        assert_non_null(strstr(r.buf, "\"swap\":67108864"));
        free(r.buf);
        plan.hook = NULL;
        assert_int_equal(shimspec_rewrite(doc, strlen(doc), &cfg, &plan, &r, NULL), 0);
        assert_int_equal(r.hooks_added, 0);
        free(r.buf);
}

static void test_refused(void **state)
{
        (void)state;
        static const char *const bad[] = {"", "[]", "{\"process\":", "{} x",
                                          "{\"hooks\":{\"poststop\":{}}}", "{\"hooks\":7}",
                                          /* yajl accepts comments (tests/fuzz) */
                                          "{\"ociVersion\":\"1.0.2\",//\n\"process\":{}}",
                                          "{\"process\":{}} // x"};
        struct og_config cfg;
        config_defaults(&cfg);
        struct shim_plan plan = {.hook = HOOK, .host_mem = 1LL << 30, .swap_accounting = true};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                struct shim_result r;
                struct og_error err = {0};
                if (shimspec_rewrite(bad[i], strlen(bad[i]), &cfg, &plan, &r, &err) >= 0)
                        fail_msg("accepted %s", bad[i]);
                assert_true(err.msg[0] != '\0');
                assert_null(r.buf);
        }
        /* a NUL: yajl would read only what is before it (tests/fuzz) */
        static const char nul[] = "{\"process\":{}}\0{\"x\":1}";
        struct shim_result r;
        struct og_error err = {0};
        assert_true(shimspec_rewrite(nul, sizeof(nul) - 1, &cfg, &plan, &r, &err) < 0);
        assert_non_null(strstr(err.msg, "NUL"));
        assert_null(r.buf);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fixtures_defaults),
                cmocka_unit_test(test_fixtures_swap_none),
                cmocka_unit_test(test_fixtures_preload),
                cmocka_unit_test(test_preload_keeps_the_images),
                cmocka_unit_test(test_preload_private_copy),
                cmocka_unit_test(test_values),
                cmocka_unit_test(test_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
