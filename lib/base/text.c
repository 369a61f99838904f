/* SPDX-License-Identifier: MIT */
/* Text from outside (kernel logs, containers' names and output) made safe to
 * print and to put in JSON: one decoder, one rule for what stays. */
#define _GNU_SOURCE
#include "text.h"

#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The length of the UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF) and its code point; 0 when the bytes
 * are not one, -1 when they could still become one with more bytes. */
static int utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
        unsigned char c = s[0];
        int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || (n == 2 && c < 0xc2) || c > 0xf4)
                return 0;
        uint32_t v = n == 1 ? c : n == 2 ? c & 0x1fU : n == 3 ? c & 0x0fU : c & 0x07U;
        for (int i = 1; i < n; i++) {
                if ((size_t)i >= avail)
                        return -1;
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                if (i == 1 && ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
                               (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90)))
                        return 0;
                v = v << 6 | (s[i] & 0x3fU);
        }
        *cp = v;
        return n;
}

static bool inert(uint32_t cp)
{
        return !(cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x200e ||
                 cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
                 (cp >= 0x2066 && cp <= 0x2069));
}

static size_t escape(char *out, unsigned v)
{
        static const char hex[] = "0123456789abcdef";
        out[0] = '\\';
        out[1] = 'u';
        for (int i = 0; i < 4; i++)
                out[2 + i] = hex[(v >> (12 - 4 * i)) & 0xfU];
        return 6;
}

size_t textsafe(const char *in, size_t len, enum textsafe_mode mode, bool final, char *out,
                size_t *ret_used)
{
        const unsigned char *s = (const unsigned char *)in;
        size_t i = 0, o = 0;
        while (i < len) {
                uint32_t cp = 0;
                int n = utf8_decode(s + i, len - i, &cp);
                if (n < 0 && !final)
                        break; /* the rest of it comes with the next call */
                /* what passes as it is besides the inert: any non-ASCII
                 * character in data, a newline (but in one field or data),
                 * a tab in text */
                bool keep = n > 0 &&
                            (inert(cp) || (mode == TEXTSAFE_DATA && cp >= 0x80) ||
                             (cp == '\n' && mode != TEXTSAFE_LINE && mode != TEXTSAFE_DATA) ||
                             (cp == '\t' && mode == TEXTSAFE_TEXT));
                if (keep) {
                        memcpy(out + o, s + i, (size_t)n);
                        o += (size_t)n;
                        i += (size_t)n;
                        continue;
                }
                if (mode != TEXTSAFE_JSON)
                        out[o++] = '?';
                else if (n > 0 && cp < 0x20)
                        out[o++] =
                                ' '; /* whitespace outside strings: raw C0 is not JSON inside */
                else
                        o += escape(out + o, n > 0 ? (unsigned)cp : 0xfffdU);
                i += n > 0 ? (size_t)n : 1;
        }
        if (ret_used)
                *ret_used = i;
        return o;
}

struct safe_stream {
        int fd;
        enum textsafe_mode mode;
        unsigned char carry[4]; /* the start of a sequence split between writes */
        size_t n_carry;
};

static int write_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, buf, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -1;
                buf += n;
                len -= (size_t)n;
        }
        return 0;
}

static ssize_t safe_write(void *cookie, const char *buf, size_t size)
{
        struct safe_stream *s = cookie;
        char in[4096], out[TEXTSAFE_GROWTH * sizeof(in)];
        size_t done = 0;
        while (done < size) {
                size_t n = s->n_carry, take = size - done;
                memcpy(in, s->carry, n);
                if (take > sizeof(in) - n)
                        take = sizeof(in) - n;
                memcpy(in + n, buf + done, take);
                size_t used = 0;
                size_t w = textsafe(in, n + take, s->mode, false, out, &used);
                if (write_all(s->fd, out, w) < 0)
                        return done > 0 ? (ssize_t)done : -1;
                s->n_carry = n + take - used; /* at most 3 */
                memcpy(s->carry, in + used, s->n_carry);
                done += take;
        }
        return (ssize_t)size;
}

static int safe_close(void *cookie)
{
        struct safe_stream *s = cookie;
        char out[TEXTSAFE_GROWTH * sizeof(s->carry)];
        size_t w = textsafe((const char *)s->carry, s->n_carry, s->mode, true, out, NULL);
        int r = write_all(s->fd, out, w);
        free(s);
        return r;
}

FILE *textsafe_open(int fd, enum textsafe_mode mode)
{
        struct safe_stream *s = calloc(1, sizeof(*s));
        if (!s)
                return NULL;
        s->fd = fd;
        s->mode = mode;
        cookie_io_functions_t io = {.write = safe_write, .close = safe_close};
        FILE *f = fopencookie(s, "w", io);
        if (!f) {
                free(s);
                return NULL;
        }
        setvbuf(f, NULL, isatty(fd) ? _IOLBF : _IOFBF, BUFSIZ);
        return f;
}

size_t text_sanitize(const char *s, char *buf, size_t cap)
{
        if (cap == 0)
                return 0;
        /* one field, never longer than what came in: cut the input so that
         * what is written fits, then end it */
        size_t len = strnlen(s, cap - 1);
        size_t o = textsafe(s, len, TEXTSAFE_DATA, true, buf, NULL);
        buf[o] = '\0';
        return o;
}
