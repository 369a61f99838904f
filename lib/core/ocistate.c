/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "ocistate.h"

#include "fileio.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

enum member { M_OTHER, M_ID, M_STATUS, M_PID, M_BUNDLE, M_ANNOTATIONS };
enum kind { K_NULL, K_BOOL, K_NUMBER, K_STRING };

struct ocistate_reader {
        yajl_handle h;
        struct oci_state st;
        int depth;          /* 1: in the top-level object */
        enum member member; /* the top-level member whose value comes next */
        unsigned seen;      /* a bit per member */
        bool in_ann;        /* inside "annotations" */
        bool keep;          /* the annotation whose value comes next is kept */
        char key[OCISTATE_ANN_KEY_MAX + 1];
        bool ended; /* the top-level object closed */
        bool cut;   /* OCISTATE_MAX reached */
        size_t fed;
        size_t ann_bytes;
        int code; /* a refusal from a callback */
        char why[sizeof(((struct og_error *)0)->msg)];
};

static int refuse(struct ocistate_reader *r, int code, const char *fmt, ...) OG_PRINTF(3, 4);
static int refuse(struct ocistate_reader *r, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->why, sizeof(r->why), fmt, ap);
        va_end(ap);
        r->code = code;
        return 0; /* cancels the parse */
}

static void note(struct oci_state *st, const char *fmt, ...) OG_PRINTF(2, 3);
static void note(struct oci_state *st, const char *fmt, ...)
{
        if (st->n_notes >= OCISTATE_NOTES)
                return;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st->notes[st->n_notes++], sizeof(st->notes[0]), fmt, ap);
        va_end(ap);
}

static int set_id(struct ocistate_reader *r, const char *s, size_t len)
{
        char shown[96];
        const char *why = oci_id_problem(s, len);
        if (why && memchr(s, '\0', len))
                return refuse(r, -EINVAL, "state on stdin holds a NUL byte in its \"id\"");
        if (why)
                return refuse(r, -EINVAL,
                              "state: container id \"%s\" cannot name oomguard's "
                              "state: %s",
                              oci_id_display(s, len, shown, sizeof(shown)), why);
        memcpy(r->st.id, s, len);
        r->st.id[len] = '\0';
        return 1;
}

/* A JSON integer from 0 to 4194304 (PID_MAX_LIMIT). */
static int set_pid(struct ocistate_reader *r, const char *s, size_t len)
{
        int64_t v = 0;
        size_t i = len && s[0] == '-';
        bool ok = i < len && len - i <= 8;
        for (; ok && i < len; i++) {
                ok = s[i] >= '0' && s[i] <= '9';
                v = v * 10 + (s[i] - '0');
        }
        if (!ok || (s[0] == '-' && v != 0) || v > 4194304)
                return refuse(r, -EINVAL, "state: \"pid\" is not a process id");
        r->st.pid = v;
        return 1;
}

static int set_str(struct ocistate_reader *r, char **dst, const char *s, size_t len, size_t max,
                   const char *what)
{
        if (memchr(s, '\0', len))
                return refuse(r, -EINVAL, "state on stdin holds a NUL byte in its \"%s\"", what);
        if (len > max) {
                note(&r->st, "the state's \"%s\" is longer than %zu bytes: ignored", what, max);
                return 1;
        }
        *dst = og_strndup(s, len, len);
        return *dst ? 1 : refuse(r, -ENOMEM, "out of memory");
}

static int top_value(struct ocistate_reader *r, enum kind k, const char *s, size_t len)
{
        enum member m = r->member;
        r->member = M_OTHER;
        switch (m) {
        case M_ID:
                if (k == K_STRING)
                        return set_id(r, s, len);
                return k == K_NULL ? 1 : refuse(r, -EINVAL, "state: no string \"id\"");
        case M_PID:
                if (k == K_NUMBER)
                        return set_pid(r, s, len);
                return k == K_NULL ? 1 : refuse(r, -EINVAL, "state: \"pid\" is not a process id");
        case M_STATUS: return k == K_STRING ? set_str(r, &r->st.status, s, len, 32, "status") : 1;
        case M_BUNDLE:
                return k == K_STRING ? set_str(r, &r->st.bundle, s, len, PATH_MAX - 1, "bundle")
                                     : 1;
        case M_ANNOTATIONS:
                return k == K_NULL
                               ? 1
                               : refuse(r, -EINVAL, "state: \"annotations\" is not an object");
        case M_OTHER: break;
        }
        return 1;
}

static int keep_annotation(struct ocistate_reader *r, const char *s, size_t len)
{
        struct oci_state *st = &r->st;
        if (len > OCISTATE_ANN_VALUE_MAX) {
                note(st, "annotation %.64s: %zu bytes, more than %d: ignored", r->key, len,
                     OCISTATE_ANN_VALUE_MAX);
                return 1;
        }
        if (memchr(s, '\0', len)) {
                note(st, "annotation %.64s holds a NUL byte: ignored", r->key);
                return 1;
        }
        if (ocistate_annotation(st, r->key))
                return 1; /* the first one counts, as for a lookup */
        if (st->n_annotations == OCISTATE_ANN_KEEP) {
                note(st, "more than %d %s* annotations: %.64s ignored", OCISTATE_ANN_KEEP,
                     OCISTATE_ANN_PREFIX, r->key);
                return 1;
        }
        if (!st->annotations &&
            !(st->annotations = calloc(OCISTATE_ANN_KEEP, sizeof(*st->annotations))))
                return refuse(r, -ENOMEM, "out of memory");
        struct oci_annotation *a = &st->annotations[st->n_annotations];
        a->key = strdup(r->key);
        a->value = og_strndup(s, len, len);
        if (!a->key || !a->value) {
                free(a->key);
                free(a->value);
                a->key = a->value = NULL;
                return refuse(r, -ENOMEM, "out of memory");
        }
        st->n_annotations++;
        return 1;
}

static int scalar(void *ctx, enum kind k, const char *s, size_t len)
{
        struct ocistate_reader *r = ctx;
        if (r->depth == 0)
                return refuse(r, -EINVAL, "state on stdin: not a JSON object");
        if (r->depth == 1)
                return top_value(r, k, s, len);
        if (!r->in_ann)
                return 1;
        if (k == K_STRING)
                r->ann_bytes += len;
        bool keep = r->keep && r->depth == 2;
        r->keep = false;
        return keep && k == K_STRING ? keep_annotation(r, s, len) : 1;
}

static int on_null(void *ctx)
{
        return scalar(ctx, K_NULL, NULL, 0);
}

static int on_bool(void *ctx, int b)
{
        (void)b;
        return scalar(ctx, K_BOOL, NULL, 0);
}

static int on_number(void *ctx, const char *s, size_t len)
{
        return scalar(ctx, K_NUMBER, s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
        return scalar(ctx, K_STRING, (const char *)s, len);
}

static int open_value(struct ocistate_reader *r, bool map)
{
        if (r->depth == 0 && !map)
                return refuse(r, -EINVAL, "state on stdin: not a JSON object");
        if (r->depth == 1) {
                enum member m = r->member;
                r->member = M_OTHER;
                if (m == M_ID)
                        return refuse(r, -EINVAL, "state: no string \"id\"");
                if (m == M_PID)
                        return refuse(r, -EINVAL, "state: \"pid\" is not a process id");
                if (m == M_ANNOTATIONS && !map)
                        return refuse(r, -EINVAL, "state: \"annotations\" is not an object");
                r->in_ann = m == M_ANNOTATIONS;
        }
        r->keep = false;
        if (++r->depth > OCISTATE_DEPTH_MAX)
                return refuse(r, -EINVAL, "state on stdin: nested more than %d levels deep",
                              OCISTATE_DEPTH_MAX);
        return 1;
}

static int close_value(void *ctx)
{
        struct ocistate_reader *r = ctx;
        if (--r->depth == 1)
                r->in_ann = false;
        r->ended = r->depth == 0;
        return 1;
}

static int on_start_map(void *ctx)
{
        return open_value(ctx, true);
}

static int on_start_array(void *ctx)
{
        return open_value(ctx, false);
}

static enum member member_of(const char *k, size_t len)
{
        static const char *const names[] = {
                [M_ID] = "id",         [M_STATUS] = "status",           [M_PID] = "pid",
                [M_BUNDLE] = "bundle", [M_ANNOTATIONS] = "annotations",
        };
        for (size_t m = M_ID; m < ARRAY_SIZE(names); m++)
                if (strlen(names[m]) == len && !memcmp(names[m], k, len))
                        return (enum member)m;
        return M_OTHER;
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
        struct ocistate_reader *r = ctx;
        const char *k = (const char *)key;
        if (r->depth == 1) {
                r->member = member_of(k, len);
                if (r->member != M_OTHER && (r->seen & (1u << r->member)))
                        return refuse(r, -EINVAL, "state: \"%.*s\" given twice", (int)len, k);
                r->seen |= 1u << r->member;
                return 1;
        }
        if (!r->in_ann)
                return 1;
        r->ann_bytes += len;
        size_t pn = strlen(OCISTATE_ANN_PREFIX);
        r->keep = r->depth == 2 && len >= pn && !memcmp(k, OCISTATE_ANN_PREFIX, pn);
        if (r->keep && (len > OCISTATE_ANN_KEY_MAX || memchr(k, '\0', len))) {
                note(&r->st, "an annotation key %.64s... of %zu bytes: ignored",
                     OCISTATE_ANN_PREFIX, len);
                r->keep = false;
        }
        if (r->keep) {
                memcpy(r->key, k, len);
                r->key[len] = '\0';
        }
        return 1;
}

static const yajl_callbacks callbacks = {
        .yajl_null = on_null,
        .yajl_boolean = on_bool,
        .yajl_number = on_number,
        .yajl_string = on_string,
        .yajl_start_map = on_start_map,
        .yajl_map_key = on_map_key,
        .yajl_end_map = close_value,
        .yajl_start_array = on_start_array,
        .yajl_end_array = close_value,
};

struct ocistate_reader *ocistate_reader_new(void)
{
        struct ocistate_reader *r = calloc(1, sizeof(*r));
        if (!r)
                return NULL;
        r->h = yajl_alloc(&callbacks, NULL, r);
        if (!r->h) {
                free(r);
                return NULL;
        }
        return r;
}

void ocistate_reader_free(struct ocistate_reader *r)
{
        if (!r)
                return;
        yajl_free(r->h);
        ocistate_free(&r->st);
        free(r);
}

static int parse_error(struct ocistate_reader *r, const char *buf, size_t len)
{
        unsigned char *e = yajl_get_error(r->h, 0, (const unsigned char *)buf, len);
        char *nl = e ? strchr((char *)e, '\n') : NULL;
        if (nl)
                *nl = '\0';
        refuse(r, -EINVAL, "state on stdin: not a JSON object%s%s", e ? ": " : "",
               e ? (const char *)e : "");
        if (e)
                yajl_free_error(r->h, e);
        return r->code;
}

int ocistate_reader_feed(struct ocistate_reader *r, const char *buf, size_t len,
                         struct og_error *err)
{
        if (r->code || r->cut)
                return r->code ? og_error_set(err, r->code, "%s", r->why) : 1;
        size_t n = len < OCISTATE_MAX - r->fed ? len : OCISTATE_MAX - r->fed;
        /* yajl would take a raw NUL for the end of a string */
        if (memchr(buf, '\0', n)) {
                refuse(r, -EINVAL, "state on stdin holds a NUL byte");
                return og_error_set(err, r->code, "%s", r->why);
        }
        yajl_status s = yajl_parse(r->h, (const unsigned char *)buf, n);
        if (s == yajl_status_error)
                parse_error(r, buf, n);
        if (r->code)
                return og_error_set(err, r->code, "%s", r->why);
        r->fed += n;
        r->cut = n < len || r->fed == OCISTATE_MAX;
        return r->cut ? 1 : 0;
}

int ocistate_reader_finish(struct ocistate_reader *r, struct oci_state *ret, struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        if (!r->code && !r->cut && yajl_complete_parse(r->h) == yajl_status_error && !r->code)
                parse_error(r, "", 0);
        if (!r->code && !r->cut && !r->ended)
                refuse(r, -EINVAL, "state on stdin: not a JSON object: it ends early");
        if (!r->code && r->cut && !r->st.id[0])
                refuse(r, -EFBIG, "state on stdin: larger than %d bytes before its \"id\"",
                       OCISTATE_MAX);
        if (!r->code && !r->st.id[0])
                refuse(r, -EINVAL, "state: no string \"id\"");
        if (r->code)
                return og_error_set(err, r->code, "%s", r->why);
        if (r->cut)
                note(&r->st,
                     "the state on stdin is larger than %d MiB: the rest of it%s was "
                     "not read",
                     OCISTATE_MAX >> 20, r->in_ann ? " (annotations)" : "");
        if (r->ann_bytes > OCISTATE_ANN_MAX)
                note(&r->st,
                     "the state's annotations take %zu KiB (more than %d MiB): "
                     "ignored but for oomguard's own (%s*)",
                     r->ann_bytes >> 10, OCISTATE_ANN_MAX >> 20, OCISTATE_ANN_PREFIX);
        *ret = r->st;
        memset(&r->st, 0, sizeof(r->st));
        return 0;
}

int ocistate_parse(const char *buf, size_t len, struct oci_state *ret, struct og_error *err)
{
        memset(ret, 0, sizeof(*ret));
        struct ocistate_reader *r = ocistate_reader_new();
        if (!r)
                return og_error_set(err, -ENOMEM, "out of memory");
        int f = ocistate_reader_feed(r, buf, len, err);
        f = f < 0 ? f : ocistate_reader_finish(r, ret, err);
        ocistate_reader_free(r);
        return f < 0 ? f : 0;
}

/* What the runtime still writes, read and dropped: its write ends. */
static void drain(int fd, char *buf, size_t cap, size_t done)
{
        while (done < OCISTATE_DRAIN) {
                ssize_t n = read(fd, buf, cap);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return;
                done += (size_t)n;
        }
}

/* Up to cap bytes: a read returns what the pipe holds (64 KiB), and yajl
 * lexes a token that spans two feeds again from its start, so a string
 * of n bytes costs n * n / piece: pieces of 1 MiB keep that small. */
static ssize_t fill(int fd, char *buf, size_t cap)
{
        return fileio_read_upto(fd, buf, cap);
}

int ocistate_read_fd(int fd, struct oci_state *ret, struct og_error *err)
{
        size_t cap = 1024 * 1024, total = 0;
        memset(ret, 0, sizeof(*ret));
        char *buf = malloc(cap);
        struct ocistate_reader *r = buf ? ocistate_reader_new() : NULL;
        if (!r) {
                free(buf);
                return og_error_set(err, -ENOMEM, "out of memory");
        }
        int f = 0;
        for (ssize_t n = 1; f == 0 && n > 0; total += (size_t)n) {
                n = fill(fd, buf, cap);
                if (n < 0)
                        f = og_error_set(err, (int)n, "reading the state on stdin: %s",
                                         strerror((int)-n));
                else if (n > 0)
                        f = ocistate_reader_feed(r, buf, (size_t)n, err);
                if (n < 0)
                        n = 0;
        }
        if (f != 0)
                drain(fd, buf, cap, total);
        free(buf);
        f = f < 0 ? f : ocistate_reader_finish(r, ret, err);
        ocistate_reader_free(r);
        return f < 0 ? f : 0;
}

void ocistate_free(struct oci_state *s)
{
        for (size_t i = 0; i < s->n_annotations; i++) {
                free(s->annotations[i].key);
                free(s->annotations[i].value);
        }
        free(s->annotations);
        free(s->status);
        free(s->bundle);
        memset(s, 0, sizeof(*s));
}

const char *ocistate_annotation(const struct oci_state *s, const char *key)
{
        for (size_t i = 0; i < s->n_annotations; i++)
                if (strcmp(s->annotations[i].key, key) == 0)
                        return s->annotations[i].value;
        return NULL;
}
