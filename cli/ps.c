/* SPDX-License-Identifier: MIT */
/* oomguard ps [--json] [--all] */
#include "cli.h"

#include "psreport.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *out)
{
        fputs("Usage: oomguard ps [--json] [--all]\n"
              "\n"
              "Shows processes grouped by container with their oom_score and\n"
              "oom_score_adj, and warns about the two setups that take nodes down:\n"
              "containers protected by a negative oom_score_adj inherited from their\n"
              "runtime, and host processes that a global OOM would kill before any\n"
              "container.\n"
              "\n"
              "  -j, --json   one JSON object per process\n"
              "  -a, --all    every host process, not only the first 15\n"
              "  -h, --help   show this help\n"
              "\n"
              "OOMGUARD_PROC names another /proc to read (tests).\n",
              out);
}

int cmd_ps(int argc, char **argv)
{
        static const struct option longopts[] = {
                {"json", no_argument, NULL, 'j'},
                {"all", no_argument, NULL, 'a'},
                {"help", no_argument, NULL, 'h'},
                {NULL, 0, NULL, 0},
        };
        bool json = false, all = false;
        int c;
        while ((c = getopt_long(argc, argv, "jah", longopts, NULL)) != -1) {
                switch (c) {
                case 'j': json = true; break;
                case 'a': all = true; break;
                case 'h': usage(stdout); return EXIT_OK;
                default:
                        fputs("Run 'oomguard ps --help' for usage.\n", stderr);
                        return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "oomguard ps: unexpected argument '%s'\n", argv[optind]);
                return EXIT_USAGE;
        }
        cli_safe_output(json);
        const char *proc = getenv("OOMGUARD_PROC") ? getenv("OOMGUARD_PROC") : "/proc";
        struct proc_table t;
        struct og_error err = {0};
        if (procscan(proc, &t, &err) < 0) {
                fprintf(stderr, "oomguard ps: %s\n", err.msg);
                return EXIT_INPUT;
        }
        int r = json ? psreport_write_json(stdout, &t) : psreport_write_text(stdout, &t, all);
        proc_table_free(&t);
        if (r < 0 || fflush(stdout) != 0) {
                fputs("oomguard ps: writing output failed\n", stderr);
                return EXIT_INPUT;
        }
        return EXIT_OK;
}
