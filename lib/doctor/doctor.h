/* SPDX-License-Identifier: MIT */
/* `oomguard doctor`: a host audit. Each check reads the host through an
 * injectable root (a fixture tree in tests) and adds findings: a level, what
 * was found, what to do about it. The parsers of the files it reads are pure
 * and exported for tests. */
#ifndef OOMGUARD_DOCTOR_H
#define OOMGUARD_DOCTOR_H

#include "util.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

enum doctor_level {
        DOCTOR_OK = 0,
        DOCTOR_INFO,
        DOCTOR_WARN,
        DOCTOR_ERROR,
};

#define DOCTOR_MAX_FINDINGS 64

struct doctor_finding {
        enum doctor_level level;
        char check[16];  /* "cgroup", "swap", "dirty", "docker", ... */
        char what[1024]; /* what was found */
        char todo[512];  /* what to do about it; "" when nothing */
};

struct doctor_report {
        struct doctor_finding f[DOCTOR_MAX_FINDINGS];
        size_t n;
        size_t dropped; /* findings past DOCTOR_MAX_FINDINGS */
};

struct doctor_opts {
        const char *root;            /* NULL, "" or "/": this host */
        const char *config;          /* NULL: <root>/etc/oomguard/config.json */
        const char *docker_config;   /* NULL: <root>/etc/docker/daemon.json */
        const char *docker_socket;   /* NULL: DOCKER_HOST (unix://), else
                                      * /var/run/docker.sock; asked without a root */
        const char *containers_conf; /* podman's one containers.conf
                                      * (CONTAINERS_CONF), NULL: its defaults */
};

/* Run every check; fails only when the audit cannot run at all (no memory,
 * a root that is not a directory). /dev/kmsg is checked only without a
 * root: it is always this kernel's. */
int doctor_run(const struct doctor_opts *opts, struct doctor_report *ret, struct og_error *err);

/* Any warning or error: `oomguard doctor` exits 1. */
bool doctor_has_problems(const struct doctor_report *r);
const char *doctor_level_name(enum doctor_level l);

int doctor_write_text(FILE *out, const struct doctor_report *r);
/* One object per finding per line: level, check, message, action. */
int doctor_write_json(FILE *out, const struct doctor_report *r);

/* Open path (/dev/kmsg) as the hook does and read one record: 1 when a
 * record was read, 0 when readable but nothing came (caught up, or records
 * lost), a negative errno otherwise. */
int doctor_kmsg_probe(const char *path);

/* ---- pure parsers and arithmetic ---- */

/* cgroup mounts from /proc/self/mountinfo or /proc/mounts text. */
struct doctor_cgmode {
        bool v1_controllers;      /* a cgroup (v1) mount with controllers */
        bool v1_named;            /* a named v1 mount only (name=systemd) */
        char v1_memory[PATH_MAX]; /* mount point of the v1 memory controller */
        char v2[PATH_MAX];        /* cgroup2 mount point */
        char v2_controllers[256]; /* <v2>/cgroup.controllers (read by I/O) */
        bool v2_memory, v2_io;
};

enum doctor_cg_mode {
        DOCTOR_CG_NONE = 0,
        DOCTOR_CG_V1,
        DOCTOR_CG_HYBRID, /* v1 controllers and a cgroup2 mount */
        DOCTOR_CG_V2,
};

int doctor_parse_mounts(const char *buf, size_t len, struct doctor_cgmode *ret);
enum doctor_cg_mode doctor_cg_mode(const struct doctor_cgmode *m);

/* /proc/meminfo; OG_NONE for absent fields, -ENOENT without MemTotal. */
struct doctor_meminfo {
        int64_t mem_total_kb, mem_available_kb, swap_total_kb;
        int64_t commit_limit_kb, committed_as_kb;
};
int doctor_parse_meminfo(const char *buf, size_t len, struct doctor_meminfo *ret);

/* /proc/swaps: the number of swap areas and their total size in kB. */
void doctor_parse_swaps(const char *buf, size_t len, size_t *ret_n, int64_t *ret_kb);

/* vm.dirty_* and the thresholds they give for avail bytes of memory, as the
 * kernel computes them: bytes win over ratios; a background threshold at or
 * above the dirty threshold becomes half of it. */
struct doctor_dirty {
        int64_t bytes, ratio, bg_bytes, bg_ratio;
};
void doctor_dirty_thresholds(const struct doctor_dirty *d, int64_t avail, int64_t *ret_thresh,
                             int64_t *ret_bg);

/* "256 MiB", "4.6 GiB" */
void doctor_fmt_size(int64_t bytes, char *buf, size_t cap);

/* /etc/docker/daemon.json: the runtime whose path is oomguard-shim. */
struct doctor_docker {
        char runtime[64]; /* "" when none */
        char path[PATH_MAX];
        char default_runtime[64]; /* "runc" when not set */
};
int doctor_parse_docker(const char *buf, size_t len, struct doctor_docker *ret,
                        struct og_error *err);

/* dockerd's GET /info: the default runtime now, its path, and the
 * runtime whose path is oomguard-shim ("" when none). */
struct doctor_docker_live {
        char default_runtime[64];
        char default_path[PATH_MAX];
        char shim_runtime[64];
        char shim_path[PATH_MAX];
};
int doctor_parse_docker_info(const char *buf, size_t len, struct doctor_docker_live *ret,
                             struct og_error *err);

/* containerd config.toml and CRI-O crio.conf, scanned as text: a runtime
 * table whose BinaryName / runtime_path is oomguard-shim, the default
 * runtime, hooks_dir and whether the CRI plugin is disabled. Call on each
 * file in turn: later files add to and override earlier ones. */
#define DOCTOR_HOOKS_DIRS 4
struct doctor_engine_conf {
        char shim_runtime[64];
        char shim_path[PATH_MAX];
        char default_runtime[64];
        bool cri_disabled;
        char hooks_dir[DOCTOR_HOOKS_DIRS][PATH_MAX];
        size_t n_hooks_dir;
};
void doctor_parse_engine_conf(const char *buf, size_t len, struct doctor_engine_conf *ret);

/* An OCI hooks.d JSON file (podman, CRI-O). */
struct doctor_hookfile {
        bool ours; /* hook.path ends in oomguard-hook */
        char path[PATH_MAX];
        bool create; /* a createRuntime or prestart stage */
        bool poststop;
        bool always; /* when.always is true */
};
int doctor_parse_hookfile(const char *buf, size_t len, struct doctor_hookfile *ret,
                          struct og_error *err);

#endif
