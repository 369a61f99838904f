/* SPDX-License-Identifier: MIT */
/* oomguard explain [--json] [--kmsg] [FILE...] */
#define _GNU_SOURCE
#include "cli.h"

#include "../lib/explain.h"
#include "../lib/kmsg.h"
#include "../lib/oomlog.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define STDIN_MAX ((size_t)4 << 30) /* refuse more than 4 GiB on stdin */

struct opts {
        bool json, kmsg;
        const char *kmsg_path;
        bool many; /* several inputs: name each */
};

static void usage(FILE *out)
{
        fputs("Usage: oomguard explain [--json] [--kmsg] [FILE...]\n"
              "\n"
              "Reads kernel logs (dmesg, dmesg -T/-x, /dev/kmsg dumps, journalctl,\n"
              "syslog, or text pasted from anywhere) and explains every process the\n"
              "OOM killer killed: its own memory limit, a parent cgroup's limit, a\n"
              "host-wide OOM, a cpuset or a NUMA policy -- and what to change.\n"
              "With no FILE, or when FILE is -, reads standard input.\n"
              "\n"
              "  -j, --json        one JSON object per kill (see oomguard(8))\n"
              "  -k, --kmsg        read the live kernel log (/dev/kmsg) now,\n"
              "                    without waiting for new messages\n"
              "  -h, --help        show this help\n"
              "\n"
              "Exit status: 0 when every input was read (with or without kills),\n"
              "1 when an input could not be read, 2 on a usage error.\n",
              out);
}

static int print_result(const struct oomlog_result *r, struct opts *o,
                        const char *name)
{
        if (!o->json && o->many && r->n_kills > 0)
                printf("== %s\n", name);
        for (size_t i = 0; i < r->n_kills; i++) {
                int e = o->json ? explain_write_json(stdout, &r->kills[i])
                                : explain_write_text(stdout, &r->kills[i], i,
                                                     r->n_kills);
                if (e < 0)
                        return e;
        }
        if (!o->json && r->n_kills == 0)
                printf("%s: no OOM kill found (%zu OOM invocations without a "
                       "visible kill).\n", name, r->stats.orphan_invocations);
        return 0;
}

static int explain_buffer(const char *buf, size_t len, struct opts *o,
                          const char *name)
{
        struct oomlog_result r;
        struct og_error err = {0};
        if (oomlog_parse(buf, len, &r, &err) < 0) {
                fprintf(stderr, "oomguard explain: %s: %s\n", name, err.msg);
                return EXIT_INPUT;
        }
        int e = print_result(&r, o, name);
        oomlog_result_free(&r);
        return e < 0 ? EXIT_INPUT : EXIT_OK;
}

#define CHUNK ((size_t)1 << 20)

/* Read until buf holds cap bytes or the stream ends; returns bytes held. */
static ssize_t fill(int fd, char *buf, size_t have, size_t cap)
{
        while (have < cap) {
                ssize_t n = read(fd, buf + have, cap - have);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                have += (size_t)n;
        }
        return (ssize_t)have;
}

/* Newest-first exports must be read whole (bounded by STDIN_MAX). */
static int slurp(int fd, char *first, size_t len, struct opts *o, const char *name)
{
        size_t cap = len * 2 > CHUNK ? len * 2 : CHUNK;
        char *buf = realloc(first, cap);
        if (!buf) {
                free(first);
                return -ENOMEM;
        }
        for (;;) {
                ssize_t n = fill(fd, buf, len, cap);
                if (n < 0) {
                        free(buf);
                        return (int)n;
                }
                len = (size_t)n;
                if (len < cap)
                        break;
                char *nb = cap < STDIN_MAX ? realloc(buf, cap * 2) : NULL;
                if (!nb) {
                        free(buf);
                        return cap < STDIN_MAX ? -ENOMEM : -EFBIG;
                }
                buf = nb;
                cap *= 2;
        }
        int r = explain_buffer(buf, len, o, name);
        free(buf);
        return r == EXIT_OK ? 0 : -EIO;
}

/* Pipes: complete lines go to the parser chunk by chunk, so memory stays
 * bounded by the kills found, not by the size of the input. */
static int stream(int fd, char *buf, size_t have, struct opts *o, const char *name)
{
        struct oomlog *p = oomlog_new();
        struct oomlog_result r;
        if (!p)
                return -ENOMEM;
        for (bool eof = false; !eof || have > 0;) {
                if (!eof) {
                        ssize_t n = fill(fd, buf, have, CHUNK);
                        if (n < 0) {
                                oomlog_free(p);
                                return (int)n;
                        }
                        eof = (size_t)n < CHUNK;
                        have = (size_t)n;
                }
                const char *nl = memrchr(buf, '\n', have);
                /* a line longer than the chunk is cut (the parser keeps 64 KiB) */
                size_t take = eof || !nl ? have : (size_t)(nl - buf) + 1;
                oomlog_feed_buffer(p, buf, take);
                memmove(buf, buf + take, have - take);
                have -= take;
        }
        int e = oomlog_finish(p, &r);
        if (e < 0)
                return e;
        e = print_result(&r, o, name);
        oomlog_result_free(&r);
        return e;
}

static int explain_pipe(int fd, struct opts *o, const char *name)
{
        char *buf = malloc(CHUNK);
        if (!buf)
                return -ENOMEM;
        ssize_t n = fill(fd, buf, 0, CHUNK);
        if (n < 0) {
                free(buf);
                return (int)n;
        }
        if (oomlog_newest_first(buf, (size_t)n))
                return slurp(fd, buf, (size_t)n, o, name);
        int r = stream(fd, buf, (size_t)n, o, name);
        free(buf);
        return r;
}

static int explain_fd(int fd, struct opts *o, const char *name)
{
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
                void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
                if (m != MAP_FAILED) {
                        madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
                        int r = explain_buffer(m, (size_t)st.st_size, o, name);
                        munmap(m, (size_t)st.st_size);
                        return r;
                }
        }
        int r = explain_pipe(fd, o, name);
        if (r < 0) {
                fprintf(stderr, "oomguard explain: reading %s: %s\n", name,
                        r == -EFBIG ? "more than 4 GiB; split the log" : strerror(-r));
                return EXIT_INPUT;
        }
        return EXIT_OK;
}

static int explain_path(const char *path, struct opts *o)
{
        if (strcmp(path, "-") == 0)
                return explain_fd(STDIN_FILENO, o, "standard input");
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "oomguard explain: cannot open %s: %s\n", path,
                        strerror(errno));
                return EXIT_INPUT;
        }
        return explain_fd(fd, o, path);
}

static int feed_kmsg_line(const char *line, size_t len, void *ud)
{
        return oomlog_feed_line(ud, line, len);
}

static int explain_kmsg(struct opts *o)
{
        struct og_error err = {0};
        struct kmsg_stats ks;
        struct oomlog_result r;
        struct oomlog *p = oomlog_new();
        if (!p) {
                fputs("oomguard explain: out of memory\n", stderr);
                return EXIT_INPUT;
        }
        if (kmsg_read_all(o->kmsg_path, feed_kmsg_line, p, &ks, &err) < 0) {
                oomlog_free(p);
                fprintf(stderr, "oomguard explain: %s\n", err.msg);
                return EXIT_INPUT;
        }
        if (oomlog_finish(p, &r) < 0) {
                fputs("oomguard explain: out of memory parsing the kernel log\n", stderr);
                return EXIT_INPUT;
        }
        if (ks.lost > 0)
                fprintf(stderr, "oomguard explain: %zu kernel log records were "
                                "overwritten before they could be read\n", ks.lost);
        int e = print_result(&r, o, o->kmsg_path);
        oomlog_result_free(&r);
        return e < 0 ? EXIT_INPUT : EXIT_OK;
}

int cmd_explain(int argc, char **argv)
{
        static const struct option longopts[] = {
                {"json", no_argument, NULL, 'j'},
                {"kmsg", no_argument, NULL, 'k'},
                {"help", no_argument, NULL, 'h'},
                {NULL, 0, NULL, 0},
        };
        struct opts o = {.kmsg_path = getenv("OOMGUARD_KMSG") ? getenv("OOMGUARD_KMSG")
                                                              : "/dev/kmsg"};
        int c;
        while ((c = getopt_long(argc, argv, "jkh", longopts, NULL)) != -1) {
                switch (c) {
                case 'j': o.json = true; break;
                case 'k': o.kmsg = true; break;
                case 'h': usage(stdout); return EXIT_OK;
                default:
                        fputs("Run 'oomguard explain --help' for usage.\n", stderr);
                        return EXIT_USAGE;
                }
        }
        if (o.kmsg && optind < argc) {
                fputs("oomguard explain: --kmsg reads the live kernel log; give "
                      "either --kmsg or files, not both\n", stderr);
                return EXIT_USAGE;
        }
        if (o.kmsg)
                return explain_kmsg(&o);
        if (optind == argc)
                return explain_path("-", &o);
        int rc = EXIT_OK;
        o.many = argc - optind > 1;
        for (int i = optind; i < argc; i++)
                if (explain_path(argv[i], &o) != EXIT_OK)
                        rc = EXIT_INPUT;
        return rc;
}
