#!/usr/bin/env bash
# The live part of `make demo`: three real runc containers with
# oomguard-hook registered, then what oomguard recorded about each death.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=live/runc-lib.sh
. "$here/live/runc-lib.sh"
runc_reexec "$0" "$@"
runc_binaries
runc_setup oomguard-demo || exit 1
cfg="$tmp/config.json"
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s/verdicts.jsonl"}\n' "$tmp" "$tmp" >"$cfg"
M=$((1 << 20))
say() { printf '\n\033[1m### %s\033[0m\n' "$1"; }
run() { (cd "$tmp/$1" && "$RUNC" --root "$tmp/runc" run "$1" </dev/null >/dev/null 2>&1); echo "runc run $1: exit $?"; }

say "A container whose main process outgrows its own 32 MiB limit"
runc_bundle "$tmp/web" web $((32 * M)) '' "$HOOK" "$cfg" /bin/oomguard-hog 512
run web
say "A container with a 64 MiB limit inside a pod limited to 32 MiB"
mkdir "$base/pod" && echo $((32 * M)) >"$base/pod/memory.limit_in_bytes"
runc_bundle "$tmp/api" pod/api $((64 * M)) '' "$HOOK" "$cfg" /bin/oomguard-hog 512
run api
say "A container that asks for oom_score_adj -1000 and exits cleanly"
runc_bundle "$tmp/batch" batch $((32 * M)) '{"org.oomguard.oom_score_adj":"-1000"}' "$HOOK" "$cfg" /bin/true
run batch
say "What oomguard recorded"
printf '$ oomguard verdicts\n'
"$OOMGUARD" verdicts --log "$tmp/verdicts.jsonl"
printf '\n$ oomguard verdicts --json api\n'
"$OOMGUARD" verdicts --json --log "$tmp/verdicts.jsonl" api | python3 -m json.tool
