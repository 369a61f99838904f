/* SPDX-License-Identifier: MIT */
/* oomguard-hook STAGE [--config PATH] [--runtime PATH]: an OCI hook. Reads
 * the container's state on stdin. Never stops a container because of its own trouble
 * unless the configuration says fail_closed. */
#include "hook.h"
#include "hookconfine.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static void usage(FILE *out)
{
        fputs("Usage: oomguard-hook [createRuntime|prestart|poststop] [--config PATH]\n"
              "                     [--runtime PATH]\n"
              "\n"
              "An OCI runtime hook: reads the container state on stdin. At create it\n"
              "applies oomguard's memory policy (oom_score_adj, swap, memory.high,\n"
              "memory.oom.group); at poststop it records how the container died in the\n"
              "verdict log. Without a stage it goes by the state's status.\n"
              "The configuration is --config, else $OOMGUARD_CONFIG, else\n"
              "/etc/oomguard/config.json (see oomguard.json(5)).\n"
              "--runtime (added by oomguard-shim) records at create the runtime that\n"
              "created the container, for the shim's later commands.\n",
              out);
}

/* 1 create, 2 poststop, 0 unknown (from the argument, else the status) */
static int stage_of(const char *s)
{
        if (!s)
                return 0;
        if (!strcmp(s, "createRuntime") || !strcmp(s, "prestart") || !strcmp(s, "creating") ||
            !strcmp(s, "created"))
                return 1;
        if (!strcmp(s, "poststop") || !strcmp(s, "stopped"))
                return 2;
        return 0;
}

/* Prefix the message with the container's id, unless it names it already. */
static void name_container(const struct oci_state *st, struct og_error *err)
{
        char shown[96], m[sizeof(err->msg)];
        oci_id_display(st->id, strlen(st->id), shown, sizeof(shown));
        if (strstr(err->msg, st->id) || strstr(err->msg, shown))
                return;
        int room = (int)(sizeof(m) - strlen(shown) - 3);
        snprintf(m, sizeof(m), "%s: %.*s", shown, room, err->msg);
        memcpy(err->msg, m, sizeof(m));
}

static int run(const char *stage_arg, const struct hook_env *env, const struct og_config *cfg,
               struct og_error *err)
{
        struct oci_state st;
        int r = ocistate_read_fd(STDIN_FILENO, &st, err);
        if (r < 0)
                return r;
        int stage = stage_of(stage_arg ? stage_arg : st.status);
        /* now that the container is known: only its cgroup and init */
        r = hook_confine_container((enum hook_stage)stage, cfg, env->proc_root, &st, err);
        if (r < 0 && !cfg->fail_closed)
                hook_log(LOG_ERR, "cannot confine the hook to %.96s: %s; carrying on without it",
                         st.id, err->msg);
        /* what an image put in the state and was left out: said, never fatal */
        for (size_t i = 0; i < st.n_notes; i++)
                hook_log(LOG_WARNING, "%.96s: %s", st.id, st.notes[i]);
        if (r == 0 || !cfg->fail_closed)
                r = stage == 1   ? hook_create(cfg, &st, env, err)
                    : stage == 2 ? hook_poststop(cfg, &st, env, err)
                                 : og_error_set(err, -EINVAL,
                                                "unknown stage '%s'; register the "
                                                "hook for createRuntime, prestart or poststop",
                                                stage_arg   ? stage_arg
                                                : st.status ? st.status
                                                            : "");
        if (r < 0)
                name_container(&st, err);
        ocistate_free(&st);
        return r;
}

/* After the argument and the administrator's configuration, before a byte
 * of the state on stdin (which the container influences) is read. A stage
 * known only from the state gets both stages' allowlists. Trouble here is
 * hook trouble: logged, and the container refused only with fail_closed. */
static int confine(int stage, const struct og_config *cfg, const struct hook_env *env)
{
        struct og_error err = {0};
        if (hook_confine((enum hook_stage)stage, cfg, env->proc_root, &err) == 0)
                return 0;
        hook_log(LOG_ERR, "cannot confine the hook: %s; %s", err.msg,
                 cfg->fail_closed ? "refusing the container (fail_closed)"
                                  : "carrying on without it");
        return cfg->fail_closed ? -1 : 0;
}

int main(int argc, char **argv)
{
        static const struct option longopts[] = {
                {"config", required_argument, NULL, 'c'},
                {"runtime", required_argument, NULL, 'r'},
                {"help", no_argument, NULL, 'h'},
                {NULL, 0, NULL, 0},
        };
        const char *config = getenv("OOMGUARD_CONFIG"), *runtime = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
                if (c == 'c')
                        config = optarg;
                else if (c == 'r')
                        runtime = optarg;
                else if (c == 'h') {
                        usage(stdout);
                        return 0;
                } else {
                        usage(stderr);
                        return 2;
                }
        }
        struct og_config cfg;
        struct og_error err = {0};
        int loaded = config_load_kept(config, false, &cfg, &err);
        if (loaded != 0) {
                hook_log(LOG_ERR, "%s%s", err.msg,
                         loaded < 0 ? "; running with the built-in defaults" : "");
                memset(&err, 0, sizeof(err));
        }
        const char *stage = optind < argc ? argv[optind] : NULL;
        const struct hook_env env = {
                .proc_root = getenv("OOMGUARD_PROC") ? getenv("OOMGUARD_PROC") : "/proc",
                .kmsg = getenv("OOMGUARD_KMSG") ? getenv("OOMGUARD_KMSG") : "/dev/kmsg",
                .runtime = runtime,
        };
        if (confine(stage_of(stage), &cfg, &env) < 0)
                return 1;
        if (run(stage, &env, &cfg, &err) >= 0)
                return 0;
        hook_log(LOG_ERR, "%s; %s", err.msg,
                 cfg.fail_closed ? "refusing the container (fail_closed)"
                                 : "the container runs without oomguard's policy");
        return cfg.fail_closed ? 1 : 0;
}
