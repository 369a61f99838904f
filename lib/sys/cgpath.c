/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "cgpath.h"

#include "scan.h"
#include "util.h"

#include <string.h>

struct comp {
        const char *p;
        size_t n;
};

static bool is_lower_hex(char c)
{
        return scan_is_digit(c) || (c >= 'a' && c <= 'f');
}

/* Previous component before *end (exclusive); false at the start. */
static bool prev_comp(const char *path, const char **end, struct comp *c)
{
        const char *e = *end;
        while (e > path && e[-1] == '/')
                e--;
        if (e == path)
                return false;
        const char *b = e;
        while (b > path && b[-1] != '/')
                b--;
        c->p = b;
        c->n = (size_t)(e - b);
        *end = b;
        return true;
}

static bool comp_ends(const struct comp *c, const char *lit)
{
        size_t n = strlen(lit);
        return c->n >= n && memcmp(c->p + c->n - n, lit, n) == 0;
}

static bool comp_is_group(const struct comp *c)
{
        return comp_ends(c, ".slice") || og_startswith(c->p, c->n, "machine-libpod_pod_") ||
               og_startswith(c->p, c->n, "kubepods") ||
               (c->n > 3 && og_startswith(c->p, c->n, "pod") && is_lower_hex(c->p[3])) ||
               (c->n == 9 && memcmp(c->p, "burstable", 9) == 0) ||
               (c->n == 10 && memcmp(c->p, "besteffort", 10) == 0);
}

/* A run of exactly 64 lowercase hex digits inside the component. */
static bool find_id(const struct comp *c, char ret[CG_ID_LEN + 1])
{
        size_t i = 0;
        while (i < c->n) {
                if (!is_lower_hex(c->p[i])) {
                        i++;
                        continue;
                }
                size_t j = i;
                while (j < c->n && is_lower_hex(c->p[j]))
                        j++;
                if (j - i == CG_ID_LEN) {
                        memcpy(ret, c->p + i, CG_ID_LEN);
                        ret[CG_ID_LEN] = '\0';
                        return true;
                }
                i = j;
        }
        return false;
}

bool cg_container_id(const char *path, size_t n, char ret[CG_ID_LEN + 1])
{
        const char *end = path + n;
        struct comp c;
        ret[0] = '\0';
        while (prev_comp(path, &end, &c)) {
                if (comp_is_group(&c))
                        continue;
                if (find_id(&c, ret))
                        return true;
        }
        return false;
}

/* ret is written only on success. */
static bool uuid_at(const char *p, size_t n, char ret[CG_UID_LEN + 1])
{
        static const size_t dash[] = {8, 13, 18, 23};
        char u[CG_UID_LEN + 1];
        if (n < CG_UID_LEN)
                return false;
        for (size_t i = 0, d = 0; i < CG_UID_LEN; i++) {
                if (d < 4 && i == dash[d]) {
                        if (p[i] != '-' && p[i] != '_')
                                return false;
                        u[i] = '-';
                        d++;
                } else if (is_lower_hex(p[i])) {
                        u[i] = p[i];
                } else {
                        return false;
                }
        }
        if (n > CG_UID_LEN && is_lower_hex(p[CG_UID_LEN]))
                return false;
        u[CG_UID_LEN] = '\0';
        memcpy(ret, u, sizeof(u));
        return true;
}

bool cg_pod_uid(const char *path, size_t n, char ret[CG_UID_LEN + 1])
{
        const char *end = path + n;
        struct comp c;
        ret[0] = '\0';
        while (prev_comp(path, &end, &c)) {
                const char *q = c.p, *ce = c.p + c.n;
                while ((q = memmem(q, (size_t)(ce - q), "pod", 3))) {
                        q += 3;
                        if (uuid_at(q, (size_t)(ce - q), ret))
                                return true;
                }
        }
        return false;
}

bool cg_is_group_level(const char *path, size_t n)
{
        const char *end = path + n;
        struct comp c;
        return prev_comp(path, &end, &c) && comp_is_group(&c);
}

static size_t depth(const char *p, size_t n)
{
        const char *end = p + n;
        struct comp c;
        size_t d = 0;
        while (prev_comp(p, &end, &c))
                d++;
        return d;
}

/* Does the OOM memcg's leaf name appear above the victim's leaf? */
static bool leaf_is_above(const struct comp *leaf, const char *task, size_t tn)
{
        const char *end = task + tn;
        struct comp c;
        if (!prev_comp(task, &end, &c))
                return false;
        while (prev_comp(task, &end, &c))
                if (c.n == leaf->n && memcmp(c.p, leaf->p, c.n) == 0)
                        return true;
        return false;
}

enum cg_relation cg_relation(const char *oom, size_t on, const char *task, size_t tn)
{
        if (!oom || !task || on == 0 || tn == 0)
                return CG_REL_UNKNOWN;
        if (on == tn && memcmp(oom, task, on) == 0)
                return CG_REL_SAME;
        if (on < tn && memcmp(oom, task, on) == 0 &&
            (task[on] == '/' || (on == 1 && oom[0] == '/')))
                return CG_REL_ANCESTOR;
        if (tn < on && memcmp(oom, task, tn) == 0)
                return CG_REL_UNKNOWN; /* the victim's path was cut short */
        const char *oe = oom + on, *te = task + tn;
        struct comp ol, tl;
        if (!prev_comp(oom, &oe, &ol) || !prev_comp(task, &te, &tl))
                return CG_REL_UNKNOWN;
        if (ol.n == tl.n && memcmp(ol.p, tl.p, ol.n) == 0)
                return CG_REL_SAME; /* damage above the leaf only */
        if (leaf_is_above(&ol, task, tn) || depth(task, tn) > depth(oom, on))
                return CG_REL_ANCESTOR;
        return CG_REL_SAME;
}
