/* SPDX-License-Identifier: MIT */
/* Finding the next place a kernel OOM report could start: every OOM
 * message holds "oom", "Kill", "emory" or "Task"; "vict" finds the
 * kubelet's evictions and nohang's victims (userkill.h), whose lines may
 * hold none of them. One vectorised pass looks for a rare two-byte pair of
 * each ("oo", "Ki", "Ta", "ry", "vi") and verifies. */
#ifndef OOMGUARD_MARKER_H
#define OOMGUARD_MARKER_H

#include <stdbool.h>
#include <stddef.h>

/* First marker in [p, end), or end. The result may point up to three bytes
 * before the pair it was found by, never before p. */
const char *marker_next(const char *p, const char *end);

/* Does [p, p + n) hold a marker? */
static inline bool marker_in(const char *p, size_t n)
{
        return marker_next(p, p + n) != p + n;
}

#endif
