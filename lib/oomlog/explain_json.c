/* SPDX-License-Identifier: MIT */
#include "explain.h"

#include "jsongen.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

static void yajl_gen_freep(yajl_gen *g)
{
        if (*g)
                yajl_gen_free(*g);
}
#define _cleanup_yajl_ __attribute__((cleanup(yajl_gen_freep)))

static void stats(yajl_gen g, const struct oom_kill *k)
{
        jg_key(g, "memcg_stats");
        if (k->n_stats == 0) {
                yajl_gen_null(g);
                return;
        }
        yajl_gen_map_open(g);
        for (size_t i = 0; i < k->n_stats; i++)
                jg_int(g, k->stats[i].key, k->stats[i].value);
        yajl_gen_map_close(g);
}

void explain_gen_kill(yajl_gen g, const struct oom_kill *k)
{
        yajl_gen_map_open(g);
        jg_str(g, "scope", oom_scope_name(k->scope));
        jg_str(g, "killer", "kernel"); /* every record parsed is a kernel OOM kill */
        jg_str(g, "constraint", k->constraint);
        jg_str(g, "oom_memcg", k->oom_memcg);
        jg_str(g, "task_memcg", k->task_memcg);
        jg_int(g, "victim_pid", k->victim_pid);
        jg_str(g, "victim_comm", k->victim_comm);
        jg_int(g, "victim_uid", k->victim_uid);
        jg_int(g, "total_vm_kb", k->total_vm_kb);
        jg_int(g, "anon_rss_kb", k->anon_rss_kb);
        jg_int(g, "file_rss_kb", k->file_rss_kb);
        jg_int(g, "shmem_rss_kb", k->shmem_rss_kb);
        jg_int(g, "oom_score_adj", k->oom_score_adj);
        jg_str(g, "container_id", k->container_id);
        jg_str(g, "pod_uid", k->pod_uid);
        jg_str(g, "invoker_comm", k->invoker_comm);
        jg_int(g, "invoker_pid", k->invoker_pid);
        jg_str(g, "gfp_mask", k->gfp_mask);
        jg_int(g, "order", k->order);
        jg_int(g, "memcg_usage_kb", k->memcg_usage_kb);
        jg_int(g, "memcg_limit_kb", k->memcg_limit_kb);
        jg_int(g, "memcg_failcnt", k->memcg_failcnt);
        jg_int(g, "swap_usage_kb", k->swap_usage_kb);
        jg_int(g, "swap_limit_kb", k->swap_limit_kb);
        jg_int(g, "memsw_usage_kb", k->memsw_usage_kb);
        jg_int(g, "memsw_limit_kb", k->memsw_limit_kb);
        stats(g, k);
        jg_str(g, "timestamp", k->timestamp);
        yajl_gen_map_close(g);
}

int explain_write_json(FILE *out, const struct oom_kill *k)
{
        return explain_write_json_at(out, k, NULL);
}

int explain_write_json_at(FILE *out, const struct oom_kill *k, const struct explain_clock *clock)
{
        _cleanup_yajl_ yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        explain_gen_kill(g, k);
        double secs = explain_kmsg_seconds(k);
        char extra[160] = "";
        if (clock && clock->boot_epoch > 0 && secs >= 0) {
                char wall[64];
                explain_wall_time(wall, sizeof(wall), clock->boot_epoch + secs, true);
                snprintf(extra, sizeof(extra),
                         ",\"wall_time\":\"%s\",\"seconds_after_boot\":%.6f}", wall, secs);
        }
        const unsigned char *buf;
        size_t len;
        if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
                return -EINVAL;
        if (extra[0] && len > 0 && buf[len - 1] == '}')
                len--; /* the object goes on with the wall-clock fields */
        else
                extra[0] = '\0';
        if (fwrite(buf, 1, len, out) != len || fputs(extra, out) == EOF ||
            fputc('\n', out) == EOF)
                return -EIO;
        return 0;
}

void explain_gen_user_kill(yajl_gen g, const struct user_kill *k)
{
        yajl_gen_map_open(g);
        jg_str(g, "killer", k->killer);
        jg_str(g, "victim", k->victim);
        jg_int(g, "victim_pid", k->victim_pid);
        jg_str(g, "victim_comm", k->victim_comm);
        jg_int(g, "victim_uid", k->victim_uid);
        jg_str(g, "signal", k->signal);
        jg_str(g, "reason", k->reason);
        jg_str(g, "detail", k->detail);
        jg_str(g, "timestamp", k->timestamp);
        yajl_gen_map_close(g);
}

int explain_write_user_json(FILE *out, const struct user_kill *k)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        explain_gen_user_kill(g, k);
        return jg_write_line(g, out);
}
