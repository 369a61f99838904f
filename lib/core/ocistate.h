/* SPDX-License-Identifier: MIT */
/* The OCI state a runtime hands a hook on stdin:
 * {"ociVersion":..,"id":..,"status":..,"pid":..,"bundle":..,"annotations":{}}
 * Pure parser over a bounded buffer; the id is validated so that it can name
 * a state directory without escaping it. */
#ifndef OOMGUARD_OCISTATE_H
#define OOMGUARD_OCISTATE_H

#include "util.h"

#include <stdint.h>

#define OCISTATE_MAX (1024 * 1024) /* bytes read from stdin at most */
#define OCI_ID_MAX 128

struct oci_annotation {
        char *key, *value;
};

struct oci_state {
        char id[OCI_ID_MAX + 1];
        char *status;   /* "creating", "created", "running", "stopped" */
        int64_t pid;    /* 0 or absent on poststop (crun passes 0) */
        char *bundle;
        struct oci_annotation *annotations;
        size_t n_annotations;
};

int ocistate_parse(const char *buf, size_t len, struct oci_state *ret,
                   struct og_error *err);
void ocistate_free(struct oci_state *s);

/* A runtime id usable as one path component: [A-Za-z0-9][A-Za-z0-9_.-]*,
 * at most OCI_ID_MAX bytes. */
bool oci_id_valid(const char *id, size_t len);

/* Value of annotation key, or NULL. */
const char *ocistate_annotation(const struct oci_state *s, const char *key);

#endif
