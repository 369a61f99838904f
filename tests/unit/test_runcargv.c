/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include "runcargv.h"

struct argv_case {
        const char *argv[16];
        const char *command, *id, *bundle, *config, *log, *log_format, *root;
};

/* As engines write them (see the wrappers' argv in the engine tests). */
static const struct argv_case cases[] = {
        {{"runc", "--root", "/run/containerd/runc/moby", "--log", "/run/c/log.json",
          "--log-format", "json", "create", "--bundle", "/run/c/b", "--pid-file",
          "/run/c/init.pid", "0123abc"},
         "create", "0123abc", "/run/c/b", NULL, "/run/c/log.json", "json",
         "/run/containerd/runc/moby"},
        {{"runc", "create", "--bundle", "/b", "--pid-file", "/p", "podid"},
         "create", "podid", "/b", NULL, NULL, NULL, NULL},
        {{"runc", "--root=/r", "--log=/l", "create", "-b", "/b2", "--console-socket", "/s",
          "x"},
         "create", "x", "/b2", NULL, "/l", NULL, "/r"},
        {{"runc", "-root", "/r", "--debug", "--systemd-cgroup", "run", "--bundle=/b3",
          "--detach", "--keep", "--preserve-fds", "2", "y"},
         "run", "y", "/b3", NULL, NULL, NULL, "/r"},
        {{"crun", "--cgroup-manager", "cgroupfs", "create", "--config", "/c/conf.json", "z"},
         "create", "z", NULL, "/c/conf.json", NULL, NULL, NULL},
        {{"runc", "--root", "/r", "delete", "-f", "id9"}, "delete", "id9", NULL, NULL, NULL,
         NULL, "/r"},
        {{"runc", "delete", "--force", "id9"}, "delete", "id9", NULL, NULL, NULL, NULL, NULL},
        {{"runc", "kill", "id8", "KILL"}, "kill", "id8", NULL, NULL, NULL, NULL, NULL},
        {{"runc", "exec", "--process", "/p.json", "--detach", "--pid-file", "/x", "id7"},
         "exec", "id7", NULL, NULL, NULL, NULL, NULL},
        {{"runc", "create", "--", "-weird"}, "create", "-weird", NULL, NULL, NULL, NULL, NULL},
        {{"runc", "--version"}, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
        {{"runc", "--log"}, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
        {{"runc", "create", "--bundle"}, "create", NULL, NULL, NULL, NULL, NULL, NULL},
        {{"runc"}, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

static void check(const char *what, const char *want, const char *got, size_t i)
{
        if ((want == NULL) != (got == NULL) || (want && strcmp(want, got)))
                fail_msg("case %zu: %s: want %s, got %s", i, what, want ? want : "(none)",
                         got ? got : "(none)");
}

static void test_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                const struct argv_case *c = &cases[i];
                int argc = 0;
                while (c->argv[argc])
                        argc++;
                struct runc_argv a;
                runcargv_parse(argc, (char *const *)c->argv, &a);
                check("command", c->command, a.command, i);
                check("id", c->id, a.id, i);
                check("bundle", c->bundle, a.bundle, i);
                check("config", c->config, a.config, i);
                check("log", c->log, a.log, i);
                check("log-format", c->log_format, a.log_format, i);
                check("root", c->root, a.root, i);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_table)};
        return cmocka_run_group_tests(tests, NULL, NULL);
}
