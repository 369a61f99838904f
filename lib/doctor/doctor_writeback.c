/* SPDX-License-Identifier: MIT */
/* doctor: which writeback mode this host gets, and why. */
#define _GNU_SOURCE
#include "doctor-int.h"

#include "config.h"

#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The write-window library where oomguard-shim looks for it: beside the
 * binaries, or in ../lib/oomguard. */
static bool library_installed(char *ret, size_t cap)
{
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0)
                return false;
        self[n] = '\0';
        const char *dir = dirname(self);
        return ((size_t)snprintf(ret, cap, "%s/liboomguard-pagecache.so", dir) < cap &&
                access(ret, R_OK) == 0) ||
               ((size_t)snprintf(ret, cap, "%s/../lib/oomguard/liboomguard-pagecache.so", dir) <
                        cap &&
                access(ret, R_OK) == 0);
}

void doctor_check_writeback(struct doctor_ctx *c, const struct og_config *cfg)
{
        static const char *const names[] = {"auto", "off", "preload", "host"};
        bool v1 = c->have_cg && c->cg.v1_memory[0];
        char lib[PATH_MAX];
        bool have_lib =
                c->root[0] /* a saved tree: where the package puts it */
                        ? doctor_exists(c, "/usr/lib/oomguard/liboomguard-pagecache.so") ||
                                  doctor_exists(
                                          c, "/usr/local/lib/oomguard/liboomguard-pagecache.so")
                        : library_installed(lib, sizeof(lib));
        enum writeback_mode m = cfg->writeback;
        if (m == WRITEBACK_OFF) {
                struct doctor_finding *f = doctor_add(
                        c, v1 ? DOCTOR_WARN : DOCTOR_OK, "writeback",
                        "writeback is off: nothing bounds a container's dirty and writeback pages.");
                if (v1)
                        doctor_todo(f,
                                    "On cgroup v1 a writer to slow storage can be OOM-killed by "
                                    "its own page cache; set \"writeback\": \"auto\".");
                return;
        }
        if (m == WRITEBACK_AUTO && !v1) {
                doctor_add(c, DOCTOR_OK, "writeback",
                           "writeback auto on cgroup v2: off; the "
                           "kernel throttles each cgroup's dirty pages itself.");
                return;
        }
        bool preload = m == WRITEBACK_AUTO || m == WRITEBACK_PRELOAD;
        bool host = m == WRITEBACK_AUTO || m == WRITEBACK_HOST;
        struct doctor_finding *f = doctor_add(
                c, preload && !have_lib ? DOCTOR_WARN : DOCTOR_OK, "writeback",
                "writeback %s%s: %s%s%s%s", names[m], v1 ? " on cgroup v1" : "",
                preload ? "a write window preloaded into glibc programs by oomguard-shim" : "",
                preload && !have_lib ? " (but liboomguard-pagecache.so is not installed)" : "",
                preload && host ? "; " : "",
                host ? "vm.dirty_bytes kept at half the smallest page-cache room of the "
                       "containers the window does not cover (static, Go, musl, no shim)"
                     : "");
        if (preload && !have_lib)
                doctor_todo(f, "Install liboomguard-pagecache.so beside oomguard-shim or in "
                               "/usr/lib/oomguard (the package does).");
}
