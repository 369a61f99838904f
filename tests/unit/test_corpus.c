/* SPDX-License-Identifier: MIT */
/* Runs every NNN.log of the given corpus folders through the parser and
 * compares each kill with the NNN.json ground truth: every labelled kill
 * that has a pid is found with the labelled scope, victim_comm, task_memcg,
 * oom_memcg and container_id (and constraint where the kernel printed it),
 * and with every number and pod uid the label gives; no kill is invented;
 * the number of kills matches; line-by-line parsing agrees. Userspace
 * killers' records match the "user_kills" label (none when it is absent). */
#define _GNU_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <yajl/yajl_tree.h>

struct corpus_case {
        char log[4096], json[4096];
};

static const char *jstr(yajl_val obj, const char *key)
{
        const char *path[] = {key, NULL};
        yajl_val v = yajl_tree_get(obj, path, yajl_t_any);
        return v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

static bool jint(yajl_val obj, const char *key, int64_t *ret)
{
        const char *path[] = {key, NULL};
        yajl_val v = yajl_tree_get(obj, path, yajl_t_any);
        if (!v || !YAJL_IS_INTEGER(v))
                return false;
        *ret = YAJL_GET_INTEGER(v);
        return true;
}

static int failures;

static void check_str(const char *name, int64_t pid, const char *field, const char *want,
                      const char *got)
{
        if (got && !*got)
                got = NULL;
        if ((!want && !got) || (want && got && strcmp(want, got) == 0))
                return;
        print_error("%s pid %lld %s: got %s, want %s\n", name, (long long)pid, field,
                    got ? got : "null", want ? want : "null");
        failures++;
}

/* Numbers are required where the label gives one; where it says null the
 * parser may know more (a task-table row, the event's report). Invoker
 * fields are left out: which kill an invocation belongs to is a guess in
 * interleaved logs (022's notes say so). */
static void check_numbers(const char *name, yajl_val lk, const struct oom_kill *k, int64_t pid)
{
        const struct {
                const char *key;
                int64_t got;
        } f[] = {
                {"victim_uid", k->victim_uid},         {"total_vm_kb", k->total_vm_kb},
                {"anon_rss_kb", k->anon_rss_kb},       {"file_rss_kb", k->file_rss_kb},
                {"shmem_rss_kb", k->shmem_rss_kb},     {"oom_score_adj", k->oom_score_adj},
                {"memcg_usage_kb", k->memcg_usage_kb}, {"memcg_limit_kb", k->memcg_limit_kb},
                {"memcg_failcnt", k->memcg_failcnt},   {"swap_usage_kb", k->swap_usage_kb},
                {"swap_limit_kb", k->swap_limit_kb},   {"memsw_usage_kb", k->memsw_usage_kb},
                {"memsw_limit_kb", k->memsw_limit_kb},
        };
        for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
                int64_t want;
                if (!jint(lk, f[i].key, &want) || want == f[i].got)
                        continue;
                print_error("%s pid %lld %s: got %lld, want %lld\n", name, (long long)pid,
                            f[i].key, (long long)f[i].got, (long long)want);
                failures++;
        }
        const char *pod = jstr(lk, "pod_uid");
        if (pod)
                check_str(name, pid, "pod_uid", pod, k->pod_uid);
}

static bool scope_ok(yajl_val lk, const struct oom_kill *k)
{
        const char *want = jstr(lk, "scope");
        if (want && strcmp(want, oom_scope_name(k->scope)) == 0)
                return true;
        return false;
}

static bool alternative_ok(yajl_val doc, const struct oom_kill *k)
{
        const char *path[] = {"scope_alternatives_acceptable", NULL};
        yajl_val alt = yajl_tree_get(doc, path, yajl_t_array);
        for (size_t i = 0; alt && i < YAJL_GET_ARRAY(alt)->len; i++) {
                const char *v = YAJL_GET_STRING(YAJL_GET_ARRAY(alt)->values[i]);
                if (v && strcmp(v, oom_scope_name(k->scope)) == 0)
                        return true;
        }
        return false;
}

static void check_kill(const char *name, yajl_val doc, yajl_val lk, const struct oom_kill *k,
                       int64_t pid)
{
        if (!scope_ok(lk, k) && !alternative_ok(doc, k)) {
                print_error("%s pid %lld scope: got %s, want %s\n", name, (long long)pid,
                            oom_scope_name(k->scope), jstr(lk, "scope"));
                failures++;
        }
        check_str(name, pid, "victim_comm", jstr(lk, "victim_comm"), k->victim_comm);
        check_str(name, pid, "task_memcg", jstr(lk, "task_memcg"), k->task_memcg);
        check_str(name, pid, "oom_memcg", jstr(lk, "oom_memcg"), k->oom_memcg);
        check_str(name, pid, "container_id", jstr(lk, "container_id"), k->container_id);
        check_numbers(name, lk, k, pid);
        const char *basis = jstr(lk, "constraint_basis");
        if (basis && strstr(basis, "oom-kill:"))
                check_str(name, pid, "constraint", jstr(lk, "constraint"), k->constraint);
}

/* Userspace killers' records (label "user_kills", none when absent): the
 * same number, in order, each with the labelled killer, victim and pid
 * (null = not shown). They are never kernel kills: "kills" stays as
 * labelled (an empty list for a log with userspace kills only). */
static void check_user_kills(const char *name, yajl_val doc, const struct oomlog_result *r)
{
        const char *up[] = {"user_kills", NULL};
        yajl_val uk = yajl_tree_get(doc, up, yajl_t_array);
        size_t want = uk ? YAJL_GET_ARRAY(uk)->len : 0;
        if (r->n_user_kills != want) {
                print_error("%s: %zu userspace kills reported, %zu labelled\n", name,
                            r->n_user_kills, want);
                failures++;
        }
        for (size_t i = 0; i < want && i < r->n_user_kills; i++) {
                yajl_val lk = YAJL_GET_ARRAY(uk)->values[i];
                const struct user_kill *k = &r->user_kills[i];
                int64_t pid = OG_NONE;
                jint(lk, "victim_pid", &pid);
                check_str(name, (int64_t)i, "user kill killer", jstr(lk, "killer"), k->killer);
                check_str(name, (int64_t)i, "user kill victim", jstr(lk, "victim"), k->victim);
                if (jstr(lk, "victim_comm"))
                        check_str(name, (int64_t)i, "user kill victim_comm",
                                  jstr(lk, "victim_comm"), k->victim_comm);
                if (pid != k->victim_pid) {
                        print_error("%s user kill %zu victim_pid: got %lld, want %lld\n", name, i,
                                    (long long)k->victim_pid, (long long)pid);
                        failures++;
                }
        }
}

/* Fed line by line (as the hook reads /dev/kmsg) the parser must find the
 * same kills as from the whole buffer (as explain reads files). */
static void check_stream_agrees(const char *name, const char *log, size_t len,
                                const struct oomlog_result *want)
{
        struct oomlog *p = oomlog_new();
        struct oomlog_result got;
        assert_non_null(p);
        if (want->stats.reversed)
                return oomlog_free(p); /* needs the whole buffer */
        for (const char *s = log, *end = log + len; s < end;) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                const char *e = nl ? nl : end;
                oomlog_feed_line(p, s, (size_t)(e - s));
                s = nl ? nl + 1 : end;
        }
        assert_int_equal(oomlog_finish(p, &got), 0);
        bool same = got.n_kills == want->n_kills && got.n_user_kills == want->n_user_kills;
        for (size_t i = 0; same && i < got.n_kills; i++)
                same = got.kills[i].victim_pid == want->kills[i].victim_pid &&
                       got.kills[i].scope == want->kills[i].scope;
        if (!same) {
                print_error("%s: line-by-line parsing found %zu kills, the buffer %zu\n", name,
                            got.n_kills, want->n_kills);
                failures++;
        }
        oomlog_result_free(&got);
}

static void run_case(void **state)
{
        const struct corpus_case *c = *state;
        const char *name = strrchr(c->log, '/') + 1;
        char errbuf[256];
        _cleanup_free_ char *json = read_file(c->json, NULL);
        size_t len = 0;
        _cleanup_free_ char *log = read_file(c->log, &len);
        assert_non_null(json);
        assert_non_null(log);
        yajl_val doc = yajl_tree_parse(json, errbuf, sizeof(errbuf));
        if (!doc)
                fail_msg("%s: %s", c->json, errbuf);
        const char *kp[] = {"kills", NULL};
        yajl_val kills = yajl_tree_get(doc, kp, yajl_t_array);
        assert_non_null(kills);
        struct oomlog_result r;
        assert_int_equal(oomlog_parse(log, len, &r, NULL), 0);
        failures = 0;
        size_t labelled = YAJL_GET_ARRAY(kills)->len;
        for (size_t i = 0; i < labelled; i++) {
                yajl_val lk = YAJL_GET_ARRAY(kills)->values[i];
                int64_t pid;
                if (!jint(lk, "victim_pid", &pid))
                        continue; /* partial: victim not visible */
                const struct oom_kill *k = kill_by_pid(&r, pid);
                if (!k) {
                        print_error("%s: labelled kill of pid %lld not reported\n", name,
                                    (long long)pid);
                        failures++;
                        continue;
                }
                check_kill(name, doc, lk, k, pid);
        }
        check_user_kills(name, doc, &r);
        check_stream_agrees(name, log, len, &r);
        if (r.n_kills != labelled) {
                print_error("%s: %zu kills reported, %zu labelled\n", name, r.n_kills, labelled);
                failures++;
        }
        oomlog_result_free(&r);
        yajl_tree_free(doc);
        assert_int_equal(failures, 0);
}

static int cmp_case(const void *a, const void *b)
{
        return strcmp(((const struct corpus_case *)a)->log, ((const struct corpus_case *)b)->log);
}

static size_t collect(const char *dir, struct corpus_case **cases, size_t n)
{
        DIR *d = opendir(dir);
        if (!d) {
                fprintf(stderr, "test_corpus: cannot open %s\n", dir);
                exit(2);
        }
        struct dirent *de;
        while ((de = readdir(d))) {
                size_t l = strlen(de->d_name);
                if (l < 5 || strcmp(de->d_name + l - 4, ".log") != 0)
                        continue;
                struct corpus_case c;
                snprintf(c.log, sizeof(c.log), "%s/%s", dir, de->d_name);
                snprintf(c.json, sizeof(c.json), "%s/%.*s.json", dir, (int)(l - 4), de->d_name);
                if (access(c.json, R_OK) != 0)
                        continue;
                *cases = realloc(*cases, (n + 1) * sizeof(**cases));
                assert_non_null(*cases);
                (*cases)[n++] = c;
        }
        closedir(d);
        return n;
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                fprintf(stderr, "usage: test_corpus DIR...\n");
                return 2;
        }
        struct corpus_case *cases = NULL;
        size_t n = 0;
        for (int i = 1; i < argc; i++)
                n = collect(argv[i], &cases, n);
        if (n == 0) {
                fprintf(stderr, "test_corpus: no NNN.log with NNN.json found\n");
                return 2;
        }
        qsort(cases, n, sizeof(*cases), cmp_case);
        struct CMUnitTest *tests = calloc(n, sizeof(*tests));
        for (size_t i = 0; i < n; i++) {
                tests[i].name = cases[i].log;
                tests[i].test_func = run_case;
                tests[i].initial_state = &cases[i];
        }
        int rc = _cmocka_run_group_tests("corpus", tests, n, NULL, NULL);
        free(tests);
        free(cases);
        return rc;
}
