#!/usr/bin/env bash
# Churn: N short containers (busybox `true`, 32 MiB limit, oomguard-hook as
# createRuntime and poststop, default configuration) one after another,
# then N more PAR at a time, in the private mount namespace the runc tests
# use. For each phase: verdicts per second, the watchers' total PSS at its
# peak (sampled every 20 ms), lost or duplicated verdicts, and what is left
# behind (state directories, watchers). Prints figures; fails only if a
# verdict is lost or doubled or something is left behind.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=../tests/live/runc-lib.sh
. "$here/../tests/live/runc-lib.sh"
runc_reexec "$0" "$@"
N=${N:-1000}
PAR=${PAR:-50}
HOOK=$(realpath "${HOOK:-build/oomguard-hook}")
runc_setup oomguard-churn || exit 1
mkdir "$tmp/run"
mount -t tmpfs -o mode=0700 tmpfs "$tmp/run"
printf '{"state_dir":"%s/run","verdict_log":"%s/verdicts.jsonl","metrics":"%s/oomguard.prom"}\n' "$tmp" "$tmp" "$tmp" >"$tmp/cfg.json"
# one bundle, and so one cgroup, per slot: no two running containers share
for ((k = 0; k < PAR; k++)); do
        runc_bundle "$tmp/b$k" "c$k" $((32 << 20)) '' "$HOOK" "$tmp/cfg.json" /bin/true
done
one() { # one ID SLOT; a failed run is counted with runc's last words
        (cd "$tmp/b$2" && "$RUNC" --root "$tmp/runc" run "$1" </dev/null >/dev/null 2>"$tmp/err.$1") ||
                echo "$1 $(tail -c 300 "$tmp/err.$1" | tr '\n' ' ')" >>"$tmp/failed"
        rm -f "$tmp/err.$1"
}
# the watchers of this state directory only (others may run on the host)
sampler() {
        python3 - "$tmp/run" "$1" <<'PY'
import os, sys, time
run, stop = sys.argv[1], sys.argv[2]
peak = peak_n = 0
while not os.path.exists(stop):
    total = n = 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            if open(f"/proc/{p}/comm").read().strip() != "oomguard-watch":
                continue
            if not any(os.readlink(f"/proc/{p}/fd/{f}").startswith(run)
                       for f in os.listdir(f"/proc/{p}/fd")):
                continue
            for l in open(f"/proc/{p}/smaps_rollup"):
                if l.startswith("Pss:"):
                    total += int(l.split()[1]); n += 1
        except OSError:
            pass
    if total > peak:
        peak, peak_n = total, n
    time.sleep(0.02)
print(f"{peak} {peak_n}")
PY
}
phase() { # phase NAME PAR
        local name=$1 par=$2 i t0 t1 stop="$tmp/stop.$1"
        sampler "$stop" >"$tmp/pss.$name" &
        local sp=$!
        : >"$tmp/failed"
        t0=$EPOCHREALTIME
        local pids=()
        for ((i = 0; i < N; i++)); do
                if [ "$par" -le 1 ]; then
                        one "$name-$i" 0
                else
                        one "$name-$i" $((i % par)) &
                        pids+=($!)
                        if (((i + 1) % par == 0)); then wait "${pids[@]}"; pids=(); fi
                fi
        done
        [ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
        t1=$EPOCHREALTIME
        sleep 0.3 # a watcher that outlives its poststop would show here
        touch "$stop"; wait "$sp"
        local got dup lost pss
        got=$(grep -c "\"id\":\"$name-" "$tmp/verdicts.jsonl")
        dup=$(grep -o "\"id\":\"$name-[0-9]*\"" "$tmp/verdicts.jsonl" | sort | uniq -d | wc -l)
        lost=$((N - $(grep -o "\"id\":\"$name-[0-9]*\"" "$tmp/verdicts.jsonl" | sort -u | wc -l)))
        read -r pss pssn <"$tmp/pss.$name"
        awk -v n="$N" -v p="$par" -v a="$t0" -v b="$t1" -v g="$got" -v d="$dup" -v l="$lost" \
                -v f="$(wc -l <"$tmp/failed")" -v k="$pss" -v kn="$pssn" 'BEGIN {
                printf "%d containers, %d at a time: %.1f s, %.1f verdicts/s; %d verdicts, %d lost, %d duplicated, %d runs failed; watchers at the peak: %d, total PSS %.1f MiB\n",
                        n, p, b - a, g / (b - a), g, l, d, f, kn, k / 1024 }'
        [ -s "$tmp/failed" ] && echo "first failed run: $(head -1 "$tmp/failed")"
        [ "$dup" -eq 0 ] && [ "$lost" -eq 0 ]
}
rc=0
phase seq 1 || rc=1
phase par "$PAR" || rc=1
left=$(find "$tmp/run" -mindepth 1 -maxdepth 1 | wc -l)
watchers=0
for p in /proc/[0-9]*; do
        [ "$(cat "$p/comm" 2>/dev/null)" = oomguard-watch ] || continue
        for f in "$p"/fd/*; do
                case $(readlink "$f" 2>/dev/null) in "$tmp/run"*) watchers=$((watchers + 1)); break ;; esac
        done
done
echo "left behind: $left state directories, $watchers watchers"
[ "$left" -eq 0 ] && [ "$watchers" -eq 0 ] || rc=1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
