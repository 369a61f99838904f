/* SPDX-License-Identifier: MIT */
/* What the shim changes in a bundle's config.json before the runtime sees
 * it: oomguard-hook at createRuntime and poststop (once, with a timeout),
 * process.oomScoreAdj from the policy, the swap translation, and for the
 * writeback policy the write-window library (a read-only bind mount, in
 * LD_PRELOAD, its window in the environment). Everything else keeps its
 * exact bytes. A document in, a document out; the one file it writes is
 * the container's own copy of the library, when the plan names a bundle. */
#ifndef OOMGUARD_SHIMSPEC_H
#define OOMGUARD_SHIMSPEC_H
#include "config.h"
#include "policy.h"
#include "util.h"
#include <stdbool.h>
#include <stdint.h>

struct shim_plan {
        const char *hook;        /* absolute path of oomguard-hook; NULL: add none */
        const char *hook_config; /* the hook's --config, NULL for its default */
        int64_t host_mem;        /* MemTotal, bytes */
        bool swap_accounting;    /* the host can limit memory+swap */
        const char *preload;     /* host path of the write-window library; NULL: none */
        const char *bundle_dir;  /* where the container's copy of it goes; NULL:
                                  * preload itself is mounted (tests only) */
        int64_t window;          /* its window in bytes */
        const char *writeback;   /* "preload", "host" or NULL: the annotation for the hook */
        const char *runtime;     /* the runtime the shim hands over to, for the hook to
                                  * record (HOOKSTATE_RUNTIME); NULL: none */
};

/* Where the write-window library appears inside the container. */
#define SHIM_PRELOAD_DEST "/.oomguard/liboomguard-pagecache.so"
/* The container's own copy of it, in its bundle directory: the bind mount
 * is read-only, but a container with CAP_SYS_ADMIN in the host's user
 * namespace can remount it read-write; what it then changes must be its
 * own copy, never a file every container is served. Rewritten (a new
 * inode) at every create. */
#define SHIM_PRELOAD_COPY ".oomguard-pagecache.so"
#define SHIM_PRELOAD_MAX (16 << 20)
#define SHIM_ANN_WRITEBACK "org.oomguard.writeback"

struct shim_result {
        char *buf; /* the new document, NUL-terminated; free() it */
        size_t len;
        struct policy pol;
        bool set_swap;   /* linux.resources.memory.swap was written */
        int hooks_added; /* 0..2: entries already present are kept, not doubled */
        bool preloaded;  /* the library is mounted and in LD_PRELOAD */
};

int shimspec_rewrite(const char *buf, size_t len, const struct og_config *cfg,
                     const struct shim_plan *plan, struct shim_result *ret, struct og_error *err);
#endif
