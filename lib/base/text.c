/* SPDX-License-Identifier: MIT */
/* Text from outside (kernel logs, containers' names and output) made safe to
 * print and to put in JSON. */
#include "text.h"

#include <stdbool.h>
#include <string.h>

/* One well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF). */
static bool utf8_seq(const unsigned char *s, size_t *len)
{
        unsigned char c = s[0];
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
                             : (c >> 3) == 30   ? 4 : 0;
        if (n == 0 || (n == 2 && c < 0xc2) || c > 0xf4)
                return false;
        for (size_t i = 1; i < n; i++)
                if ((s[i] & 0xc0) != 0x80)
                        return false;
        if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
            (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
                return false;
        *len = n;
        return true;
}

size_t text_sanitize(const char *s, char *buf, size_t cap)
{
        size_t o = 0;
        const unsigned char *u = (const unsigned char *)s;
        while (*u && o + 4 < cap) {
                size_t n;
                if (*u < 0x20 || *u == 0x7f || !utf8_seq(u, &n)) {
                        buf[o++] = '?';
                        u++;
                        continue;
                }
                memcpy(buf + o, u, n);
                o += n;
                u += n;
        }
        buf[o] = '\0';
        return o;
}
