/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include "cgpath.h"

#define ID "0f32894de86edf3d3832702af794874ef8d400b4969acdea4976b12040756e0d"
#define POD "968a06fb-9ab9-4819-8caf-0392ddff3d9b"
#define PODU "968a06fb_9ab9_4819_8caf_0392ddff3d9b"

struct id_case {
        const char *path, *id, *pod;
};

static const struct id_case ids[] = {
        {"/docker/" ID, ID, NULL},
        {"/system.slice/docker-" ID ".scope", ID, NULL},
        {"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" PODU
         ".slice/cri-containerd-" ID ".scope",
         ID, POD},
        {"/kubepods/burstable/pod" POD "/" ID, ID, POD},
        {"/kubepods.slice/kubepods-pod" PODU ".slice/crio-" ID ".scope", ID, POD},
        {"/machine.slice/libpod-" ID ".scope/container", ID, NULL},
        {"/machine.slice/machine-libpod_pod_" ID ".slice", NULL, NULL},
        {"/machine.slice/machine-libpod_pod_" ID ".slice/libpod-"
         "1111111111111111111111111111111111111111111111111111111111111111.scope",
         "1111111111111111111111111111111111111111111111111111111111111111", NULL},
        {"/ecs/f209da7f990b45b585488946f0eec404/" ID, ID, NULL},
        {"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" PODU ".slice", NULL,
         POD},
        {"/docker/0f32894de86edf3d3832702af794874ef8d400b4969acdea4976b12040756e0", NULL, NULL},
        {"/user.slice/user-1000.slice/session-1.scope", NULL, NULL},
        {"pod2UID /podabc", NULL, NULL}, /* a failed match leaves nothing */
        {"/lxc/100102/ns/.lxc", NULL, NULL},
        {"", NULL, NULL},
        {"////", NULL, NULL},
};

static void test_ids(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
                char id[CG_ID_LEN + 1], pod[CG_UID_LEN + 1] = "";
                const char *p = ids[i].path;
                bool hi = cg_container_id(p, strlen(p), id);
                bool hp = cg_pod_uid(p, strlen(p), pod);
                if (hi != (ids[i].id != NULL) || (hi && strcmp(id, ids[i].id)))
                        fail_msg("id of %s: %s", p, hi ? id : "none");
                if (hp != (ids[i].pod != NULL) || (hp && strcmp(pod, ids[i].pod)) ||
                    (!hp && pod[0]))
                        fail_msg("pod of %s: %s", p, hp ? pod : "none");
        }
}

struct rel_case {
        const char *oom, *task;
        enum cg_relation rel;
};

static const struct rel_case rels[] = {
        {"/docker/a", "/docker/a", CG_REL_SAME},
        {"/k.slice/p.slice", "/k.slice/p.slice/c.scope", CG_REL_ANCESTOR},
        {"/lxc/100102", "/lxc/100102/ns/.lxc", CG_REL_ANCESTOR},
        {"/1037", "/1037/uid", CG_REL_ANCESTOR},
        {"/a", "/ab", CG_REL_SAME}, /* not a path prefix: same depth */
        /* an author elided part of the OOM memcg's path */
        {"/lxc.payload....-lxc/kubepods.slice/kubepods-burstable-podX.slice",
         "/lxc.payload.ny2-lxc/kubepods.slice/kubepods-burstable-podX.slice/c.scope",
         CG_REL_ANCESTOR},
        /* a corrupted byte above the leaf: still the same memcg */
        {"/kubepods.slice/kubepods-urstable.slice/d.scope",
         "/kubepods.slice/kubepods-burstable.slice/d.scope", CG_REL_SAME},
        /* the victim's path was cut short */
        {"/kubepods/burstable/podA/9f02d9fa", "/kubepods/burstable/podA/9f0", CG_REL_UNKNOWN},
        {NULL, "/a", CG_REL_UNKNOWN},
        {"/a", NULL, CG_REL_UNKNOWN},
};

static void test_relation(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
                const char *o = rels[i].oom, *t = rels[i].task;
                enum cg_relation r = cg_relation(o, o ? strlen(o) : 0, t, t ? strlen(t) : 0);
                if (r != rels[i].rel)
                        fail_msg("%s vs %s: %d, want %d", o, t, r, rels[i].rel);
        }
}

static void test_group_level(void **state)
{
        (void)state;
        const char *yes[] = {"/kubepods.slice/kubepods-burstable.slice",
                             "/machine.slice/machine-libpod_pod_9169",
                             "/kubepods/burstable/pod" POD, "/kubepods/besteffort"};
        const char *no[] = {"/docker/" ID, "/system.slice/confluence.service",
                            "/user.slice/app.slice/run-u", "/leaker", ""};
        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
                assert_true(cg_is_group_level(yes[i], strlen(yes[i])));
        for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
                assert_false(cg_is_group_level(no[i], strlen(no[i])));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ids),
                cmocka_unit_test(test_relation),
                cmocka_unit_test(test_group_level),
        };
        return cmocka_run_group_tests_name("cgpath", tests, NULL, NULL);
}
