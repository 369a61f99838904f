/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "testutil.h"

#include "sha256.h"
#include "statedir.h"

#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64];

static int setup(void **state)
{
        (void)state;
        return scratch_make(base, sizeof(base), "state");
}

static int teardown(void **state)
{
        (void)state;
        return scratch_remove(base);
}

static void test_write_read_remove(void **state)
{
        (void)state;
        int d;
        char buf[64], p[128];
        size_t len;
        struct og_error err = {0};
        assert_int_equal(statedir_open(base, "c1", true, &d, &err), 0);
        assert_int_equal(statedir_write(d, "state.json", "{\"a\":1}", 7, &err), 0);
        assert_int_equal(statedir_write(d, "state.json", "{\"a\":2}", 7, &err), 0);
        assert_int_equal(statedir_read(d, "state.json", buf, sizeof(buf), &len, &err), 0);
        assert_string_equal(buf, "{\"a\":2}");
        snprintf(p, sizeof(p), "%s/c1/.state.json.tmp", base);
        assert_int_equal(access(p, F_OK), -1); /* no temp file left behind */
        struct stat st;
        snprintf(p, sizeof(p), "%s/c1", base);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0700);
        close(d);
        assert_int_equal(statedir_remove(base, "c1", &err), 0);
        assert_int_equal(access(p, F_OK), -1);
        assert_true(statedir_remove(base, "c1", &err) < 0); /* poststop twice */
}

static void test_planted_symlinks(void **state)
{
        (void)state;
        int d;
        char p[128], t[128];
        struct og_error err = {0};
        /* the container's directory itself is a symlink: refused */
        snprintf(p, sizeof(p), "%s/evil", base);
        assert_int_equal(symlink("/etc", p), 0);
        assert_true(statedir_open(base, "evil", true, &d, &err) < 0);
        /* a symlink planted where the temp file goes is replaced, not followed */
        assert_int_equal(statedir_open(base, "c2", true, &d, &err), 0);
        snprintf(t, sizeof(t), "%s/victim", base);
        close(open(t, O_WRONLY | O_CREAT, 0600));
        snprintf(p, sizeof(p), "%s/c2/.state.json.tmp", base);
        assert_int_equal(symlink(t, p), 0);
        assert_int_equal(statedir_write(d, "state.json", "x", 1, &err), 0);
        struct stat st;
        assert_int_equal(stat(t, &st), 0);
        assert_int_equal(st.st_size, 0); /* the symlink's target untouched */
        /* and a symlink as the state file: reading does not follow it */
        snprintf(p, sizeof(p), "%s/c2/other", base);
        assert_int_equal(symlink("/etc/passwd", p), 0);
        char buf[64];
        size_t len;
        assert_true(statedir_read(d, "other", buf, sizeof(buf), &len, &err) < 0);
        close(d);
}

static void test_unwritable_base(void **state)
{
        (void)state;
        int d;
        struct og_error err = {0};
        assert_true(statedir_open("/proc/oomguard-nope", "c", true, &d, &err) < 0);
        assert_non_null(strstr(err.msg, "/proc/oomguard-nope"));
}

static void hex(const uint8_t d[SHA256_LEN], char out[2 * SHA256_LEN + 1])
{
        for (size_t i = 0; i < SHA256_LEN; i++)
                snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* FIPS 180-4's examples, and the padding's edge (55, 56, 64 bytes) */
/* A write that fails keeps the writer's code and what it says (the temp
 * file it could not create), with the state's context before it. */
static void test_write_error_context(void **state)
{
        (void)state;
        int d;
        char p[128];
        struct og_error err = {0};
        assert_int_equal(statedir_open(base, "c3", true, &d, &err), 0);
        snprintf(p, sizeof(p), "%s/c3/.evidence.json.oomguard-tmp", base);
        assert_int_equal(mkdir(p, 0700), 0);
        snprintf(p, sizeof(p), "%s/c3/.evidence.json.oomguard-tmp/x", base);
        int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(statedir_write(d, "evidence.json", "{}", 2, &err), -EEXIST);
        assert_int_equal(err.code, -EEXIST);
        if (strncmp(err.msg, "saving the state: ", 18) ||
            !strstr(err.msg, "creating .evidence.json.oomguard-tmp: File exists"))
                fail_msg("%s", err.msg);
        close(d);
}

static void test_sha256(void **state)
{
        (void)state;
        const struct {
                const char *in, *want;
        } v[] = {
                {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
                {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
                {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
                {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
        };
        char out[2 * SHA256_LEN + 1];
        uint8_t d[SHA256_LEN];
        for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
                sha256(v[i].in, strlen(v[i].in), d);
                hex(d, out);
                assert_string_equal(out, v[i].want);
        }
        char a55[56], a56[57], a64[65];
        memset(a55, 'a', 55), memset(a56, 'a', 56), memset(a64, 'a', 64);
        sha256(a55, 55, d), hex(d, out);
        assert_string_equal(out,
                            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
        sha256(a56, 56, d), hex(d, out);
        assert_string_equal(out,
                            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
        sha256(a64, 64, d), hex(d, out);
        assert_string_equal(out,
                            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

/* Every id a runtime accepts gets a directory of its own: runc's plain
 * ones under their own name, the rest under a digest no plain name
 * starts with; ids that cannot be state are refused, nothing created. */
static void test_names(void **state)
{
        (void)state;
        char r200[201], r255[256], r256[257], name[STATEDIR_NAME_MAX + 1], want[80];
        memset(r200, 'r', 200), r200[200] = '\0';
        memset(r255, 'r', 255), r255[255] = '\0';
        memset(r256, 'r', 256), r256[256] = '\0';
        const char *same[] = {"a+b", "_x", "a,b", "a.b-c_d", "0123abc", r200, r255};
        for (size_t i = 0; i < ARRAY_SIZE(same); i++) {
                assert_int_equal(statedir_name(same[i], name, NULL), 0);
                assert_string_equal(name, same[i]);
        }
        const char *hashed[] = {"-x",
                                ".hidden",
                                "...",
                                "x y",
                                "\xc3\xbc"
                                "ber",
                                "%abc",
                                r256};
        for (size_t i = 0; i < ARRAY_SIZE(hashed); i++) {
                uint8_t d[SHA256_LEN];
                sha256(hashed[i], strlen(hashed[i]), d);
                want[0] = '%';
                hex(d, want + 1);
                assert_int_equal(statedir_name(hashed[i], name, NULL), 0);
                assert_string_equal(name, want);
        }
        struct og_error err = {0};
        const char *bad[] = {"", ".", "..", "a/b", "../x", "a\nb"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                int d = -1;
                assert_int_equal(statedir_name(bad[i], name, &err), -EINVAL);
                assert_non_null(strstr(err.msg, "cannot name a state directory"));
                assert_int_equal(statedir_open(base, bad[i], true, &d, &err), -EINVAL);
                assert_int_equal(d, -1);
        }
}

/* A directory each, the real id's one found again, removed completely */
static void test_odd_ids_end_to_end(void **state)
{
        (void)state;
        char r300[301];
        memset(r300, 'z', 300), r300[300] = '\0';
        const char *ids[] = {"a+b", "_x", "a,b", "-lead", ".hidden", "x y", r300};
        struct og_error err = {0};
        for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
                int d = -1;
                char buf[64];
                size_t len;
                assert_int_equal(statedir_open(base, ids[i], true, &d, &err), 0);
                assert_int_equal(statedir_write(d, "state.json", ids[i],
                                                strlen(ids[i]) > 60 ? 60 : strlen(ids[i]), &err),
                                 0);
                close(d);
                assert_int_equal(statedir_open(base, ids[i], false, &d, &err), 0);
                assert_int_equal(statedir_read(d, "state.json", buf, sizeof(buf), &len, &err), 0);
                assert_int_equal(strncmp(buf, ids[i], len), 0);
                close(d);
        }
        size_t n = 0;
        DIR *dir = opendir(base);
        struct dirent *e;
        while ((e = readdir(dir)))
                n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
        closedir(dir);
        assert_int_equal(n, ARRAY_SIZE(ids)); /* one each, all in base */
        for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
                assert_int_equal(statedir_remove(base, ids[i], &err), 0);
        dir = opendir(base);
        n = 0;
        while ((e = readdir(dir)))
                n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
        closedir(dir);
        assert_int_equal(n, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sha256),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_odd_ids_end_to_end),
                cmocka_unit_test(test_write_read_remove),
                cmocka_unit_test(test_planted_symlinks),
                cmocka_unit_test(test_unwritable_base),
                cmocka_unit_test(test_write_error_context),
        };
        return cmocka_run_group_tests_name("statedir", tests, setup, teardown);
}
