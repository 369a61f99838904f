/* SPDX-License-Identifier: MIT */
/* /etc/oomguard/config.json: the administrator's memory policy and where
 * oomguard keeps its state. Every key is optional; an unknown key is an
 * error (a typo must not silently become a default). See oomguard.json(5). */
#ifndef OOMGUARD_CONFIG_H
#define OOMGUARD_CONFIG_H

#include "util.h"

#include <limits.h>
#include <stdint.h>

#define CONFIG_DEFAULT_PATH "/etc/oomguard/config.json"
#define CONFIG_MAX (1024 * 1024)
#define CONFIG_METRICS_DEFAULT "/var/lib/prometheus/node-exporter/oomguard.prom"

enum swap_mode {
        SWAP_INHERIT = 0, /* keep what the engine asked for */
        SWAP_NONE,        /* memory+swap = memory */
        SWAP_UNLIMITED,
        SWAP_BYTES,   /* this much swap on top of the limit */
        SWAP_PERCENT, /* this share of the limit as swap */
};

struct swap_policy {
        enum swap_mode mode;
        int64_t bytes;   /* SWAP_BYTES */
        int64_t percent; /* SWAP_PERCENT, 0..1000 */
};

enum writeback_mode {
        WRITEBACK_AUTO = 0, /* what works on this host (see oomguard.json(5)) */
        WRITEBACK_OFF,
        WRITEBACK_PRELOAD, /* the write window, in glibc programs only */
        WRITEBACK_HOST,    /* vm.dirty_* below the smallest container's room */
};

struct og_config {
        bool adj_auto; /* "oom_score_adj": "auto" (default) */
        int adj;       /* a fixed oom_score_adj otherwise */
        int adj_floor; /* nothing below this (default 0) */
        struct swap_policy swap;
        int memory_high_percent; /* 0 = leave memory.high alone (v2) */
        int oom_group;           /* -1 leave alone, 0 or 1 (v2) */
        bool annotations;        /* honour org.oomguard.* (default true) */
        bool fail_closed;        /* hook trouble stops the container */
        char state_dir[PATH_MAX];
        char verdict_log[PATH_MAX];
        char metrics[PATH_MAX];          /* node_exporter textfile ("": off) */
        bool metrics_auto;               /* the default: only if its directory exists */
        char termination_root[PATH_MAX]; /* termination logs below it ("": off) */
        char runtime[PATH_MAX];          /* the shim's real runtime: a name or a path */
        char hook[PATH_MAX];             /* the hook the shim registers ("": beside it) */
        int hook_timeout;                /* seconds, in the hook entries the shim adds */
        enum writeback_mode writeback;
        int64_t writeback_window;    /* bytes; 0: from the limit (limit / 16, 4..32 MiB) */
        int64_t writeback_host_min;  /* the host mode's floor for vm.dirty_bytes (16 MiB) */
        int writeback_host_interval; /* seconds between its rewrites, at least (1) */
};

void config_defaults(struct og_config *c);

/* Parse a config document; name is used in messages ("the file"). */
int config_parse(const char *buf, size_t len, const char *name, struct og_config *ret,
                 struct og_error *err);

/* Load path; a missing file at the default path means defaults. */
int config_load(const char *path, struct og_config *ret, struct og_error *err);

/* The last configuration that loaded, kept so that a file broken later
 * does not silently become the defaults: CONFIG_KEPT_PATH for the default
 * path, "<path>.last-good" beside any other. */
#define CONFIG_KEPT_PATH "/var/lib/oomguard/config.last-good.json"
int config_kept_path(const char *path, char *buf, size_t cap);

/* config_load, then: when the file loads and save is set, keep a copy of
 * it (best effort); when it does not load, the kept copy if that loads.
 * 0: the file loaded (or the defaults, no file at the default path); 1:
 * the kept copy is in force and err says what is wrong with the file;
 * negative: neither loaded (err about the file). */
int config_load_kept(const char *path, bool save, struct og_config *ret, struct og_error *err);

/* "512M", "1G", "1048576" -> bytes; false on anything else. */
bool config_parse_size(const char *s, int64_t *ret);

/* swap value as the config and annotations write it */
bool config_parse_swap(const char *s, struct swap_policy *ret);

#endif
