#!/usr/bin/env bash
# Captures config.json exactly as docker, podman and containerd (ctr) write
# it into the bundle: a capture runtime registered with each engine copies
# <bundle>/config.json and records its argv, then execs runc.
# Usage: tests/engines/capture-specs.sh [OUTDIR]  (tests/fixtures/spec by default)
# Writes OUTDIR/{docker,docker-plain,podman,podman-plain,containerd}.json and
# OUTDIR/calls.txt (every runtime call, in order, per fixture).
# With CRI_PROTO_DIR (a directory holding api_pb2.py, compiled with protoc
# --python_out from the CRI runtime/v1 api.proto) and python3-grpcio, also
# OUTDIR/cri.json and cri-sandbox.json: a pod run through containerd's CRI
# plugin as the kubelet asks for it (tests/engines/cri-pod.py), with the
# kubelet's cgroup paths (/kubepods/burstable/pod<uid>/<id>) made to land
# under our memory cgroup by eng_cgroot, and pod networking from a CNI
# bridge in a network namespace of our own.
# shellcheck disable=SC2119
set -uo pipefail
here=$(dirname "$(realpath "$0")")
out=$(realpath -m "${1:-$here/../fixtures/spec}")
# shellcheck source=lib.sh
. "$here/lib.sh"
# ctr asks for cpu shares by default: keep the cpu hierarchy so runc can set them
export ENG_KEEP_CGROUPS="cpu cpuacct"
# a network namespace of our own, for the CNI bridge of the CRI pod
export ENG_NET=private
eng_reexec "$0" "$@"
eng_install_check docker containerd podman || exit 1
eng_setup oomguard-capture || exit 1
eng_image || exit 1
mkdir -p "$out"
cap=$ENG_TMP/cap
rt=$(eng_capture_runtime "$cap")
greeting='GREETING=héllo→世界'
: >"$out/calls.txt"

# collect NAME [ID]: the one config.json captured since the last collect
# (or the one of container ID) becomes OUTDIR/NAME.json; the calls go to
# calls.txt, one line each.
collect() {
        local name=$1 id=${2:-} f n=0 a line
        for f in "$cap"/*.config.json; do
                [ -e "$f" ] || continue
                [ -z "$id" ] || [ "${f##*/}" = "$id.config.json" ] || continue
                n=$((n + 1))
                cp "$f" "$out/$name.json"
        done
        [ $n -eq 1 ] || { echo "$name: $n config.json captured" >&2; return 1; }
        for f in $(ls "$cap/calls/"*.argv | sort -t/ -k1 -V); do
                [ -z "$id" ] || tr '\0' '\n' <"$f" | grep -qx "$id" || continue
                line=
                while IFS= read -r -d '' a; do line+=" $(printf '%q' "$a")"; done <"$f"
                printf '%s: cwd=%s argv:%s\n' "$name" "$(cat "${f%.argv}.cwd")" "$line" >>"$out/calls.txt"
                if ! tr '\0' '\n' <"${f%.argv}.env" | grep -q '^PATH='; then
                        printf '%s:   (no PATH in that call'"'"'s environment)\n' "$name" >>"$out/calls.txt"
                fi
        done
        [ -n "$id" ] || rm -f "$cap"/*.config.json "$cap"/calls/*
        echo "captured $out/$name.json"
}

# docker, with the capture runtime as the default runtime
docker_start "$rt" default || exit 1
dk run --rm -m 32m --memory-swap 32m --network none -e "$greeting" \
        --label org.example.team=blue --oom-score-adj 100 bb:1 true || exit 1
collect docker || exit 1
dk run --rm bb:1 true || exit 1
collect docker-plain || exit 1
docker_stop

# containerd through ctr
ctrd_start || exit 1
CTRD_RUNC=$rt ctr_run capture-$$ --rm --memory-limit 33554432 -- true || exit 1
collect containerd || exit 1
ctrd_stop

# podman, with a hooks.d entry such as oomguard installs
hooks=$ENG_TMP/hooks.d
mkdir -p "$hooks"
cat >"$hooks/oomguard.json" <<'EOF'
{"version": "1.0.0", "hook": {"path": "/usr/bin/true", "args": ["oomguard-hook", "createRuntime"], "timeout": 5}, "when": {"always": true}, "stages": ["createRuntime"]}
EOF
cat >"$hooks/oomguard-poststop.json" <<'EOF'
{"version": "1.0.0", "hook": {"path": "/usr/bin/true", "args": ["oomguard-hook", "poststop"], "timeout": 10}, "when": {"always": true}, "stages": ["poststop"]}
EOF
podman_setup "$hooks" || exit 1
pm run --rm --runtime "$rt" -m 32m --annotation org.example.team=blue -e "$greeting" "$PODMAN_IMAGE" true || exit 1
collect podman || exit 1
rm "$hooks"/*.json
pm run --rm --runtime "$rt" "$PODMAN_IMAGE" true || exit 1
collect podman-plain || exit 1
podman_cleanup

# Kubernetes: containerd's CRI plugin, asked as the kubelet asks
if [ -z "${CRI_PROTO_DIR:-}" ]; then
        echo "CRI_PROTO_DIR not set: cri.json not captured" >&2
        exit 0
fi
eng_private_dir /var/lib/kubelet || exit 1
eng_private_dir /var/log/pods || exit 1
eng_private_dir /var/lib/cni || exit 1
eng_cgroot || exit 1
mkdir -p "$ENG_TMP/cni"
cat >"$ENG_TMP/cni/10-pods.conflist" <<'EOF'
{"cniVersion": "0.4.0", "name": "pods", "plugins": [{"type": "bridge", "bridge": "cni0", "isGateway": true,
 "ipMasq": false, "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.0.0/24"}]],
 "routes": [{"dst": "0.0.0.0/0"}]}}]}
EOF
CTRD_NS=k8s.io
CTRD_TOML=$(ctrd_cri_toml runc "$rt" "$ENG_TMP/ctrd/runc")
ctrd_start cri || exit 1
# the pod's sandbox (pause) image: the busybox layer, sleeping
eng_oci_archive "$ENG_TMP/pause-oci.tar" registry.k8s.io/pause:3.6 /bin/sleep 86400
ctrc images import "$ENG_TMP/pause-oci.tar" >/dev/null || exit 1
rm -f "$cap"/*.config.json "$cap"/calls/*
/usr/bin/python3 "$here/cri-pod.py" "$CTRD_SOCK" "$CRI_PROTO_DIR" /var/lib/kubelet /var/log/pods 1 >"$ENG_TMP/pod.out"
read -r uid cid <"$ENG_TMP/pod.out"
[ -n "${cid:-}" ] || { echo "the CRI pod did not run; containerd's log:" >&2; tail -n 30 "$ENG_TMP/ctrd/containerd.log" >&2; exit 1; }
collect cri "$cid" || exit 1
sid=$(for f in "$cap"/*.config.json; do n=${f##*/}; n=${n%.config.json}; [ "$n" = "$cid" ] || echo "$n"; done)
collect cri-sandbox "$sid" || exit 1
echo "pod uid $uid, container $cid, sandbox $sid"
ctrd_stop
