/* SPDX-License-Identifier: MIT */
/* state.json between create and poststop: what create renders is what
 * poststop parses, paths byte for byte (poststop reopens them), and what
 * poststop parses renders back to the same bytes. Cases found by
 * tests/fuzz/fuzz_hookstate.c. */
#include "testutil.h"

#include "hookstate.h"

static struct hook_state base(void)
{
        struct hook_state s;
        memset(&s, 0, sizeof(s));
        snprintf(s.id, sizeof(s.id), "c1");
        snprintf(s.cgroup, sizeof(s.cgroup), "/system.slice/c1.scope");
        snprintf(s.cgroup_dir, sizeof(s.cgroup_dir), "/sys/fs/cgroup/system.slice/c1.scope");
        s.cgroup_version = 2;
        s.created_mono_us = 1000;
        s.init_pid = s.limit_bytes = s.memsw_bytes = OG_NONE;
        s.oom_score_adj = s.oom_kill_base = s.oom_base = OG_NONE;
        return s;
}

static void round_trip(const struct hook_state *in, struct hook_state *out)
{
        char *text = NULL;
        size_t len;
        struct og_error err = {0};
        assert_int_equal(hookstate_render(in, &text, &len), 0);
        if (hookstate_parse(text, len, out, &err) < 0)
                fail_msg("%s: %s", text, err.msg);
        free(text);
}

/* Control characters and DEL are legal in paths and JSON strings: they
 * come back as they were, not as '?' (which names another cgroup). */
static void test_paths_exact(void **state)
{
        (void)state;
        static const char *const paths[] = {
                "/system.slice/a\tb.scope",
                "/x/new\nline",
                "/x/del\x7f",
                "/x/\x01\x1f",
                "/x/caf\xc3\xa9/\xe4\xb8\x96\xe7\x95\x8c",
                "/x/quote\"back\\slash",
        };
        for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
                struct hook_state s = base(), back;
                snprintf(s.bundle, sizeof(s.bundle), "%s", paths[i]);
                snprintf(s.cgroup, sizeof(s.cgroup), "%s", paths[i]);
                snprintf(s.cgroup_dir, sizeof(s.cgroup_dir), "/sys/fs/cgroup%s", paths[i]);
                s.n_anc = 1;
                snprintf(s.anc[0].cgroup, sizeof(s.anc[0].cgroup), "%s", paths[i]);
                round_trip(&s, &back);
                assert_string_equal(back.bundle, s.bundle);
                assert_string_equal(back.cgroup, s.cgroup);
                assert_string_equal(back.cgroup_dir, s.cgroup_dir);
                assert_string_equal(back.anc[0].cgroup, s.anc[0].cgroup);
        }
}

/* Bytes JSON cannot hold still give a state poststop can read. */
static void test_not_utf8(void **state)
{
        (void)state;
        struct hook_state s = base(), back;
        snprintf(s.cgroup, sizeof(s.cgroup), "/x/\xff\xfe");
        round_trip(&s, &back);
        assert_string_equal(back.cgroup, "/x/??");
        assert_string_equal(back.cgroup_dir, s.cgroup_dir);
}

/* A note longer than its slot is cut before a character, so that parse,
 * render, parse keeps it. */
static void test_long_note_cut_on_a_character(void **state)
{
        (void)state;
        char doc[1024], note[400];
        memset(note, 'a', 190);
        snprintf(note + 190, sizeof(note) - 190, "\xc3\xa9 and \xe4\xb8\x96 more");
        snprintf(doc, sizeof(doc),
                 "{\"cgroup\":\"/c\",\"created_mono_us\":1,\"notes\":[\"%s\",\"t\\tab\"]}", note);
        struct hook_state a, b;
        struct og_error err = {0};
        assert_int_equal(hookstate_parse(doc, strlen(doc), &a, &err), 0);
        assert_int_equal(strlen(a.notes[0]), 190); /* not 191: half of the é */
        assert_string_equal(a.notes[1], "t\tab");
        round_trip(&a, &b);
        assert_string_equal(b.notes[0], a.notes[0]);
        assert_string_equal(b.notes[1], a.notes[1]);
}

/* The runtime's id as it is, whatever runtimes accept: poststop's verdict
 * names the container by it. */
static void test_runtime_ids(void **state)
{
        (void)state;
        static char longest[OCI_ID_MAX + 1];
        memset(longest, 'l', OCI_ID_MAX);
        const char *ids[] = {"a+b",
                             "_x",
                             "a,b",
                             "-lead",
                             "x y",
                             "\xc3\xbc"
                             "ber",
                             longest};
        for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
                struct hook_state a = base(), b;
                snprintf(a.id, sizeof(a.id), "%s", ids[i]);
                round_trip(&a, &b);
                assert_string_equal(b.id, ids[i]);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_runtime_ids),
                cmocka_unit_test(test_paths_exact),
                cmocka_unit_test(test_not_utf8),
                cmocka_unit_test(test_long_note_cut_on_a_character),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
