/* SPDX-License-Identifier: MIT */
#include "marker.h"

#include <stdbool.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The marker whose pair starts at q, or NULL. */
static const char *verify(const char *p, const char *q, const char *end)
{
        switch (q[0]) {
        case 'o': return q + 2 < end && q[2] == 'm' ? q : NULL;
        case 'K': return q + 3 < end && q[2] == 'l' && q[3] == 'l' ? q : NULL;
        case 'T': return q + 3 < end && q[2] == 's' && q[3] == 'k' ? q : NULL;
        case 'v': return q + 3 < end && q[2] == 'c' && q[3] == 't' ? q : NULL;
        case 'r': /* "emory": the pair is its last two bytes */
                if (q - p >= 3 && memcmp(q - 3, "emo", 3) == 0)
                        return q - 3;
                return NULL;
        }
        return NULL;
}

static bool is_pair(const char *q)
{
        return (q[0] == 'o' && q[1] == 'o') || (q[0] == 'K' && q[1] == 'i') ||
               (q[0] == 'T' && q[1] == 'a') || (q[0] == 'r' && q[1] == 'y') ||
               (q[0] == 'v' && q[1] == 'i');
}

static const char *scalar(const char *p, const char *from, const char *end)
{
        for (const char *q = from; q + 1 < end; q++) {
                const char *m = is_pair(q) ? verify(p, q, end) : NULL;
                if (m)
                        return m;
        }
        return end;
}

#ifdef __SSE2__
static __m128i pair_mask(__m128i x0, __m128i x1, char a, char b)
{
        return _mm_and_si128(_mm_cmpeq_epi8(x0, _mm_set1_epi8(a)),
                             _mm_cmpeq_epi8(x1, _mm_set1_epi8(b)));
}

const char *marker_next(const char *p, const char *end)
{
        const char *q = p;
        for (; end - q >= 17; q += 16) {
                __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)q);
                __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(q + 1));
                __m128i m = _mm_or_si128(
                        _mm_or_si128(pair_mask(x0, x1, 'o', 'o'), pair_mask(x0, x1, 'K', 'i')),
                        _mm_or_si128(pair_mask(x0, x1, 'T', 'a'), pair_mask(x0, x1, 'r', 'y')));
                m = _mm_or_si128(m, pair_mask(x0, x1, 'v', 'i'));
                unsigned bits = (unsigned)_mm_movemask_epi8(m);
                while (bits) {
                        const char *hit = verify(p, q + __builtin_ctz(bits), end);
                        if (hit)
                                return hit;
                        bits &= bits - 1;
                }
        }
        return scalar(p, q, end);
}
#else
const char *marker_next(const char *p, const char *end)
{
        return scalar(p, p, end);
}
#endif
