#!/usr/bin/env bash
# Real engines, registered the way an operator would: dockerd with
# oomguard-shim as its default runtime and as a named one, containerd via
# ctr --runc-binary, podman with only a hooks.d file. Each runs a container
# whose PID 1 exceeds its limit, one where only a child does, and a clean
# one; the verdicts are looked up by the engine's own container id.
# Usage: tests/engines/engines.sh [docker] [containerd] [podman]
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=lib.sh
. "$here/lib.sh"
eng_reexec "$0" "$@"
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
# shellcheck source=../live/verdict-lib.sh
. "$here/../live/verdict-lib.sh"
OOMGUARD=$(realpath "${OOMGUARD:-build/oomguard}")
HOOK=$(realpath "${HOOK:-build/oomguard-hook}")
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
HOG_STATIC=$(realpath "${HOG_STATIC:-build/tests/oomguard-hog-static}")
export HOG_STATIC
engines=("$@")
[ ${#engines[@]} -gt 0 ] || engines=(docker containerd podman)
eng_install_check "${engines[@]}" || { echo "0 passed, 1 failed"; exit 1; }
eng_setup oomguard-engines || { echo "0 passed, 1 failed"; exit 1; }
eng_image || { bad "busybox image"; finish; exit; }

# The engines pass their environment down to the runtime: the shim and the
# hook it adds read this configuration (private state and verdict log).
cfg="$ENG_TMP/oomguard.json"
vlog="$ENG_TMP/log/verdicts.jsonl"
printf '{"metrics":"off","state_dir":"%s/state","verdict_log":"%s","runtime":"%s"}\n' \
        "$ENG_TMP" "$vlog" "$(command -v runc)" >"$cfg"
export OOMGUARD_CONFIG="$cfg"
L=$((32 << 20))
ADJ=$(expect_adj $L)
# PID 1 prints its oom_score_adj, then does what the case asks
pid1_oom='cat /proc/self/oom_score_adj; exec /bin/oomguard-hog 512'
child_oom='cat /proc/self/oom_score_adj; /bin/oomguard-hog 512; exit 0'
clean='cat /proc/self/oom_score_adj'

by_id() { "$OOMGUARD" verdicts --json --log "$vlog" "$1" 2>/dev/null | tail -n 1; }
# three_cases ENGINE RUN-FUNCTION: RUN-FUNCTION CMD prints "ID" on line 1,
# then the container's output, and returns its exit status
three_cases() {
        local eng=$1 run=$2 out id st v
        out=$("$run" "$pid1_oom"); st=$?
        id=$(sed -n 1p <<<"$out"); v=$(by_id "$id")
        expect "$eng: PID 1 over its limit exits 137; verdict memcg, init_killed true (found by id ${id:0:12})" \
                "st=$st $(fields "$v" verdict init_killed id)" "st=137 verdict=memcg init_killed=true id=$id" || echo "  got: st=$st $v"
        # the container's own line 2 and the verdict's value, both the policy's
        expect "$eng: inside the container oom_score_adj is the verdict's ($ADJ), not the runtime's" \
                "$(sed -n 2p <<<"$out") $(field "$v" oom_score_adj)" "$ADJ $ADJ" || echo "  got: $out"
        out=$("$run" "$child_oom"); st=$?
        id=$(sed -n 1p <<<"$out"); v=$(by_id "$id")
        expect "$eng: a child over the limit, PID 1 exits 0; verdict memcg, init_killed false" \
                "st=$st $(fields "$v" verdict init_killed)" "st=0 verdict=memcg init_killed=false" || echo "  got: st=$st $v"
        out=$("$run" "$clean"); st=$?
        id=$(sed -n 1p <<<"$out"); v=$(by_id "$id")
        expect "$eng: a clean run; verdict none" "st=$st $(fields "$v" verdict kills.0)" "st=0 verdict=none kills.0=null" ||
                echo "  got: st=$st $v"
}

# docker: the id comes from --cidfile; the output from the attached run
docker_case() { # docker_case [RUNTIME-FLAG] CMD
        local f="$ENG_TMP/cid.$RANDOM" out st
        out=$(dk run --cidfile "$f" --network none -m 32m --memory-swap 32m ${DOCKER_RT:+--runtime=$DOCKER_RT} bb:1 sh -c "$1" 2>"$ENG_TMP/docker.err"); st=$?
        cat "$f"; echo; echo "$out"
        dk rm -f "$(cat "$f")" >/dev/null 2>&1
        return $st
}
ctr_case() {
        local id="og-$RANDOM" out st
        out=$(CTRD_RUNC="$SHIM" ctr_run "$id" --rm --memory-limit $L -- sh -c "$1" 2>"$ENG_TMP/ctr.err"); st=$?
        echo "$id"; echo "$out"
        return $st
}
podman_case() {
        local f="$ENG_TMP/pcid.$RANDOM" out st
        out=$(pm run --cidfile "$f" -m 32m --memory-swap 32m "$PODMAN_IMAGE" sh -c "$1" 2>"$ENG_TMP/podman.err"); st=$?
        cat "$f"; echo; echo "$out"
        pm rm -f "$(cat "$f")" >/dev/null 2>&1
        return $st
}

for e in "${engines[@]}"; do
        case $e in
        docker)
                if ! docker_start "$SHIM" default; then bad "dockerd starts with oomguard-shim as default-runtime"; continue; fi
                DOCKER_RT='' three_cases "docker (default-runtime)" docker_case
                docker_stop
                # oomguard registered but not the default: runc runs plain
                # containers, --runtime=oomguard guarded ones
                if ! docker_start "$SHIM" named; then bad "dockerd starts with oomguard-shim as a named runtime"; continue; fi
                DOCKER_RT=oomguard three_cases "docker --runtime=oomguard" docker_case
                n=$(grep -c . "$vlog")
                out=$(DOCKER_RT='' docker_case "$pid1_oom")
                expect "docker without --runtime (runc): no verdict, oomguard not involved" "$(grep -c . "$vlog")" "$n"
                docker_stop
                ;;
        containerd)
                if ! ctrd_start; then bad "containerd starts"; continue; fi
                three_cases "ctr --runc-binary oomguard-shim" ctr_case
                ctrd_stop
                ;;
        podman)
                mkdir -p "$ENG_TMP/hooks.d"
                printf '{"version":"1.0.0","hook":{"path":"%s","args":["oomguard-hook","--config","%s"]},"when":{"always":true},"stages":["prestart","poststop"]}\n' \
                        "$HOOK" "$cfg" >"$ENG_TMP/hooks.d/oomguard.json"
                if ! podman_setup "$ENG_TMP/hooks.d"; then bad "podman set up"; continue; fi
                three_cases "podman (hooks.d only)" podman_case
                podman_cleanup
                ;;
        *) bad "unknown engine $e" ;;
        esac
done
expect "no state left behind by any engine" "$(ls -A "$ENG_TMP/state" 2>/dev/null)" "" || ls -lAR "$ENG_TMP/state"
eng_cleanup
check "teardown: no daemon, container or cgroup of ours left" eng_torn_down
finish
