/* SPDX-License-Identifier: MIT */
/* What the CLI prints may hold text a container chose (process names,
 * cgroup paths, summaries read back from the verdict log). A terminal acts
 * on control characters and escape sequences in it, and bidirectional
 * controls reorder what the reader sees; this makes them inert. */
#ifndef OOMGUARD_TEXT_H
#define OOMGUARD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum textsafe_mode {
        /* C0 controls other than newline and tab, DEL, C1 controls (in
         * UTF-8 or as raw bytes), bidirectional controls (U+200E, U+200F,
         * U+202A..U+202E, U+2066..U+2069) and bytes that are not UTF-8
         * each become '?'. */
        TEXTSAFE_TEXT,
        /* One field of a line: as TEXTSAFE_TEXT, and newlines and tabs
         * become '?' too. Never longer than what came in. */
        TEXTSAFE_LINE,
        /* For JSON text: the same characters become \uXXXX escapes (a byte
         * that is not UTF-8 \ufffd) and C0 whitespace other than newline a
         * space, so that a valid document keeps its value. */
        TEXTSAFE_JSON,
        /* A value stored or put into JSON, to be made safe again when it is
         * shown: C0 controls (newline and tab too), DEL and bytes that are
         * not UTF-8 become '?'; C1 and bidirectional controls are kept as
         * they are (valid JSON text; the output filters escape them). */
        TEXTSAFE_DATA,
};

#define TEXTSAFE_GROWTH 6 /* out needs this many bytes per byte in */

/* One pass over in[0..len) into out (TEXTSAFE_GROWTH * len bytes), no NUL
 * added. An incomplete UTF-8 sequence at the end is left for the next
 * call unless final; *ret_used (may be NULL) says how much of in was
 * taken. Returns the bytes written. */
size_t textsafe(const char *in, size_t len, enum textsafe_mode mode, bool final, char *out,
                size_t *ret_used);

/* A stream that writes everything put into it to fd, made safe as mode
 * says (line-buffered on a terminal). NULL when out of memory. */
FILE *textsafe_open(int fd, enum textsafe_mode mode);

/* s (NUL-terminated) as one value into buf (cap bytes, NUL-terminated), as
 * TEXTSAFE_DATA makes it, cut to fit; the length written. */
size_t text_sanitize(const char *s, char *buf, size_t cap);

#endif
