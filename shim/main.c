/* SPDX-License-Identifier: MIT */
/* oomguard-shim: registered with an engine in place of runc, it takes
 * runc's command line. On create and run it writes oomguard's hook and
 * policy into the bundle's config.json, before delete it keeps the
 * cgroup's last counters; then it becomes the real runtime (execv), with
 * the argv untouched. Its own trouble never stops a container unless the
 * configuration says fail_closed. */
#define _GNU_SOURCE
#include "ocistate.h"
#include "procfs.h"
#include "shim.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static void usage(void)
{
        fputs("Usage: oomguard-shim [RUNTIME OPTIONS] COMMAND [ARGS...]\n"
              "\n"
              "A wrapper around runc, crun or sysbox-runc, registered with Docker or\n"
              "containerd as the runtime. On create and run it adds oomguard-hook and\n"
              "oomguard's memory policy to the bundle's config.json; before delete it\n"
              "records the container's last memory counters; every command is then\n"
              "handed to the real runtime unchanged.\n"
              "\n"
              "The real runtime is $OOMGUARD_RUNTIME, else \"runtime\" in the\n"
              "configuration ($OOMGUARD_CONFIG, else /etc/oomguard/config.json),\n"
              "else runc. See oomguard-shim(8). The runtime's own help follows.\n\n",
              stdout);
        fflush(stdout);
}

/* oomguard-hook beside this binary, unless the configuration names one. */
static const char *hook_path(const struct og_config *cfg, char *buf, size_t cap)
{
        if (cfg->hook[0])
                return access(cfg->hook, X_OK) == 0 ? cfg->hook : NULL;
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0)
                return NULL;
        self[n] = '\0';
        if ((size_t)snprintf(buf, cap, "%s/oomguard-hook", dirname(self)) >= cap)
                return NULL;
        return access(buf, X_OK) == 0 ? buf : NULL;
}

/* The write-window library: beside the shim (a build tree), else in
 * ../lib/oomguard/ (an installation). */
static const char *library_path(char *buf, size_t cap)
{
        static const char *const rel[] = {"", "/../lib/oomguard"};
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0)
                return NULL;
        self[n] = '\0';
        const char *dir = dirname(self);
        for (size_t i = 0; i < ARRAY_SIZE(rel); i++)
                if ((size_t)snprintf(buf, cap, "%s%s/liboomguard-pagecache.so", dir, rel[i]) <
                            cap &&
                    access(buf, R_OK) == 0)
                        return buf;
        return NULL;
}

/* An id the hook cannot keep state for: said where the engine looks (runc
 * shows a successful hook's stderr to nobody). runc refuses most of these
 * itself; crun may not. */
static int check_id(const struct og_config *cfg, const struct runc_argv *a)
{
        char shown[96];
        size_t len = strlen(a->id);
        const char *why = oci_id_problem(a->id, len);
        if (!why)
                return 0;
        shim_log(a, cfg->fail_closed ? LOG_ERR : LOG_WARNING,
                 "container id \"%s\": %s, so "
                 "oomguard can keep no state for it: %s",
                 oci_id_display(a->id, len, shown, sizeof(shown)), why,
                 cfg->fail_closed ? "refusing the container (fail_closed)"
                                  : "it runs without oomguard's policy and gets no verdict");
        return cfg->fail_closed ? -1 : 0;
}

static int prepare(const struct og_config *cfg, const char *cfg_path, const char *runtime,
                   const struct runc_argv *a)
{
        char hook[PATH_MAX], lib[PATH_MAX], shown[96];
        const char *id = oci_id_display(a->id, strlen(a->id), shown, sizeof(shown));
        if (check_id(cfg, a) < 0)
                return -1;
        struct shim_plan plan = {
                .hook = hook_path(cfg, hook, sizeof(hook)),
                .hook_config = cfg_path && cfg_path[0] == '/' ? cfg_path : NULL,
                .host_mem = proc_mem_total("/proc"),
                .window = cfg->writeback_window,
                .runtime = runtime,
        };
        struct shim_writeback wb = {.mode = cfg->writeback,
                                    .library = library_path(lib, sizeof(lib))};
        struct og_error ferr = {0};
        if (shim_host_facts("/proc", &plan.swap_accounting, &wb.v1, &ferr) < 0)
                shim_log(a, LOG_WARNING,
                         "%s: cannot tell whether this host limits swap or "
                         "runs cgroup v1 (%s): the spec's memory.swap is left as it is (the "
                         "hook still applies the swap policy to the cgroup)",
                         id, ferr.msg);
        if (!plan.hook)
                shim_log(a, LOG_WARNING,
                         "%s: oomguard-hook not found (%s); adding the "
                         "policy without it: no verdicts",
                         id, cfg->hook[0] ? cfg->hook : "expected beside oomguard-shim");
        struct shim_result res;
        struct og_error err = {0};
        int r = shim_prepare(cfg, &plan, &wb, a, &res, &err);
        free(res.buf);
        if (r >= 0) {
                if (wb.why[0])
                        shim_log(a, LOG_INFO, "%s: no write window: %s%s", id, wb.why,
                                 wb.done ? "; the host mode covers it" : "");
                return 0;
        }
        shim_log(a, cfg->fail_closed ? LOG_ERR : LOG_WARNING, "%s: %s; %s", id, err.msg,
                 cfg->fail_closed ? "refusing the container (fail_closed)"
                                  : "the container runs without oomguard");
        return cfg->fail_closed ? -1 : 0;
}

int main(int argc, char **argv)
{
        struct runc_argv a;
        runcargv_parse(argc, argv, &a);
        if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
                usage();
        const char *cfg_path = getenv("OOMGUARD_CONFIG");
        struct og_config cfg;
        struct og_error err = {0};
        int loaded = config_load_kept(cfg_path, true, &cfg, &err);
        if (loaded != 0)
                shim_alert(&a, "%s%s", err.msg,
                           loaded < 0 ? "; running with the built-in defaults" : "");
        const char *want = getenv("OOMGUARD_RUNTIME");
        /* help, version and commands without an id go straight through */
        bool act = a.command && a.id && !a.help;
        bool creating = act && (!strcmp(a.command, "create") || !strcmp(a.command, "run"));
        char runtime[PATH_MAX], recorded[PATH_MAX];
        bool has_record = act && !creating &&
                          shim_recorded_runtime(cfg.state_dir, a.id, recorded,
                                                sizeof(recorded)) == 0;
        memset(&err, 0, sizeof(err));
        int how = shim_choose_runtime(want && want[0] ? want : cfg.runtime,
                                      has_record ? recorded : NULL, runtime, sizeof(runtime),
                                      &err);
        if (how < 0) {
                shim_log(&a, LOG_ERR, "%s", err.msg);
                return 1;
        }
        if (how == SHIM_RUNTIME_FALLBACK && act)
                shim_alert(&a, "%s", err.msg);
        if (creating && prepare(&cfg, cfg_path, runtime, &a) < 0)
                return 1;
        if (act && !strcmp(a.command, "delete") && shim_snapshot(&cfg, a.id, &err) < 0) {
                char shown[96];
                shim_log(&a, LOG_WARNING, "%s: keeping the last counters: %s",
                         oci_id_display(a.id, strlen(a.id), shown, sizeof(shown)), err.msg);
        }
        argv[0] = runtime;
        execv(runtime, argv);
        shim_log(&a, LOG_ERR, "cannot run %s: %s", runtime, strerror(errno));
        return 1;
}
