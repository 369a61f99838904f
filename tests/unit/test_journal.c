/* SPDX-License-Identifier: MIT */
/* The journal entry of a verdict: the fields journalctl and
 * node-problem-detector match on, a fixed MESSAGE_ID per kind, and one
 * datagram received over a real socket. */
#define _GNU_SOURCE
#include "testutil.h"

#include "journal.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define ID "3fc28fa1c647ceede9f6b340d0b16c9f1f663698972d22a52e296f291638e014"

static void verdict_of(struct verdict *v, enum verdict_kind k)
{
        memset(v, 0, sizeof(*v));
        v->kind = k;
        v->init_killed = 1;
        v->n_kills = 1;
        v->oom_memcg = "/docker/" ID;
        snprintf(v->summary, sizeof(v->summary), "killed.\nRaise the limit.");
}

static void test_render(void **state)
{
        (void)state;
        struct verdict v;
        verdict_of(&v, VERDICT_MEMCG);
        struct journal_verdict j = {ID, "/docker/" ID, "/run/b", &v, 33554432, OG_NONE, 959};
        char buf[JOURNAL_ENTRY_MAX];
        ssize_t n = journal_render(&j, buf, sizeof(buf));
        assert_true(n > 0);
        assert_non_null(strstr(buf, "SYSLOG_IDENTIFIER=oomguard\n"));
        assert_non_null(strstr(buf, "MESSAGE_ID=4e6fe5eb15ad463ca124d768c009fade\n"));
        assert_non_null(strstr(buf, "PRIORITY=4\n"));
        assert_non_null(strstr(buf, "CONTAINER_ID=3fc28fa1c647\n"));
        assert_non_null(strstr(buf, "CONTAINER_ID_FULL=" ID "\n"));
        assert_non_null(strstr(buf, "OOMGUARD_VERDICT=memcg\n"));
        assert_non_null(strstr(buf, "OOMGUARD_INIT_KILLED=true\n"));
        assert_non_null(strstr(buf, "OOMGUARD_LIMIT_BYTES=33554432\n"));
        assert_null(strstr(buf, "OOMGUARD_PEAK_BYTES")); /* unknown: absent, never a guess */
        assert_non_null(strstr(buf, "MESSAGE=3fc28fa1c647: memcg: killed. Raise the limit.\n"));
        /* every line KEY=value */
        for (char *l = buf; *l; l = strchr(l, '\n') + 1)
                assert_true(strchr(l, '=') && strchr(l, '=') < strchr(l, '\n'));
        assert_int_equal(journal_render(&j, buf, 64), -ENOSPC);
        verdict_of(&v, VERDICT_NONE);
        n = journal_render(&j, buf, sizeof(buf));
        assert_non_null(strstr(buf, "PRIORITY=6\n"));
        assert_non_null(strstr(buf, "MESSAGE_ID=ac66b5e8d9c14f1ba2d84b3d9e52c960\n"));
        /* distinct ids per kind */
        for (int a = VERDICT_NONE; a <= VERDICT_UNKNOWN; a++)
                for (int b = a + 1; b <= VERDICT_UNKNOWN; b++)
                        assert_string_not_equal(journal_message_id((enum verdict_kind)a),
                                                journal_message_id((enum verdict_kind)b));
}

static void test_send(void **state)
{
        (void)state;
        char dir[] = "/tmp/oomguard-journal-XXXXXX", path[108];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/socket", dir);
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        memcpy(sa.sun_path, path, strlen(path) + 1);
        assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
        struct verdict v;
        verdict_of(&v, VERDICT_ANCESTOR);
        struct journal_verdict j = {ID, "/x", NULL, &v, OG_NONE, 1048576, 0};
        assert_int_equal(journal_send(&j), -ENOTCONN); /* never opened */
        assert_int_equal(journal_open(path), 0);
        assert_int_equal(journal_send(&j), 0);
        char buf[JOURNAL_ENTRY_MAX];
        ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);
        assert_true(n > 0);
        buf[n] = '\0';
        assert_non_null(strstr(buf, "OOMGUARD_VERDICT=ancestor-memcg\n"));
        assert_non_null(strstr(buf, "OOMGUARD_PEAK_BYTES=1048576\n"));
        close(s);
        unlink(path);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_render),
                cmocka_unit_test(test_send),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
