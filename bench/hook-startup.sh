#!/usr/bin/env bash
# Cost of oomguard-hook per container, against the same busybox container
# (`true`, 32 MiB limit) without it, interleaved, medians of REPS runs each,
# in the private mount namespace the runc tests use:
#   start-up:  `runc create` + `runc start` (the hook's create stage)
#   lifecycle: `runc run` (create, run, poststop and the verdict)
# The state directory is a tmpfs, as /run is; the verdict log is on disk.
# Prints the ratios; never fails on speed.
set -euo pipefail
if [ -z "${OOMGUARD_RUNC_NS:-}" ]; then
        export OOMGUARD_RUNC_NS=1
        exec unshare --mount --propagation private bash "$0" "$@"
fi
REPS=${REPS:-30}
HOOK=$(realpath "${HOOK:-build/oomguard-hook}")
RUNC=$(command -v runc) || { echo "hook-startup: runc is not installed" >&2; exit 1; }
BUSYBOX=$(command -v busybox) || { echo "hook-startup: busybox is not installed" >&2; exit 1; }
for h in /sys/fs/cgroup/*; do
        case ${h##*/} in memory | devices) ;; *) umount "$h" 2>/dev/null || true ;; esac
done
tmp=$(mktemp -d)
rel=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup); rel=${rel%/}
base="/sys/fs/cgroup/memory$rel/oomguard-bench-$$"
dev_new=(); p=/sys/fs/cgroup/devices
for c in ${rel//\// } oomguard-bench-$$; do p="$p/$c"; [ -d "$p" ] || dev_new+=("$p"); done
cleanup() {
        for d in $(find "$base" -mindepth 1 -depth -type d 2>/dev/null); do rmdir "$d"; done
        rmdir "$base" 2>/dev/null || true
        for ((i = ${#dev_new[@]} - 1; i >= 0; i--)); do
                find "${dev_new[$i]}" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
                rmdir "${dev_new[$i]}" 2>/dev/null || true
        done
        umount "$tmp/run" 2>/dev/null || true
        rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$base" "$tmp/rootfs" "$tmp/rootfs/bin" "$tmp/rootfs/proc" "$tmp/rootfs/dev" "$tmp/rootfs/sys" "$tmp/run"
mount -t tmpfs -o mode=0700 tmpfs "$tmp/run"
cp "$BUSYBOX" "$tmp/rootfs/bin/busybox"; ln -s busybox "$tmp/rootfs/bin/true"
(cd "$tmp" && "$RUNC" spec && mv config.json spec.json)
printf '{"state_dir":"%s/run","verdict_log":"%s/verdicts.jsonl"}\n' "$tmp" "$tmp" >"$tmp/cfg.json"
for mode in bare true hook; do
        mkdir -p "$tmp/$mode"
        python3 - "$tmp" "$mode" "$rel/oomguard-bench-$$" "$HOOK" <<'PY'
import json, sys
tmp, mode, cg, hook = sys.argv[1:5]
c = json.load(open(tmp + "/spec.json"))
c["root"] = {"path": tmp + "/rootfs", "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
c["linux"]["cgroupsPath"] = cg + "/" + mode
c["linux"]["resources"]["memory"] = {"limit": 33554432}
if mode == "hook":
    h = lambda st: {"path": hook, "args": ["oomguard-hook", st, "--config", tmp + "/cfg.json"]}
    c["hooks"] = {"createRuntime": [h("createRuntime")], "poststop": [h("poststop")]}
if mode == "true": # any hook at all: what runc itself spends running one
    t = {"path": "/bin/true", "args": ["true"]}
    c["hooks"] = {"createRuntime": [t], "poststop": [t]}
json.dump(c, open(tmp + "/" + mode + "/config.json", "w"))
PY
done
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
for k in sb st sh lb lh; do : >"$tmp/$k.t"; done
for i in $(seq "$REPS"); do # a fresh random order each round: no side is favoured
        for k in $(printf 'sb\nst\nsh\nlb\nlh\n' | shuf); do
                case $k in
                sb) startup bare "$i" >>"$tmp/sb.t" ;;
                st) startup true "$i" >>"$tmp/st.t" ;;
                sh) startup hook "$i" >>"$tmp/sh.t" ;;
                lb) life bare "$i" >>"$tmp/lb.t" ;;
                lh) life hook "$i" >>"$tmp/lh.t" ;;
                esac
        done
done
sb=$(median <"$tmp/sb.t"); st=$(median <"$tmp/st.t"); sh=$(median <"$tmp/sh.t")
lb=$(median <"$tmp/lb.t"); lh=$(median <"$tmp/lh.t")
echo "runs: $REPS of each, interleaved; $(wc -l <"$tmp/verdicts.jsonl") verdicts recorded"
echo "start-up  (create+start): bare $(ms "$sb"), with /bin/true hooks $(ms "$st"), with oomguard-hook $(ms "$sh")"
echo "lifecycle (runc run):     bare $(ms "$lb"), with hook $(ms "$lh")"
awk -v b="$lb" -v h="$lh" 'BEGIN {printf "lifecycle hook/bare ratio: %.3f, +%.2f ms per container\n", h / b, (h - b) / 1000}'
awk -v b="$st" -v h="$sh" 'BEGIN {printf "start-up oomguard-hook / any-hook ratio: %.3f, oomguard\x27s own work +%.2f ms\n", h / b, (h - b) / 1000}'
awk -v b="$sb" -v h="$sh" 'BEGIN {printf "start-up hook/bare ratio: %.3f (target <= 1.05), +%.2f ms per container\n", h / b, (h - b) / 1000}'
