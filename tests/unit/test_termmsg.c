/* SPDX-License-Identifier: MIT */
/* The termination message: the mount found in config.json, the line
 * appended to a regular file below the root only, never through a symlink. */
#define _GNU_SOURCE
#include "testutil.h"

#include "termmsg.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

static int find(const char *json, char *out)
{
        return termmsg_find(json, strlen(json), out, PATH_MAX);
}

static void test_find(void **state)
{
        (void)state;
        char p[PATH_MAX];
        assert_int_equal(find("{\"mounts\":[{\"destination\":\"/proc\",\"source\":\"proc\"},"
                              "{\"destination\":\"/dev/termination-log\",\"type\":\"bind\","
                              "\"source\":\"/var/lib/kubelet/pods/u/containers/c/0a1b2c3d\"}]}",
                              p),
                         1);
        assert_string_equal(p, "/var/lib/kubelet/pods/u/containers/c/0a1b2c3d");
        /* containerd writes options, not the type */
        assert_int_equal(
                find("{\"mounts\":[{\"destination\":\"/dev/termination-log\","
                     "\"source\":\"/h/f\",\"options\":[\"rbind\",\"rprivate\",\"rw\"]}]}",
                     p),
                1);
        assert_string_equal(p, "/h/f");
        /* the annotation moves the path */
        assert_int_equal(
                find("{\"annotations\":{\"io.kubernetes.container.terminationMessagePath\":\"/tmp/msg\"},"
                     "\"mounts\":[{\"destination\":\"/dev/termination-log\",\"type\":\"bind\",\"source\":\"/h/a\"},"
                     "{\"destination\":\"/tmp/msg\",\"type\":\"bind\",\"source\":\"/h/b\"}]}",
                     p),
                1);
        assert_string_equal(p, "/h/b");
        assert_int_equal(
                find("{\"mounts\":[{\"destination\":\"/dev/termination-log\",\"type\":\"tmpfs\",\"source\":\"/h/f\"}]}",
                     p),
                0);
        assert_int_equal(
                find("{\"mounts\":[{\"destination\":\"/dev/termination-log\",\"type\":\"bind\",\"source\":\"rel\"}]}",
                     p),
                0);
        assert_int_equal(find("{}", p), 0);
        assert_true(find("[", p) < 0);
}

static char root[] = "/tmp/oomguard-termmsg-XXXXXX";

static void put(const char *rel, const char *text)
{
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", root, rel);
        FILE *f = fopen(p, "we");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static char *get(const char *rel)
{
        static char buf[4096];
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", root, rel);
        FILE *f = fopen(p, "re");
        assert_non_null(f);
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

static void test_append(void **state)
{
        (void)state;
        char p[PATH_MAX], q[PATH_MAX];
        struct og_error err = {0};
        assert_non_null(mkdtemp(root));
        snprintf(p, sizeof(p), "%s/pod", root);
        mkdir(p, 0700);
        mkdir(strcat(p, "/c"), 0700);
        put("pod/c/log", "container's last words");
        snprintf(p, sizeof(p), "%s/pod/c/log", root);
        assert_int_equal(termmsg_append(root, p, "oomguard: memcg: raise the limit", &err), 0);
        assert_string_equal(get("pod/c/log"),
                            "container's last words\noomguard: memcg: raise the limit\n");
        /* a symlink at the file, or on the way, is not followed */
        put("target", "untouched");
        snprintf(q, sizeof(q), "%s/target", root);
        snprintf(p, sizeof(p), "%s/pod/c/link", root);
        assert_int_equal(symlink(q, p), 0);
        assert_true(termmsg_append(root, p, "x", &err) < 0);
        snprintf(p, sizeof(p), "%s/pod/d", root);
        snprintf(q, sizeof(q), "%s/pod/c", root);
        assert_int_equal(symlink(q, p), 0);
        snprintf(p, sizeof(p), "%s/pod/d/log", root);
        assert_true(termmsg_append(root, p, "x", &err) < 0);
        assert_string_equal(get("target"), "untouched");
        /* outside the root, "..", not a regular file */
        assert_true(termmsg_append(root, "/etc/passwd", "x", &err) < 0);
        snprintf(p, sizeof(p), "%s/pod/../target", root);
        assert_true(termmsg_append(root, p, "x", &err) < 0);
        snprintf(p, sizeof(p), "%s/pod", root);
        assert_true(termmsg_append(root, p, "x", &err) < 0);
        mkfifo(strcat(p, "/c/fifo"), 0600);
        assert_true(termmsg_append(root, p, "x", &err) < 0);
        assert_string_equal(get("target"), "untouched");
        assert_int_equal(scratch_remove(root), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_find),
                cmocka_unit_test(test_append),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
