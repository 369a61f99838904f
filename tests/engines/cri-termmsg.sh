#!/usr/bin/env bash
# The Kubernetes termination message the way a kubelet gets it: a private
# containerd with its CRI plugin and oomguard-shim registered as README
# says (runtime "oomguard", io.containerd.runc.v2 with BinaryName, the
# default runtime), asked through the CRI gRPC API (tests/engines/
# cri-termmsg.py) for one pod whose containers each get the kubelet's
# termination-message file: an empty host file under
# /var/lib/kubelet/pods/<uid>/containers/<name>/ bind-mounted at
# /dev/termination-log, read as soon as ContainerStatus says the container
# exited. The termination_message root is /var/lib/kubelet/pods (a private
# tmpfs here). Containers, 32 MiB each:
#   oom     PID 1 allocates past its limit: 137, OOMKilled, the file holds
#           oomguard's line and nothing else
#   clean   exits 0 having written nothing: the file stays empty
#   wrote   writes "all good" (no newline), exits 0: the file is that
#   own     writes "giving up" (no newline), then PID 1 goes over its
#           limit: the file keeps it, oomguard's line after a newline
# The CRI client is python3-grpcio; its api_pb2 is compiled by
# tests/engines/cri-api.py from the descriptor in the containerd binary
# (or taken from CRI_PROTO_DIR). The suite is skipped, saying so, only when
# those cannot be had (tools/deps.sh check installs them).
# Usage: tests/engines/cri-termmsg.sh   (SHIM and HOG_STATIC as make
# check-engines sets them; the shim adds the oomguard-hook beside it)
# shellcheck disable=SC2119
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=lib.sh
. "$here/lib.sh"
# Every v1 hierarchy the host mounts stays mounted (lib.sh keeps only
# memory and devices otherwise): containerd gives a sandbox cpu shares, and
# its runc shim watches a container for OOM events only when it can load the
# container's cgroup in every hierarchy /proc/PID/cgroup names ("loading
# cgroup for PID: cannot find cgroup mount destination", and then the CRI
# reason is "Error", not "OOMKilled"). What containerd creates in them,
# under our cgroup's path, is removed with the rest.
ENG_KEEP_CGROUPS=$(findmnt -t cgroup -n -o TARGET | sed 's|.*/||' | tr '\n' ' ')
export ENG_KEEP_CGROUPS
# the pod's host network is a network namespace of our own
export ENG_NET=private
eng_reexec "$0" "$@"
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
# shellcheck source=../live/verdict-lib.sh
. "$here/../live/verdict-lib.sh"
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
HOG_STATIC=$(realpath "${HOG_STATIC:-build/tests/oomguard-hog-static}")
export HOG_STATIC
PY=/usr/bin/python3
broken() { bad "$1"; finish; exit 1; }

cri_client() { [ -x $PY ] && $PY -c 'import grpc, google.protobuf' 2>/dev/null && command -v protoc >/dev/null; }
if ! cri_client && [ "$(id -u)" = 0 ]; then
        bash "$here/../../tools/deps.sh" check >&2 || true
fi
cri_client || skip_suite "no CRI client: python3-grpcio, python3-protobuf or protobuf-compiler is missing and tools/deps.sh check did not install it"
eng_install_check containerd || broken "containerd, runc or busybox-static is missing"
eng_setup oomguard-cri || broken "could not set up the private namespace and cgroup"
proto=${CRI_PROTO_DIR:-$ENG_TMP/cri-api}
if [ -z "${CRI_PROTO_DIR:-}" ] && ! $PY "$here/cri-api.py" "$(command -v containerd)" "$proto" >&2; then
        skip_suite "no CRI runtime.v1 API to compile from $(command -v containerd) (set CRI_PROTO_DIR to a directory with api_pb2.py)"
fi
eng_image || broken "busybox image"
eng_private_dir /var/lib/kubelet || broken "a private /var/lib/kubelet"
eng_private_dir /var/log/pods || broken "a private /var/log/pods"

cfg="$ENG_TMP/oomguard.json"
vlog="$ENG_TMP/log/verdicts.jsonl"
printf '{"metrics":"off","state_dir":"%s/state","verdict_log":"%s","runtime":"%s","termination_message":"/var/lib/kubelet/pods"}\n' \
        "$ENG_TMP" "$vlog" "$(command -v runc)" >"$cfg"
# containerd hands its environment to the shim, which gives the hook --config
export OOMGUARD_CONFIG="$cfg"
L=$((32 << 20))

# the README's registration; no CNI configuration: the pod uses the host network
mkdir -p "$ENG_TMP/cni"
CTRD_NS=k8s.io
CTRD_TOML=$(ctrd_cri_toml oomguard "$SHIM")
ctrd_start cri || broken "containerd with its CRI plugin did not start"
# the pod's sandbox (pause) image: the busybox layer, sleeping
if ! eng_oci_archive "$ENG_TMP/pause-oci.tar" registry.k8s.io/pause:3.6 /bin/sleep 86400 ||
        ! ctrc images import "$ENG_TMP/pause-oci.tar" >/dev/null; then
        broken "the pause image"
fi

out="$ENG_TMP/pod.jsonl"
$PY "$here/cri-termmsg.py" "$CTRD_SOCK" "$proto" /var/lib/kubelet /var/log/pods "$ENG_CG" $L \
        "oom=exec /bin/oomguard-hog 512" \
        "clean=exit 0" \
        "wrote=printf 'all good' >/dev/termination-log" \
        "own=printf 'giving up' >/dev/termination-log; exec /bin/oomguard-hog 512" \
        >"$out" 2>"$ENG_TMP/pod.err"
st=$?
expect "the pod ran through the CRI plugin, each container to its exit (client exit $st)" \
        "$st $(grep -c '"name"' "$out") containers" "0 4 containers" ||
        { cat "$ENG_TMP/pod.err"; tail -n 30 "$ENG_TMP/ctrd/containerd.log"; }

# case NAME: the client's line for container NAME
case_of() { grep "\"name\": \"$1\"" "$out"; }
# the line the hook appends for a verdict
line_of() { printf 'oomguard: %s: %s' "$(field "$1" verdict)" "$(field "$1" summary)"; }
# file_is NAME TEXT: the host file held exactly TEXT when the exit was seen
file_is() {
        local c; c=$(case_of "$1") || return 1
        $PY -c 'import json, sys; sys.exit(json.loads(sys.argv[1])["termination"] != sys.argv[2])' "$c" "$2"
}
show_file() {
        local c; c=$(case_of "$1") || return 0
        $PY -c 'import json, sys; print("  file:", repr(json.loads(sys.argv[1])["termination"]))' "$c"
}

c=$(case_of oom); id=$(field "$c" id); v=$(verdict "$id")
sandbox=$(field "$(grep '"sandbox"' "$out")" sandbox)
expect "the shim ran the pod: verdicts for its sandbox (none) and containers, by CRI id" \
        "sandbox=$(field "$(verdict "$sandbox")" verdict) container=$(field "$v" id)" "sandbox=none container=${id:-(no id)}"
expect "oom: ContainerStatus, containerd's own: exit code and reason" \
        "$(field "$c" exit_code) $(field "$c" reason)" "137 OOMKilled"
echo "# oom: containerd's ContainerStatus: state $(field "$c" state), exit $(field "$c" exit_code), reason '$(field "$c" reason)', message '$(field "$c" message)'"
expect "oom: the verdict is memcg, PID 1 killed, at the 32 MiB limit" \
        "$(field "$v" verdict) $(field "$v" init_killed) $(field "$v" limit_bytes)" "memcg true $L"
check "oom: the kubelet's file holds oomguard's line (memcg, the container's own limit) and nothing else" \
        file_is oom "$(line_of "$v")"$'\n' || show_file oom
echo "# oom: the termination message: $(field "$c" termination)"
check "oom: that line names the container's own memory limit" \
        grep -q "^oomguard: memcg: .*own memory limit" <<<"$(field "$c" termination)"

c=$(case_of clean)
expect "clean: ContainerStatus says exit code 0, Completed" "$(field "$c" exit_code) $(field "$c" reason)" "0 Completed"
expect "clean: its verdict is none" "$(field "$(verdict "$(field "$c" id)")" verdict)" none
check "clean: the kubelet's file is still empty" file_is clean ""

c=$(case_of wrote)
expect "wrote: exit code 0" "$(field "$c" exit_code)" 0
check "wrote: the file is exactly what the container wrote (\"all good\", no newline added)" file_is wrote "all good"

c=$(case_of own); v=$(verdict "$(field "$c" id)")
expect "own: ContainerStatus says 137 OOMKilled" "$(field "$c" exit_code) $(field "$c" reason)" "137 OOMKilled"
check "own: the container's message is kept, oomguard's line after it on a line of its own" \
        file_is own "giving up"$'\n'"$(line_of "$v")"$'\n' || show_file own

# teardown: the pod is gone from containerd, then everything of ours
left=$(ctrc containers ls -q 2>/dev/null | wc -l)
expect "the pod's sandbox and containers were removed from containerd" "$left" 0
expect "no container state left behind in oomguard's state_dir" "$(ls -A "$ENG_TMP/state" 2>/dev/null)" ""
eng_cleanup
check "teardown: no daemon, container or cgroup of ours left" eng_torn_down
left=$(for d in "${ENG_CG_NEW[@]}"; do [ ! -d "$d" ] || echo "$d"; done)
expect "teardown: nothing left in the other hierarchies (${#ENG_CG_NEW[@]} of them)" "$left" ""
finish
