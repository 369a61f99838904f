/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include "jsonsplice.h"

#include <errno.h>

struct set_case {
        const char *in;
        const char *path[4];
        size_t n;
        const char *value;
        const char *out; /* NULL: must fail */
};

/* Every byte not edited stays; missing objects appear; null means missing;
 * the last of duplicate keys is the one edited. */
static const struct set_case set_cases[] = {
        {"{\"process\":{\"args\":[\"sh\"]}}",
         {"process", "oomScoreAdj"},
         2,
         "500",
         "{\"process\":{\"args\":[\"sh\"],\"oomScoreAdj\":500}}"},
        {"{\"process\":{\"oomScoreAdj\": -998 ,\"x\":1}}",
         {"process", "oomScoreAdj"},
         2,
         "0",
         "{\"process\":{\"oomScoreAdj\": 0 ,\"x\":1}}"},
        {"{ \"process\" : { } }",
         {"process", "oomScoreAdj"},
         2,
         "1",
         "{ \"process\" : {\"oomScoreAdj\":1 } }"},
        {"{\n\t\"a\": 1\n}\n",
         {"linux", "resources", "memory", "swap"},
         4,
         "-1",
         "{\n\t\"a\": 1,\"linux\":{\"resources\":{\"memory\":{\"swap\":-1}}}\n}\n"},
        {"{\"linux\":null}", {"linux", "resources"}, 2, "{}", "{\"linux\":{\"resources\":{}}}"},
        {"{\"\\u0070rocess\":{}}",
         {"process", "oomScoreAdj"},
         2,
         "7",
         "{\"\\u0070rocess\":{\"oomScoreAdj\":7}}"},
        {"{\"process\":{\"a\":1},\"process\":{\"b\":2}}",
         {"process", "c"},
         2,
         "3",
         "{\"process\":{\"a\":1},\"process\":{\"b\":2,\"c\":3}}"},
        {"{\"n\":123456789012345678901234567890,\"s\":\"\\ud83d\\ude00 \\\"}\",\"p\":{}}",
         {"p", "q"},
         2,
         "true",
         "{\"n\":123456789012345678901234567890,\"s\":\"\\ud83d\\ude00 \\\"}\",\"p\":{\"q\":true}}"},
        /* yajl skips \v and \f as whitespace too (tests/fuzz) */
        {"{\"process\":\v{\"a\":1}\f,\"x\":2}",
         {"process", "oomScoreAdj"},
         2,
         "5",
         "{\"process\":\v{\"a\":1,\"oomScoreAdj\":5}\f,\"x\":2}"},
        {"{\"hooks\\u0000\":{}}",
         {"hooks", "x"},
         2,
         "1",
         "{\"hooks\\u0000\":{},\"hooks\":{\"x\":1}}"},
        {"{\"process\":[1,2]}", {"process", "oomScoreAdj"}, 2, "1", NULL},
        {"{\"process\":\"x\"}", {"process", "oomScoreAdj"}, 2, "1", NULL},
        {"[1]", {"process"}, 1, "1", NULL},
};

static void test_set(void **state)
{
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(set_cases); i++) {
                const struct set_case *c = &set_cases[i];
                struct js_doc d;
                struct og_error err = {0};
                assert_int_equal(js_doc_init(&d, c->in, strlen(c->in)), 0);
                int r = js_set(&d, c->path, c->n, c->value, &err);
                if (!c->out) {
                        assert_true(r < 0);
                        assert_true(err.msg[0] != '\0');
                } else {
                        if (r < 0 || strcmp(d.buf, c->out))
                                fail_msg("case %zu: got %s (%s)", i, d.buf, err.msg);
                        assert_int_equal(d.len, strlen(c->out));
                }
                js_doc_free(&d);
        }
}

static void test_append(void **state)
{
        (void)state;
        static const struct {
                const char *in, *out;
        } cases[] = {
                {"{}", "{\"hooks\":{\"poststop\":[9]}}"},
                {"{\"hooks\":{}}", "{\"hooks\":{\"poststop\":[9]}}"},
                {"{\"hooks\":{\"poststop\":null}}", "{\"hooks\":{\"poststop\":[9]}}"},
                {"{\"hooks\":{\"poststop\":[]}}", "{\"hooks\":{\"poststop\":[9]}}"},
                {"{\"hooks\":{\"poststop\":[ {\"path\":\"/a\"} ]}}",
                 "{\"hooks\":{\"poststop\":[ {\"path\":\"/a\"},9 ]}}"},
                {"{\"hooks\":{\"poststop\":[\n  1\n]}}",
                 "{\"hooks\":{\"poststop\":[\n  1,9\n]}}"},
        };
        const char *path[] = {"hooks", "poststop"};
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct js_doc d;
                assert_int_equal(js_doc_init(&d, cases[i].in, strlen(cases[i].in)), 0);
                assert_int_equal(js_append(&d, path, 2, "9", NULL), 0);
                assert_string_equal(d.buf, cases[i].out);
                js_doc_free(&d);
        }
        struct js_doc d;
        const char *bad = "{\"hooks\":{\"poststop\":{}}}";
        struct og_error err = {0};
        assert_int_equal(js_doc_init(&d, bad, strlen(bad)), 0);
        assert_true(js_append(&d, path, 2, "9", &err) < 0);
        assert_non_null(strstr(err.msg, "not an array"));
        js_doc_free(&d);
}

static void test_find_and_read(void **state)
{
        (void)state;
        const char *doc = "{\"hooks\":{\"poststop\":[{\"path\":\"/x\\/y\\u00e9\"},"
                          "{\"path\":\"/usr/bin/oomguard-hook\",\"args\":[]}, 3]},"
                          "\"k\":\"v\"}";
        struct js_doc d;
        assert_int_equal(js_doc_init(&d, doc, strlen(doc)), 0);
        const char *path[] = {"hooks", "poststop"};
        long arr = js_find(&d, path, 2);
        assert_true(arr > 0);
        char s[64];
        long e0 = js_array_elem(&d, (size_t)arr, 0), e1 = js_array_elem(&d, (size_t)arr, 1);
        assert_true(js_member_str(&d, (size_t)e0, "path", s, sizeof(s)));
        assert_string_equal(s, "/x/y\xc3\xa9");
        assert_true(js_member_str(&d, (size_t)e1, "path", s, sizeof(s)));
        assert_string_equal(s, "/usr/bin/oomguard-hook");
        assert_false(js_member_str(&d, (size_t)e1, "args", s, sizeof(s)));
        long e2 = js_array_elem(&d, (size_t)arr, 2);
        assert_true(e2 > 0);
        assert_false(js_member_str(&d, (size_t)e2, "path", s, sizeof(s)));
        assert_int_equal(js_array_elem(&d, (size_t)arr, 3), -1);
        assert_false(js_member_str(&d, (size_t)e0, "path", s, 4)); /* too long: refused */
        const char *missing[] = {"hooks", "prestart"};
        assert_int_equal(js_find(&d, missing, 2), -ENOENT);
        js_doc_free(&d);
}

/* Cut documents: whatever the scanner sees, it stays inside the buffer. */
static void test_truncated(void **state)
{
        (void)state;
        const char *doc = "{\"hooks\":{\"poststop\":[{\"path\":\"/a\\\"b\"}]},\"x\":[\"\\u12\"]}";
        const char *path[] = {"hooks", "poststop"};
        for (size_t n = 0; n < strlen(doc); n++) {
                struct js_doc d;
                assert_int_equal(js_doc_init(&d, doc, n), 0);
                long a = js_find(&d, path, 2);
                if (a >= 0)
                        (void)js_array_elem(&d, (size_t)a, 0);
                (void)js_append(&d, path, 2, "1", NULL);
                js_doc_free(&d);
        }
}

/* Comments yajl accepts and the scanner would misread (found by
 * tests/fuzz/fuzz_shimspec.c); slashes inside strings are not comments. */
static void test_comments(void **state)
{
        (void)state;
        static const struct {
                const char *doc;
                bool comment;
        } cases[] = {
                {"{\"a\":1 /* } */}", true},
                {"{\"a\":1,//\n\"process\":{}}", true},
                {"{\"a\":1} // after", true},
                {"{\"root\":{\"path\":\"/a/b//c\"},\"x\":\"\\\"/*\"}", false},
                {"{\"a\":\"\\/\"}", false},
                {"{\"unterminated /", false},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                if (js_has_comment(cases[i].doc, strlen(cases[i].doc)) != cases[i].comment)
                        fail_msg("%s", cases[i].doc);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_set),           cmocka_unit_test(test_append),
                cmocka_unit_test(test_find_and_read), cmocka_unit_test(test_truncated),
                cmocka_unit_test(test_comments),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
