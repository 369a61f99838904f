/* SPDX-License-Identifier: MIT */
/* The OCI state a runtime hands a hook on stdin:
 * {"ociVersion":..,"id":..,"status":..,"pid":..,"bundle":..,"annotations":{}}
 * Read as a stream: the fields the hook needs have their own bounds, the
 * annotations (which an image can fill: podman copies an image's into the
 * spec, runtimes copy the spec's into the state) are skipped as they go
 * by except oomguard's own. Nothing an image controls decides whether the
 * state is taken. */
#ifndef OOMGUARD_OCISTATE_H
#define OOMGUARD_OCISTATE_H

#include "ocid.h"
#include "util.h"

#include <stdint.h>

/* Bytes of the state parsed at most. Runtimes write id, status, pid and
 * bundle before the annotations: past this bound (which no engine
 * reaches; oomguard refuses a larger config.json too) the rest is left
 * unread and said, and the state refused only if the id has not come. */
#define OCISTATE_MAX (16 * 1024 * 1024)
/* Annotations larger than this together are said (Kubernetes allows 256 KiB). */
#define OCISTATE_ANN_MAX (1024 * 1024)
#define OCISTATE_ANN_PREFIX "org.oomguard." /* the only annotations kept */
#define OCISTATE_ANN_KEEP 16
#define OCISTATE_ANN_KEY_MAX 256
#define OCISTATE_ANN_VALUE_MAX (16 * 1024)
#define OCISTATE_DEPTH_MAX 32
#define OCISTATE_NOTES 4

struct oci_annotation {
        char *key, *value;
};

struct oci_state {
        char id[OCI_ID_MAX + 1];
        char *status; /* "creating", "created", "running", "stopped" */
        int64_t pid;  /* 0 or absent on poststop (crun passes 0) */
        char *bundle;
        struct oci_annotation *annotations; /* org.oomguard.* only */
        size_t n_annotations;
        char notes[OCISTATE_NOTES][200]; /* what was ignored, for the log */
        size_t n_notes;
};

/* A whole state in a buffer (tests, fuzzing): the stream below, fed once. */
int ocistate_parse(const char *buf, size_t len, struct oci_state *ret, struct og_error *err);
/* The state from fd until EOF: at most OCISTATE_MAX bytes parsed, then up
 * to OCISTATE_DRAIN more read and dropped so that the runtime's write
 * ends; memory stays bounded whatever comes. */
#define OCISTATE_DRAIN (256 * 1024 * 1024)
int ocistate_read_fd(int fd, struct oci_state *ret, struct og_error *err);
void ocistate_free(struct oci_state *s);

/* The stream itself: feed returns 1 once it wants no more (the bound),
 * 0 for more, a negative errno when the state is refused; finish at EOF
 * or after 1. Feed large pieces (ocistate_read_fd: 1 MiB): yajl lexes a
 * token that spans two again from its start. */
struct ocistate_reader;
struct ocistate_reader *ocistate_reader_new(void);
int ocistate_reader_feed(struct ocistate_reader *r, const char *buf, size_t len,
                         struct og_error *err);
int ocistate_reader_finish(struct ocistate_reader *r, struct oci_state *ret,
                           struct og_error *err);
void ocistate_reader_free(struct ocistate_reader *r);

/* Value of annotation key (org.oomguard.*), or NULL. */
const char *ocistate_annotation(const struct oci_state *s, const char *key);

#endif
