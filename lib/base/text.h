/* SPDX-License-Identifier: MIT */
#ifndef OOMGUARD_TEXT_H
#define OOMGUARD_TEXT_H

#include <stddef.h>

/* s copied into buf (cap bytes, NUL-terminated): control bytes and invalid
 * UTF-8 become '?', well-formed UTF-8 is kept whole; the length written. */
size_t text_sanitize(const char *s, char *buf, size_t cap);

#endif
