# shellcheck shell=bash disable=SC2034
# Sourced by the engine suites: private dockerd, containerd (+ ctr) and
# podman instances whose containers live under this process's own memory
# cgroup, and which leave nothing behind.
#
# Like tests/live/runc-lib.sh the caller re-executes itself in a private
# mount namespace (eng_reexec) where only the memory and devices cgroup
# hierarchies are mounted: the cgroupfs driver creates a container's cgroup
# path in every v1 hierarchy it sees, and this host puts us in a memory
# cgroup but at the root of the others. ENG_KEEP_CGROUPS (e.g. "cpu
# cpuacct") keeps more hierarchies; the directories made in them are removed
# too. In that namespace the daemons also get a private /run, /dev/shm,
# /etc/docker, /var/lib/containers and /opt/containerd (tmpfs), so the
# sockets, state, keys, caches and lock files they keep at fixed places
# never reach the host. Every process started there shares the namespace,
# which is how the cleanup finds daemons, shims and monitors that were
# reparented; container processes are found through our cgroups.
#
# Usage (the order matters):
#   . tests/engines/lib.sh
#   eng_reexec "$0" "$@"          # private namespace (ENG_NET=private: and
#                                 # a network namespace, for CNI)
#   eng_install_check docker containerd podman   # or "all"; names packages
#   eng_setup NAME                # scratch dir, cgroup NAME-$$, EXIT trap
#   eng_image [DIR]               # busybox image; HOG_STATIC -> /bin/oomguard-hog
#   docker_start [RUNTIME_PATH] [default|named]   then dk ARGS...
#   ctrd_start [cri]                              then ctr_run / ctrc ARGS...
#   podman_setup [HOOKS_DIR] [RUNTIME_PATH]       then pm ARGS...
#   docker_stop / ctrd_stop / podman_cleanup      (or leave it to the trap)
# Also: eng_capture_runtime (a runtime that records calls and config.json),
# eng_private_dir DIR, eng_oci_archive, eng_cgroot (give engines root-looking
# cgroup paths), eng_leftover_pids, eng_kill_cgroup.
# The EXIT trap (INT, TERM, HUP exit through it) stops every engine, kills
# what is left in our cgroups, removes the cgroups in every hierarchy, the
# mounts, the directories made on the host and the scratch directory.
#
# Variables set:
#   ENG_TMP     scratch directory (removed at exit)
#   ENG_REL     our memory cgroup, e.g. /process_api/<id>
#   ENG_CG      cgroup path of this run, $ENG_REL/NAME-$$
#   ENG_MEMCG   /sys/fs/cgroup/memory$ENG_CG
#   ENG_IMAGE   directory with bb.tar (rootfs) and bb-oci.tar (OCI archive)
#   DOCKER_READY_MS CTRD_READY_MS PODMAN_READY_MS  start-up times
#   DOCKER_HOST DOCKER_CONFIG DOCKER_PID CONTAINERD_PID DOCKER_CGROUP
#               (containers at $DOCKER_CGROUP/<id>; image bb:1)
#   CTRD_SOCK CTRD_NS CTRD_PID CTRD_IMAGE CTRD_CGROUP; CTRD_RUNC is read
#               (ctr_run puts a container at $CTRD_CGROUP/<id>)
#   CONTAINERS_CONF CONTAINERS_STORAGE_CONF CONTAINERS_REGISTRIES_CONF
#   XDG_CONFIG_HOME PODMAN_CGROUP PODMAN_IMAGE PODMAN_CWD
#               (containers at $PODMAN_CGROUP/libpod-<id>, conmon at
#               $PODMAN_CGROUP/conmon; image localhost/bb:1)
# Cgroup variables are paths relative to the hierarchy root, as they appear
# in /proc/PID/cgroup and in config.json.

# shellcheck source=../live/sysctl-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../live/sysctl-lib.sh"

ENG_BINS="dockerd docker-init containerd containerd-shim-runc-v2 ctr podman conmon runc"

# eng_reexec "$0" "$@": with ENG_NET=private also a network namespace of
# our own (only lo, brought up by eng_setup), for CNI bridges.
eng_reexec() {
        if [ -z "${OOMGUARD_ENG_NS:-}" ]; then
                export OOMGUARD_ENG_NS=1
                if [ "${ENG_NET:-}" = private ]; then
                        exec unshare --mount --net --propagation private bash "$@"
                fi
                exec unshare --mount --propagation private bash "$@"
        fi
}

# eng_install_check [docker|containerd|podman|runc|crun|busybox|all]...
# Names every missing Debian package; non-zero if any is missing.
eng_install_check() {
        local want=("$@") w missing=() bin pkg
        [ ${#want[@]} -gt 0 ] || want=(all)
        for w in "${want[@]}"; do
                case $w in
                all) set -- dockerd:docker.io docker:docker.io containerd:containerd ctr:containerd podman:podman conmon:podman runc:runc crun:crun busybox:busybox-static ;;
                docker) set -- dockerd:docker.io docker:docker.io containerd:containerd runc:runc busybox:busybox-static ;;
                containerd) set -- containerd:containerd ctr:containerd runc:runc busybox:busybox-static ;;
                podman) set -- podman:podman conmon:podman runc:runc busybox:busybox-static ;;
                runc) set -- runc:runc ;;
                crun) set -- crun:crun ;;
                busybox) set -- busybox:busybox-static ;;
                *) echo "eng_install_check: unknown engine $w" >&2; return 2 ;;
                esac
                for bin; do
                        pkg=${bin#*:} bin=${bin%%:*}
                        command -v "$bin" >/dev/null && continue
                        case " ${missing[*]} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
                done
        done
        # a dynamically linked busybox cannot run in an image with no libc
        if command -v busybox >/dev/null && file -L "$(command -v busybox)" 2>/dev/null | grep -q 'dynamically linked'; then
                case " ${missing[*]} " in *" busybox-static "*) ;; *) missing+=(busybox-static) ;; esac
        fi
        [ ${#missing[@]} -eq 0 ] && return 0
        echo "missing Debian packages: ${missing[*]}" >&2
        echo "install with: apt-get install -y --no-install-recommends ${missing[*]}" >&2
        return 1
}

# eng_setup NAME: scratch directory, our cgroup, the namespace's private
# mounts and the EXIT trap. Must run inside eng_reexec's namespace.
eng_setup() {
        local name=$1 h p c
        if [ -z "${OOMGUARD_ENG_NS:-}" ]; then
                echo "eng_setup: call eng_reexec first" >&2
                return 1
        fi
        ENG_MNTNS=$(readlink /proc/$$/ns/mnt)
        [ "${ENG_NET:-}" != private ] || ip link set lo up
        ENG_CG_NEW=() ENG_NEW_DIRS=() ENG_MOUNTS=() ENG_STOP=() ENG_CGROOT=()
        trap eng_cleanup EXIT
        trap 'exit 130' INT TERM HUP
        for h in /sys/fs/cgroup/*; do
                case " memory devices ${ENG_KEEP_CGROUPS:-} " in *" ${h##*/} "*) ;; *) umount "$h" 2>/dev/null || true ;; esac
        done
        # engines keep sockets, state and locks at fixed places
        mount -t tmpfs -o mode=755 oomguard-eng /run || return 1
        ENG_MOUNTS+=(/run)
        mkdir -p /run/lock && chmod 1777 /run/lock
        mount -t tmpfs -o mode=1777 oomguard-eng /dev/shm || return 1
        ENG_MOUNTS+=(/dev/shm)
        # dockerd writes /etc/docker/key.json; podman keeps a blob cache in
        # /var/lib/containers/cache whatever its storage.conf says
        eng_private_dir /etc/docker || return 1
        eng_private_dir /var/lib/containers || return 1
        # the containerd that dockerd spawns creates /opt/containerd
        eng_private_dir /opt/containerd || return 1
        ENG_TMP=$(mktemp -d /tmp/oomguard-eng.XXXXXX) || return 1
        chmod 755 "$ENG_TMP"
        # the writeback host mode works on a private copy of vm.dirty_*
        fake_sysctl_vm "$ENG_TMP/sysctl-vm" || return 1
        ENG_REL=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup); ENG_REL=${ENG_REL%/}
        ENG_CG="$ENG_REL/$name-$$"
        ENG_MEMCG="/sys/fs/cgroup/memory$ENG_CG"
        # elsewhere the engines create the same path: remember which of
        # its directories are new, to remove exactly those
        for h in /sys/fs/cgroup/*; do
                if [ "${h##*/}" = memory ] || ! mountpoint -q "$h"; then continue; fi
                p=$h
                for c in ${ENG_CG//\// }; do p="$p/$c"; [ -d "$p" ] || { ENG_CG_NEW+=("$p"); break; }; done
        done
        mkdir "$ENG_MEMCG" || return 1
}

# eng_private_dir DIR: a tmpfs on DIR, in our namespace only; DIR is created
# when missing and then removed at exit.
eng_private_dir() {
        if [ ! -d "$1" ]; then
                mkdir -p "$1" || return 1
                ENG_NEW_DIRS+=("$1")
        fi
        mount -t tmpfs -o mode=755 oomguard-eng "$1" && ENG_MOUNTS+=("$1")
}

# Processes in our mount namespace that run an engine binary, except ours.
eng_leftover_pids() {
        local d pid exe
        for d in /proc/[0-9]*; do
                pid=${d#/proc/}
                [ "$pid" != $$ ] || continue
                [ "$(readlink "$d/ns/mnt" 2>/dev/null)" = "$ENG_MNTNS" ] || continue
                exe=$(readlink "$d/exe" 2>/dev/null) || continue
                case " $ENG_BINS " in *" ${exe##*/} "*) echo "$pid" ;; esac
        done
}

# eng_kill PID...: TERM, wait up to 10 s, then KILL.
eng_kill() {
        local pid i alive
        for pid; do kill -TERM "$pid" 2>/dev/null; done
        for ((i = 0; i < 100; i++)); do
                alive=
                for pid; do kill -0 "$pid" 2>/dev/null && alive=1; done
                [ -n "$alive" ] || return 0
                sleep 0.1
        done
        for pid; do kill -KILL "$pid" 2>/dev/null; done
        sleep 0.2
}

# eng_kill_cgroup DIR: SIGKILL every process left in the memory cgroup DIR
# and below (only containers we started live there: their shims were
# stopped, so nothing else will).
eng_kill_cgroup() {
        local pids i
        for ((i = 0; i < 20; i++)); do
                pids=$(find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null)
                [ -n "$pids" ] || return 0
                [ $i -gt 0 ] || echo "eng_cleanup: killing container processes ${pids//$'\n'/ }" >&2
                # shellcheck disable=SC2086
                kill -KILL $pids 2>/dev/null
                sleep 0.1
        done
}

# eng_cgroot: make $ENG_CG look like the root of every cgroup hierarchy
# mounted in our namespace (memory, devices and ENG_KEEP_CGROUPS), so an
# engine can be given the cgroup paths a real host would see (/kubepods/...,
# /docker/...) while its containers land under our memory cgroup. Used to
# capture fixtures; the kernel still names the real path in /proc/PID/cgroup
# and in its OOM reports. eng_cgroot_undo (run by the cleanup) puts the
# hierarchies back.
eng_cgroot() {
        local h c
        for h in /sys/fs/cgroup/*; do
                mountpoint -q "$h" || continue
                c=${h##*/}
                case $c in
                cpu | cpuacct | cpuset | memory | devices | freezer | blkio | pids | perf_event | hugetlb | net_cls | net_prio | rdma) ;;
                *) echo "eng_cgroot: cannot re-root the $c hierarchy" >&2; return 1 ;;
                esac
                mkdir -p "$h$ENG_CG" "$ENG_TMP/cgroot-$c" || return 1
                # one mount per hierarchy, whose root is $ENG_CG: runc maps
                # /proc/PID/cgroup to a directory through the mount's root
                mount --bind "$h$ENG_CG" "$ENG_TMP/cgroot-$c" || return 1
                umount "$h" || return 1
                ENG_CGROOT+=("$c")
                mount --move "$ENG_TMP/cgroot-$c" "$h" || return 1
        done
}

eng_cgroot_undo() {
        local c
        for c in "${ENG_CGROOT[@]}"; do
                umount "/sys/fs/cgroup/$c" 2>/dev/null
                mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" || echo "eng_cleanup: could not remount the $c hierarchy" >&2
        done
        ENG_CGROOT=()
}

# Unmount everything mounted below DIR, deepest first.
eng_umount_under() {
        local dir=$1 m
        awk -v d="$dir/" 'index($5 "/", d) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
                umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
        done
}

eng_cleanup() {
        local d i left
        trap - EXIT INT TERM HUP
        for ((i = ${#ENG_STOP[@]} - 1; i >= 0; i--)); do "${ENG_STOP[$i]}"; done
        left=$(eng_leftover_pids)
        if [ -n "$left" ]; then
                echo "eng_cleanup: stopping leftover processes ${left//$'\n'/ }" >&2
                # shellcheck disable=SC2086
                eng_kill $left
        fi
        eng_cgroot_undo
        if [ -n "${ENG_MEMCG:-}" ] && [ -d "$ENG_MEMCG" ]; then
                eng_kill_cgroup "$ENG_MEMCG"
                find "$ENG_MEMCG" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
                rmdir "$ENG_MEMCG" 2>/dev/null || echo "eng_cleanup: could not remove $ENG_MEMCG" >&2
        fi
        for d in "${ENG_CG_NEW[@]}"; do
                find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
                [ ! -d "$d" ] || echo "eng_cleanup: could not remove $d" >&2
        done
        for ((i = ${#ENG_MOUNTS[@]} - 1; i >= 0; i--)); do
                umount "${ENG_MOUNTS[$i]}" 2>/dev/null || umount -l "${ENG_MOUNTS[$i]}" 2>/dev/null
        done
        ENG_MOUNTS=()
        for ((i = ${#ENG_NEW_DIRS[@]} - 1; i >= 0; i--)); do rmdir "${ENG_NEW_DIRS[$i]}" 2>/dev/null; done
        if [ -n "${ENG_TMP:-}" ] && [ -d "$ENG_TMP" ]; then
                eng_umount_under "$ENG_TMP"
                rm -rf --one-file-system "$ENG_TMP" 2>/dev/null || echo "eng_cleanup: could not remove $ENG_TMP" >&2
        fi
}

# eng_torn_down: after eng_cleanup, no daemon, shim or container process of
# ours is left, nor our memory cgroup (the suites' closing check)
eng_torn_down() { [ -z "$(eng_leftover_pids)" ] && [ ! -e "$ENG_MEMCG" ]; }

eng_wait() { # eng_wait SECONDS CMD...: poll CMD every 50 ms
        local n=$(($1 * 20)); shift
        while ! "$@" >/dev/null 2>&1; do
                n=$((n - 1)); [ $n -gt 0 ] || return 1
                sleep 0.05
        done
}

# eng_image [DIR]: $DIR/rootfs, bb.tar (a root filesystem tarball, for
# docker import and podman import) and bb-oci.tar (an OCI image archive
# named docker.io/library/bb:1, for ctr images import). HOG_STATIC, when
# set, is copied to /bin/oomguard-hog.
eng_image() {
        local dir=${1:-$ENG_TMP/image} busybox a
        busybox=$(command -v busybox) || { echo "busybox is not installed (apt-get install busybox-static)" >&2; return 1; }
        ENG_IMAGE=$dir
        mkdir -p "$dir/rootfs"
        (
                cd "$dir/rootfs" || exit 1
                mkdir -p bin etc dev proc sys root tmp
                chmod 1777 tmp; chmod 700 root
                cp "$busybox" bin/busybox
                for a in $(bin/busybox --list) sh sleep true cat; do
                        [ -e "bin/$a" ] || ln -s busybox "bin/$a"
                done
                printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >etc/passwd
                printf 'root:x:0:\nnogroup:x:65534:\n' >etc/group
                if [ -n "${HOG_STATIC:-}" ]; then cp "$HOG_STATIC" bin/oomguard-hog || exit 1; fi
        ) || return 1
        tar --numeric-owner --owner=0 --group=0 --sort=name -C "$dir/rootfs" -cf "$dir/bb.tar" . || return 1
        eng_oci_archive "$dir/bb-oci.tar" docker.io/library/bb:1 /bin/sh
}

# eng_oci_archive OUT NAME CMD...: an OCI image archive of $ENG_IMAGE/bb.tar
# named NAME (for ctr images import) whose default command is CMD.
eng_oci_archive() {
        python3 - "$ENG_IMAGE/bb.tar" "$(dpkg --print-architecture 2>/dev/null || echo amd64)" "$@" <<'PY'
import hashlib, io, json, sys, tarfile
layer_path, arch, out, name = sys.argv[1:5]
cmd = sys.argv[5:]
layer = open(layer_path, "rb").read()
def digest(b): return "sha256:" + hashlib.sha256(b).hexdigest()
config = json.dumps({"architecture": arch, "os": "linux",
    "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": cmd},
    "rootfs": {"type": "layers", "diff_ids": [digest(layer)]}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config), "size": len(config)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest(layer), "size": len(layer)}]}).encode()
index = json.dumps({"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest(manifest), "size": len(manifest),
    "platform": {"architecture": arch, "os": "linux"},
    "annotations": {"io.containerd.image.name": name, "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]}}]}).encode()
with tarfile.open(out, "w") as t:
    def add(path, data):
        i = tarfile.TarInfo(path); i.size = len(data); i.mode = 0o644
        t.addfile(i, io.BytesIO(data))
    add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    add("index.json", index)
    for b in (config, manifest, layer):
        add("blobs/sha256/" + digest(b)[7:], b)
PY
}

# ---------------------------------------------------------------- docker

dk() { docker "$@"; }

# docker_start [RUNTIME_PATH] [default|named]: a private dockerd whose
# runtime "oomguard" is RUNTIME_PATH (the default runtime with "default");
# containers at $DOCKER_CGROUP/<id>. Imports $ENG_IMAGE/bb.tar as bb:1.
docker_start() {
        local rt=${1:-} mode=${2:-named} d=$ENG_TMP/docker t0
        mkdir -p "$d/data" "$d/exec" "$d/cli"
        DOCKER_CGROUP="$ENG_CG/docker"
        python3 - "$d" "$DOCKER_CGROUP" "$rt" "$mode" >"$d/daemon.json" <<'PY'
import json, sys
d, cg, rt, mode = sys.argv[1:5]
c = {"data-root": d + "/data", "exec-root": d + "/exec", "pidfile": d + "/dockerd.pid",
     "hosts": ["unix://" + d + "/docker.sock"], "storage-driver": "overlay2",
     "iptables": False, "ip6tables": False, "ip-forward": False, "ip-masq": False,
     "bridge": "none", "exec-opts": ["native.cgroupdriver=cgroupfs"], "cgroup-parent": cg}
if rt:
    c["runtimes"] = {"oomguard": {"path": rt}}
    if mode == "default":
        c["default-runtime"] = "oomguard"
print(json.dumps(c, indent=1))
PY
        export DOCKER_HOST="unix://$d/docker.sock" DOCKER_CONFIG="$d/cli"
        # podman reads DOCKER_CONFIG too, and fails when it names no file
        echo '{}' >"$d/cli/config.json"
        t0=$(date +%s%N)
        dockerd --config-file "$d/daemon.json" >"$d/dockerd.log" 2>&1 </dev/null &
        DOCKER_PID=$!
        ENG_STOP+=(docker_stop)
        if ! eng_wait 30 docker version; then
                echo "dockerd did not come up; its log:" >&2; tail -n 20 "$d/dockerd.log" >&2
                return 1
        fi
        DOCKER_READY_MS=$((($(date +%s%N) - t0) / 1000000))
        CONTAINERD_PID=$(cat "$d/exec/containerd/containerd.pid" 2>/dev/null)
        [ -z "${ENG_IMAGE:-}" ] || docker import "$ENG_IMAGE/bb.tar" bb:1 >/dev/null || return 1
}

# docker_reload: re-read daemon.json (runtimes) after editing it.
docker_reload() { kill -HUP "$DOCKER_PID"; sleep 0.5; }

docker_stop() {
        local d=$ENG_TMP/docker
        [ -n "${DOCKER_PID:-}" ] || return 0
        if kill -0 "$DOCKER_PID" 2>/dev/null; then
                docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1
                eng_kill "$DOCKER_PID"
        fi
        [ -z "${CONTAINERD_PID:-}" ] || eng_kill "$CONTAINERD_PID"
        [ -z "${DOCKER_CGROUP:-}" ] || find "/sys/fs/cgroup/memory$DOCKER_CGROUP" -depth -type d -exec rmdir {} \; 2>/dev/null
        eng_umount_under "$d"
        rm -rf --one-file-system "$d"
        unset DOCKER_PID CONTAINERD_PID DOCKER_HOST DOCKER_CONFIG
}

# ---------------------------------------------------------------- containerd

ctrc() { ctr -a "$CTRD_SOCK" -n "$CTRD_NS" "$@"; }

# ctrd_cri_toml RUNTIME BINARY [RUNC-ROOT]: the CRI plugin's configuration,
# for CTRD_TOML before `ctrd_start cri`. A runtime registered as the README
# says: RUNTIME, of type io.containerd.runc.v2 with BinaryName BINARY (and
# Root RUNC-ROOT, when given), the default runtime; the pause image
# registry.k8s.io/pause:3.6; streaming on 127.0.0.1; CNI plugins from
# /usr/lib/cni, their configuration in $ENG_TMP/cni (which the caller fills,
# or leaves empty for the host network).
ctrd_cri_toml() {
        local root=${3:+Root = \"$3\"}
        cat <<EOF
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.6"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  # this host cannot set a negative oom_score_adj (the sandbox's -998)
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "$1"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$1]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$1.options]
        BinaryName = "$2"
        $root
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$ENG_TMP/cni"
EOF
}

# ctrd_start [cri]: a private containerd, its CRI plugin disabled unless
# "cri" is given; CTRD_TOML, when set, is appended to its config.toml. The
# image is imported in namespace $CTRD_NS as $CTRD_IMAGE. CTRD_RUNC, when
# set, is given to ctr_run as --runc-binary.
ctrd_start() {
        local c=$ENG_TMP/ctrd t0 cri=${1:-}
        mkdir -p "$c/root" "$c/state" "$c/run" "$c/opt" "$c/runc" "$c/fifo"
        CTRD_SOCK="$c/run/containerd.sock" CTRD_NS=${CTRD_NS:-oomguard} CTRD_IMAGE=docker.io/library/bb:1
        CTRD_CGROUP="$ENG_CG/ctrd"
        cat >"$c/config.toml" <<EOF
version = 2
root = "$c/root"
state = "$c/state"
$([ "$cri" = cri ] || echo 'disabled_plugins = ["io.containerd.grpc.v1.cri"]')
[grpc]
  address = "$CTRD_SOCK"
[ttrpc]
  address = "$CTRD_SOCK.ttrpc"
[debug]
  address = "$c/run/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"
${CTRD_TOML:-}
EOF
        t0=$(date +%s%N)
        containerd --config "$c/config.toml" >"$c/containerd.log" 2>&1 </dev/null &
        CTRD_PID=$!
        ENG_STOP+=(ctrd_stop)
        if ! eng_wait 30 ctr -a "$CTRD_SOCK" version; then
                echo "containerd did not come up; its log:" >&2; tail -n 20 "$c/containerd.log" >&2
                return 1
        fi
        CTRD_READY_MS=$((($(date +%s%N) - t0) / 1000000))
        [ -z "${ENG_IMAGE:-}" ] || ctrc images import "$ENG_IMAGE/bb-oci.tar" >/dev/null || return 1
}

# ctr_run ID [RUN-FLAGS...] -- CMD [ARG...]: ctr run with the container's
# cgroup at $CTRD_CGROUP/ID, a private runc root and fifo dir, and
# --runc-binary $CTRD_RUNC when that is set, and --cpu-shares 0 unless
# given or the cpu hierarchy is mounted.
ctr_run() {
        local id=$1 flags=(); shift
        while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
        [ "${1:-}" != -- ] || shift
        [ -z "${CTRD_RUNC:-}" ] || flags+=(--runc-binary "$CTRD_RUNC")
        # ctr asks for cpu shares 1024 unless told 0, which runc cannot set
        # without the cpu hierarchy (see ENG_KEEP_CGROUPS)
        if ! mountpoint -q /sys/fs/cgroup/cpu; then
                case " ${flags[*]} " in *" --cpu-shares"*) ;; *) flags+=(--cpu-shares 0) ;; esac
        fi
        ctrc run --cgroup "$CTRD_CGROUP/$id" --runc-root "$ENG_TMP/ctrd/runc" \
                --fifo-dir "$ENG_TMP/ctrd/fifo" "${flags[@]}" "$CTRD_IMAGE" "$id" "$@"
}

ctrd_stop() {
        local c=$ENG_TMP/ctrd t
        [ -n "${CTRD_PID:-}" ] || return 0
        if kill -0 "$CTRD_PID" 2>/dev/null; then
                for t in $(ctrc tasks ls -q 2>/dev/null); do ctrc tasks kill -s KILL "$t" >/dev/null 2>&1; ctrc tasks delete "$t" >/dev/null 2>&1; done
                for t in $(ctrc containers ls -q 2>/dev/null); do ctrc containers delete "$t" >/dev/null 2>&1; done
                eng_kill "$CTRD_PID"
        fi
        [ -z "${CTRD_CGROUP:-}" ] || find "/sys/fs/cgroup/memory$CTRD_CGROUP" -depth -type d -exec rmdir {} \; 2>/dev/null
        eng_umount_under "$c"
        rm -rf --one-file-system "$c"
        unset CTRD_PID
}

# ---------------------------------------------------------------- podman

# pm ARGS...: podman with the private configuration; `pm run` and
# `pm create` add --cgroup-parent $PODMAN_CGROUP. Runs in $PODMAN_CWD: conmon
# 2.1.6 drops an empty file "oom" into the caller's working directory when
# the container is OOM-killed (give pm absolute paths).
pm() {
        if [ "${1:-}" = run ] || [ "${1:-}" = create ]; then
                local sub=$1; shift
                (cd "$PODMAN_CWD" && podman "$sub" --cgroup-parent "$PODMAN_CGROUP" "$@")
        else
                (cd "$PODMAN_CWD" && podman "$@")
        fi
}

# podman_setup [HOOKS_DIR] [RUNTIME_PATH]: private containers.conf and
# storage.conf (exported), runc as the runtime, HOOKS_DIR as the only hooks
# directory, RUNTIME_PATH registered as runtime "oomguard" (podman
# --runtime oomguard). Imports $ENG_IMAGE/bb.tar as localhost/bb:1.
podman_setup() {
        local hooks=${1:-} rt=${2:-} p=$ENG_TMP/podman t0
        mkdir -p "$p/graph" "$p/run" "$p/tmp" "$p/volumes" "$p/net.d" "$p/cwd"
        PODMAN_CWD=$p/cwd
        [ -n "$hooks" ] || { hooks=$p/hooks.d; mkdir -p "$hooks"; }
        PODMAN_CGROUP="$ENG_CG/podman" PODMAN_IMAGE=localhost/bb:1
        cat >"$p/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=16384:16384", "nproc=32768:32768"]
pids_limit = 0
log_driver = "k8s-file"

[network]
network_config_dir = "$p/net.d"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$p/events.log"
runtime = "runc"
hooks_dir = ["$hooks"]
tmp_dir = "$p/tmp"
volume_path = "$p/volumes"
image_copy_tmp_dir = "$p/tmp"
num_locks = 128

[engine.runtimes]
runc = ["$(command -v runc)"]
EOF
        [ -z "$rt" ] || printf 'oomguard = ["%s"]\n' "$rt" >>"$p/containers.conf"
        cat >"$p/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$p/graph"
runroot = "$p/run"
EOF
        export CONTAINERS_CONF="$p/containers.conf" CONTAINERS_STORAGE_CONF="$p/storage.conf"
        # podman creates $XDG_CONFIG_HOME/containers/podman even when root
        ENG_XDG_SAVED=${XDG_CONFIG_HOME-unset}
        export XDG_CONFIG_HOME="$p/config"
        export CONTAINERS_REGISTRIES_CONF="$p/registries.conf"
        : >"$p/registries.conf"
        ENG_STOP+=(podman_cleanup)
        t0=$(date +%s%N)
        podman info >/dev/null 2>"$p/info.err" || { cat "$p/info.err" >&2; return 1; }
        PODMAN_READY_MS=$((($(date +%s%N) - t0) / 1000000))
        [ -z "${ENG_IMAGE:-}" ] || podman import -q "$ENG_IMAGE/bb.tar" "$PODMAN_IMAGE" >/dev/null || return 1
        PODMAN_ON=1
}

podman_cleanup() {
        local p=$ENG_TMP/podman
        [ -n "${CONTAINERS_CONF:-}" ] || return 0
        if [ -n "${PODMAN_ON:-}" ]; then
                podman rm -af -t 0 >/dev/null 2>&1
                podman system reset -f >/dev/null 2>&1 || podman rmi -af >/dev/null 2>&1
        fi
        [ -z "${PODMAN_CGROUP:-}" ] || find "/sys/fs/cgroup/memory$PODMAN_CGROUP" -depth -type d -exec rmdir {} \; 2>/dev/null
        eng_umount_under "$p"
        rm -rf --one-file-system "$p"
        unset CONTAINERS_CONF CONTAINERS_STORAGE_CONF CONTAINERS_REGISTRIES_CONF PODMAN_ON
        if [ "$ENG_XDG_SAVED" = unset ]; then unset XDG_CONFIG_HOME; else export XDG_CONFIG_HOME=$ENG_XDG_SAVED; fi
}

# ---------------------------------------------------------------- capture

# eng_capture_runtime OUTDIR [REAL_RUNTIME]: writes OUTDIR/runtime, an OCI
# runtime that records each call (OUTDIR/calls/N.argv, .cwd and .env,
# argv and env NUL-separated), copies <bundle>/config.json byte for byte
# to OUTDIR/<id>.config.json on create/run, then execs the real runtime
# (runc by default) with the same arguments. Prints the script's path.
eng_capture_runtime() {
        local out=$1 real=${2:-$(command -v runc)}
        mkdir -p "$out/calls"
        cat >"$out/runtime" <<EOF
#!/bin/sh
out='$out'
real='$real'
EOF
        cat >>"$out/runtime" <<'EOF'
n=$(date +%s%N)-$$
printf '%s\0' "$@" >"$out/calls/$n.argv"
pwd >"$out/calls/$n.cwd"
env -0 >"$out/calls/$n.env"
bundle= sub= prev= id=
for a in "$@"; do
        case $prev in --bundle | -b) bundle=$a ;; esac
        case $a in --bundle=*) bundle=${a#--bundle=} ;; create | run) [ -n "$sub" ] || sub=$a ;; esac
        prev=$a id=$a
done
if [ -n "$sub" ]; then
        [ -n "$bundle" ] || bundle=$(pwd)
        cp "$bundle/config.json" "$out/$id.config.json"
fi
exec "$real" "$@"
EOF
        chmod 755 "$out/runtime"
        echo "$out/runtime"
}
