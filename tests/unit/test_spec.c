/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include "spec.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The shape Docker (moby) writes, trimmed to what matters here. */
static const char docker_spec[] =
        "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
        "\"args\":[\"sh\"],\"oomScoreAdj\":0,\"cwd\":\"/\"},"
        "\"root\":{\"path\":\"/var/lib/docker/overlay2/x/merged\"},"
        "\"annotations\":{\"org.oomguard.oom_score_adj\":\"-1000\",\"n\":\"\\u00e9\"},"
        "\"linux\":{\"resources\":{\"memory\":{\"limit\":33554432,\"reservation\":16777216,"
        "\"swap\":33554432,\"disableOOMKiller\":false}},"
        "\"cgroupsPath\":\"system.slice:docker:8f3c\",\"namespaces\":[{\"type\":\"pid\"}]}}";

static void test_docker_shape(void **state)
{
        (void)state;
        struct oci_spec s;
        struct og_error err = {0};
        assert_int_equal(
                spec_parse(docker_spec, sizeof(docker_spec) - 1, "config.json", &s, &err), 0);
        assert_int_equal(s.limit, 33554432);
        assert_int_equal(s.reservation, 16777216);
        assert_int_equal(s.memsw, 33554432);
        assert_true(s.has_oom_score_adj);
        assert_int_equal(s.oom_score_adj, 0);
        assert_string_equal(s.cgroups_path, "system.slice:docker:8f3c");
        assert_string_equal(spec_annotation(&s, "org.oomguard.oom_score_adj"), "-1000");
        assert_string_equal(spec_annotation(&s, "n"), "\xc3\xa9");
        spec_free(&s);
}

static void test_minimal_and_unlimited(void **state)
{
        (void)state;
        struct oci_spec s;
        struct og_error err = {0};
        const char *d = "{\"linux\":{\"resources\":{\"memory\":{\"limit\":-1,\"swap\":-1}}}}";
        assert_int_equal(spec_parse(d, strlen(d), "c", &s, &err), 0);
        assert_int_equal(s.limit, -1);
        assert_int_equal(s.memsw, -1);
        assert_false(s.has_oom_score_adj);
        spec_free(&s);
        assert_int_equal(spec_parse("{}", 2, "c", &s, &err), 0);
        assert_int_equal(s.limit, 0);
        spec_free(&s);
}

static void test_bad(void **state)
{
        (void)state;
        struct oci_spec s;
        struct og_error err = {0};
        const char *d = "{\"linux\":{\"resources\":{\"memory\":{\"limit\":\"32m\"}}}}";
        assert_true(spec_parse(d, strlen(d), "/b/config.json", &s, &err) < 0);
        assert_non_null(strstr(err.msg, "/b/config.json: linux.resources.memory.limit"));
        assert_true(spec_parse("nope", 4, "/b/config.json", &s, &err) < 0);
        assert_non_null(strstr(err.msg, "not a JSON object"));
}

static void test_load_bounds_and_symlinks(void **state)
{
        (void)state;
        char dir[] = "/tmp/oomguard-bundle-XXXXXX", p[64];
        assert_non_null(mkdtemp(dir));
        snprintf(p, sizeof(p), "%s/config.json", dir);
        struct oci_spec s;
        struct og_error err = {0};
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_int_equal(write(fd, docker_spec, sizeof(docker_spec) - 1),
                         (ssize_t)sizeof(docker_spec) - 1);
        close(fd);
        assert_int_equal(spec_load(dir, &s, &err), 0);
        assert_int_equal(s.limit, 33554432);
        spec_free(&s);
        /* 50 MB: refused, not read whole */
        fd = open(p, O_WRONLY | O_TRUNC);
        assert_int_equal(ftruncate(fd, 50 * 1024 * 1024), 0);
        close(fd);
        assert_true(spec_load(dir, &s, &err) < 0);
        assert_non_null(strstr(err.msg, "larger than 16 MiB"));
        /* a config.json planted as a symlink is not followed */
        unlink(p);
        assert_int_equal(symlink("/etc/passwd", p), 0);
        assert_true(spec_load(dir, &s, &err) < 0);
        unlink(p);
        assert_true(spec_load(dir, &s, &err) < 0);
        assert_non_null(strstr(err.msg, "config.json"));
        rmdir(dir);
        assert_true(spec_load("/nonexistent/bundle", &s, &err) < 0);
        assert_non_null(strstr(err.msg, "/nonexistent/bundle"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_docker_shape),
                cmocka_unit_test(test_minimal_and_unlimited),
                cmocka_unit_test(test_bad),
                cmocka_unit_test(test_load_bounds_and_symlinks),
        };
        return cmocka_run_group_tests_name("spec", tests, NULL, NULL);
}
