/* SPDX-License-Identifier: MIT */
/* Which runtime a container belongs to: the hook records the one that
 * created it in the container's state directory (the shim names it in the
 * hook's arguments), and every later command
 * (start, exec, kill, delete, …) goes to that one, whatever the
 * configuration says by then. */
#define _GNU_SOURCE
#include "shim.h"

#include "hookstate.h"
#include "ocistate.h"
#include "statedir.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int shim_recorded_runtime(const char *state_dir, const char *id, char *ret, size_t cap)
{
        if (!oci_id_valid(id, strlen(id)))
                return -ENOENT;
        _cleanup_close_ int d = -1;
        int r = statedir_open(state_dir, id, false, &d, NULL);
        if (r < 0)
                return r;
        size_t len;
        if ((r = statedir_read(d, HOOKSTATE_RUNTIME, ret, cap, &len, NULL)) < 0)
                return r;
        return ret[0] == '/' && len == strlen(ret) ? 0 : -EINVAL;
}

int shim_choose_runtime(const char *want, const char *recorded, char *ret, size_t cap,
                        struct og_error *err)
{
        if (recorded && shim_find_runtime(recorded, shim_runtime_dirs, ret, cap, NULL) == 0)
                return SHIM_RUNTIME_RECORDED;
        struct og_error why = {0};
        if (shim_find_runtime(want, shim_runtime_dirs, ret, cap, &why) == 0)
                return SHIM_RUNTIME_CONFIGURED;
        if (strcmp(want, "runc") &&
            shim_find_runtime("runc", shim_runtime_dirs, ret, cap, NULL) == 0) {
                og_error_set(err, why.code, "%s; falling back to %s", why.msg, ret);
                return SHIM_RUNTIME_FALLBACK;
        }
        return og_error_set(err, why.code, "%s", why.msg);
}
