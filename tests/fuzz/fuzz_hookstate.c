/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as the state.json create leaves for poststop. What
 * parses must survive the round trip poststop depends on: parse, render,
 * parse gives the same struct (field by field, then byte for byte past
 * the ancestors and notes that were kept), and rendering that again gives
 * the same bytes. */
#include "hookstate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void same_str(const char *a, const char *b, const char *what)
{
        if (strcmp(a, b) != 0) {
                fprintf(stderr, "round trip changed %s: \"%s\" -> \"%s\"\n", what, a, b);
                abort();
        }
}

static void same_int(int64_t a, int64_t b, const char *what)
{
        if (a != b) {
                fprintf(stderr, "round trip changed %s: %lld -> %lld\n", what, (long long)a,
                        (long long)b);
                abort();
        }
}

static void same_state(const struct hook_state *a, const struct hook_state *b)
{
        same_str(a->id, b->id, "id");
        same_str(a->bundle, b->bundle, "bundle");
        same_str(a->cgroup, b->cgroup, "cgroup");
        same_str(a->cgroup_dir, b->cgroup_dir, "cgroup_dir");
        same_str(a->created, b->created, "created");
        same_int(a->cgroup_version, b->cgroup_version, "cgroup_version");
        same_int(a->init_pid, b->init_pid, "init_pid");
        same_int(a->created_mono_us, b->created_mono_us, "created_mono_us");
        same_int(a->limit_bytes, b->limit_bytes, "limit_bytes");
        same_int(a->memsw_bytes, b->memsw_bytes, "memsw_bytes");
        same_int(a->oom_score_adj, b->oom_score_adj, "oom_score_adj");
        same_int(a->oom_kill_base, b->oom_kill_base, "oom_kill_base");
        same_int(a->oom_base, b->oom_base, "oom_base");
        same_int((int64_t)a->n_anc, (int64_t)b->n_anc, "the number of ancestors");
        for (size_t i = 0; i < a->n_anc; i++) {
                same_str(a->anc[i].cgroup, b->anc[i].cgroup, "an ancestor's cgroup");
                same_int(a->anc[i].limit_bytes, b->anc[i].limit_bytes, "an ancestor's limit");
                same_int(a->anc[i].failcnt, b->anc[i].failcnt, "an ancestor's failcnt");
                same_int(a->anc[i].oom_kill, b->anc[i].oom_kill, "an ancestor's oom_kill");
        }
        same_int((int64_t)a->n_notes, (int64_t)b->n_notes, "the number of notes");
        for (size_t i = 0; i < a->n_notes; i++)
                same_str(a->notes[i], b->notes[i], "a note");
}

/* The slots past the counts may hold a skipped entry: clear them, then the
 * whole struct (fields added later included) must match byte for byte. */
static void clear_unused(struct hook_state *s)
{
        memset(&s->anc[s->n_anc], 0, (HOOK_MAX_ANCESTORS - s->n_anc) * sizeof(s->anc[0]));
        memset(&s->notes[s->n_notes], 0, (4 - s->n_notes) * sizeof(s->notes[0]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct hook_state a, b; /* 30 KiB each: off the stack */
        struct og_error err = {0};
        if (hookstate_parse((const char *)data, size, &a, &err) < 0) {
                if (!err.msg[0])
                        abort();
                return 0;
        }
        if (!a.cgroup[0] || a.created_mono_us == OG_NONE || a.n_anc > HOOK_MAX_ANCESTORS ||
            a.n_notes > 4)
                abort();
        char *t1 = NULL, *t2 = NULL;
        size_t n1, n2;
        if (hookstate_render(&a, &t1, &n1) < 0)
                abort();
        if (hookstate_parse(t1, n1, &b, &err) < 0) {
                fprintf(stderr, "rendered state does not parse: %s\n%s\n", err.msg, t1);
                abort();
        }
        same_state(&a, &b);
        clear_unused(&a);
        clear_unused(&b);
        if (memcmp(&a, &b, sizeof(a)) != 0) {
                fprintf(stderr, "round trip changed a field\n%s\n", t1);
                abort();
        }
        if (hookstate_render(&b, &t2, &n2) < 0 || n1 != n2 || memcmp(t1, t2, n1) != 0)
                abort();
        free(t1);
        free(t2);
        return 0;
}
