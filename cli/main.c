/* SPDX-License-Identifier: MIT */
/* oomguard: the operator's command line. Thin: parses the command word and
 * hands over to one cmd_* per subcommand. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

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
              "  doctor [--json] [--root DIR] [--config PATH]\n"
              "                 audit this host's memory setup and oomguard's registration\n"
              "  help           show this help\n"
              "  version        show the version\n"
              "\n"
              "Run 'oomguard COMMAND --help' for a command's options; man "
              "oomguard(8).\n",
              out);
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                usage(stderr);
                return EXIT_USAGE;
        }
        const char *cmd = argv[1];
        if (strcmp(cmd, "explain") == 0)
                return cmd_explain(argc - 1, argv + 1);
        if (strcmp(cmd, "ps") == 0)
                return cmd_ps(argc - 1, argv + 1);
        if (strcmp(cmd, "verdicts") == 0)
                return cmd_verdicts(argc - 1, argv + 1);
        if (strcmp(cmd, "doctor") == 0)
                return cmd_doctor(argc - 1, argv + 1);
        if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
                usage(stdout);
                return EXIT_OK;
        }
        if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
                printf("oomguard %s\n", OOMGUARD_VERSION);
                return EXIT_OK;
        }
        fprintf(stderr, "oomguard: unknown command '%s'; run 'oomguard --help'\n",
                cmd);
        return EXIT_USAGE;
}
