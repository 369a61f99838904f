/* SPDX-License-Identifier: MIT */
/* A runtime's command line as engines write it (runc, crun and
 * sysbox-runc share it): global flags, the command, its flags, the
 * container id. Read only to find what the shim needs; the argv itself is
 * handed to the real runtime untouched. Pure.
 *
 * As runc (urfave/cli) and crun (argp) read it: a command's flags may come
 * after its id too (runc reorders them, argp permutes), except exec's and
 * ps's, whose later words are the process's; "--" ends the flags. */
#ifndef OOMGUARD_RUNCARGV_H
#define OOMGUARD_RUNCARGV_H
#include <stdbool.h>

struct runc_argv {
        const char *command;    /* "create", "run", "delete", … or NULL */
        const char *id;         /* the first operand after the command */
        const char *bundle;     /* --bundle / -b, NULL: the working directory */
        const char *config;     /* crun's --config / -f, NULL: <bundle>/config.json */
        const char *log;        /* global --log */
        const char *log_format; /* global --log-format ("text", "json") */
        const char *root;       /* global --root */
        bool help;              /* -h/--help (global or the command's), -v/--version:
                                 * the runtime prints and does nothing else */
};

void runcargv_parse(int argc, char *const *argv, struct runc_argv *ret);
#endif
