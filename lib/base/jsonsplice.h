/* SPDX-License-Identifier: MIT */
/* Editing a JSON document in place, byte for byte: find a member by its
 * path of object keys and replace its value, add a member, append to an
 * array. Everything not edited keeps its exact bytes (numbers beyond
 * double precision, escapes, unicode, key order, unknown extensions,
 * whitespace). The document must already have been validated (yajl); the
 * scanner still never reads out of bounds on anything.
 * Duplicate keys: the last one counts, as for the runtimes' decoders. */
#ifndef OOMGUARD_JSONSPLICE_H
#define OOMGUARD_JSONSPLICE_H
#include "util.h"
#include <stdbool.h>
#include <stddef.h>

struct js_doc {
        char *buf; /* NUL-terminated, owned */
        size_t len, cap;
};

/* yajl accepts comments (and the scanner does not know them): true when
 * buf has one, outside strings. Runtimes refuse such a document. */
bool js_has_comment(const char *buf, size_t len);

/* A copy of buf[0..len) to edit. */
int js_doc_init(struct js_doc *d, const char *buf, size_t len);
void js_doc_free(struct js_doc *d);

/* Offset of the value at path (n object keys from the top-level object),
 * or -ENOENT, or -EINVAL when a step is not an object. */
long js_find(const struct js_doc *d, const char *const *path, size_t n);

/* Offset just past the value starting at off (whitespace not included). */
size_t js_value_end(const char *buf, size_t len, size_t off);

/* Set the value at path to text (a JSON value), creating missing objects
 * on the way; a null on the way counts as missing. */
int js_set(struct js_doc *d, const char *const *path, size_t n, const char *text,
           struct og_error *err);

/* Append text (a JSON value) to the array at path, creating it when
 * missing or null. */
int js_append(struct js_doc *d, const char *const *path, size_t n, const char *text,
              struct og_error *err);

/* Iterate an array: the offset of element i of the array at off, or -1. */
long js_array_elem(const struct js_doc *d, size_t off, size_t i);

/* The string value of member key of the object at off, decoded into buf
 * (cap bytes); false if absent, not a string, or too long. */
bool js_member_str(const struct js_doc *d, size_t off, const char *key, char *buf, size_t cap);
/* The string at off, decoded into buf (cap bytes); false if it is not a
 * string or too long. */
bool js_str_at(const struct js_doc *d, size_t off, char *buf, size_t cap);

/* Replace the value at off with text (a JSON value). */
int js_replace(struct js_doc *d, size_t off, const char *text);
#endif
