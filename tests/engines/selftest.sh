#!/usr/bin/env bash
# Self-test of tests/engines/lib.sh: each engine starts, runs `true` in a
# container with a 32 MiB limit whose memory cgroup lies under ours, and is
# torn down. Prints the engine's ready time and the container's run time.
# Usage: tests/engines/selftest.sh [docker] [containerd] [podman]  (all by default)
# shellcheck disable=SC2119
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=lib.sh
. "$here/lib.sh"
eng_reexec "$0" "$@"
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
engines=("$@")
[ ${#engines[@]} -gt 0 ] || engines=(docker containerd podman)
eng_install_check "${engines[@]}" || { echo "0 passed, 1 failed"; exit 1; }
eng_setup oomguard-engself || { echo "0 passed, 1 failed"; exit 1; }
eng_image || { bad "busybox image"; finish; exit; }

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# The container prints its memory cgroup and lingers a second, while the
# host reads that cgroup's limit: probe CMD... prints "CGROUP LIMIT".
probe_sh='sed -n "s/^[0-9]*:memory://p" /proc/self/cgroup; sleep 1'
probe() {
        local f=$ENG_TMP/probe.out pid cg lim=none
        : >"$f"
        "$@" >"$f" 2>"$f.err" &
        pid=$!
        eng_wait 20 grep -q . "$f"
        cg=$(sed -n 1p "$f")
        [ -z "$cg" ] || lim=$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes" 2>/dev/null)
        wait "$pid"
        echo "$cg $lim"
}
under() { # under OUT PREFIX: OUT's cgroup starts with PREFIX and its limit 32 MiB
        local cg=${1% *}
        [[ $cg == "$2"* ]] && [ "${1##* }" = 33554432 ]
}
at() { under "$1" "$2" && [ "${1% *}" = "$2" ]; } # at OUT CGROUP: OUT's cgroup is CGROUP
# gone_with CGROUP: no daemon or shim of ours left, nor the engine's CGROUP
gone_with() { [ -z "$(eng_leftover_pids)" ] && [ ! -e "/sys/fs/cgroup/memory$1" ]; }

for e in "${engines[@]}"; do
        case $e in
        docker)
                if ! docker_start; then bad "dockerd starts"; continue; fi
                ok "dockerd ready in ${DOCKER_READY_MS} ms"
                t0=$(date +%s%N)
                dk run --rm --network none -m 32m bb:1 true
                st=$? ms=$(ms_since "$t0")
                expect "docker run --rm -m 32m bb:1 true exits 0 (${ms} ms)" "$st" 0
                out=$(probe dk run --rm --network none -m 32m bb:1 sh -c "$probe_sh")
                check "docker: the container's memory cgroup is under \$DOCKER_CGROUP/ with a 32 MiB limit" under "$out" "$DOCKER_CGROUP/" || echo "  got: $out"
                docker_stop
                check "docker: daemon and containerd gone, no cgroup left" gone_with "$DOCKER_CGROUP"
                ;;
        containerd)
                if ! ctrd_start; then bad "containerd starts"; continue; fi
                ok "containerd ready in ${CTRD_READY_MS} ms"
                t0=$(date +%s%N)
                ctr_run self-$$ --rm --memory-limit 33554432 -- true
                st=$? ms=$(ms_since "$t0")
                expect "ctr run --rm --memory-limit 32MiB true exits 0 (${ms} ms)" "$st" 0
                out=$(probe ctr_run probe-$$ --rm --memory-limit 33554432 -- sh -c "$probe_sh")
                check "ctr: the container's memory cgroup is \$CTRD_CGROUP/<id> with a 32 MiB limit" at "$out" "$CTRD_CGROUP/probe-$$" || echo "  got: $out"
                ctrd_stop
                check "containerd: daemon gone, no cgroup left" gone_with "$CTRD_CGROUP"
                ;;
        podman)
                if ! podman_setup; then bad "podman set up"; continue; fi
                ok "podman ready (podman info) in ${PODMAN_READY_MS} ms"
                t0=$(date +%s%N)
                pm run --rm -m 32m "$PODMAN_IMAGE" true
                st=$? ms=$(ms_since "$t0")
                expect "podman run --rm -m 32m true exits 0 (${ms} ms)" "$st" 0
                out=$(probe pm run --rm -m 32m "$PODMAN_IMAGE" sh -c "$probe_sh")
                check "podman: the container's memory cgroup is \$PODMAN_CGROUP/libpod-<id> with a 32 MiB limit" under "$out" "$PODMAN_CGROUP/libpod-" || echo "  got: $out"
                podman_cleanup
                check "podman: no conmon left, no cgroup left" gone_with "$PODMAN_CGROUP"
                ;;
        *) bad "unknown engine $e" ;;
        esac
done

# the EXIT trap's teardown, run now so that its result can be checked
eng_cleanup
gone() { # gone: nothing of ours is left
        local d
        [ -z "$(eng_leftover_pids)" ] && [ ! -e "$ENG_MEMCG" ] && [ ! -e "$ENG_TMP" ] || return 1
        for d in "${ENG_CG_NEW[@]}" "${ENG_NEW_DIRS[@]}"; do [ ! -e "$d" ] || return 1; done
        ! grep -q oomguard-eng /proc/self/mountinfo
}
check "teardown: no daemon, shim or monitor, cgroup, mount or scratch directory left" gone
finish
