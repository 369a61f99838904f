/* SPDX-License-Identifier: MIT */
#include "runcargv.h"

#include <stddef.h>
#include <string.h>

/* Flags that take a value, global and of create / run / exec; any other
 * flag is taken as a switch, as are all of sysbox-runc's own (--no-sysbox-fs,
 * --no-sysbox-mgr, --no-kernel-check, --cpu-profiling, --memory-profiling). One or two dashes,
 * "=value" or the next word. */
static const char *const global_values[] = {
        "log", "log-format", "log-level", "root", "criu", "rootless", "cgroup-manager", NULL,
};
static const char *const command_values[] = {
        "bundle",
        "b",
        "console-socket",
        "pid-file",
        "preserve-fds",
        "config",
        "f",
        "process",
        "p",
        "cwd",
        "env",
        "e",
        "user",
        "u",
        "cap",
        "c",
        "apparmor",
        "process-label",
        "additional-gids",
        "g",
        "seccomp",
        NULL,
};
/* runc (urfave/cli) and crun (argp): help anywhere, version only before
 * the command */
static const char *const help_flags[] = {"help", "h", "?", "usage", NULL};
static const char *const global_print_flags[] = {
        "help", "h", "?", "usage", "version", "v", "V", NULL,
};

static bool in(const char *const *set, const char *s, size_t n)
{
        for (; *set; set++)
                if (strlen(*set) == n && !strncmp(*set, s, n))
                        return true;
        return false;
}

struct flag {
        const char *name;
        size_t len;
        const char *value; /* after '=', else NULL */
};

static bool flag_of(const char *arg, struct flag *f)
{
        if (arg[0] != '-' || !arg[1] || !strcmp(arg, "--"))
                return false;
        f->name = arg + (arg[1] == '-' ? 2 : 1);
        const char *eq = strchr(f->name, '=');
        f->len = eq ? (size_t)(eq - f->name) : strlen(f->name);
        f->value = eq ? eq + 1 : NULL;
        return true;
}

static bool named(const struct flag *f, const char *a, const char *b)
{
        return (strlen(a) == f->len && !strncmp(f->name, a, f->len)) ||
               (b && strlen(b) == f->len && !strncmp(f->name, b, f->len));
}

/* A switch from set that is on: "-h", "--help", "--help=true"; Go's
 * flag package takes "--help=false" (and 0, f, F, FALSE, False) as off. */
static bool switch_on(const struct flag *f, const char *const *set)
{
        static const char *const off[] = {"false", "0", "f", "F", "FALSE", "False", NULL};
        return in(set, f->name, f->len) && (!f->value || !in(off, f->value, strlen(f->value)));
}

/* The value of flag f at argv[*i], stepping over a separate word. */
static const char *take(const struct flag *f, int argc, char *const *argv, int *i)
{
        if (f->value)
                return f->value;
        return *i + 1 < argc ? argv[++*i] : NULL;
}

static void command_flags(int argc, char *const *argv, int i, struct runc_argv *ret)
{
        bool create = !strcmp(ret->command, "create") || !strcmp(ret->command, "run");
        /* delete's -f is --force: other commands' flags are all switches */
        bool values = create || !strcmp(ret->command, "exec");
        /* what follows exec's and ps's id is the process's, not theirs */
        bool stop_at_id = !strcmp(ret->command, "exec") || !strcmp(ret->command, "ps");
        for (; i < argc; i++) {
                struct flag f;
                if (!strcmp(argv[i], "--")) {
                        if (!ret->id && i + 1 < argc)
                                ret->id = argv[i + 1];
                        return;
                }
                if (!flag_of(argv[i], &f)) {
                        if (!ret->id)
                                ret->id = argv[i];
                        if (stop_at_id)
                                return;
                        continue;
                }
                if (switch_on(&f, help_flags)) {
                        ret->help = true;
                        continue;
                }
                if (!values || !in(command_values, f.name, f.len))
                        continue;
                const char *v = take(&f, argc, argv, &i);
                if (create && named(&f, "bundle", "b"))
                        ret->bundle = v;
                else if (create && named(&f, "config", "f"))
                        ret->config = v;
        }
}

void runcargv_parse(int argc, char *const *argv, struct runc_argv *ret)
{
        memset(ret, 0, sizeof(*ret));
        for (int i = 1; i < argc; i++) {
                struct flag f;
                if (!flag_of(argv[i], &f)) {
                        ret->command = argv[i];
                        command_flags(argc, argv, i + 1, ret);
                        return;
                }
                if (switch_on(&f, global_print_flags)) {
                        ret->help = true;
                        continue;
                }
                if (!in(global_values, f.name, f.len))
                        continue;
                const char *v = take(&f, argc, argv, &i);
                if (named(&f, "log", NULL))
                        ret->log = v;
                else if (named(&f, "log-format", NULL))
                        ret->log_format = v;
                else if (named(&f, "root", NULL))
                        ret->root = v;
        }
}
