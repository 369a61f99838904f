/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include "runcargv.h"

struct argv_case {
        const char *argv[16];
        const char *command, *id, *bundle, *config, *log, *log_format, *root;
        bool help;
};

/* As engines write them (see the wrappers' argv in the engine tests). */
static const struct argv_case cases[] = {
        {.argv = {"runc", "--root", "/run/containerd/runc/moby", "--log", "/run/c/log.json",
                  "--log-format", "json", "create", "--bundle", "/run/c/b", "--pid-file",
                  "/run/c/init.pid", "0123abc"},
         .command = "create",
         .id = "0123abc",
         .bundle = "/run/c/b",
         .log = "/run/c/log.json",
         .log_format = "json",
         .root = "/run/containerd/runc/moby"},
        {.argv = {"runc", "create", "--bundle", "/b", "--pid-file", "/p", "podid"},
         .command = "create",
         .id = "podid",
         .bundle = "/b"},
        {.argv = {"runc", "--root=/r", "--log=/l", "create", "-b", "/b2", "--console-socket",
                  "/s", "x"},
         .command = "create",
         .id = "x",
         .bundle = "/b2",
         .log = "/l",
         .root = "/r"},
        {.argv = {"runc", "-root", "/r", "--debug", "--systemd-cgroup", "run", "--bundle=/b3",
                  "--detach", "--keep", "--preserve-fds", "2", "y"},
         .command = "run",
         .id = "y",
         .bundle = "/b3",
         .root = "/r"},
        {.argv = {"crun", "--cgroup-manager", "cgroupfs", "create", "--config", "/c/conf.json",
                  "z"},
         .command = "create",
         .id = "z",
         .config = "/c/conf.json"},
        {.argv = {"runc", "--root", "/r", "delete", "-f", "id9"},
         .command = "delete",
         .id = "id9",
         .root = "/r"},
        {.argv = {"runc", "delete", "--force", "id9"}, .command = "delete", .id = "id9"},
        {.argv = {"runc", "kill", "id8", "KILL"}, .command = "kill", .id = "id8"},
        {.argv = {"runc", "exec", "--process", "/p.json", "--detach", "--pid-file", "/x", "id7"},
         .command = "exec",
         .id = "id7"},
        {.argv = {"runc", "create", "--", "-weird"}, .command = "create", .id = "-weird"},
        /* sysbox-runc's own global switches (nestybox/sysbox-runc main.go) */
        {.argv = {"sysbox-runc", "--root", "/run/sysbox-runc", "--no-sysbox-fs",
                  "--no-sysbox-mgr", "--no-kernel-check", "--cpu-profiling", "--memory-profiling",
                  "create", "--bundle", "/sb", "sbid"},
         .command = "create",
         .id = "sbid",
         .bundle = "/sb",
         .root = "/run/sysbox-runc"},
        {.argv = {"runc", "--version"}, .help = true},
        {.argv = {"runc", "--log"}},
        {.argv = {"runc", "create", "--bundle"}, .command = "create"},
        {.argv = {"runc"}},
        /* a command's flags after its id: runc reorders them, argp permutes */
        {.argv = {"runc", "run", "foo", "--bundle", "/b4", "-d"},
         .command = "run",
         .id = "foo",
         .bundle = "/b4"},
        {.argv = {"crun", "create", "foo", "-f", "/c/c.json"},
         .command = "create",
         .id = "foo",
         .config = "/c/c.json"},
        {.argv = {"runc", "delete", "id9", "--force"}, .command = "delete", .id = "id9"},
        /* ... but what follows exec's and ps's id is the process's */
        {.argv = {"runc", "exec", "id7", "sh", "-c", "x", "--bundle", "/no"},
         .command = "exec",
         .id = "id7"},
        /* help, version: anywhere runc and crun take them, never a value */
        {.argv = {"runc", "delete", "-h"}, .command = "delete", .help = true},
        {.argv = {"runc", "--root", "/r", "delete", "--help"},
         .command = "delete",
         .root = "/r",
         .help = true},
        {.argv = {"runc", "delete", "foo", "-h"}, .command = "delete", .id = "foo", .help = true},
        {.argv = {"runc", "delete", "-f", "-help", "foo"},
         .command = "delete",
         .id = "foo",
         .help = true},
        {.argv = {"runc", "delete", "--h", "foo"},
         .command = "delete",
         .id = "foo",
         .help = true},
        {.argv = {"runc", "run", "-h"}, .command = "run", .help = true},
        {.argv = {"runc", "run", "foo", "-h"}, .command = "run", .id = "foo", .help = true},
        {.argv = {"runc", "run", "--bundle", "/b", "foo", "--help"},
         .command = "run",
         .id = "foo",
         .bundle = "/b",
         .help = true},
        {.argv = {"runc", "create", "--help=true", "x"},
         .command = "create",
         .id = "x",
         .help = true},
        {.argv = {"crun", "create", "-?", "x"}, .command = "create", .id = "x", .help = true},
        {.argv = {"runc", "kill", "foo", "KILL", "-h"},
         .command = "kill",
         .id = "foo",
         .help = true},
        {.argv = {"runc", "exec", "-h", "foo"}, .command = "exec", .id = "foo", .help = true},
        {.argv = {"runc", "--help"}, .help = true},
        {.argv = {"runc", "-h", "delete", "x"}, .command = "delete", .id = "x", .help = true},
        {.argv = {"runc", "-v"}, .help = true},
        {.argv = {"runc", "--log", "/l", "--version"}, .log = "/l", .help = true},
        {.argv = {"crun", "-V"}, .help = true},
        /* not help: off, a flag's value, the process's, after "--" */
        {.argv = {"runc", "delete", "--help=false", "foo"}, .command = "delete", .id = "foo"},
        {.argv = {"runc", "create", "--pid-file", "-h", "foo"}, .command = "create", .id = "foo"},
        {.argv = {"runc", "create", "--bundle=-h", "foo"},
         .command = "create",
         .id = "foo",
         .bundle = "-h"},
        {.argv = {"runc", "exec", "foo", "ls", "-h"}, .command = "exec", .id = "foo"},
        {.argv = {"runc", "ps", "foo", "-h"}, .command = "ps", .id = "foo"},
        {.argv = {"runc", "delete", "--", "-h"}, .command = "delete", .id = "-h"},
        {.argv = {"runc", "--log", "-h", "list"}, .command = "list", .log = "-h"},
        {.argv = {"runc", "-v", "x"}, .command = "x", .help = true},
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
                if (a.help != c->help)
                        fail_msg("case %zu: help: want %d, got %d", i, c->help, a.help);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_table)};
        return cmocka_run_group_tests(tests, NULL, NULL);
}
