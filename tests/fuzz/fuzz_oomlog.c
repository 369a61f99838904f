/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes through the log parser, both as one buffer (with its
 * marker-skipping fast path) and fed line by line, then through both
 * printers. Besides memory errors it checks what must hold for any input:
 * a reported pid is printed in the input (wrapped lines are joined, so
 * line breaks are ignored; kmsg \xNN escapes may compose it), a container id is 64 lowercase hex
 * taken from the victim's cgroup path, a pod uid is a dashed uuid, a memcg
 * scope carries a constraint. A third pass feeds every line as a /dev/kmsg
 * record (the strict mode): a kill then needs a record whose message
 * starts with a kill-bearing OOM message. (The two paths may differ on adversarial
 * input: where the fast path jumps it does not join lines across the gap.
 * tests/unit/test_corpus.c checks that they agree on every real log.) */
#define _GNU_SOURCE
#include "explain.h"
#include "scan.h"
#include "oomlog.h"
#include "unwrap.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *devnull;

static char *joined; /* the input without line breaks */
static size_t joined_len;

static void join_input(const uint8_t *data, size_t size)
{
        free(joined);
        joined = malloc(size + 1);
        if (!joined)
                abort();
        joined_len = 0;
        for (size_t i = 0; i < size; i++)
                if (data[i] != '\n' && data[i] != '\r')
                        joined[joined_len++] = (char)data[i];
}

static void check_kill(const struct oom_kill *k, const uint8_t *data, size_t size)
{
        if (k->victim_pid != OG_NONE && !memmem(data, size, "\\x", 2)) {
                char pid[32];
                snprintf(pid, sizeof(pid), "%" PRId64, k->victim_pid);
                if (!memmem(joined, joined_len, pid, strlen(pid)))
                        abort(); /* a pid the input never printed */
        }
        if (k->container_id[0]) {
                if (strlen(k->container_id) != 64 ||
                    strspn(k->container_id, "0123456789abcdef") != 64 || !k->task_memcg ||
                    !strstr(k->task_memcg, k->container_id))
                        abort();
        }
        if (k->pod_uid[0] && (strlen(k->pod_uid) != 36 || k->pod_uid[8] != '-'))
                abort();
        if ((k->scope == OOM_SCOPE_MEMCG || k->scope == OOM_SCOPE_ANCESTOR) && !k->constraint)
                abort();
}

static void render(const struct oomlog_result *r, const uint8_t *data, size_t size)
{
        for (size_t i = 0; i < r->n_kills; i++) {
                check_kill(&r->kills[i], data, size);
                if (explain_write_json(devnull, &r->kills[i]) < 0 ||
                    explain_write_text(devnull, &r->kills[i], i, r->n_kills) < 0)
                        abort();
        }
        for (size_t i = 0; i < r->n_user_kills; i++) /* userspace killers' records */
                if (!r->user_kills[i].killer ||
                    explain_write_user_json(devnull, &r->user_kills[i]) < 0 ||
                    explain_write_user_text(devnull, &r->user_kills[i], i, r->n_user_kills) < 0)
                        abort();
}

/* Does the record's message, \xNN escapes decoded, start like a message
 * that can make a kill? */
static bool kill_form(const char *m, size_t n)
{
        static const char *const forms[] = {
                "oom-kill:",     "Killed process", "Kill process", "Memory cgroup out of memory",
                "Out of memory", "oom_reaper:",    "Task in ",
        };
        char d[64];
        size_t o = 0;
        for (size_t i = 0; i < n && o < sizeof(d); i++) {
                int hi, lo;
                if (m[i] == '\\' && i + 3 < n && m[i + 1] == 'x' &&
                    (hi = scan_hexval(m[i + 2])) >= 0 && (lo = scan_hexval(m[i + 3])) >= 0) {
                        d[o++] = (char)(hi * 16 + lo);
                        i += 3;
                } else {
                        d[o++] = m[i];
                }
        }
        for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
                if (o >= strlen(forms[i]) && !memcmp(d, forms[i], strlen(forms[i])))
                        return true;
        return false;
}

/* Every line as a kernel record "6,<seq>,<usec>,-;<line>". */
static void strict_pass(const uint8_t *data, size_t size)
{
        struct oomlog *p = oomlog_new();
        char *rec = malloc(size + 64);
        struct oomlog_result r;
        bool any_form = false;
        size_t seq = 0;
        if (!p || !rec)
                abort();
        for (const char *s = (const char *)data, *end = s + size; s < end; seq++) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                int h = snprintf(rec, 64, "6,%zu,%zu,-;", seq, 1000000 + seq);
                memcpy(rec + h, s, (size_t)(e - s));
                oomlog_feed_line(p, rec, (size_t)h + (size_t)(e - s));
                any_form |= kill_form(s, (size_t)(e - s));
                s = nl ? nl + 1 : end;
        }
        free(rec);
        if (oomlog_finish(p, &r) < 0)
                abort();
        render(&r, data, size);
        if (r.n_kills > 0 && !any_form)
                abort(); /* a kill from text inside a record */
        oomlog_result_free(&r);
}

/* Every line through the wrapper reader with a small output buffer: the
 * decoded message never runs past it. */
static void unwrap_pass(const uint8_t *data, size_t size)
{
        char out[16];
        for (const char *s = (const char *)data, *end = s + size; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                struct unwrap u;
                unwrap_line(s, (size_t)(e - s), out, sizeof(out), &u);
                if (u.out_len > sizeof(out) || (u.kind != UNWRAP_MESSAGE && u.out_len))
                        abort();
                unwrap_line(s, (size_t)(e - s), NULL, 0, &u);
                if (u.out_len != 0)
                        abort();
                s = nl ? nl + 1 : end;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!devnull)
                devnull = fopen("/dev/null", "we");
        struct oomlog_result a, b;
        join_input(data, size);
        if (oomlog_parse((const char *)data, size, &a, NULL) < 0)
                abort();
        render(&a, data, size);
        struct oomlog *p = oomlog_new();
        if (!p)
                abort();
        const char *s = (const char *)data, *end = s + size;
        while (s < end) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                oomlog_feed_line(p, s, (size_t)(e - s));
                s = nl ? nl + 1 : end;
        }
        if (oomlog_finish(p, &b) < 0)
                abort();
        render(&b, data, size);
        oomlog_result_free(&a);
        oomlog_result_free(&b);
        strict_pass(data, size);
        unwrap_pass(data, size);
        return 0;
}
