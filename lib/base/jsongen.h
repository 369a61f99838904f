/* SPDX-License-Identifier: MIT */
/* Writing JSON objects with yajl the same way everywhere: keys and string
 * values sanitised to valid UTF-8, OG_NONE and NULL/"" written as null. */
#ifndef OOMGUARD_JSONGEN_H
#define OOMGUARD_JSONGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <yajl/yajl_gen.h>

void jg_key(yajl_gen g, const char *k);
void jg_str(yajl_gen g, const char *k, const char *v);
/* A string value on its own (an array element), sanitised, never null. */
void jg_strval(yajl_gen g, const char *v);
void jg_int(yajl_gen g, const char *k, int64_t v);
void jg_bool(yajl_gen g, const char *k, bool v);

/* The generated text as a malloc'd, NUL-terminated string (with a trailing
 * newline when asked); frees g. */
int jg_finish(yajl_gen g, bool newline, char **ret, size_t *ret_len);

/* Finish g and write the text as one line to out; frees g. -ENOMEM, or
 * -EIO when out refuses it. */
int jg_write_line(yajl_gen g, FILE *out);
#endif
