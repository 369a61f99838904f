/* SPDX-License-Identifier: MIT */
/* The vectorised marker scan against a plain search, at every alignment. */
#define _GNU_SOURCE
#include "testutil.h"

#include "marker.h"

static const char *naive(const char *p, const char *end)
{
        static const char *const m[] = {"oom", "Kill", "emory", "Task", "vict"};
        const char *best = end;
        for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
                const char *q = memmem(p, (size_t)(end - p), m[i], strlen(m[i]));
                if (q && q < best)
                        best = q;
        }
        return best;
}

static void test_each_marker_at_every_offset(void **state)
{
        (void)state;
        static const char *const words[] = {"oom",    "Kill",      "emory", "Task",
                                            "Memory", "oom-kill:", "vict",  "evicted"};
        char buf[80];
        for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
                for (size_t off = 0; off + strlen(words[w]) <= sizeof(buf); off++) {
                        memset(buf, 'x', sizeof(buf));
                        memcpy(buf + off, words[w], strlen(words[w]));
                        const char *want = naive(buf, buf + sizeof(buf));
                        const char *got = marker_next(buf, buf + sizeof(buf));
                        if (got != want)
                                fail_msg("'%s' at %zu: got %td want %td", words[w], off,
                                         got - buf, want - buf);
                }
        }
}

static void test_no_marker_and_partial(void **state)
{
        (void)state;
        const char *s[] = {"",
                           "o",
                           "oo",
                           "Kil",
                           "Tas",
                           "mory",
                           "emor",
                           "look at the roof; Kite; Tablet; every ry",
                           "0123456789abcdefKil"};
        for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
                const char *end = s[i] + strlen(s[i]);
                assert_ptr_equal(marker_next(s[i], end), end);
                assert_false(marker_in(s[i], strlen(s[i])));
        }
        /* "emory" starting before the search start is not reported early */
        const char *t = "memory";
        assert_ptr_equal(marker_next(t + 3, t + 6), t + 6);
}

static void test_random_text(void **state)
{
        (void)state;
        static char buf[1 << 16];
        uint32_t x = 7;
        for (size_t i = 0; i < sizeof(buf); i++) {
                x = x * 1103515245u + 12345u;
                buf[i] = "oKmTaeiryskvct \n"[(x >> 16) % 16];
        }
        const char *end = buf + sizeof(buf);
        for (const char *p = buf; p < end;) {
                const char *a = marker_next(p, end), *b = naive(p, end);
                assert_ptr_equal(a, b);
                p = a < end ? a + 1 : end;
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_each_marker_at_every_offset),
                cmocka_unit_test(test_no_marker_and_partial),
                cmocka_unit_test(test_random_text),
        };
        return cmocka_run_group_tests_name("marker", tests, NULL, NULL);
}
