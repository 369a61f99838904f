/* SPDX-License-Identifier: MIT */
/* Facts read from cgroup paths as the kernel prints them: container ids
 * (docker, cri-containerd, crio, libpod; cgroupfs and systemd drivers), pod
 * uids, and how an OOM memcg relates to the victim's memcg. Pure. */
#ifndef OOMGUARD_CGPATH_H
#define OOMGUARD_CGPATH_H

#include <stdbool.h>
#include <stddef.h>

#define CG_ID_LEN 64
#define CG_UID_LEN 36

/* 64-hex runtime id of the innermost container in path; false if none.
 * Pod-level cgroups (slices, podman pod ids) never yield an id. */
bool cg_container_id(const char *path, size_t n, char ret[CG_ID_LEN + 1]);

/* Kubernetes pod uid (dashed form) from a pod<uid> component. */
bool cg_pod_uid(const char *path, size_t n, char ret[CG_UID_LEN + 1]);

/* True if the innermost component can only be a grouping level (a systemd
 * slice, a Kubernetes pod or QoS level, a podman pod): no task lives there. */
bool cg_is_group_level(const char *path, size_t n);

enum cg_relation {
        CG_REL_UNKNOWN = 0,
        CG_REL_SAME,     /* the victim's own memcg hit its limit */
        CG_REL_ANCESTOR, /* an ancestor's limit was hit */
};

/* Relation of the OOM memcg to the victim's memcg. Tolerates the corrupted
 * and elided paths pasted logs contain: a victim always lives inside the
 * OOM memcg's subtree, so the question is only "same or deeper". */
enum cg_relation cg_relation(const char *oom, size_t on, const char *task, size_t tn);

#endif
