/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include "config.h"

#include <errno.h>
#include <unistd.h>

static void test_defaults(void **state)
{
        (void)state;
        struct og_config c;
        struct og_error err = {0};
        assert_int_equal(config_parse("{}", 2, "t", &c, &err), 0);
        assert_true(c.adj_auto);
        assert_int_equal(c.adj_floor, 0);
        assert_int_equal(c.swap.mode, SWAP_INHERIT);
        assert_int_equal(c.memory_high_percent, 0);
        assert_int_equal(c.oom_group, -1);
        assert_true(c.annotations);
        assert_false(c.fail_closed);
        assert_string_equal(c.state_dir, "/run/oomguard");
        assert_string_equal(c.verdict_log, "/var/log/oomguard/verdicts.jsonl");
}

static void test_full(void **state)
{
        (void)state;
        const char *doc = "{\"oom_score_adj\": 300, \"oom_score_adj_floor\": -100,"
                          " \"swap\": \"50%\", \"memory_high\": \"90%\", \"oom_group\": true,"
                          " \"annotations\": false, \"fail_closed\": true,"
                          " \"state_dir\": \"/run/og\", \"verdict_log\": \"/var/log/v.jsonl\"}";
        struct og_config c;
        struct og_error err = {0};
        assert_int_equal(config_parse(doc, strlen(doc), "t", &c, &err), 0);
        assert_false(c.adj_auto);
        assert_int_equal(c.adj, 300);
        assert_int_equal(c.adj_floor, -100);
        assert_int_equal(c.swap.mode, SWAP_PERCENT);
        assert_int_equal(c.swap.percent, 50);
        assert_int_equal(c.memory_high_percent, 90);
        assert_int_equal(c.oom_group, 1);
        assert_false(c.annotations);
        assert_true(c.fail_closed);
        assert_string_equal(c.state_dir, "/run/og");
}

static void test_errors_name_file_and_key(void **state)
{
        (void)state;
        const struct {
                const char *doc, *says;
        } bad[] = {
                {"{\"oom_score_ajd\": 1}", "unknown key \"oom_score_ajd\""},
                {"{\"oom_score_adj\": 1001}", "\"oom_score_adj\" must be"},
                {"{\"oom_score_adj\": \"low\"}", "\"oom_score_adj\" must be"},
                {"{\"oom_score_adj\": true}", "\"oom_score_adj\" must be"},
                {"{\"oom_score_adj_floor\": \"0\"}", "\"oom_score_adj_floor\" must be"},
                {"{\"swap\": \"lots\"}", "\"swap\" must be"},
                {"{\"swap\": 5}", "\"swap\" must be"},
                {"{\"memory_high\": \"150%\"}", "\"memory_high\" must be"},
                {"{\"oom_group\": \"yes\"}", "\"oom_group\" must be"},
                {"{\"fail_closed\": 1}", "\"fail_closed\" must be"},
                {"{\"state_dir\": \"run/og\"}", "\"state_dir\" must be an absolute path"},
                {"{\"verdict_log\": \"/var/../etc/x\"}", "\"verdict_log\" must be"},
                {"[1]", "not a JSON object"},
                {"{\"a\":", "not a JSON object"},
                {"{\"a\":", "remove it to use the defaults"},
                {"{\"termination_message\": \"/\"}", "\"termination_message\" must be"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct og_config c;
                struct og_error err = {0};
                int r = config_parse(bad[i].doc, strlen(bad[i].doc), "/etc/oomguard/config.json",
                                     &c, &err);
                if (r >= 0)
                        fail_msg("'%s' accepted", bad[i].doc);
                if (r != -EINVAL || err.code != -EINVAL) /* the code travels with the message */
                        fail_msg("'%s': %d, err.code %d", bad[i].doc, r, err.code);
                if (!strstr(err.msg, bad[i].says) ||
                    !strstr(err.msg, "/etc/oomguard/config.json"))
                        fail_msg("'%s': message '%s'", bad[i].doc, err.msg);
        }
}

static void test_sizes_and_swap(void **state)
{
        (void)state;
        int64_t v;
        assert_true(config_parse_size("512M", &v) && v == 512LL << 20);
        assert_true(config_parse_size("1G", &v) && v == 1LL << 30);
        assert_true(config_parse_size("2Gi", &v) && v == 2LL << 30);
        assert_true(config_parse_size("4k", &v) && v == 4096);
        assert_true(config_parse_size("1048576", &v) && v == 1048576);
        assert_false(config_parse_size("-1", &v));
        assert_false(config_parse_size("1X", &v));
        assert_false(config_parse_size("M", &v));
        assert_false(config_parse_size("99999999999T", &v));
        struct swap_policy sp;
        assert_true(config_parse_swap("none", &sp) && sp.mode == SWAP_NONE);
        assert_true(config_parse_swap("unlimited", &sp) && sp.mode == SWAP_UNLIMITED);
        assert_true(config_parse_swap("256M", &sp) && sp.mode == SWAP_BYTES &&
                    sp.bytes == 256LL << 20);
        assert_true(config_parse_swap("0%", &sp) && sp.mode == SWAP_PERCENT && sp.percent == 0);
        assert_false(config_parse_swap("1001%", &sp));
        assert_false(config_parse_swap("%", &sp));
}

static void test_load(void **state)
{
        (void)state;
        struct og_config c;
        struct og_error err = {0};
        char path[] = "/tmp/oomguard-config-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "{\"swap\":\"none\"}", 15), 15);
        close(fd);
        assert_int_equal(config_load(path, &c, &err), 0);
        assert_int_equal(c.swap.mode, SWAP_NONE);
        unlink(path);
        assert_true(config_load(path, &c, &err) < 0); /* named but missing */
        assert_non_null(strstr(err.msg, path));
}

/* The shipped config/config.json: every knob written out, and what it says
 * is exactly the built-in defaults. */
static void test_shipped_file_is_the_defaults(void **state)
{
        (void)state;
        struct og_config file, def;
        struct og_error err = {0};
        if (config_load("config/config.json", &file, &err) < 0)
                fail_msg("%s", err.msg);
        config_defaults(&def);
        assert_memory_equal(&file, &def, sizeof(def));
}

/* The shim's keys, and comments. */
static void test_shim_keys(void **state)
{
        (void)state;
        struct og_config c;
        struct og_error err = {0};
        const char *ok = "{\"//\":\"x\",\"// runtime\":1,\"runtime\":\"crun\","
                         "\"hook\":\"/opt/og/oomguard-hook\",\"hook_timeout\":30}";
        assert_int_equal(config_parse(ok, strlen(ok), "f", &c, &err), 0);
        assert_string_equal(c.runtime, "crun");
        assert_string_equal(c.hook, "/opt/og/oomguard-hook");
        assert_int_equal(c.hook_timeout, 30);
        static const char *const bad[] = {
                "{\"runtime\":\"../runc\"}",    "{\"runtime\":\"\"}",
                "{\"runtime\":\"a b\"}",        "{\"runtime\":\"/x/../runc\"}",
                "{\"hook\":\"oomguard-hook\"}", "{\"hook_timeout\":0}",
                "{\"hook_timeout\":\"5\"}",     "{\"/ runtime\":1}",
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                memset(&err, 0, sizeof(err));
                if (config_parse(bad[i], strlen(bad[i]), "f", &c, &err) >= 0)
                        fail_msg("accepted %s", bad[i]);
                assert_non_null(strstr(err.msg, "f: "));
        }
}

/* The writeback host mode's bounds: defaults, accepted values, refusals. */
static void test_host_bounds(void **state)
{
        (void)state;
        struct og_config c;
        struct og_error err = {0};
        assert_int_equal(config_parse("{}", 2, "f", &c, &err), 0);
        assert_int_equal(c.writeback_host_min, 16LL << 20);
        assert_int_equal(c.writeback_host_interval, 1);
        const char *ok = "{\"writeback_host_min\":\"64M\",\"writeback_host_interval\":5}";
        assert_int_equal(config_parse(ok, strlen(ok), "f", &c, &err), 0);
        assert_int_equal(c.writeback_host_min, 64LL << 20);
        assert_int_equal(c.writeback_host_interval, 5);
        static const char *const bad[] = {
                "{\"writeback_host_min\":\"512K\"}",   "{\"writeback_host_min\":\"2T\"}",
                "{\"writeback_host_min\":16777216}",   "{\"writeback_host_min\":\"lots\"}",
                "{\"writeback_host_interval\":0}",     "{\"writeback_host_interval\":3601}",
                "{\"writeback_host_interval\":\"1\"}", "{\"writeback_host_interval\":-1}",
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                memset(&err, 0, sizeof(err));
                if (config_parse(bad[i], strlen(bad[i]), "f", &c, &err) >= 0)
                        fail_msg("accepted %s", bad[i]);
                assert_non_null(strstr(err.msg, "\"writeback_host_"));
        }
}

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

/* A file broken after it loaded once: the copy kept then stays in force,
 * never the defaults; a typo in a key is named with the file. */
static void test_last_good_stays(void **state)
{
        (void)state;
        char dir[] = "/tmp/og-config-XXXXXX", path[64], kept[80];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/config.json", dir);
        assert_int_equal(config_kept_path(path, kept, sizeof(kept)), 0);
        assert_int_equal(config_kept_path(NULL, kept, sizeof(kept)), 0);
        assert_string_equal(kept, CONFIG_KEPT_PATH);
        snprintf(kept, sizeof(kept), "%s.last-good", path);
        struct og_config c;
        struct og_error err = {0};
        write_file(path, "{\"writeback\": \"off\", \"runtime\": \"crun\"}");
        assert_int_equal(config_load_kept(path, true, &c, &err), 0);
        assert_int_equal(access(kept, R_OK), 0);
        write_file(path, "{\"writebak\": \"off\"}");
        assert_int_equal(config_load_kept(path, true, &c, &err), 1);
        assert_int_equal(c.writeback, WRITEBACK_OFF);
        assert_string_equal(c.runtime, "crun");
        assert_non_null(strstr(err.msg, "unknown key \"writebak\""));
        assert_non_null(strstr(err.msg, path));
        assert_non_null(strstr(err.msg, "stays in force"));
        write_file(path, "{\"writeback\": \"off\" \"swap\": \"none\"}");
        memset(&err, 0, sizeof(err));
        assert_int_equal(config_load_kept(path, false, &c, &err), 1);
        assert_int_equal(c.writeback, WRITEBACK_OFF);
        unlink(kept); /* nothing kept: the error, and the defaults */
        assert_true(config_load_kept(path, false, &c, &err) < 0);
        assert_int_equal(c.writeback, WRITEBACK_AUTO);
        unlink(path);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_full),
                cmocka_unit_test(test_errors_name_file_and_key),
                cmocka_unit_test(test_sizes_and_swap),
                cmocka_unit_test(test_load),
                cmocka_unit_test(test_shipped_file_is_the_defaults),
                cmocka_unit_test(test_shim_keys),
                cmocka_unit_test(test_host_bounds),
                cmocka_unit_test(test_last_good_stays),
        };
        return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
