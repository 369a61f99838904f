/* SPDX-License-Identifier: MIT */
/* Container ids as runtimes give them: which oomguard can keep state for,
 * and how to show one in a log line. */
#ifndef OOMGUARD_OCID_H
#define OOMGUARD_OCID_H

#include <stdbool.h>
#include <stddef.h>

/* The longest id taken: runtimes name a directory after it (runc and crun
 * at most 255 bytes); the state directory encodes it (statedir.h). */
#define OCI_ID_MAX 1024

/* An id oomguard can keep state for: 1 to OCI_ID_MAX bytes, no '/', no
 * control character (NUL included), not "." or "..". Every id runc
 * accepts ([A-Za-z0-9_+,.-]+, not "." or "..") and crun's are taken;
 * statedir_name() turns it into a directory name. */
bool oci_id_valid(const char *id, size_t len);
/* Why oci_id_valid refused it, for the message. */
const char *oci_id_problem(const char *id, size_t len);
/* The id for a log line: control characters as '?', at most 64 bytes
 * then "...(N bytes)". */
const char *oci_id_display(const char *id, size_t len, char *buf, size_t cap);

#endif
