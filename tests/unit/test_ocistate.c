/* SPDX-License-Identifier: MIT */
/* The state a runtime hands the hook, as runc and crun write it, and the
 * hostile ids and inputs a container can influence: annotations an image
 * fills (they must never decide whether the state is taken), ids runc
 * accepts, nesting, and a stream larger than memory should hold. */
#define _GNU_SOURCE
#include "testutil.h"

#include "ocistate.h"

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUNC_STATE                                                                               \
        "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"8f3c0a1e5d\",\"status\":\"creating\","           \
        "\"pid\":4242,\"bundle\":\"/run/containerd/io.containerd.runtime.v2.task/moby/8f3c\","   \
        "\"annotations\":{\"org.oomguard.oom_score_adj\":\"500\",\"n\":\"1\"}}"

/* The fields a runtime writes first, then what goes into "annotations". */
#define HEAD                                                                                     \
        "{\"ociVersion\":\"1.0.2\",\"id\":\"big\",\"status\":\"creating\",\"pid\":77,"           \
        "\"bundle\":\"/b\",\"annotations\":{"

static struct oci_state parse_ok(const char *s, size_t len)
{
        struct oci_state st;
        struct og_error err = {0};
        if (ocistate_parse(s, len ? len : strlen(s), &st, &err) < 0)
                fail_msg("'%.80s': %s", s, err.msg);
        return st;
}

static bool noted(const struct oci_state *st, const char *what)
{
        for (size_t i = 0; i < st->n_notes; i++)
                if (strstr(st->notes[i], what))
                        return true;
        return false;
}

/* HEAD, annotation members built by the caller, then the end. */
static char *with_annotations(const char *members, size_t *len)
{
        char *s = NULL;
        if (asprintf(&s, "%s%s}}", HEAD, members) < 0)
                fail();
        *len = strlen(s);
        return s;
}

static void test_runc_state(void **state)
{
        (void)state;
        struct oci_state st = parse_ok(RUNC_STATE, 0);
        assert_string_equal(st.id, "8f3c0a1e5d");
        assert_string_equal(st.status, "creating");
        assert_int_equal(st.pid, 4242);
        assert_string_equal(st.bundle, "/run/containerd/io.containerd.runtime.v2.task/moby/8f3c");
        assert_string_equal(ocistate_annotation(&st, "org.oomguard.oom_score_adj"), "500");
        assert_null(ocistate_annotation(&st, "absent"));
        assert_int_equal(st.n_notes, 0);
        ocistate_free(&st);
}

static void test_poststop_without_pid(void **state)
{
        (void)state; /* runc passes no pid at poststop, crun passes 0 */
        struct oci_state a = parse_ok("{\"id\":\"c1\",\"status\":\"stopped\",\"bundle\":\"/b\"}",
                                      0);
        struct oci_state b = parse_ok("{\"id\":\"c1\",\"status\":\"stopped\",\"pid\":0}", 0);
        assert_int_equal(a.pid, 0);
        assert_int_equal(b.pid, 0);
        assert_null(b.bundle);
        ocistate_free(&a);
        ocistate_free(&b);
}

static void test_hostile(void **state)
{
        (void)state;
        char big_id[10300];
        memset(big_id, 'a', sizeof(big_id));
        memcpy(big_id, "{\"id\":\"", 7);
        memcpy(big_id + sizeof(big_id) - 3, "\"}", 3);
        const struct {
                const char *in;
                size_t len;
                const char *why;
        } bad[] = {
                {"{\"id\":\"../../etc\"}", 0, "'/'"},
                {"{\"id\":\"a/b\"}", 0, "'/'"},
                {"{\"id\":\".\"}", 0, "\"..\""},
                {"{\"id\":\"..\"}", 0, "\"..\""},
                {"{\"id\":\"\\u002e\\u002e\"}", 0, "\"..\""},
                {"{\"id\":\"\"}", 0, "empty"},
                {"{\"id\":\"a\\nb\"}", 0, "control character"},
                {"{\"id\":\"a\\u0000b\"}", 0, "NUL"},
                {big_id, sizeof(big_id) - 1, "longer than 1024"},
                {"{\"id\":42}", 0, "no string"},
                {"{\"id\":[\"x\"]}", 0, "no string"},
                {"{\"pid\":1}", 0, "no string"},
                {"{\"id\":null}", 0, "no string"},
                {"{\"id\":\"c\",\"id\":\"d\"}", 0, "given twice"},
                {"{\"id\":\"c\",\"pid\":1,\"pid\":2}", 0, "given twice"},
                {"{\"id\":\"c\",\"pid\":-1}", 0, "process id"},
                {"{\"id\":\"c\",\"pid\":\"1\"}", 0, "process id"},
                {"{\"id\":\"c\",\"pid\":1.5}", 0, "process id"},
                {"{\"id\":\"c\",\"pid\":4194305}", 0, "process id"},
                {"{\"id\":\"c\",\"pid\":99999999999999999999}", 0, "process id"},
                {"{\"id\":\"c\",\"annotations\":[1]}", 0, "annotations"},
                {"{\"id\":\"c\",\"annotations\":\"x\"}", 0, "annotations"},
                {"[1,2]", 0, "not a JSON object"},
                {"\"c\"", 0, "not a JSON object"},
                {"\x01\x02garbage", 0, "not a JSON object"},
                {"{\"id\":\"c\"}\0{}", 12, "NUL"},
                {"{\"id\":\"c\"} {}", 0, "not a JSON object"},
                {"{\"id\":\"c\"", 0, "not a JSON object"},
                {"{\"id\":\"c\",\"x\":\"\xff\xfe\"}", 0, "not a JSON object"},
                {"", 0, "not a JSON object"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct oci_state st;
                struct og_error err = {0};
                size_t len = bad[i].len ? bad[i].len : strlen(bad[i].in);
                if (ocistate_parse(bad[i].in, len, &st, &err) >= 0)
                        fail_msg("case %zu accepted", i);
                if (!strstr(err.msg, bad[i].why) || err.code >= 0)
                        fail_msg("case %zu: '%s' does not say '%s'", i, err.msg, bad[i].why);
        }
        /* the message shows a hostile id harmlessly: no control character, cut */
        struct oci_state st;
        struct og_error err = {0};
        assert_true(ocistate_parse("{\"id\":\"a\\nb\\u001b[31m\"}", 22, &st, &err) < 0);
        assert_null(strchr(err.msg, '\n'));
        assert_null(strchr(err.msg, '\x1b'));
        assert_true(ocistate_parse(big_id, sizeof(big_id) - 1, &st, &err) < 0);
        assert_true(strlen(err.msg) < 300);
}

/* Ids runc accepts ([\w+-.]+ but "." and "..", up to the 255 bytes of a
 * file name) and crun's: all taken, the id kept as it is. */
static void test_runtime_ids(void **state)
{
        (void)state;
        char id200[201], id1024[1025], *s = NULL;
        memset(id200, 'r', 200);
        id200[200] = '\0';
        memset(id1024, 'q', 1024);
        id1024[1024] = '\0';
        const char *ok[] = {"a+b",
                            "_x",
                            "a,b",
                            "-lead",
                            ".hidden",
                            "...",
                            "x y",
                            "\xc3\xbc"
                            "ber",
                            "k8s_POD_nginx-7c5_default_0",
                            id200,
                            id1024};
        for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
                assert_true(oci_id_valid(ok[i], strlen(ok[i])));
                assert_true(asprintf(&s, "{\"id\":\"%s\",\"status\":\"creating\",\"pid\":9}",
                                     ok[i]) > 0);
                struct oci_state st = parse_ok(s, 0);
                assert_string_equal(st.id, ok[i]);
                ocistate_free(&st);
                free(s);
        }
        char id1025[1026];
        memset(id1025, 'q', 1025);
        id1025[1025] = '\0';
        assert_false(oci_id_valid(id1025, 1025));
        assert_false(oci_id_valid("", 0));
        assert_false(oci_id_valid("..", 2));
        assert_false(oci_id_valid("a/b", 3));
        assert_false(oci_id_valid("a\0b", 3));
        assert_false(oci_id_valid("a\x7f", 2));
}

/* 2 MiB of an image's annotations around oomguard's own: the state is
 * taken, oomguard's annotation read, the rest skipped and said. */
static void test_huge_annotations(void **state)
{
        (void)state;
        size_t pad = 2 << 20, len;
        char *p = malloc(pad + 64);
        memcpy(p, "\"org.image.pad\":\"", 17);
        memset(p + 17, 'p', pad);
        strcpy(p + 17 + pad, "\",\"org.oomguard.oom_score_adj\":\"600\"");
        char *s = with_annotations(p, &len);
        struct oci_state st = parse_ok(s, len);
        assert_string_equal(st.id, "big");
        assert_int_equal(st.pid, 77);
        assert_string_equal(st.bundle, "/b");
        assert_string_equal(ocistate_annotation(&st, "org.oomguard.oom_score_adj"), "600");
        assert_null(ocistate_annotation(&st, "org.image.pad"));
        assert_true(noted(&st, "more than 1 MiB"));
        ocistate_free(&st);
        free(s);
        free(p);
}

/* oomguard's own annotations, oversized or odd: each ignored and said,
 * the state still taken. */
static void test_odd_own_annotations(void **state)
{
        (void)state;
        size_t big = OCISTATE_ANN_VALUE_MAX + 1, len;
        char *p = malloc(big + 256);
        int n = sprintf(p, "\"org.oomguard.writeback\":\"");
        memset(p + n, '9', big);
        strcpy(p + n + big,
               "\",\"org.oomguard.oom_score_adj\":\"5\\u0000\",\"org.oomguard.x\":{\"a\":[1]},"
               "\"org.oomguard.y\":7,\"n\":{\"deep\":[[[\"z\"]]]}");
        char *s = with_annotations(p, &len);
        struct oci_state st = parse_ok(s, len);
        assert_null(ocistate_annotation(&st, "org.oomguard.writeback"));
        assert_null(ocistate_annotation(&st, "org.oomguard.oom_score_adj"));
        assert_null(ocistate_annotation(&st, "org.oomguard.x"));
        assert_int_equal(st.n_annotations, 0);
        assert_true(noted(&st, "org.oomguard.writeback"));
        assert_true(noted(&st, "NUL"));
        ocistate_free(&st);
        free(s);
        free(p);
}

/* Junk nested in members the hook does not read: taken up to a depth no
 * runtime writes, refused beyond (yajl would grow its stack with it). */
static void test_nested_junk(void **state)
{
        (void)state;
        struct oci_state st = parse_ok(
                "{\"id\":\"c\",\"x\":[[{\"y\":{\"id\":\"../evil\",\"pid\":1}}]],"
                "\"pid\":12,\"annotations\":{\"a\":{\"org.oomguard.oom_score_adj\":"
                "\"-1000\"},\"org.oomguard.oom_score_adj\":\"300\"}}",
                0);
        assert_string_equal(st.id, "c");
        assert_int_equal(st.pid, 12);
        assert_string_equal(ocistate_annotation(&st, "org.oomguard.oom_score_adj"), "300");
        ocistate_free(&st);
        size_t n = 100000;
        char *deep = malloc(2 * n + 64);
        int h = sprintf(deep, "{\"id\":\"c\",\"pid\":5,\"x\":");
        memset(deep + h, '[', n);
        memset(deep + h + n, ']', n);
        strcpy(deep + h + 2 * n, "}");
        struct og_error err = {0};
        assert_true(ocistate_parse(deep, strlen(deep), &st, &err) < 0);
        assert_non_null(strstr(err.msg, "nested more than"));
        free(deep);
}

/* More than OCISTATE_MAX: taken when the id came first (as runtimes write
 * it), the rest unread and said; refused when it did not, or when the id
 * itself is what is too long. */
static void test_beyond_the_bound(void **state)
{
        (void)state;
        size_t pad = OCISTATE_MAX + 4096, len;
        char *p = malloc(pad + 64);
        memcpy(p, "\"x\":\"", 5);
        memset(p + 5, 'p', pad);
        strcpy(p + 5 + pad, "\"");
        char *s = with_annotations(p, &len);
        struct oci_state st = parse_ok(s, len);
        assert_string_equal(st.id, "big");
        assert_int_equal(st.pid, 77);
        assert_true(noted(&st, "larger than 16 MiB"));
        ocistate_free(&st);
        free(s);
        /* the annotations first, the id after them */
        struct og_error err = {0};
        assert_true(asprintf(&s, "{\"annotations\":{%s},\"id\":\"late\",\"pid\":5}", p) > 0);
        assert_int_equal(ocistate_parse(s, strlen(s), &st, &err), -EFBIG);
        assert_non_null(strstr(err.msg, "larger than"));
        free(s);
        /* an id of 20 MiB */
        memcpy(p, "{\"id\":\"", 7);
        assert_int_equal(ocistate_parse(p, pad, &st, &err), -EFBIG);
        free(p);
        char *spaces = malloc(OCISTATE_MAX + 2);
        memset(spaces, ' ', OCISTATE_MAX + 1);
        assert_int_equal(ocistate_parse(spaces, OCISTATE_MAX + 1, &st, &err), -EFBIG);
        free(spaces);
}

static long maxrss_kb(void)
{
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return ru.ru_maxrss;
}

/* 1 GiB on a pipe, as a runtime would write a state whose annotations an
 * image filled: read as a stream, the state taken, memory bounded. */
static void test_gigabyte_stream(void **state)
{
        (void)state;
        int pfd[2];
        assert_int_equal(pipe(pfd), 0);
        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
                static char chunk[1 << 16];
                signal(SIGPIPE, SIG_IGN);
                close(pfd[0]);
                const char *head = HEAD "\"org.oomguard.oom_score_adj\":\"700\",\"x\":\"";
                if (write(pfd[1], head, strlen(head)) < 0)
                        _exit(1);
                memset(chunk, 'g', sizeof(chunk));
                for (size_t done = 0; done < (1UL << 30); done += sizeof(chunk))
                        if (write(pfd[1], chunk, sizeof(chunk)) < 0)
                                _exit(0); /* the reader has enough */
                _exit(0);
        }
        close(pfd[1]);
        long before = maxrss_kb();
        struct oci_state st;
        struct og_error err = {0};
        int r = ocistate_read_fd(pfd[0], &st, &err);
        long grew = maxrss_kb() - before;
        close(pfd[0]);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        if (r < 0)
                fail_msg("refused: %s", err.msg);
        assert_string_equal(st.id, "big");
        assert_int_equal(st.pid, 77);
        assert_string_equal(ocistate_annotation(&st, "org.oomguard.oom_score_adj"), "700");
        assert_true(noted(&st, "larger than 16 MiB"));
        if (grew > 3 * (OCISTATE_MAX >> 10))
                fail_msg("reading 1 GiB grew the process by %ld KiB", grew);
        ocistate_free(&st);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_runc_state),
                cmocka_unit_test(test_poststop_without_pid),
                cmocka_unit_test(test_hostile),
                cmocka_unit_test(test_runtime_ids),
                cmocka_unit_test(test_huge_annotations),
                cmocka_unit_test(test_odd_own_annotations),
                cmocka_unit_test(test_nested_junk),
                cmocka_unit_test(test_beyond_the_bound),
                cmocka_unit_test(test_gigabyte_stream),
        };
        return cmocka_run_group_tests_name("ocistate", tests, NULL, NULL);
}
