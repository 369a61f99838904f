/* SPDX-License-Identifier: MIT */
/* oomguard doctor [--json|--quiet] [--root DIR] [--config PATH]
 *                 [--docker-config FILE] [--docker-socket PATH] */
#include "cli.h"

#include "doctor.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *out)
{
        fputs("Usage: oomguard doctor [--json|--quiet] [--root DIR] [--config PATH]\n"
              "                       [--docker-config FILE] [--docker-socket PATH]\n"
              "\n"
              "Audits this host for oomguard: cgroup version and mode, swap and swap\n"
              "accounting, vm.dirty_* against the smallest container memory limit,\n"
              "overcommit, the OCI runtimes installed, whether Docker, containerd,\n"
              "podman and CRI-O run oomguard, its configuration and directories,\n"
              "/dev/kmsg, and processes whose oom_score_adj is inverted. One line per\n"
              "finding: ok, info, warn or error, what was found, what to do.\n"
              "\n"
              "  -j, --json          one JSON object per finding\n"
              "  -q, --quiet         one line: ok, or the worst finding and how many\n"
              "                      there are (for monitoring; same exit status)\n"
              "  -r, --root DIR      audit the tree at DIR (its proc, sys, etc, usr)\n"
              "  -c, --config PATH   the configuration to check (default: $OOMGUARD_CONFIG,\n"
              "                      else /etc/oomguard/config.json under the root)\n"
              "      --docker-config FILE  Docker's daemon.json (default\n"
              "                      /etc/docker/daemon.json under the root)\n"
              "      --docker-socket PATH  the running dockerd's API socket, asked for\n"
              "                      its default runtime (default: DOCKER_HOST if unix://,\n"
              "                      else /var/run/docker.sock)\n"
              "  -h, --help          show this help\n"
              "\n"
              "Environment: OOMGUARD_CONFIG as --config; CONTAINERS_CONF, as podman\n"
              "takes it, names the containers.conf whose hooks_dir is checked.\n"
              "\n"
              "Exit status: 0 nothing to fix, 1 warnings or errors, 2 usage.\n",
              out);
}

/* For a monitor: "ok", or the worst finding first and how many more. */
static int write_quiet(FILE *out, const struct doctor_report *rep)
{
        const struct doctor_finding *worst = NULL;
        size_t n = 0;
        for (size_t i = 0; i < rep->n; i++) {
                if (rep->f[i].level < DOCTOR_WARN)
                        continue;
                n++;
                if (!worst || rep->f[i].level > worst->level)
                        worst = &rep->f[i];
        }
        if (!worst)
                fprintf(out, "ok: %zu checks, nothing to fix\n", rep->n);
        else
                fprintf(out, "%s %s: %s%s\n", doctor_level_name(worst->level), worst->check,
                        worst->what, n > 1 ? " (and more: run oomguard doctor)" : "");
        return ferror(out) ? -EIO : 0;
}

int cmd_doctor(int argc, char **argv)
{
        static const struct option longopts[] = {
                {"json", no_argument, NULL, 'j'},
                {"root", required_argument, NULL, 'r'},
                {"config", required_argument, NULL, 'c'},
                {"quiet", no_argument, NULL, 'q'},
                {"docker-config", required_argument, NULL, 'D'},
                {"docker-socket", required_argument, NULL, 'S'},
                {"help", no_argument, NULL, 'h'},
                {NULL, 0, NULL, 0},
        };
        struct doctor_opts opts = {.config = getenv("OOMGUARD_CONFIG"),
                                   .containers_conf = getenv("CONTAINERS_CONF")};
        bool json = false, quiet = false;
        int c;
        while ((c = getopt_long(argc, argv, "jqr:c:h", longopts, NULL)) != -1) {
                switch (c) {
                case 'j': json = true; break;
                case 'q': quiet = true; break;
                case 'D': opts.docker_config = optarg; break;
                case 'S': opts.docker_socket = optarg; break;
                case 'r': opts.root = optarg; break;
                case 'c': opts.config = optarg; break;
                case 'h': usage(stdout); return EXIT_OK;
                default:
                        fputs("Run 'oomguard doctor --help' for usage.\n", stderr);
                        return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "oomguard doctor: unexpected argument '%s'\n", argv[optind]);
                return EXIT_USAGE;
        }
        cli_safe_output(json);
        struct doctor_report *rep = malloc(sizeof(*rep));
        struct og_error err = {0};
        if (!rep || doctor_run(&opts, rep, &err) < 0) {
                fprintf(stderr, "oomguard doctor: %s\n", rep ? err.msg : "out of memory");
                free(rep);
                return EXIT_FINDINGS;
        }
        int r = quiet  ? write_quiet(stdout, rep)
                : json ? doctor_write_json(stdout, rep)
                       : doctor_write_text(stdout, rep);
        bool problems = doctor_has_problems(rep);
        free(rep);
        if (r < 0 || fflush(stdout) != 0) {
                fputs("oomguard doctor: writing output failed\n", stderr);
                return EXIT_FINDINGS;
        }
        return problems ? EXIT_FINDINGS : EXIT_OK;
}
