#!/usr/bin/env bash
# The Docker part of `make demo`: a private dockerd with oomguard-shim as its
# default runtime, and plain `docker run`s — the user changes nothing.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=engines/lib.sh
. "$here/engines/lib.sh"
eng_reexec "$0" "$@"
OOMGUARD=$(realpath "${OOMGUARD:-build/oomguard}")
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
HOG_STATIC=$(realpath "${HOG_STATIC:-build/tests/oomguard-hog-static}")
export HOG_STATIC
say() { printf '\n\033[1m### %s\033[0m\n' "$1"; }
eng_setup oomguard-demo-docker && eng_image || exit 1
vlog="$ENG_TMP/verdicts.jsonl"
printf '{"metrics":"off","state_dir":"%s/state","verdict_log":"%s","runtime":"%s"}\n' \
        "$ENG_TMP" "$vlog" "$(command -v runc)" >"$ENG_TMP/oomguard.json"
export OOMGUARD_CONFIG="$ENG_TMP/oomguard.json"
docker_start "$SHIM" default || exit 1
say "dockerd with \"default-runtime\": \"oomguard\"; plain docker run from here on"
drun() {
        local f="$ENG_TMP/cid.$RANDOM"
        printf "$ docker run -m 32m --memory-swap 32m bb:1 sh -c '%s'\n" "$1"
        docker run --cidfile "$f" --network none -m 32m --memory-swap 32m bb:1 sh -c "$1"
        echo "exit $?; Docker says OOMKilled=$(docker inspect -f '{{.State.OOMKilled}}' "$(cat "$f")")"
        docker rm -f "$(cat "$f")" >/dev/null
        ID=$(cat "$f")
}
drun 'exec /bin/oomguard-hog 512'; big=$ID
drun '/bin/oomguard-hog 512; echo "main process still fine"'
drun 'echo done'
say "What oomguard recorded, by Docker's container id"
printf '$ oomguard verdicts\n'
"$OOMGUARD" verdicts --log "$vlog"
printf '\n$ oomguard verdicts %s\n' "${big:0:12}"
"$OOMGUARD" verdicts --log "$vlog" "${big:0:12}"
