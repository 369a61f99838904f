/* SPDX-License-Identifier: MIT */
/* What the hook needs from a bundle's config.json: the memory resources,
 * the annotations, the cgroups path and the oomScoreAdj the engine set.
 * Bounded read; a pure parser over the document. */
#ifndef OOMGUARD_SPEC_H
#define OOMGUARD_SPEC_H

#include "ocistate.h"
#include "util.h"

#include <limits.h>
#include <stdint.h>

#define SPEC_MAX (16 * 1024 * 1024) /* a config.json larger than this is refused */

struct oci_spec {
        int64_t limit;       /* linux.resources.memory.limit; 0 = none */
        int64_t reservation; /* .reservation; 0 = none */
        int64_t memsw;       /* .swap (memory+swap): 0 unset, -1 unlimited */
        bool has_oom_score_adj;
        int oom_score_adj; /* process.oomScoreAdj */
        char cgroups_path[PATH_MAX];
        char root_path[PATH_MAX]; /* root.path: absolute, or relative to the bundle */
        struct oci_annotation *annotations;
        size_t n_annotations;
};

int spec_parse(const char *buf, size_t len, const char *name, struct oci_spec *ret,
               struct og_error *err);
/* <bundle>/config.json, opened relative to the bundle directory. */
int spec_load(const char *bundle, struct oci_spec *ret, struct og_error *err);
void spec_free(struct oci_spec *s);
const char *spec_annotation(const struct oci_spec *s, const char *key);

#endif
