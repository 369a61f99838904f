/* SPDX-License-Identifier: MIT */
/* Text a container chose, made inert for a terminal: table-driven over
 * both modes, sequences split between writes, and the stream the CLI
 * prints through. */
#define _GNU_SOURCE
#include "testutil.h"

#include "text.h"

#include <fcntl.h>
#include <unistd.h>

static const struct {
        const char *name, *in, *text, *json, *line; /* line: NULL, as text */
} cases[] = {
        {"plain", "java (pid 77) was killed\n", "java (pid 77) was killed\n",
         "java (pid 77) was killed\n", "java (pid 77) was killed?"},
        {"a forged line", "a\n2026-11-22T07:02:00Z web none", "a\n2026-11-22T07:02:00Z web none",
         "a\n2026-11-22T07:02:00Z web none", "a?2026-11-22T07:02:00Z web none"},
        {"UTF-8 stays", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3",
         "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3",
         "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3", NULL},
        {"an escape sequence (ESC [)", "a\x1b[2J\x1b]0;owned\x07z", "a?[2J?]0;owned?z",
         "a [2J ]0;owned z", NULL},
        {"carriage return and tab", "x\ry\tz", "x?y\tz", "x y z", "x?y?z"},
        {"DEL", "a\x7f", "a?", "a\\u007f", NULL},
        {"C1 CSI in UTF-8",
         "\xc2\x9b"
         "31m",
         "?31m", "\\u009b31m", NULL},
        {"C1 as a raw byte",
         "\x9b"
         "31m",
         "?31m", "\\ufffd31m", NULL},
        {"bidirectional override",
         "abc\xe2\x80\xae"
         "fed",
         "abc?fed", "abc\\u202efed", NULL},
        {"bidirectional isolate and mark", "\xe2\x81\xa6x\xe2\x80\x8f", "?x?", "\\u2066x\\u200f",
         NULL},
        {"an overlong NUL",
         "a\xc0\x80"
         "b",
         "a??b", "a\\ufffd\\ufffdb", NULL},
        {"a surrogate", "\xed\xa0\x80", "???", "\\ufffd\\ufffd\\ufffd", NULL},
        {"cut at the end", "ab\xe2\x80", "ab??", "ab\\ufffd\\ufffd", NULL},
};

static void test_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                size_t len = strlen(cases[i].in), used;
                char out[512];
                size_t n = textsafe(cases[i].in, len, TEXTSAFE_TEXT, true, out, &used);
                out[n] = '\0';
                if (strcmp(out, cases[i].text) || used != len)
                        fail_msg("%s, text: got '%s'", cases[i].name, out);
                n = textsafe(cases[i].in, len, TEXTSAFE_JSON, true, out, &used);
                out[n] = '\0';
                if (strcmp(out, cases[i].json) || used != len)
                        fail_msg("%s, json: got '%s'", cases[i].name, out);
                const char *line = cases[i].line ? cases[i].line : cases[i].text;
                n = textsafe(cases[i].in, len, TEXTSAFE_LINE, true, out, &used);
                out[n] = '\0';
                if (strcmp(out, line) || used != len || n > len)
                        fail_msg("%s, line: got '%s'", cases[i].name, out);
        }
}

/* A sequence cut by the end of a write waits for the rest. */
static void test_split(void **state)
{
        (void)state;
        char out[64];
        size_t used;
        size_t n = textsafe("ab\xc2", 3, TEXTSAFE_TEXT, false, out, &used);
        assert_int_equal(n, 2);
        assert_int_equal(used, 2);
        n = textsafe("\xc2\x9b", 2, TEXTSAFE_TEXT, false, out, &used);
        assert_int_equal(n, 1);
        assert_int_equal(out[0], '?');
        n = textsafe("\xe2\x80", 2, TEXTSAFE_JSON, false, out, &used);
        assert_int_equal(n, 0);
        assert_int_equal(used, 0);
}

/* The stream: written in pieces that split sequences, flushed, closed. */
static void test_stream(void **state)
{
        (void)state;
        char path[] = "/tmp/oomguard-test-textsafe-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        FILE *f = textsafe_open(fd, TEXTSAFE_TEXT);
        assert_non_null(f);
        static const char *const pieces[] = {"ok \xe2\x80",
                                             "\xae"
                                             "evil\xc2",
                                             "\x9b"
                                             "2J caf\xc3",
                                             "\xa9\n\xe2"};
        for (size_t i = 0; i < ARRAY_SIZE(pieces); i++) {
                assert_true(fputs(pieces[i], f) >= 0);
                assert_int_equal(fflush(f), 0); /* each piece its own write */
        }
        assert_int_equal(fclose(f), 0);
        char got[128] = {0};
        assert_true(pread(fd, got, sizeof(got) - 1, 0) > 0);
        close(fd);
        unlink(path);
        assert_string_equal(got, "ok ?evil?2J caf\xc3\xa9\n?");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_split),
                cmocka_unit_test(test_stream),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
