/* SPDX-License-Identifier: MIT */
/* oomguard explain [--json] [--kmsg] [FILE...] */
#define _GNU_SOURCE
#include "cli.h"

#include "explain.h"
#include "kmsg.h"
#include "oomlog.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define CHUNK ((size_t)1 << 20)
#define WHOLE_MAX ((size_t)4 << 30) /* newest-first input is read whole */

struct opts {
        bool json, kmsg;
        const char *kmsg_path;
        bool many;                  /* several inputs: name each */
        struct explain_clock clock; /* the live host's boot time, or 0 */
};

static void usage(FILE *out)
{
        fputs("Usage: oomguard explain [--json] [--kmsg] [FILE...]\n"
              "\n"
              "Reads kernel logs (dmesg, dmesg -T/-x/-H, /dev/kmsg dumps, journalctl,\n"
              "syslog, or text pasted from anywhere) and explains every process the\n"
              "OOM killer killed: its own memory limit, a parent cgroup's limit, a\n"
              "host-wide OOM, a cpuset or a NUMA policy -- and what to change.\n"
              "Kills by systemd-oomd, earlyoom, nohang, Android's lmkd and the\n"
              "kubelet's eviction manager are listed after them, as such.\n"
              "With no FILE, or when FILE is -, reads standard input.\n"
              "\n"
              "  -j, --json        one JSON object per kill (see oomguard(8));\n"
              "                    userspace killers' records carry their name\n"
              "                    in \"killer\"\n"
              "  -k, --kmsg        read the live kernel log (/dev/kmsg) now,\n"
              "                    without waiting for new messages\n"
              "  -h, --help        show this help\n"
              "\n"
              "Exit status: 0 when every input was read (with or without kills),\n"
              "1 when an input could not be read or the output not written,\n"
              "2 on a usage error.\n",
              out);
}

/* Print the kills; a failed write is reported as such (exit 1). */
static int print_result(const struct oomlog_result *r, const struct opts *o, const char *name)
{
        if (!o->json && o->many && (r->n_kills > 0 || r->n_user_kills > 0))
                printf("== %s\n", name);
        for (size_t i = 0; i < r->n_kills; i++) {
                int e = o->json ? explain_write_json_at(stdout, &r->kills[i], &o->clock)
                                : explain_write_text_at(stdout, &r->kills[i], i, r->n_kills,
                                                        &o->clock);
                if (e < 0)
                        break;
        }
        /* userspace killers' records after the kernel's, never counted as
         * kernel OOM kills */
        for (size_t i = 0; i < r->n_user_kills; i++) {
                int e = o->json ? explain_write_user_json(stdout, &r->user_kills[i])
                                : explain_write_user_text(stdout, &r->user_kills[i], i,
                                                          r->n_user_kills);
                if (e < 0)
                        break;
        }
        for (size_t i = 0; !o->json && i < r->n_novictims; i++)
                if (explain_write_novictim_text(stdout, &r->novictims[i]) < 0)
                        break;
        if (!o->json && r->n_kills == 0 && r->n_user_kills == 0)
                printf("%s: no OOM kill found (%zu OOM invocations without a "
                       "visible kill).\n",
                       name, r->stats.orphan_invocations);
        else if (!o->json && r->n_kills == 0)
                printf("%s: no kernel OOM kill found; the kills above were made by "
                       "userspace OOM killers.\n",
                       name);
        if (r->stats.dropped_kills)
                fprintf(stderr,
                        "oomguard explain: %s: %zu kills beyond the first "
                        "%zu were not reported; split the log\n",
                        name, r->stats.dropped_kills, r->n_kills);
        if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "oomguard explain: writing output: %s\n",
                        strerror(errno ? errno : EIO));
                return EXIT_INPUT;
        }
        return EXIT_OK;
}

static int finish(struct oomlog *p, const struct opts *o, const char *name)
{
        struct oomlog_result r;
        if (oomlog_finish(p, &r) < 0) {
                fprintf(stderr, "oomguard explain: %s: out of memory\n", name);
                return EXIT_INPUT;
        }
        int rc = print_result(&r, o, name);
        oomlog_result_free(&r);
        return rc;
}

/* Read until buf holds cap bytes or the input ends; bytes held, or -errno.
 * *eof is set when the input ended. */
static ssize_t fill(int fd, char *buf, size_t have, size_t cap, bool *eof)
{
        while (have < cap) {
                ssize_t n = read(fd, buf + have, cap - have);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0) {
                        *eof = true;
                        break;
                }
                have += (size_t)n;
        }
        return (ssize_t)have;
}

/* Newest-first exports are read whole, then parsed in reverse. */
static int whole(int fd, char *buf, size_t len, bool eof, const struct opts *o, const char *name)
{
        size_t cap = CHUNK;
        while (!eof) {
                char *nb = cap < WHOLE_MAX ? realloc(buf, cap * 2) : NULL;
                if (!nb) {
                        free(buf);
                        return cap < WHOLE_MAX ? -ENOMEM : -EFBIG;
                }
                buf = nb;
                cap *= 2;
                ssize_t n = fill(fd, buf, len, cap, &eof);
                if (n < 0) {
                        free(buf);
                        return (int)n;
                }
                len = (size_t)n;
        }
        struct oomlog_result r;
        struct og_error err = {0};
        int e = oomlog_parse(buf, len, &r, &err);
        free(buf);
        if (e < 0) {
                fprintf(stderr, "oomguard explain: %s: %s\n", name, err.msg);
                return EXIT_INPUT;
        }
        int rc = print_result(&r, o, name);
        oomlog_result_free(&r);
        return rc;
}

/* Complete lines go to the parser a chunk at a time: memory stays bounded
 * by the kills found, not by the size of the input. */
static int stream(int fd, char *buf, size_t have, bool eof, const struct opts *o,
                  const char *name)
{
        struct oomlog *p = oomlog_new();
        if (!p)
                return -ENOMEM;
        for (;;) {
                const char *nl = memrchr(buf, '\n', have);
                /* a line longer than a chunk is cut (the parser keeps 64 KiB) */
                size_t take = eof || !nl ? have : (size_t)(nl - buf) + 1;
                oomlog_feed_buffer(p, buf, take);
                memmove(buf, buf + take, have - take);
                have -= take;
                if (eof && have == 0)
                        break;
                ssize_t n = fill(fd, buf, have, CHUNK, &eof);
                if (n < 0) {
                        oomlog_free(p);
                        return (int)n;
                }
                have = (size_t)n;
        }
        return finish(p, o, name);
}

static int explain_fd(int fd, const struct opts *o, const char *name)
{
        bool eof = false;
        char *buf = malloc(CHUNK);
        ssize_t n = buf ? fill(fd, buf, 0, CHUNK, &eof) : -ENOMEM;
        int r;
        if (n < 0)
                r = (int)n;
        else if (oomlog_newest_first(buf, (size_t)n))
                return whole(fd, TAKE_PTR(buf), (size_t)n, eof, o, name);
        else
                r = stream(fd, buf, (size_t)n, eof, o, name);
        free(buf);
        if (r < 0) {
                fprintf(stderr, "oomguard explain: reading %s: %s\n", name,
                        r == -EFBIG ? "more than 4 GiB in newest-first order; split it"
                                    : strerror(-r));
                return EXIT_INPUT;
        }
        return r;
}

static int feed_kmsg_line(const char *line, size_t len, void *ud)
{
        return oomlog_feed_line(ud, line, len);
}

/* When this host booted, as a wall-clock time: kmsg record times are
 * microseconds after it. CLOCK_BOOTTIME counts suspended time too, as the
 * record times do not: after a suspend the times are early by its length. */
static double boot_epoch(void)
{
        struct timespec real, boot;
        if (clock_gettime(CLOCK_REALTIME, &real) < 0 || clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
                return 0;
        return (double)real.tv_sec - (double)boot.tv_sec +
               (double)(real.tv_nsec - boot.tv_nsec) / 1e9;
}

static int explain_kmsg(const struct opts *oin, const char *path)
{
        struct opts local = *oin, *o = &local;
        struct stat st;
        /* only this host's own log: a saved dump may come from elsewhere */
        if (path && stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
            minor(st.st_rdev) == 11)
                local.clock.boot_epoch = boot_epoch();
        struct og_error err = {0};
        struct kmsg_stats ks;
        struct oomlog *p = oomlog_new();
        if (!p) {
                fputs("oomguard explain: out of memory\n", stderr);
                return EXIT_INPUT;
        }
        if (kmsg_read_all(path, feed_kmsg_line, p, &ks, &err) < 0) {
                oomlog_free(p);
                fprintf(stderr, "oomguard explain: %s\n", err.msg);
                return EXIT_INPUT;
        }
        if (ks.lost > 0)
                fprintf(stderr,
                        "oomguard explain: %zu kernel log records were "
                        "overwritten before they could be read; a larger "
                        "log_buf_len= or a saved journal keeps them\n",
                        ks.lost);
        return finish(p, o, path);
}

/* /dev/kmsg named as a file: read it without blocking, record by record. */
static bool is_kmsg(const struct stat *st)
{
        return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 && minor(st->st_rdev) == 11;
}

static int explain_path(const char *path, const struct opts *o)
{
        if (strcmp(path, "-") == 0)
                return explain_fd(STDIN_FILENO, o, "standard input");
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
                fprintf(stderr, "oomguard explain: cannot open %s: %s\n", path, strerror(errno));
                return EXIT_INPUT;
        }
        if (is_kmsg(&st))
                return explain_kmsg(o, path);
        return explain_fd(fd, o, path);
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
                      "either --kmsg or files, not both\n",
                      stderr);
                return EXIT_USAGE;
        }
        cli_safe_output(o.json);
        if (o.kmsg)
                return explain_kmsg(&o, o.kmsg_path);
        if (optind == argc)
                return explain_path("-", &o);
        int rc = EXIT_OK;
        o.many = argc - optind > 1;
        for (int i = optind; i < argc; i++)
                if (explain_path(argv[i], &o) != EXIT_OK)
                        rc = EXIT_INPUT;
        return rc;
}
