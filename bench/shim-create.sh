#!/usr/bin/env bash
# oomguard-shim's own cost per `create`: the shim against an exec-only
# wrapper, both handing over to /bin/true, on a real config.json as Docker
# writes it (restored before every call, so each shim call rewrites it),
# interleaved in random order, medians of REPS calls. Both wrappers are
# static, like the shim. Prints the difference; never fails on speed.
set -euo pipefail
cd "$(dirname "$0")/.."
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
REPS=${REPS:-300}
SPEC=${SPEC:-tests/fixtures/spec/docker.json}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -static -o "$tmp/exec-only" bench/exec-only.c
mkdir "$tmp/b"
printf '{"state_dir":"%s/run","verdict_log":"%s/v.jsonl"}\n' "$tmp" "$tmp" >"$tmp/cfg.json"
export OOMGUARD_RUNTIME=/bin/true OOMGUARD_CONFIG="$tmp/cfg.json"
us() { local t=$1; echo "${t/./}"; }
one() { # one WRAPPER -> microseconds for a create
        cp "$SPEC" "$tmp/b/config.json"
        local t0; t0=$(us "$EPOCHREALTIME")
        "$1" --root "$tmp/root" --log "$tmp/log.json" --log-format json create \
                --bundle "$tmp/b" --pid-file "$tmp/pid" bench-id </dev/null
        echo $(( $(us "$EPOCHREALTIME") - t0 ))
}
one "$SHIM" >/dev/null; one "$tmp/exec-only" >/dev/null
grep -q oomguard-hook "$tmp/b/config.json" && { echo "the exec-only run saw a rewritten file" >&2; exit 1; }
one "$SHIM" >/dev/null
grep -q oomguard-hook "$tmp/b/config.json" || { echo "the shim did not rewrite config.json" >&2; exit 1; }
: >"$tmp/s"; : >"$tmp/e"
for _ in $(seq "$REPS"); do
        for k in $(printf 's\ne\n' | shuf); do
                case $k in
                s) one "$SHIM" >>"$tmp/s" ;;
                e) one "$tmp/exec-only" >>"$tmp/e" ;;
                esac
        done
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
s=$(median "$tmp/s"); e=$(median "$tmp/e")
echo "config.json: $SPEC ($(wc -c <"$SPEC") bytes); $REPS creates each, interleaved"
awk -v s="$s" -v e="$e" 'BEGIN {printf "shim create: exec-only wrapper %.2f ms, oomguard-shim %.2f ms, ratio %.2f, +%.2f ms per create (target <= 2 ms)\n", e / 1000, s / 1000, s / e, (s - e) / 1000}'
