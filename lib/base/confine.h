/* SPDX-License-Identifier: MIT */
/* Confinement: after setup (argv, the administrator's configuration) and
 * before any untrusted input is read, the hook and the CLI give up every
 * capability they do not need and install a seccomp allowlist. Both are
 * inherited by the watcher the hook forks. Always on: there is no switch.
 * Which capabilities each stage keeps, and why: oomguard-hook(8),
 * CONFINEMENT. */
#ifndef OOMGUARD_CONFINE_H
#define OOMGUARD_CONFINE_H

#include "util.h"

#include <sys/capability.h>

/* Profiles are bits: a hook whose stage is known only from its state gets
 * both of its stages' allowlists (CONFINE_HOOK). */
enum confine_profile {
        CONFINE_HOOK_CREATE = 1 << 0,   /* create, and the watcher it forks */
        CONFINE_HOOK_POSTSTOP = 1 << 1, /* the verdict: kmsg, log, syslog */
        CONFINE_HOOK = CONFINE_HOOK_CREATE | CONFINE_HOOK_POSTSTOP,
        CONFINE_CLI = 1 << 2,           /* read-only: files and /proc in, stdout out */
};

/* Set no_new_privs; drop every capability not in keep[0..n) from the
 * bounding set (when CAP_SETPCAP allows it) and from the effective and
 * permitted sets; clear the inheritable set (and with it the ambient one).
 * A kept capability the process does not hold stays absent: an
 * unprivileged caller simply has nothing to drop. */
int confine_caps(const cap_value_t *keep, size_t n, struct og_error *err);

/* Install the profile's allowlist. Anything else fails with EPERM (clone3
 * with ENOSYS, so libc falls back to clone, whose flags are checked), and
 * the kernel logs each refusal (audit type 1326, SECCOMP) where the kernel
 * supports it. Call after confine_caps. */
int confine_seccomp(enum confine_profile profile, struct og_error *err);

#endif
