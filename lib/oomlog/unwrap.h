/* SPDX-License-Identifier: MIT */
/* Log lines that hold kernel messages inside a quoted or keyed value:
 * JSON records (journalctl -o json, node-problem-detector and Kubernetes
 * events, Loki, Elasticsearch, CloudWatch, Cloud Logging; one object per
 * line or pretty-printed, possibly cut), journalctl -o verbose / -o export
 * fields ("    MESSAGE=..."), and string literals in source code and test
 * fixtures ("...\n", '...'). Pure: the caller owns the output buffer. */
#ifndef OOMGUARD_UNWRAP_H
#define OOMGUARD_UNWRAP_H

#include <stdbool.h>
#include <stddef.h>

enum unwrap_kind {
        UNWRAP_NONE = 0, /* not a wrapper: read the line as it is */
        UNWRAP_SKIP,     /* a wrapper's line without a message (metadata) */
        UNWRAP_MESSAGE,  /* out/out_len hold the message text, decoded */
};

enum unwrap_source { UNWRAP_SRC_UNKNOWN = 0, UNWRAP_SRC_KERNEL, UNWRAP_SRC_OTHER };

struct unwrap {
        enum unwrap_kind kind;
        enum unwrap_source source; /* from SYSLOG_IDENTIFIER / _TRANSPORT */
        double mono;               /* monotonic seconds from the record; < 0 if none */
        double wall;               /* wall-clock seconds of the day; < 0 if none */
        size_t out_len;            /* decoded bytes; '\n' separates kernel lines */
        const char *ident;         /* SYSLOG_IDENTIFIER other than the kernel's, as */
        size_t ident_len;          /* written in the line (NULL if none) */
};

/* Decode the line [buf, buf+len) into out (cap bytes; 0 for the record's
 * time and source only). */
void unwrap_line(const char *buf, size_t len, char *out, size_t cap, struct unwrap *ret);

/* Decode JSON / C string escapes of [s, s+n) into out; returns bytes. */
size_t unwrap_unescape(const char *s, size_t n, char *out, size_t cap);

#endif
