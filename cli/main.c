/* SPDX-License-Identifier: MIT */
/* oomguard: the operator's command line. Thin: parses the command word and
 * hands over to one cmd_* per subcommand. */
#include "cli.h"

#include "confine.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef OOMGUARD_VERSION
#define OOMGUARD_VERSION "0.1.0"
#endif

static void usage(FILE *out)
{
        fputs("Usage: oomguard COMMAND [OPTIONS]\n"
              "\n"
              "Explains why containers and processes died of memory.\n"
              "\n"
              "Commands:\n"
              "  explain [--json] [--kmsg] [FILE...]\n"
              "                 classify every OOM kill in a kernel log\n"
              "  verdicts [--json] [--log PATH] [ID]\n"
              "                 the verdicts recorded when containers stopped\n"
              "  ps [--json] [--all]\n"
              "                 who dies first in a global OOM, by container\n"
              "  doctor [--json|--quiet] [--root DIR] [--config PATH] [--docker-config F]\n"
              "                 audit this host's memory setup and oomguard's registration\n"
              "  help           show this help\n"
              "  version        show the version\n"
              "\n"
              "Run 'oomguard COMMAND --help' for a command's options; man "
              "oomguard(8).\n",
              out);
}

/* What each command keeps when root runs it (oomguard-hook(8), CONFINEMENT);
 * every command reads, and writes nothing but its output. */
static const cap_value_t read_caps[] = {
        CAP_DAC_READ_SEARCH, /* a log or configuration root does not own */
};
static const cap_value_t explain_caps[] = {
        CAP_DAC_READ_SEARCH,
        CAP_SYSLOG, /* --kmsg, or /dev/kmsg named as a file (dmesg_restrict=1) */
};
static const cap_value_t ps_caps[] = {
        CAP_DAC_READ_SEARCH,
        CAP_SYS_PTRACE, /* other users' /proc/PID under hidepid= with a gid=
                         * root is not in; the filter refuses ptrace itself */
};
static const cap_value_t doctor_caps[] = {
        CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, /* the oom-adj check reads every /proc/PID */
        CAP_SYSLOG,                          /* the kmsg check opens /dev/kmsg */
};

/* landlock: no file changed anywhere. Not for ps and doctor: a process
 * under Landlock may not trace (so, under hidepid=, not even see) any
 * process outside its domain, and they read every /proc/PID. */
static const struct command {
        const char *name;
        int (*run)(int argc, char **argv);
        const cap_value_t *caps;
        size_t n_caps;
        bool landlock;
        unsigned seccomp; /* more than CONFINE_CLI */
} commands[] = {
        {"explain", cmd_explain, explain_caps, ARRAY_SIZE(explain_caps), true, 0},
        {"ps", cmd_ps, ps_caps, ARRAY_SIZE(ps_caps), false, 0},
        {"verdicts", cmd_verdicts, read_caps, ARRAY_SIZE(read_caps), true, 0},
        /* doctor asks the running dockerd for its default runtime */
        {"doctor", cmd_doctor, doctor_caps, ARRAY_SIZE(doctor_caps), false, CONFINE_CLI_DOCKER},
};

/* Before the command reads anything: kernel logs pasted from anywhere, the
 * verdict log, other processes' /proc. A failure is said and not fatal:
 * the command only reads. */
static void confine(const struct command *c)
{
        struct og_error err = {0}, lerr = {0}, serr = {0};
        int r = confine_caps(c ? c->caps : NULL, c ? c->n_caps : 0, &err);
        /* Landlock without a rule: no file created, changed or removed
         * anywhere, nothing executed (none where the kernel lacks it) */
        int l = !c || c->landlock ? confine_landlock(NULL, 0, &lerr) : 0;
        int s = confine_seccomp((enum confine_profile)(CONFINE_CLI | (c ? c->seccomp : 0)),
                                &serr);
        if (r < 0 || (l < 0 && l != -EOPNOTSUPP) || s < 0)
                fprintf(stderr, "oomguard: warning: not fully confined: %s\n",
                        r < 0   ? err.msg
                        : s < 0 ? serr.msg
                                : lerr.msg);
}

/* The filtered streams that replaced stdout and stderr: closed (flushed
 * and freed) at exit, before the C library's own clean-up. */
static FILE *safe_out, *safe_err;

static void close_safe(void)
{
        if (safe_out)
                fclose(safe_out);
        if (safe_err)
                fclose(safe_err);
        safe_out = safe_err = NULL;
}

void cli_safe_output(bool json)
{
        FILE *f = textsafe_open(STDOUT_FILENO, json ? TEXTSAFE_JSON : TEXTSAFE_TEXT);
        if (!f)
                return; /* out of memory: as it was */
        fflush(stdout);
        if (safe_out)
                fclose(safe_out);
        stdout = safe_out = f;
}

/* stderr too: messages quote ids and names read from logs */
static void safe_stderr(void)
{
        FILE *f = textsafe_open(STDERR_FILENO, TEXTSAFE_TEXT);
        if (f && setvbuf(f, NULL, _IONBF, 0) == 0)
                stderr = safe_err = f;
        else if (f)
                fclose(f);
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                usage(stderr);
                return EXIT_USAGE;
        }
        const char *cmd = argv[1];
        atexit(close_safe);
        safe_stderr();
        for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
                if (strcmp(cmd, commands[i].name) == 0) {
                        confine(&commands[i]);
                        return commands[i].run(argc - 1, argv + 1);
                }
        confine(NULL);
        if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
                usage(stdout);
                return EXIT_OK;
        }
        if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
                printf("oomguard %s\n", OOMGUARD_VERSION);
                return EXIT_OK;
        }
        fprintf(stderr, "oomguard: unknown command '%s'; run 'oomguard --help'\n", cmd);
        return EXIT_USAGE;
}
