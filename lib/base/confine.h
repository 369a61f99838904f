/* SPDX-License-Identifier: MIT */
/* Confinement: after setup (argv, the administrator's configuration) and
 * before any untrusted input is read, the hook and the CLI give up every
 * capability they do not need, restrict where they may write (Landlock,
 * where the kernel has it) and install a seccomp allowlist. All three are
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
        CONFINE_CLI = 1 << 2,        /* read-only: files and /proc in, stdout out */
        CONFINE_CLI_DOCKER = 1 << 3, /* with CLI: a unix socket (doctor asks dockerd) */
};

/* What a Landlock rule lets the process do beneath a directory (or to one
 * file): change existing files' contents (write, truncate), create regular
 * files and directories, remove files and directories. Everything else
 * that changes the filesystem (devices, FIFOs, sockets, symlinks, links
 * and renames across directories) and executing files stay refused
 * everywhere. */
enum confine_right {
        CONFINE_WRITE = 1 << 0,
        CONFINE_CREATE = 1 << 1,
        CONFINE_REMOVE = 1 << 2,
};

struct confine_rule {
        const char *path; /* a directory (and all beneath it) or a file */
        unsigned rights;  /* enum confine_right bits */
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
 * supports it. No profile may make or connect a socket: for the hook's,
 * the syslog connection (lib/logsock.h) is made just before the filter.
 * Call after confine_caps. */
int confine_seccomp(enum confine_profile profile, struct og_error *err);

/* The Landlock ABI version the kernel offers (Linux 5.13+), 0 when it has
 * none (not built in, or not among the active LSMs). */
int confine_landlock_abi(void);

/* Add a Landlock layer (it can only narrow what earlier layers allow, and
 * children inherit it): from now on the process may change the filesystem
 * only as rules[0..n) say, may not execute files, and, where the ABI has
 * them, may not bind or connect TCP sockets nor connect to abstract unix
 * sockets outside its domain. Reading stays allowed everywhere. A rule
 * whose path cannot be opened is left out (what it would allow stays
 * refused). Needs no_new_privs (confine_caps). Returns 0, -EOPNOTSUPP when
 * the kernel has no Landlock (nothing is done: the caller goes on without
 * it), or another negative errno. */
int confine_landlock(const struct confine_rule *rules, size_t n, struct og_error *err);

#endif
