/* SPDX-License-Identifier: MIT */
/* syslog over one connection made before confinement: once the seccomp
 * filter is in, no socket can be made or connected, so the hook connects
 * to /dev/log first and sends every message through that socket. A
 * process that closes it behind our back is noticed: the descriptor is
 * used only while it is still the socket we connected. */
#ifndef OOMGUARD_LOGSOCK_H
#define OOMGUARD_LOGSOCK_H

/* Connect to path (NULL: /dev/log), a datagram socket, else a stream one.
 * Made once: later calls, and sends after a failed attempt, do not try
 * again. 0, or a negative errno (no syslog daemon: -ENOENT). */
int logsock_open(const char *path);

/* One message, as syslog(3) formats it ("<PRI>Mmm dd hh:mm:ss
 * IDENT[PID]: MSG"); pri is a facility | a level. Connects first when
 * logsock_open was never called. Failures are silent, as in syslog(3). */
void logsock_send(int pri, const char *ident, const char *msg);

/* The connected socket's descriptor, or -1 (never connected, or no longer
 * ours): for a process that closes every descriptor it inherits but this
 * one, to keep its way to syslog under a filter that forbids a new one. */
int logsock_fd(void);

#endif
