/* SPDX-License-Identifier: MIT */
/* The one bounded read: whole files or a clear error, never a truncated
 * file; and the growing read with its ceiling. */
#define _GNU_SOURCE
#include "testutil.h"

#include <errno.h>
#include <sys/stat.h>

#include "fileio.h"

#include <fcntl.h>
#include <unistd.h>

static int pipe_with(const char *data, size_t len)
{
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(write(p[1], data, len), (ssize_t)len);
        close(p[1]);
        return p[0];
}

static void test_read_fd(void **state)
{
        (void)state;
        char buf[8];
        const struct {
                const char *in;
                ssize_t want; /* length, or a negative errno */
        } t[] = {
                {"", 0},
                {"abc", 3},
                {"1234567", 7},       /* exactly fills: cap - 1 */
                {"12345678", -EFBIG}, /* one byte too many */
                {"123456789012", -EFBIG},
        };
        for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
                int fd = pipe_with(t[i].in, strlen(t[i].in));
                ssize_t n = fileio_read_fd(fd, buf, sizeof(buf));
                close(fd);
                assert_int_equal(n, t[i].want);
                if (n >= 0)
                        assert_string_equal(buf, t[i].in);
        }
        assert_int_equal(fileio_read_fd(-EBADF, buf, sizeof(buf)), -EBADF);
}

static void test_read_at(void **state)
{
        (void)state;
        char dir[] = "/tmp/oomguard-fileio-XXXXXX", buf[64];
        assert_non_null(mkdtemp(dir));
        int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(d >= 0);
        assert_int_equal(fileio_write_atomic(d, "f", "hello\n", 6, 0600, NULL), 0);
        assert_int_equal(fileio_read_at(d, "f", buf, sizeof(buf)), 6);
        assert_string_equal(buf, "hello\n");
        assert_int_equal(symlinkat("f", d, "l"), 0);
        assert_int_equal(fileio_read_at(d, "l", buf, sizeof(buf)), -ELOOP);
        assert_int_equal(mkfifoat(d, "p", 0600), 0);
        /* a FIFO with no writer: an empty read at once, never a wait */
        assert_int_equal(fileio_read_at(d, "p", buf, sizeof(buf)), 0);
        assert_int_equal(fileio_read_at(d, "none", buf, sizeof(buf)), -ENOENT);
        unlinkat(d, "f", 0), unlinkat(d, "l", 0), unlinkat(d, "p", 0);
        close(d);
        rmdir(dir);
}

static void test_read_alloc(void **state)
{
        (void)state;
        size_t big = 200 * 1024;
        char *data = malloc(big);
        assert_non_null(data);
        memset(data, 'x', big);
        const struct {
                size_t len, max;
                int want;
        } t[] = {
                {0, 10, 0},
                {10, 10, 0},
                {11, 10, -EFBIG},
                {big, big, 0},
                {big, big - 1, -EFBIG},
                {big, 4 * big, 0},
        };
        for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
                int p[2];
                assert_int_equal(pipe2(p, O_CLOEXEC), 0);
                assert_int_equal(fcntl(p[1], F_SETPIPE_SZ, 1024 * 1024) > 0, 1);
                assert_int_equal(write(p[1], data, t[i].len), (ssize_t)t[i].len);
                close(p[1]);
                char *out = NULL;
                size_t len = 0;
                int r = fileio_read_fd_alloc(p[0], t[i].max, &out, &len);
                close(p[0]);
                assert_int_equal(r, t[i].want);
                if (r == 0) {
                        assert_int_equal(len, t[i].len);
                        assert_int_equal(out[len], '\0');
                        assert_memory_equal(out, data, len);
                        free(out);
                }
        }
        free(data);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_read_fd),
                cmocka_unit_test(test_read_at),
                cmocka_unit_test(test_read_alloc),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
