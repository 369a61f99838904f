# shellcheck shell=bash
# Sourced by the runc suites in tests/live, bench/*.sh and tests/demo.sh:
# real runc containers under this process's own memory cgroup.
#
# runc's cgroupfs driver creates the cgroups path in every v1 hierarchy it
# sees; this host puts the caller in a memory cgroup but at the root of the
# others. So the caller re-executes itself in a private mount namespace
# where only the memory and devices hierarchies are mounted (runc cannot do
# without devices): containers live under the caller's own memory cgroup,
# and the devices path runc creates is removed by exactly what it added.
#
# runc_binaries: HOOK, OOMGUARD and HOG_STATIC as absolute paths (the
# containers' hooks run with the bundle as working directory), build/ by
# default.
#
# runc_setup NAME: sets RUNC, tmp (scratch, with rootfs/ and spec.json),
# rel (our memory cgroup) and base (a cgroup NAME-$$ under it). The caller
# must have run runc_reexec first.
#
# runc_suite NAME: a test suite's runc_setup (after tests/lib/harness.sh):
# the suite is skipped where it cannot run (not root, no cgroup v1 memory
# hierarchy: the VM suite covers v2) and ends as one failure when the
# set-up fails. runc_at_exit CMD: the suite's own clean-up (its processes,
# mounts, files outside $tmp) runs on exit, before runc_cleanup.

# shellcheck source=sysctl-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/sysctl-lib.sh"

runc_reexec() { # runc_reexec "$0" "$@"
        if [ -z "${OOMGUARD_RUNC_NS:-}" ]; then
                export OOMGUARD_RUNC_NS=1
                exec unshare --mount --propagation private bash "$@"
        fi
}

runc_binaries() {
        HOOK=$(realpath "${HOOK:-build/oomguard-hook}")
        OOMGUARD=$(realpath "${OOMGUARD:-build/oomguard}")
        HOG_STATIC=$(realpath "${HOG_STATIC:-build/tests/oomguard-hog-static}")
}

runc_setup() {
        local name=$1 h p c
        RUNC=$(command -v runc) || { echo "runc is not installed (apt-get install runc)" >&2; return 1; }
        local busybox
        busybox=$(command -v busybox) || { echo "busybox is not installed (apt-get install busybox-static)" >&2; return 1; }
        for h in /sys/fs/cgroup/*; do
                case ${h##*/} in memory | devices) ;; *) umount "$h" 2>/dev/null || true ;; esac
        done
        tmp=$(mktemp -d)
        rel=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup); rel=${rel%/}
        base="/sys/fs/cgroup/memory$rel/$name-$$"
        RUNC_DEV_NEW=()
        p=/sys/fs/cgroup/devices
        for c in ${rel//\// } "$name-$$"; do p="$p/$c"; [ -d "$p" ] || RUNC_DEV_NEW+=("$p"); done
        RUNC_CONTAINERS=()
        trap runc_cleanup EXIT
        mkdir "$base"
        mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/proc" "$tmp/rootfs/dev" "$tmp/rootfs/sys" "$tmp/rootfs/tmp"
        cp "$busybox" "$tmp/rootfs/bin/busybox"
        for c in sh cat sleep true; do ln -s busybox "$tmp/rootfs/bin/$c"; done
        [ -z "${HOG_STATIC:-}" ] || cp "$HOG_STATIC" "$tmp/rootfs/bin/oomguard-hog"
        (cd "$tmp" && "$RUNC" spec && mv config.json spec.json)
        fake_sysctl_vm "$tmp/sysctl-vm"
}

runc_suite() {
        if [ "$(id -u)" != 0 ] || [ "$(stat -fc %T /sys/fs/cgroup/memory 2>/dev/null)" != cgroupfs ] ||
                ! grep -q ':memory:' /proc/self/cgroup; then
                skip_suite "needs root and a cgroup v1 memory hierarchy (cgroup v2 runs in the VM suite)"
        fi
        runc_setup "$1" || give_up "runc containers cannot be set up here"
}

# shellcheck disable=SC2064 # CMD is fixed now, its variables expand at exit
runc_at_exit() { trap "$1; runc_cleanup" EXIT; }

runc_cleanup() {
        local c d i
        for c in "${RUNC_CONTAINERS[@]}"; do "$RUNC" --root "$tmp/runc" delete --force "$c" >/dev/null 2>&1; done
        # a killed container's last task may still be exiting: up to 2 s
        for i in $(seq 20); do
                # shellcheck disable=SC2044 # cgroup paths of runc ids: no blanks, no glob characters
                for d in $(find "$base" -mindepth 1 -depth -type d 2>/dev/null); do rmdir "$d" 2>/dev/null; done
                rmdir "$base" 2>/dev/null
                [ -d "$base" ] || break
                sleep 0.1
        done
        [ ! -d "$base" ] || echo "runc_cleanup: could not remove $base" >&2
        for ((i = ${#RUNC_DEV_NEW[@]} - 1; i >= 0; i--)); do
                find "${RUNC_DEV_NEW[$i]}" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
                rmdir "${RUNC_DEV_NEW[$i]}" 2>/dev/null
        done
        # a watcher may still hold the state tmpfs: detached all the same,
        # or its mount point would stay behind once the namespace is gone
        umount "$tmp/run" 2>/dev/null || umount -l "$tmp/run" 2>/dev/null
        rm -rf "$tmp"
}

# runc_bundle DIR CGROUP(relative to base) LIMIT ANNOTATIONS-JSON HOOK|- CONFIG CMD...
# A read-only busybox bundle; HOOK "-" registers no hook, "true" /bin/true.
runc_bundle() {
        local dir=$1 cg=$2; shift 2
        mkdir -p "$dir"
        python3 - "$tmp" "$dir" "$rel/${base##*/}/$cg" "$@" <<'PY'
import json, sys
tmp, out, cgpath, lim, ann, hook, cfg = sys.argv[1:8]
c = json.load(open(tmp + "/spec.json"))
c["root"] = {"path": tmp + "/rootfs", "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = sys.argv[8:]
c["linux"]["cgroupsPath"] = cgpath
c["linux"]["resources"]["memory"] = {"limit": int(lim)}
c["annotations"] = json.loads(ann or "{}")
if hook == "true":
    t = {"path": "/bin/true", "args": ["true"]}
    c["hooks"] = {"createRuntime": [t], "poststop": [t]}
elif hook != "-":
    h = lambda st, t: {"path": hook, "args": ["oomguard-hook", st, "--config", cfg], "timeout": t}
    c["hooks"] = {"createRuntime": [h("createRuntime", 5)], "poststop": [h("poststop", 10)]}
json.dump(c, open(out + "/config.json", "w"))
PY
}
