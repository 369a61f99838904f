/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "verdictlog.h"

#include "pagecache.h"

#include "explain.h"
#include "jsongen.h"
#include "jsonv.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* dirty, writeback and file pages at the OOM, from the kernel's report */
static void page_cache(yajl_gen g, const struct oom_kill *k)
{
        struct pc_figures f;
        jg_key(g, "page_cache");
        if (!pagecache_read(k, &f)) {
                yajl_gen_null(g);
                return;
        }
        yajl_gen_map_open(g);
        jg_int(g, "dirty_bytes", f.dirty);
        jg_int(g, "writeback_bytes", f.writeback);
        jg_int(g, "file_bytes", f.file);
        yajl_gen_map_close(g);
}

static void evidence(yajl_gen g, const struct verdict *v)
{
        jg_key(g, "evidence");
        yajl_gen_map_open(g);
        jg_key(g, "kmsg");
        yajl_gen_bool(g, v->ev_kmsg);
        jg_key(g, "counters");
        yajl_gen_bool(g, v->ev_counters);
        jg_key(g, "init_pid");
        yajl_gen_bool(g, v->ev_init_pid);
        yajl_gen_map_close(g);
}

/* v2 memory.pressure avg10 near the end, as percentages; null on v1 */
static void pressure(yajl_gen g, const struct verdict *v)
{
        jg_key(g, "memory_pressure");
        if (v->psi_some == OG_NONE) {
                yajl_gen_null(g);
                return;
        }
        yajl_gen_map_open(g);
        const int64_t val[] = {v->psi_some, v->psi_full};
        const char *key[] = {"some_avg10", "full_avg10"};
        for (size_t i = 0; i < 2; i++) {
                char num[32]; /* hundredths as the kernel prints them: 23.27, not 23.2699… */
                int n = val[i] == OG_NONE || val[i] < 0
                                ? -1
                                : snprintf(num, sizeof(num), "%" PRId64 ".%02" PRId64,
                                           val[i] / 100, val[i] % 100);
                jg_key(g, key[i]);
                if (n > 0)
                        yajl_gen_number(g, num, (size_t)n);
                else
                        yajl_gen_null(g);
        }
        yajl_gen_map_close(g);
}

static void gen_record(yajl_gen g, const struct verdict_record *r)
{
        const struct verdict *v = r->v;
        yajl_gen_map_open(g);
        jg_str(g, "id", r->id);
        jg_str(g, "bundle", r->bundle);
        jg_int(g, "pid", r->init_pid > 0 ? r->init_pid : OG_NONE);
        jg_str(g, "verdict", verdict_kind_name(v->kind));
        jg_key(g, "init_killed");
        if (v->init_killed < 0)
                yajl_gen_null(g);
        else
                yajl_gen_bool(g, v->init_killed == 1);
        char sig[32];
        jg_int(g, "exit_code", v->exit_code);
        jg_str(g, "exit_signal", verdict_signal_name(v->exit_signal, sig, sizeof(sig)));
        jg_int(g, "limit_hits", v->limit_hits);
        pressure(g, v);
        jg_bool(g, "group_kill", v->group_kill);
        size_t n = v->n_kills, head = n, tail = 0;
        if (n > VERDICTLOG_MAX_KILLS) {
                head = VERDICTLOG_MAX_KILLS / 2;
                tail = VERDICTLOG_MAX_KILLS - head;
        }
        jg_key(g, "kills");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < n; i++)
                if (i < head || i >= n - tail)
                        explain_gen_kill(g, &r->kills[v->kill_idx[i]]);
        yajl_gen_array_close(g);
        jg_int(g, "kills_omitted", (int64_t)(n - head - tail));
        jg_str(g, "cgroup", r->cgroup);
        jg_str(g, "oom_memcg", v->oom_memcg);
        jg_int(g, "limit_bytes", r->limit_bytes);
        jg_int(g, "swap_limit_bytes", r->swap_limit_bytes);
        jg_int(g, "peak_bytes", r->peak_bytes);
        jg_int(g, "oom_score_adj", r->oom_score_adj);
        page_cache(g, v->n_kills ? &r->kills[v->kill_idx[0]] : NULL);
        jg_bool(g, "page_cache_driven", v->page_cache_driven);
        jg_str(g, "writeback", r->writeback);
        evidence(g, v);
        jg_str(g, "started", r->started);
        jg_str(g, "stopped", r->stopped);
        jg_str(g, "summary", v->summary);
        jg_key(g, "ancestors");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < r->n_parents; i++) {
                yajl_gen_map_open(g);
                jg_str(g, "cgroup", r->parents[i].cgroup);
                jg_int(g, "limit_bytes", r->parents[i].limit_bytes);
                jg_int(g, "failcnt_delta", r->parents[i].failcnt_delta);
                jg_int(g, "oom_kill_delta", r->parents[i].oom_kill_delta);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        jg_key(g, "notes");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < r->n_notes; i++)
                jg_strval(g, r->notes[i]);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
}

int verdictlog_render(const struct verdict_record *r, char **ret, size_t *ret_len)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        gen_record(g, r);
        return jg_finish(g, true, ret, ret_len);
}

/* A writer killed in the middle of its line (a write to a regular file can
 * stop short at a page boundary on a fatal signal) leaves a torn last
 * line; under the lock nobody else writes, so it is cut off before the
 * next record goes after it. */
static void drop_torn_tail(int fd)
{
        struct stat st;
        char c;
        if (fstat(fd, &st) < 0 || st.st_size == 0 || pread(fd, &c, 1, st.st_size - 1) != 1 ||
            c == '\n')
                return;
        off_t end = st.st_size;
        char buf[4096];
        while (end > 0) {
                size_t n = end < (off_t)sizeof(buf) ? (size_t)end : sizeof(buf);
                if (pread(fd, buf, n, end - (off_t)n) != (ssize_t)n)
                        return;
                const char *nl = memrchr(buf, '\n', n);
                if (nl) {
                        end = end - (off_t)n + (nl - buf) + 1;
                        break;
                }
                end -= (off_t)n;
        }
        if (ftruncate(fd, end) < 0)
                return;
}

/* Is this exact line among the log's last megabyte? */
static bool already_there(const char *path, const char *line, size_t len)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0 || (size_t)st.st_size < len)
                return false;
        size_t tail = (size_t)st.st_size < (1u << 20) ? (size_t)st.st_size : (1u << 20);
        _cleanup_free_ char *buf = malloc(tail);
        ssize_t n = buf ? pread(fd, buf, tail, st.st_size - (off_t)tail) : -1;
        return n > 0 && memmem(buf, (size_t)n, line, len) != NULL;
}

int verdictlog_append(const char *path, const char *line, size_t len, struct og_error *err)
{
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s", path);
        if (mkdir(dirname(dir), 0750) < 0 && errno != EEXIST)
                return og_error_set(err, -errno, "cannot create the directory of %s: %s", path,
                                    strerror(errno));
        _cleanup_close_ int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                                      0640);
        if (fd < 0)
                return og_error_set(err, -errno, "cannot open %s: %s", path, strerror(errno));
        if (flock(fd, LOCK_EX) < 0)
                return og_error_set(err, -errno, "cannot lock %s: %s", path, strerror(errno));
        drop_torn_tail(fd);
        if (already_there(path, line, len)) {
                flock(fd, LOCK_UN);
                return 0; /* a poststop that ran again after it had appended */
        }
        ssize_t n = write(fd, line, len); /* one write: lines never interleave */
        int e = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
        if (e == 0 && fdatasync(fd) < 0)
                e = -errno;
        flock(fd, LOCK_UN);
        if (e < 0)
                return og_error_set(err, e, "writing %s: %s", path, strerror(-e));
        return 0;
}

int verdictlog_scan(FILE *in, const char *id, bool exact, verdictlog_fn fn, void *ud)
{
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        int r = 0;
        while (r >= 0 && (n = getline(&line, &cap, in)) > 0) {
                if (n > VERDICTLOG_LINE_MAX)
                        continue;
                /* bounded nesting: a hostile line must not overflow the stack */
                yajl_val rec = NULL;
                (void)jsonv_parse_object(line, (size_t)n, VERDICTLOG_LINE_MAX, "verdict log",
                                         &rec, NULL);
                const char *rid = NULL;
                if (rec && jsonv_str(rec, "id", &rid) == JSONV_OK &&
                    (!id || (exact ? strcmp(rid, id) : strncmp(rid, id, strlen(id))) == 0))
                        r = fn(rec, line, ud);
                if (rec)
                        yajl_tree_free(rec);
        }
        free(line);
        return r;
}
