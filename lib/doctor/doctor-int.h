/* SPDX-License-Identifier: MIT */
/* Shared by doctor.c, doctor_mem.c and doctor_engines.c: the audit's
 * context, rooted file access and the checks themselves. */
#ifndef OOMGUARD_DOCTOR_INT_H
#define OOMGUARD_DOCTOR_INT_H

#include "doctor.h"

#define DOCTOR_SCRATCH (4 * 1024 * 1024) /* mountinfo of a busy node */

struct doctor_ctx {
        char root[PATH_MAX]; /* "" = this host */
        const struct doctor_opts *opts;
        struct doctor_report *rep;
        struct doctor_finding spare; /* written to when the report is full */
        char *scratch;               /* DOCTOR_SCRATCH + 1 bytes */
        struct doctor_cgmode cg;     /* from doctor_check_cgroup */
        struct doctor_meminfo mem;   /* from doctor_check_meminfo */
        bool have_cg, have_mem;
        int writeback; /* the writeback mode in force (enum writeback_mode) */
};

/* Directories searched for runtimes and engines, in PATH order. */
extern const char *const doctor_bin_dirs[];
extern const size_t doctor_n_bin_dirs;

/* Add a finding; never NULL (a full report hands out a spare). */
struct doctor_finding *doctor_add(struct doctor_ctx *c, enum doctor_level l, const char *check,
                                  const char *fmt, ...) OG_PRINTF(4, 5);
void doctor_todo(struct doctor_finding *f, const char *fmt, ...) OG_PRINTF(2, 3);

/* <root><path> */
int doctor_path(const struct doctor_ctx *c, const char *path, char *buf, size_t cap);
/* Whole file under the root, NUL-terminated; -EFBIG rather than truncate. */
int doctor_read(const struct doctor_ctx *c, const char *path, char *buf, size_t cap,
                size_t *ret_len);
/* A file holding one number; OG_NONE when unreadable. */
int64_t doctor_read_int(const struct doctor_ctx *c, const char *path);
bool doctor_exists(const struct doctor_ctx *c, const char *path);
/* An executable regular file at path (absolute) or, for a bare name, in the
 * bin dirs; ret gets the host path found. */
bool doctor_find_exec(const struct doctor_ctx *c, const char *name, char *ret, size_t cap);

/* Ask the running dockerd (opts->docker_socket); err when none answers. */
int doctor_docker_live(struct doctor_ctx *c, struct doctor_docker_live *ret,
                       struct og_error *err);

void doctor_check_cgroup(struct doctor_ctx *c);
void doctor_check_meminfo(struct doctor_ctx *c);
void doctor_check_swap(struct doctor_ctx *c);
void doctor_check_dirty(struct doctor_ctx *c);
void doctor_check_overcommit(struct doctor_ctx *c);
void doctor_check_runtimes(struct doctor_ctx *c);
void doctor_check_engines(struct doctor_ctx *c);
struct og_config;
void doctor_check_writeback(struct doctor_ctx *c, const struct og_config *cfg);

#endif
