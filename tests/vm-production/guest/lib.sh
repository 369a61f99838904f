# shellcheck shell=bash disable=SC2034 # the variables set here are the scenarios'
# Sourced by /vm/main.sh and, in a subshell of their own, by every
# scenario (bash, in the guest; /vm is the run's read-only disk).
#
# Report protocol, on fd 9 (/dev/ttyS1; tests/vm-production/run.sh reads it):
#   @@BOOT ... / @@SETUP ...     the guest and its setup
#   @@NOTE SCEN: TEXT            context: what the engine said, figures
#   @@CHECK SCEN ok|FAIL TEXT    one line per check
#   @@RESULT SCEN PASS | @@RESULT SCEN FAIL WHY   one per scenario
#   @@VERDICT JSON               the verdict log, at the end
#   @@DONE rc=N
# Everything also goes to the journal and the console (ttyS0).
#
# A scenario is a bash script in /vm/scenarios that uses what is below; it
# passes when it made at least one check and none failed. The first failed
# check is its reason. Its variables: SCEN (its name), GUEST (debian-v2 or
# debian-v1), CGV (2 or 1), OUT (its scratch directory).

VLOG=/var/log/oomguard/verdicts.jsonl
BB=bb:1                           # the busybox image (docker, podman)
CTR_IMAGE=docker.io/library/bb:1  # the same for containerd
CTR_NS=oomguard-vmprod
export PATH=/vm/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

rep() { printf '%s\n' "$*" >&9; echo "$*"; }
note() { rep "@@NOTE $SCEN: $*"; }

# ---- checks -------------------------------------------------------------
# check TEXT CMD...: passes when CMD succeeds
check() {
        local t=$1
        shift
        if "$@" >/dev/null 2>&1; then ok "$t"; else bad "$t"; return 1; fi
}
# expect TEXT GOT WANT: passes when the two strings are equal; says both if not
expect() {
        if [ "$2" = "$3" ]; then ok "$1"; else bad "$1 (got '$2', want '$3')"; return 1; fi
}
ok() { echo x >>"$OUT/.checks"; rep "@@CHECK $SCEN ok $1"; }
bad() {
        echo x >>"$OUT/.checks"
        [ -s "$OUT/.why" ] || printf '%s\n' "$1" >"$OUT/.why"
        rep "@@CHECK $SCEN FAIL $1"
}
# wait_for SECONDS CMD...: until CMD succeeds; non-zero after SECONDS
wait_for() {
        local n=$(($1 * 5))
        shift
        until "$@" >/dev/null 2>&1; do
                n=$((n - 1))
                [ $n -gt 0 ] || return 1
                sleep 0.2
        done
}

# ---- verdicts -----------------------------------------------------------
# verdicts ID: every verdict recorded for a container (one per line)
verdicts() { grep -F "\"id\":\"$1\"" "$VLOG" 2>/dev/null; }
# wait_verdict ID [SECONDS]: the last verdict for ID, waiting for it
# (default 30 s); empty when none came
wait_verdict() {
        wait_for "${2:-30}" grep -qF "\"id\":\"$1\"" "$VLOG"
        verdicts "$1" | tail -n 1
}
# vf JSON PATH...: fields of a JSON object, one per line (jf: a.b.0.c,
# "kills.#" for an array's length; null, true, false as in JSON)
vf() {
        local j=$1
        shift
        printf '%s' "$j" | jf "$@"
}
# adj_auto LIMIT_BYTES: what oom_score_adj "auto" gives that limit here
adj_auto() {
        local t
        t=$(awk '/^MemTotal:/ {print $2 * 1024}' /proc/meminfo)
        echo $((1000 - $1 / (t / 1000)))
}
# the memory cgroup directory of a cgroup path
memcg_dir() {
        if [ "$CGV" = 2 ]; then echo "/sys/fs/cgroup$1"; else echo "/sys/fs/cgroup/memory$1"; fi
}

# ---- engines ------------------------------------------------------------
# dk_run NAME [DOCKER RUN OPTIONS...] -- CMD...: `docker run` in the
# foreground, no network, the busybox image (or $DK_IMAGE). Sets DK_RC (docker run's
# status), DK_ID, DK_OOM (State.OOMKilled), DK_EXIT (State.ExitCode);
# output in $OUT/NAME.out and .err. The container is removed.
dk_run() {
        local name=$1 opts=()
        shift
        while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
        shift
        docker rm -f "$name" >/dev/null 2>&1
        docker run --name "$name" --network none "${opts[@]}" "${DK_IMAGE:-$BB}" "$@" \
                >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null
        DK_RC=$?
        case $DK_RC in 125 | 126 | 127) note "docker run $name: exit $DK_RC: $(head -c 400 "$OUT/$name.err")" ;; esac
        read -r DK_ID DK_OOM DK_EXIT < <(docker inspect -f '{{.Id}} {{.State.OOMKilled}} {{.State.ExitCode}}' "$name" 2>/dev/null)
        docker rm -f "$name" >/dev/null 2>&1
        [ -n "$DK_ID" ] || note "docker run $name: no container ($(head -c 300 "$OUT/$name.err"))"
}
# dk_cgroup ID: the cgroup Docker puts a container in, by cgroup driver
dk_cgroup() {
        case $(docker info -f '{{.CgroupDriver}}' 2>/dev/null) in
        systemd) echo "/system.slice/docker-$1.scope" ;;
        *) echo "/docker/$1" ;;
        esac
}

# pm_run NAME [PODMAN RUN OPTIONS...] -- CMD...: the same with podman
# (oomguard through the hooks.d file only). Sets PM_RC, PM_ID, PM_OOM,
# PM_EXIT.
pm_run() {
        local name=$1 opts=()
        shift
        while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
        shift
        podman rm -f "$name" >/dev/null 2>&1
        podman run --name "$name" --network none "${opts[@]}" "localhost/$BB" "$@" \
                >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null
        PM_RC=$?
        case $PM_RC in 125 | 126 | 127) note "podman run $name: exit $PM_RC: $(head -c 400 "$OUT/$name.err")" ;; esac
        read -r PM_ID PM_OOM PM_EXIT < <(podman inspect -f '{{.Id}} {{.State.OOMKilled}} {{.State.ExitCode}}' "$name" 2>/dev/null)
        podman rm -f "$name" >/dev/null 2>&1
        [ -n "$PM_ID" ] || note "podman run $name: no container ($(head -c 300 "$OUT/$name.err"))"
}

# ctr_run ID [CTR RUN OPTIONS...] -- CMD...: `ctr run --rm` in our
# namespace; the containerd events of the run's task go to $OUT/ID.events.
# Sets CT_RC.
ctr_run() {
        local id=$1 opts=() ev
        shift
        while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
        shift
        ctr -n "$CTR_NS" events >"$OUT/$id.allevents" 2>&1 &
        ev=$!
        ctr -n "$CTR_NS" run --rm "${opts[@]}" "$CTR_IMAGE" "$id" "$@" \
                >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null
        CT_RC=$?
        sleep 1
        kill "$ev" 2>/dev/null
        wait "$ev" 2>/dev/null
        grep -F "$id" "$OUT/$id.allevents" >"$OUT/$id.events"
}
# ctr_oom_event ID: "yes" when containerd published /tasks/oom for it
ctr_oom_event() { grep -q '/tasks/oom' "$OUT/$1.events" && echo yes || echo no; }
