#!/usr/bin/env bash
# Cost of oomguard-hook per container, against the same busybox container
# (`true`, 32 MiB limit) without it, interleaved, medians of REPS runs each,
# in the private mount namespace the runc tests use:
#   start-up:  `runc create` + `runc start` (the hook's create stage)
#   lifecycle: `runc run` (create, run, poststop and the verdict)
# each bare, with /bin/true as both hooks (runc's own cost of running a
# hook) and with oomguard-hook.
# The state directory is a tmpfs, as /run is; the verdict log is on disk.
# HOOK_BEFORE (optional): another build of oomguard-hook (the one before a
# change) interleaved as a fourth kind, and the ratio of the two.
# Prints the ratios; never fails on speed.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=../tests/live/runc-lib.sh
. "$here/../tests/live/runc-lib.sh"
runc_reexec "$0" "$@"
REPS=${REPS:-30}
HOOK=$(realpath "${HOOK:-build/oomguard-hook}")
runc_setup oomguard-bench || exit 1
mkdir "$tmp/run"
mount -t tmpfs -o mode=0700 tmpfs "$tmp/run"
# the metrics on disk as by default, not in the host's own textfile directory
printf '{"state_dir":"%s/run","verdict_log":"%s/verdicts.jsonl","metrics":"%s/oomguard.prom"}\n' "$tmp" "$tmp" "$tmp" >"$tmp/cfg.json"
runc_bundle "$tmp/bare" bare $((32 << 20)) '' - - /bin/true
runc_bundle "$tmp/true" true $((32 << 20)) '' true - /bin/true
runc_bundle "$tmp/hook" hook $((32 << 20)) '' "$HOOK" "$tmp/cfg.json" /bin/true
kinds='sb st sh lb lt lh'
if [ -n "${HOOK_BEFORE:-}" ]; then
        runc_bundle "$tmp/before" before $((32 << 20)) '' "$(realpath "$HOOK_BEFORE")" "$tmp/cfg.json" /bin/true
        kinds="$kinds sB lB"
fi
R() { "$RUNC" --root "$tmp/runc" "$@"; }
us() { local t=$1; echo "${t/./}"; }
life() { # life MODE N -> microseconds for runc run
        local t0; t0=$(us "$EPOCHREALTIME")
        (cd "$tmp/$1" && R run "l$1$2" </dev/null >/dev/null)
        echo $(( $(us "$EPOCHREALTIME") - t0 ))
}
startup() { # startup MODE N -> microseconds for runc create + start
        local id="s$1$2" t0 t1
        t0=$(us "$EPOCHREALTIME")
        (cd "$tmp/$1" && R create "$id" </dev/null >/dev/null 2>&1 && R start "$id")
        t1=$(us "$EPOCHREALTIME")
        for _ in $(seq 100); do R state "$id" 2>/dev/null | grep -q '"stopped"' && break; sleep 0.01; done
        R delete "$id" >/dev/null 2>&1
        echo $((t1 - t0))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
ms() { awk -v v="$1" 'BEGIN {printf "%.2f ms", v / 1000}'; }
life bare w >/dev/null; life true w >/dev/null; life hook w >/dev/null # warm caches
[ -z "${HOOK_BEFORE:-}" ] || life before w >/dev/null
for k in $kinds; do : >"$tmp/$k.t"; done
for i in $(seq "$REPS"); do # a fresh random order each round: no side is favoured
        for k in $(printf '%s\n' $kinds | shuf); do
                case $k in
                sB) startup before "$i" >>"$tmp/sB.t" ;;
                lB) life before "$i" >>"$tmp/lB.t" ;;
                sb) startup bare "$i" >>"$tmp/sb.t" ;;
                st) startup true "$i" >>"$tmp/st.t" ;;
                sh) startup hook "$i" >>"$tmp/sh.t" ;;
                lb) life bare "$i" >>"$tmp/lb.t" ;;
                lt) life true "$i" >>"$tmp/lt.t" ;;
                lh) life hook "$i" >>"$tmp/lh.t" ;;
                esac
        done
done
sb=$(median <"$tmp/sb.t"); st=$(median <"$tmp/st.t"); sh=$(median <"$tmp/sh.t")
lb=$(median <"$tmp/lb.t"); lt=$(median <"$tmp/lt.t"); lh=$(median <"$tmp/lh.t")
echo "runs: $REPS of each, interleaved; $(wc -l <"$tmp/verdicts.jsonl") verdicts recorded"
echo "start-up  (create+start): bare $(ms "$sb"), with /bin/true hooks $(ms "$st"), with oomguard-hook $(ms "$sh")"
echo "lifecycle (runc run):     bare $(ms "$lb"), with /bin/true hooks $(ms "$lt"), with oomguard-hook $(ms "$lh")"
awk -v b="$lb" -v h="$lh" 'BEGIN {printf "lifecycle hook/bare ratio: %.3f (target <= 1.05), +%.2f ms per container\n", h / b, (h - b) / 1000}'
awk -v b="$lb" -v h="$lt" 'BEGIN {printf "lifecycle any-hook/bare ratio: %.3f, runc running two hooks +%.2f ms\n", h / b, (h - b) / 1000}'
awk -v b="$lt" -v h="$lh" 'BEGIN {printf "lifecycle oomguard-hook / any-hook ratio: %.3f, oomguard\x27s own work +%.2f ms\n", h / b, (h - b) / 1000}'
awk -v b="$sb" -v h="$st" 'BEGIN {printf "start-up any-hook/bare ratio: %.3f, runc running a hook +%.2f ms\n", h / b, (h - b) / 1000}'
awk -v b="$st" -v h="$sh" 'BEGIN {printf "start-up oomguard-hook / any-hook ratio: %.3f, oomguard\x27s own work +%.2f ms\n", h / b, (h - b) / 1000}'
awk -v b="$sb" -v h="$sh" 'BEGIN {printf "start-up hook/bare ratio: %.3f (target <= 1.03), +%.2f ms per container\n", h / b, (h - b) / 1000}'
if [ -n "${HOOK_BEFORE:-}" ]; then
        sB=$(median <"$tmp/sB.t") lB=$(median <"$tmp/lB.t")
        echo "with HOOK_BEFORE ($HOOK_BEFORE): start-up $(ms "$sB"), lifecycle $(ms "$lB")"
        awk -v b="$lB" -v h="$lh" 'BEGIN {printf "lifecycle oomguard-hook / HOOK_BEFORE ratio: %.3f, %+.2f ms\n", h / b, (h - b) / 1000}'
        awk -v b="$sB" -v h="$sh" 'BEGIN {printf "start-up oomguard-hook / HOOK_BEFORE ratio: %.3f, %+.2f ms\n", h / b, (h - b) / 1000}'
fi
