/* SPDX-License-Identifier: MIT */
/* `oomguard doctor` over fixture hosts (tests/fixtures/doctor/): a cgroup v1
 * hybrid host without swap and without engines (like the development
 * machine), a cgroup v2 host with swap where every engine runs oomguard, and
 * a legacy v1 host where vm.dirty_bytes is too high for the smallest
 * container limit and nothing is registered right. Then the parsers. */
#include "testutil.h"

#include "doctor.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define DOC FIXTURES "/doctor"
#define ID12 "0f32894de86e"
#define MIB (1024 * 1024LL)

/* ---- whole audits ---- */

static const char *const fixtures[] = {"v1hybrid", "v2swap", "v1dirty"};
static struct doctor_report reports[ARRAY_SIZE(fixtures)];
static bool ran[ARRAY_SIZE(fixtures)];

static const struct doctor_report *report(const char *fixture)
{
        for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
                if (strcmp(fixtures[i], fixture) != 0)
                        continue;
                if (!ran[i]) {
                        char root[256];
                        struct og_error err = {0};
                        snprintf(root, sizeof(root), "%s/%s", DOC, fixture);
                        struct doctor_opts o = {.root = root};
                        if (doctor_run(&o, &reports[i], &err) < 0)
                                fail_msg("%s: %s", fixture, err.msg);
                        ran[i] = true;
                }
                return &reports[i];
        }
        fail_msg("no fixture %s", fixture);
        return NULL;
}

struct expect {
        const char *fixture, *check;
        enum doctor_level level;
        const char *text; /* in what was found or what to do */
};

static const struct expect expects[] = {
        {"v1hybrid", "cgroup", DOCTOR_INFO, "cgroup v1 hybrid"},
        {"v1hybrid", "writeback", DOCTOR_OK,
         "writeback auto on cgroup v1: a write window preloaded"},
        {"v1hybrid", "writeback", DOCTOR_OK,
         "vm.dirty_bytes kept at half the smallest page-cache room"},
        {"v2swap", "writeback", DOCTOR_OK, "writeback auto on cgroup v2: off"},
        {"v1hybrid", "cgroup", DOCTOR_INFO,
         "cgroup2 at /sys/fs/cgroup/unified (controllers there: hugetlb)"},
        {"v1hybrid", "cgroup", DOCTOR_INFO,
         "memory controller: v1, mounted at /sys/fs/cgroup/memory"},
        {"v1hybrid", "swap", DOCTOR_INFO, "No swap (SwapTotal 0 kB, no area in /proc/swaps)"},
        {"v1hybrid", "swap", DOCTOR_INFO, "swap accounting on"},
        {"v1hybrid", "dirty", DOCTOR_INFO, "vm.dirty_ratio=20 (~4.7 GiB"},
        {"v1hybrid", "dirty", DOCTOR_INFO,
         "no running cgroup has a memory limit below host memory"},
        {"v1hybrid", "overcommit", DOCTOR_OK, "vm.overcommit_memory=0 (heuristic"},
        {"v1hybrid", "runtime", DOCTOR_OK,
         "runc: /usr/sbin/runc (also as /usr/bin/runc, /sbin/runc, /bin/runc)."},
        {"v1hybrid", "docker", DOCTOR_INFO, "Not installed (no dockerd in"},
        {"v1hybrid", "containerd", DOCTOR_INFO, "Not installed"},
        {"v1hybrid", "podman", DOCTOR_INFO, "Not installed"},
        {"v1hybrid", "cri-o", DOCTOR_INFO, "Not installed (no crio in"},
        {"v1hybrid", "config", DOCTOR_INFO, "the built-in defaults apply"},
        {"v1hybrid", "state-dir", DOCTOR_OK,
         "/run/oomguard (per-container state) does not exist yet"},
        {"v1hybrid", "verdict-log", DOCTOR_OK, "/var/log/oomguard (verdict log directory)"},
        {"v1hybrid", "kmsg", DOCTOR_INFO, "not checked"},
        {"v1hybrid", "oom-adj", DOCTOR_OK, "(2 processes, 0 in containers)"},

        {"v2swap", "cgroup", DOCTOR_OK,
         "cgroup v2 (unified) at /sys/fs/cgroup; memory controller: v2"},
        {"v2swap", "swap", DOCTOR_OK,
         "2.0 GiB of swap on 1 area; swap accounting on (memory.swap.max)"},
        {"v2swap", "dirty", DOCTOR_OK, "cgroup v2 scales it to each memory cgroup"},
        {"v2swap", "dirty", DOCTOR_OK, "256 MiB, container " ID12},
        {"v2swap", "overcommit", DOCTOR_INFO, "vm.overcommit_memory=1 (always)"},
        {"v2swap", "runtime", DOCTOR_OK, "crun: /usr/bin/crun."},
        {"v2swap", "docker", DOCTOR_OK,
         "Runtime \"oomguard\" is /usr/local/bin/oomguard-shim and the default-runtime"},
        {"v2swap", "containerd", DOCTOR_OK,
         "Runtime \"oomguard\" runs /usr/local/bin/oomguard-shim and is the default"},
        {"v2swap", "podman", DOCTOR_OK,
         "/etc/containers/oci/hooks.d/oomguard.json runs /usr/local/bin/oomguard-hook at create and poststop for every container"},
        {"v2swap", "cri-o", DOCTOR_OK, "/etc/containers/oci/hooks.d/oomguard.json runs"},
        {"v2swap", "config", DOCTOR_OK, "oom_score_adj auto (floor 100), swap none"},
        {"v2swap", "state-dir", DOCTOR_OK, "/run/oomguard (per-container state) is writable"},
        {"v2swap", "verdict-log", DOCTOR_OK, "is writable"},
        {"v2swap", "oom-adj", DOCTOR_OK, "(2 processes, 1 in containers)"},

        {"v1dirty", "cgroup", DOCTOR_INFO, "cgroup v1 (legacy)"},
        {"v1dirty", "swap", DOCTOR_WARN, "1.0 GiB of swap on 1 area, but swap accounting is off"},
        /* the writeback policy in force (auto) covers it: no host-wide advice */
        {"v1dirty", "dirty", DOCTOR_INFO,
         "vm.dirty_bytes=838860800 (800 MiB) is more than the room"},
        /* the stale 128 MiB cgroup has no task: not a running container */
        {"v1dirty", "dirty", DOCTOR_INFO, "(256 MiB, container " ID12 ", /docker/" ID12},
        {"v1dirty", "dirty", DOCTOR_INFO, "255 MiB left after 1 MiB anonymous"},
        {"v1dirty", "dirty", DOCTOR_INFO, "Nothing to set host-wide"},
        {"v1dirty", "overcommit", DOCTOR_WARN, "vm.overcommit_memory=2 (strict)"},
        {"v1dirty", "runtime", DOCTOR_WARN, "No runc, crun or sysbox-runc"},
        {"v1dirty", "docker", DOCTOR_WARN, "the default-runtime is \"runc\""},
        /* Docker's own containerd: Docker's registration covers it */
        {"v1dirty", "containerd", DOCTOR_INFO, "Runs Docker's containers here"},
        {"v1dirty", "podman", DOCTOR_WARN,
         "no hooks.d file in /usr/share/containers/oci/hooks.d, /etc/containers/oci/hooks.d"},
        {"v1dirty", "cri-o", DOCTOR_INFO, "Not installed"},
        {"v1dirty", "config", DOCTOR_ERROR, "unknown key \"swapp\""},
        {"v1dirty", "state-dir", DOCTOR_ERROR,
         "Neither /run/oomguard (per-container state) nor its parent"},
        {"v1dirty", "oom-adj", DOCTOR_WARN,
         "Container " ID12 ": 2 processes with oom_score_adj down to -998 (java, pid 4242)"},
        {"v1dirty", "oom-adj", DOCTOR_WARN, "backupd (pid 812, adj 300)"},
};

static bool matches(const struct doctor_finding *f, const struct expect *x)
{
        return strcmp(f->check, x->check) == 0 && f->level == x->level &&
               (strstr(f->what, x->text) || strstr(f->todo, x->text));
}

static void test_findings(void **state)
{
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(expects); i++) {
                const struct expect *x = &expects[i];
                const struct doctor_report *r = report(x->fixture);
                bool found = false;
                for (size_t j = 0; j < r->n && !found; j++)
                        found = matches(&r->f[j], x);
                if (!found) {
                        for (size_t j = 0; j < r->n; j++)
                                if (strcmp(r->f[j].check, x->check) == 0)
                                        print_message("  have %s %s: %s %s\n",
                                                      doctor_level_name(r->f[j].level),
                                                      r->f[j].check, r->f[j].what, r->f[j].todo);
                        fail_msg("%s: no %s finding \"%s\" at level %s", x->fixture, x->check,
                                 x->text, doctor_level_name(x->level));
                }
        }
}

/* Every check speaks once per fixture (oom-adj and runtime may say more). */
static void test_each_check_once(void **state)
{
        (void)state;
        static const char *const once[] = {"cgroup", "swap",       "dirty",       "overcommit",
                                           "docker", "containerd", "podman",      "cri-o",
                                           "config", "state-dir",  "verdict-log", "kmsg"};
        for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
                const struct doctor_report *r = report(fixtures[i]);
                for (size_t k = 0; k < ARRAY_SIZE(once); k++) {
                        size_t n = 0;
                        for (size_t j = 0; j < r->n; j++)
                                n += strcmp(r->f[j].check, once[k]) == 0;
                        if (n != 1)
                                fail_msg("%s: %zu %s findings", fixtures[i], n, once[k]);
                }
        }
}

static void test_exit_status(void **state)
{
        (void)state;
        static const struct {
                const char *fixture;
                bool problems;
        } cases[] = {{"v1hybrid", false}, {"v2swap", false}, {"v1dirty", true}};
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                assert_int_equal(doctor_has_problems(report(cases[i].fixture)),
                                 cases[i].problems);
}

static void test_bad_root(void **state)
{
        (void)state;
        struct doctor_report *r = malloc(sizeof(*r));
        struct og_error err = {0};
        struct doctor_opts o = {.root = DOC "/no-such-host"};
        assert_non_null(r);
        assert_int_equal(doctor_run(&o, r, &err), -ENOTDIR);
        assert_non_null(strstr(err.msg, "not a directory"));
        free(r);
}

static void test_explicit_config(void **state)
{
        (void)state;
        struct doctor_report *r = malloc(sizeof(*r));
        struct og_error err = {0};
        struct doctor_opts o = {.root = DOC "/v1hybrid",
                                .config = DOC "/v2swap/etc/oomguard/config.json"};
        assert_non_null(r);
        assert_int_equal(doctor_run(&o, r, &err), 0);
        bool found = false;
        for (size_t i = 0; i < r->n; i++)
                found |= strcmp(r->f[i].check, "config") == 0 && r->f[i].level == DOCTOR_OK &&
                         strstr(r->f[i].what, "floor 100");
        assert_true(found);
        o.config = DOC "/v1hybrid/etc/oomguard/missing.json"; /* named, so it must exist */
        assert_int_equal(doctor_run(&o, r, &err), 0);
        assert_true(doctor_has_problems(r));
        free(r);
}

/* --json: every line an object with exactly level, check, message, action. */
static bool has(const struct doctor_report *r, const char *check, enum doctor_level level,
                const char *text)
{
        for (size_t i = 0; i < r->n; i++)
                if (strcmp(r->f[i].check, check) == 0 && r->f[i].level == level &&
                    strstr(r->f[i].what, text))
                        return true;
        return false;
}

/* CONTAINERS_CONF names the one containers.conf, as podman reads it: its
 * hooks_dir replaces the default directories (where the hook is found
 * without it); a file named that does not exist is an error. */
static void test_containers_conf(void **state)
{
        (void)state;
        struct doctor_report *r = malloc(sizeof(*r));
        struct og_error err = {0};
        struct doctor_opts o = {.root = DOC "/v2swap"};
        assert_non_null(r);
        assert_int_equal(doctor_run(&o, r, &err), 0);
        assert_true(has(r, "podman", DOCTOR_OK, "/etc/containers/oci/hooks.d/oomguard.json"));
        o.containers_conf = "/etc/containers/alt.conf";
        assert_int_equal(doctor_run(&o, r, &err), 0);
        assert_true(
                has(r, "podman", DOCTOR_WARN, "no hooks.d file in /etc/containers/alt-hooks.d"));
        o.containers_conf = "/etc/containers/none.conf";
        assert_int_equal(doctor_run(&o, r, &err), 0);
        assert_true(has(r, "podman", DOCTOR_ERROR, "none.conf (CONTAINERS_CONF) does not exist"));
        free(r);
}

static void test_json_lines(void **state)
{
        (void)state;
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        const struct doctor_report *r = report("v1dirty");
        assert_int_equal(doctor_write_json(f, r), 0);
        fclose(f);
        size_t lines = 0;
        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"), lines++) {
                char ebuf[128];
                yajl_val v = yajl_tree_parse(line, ebuf, sizeof(ebuf));
                assert_non_null(v);
                assert_true(YAJL_IS_OBJECT(v));
                assert_int_equal(v->u.object.len, 4);
                assert_string_equal(v->u.object.keys[0], "level");
                assert_string_equal(v->u.object.keys[3], "action");
                yajl_tree_free(v);
        }
        assert_int_equal(lines, r->n);
        free(buf);
}

static void test_text_lines(void **state)
{
        (void)state;
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        assert_int_equal(doctor_write_text(f, report("v1dirty")), 0);
        fclose(f);
        assert_non_null(strstr(buf, "\ninfo  dirty       vm.dirty_bytes=838860800"));
        assert_non_null(strstr(buf, "\nerror config      "));
        assert_non_null(strstr(buf, "Fix: Correct the file"));
        assert_non_null(strstr(buf, "\ninfo  cri-o       Not installed"));
        free(buf);
}

/* ---- parsers ---- */

static void test_parse_mounts(void **state)
{
        (void)state;
        static const struct {
                const char *text;
                int r;
                enum doctor_cg_mode mode;
                const char *v1_memory, *v2;
        } cases[] = {
                {"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
                 "40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n"
                 "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
                 0, DOCTOR_CG_HYBRID, "/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified"},
                {"30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n",
                 0, DOCTOR_CG_V2, "", "/sys/fs/cgroup"},
                /* /proc/mounts; "memory" only as a whole option */
                {"cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0\n"
                 "cgroup /sys/fs/cgroup/mem cgroup rw,memory_recursiveprot 0 0\n"
                 "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,memory 0 0\n",
                 0, DOCTOR_CG_V1, "/sys/fs/cgroup/memory", ""},
                /* only the named systemd hierarchy beside cgroup2: unified in effect */
                {"40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n"
                 "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw",
                 0, DOCTOR_CG_V2, "", "/sys/fs/cgroup/unified"},
                {"22 1 253:1 / / rw,relatime - ext4 /dev/vda rw\n", -ENOENT, DOCTOR_CG_NONE, "",
                 ""},
                {"", -ENOENT, DOCTOR_CG_NONE, "", ""},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct doctor_cgmode m;
                assert_int_equal(doctor_parse_mounts(cases[i].text, strlen(cases[i].text), &m),
                                 cases[i].r);
                assert_int_equal(doctor_cg_mode(&m), cases[i].mode);
                assert_string_equal(m.v1_memory, cases[i].v1_memory);
                assert_string_equal(m.v2, cases[i].v2);
        }
}

static void test_parse_meminfo(void **state)
{
        (void)state;
        const char *t =
                "MemTotal:       24684084 kB\nMemFree: 1 kB\nMemAvailable:   24427908 kB\n"
                "SwapTotal:             0 kB\nCommitLimit:    12342040 kB\n"
                "Committed_AS:    1650000 kB\nSwapTotalX: 5 kB";
        struct doctor_meminfo m;
        assert_int_equal(doctor_parse_meminfo(t, strlen(t), &m), 0);
        assert_int_equal(m.mem_total_kb, 24684084);
        assert_int_equal(m.mem_available_kb, 24427908);
        assert_int_equal(m.swap_total_kb, 0);
        assert_int_equal(m.commit_limit_kb, 12342040);
        assert_int_equal(m.committed_as_kb, 1650000);
        assert_int_equal(doctor_parse_meminfo("MemFree: 1 kB\n", 14, &m), -ENOENT);
        assert_true(m.swap_total_kb == OG_NONE);
}

static void test_parse_swaps(void **state)
{
        (void)state;
        static const struct {
                const char *text;
                size_t n;
                int64_t kb;
        } cases[] = {
                {"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n", 0, 0},
                {"Filename\tType\tSize\tUsed\tPriority\n"
                 "/dev/vda2                               partition\t1048572\t\t0\t\t-2\n"
                 "/swap\\040file                           file\t\t2048\t\t0\t\t-3\n",
                 2, 1050620},
                {"", 0, 0},
                {"/dev/x partition garbage 0 -2\n", 0, 0},
                /* tests/fuzz/seeds/hostfacts/regress-swaps-overflow: saturates */
                {"/dev/a partition 9223372036854775807 0 -2\n"
                 "/dev/b partition 9223372036854775807 0 -3\n",
                 2, INT64_MAX},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                size_t n;
                int64_t kb;
                doctor_parse_swaps(cases[i].text, strlen(cases[i].text), &n, &kb);
                assert_int_equal(n, cases[i].n);
                assert_int_equal(kb, cases[i].kb);
        }
}

static void test_dirty_thresholds(void **state)
{
        (void)state;
        static const struct {
                struct doctor_dirty d;
                int64_t avail, thresh, bg;
        } cases[] = {
                {{0, 20, 0, 10}, 10000 * MIB, 2000 * MIB, 1000 * MIB},
                /* bytes win; a background at or above the threshold becomes half of it */
                {{800 * MIB, 20, 0, 10}, 8192 * MIB, 800 * MIB, 400 * MIB},
                {{0, 20, 100 * MIB, 10}, 8192 * MIB, 8192 * MIB / 100 * 20, 100 * MIB},
                {{128 * MIB, 20, 64 * MIB, 10}, 8192 * MIB, 128 * MIB, 64 * MIB},
                {{0, 0, 0, 0}, 8192 * MIB, 0, 0},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                int64_t t, bg;
                doctor_dirty_thresholds(&cases[i].d, cases[i].avail, &t, &bg);
                assert_int_equal(t, cases[i].thresh);
                assert_int_equal(bg, cases[i].bg);
        }
}

static void test_fmt_size(void **state)
{
        (void)state;
        static const struct {
                int64_t bytes;
                const char *text;
        } cases[] = {
                {0, "0 B"},
                {512, "512 B"},
                {1024, "1 KiB"},
                {1536, "1.5 KiB"},
                {256 * MIB, "256 MiB"},
                {1024 * MIB - 4096, "1.0 GiB"},
                {5000 * MIB, "4.9 GiB"},
                {2048LL * 1024 * MIB, "2 TiB"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                char buf[32];
                doctor_fmt_size(cases[i].bytes, buf, sizeof(buf));
                assert_string_equal(buf, cases[i].text);
        }
}

static void test_parse_docker(void **state)
{
        (void)state;
        static const struct {
                const char *json;
                int r;
                const char *runtime, *path, *def;
        } cases[] = {
                {"{\"runtimes\": {\"og\": {\"path\": \"/usr/bin/oomguard-shim\"}},"
                 " \"default-runtime\": \"og\"}",
                 0, "og", "/usr/bin/oomguard-shim", "og"},
                {"{\"runtimes\": {\"nvidia\": {\"path\": \"nvidia-container-runtime\"},"
                 " \"og\": {\"path\": \"oomguard-shim\", \"runtimeArgs\": [\"--x\"]}}}",
                 0, "og", "oomguard-shim", "runc"},
                {"{\"runtimes\": {\"og\": {\"path\": \"/usr/bin/oomguard-shim-old\"}}}", 0, "",
                 "", "runc"},
                {"{\"runtimes\": [\"oomguard-shim\"], \"default-runtime\": \"crun\"}", 0, "", "",
                 "crun"},
                {"{}", 0, "", "", "runc"},
                {"{\"runtimes\": {", -EINVAL, "", "", "runc"},
                {"[1]", -EINVAL, "", "", "runc"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct doctor_docker d;
                struct og_error err = {0};
                assert_int_equal(
                        doctor_parse_docker(cases[i].json, strlen(cases[i].json), &d, &err),
                        cases[i].r);
                if (cases[i].r < 0) {
                        assert_non_null(strstr(err.msg, "daemon.json"));
                        continue;
                }
                assert_string_equal(d.runtime, cases[i].runtime);
                assert_string_equal(d.path, cases[i].path);
                assert_string_equal(d.default_runtime, cases[i].def);
        }
}

static void test_parse_engine_conf(void **state)
{
        (void)state;
        static const struct {
                const char *text;
                const char *shim_runtime, *shim_path, *def;
                bool cri_disabled;
                size_t n_hooks;
                const char *hook0;
        } cases[] = {
                {"version = 2\n"
                 "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                 "  SystemdCgroup = true\n  BinaryName = \"/usr/local/bin/oomguard-shim\"\n",
                 "runc", "/usr/local/bin/oomguard-shim", "", false, 0, ""},
                /* config version 3, single quotes */
                {"version = 3\n[plugins.'io.containerd.cri.v1.runtime'.containerd]\n"
                 "  default_runtime_name = 'og'\n"
                 "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.'og'.options]\n"
                 "  'BinaryName' = '/opt/oomguard-shim'  # ours\n",
                 "og", "/opt/oomguard-shim", "og", false, 0, ""},
                {"[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                 "  # BinaryName = \"/usr/local/bin/oomguard-shim\"\n"
                 "  BinaryName = \"/usr/bin/runc\"\n",
                 "", "", "", false, 0, ""},
                {"disabled_plugins = [\"cri\"]\n", "", "", "", true, 0, ""},
                {"disabled_plugins = [\"io.containerd.internal.v1.tracing\"]\n", "", "", "",
                 false, 0, ""},
                /* CRI-O: arrays over several lines, comments inside */
                {"[crio.runtime]\ndefault_runtime = \"og\"\nhooks_dir = [\n"
                 "  \"/etc/hooks=a\",  # [odd]\n  '/b',\n]\n"
                 "[crio.runtime.runtimes.og]\nruntime_path = \"/usr/local/bin/oomguard-shim\"\n"
                 "runtime_type = \"oci\"\n",
                 "og", "/usr/local/bin/oomguard-shim", "og", false, 2, "/etc/hooks=a"},
                {"hooks_dir = []\n", "", "", "", false, 0, ""},
                {"", "", "", "", false, 0, ""},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct doctor_engine_conf c = {0};
                doctor_parse_engine_conf(cases[i].text, strlen(cases[i].text), &c);
                assert_string_equal(c.shim_runtime, cases[i].shim_runtime);
                assert_string_equal(c.shim_path, cases[i].shim_path);
                assert_string_equal(c.default_runtime, cases[i].def);
                assert_int_equal(c.cri_disabled, cases[i].cri_disabled);
                assert_int_equal(c.n_hooks_dir, cases[i].n_hooks);
                if (cases[i].n_hooks)
                        assert_string_equal(c.hooks_dir[0], cases[i].hook0);
        }
}

/* Drop-ins add to and override what came before. */
static void test_engine_conf_layers(void **state)
{
        (void)state;
        const char *a = "[crio.runtime]\ndefault_runtime = \"runc\"\nhooks_dir = [\"/a\"]\n";
        const char *b =
                "[crio.runtime]\ndefault_runtime = \"og\"\nhooks_dir = [\"/b\", \"/c\"]\n";
        struct doctor_engine_conf c = {0};
        doctor_parse_engine_conf(a, strlen(a), &c);
        doctor_parse_engine_conf(b, strlen(b), &c);
        assert_string_equal(c.default_runtime, "og");
        assert_int_equal(c.n_hooks_dir, 2);
        assert_string_equal(c.hooks_dir[0], "/b");
        assert_string_equal(c.hooks_dir[1], "/c");
}

static void test_parse_hookfile(void **state)
{
        (void)state;
        static const struct {
                const char *json;
                int r;
                bool ours, create, poststop, always;
        } cases[] = {
                {"{\"version\": \"1.0.0\", \"hook\": {\"path\": \"/usr/bin/oomguard-hook\"},"
                 " \"when\": {\"always\": true}, \"stages\": [\"createRuntime\", \"poststop\"]}",
                 0, true, true, true, true},
                {"{\"hook\": {\"path\": \"/usr/bin/oomguard-hook\"}, \"when\": {\"annotations\":"
                 " {\"a\": \"b\"}}, \"stages\": [\"prestart\"]}",
                 0, true, true, false, false},
                {"{\"hook\": {\"path\": \"/usr/bin/other\"}, \"stages\": [\"poststop\", 3]}", 0,
                 false, false, true, false},
                {"{\"hook\": {}}", -EINVAL, false, false, false, false},
                {"not json", -EINVAL, false, false, false, false},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct doctor_hookfile h;
                assert_int_equal(
                        doctor_parse_hookfile(cases[i].json, strlen(cases[i].json), &h, NULL),
                        cases[i].r);
                assert_int_equal(h.ours, cases[i].ours);
                assert_int_equal(h.create, cases[i].create);
                assert_int_equal(h.poststop, cases[i].poststop);
                assert_int_equal(h.always, cases[i].always);
        }
}

static void test_kmsg_probe(void **state)
{
        (void)state;
        assert_int_equal(doctor_kmsg_probe(DOC "/kmsg"), 1);
        assert_int_equal(doctor_kmsg_probe(DOC "/kmsg-empty"), 0);
        assert_int_equal(doctor_kmsg_probe(DOC "/no-such-kmsg"), -ENOENT);
}

/* oomguard's watchers and containerd's shims run with a positive adj on
 * purpose: not findings. */
static void test_meant_adj_not_flagged(void **state)
{
        (void)state;
        const struct doctor_report *r = report("v1dirty");
        bool backupd = false;
        for (size_t j = 0; j < r->n; j++) {
                if (strcmp(r->f[j].check, "oom-adj"))
                        continue;
                assert_null(strstr(r->f[j].what, "oomguard-watch"));
                assert_null(strstr(r->f[j].what, "containerd-shim"));
                backupd |= strstr(r->f[j].what, "backupd (pid 812") != NULL;
        }
        assert_true(backupd);
}

/* "writeback": "off": nothing bounds those writers, so the host-wide
 * setting is the advice; with a policy in force it never is. */
static void test_dirty_advice_follows_policy(void **state)
{
        (void)state;
        char cfg[] = "/tmp/og-doctor-XXXXXX", root[256];
        int fd = mkstemp(cfg);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "{\"writeback\": \"off\"}", 20), 20);
        close(fd);
        snprintf(root, sizeof(root), "%s/v1dirty", DOC);
        struct doctor_opts o = {.root = root, .config = cfg};
        struct doctor_report *r = malloc(sizeof(*r));
        struct og_error err = {0};
        assert_non_null(r);
        assert_int_equal(doctor_run(&o, r, &err), 0);
        bool advised = false;
        for (size_t j = 0; j < r->n; j++)
                advised |= !strcmp(r->f[j].check, "dirty") && r->f[j].level == DOCTOR_WARN &&
                           strstr(r->f[j].todo, "vm.dirty_bytes=127M") != NULL;
        assert_true(advised);
        const struct doctor_report *a = report("v1dirty");
        for (size_t j = 0; j < a->n; j++)
                assert_null(strstr(a->f[j].todo, "vm.dirty_bytes="));
        free(r);
        unlink(cfg);
}

/* dockerd's GET /info, as 20.10 answers: the default runtime now and the
 * one whose path is the shim, whichever order they come in. */
static void test_docker_info(void **state)
{
        (void)state;
        static const char doc[] =
                "{\"ID\":\"x\",\"Runtimes\":{\"io.containerd.runc.v2\":"
                "{\"path\":\"runc\"},\"oomguard\":{\"path\":\"/usr/bin/oomguard-shim\"},"
                "\"runc\":{\"path\":\"runc\"}},\"DefaultRuntime\":\"oomguard\"}";
        struct doctor_docker_live d;
        struct og_error err = {0};
        assert_int_equal(doctor_parse_docker_info(doc, strlen(doc), &d, &err), 0);
        assert_string_equal(d.default_runtime, "oomguard");
        assert_string_equal(d.default_path, "/usr/bin/oomguard-shim");
        assert_string_equal(d.shim_runtime, "oomguard");
        static const char plain[] = "{\"Runtimes\":{\"runc\":{\"path\":\"runc\"}},"
                                    "\"DefaultRuntime\":\"runc\"}";
        assert_int_equal(doctor_parse_docker_info(plain, strlen(plain), &d, &err), 0);
        assert_string_equal(d.default_path, "runc");
        assert_string_equal(d.shim_runtime, "");
        assert_true(doctor_parse_docker_info("[1]", 3, &d, &err) < 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_docker_info),
                cmocka_unit_test(test_dirty_advice_follows_policy),
                cmocka_unit_test(test_meant_adj_not_flagged),
                cmocka_unit_test(test_findings),
                cmocka_unit_test(test_each_check_once),
                cmocka_unit_test(test_exit_status),
                cmocka_unit_test(test_bad_root),
                cmocka_unit_test(test_explicit_config),
                cmocka_unit_test(test_containers_conf),
                cmocka_unit_test(test_json_lines),
                cmocka_unit_test(test_text_lines),
                cmocka_unit_test(test_parse_mounts),
                cmocka_unit_test(test_parse_meminfo),
                cmocka_unit_test(test_parse_swaps),
                cmocka_unit_test(test_dirty_thresholds),
                cmocka_unit_test(test_fmt_size),
                cmocka_unit_test(test_parse_docker),
                cmocka_unit_test(test_parse_engine_conf),
                cmocka_unit_test(test_engine_conf_layers),
                cmocka_unit_test(test_parse_hookfile),
                cmocka_unit_test(test_kmsg_probe),
        };
        return cmocka_run_group_tests_name("doctor", tests, NULL, NULL);
}
