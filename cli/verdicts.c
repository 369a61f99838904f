/* SPDX-License-Identifier: MIT */
/* oomguard verdicts [--json] [--log PATH] [ID] */
#define _GNU_SOURCE
#include "cli.h"

#include "config.h"
#include "jsonv.h"
#include "text.h"
#include "verdictlog.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define MAX_IDS 6

struct ids {
        const char *want; /* as asked */
        bool exact;       /* a record has exactly that id */
        char *id[MAX_IDS];
        size_t n;
        bool more;
};

static void usage(FILE *out)
{
        fputs("Usage: oomguard verdicts [--json] [--log PATH] [ID]\n"
              "\n"
              "Shows the verdicts oomguard-hook recorded when containers stopped:\n"
              "how each died (its own memory limit, a parent's, the host, or no OOM at\n"
              "all) and what to change. ID is a full container id or a unique prefix.\n"
              "\n"
              "  -j, --json       the recorded JSON objects, one per line\n"
              "  -l, --log PATH   the verdict log (default: verdict_log in the config,\n"
              "                   /var/log/oomguard/verdicts.jsonl)\n"
              "  -h, --help       show this help\n",
              out);
}

static int collect(yajl_val rec, const char *line, void *ud)
{
        struct ids *s = ud;
        const char *id = NULL;
        (void)line;
        jsonv_str(rec, "id", &id);
        s->exact |= strcmp(id, s->want) == 0;
        for (size_t i = 0; i < s->n; i++)
                if (strcmp(s->id[i], id) == 0)
                        return 0;
        if (s->n == MAX_IDS) {
                s->more = true;
                return 0;
        }
        s->id[s->n] = strdup(id);
        return s->id[s->n++] ? 0 : -ENOMEM;
}

static int print_json(yajl_val rec, const char *line, void *ud)
{
        (void)rec;
        (void)ud;
        return fputs(line, stdout) == EOF ? -EIO : 0;
}

/* A field of the log made one inert line: what a container chose (a
 * process name in the summary) or anyone who could write the log must not
 * start a line of its own or drive the terminal. malloc'd, NULL when out
 * of memory. */
static char *field(yajl_val rec, const char *key, const char *dflt)
{
        const char *v = dflt;
        jsonv_str(rec, key, &v);
        size_t len = strlen(v);
        char *out = malloc(len + 1); /* TEXTSAFE_LINE never grows it */
        if (out)
                out[textsafe(v, len, TEXTSAFE_LINE, true, out, NULL)] = '\0';
        return out;
}

static int print_text(yajl_val rec, const char *line, void *ud)
{
        bool init;
        (void)line;
        (void)ud;
        _cleanup_free_ char *id = field(rec, "id", "?");
        _cleanup_free_ char *kind = field(rec, "verdict", "?");
        _cleanup_free_ char *stopped = field(rec, "stopped", "-");
        _cleanup_free_ char *summary = field(rec, "summary", "");
        if (!id || !kind || !stopped || !summary)
                return -ENOMEM;
        enum jsonv_r r = jsonv_bool(rec, "init_killed", &init);
        printf("%s %.12s %-14s init killed: %-7s %s\n", stopped, id, kind,
               r != JSONV_OK ? "unknown"
               : init        ? "yes"
                             : "no",
               summary);
        return 0;
}

/* The container id asks for: one with exactly that id (web, even when web2
 * exists), else the one its prefix names; into full. */
static int resolve(FILE *f, const char *log, const char *id, char *full, size_t cap)
{
        struct ids s = {.want = id};
        int r = verdictlog_scan(f, id, false, collect, &s);
        int rc = EXIT_OK;
        if (r < 0) {
                fprintf(stderr, "oomguard verdicts: out of memory\n");
                rc = EXIT_INPUT;
        } else if (s.exact || s.n == 1) {
                snprintf(full, cap, "%s", s.exact ? id : s.id[0]);
        } else if (s.n == 0) {
                fprintf(stderr, "oomguard verdicts: no verdict recorded for '%s' in %s\n", id,
                        log);
                rc = EXIT_INPUT;
        } else if (s.n > 1) {
                fprintf(stderr, "oomguard verdicts: '%s' matches several containers:", id);
                for (size_t i = 0; i < s.n; i++) {
                        char one[17];
                        size_t n = strnlen(s.id[i], sizeof(one) - 1);
                        one[textsafe(s.id[i], n, TEXTSAFE_LINE, true, one, NULL)] = '\0';
                        fprintf(stderr, " %s", one);
                }
                fprintf(stderr, "%s; give more of the id\n", s.more ? " ..." : "");
                rc = EXIT_USAGE;
        }
        for (size_t i = 0; i < s.n; i++)
                free(s.id[i]);
        rewind(f);
        return rc;
}

int cmd_verdicts(int argc, char **argv)
{
        static const struct option longopts[] = {
                {"json", no_argument, NULL, 'j'},
                {"log", required_argument, NULL, 'l'},
                {"help", no_argument, NULL, 'h'},
                {NULL, 0, NULL, 0},
        };
        bool json = false;
        const char *log = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "jl:h", longopts, NULL)) != -1) {
                switch (c) {
                case 'j': json = true; break;
                case 'l': log = optarg; break;
                case 'h': usage(stdout); return EXIT_OK;
                default:
                        fputs("Run 'oomguard verdicts --help' for usage.\n", stderr);
                        return EXIT_USAGE;
                }
        }
        if (argc - optind > 1) {
                fputs("oomguard verdicts: give at most one container id\n", stderr);
                return EXIT_USAGE;
        }
        const char *id = optind < argc ? argv[optind] : NULL;
        struct og_config cfg;
        struct og_error err = {0};
        if (!log) {
                /* read-only: a broken file must not hide the verdicts */
                if (config_load_kept(getenv("OOMGUARD_CONFIG"), false, &cfg, &err) != 0)
                        fprintf(stderr, "oomguard verdicts: warning: %s\n", err.msg);
                log = cfg.verdict_log;
        }
        FILE *f = fopen(log, "re");
        if (!f && errno == ENOENT && !id) {
                printf("No verdicts yet: %s does not exist (oomguard-hook writes it when a "
                       "container stops).\n",
                       log);
                return EXIT_OK;
        }
        if (!f) {
                fprintf(stderr, "oomguard verdicts: cannot open %s: %s\n", log, strerror(errno));
                return EXIT_INPUT;
        }
        char full[4096];
        int rc = id ? resolve(f, log, id, full, sizeof(full)) : EXIT_OK;
        cli_safe_output(json);
        if (rc == EXIT_OK &&
            verdictlog_scan(f, id ? full : NULL, true, json ? print_json : print_text, NULL) < 0)
                rc = EXIT_INPUT;
        fclose(f);
        if (rc == EXIT_OK && fflush(stdout) != 0)
                rc = EXIT_INPUT;
        return rc;
}
