/* SPDX-License-Identifier: MIT */
/* The Kubernetes termination message: the host file a bundle bind-mounts
 * at the termination message path (the annotation
 * io.kubernetes.container.terminationMessagePath where present, else
 * /dev/termination-log) gets the verdict's summary appended, so that the
 * kubelet, reading the file's last 4096 bytes, shows it in the pod's last
 * state. What the container wrote stays. See oomguard-hook(8). */
#ifndef OOMGUARD_TERMMSG_H
#define OOMGUARD_TERMMSG_H

#include "util.h"

#include <stddef.h>

#define TERMMSG_DEFAULT_PATH "/dev/termination-log"
#define TERMMSG_ANNOTATION "io.kubernetes.container.terminationMessagePath"
#define TERMMSG_DEFAULT_ROOT "/var/lib/kubelet/pods"

/* From a config.json (pure): the host path bind-mounted at the termination
 * message path. 1 and ret filled, 0 when there is none, or a negative errno
 * (not JSON, too long). */
int termmsg_find(const char *buf, size_t len, char *ret, size_t cap);

/* Append line (and a newline) to host_path, which must lie below root and
 * be a regular file reached without any symlink; a newline first when the
 * file does not end with one. A negative errno with err filled. */
int termmsg_append(const char *root, const char *host_path, const char *line,
                   struct og_error *err);

#endif
