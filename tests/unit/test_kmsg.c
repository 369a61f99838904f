/* SPDX-License-Identifier: MIT */
/* The one reader of a /dev/kmsg record's header. */
#define _GNU_SOURCE
#include "testutil.h"

#include "kmsg.h"

static void test_header(void **state)
{
        (void)state;
        const struct {
                const char *line;
                size_t len; /* what the header takes, ';' included; 0: none */
                int64_t pri, seq, usec;
        } t[] = {
                {"6,1234,5678901,-;Out of memory", 17, 6, 1234, 5678901},
                {"4,99,1,c,caller=T12;text", 20, 4, 99, 1},
                {"12,0,0,-;", 9, 12, 0, 0},
                /* a dictionary line, text, broken or hostile headers */
                {" SUBSYSTEM=memory", 0, 0, 0, 0},
                {"Out of memory: Killed process 12", 0, 0, 0, 0},
                {"6,1234,5678901;no flags", 0, 0, 0, 0},
                {"6,1234,-5,-;negative time", 0, 0, 0, 0},
                {"-6,1,2,-;negative priority", 0, 0, 0, 0},
                {"6,1,2,- x;space in the flags", 0, 0, 0, 0},
                {"6,1,2,-", 0, 0, 0, 0},
                {"6,99999999999999999999,2,-;overflow", 0, 0, 0, 0},
                {"6,1,2,"
                 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx;far",
                 0, 0, 0, 0},
        };
        for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
                struct kmsg_header h = {.pri = -1, .seq = -1, .usec = -1};
                size_t n = kmsg_header_parse(t[i].line, strlen(t[i].line), &h);
                assert_int_equal(n, t[i].len);
                if (n == 0) {
                        assert_int_equal(h.seq, -1); /* untouched */
                        continue;
                }
                assert_int_equal(h.pri, t[i].pri);
                assert_int_equal(h.seq, t[i].seq);
                assert_int_equal(h.usec, t[i].usec);
        }
        /* the length bounds it: a header cut before its ';' is none */
        assert_int_equal(kmsg_header_parse("6,1,2,-;", 7, &(struct kmsg_header){0}), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_header),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
