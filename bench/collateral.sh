#!/usr/bin/env bash
# Collateral: what a guarded container costs a program outside any
# container. A host writer (dd of WRITE_MIB MiB into a file on the disk
# under this script's scratch directory) runs
#   none:    with no guarded container,
#   idle:    beside a guarded container that only sleeps (static busybox,
#            64 MiB limit, the default configuration: its programs cannot
#            be preloaded, so it is enrolled in the writeback host mode,
#            which holds nothing for a container that does not write),
#   writing: beside a guarded container that writes to a file of its own
#            in a loop (the same container, writing to a bind-mounted
#            directory on the same disk),
# each as a burst (no sync: builds, logs, temp files) and durably
# (conv=fdatasync), REPS rounds in a fresh random order. Prints the medians
# and the ratios idle/none and writing/none; never fails on speed.
#
# The host mode changes the host's own vm.dirty_* (not a private copy as in
# the tests): they are saved first and written back at exit, whatever
# happens. Root, runc, cgroup v1 (as the live suites); every container has
# a memory limit.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=../tests/live/runc-lib.sh
. "$here/../tests/live/runc-lib.sh"
runc_reexec "$0" "$@"
REPS=${REPS:-5}
WRITE_MIB=${WRITE_MIB:-512}
HOOK=$(realpath "${HOOK:-build/oomguard-hook}")
runc_setup oomguard-collateral || exit 1
unset OOMGUARD_SYSCTL_VM # the host's own: that is what is measured
vm=/proc/sys/vm
saved=$(for k in dirty_bytes dirty_background_bytes dirty_ratio dirty_background_ratio; do
        echo "$k $(cat "$vm/$k")"
done)
restore_vm() { # ratios after bytes: writing a ratio clears the bytes, and back
        local k v
        while read -r k v; do [ "$v" = 0 ] || echo "$v" >"$vm/$k"; done <<<"$saved"
        [ "$(cat "$vm/dirty_bytes" "$vm/dirty_background_bytes" "$vm/dirty_ratio" \
                "$vm/dirty_background_ratio" | tr '\n' ' ')" = "$(awk '{printf "%s ", $2}' <<<"$saved")" ] ||
                echo "collateral: vm.dirty_* not as before: $(grep . "$vm"/dirty_*bytes "$vm"/dirty_*ratio | tr '\n' ' ')" >&2
}
stop_all() {
        local c
        for c in "${RUNC_CONTAINERS[@]}"; do "$RUNC" --root "$tmp/runc" delete --force "$c" >/dev/null 2>&1; done
        umount -l "$tmp/run" 2>/dev/null # its last watchers may still be leaving
        restore_vm
}
runc_at_exit stop_all
mkdir "$tmp/run" "$tmp/out" "$tmp/inside"
mount -t tmpfs -o mode=0700 tmpfs "$tmp/run"
printf '{"state_dir":"%s/run","verdict_log":"%s/verdicts.jsonl","metrics":"%s/oomguard.prom"}\n' \
        "$tmp" "$tmp" "$tmp" >"$tmp/cfg.json"
runc_bundle "$tmp/idle" idle $((64 << 20)) '' "$HOOK" "$tmp/cfg.json" /bin/sleep 3600
runc_bundle "$tmp/writing" writing $((64 << 20)) '' "$HOOK" "$tmp/cfg.json" /bin/sh -c \
        'while :; do dd if=/dev/zero of=/out/f bs=1M count=48 2>/dev/null; rm -f /out/f; done'
python3 - "$tmp/writing/config.json" "$tmp/inside" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["mounts"].append({"destination": "/out", "type": "bind", "source": sys.argv[2],
                    "options": ["rbind", "rw", "nosuid", "nodev"]})
json.dump(c, open(sys.argv[1], "w"))
PY
ln -s busybox "$tmp/rootfs/bin/dd" 2>/dev/null
ln -s busybox "$tmp/rootfs/bin/rm" 2>/dev/null
host_mode() { [ -e "$tmp/run/_dirty.json" ]; }
start() { # start KIND N: a guarded container running; the writing one has engaged the host mode
        local id="$1$2" t
        RUNC_CONTAINERS+=("$id")
        (cd "$tmp/$1" && "$RUNC" --root "$tmp/runc" run -d "$id" </dev/null >/dev/null 2>"$tmp/err") ||
                { echo "collateral: $1 did not start: $(tail -c 300 "$tmp/err")" >&2; exit 1; }
        [ "$1" = writing ] || return 0
        for ((t = 0; t < 100; t++)); do
                host_mode && return 0
                sleep 0.1
        done
        echo "collateral: the host mode did not engage for $id, which writes" >&2
        exit 1
}
stop() { # stop ID: gone, and the host mode released
        local t
        "$RUNC" --root "$tmp/runc" kill "$1" KILL >/dev/null 2>&1
        for ((t = 0; t < 50; t++)); do
                [ "$("$RUNC" --root "$tmp/runc" state "$1" 2>/dev/null | grep -c '"stopped"')" = 1 ] && break
                sleep 0.1
        done
        "$RUNC" --root "$tmp/runc" delete --force "$1" >/dev/null 2>&1
        for ((t = 0; t < 50; t++)); do host_mode || return 0; sleep 0.1; done
        echo "collateral: the host mode still holds after $1" >&2
}
us() { local t=$1; echo "${t/./}"; }
write() { # write burst|durable -> MB/s
        local t0 t1 sync=''
        [ "$1" = durable ] && sync=conv=fdatasync
        t0=$(us "$EPOCHREALTIME")
        # shellcheck disable=SC2086 # $sync: empty or one word
        dd if=/dev/zero of="$tmp/out/f" bs=1M count="$WRITE_MIB" $sync 2>/dev/null
        t1=$(us "$EPOCHREALTIME")
        rm -f "$tmp/out/f"
        awk -v m="$WRITE_MIB" -v d=$((t1 - t0)) 'BEGIN {printf "%.0f\n", m * 1048576 / d}'
}
round() { # round KIND N: both writers under KIND
        local w
        sync # the previous round's dirty pages are not this one's
        case $1 in
        idle | writing) start "$1" "$2" ;;
        esac
        [ "$1" != writing ] || sleep 1 # its loop under way
        for w in burst durable; do
                write "$w" >>"$tmp/$1.$w"
                echo "$1 $(cat "$vm/dirty_bytes")" >>"$tmp/held" # as the writer ended
                sync
        done
        case $1 in
        idle | writing) stop "$1$2" ;;
        esac
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
for i in $(seq "$REPS"); do
        for k in $(printf 'none\nidle\nwriting\n' | shuf); do round "$k" "$i"; done
done
echo "host writer: $WRITE_MIB MiB with dd, $REPS rounds of each, interleaved (MB/s, medians)"
for w in burst durable; do
        n=$(median <"$tmp/none.$w") i=$(median <"$tmp/idle.$w") g=$(median <"$tmp/writing.$w")
        printf '%-8s none %5s  beside an idle guarded container %5s (%.2f)  beside a writing one %5s (%.2f)\n' \
                "$w" "$n" "$i" "$(awk -v a="$i" -v b="$n" 'BEGIN {print a / b}')" \
                "$g" "$(awk -v a="$g" -v b="$n" 'BEGIN {print a / b}')"
done
held() { awk -v k="$1" '$1 == k {print $2}' "$tmp/held" | sort -un | tr '\n' ' '; }
echo "vm.dirty_bytes as each writer ended: none $(held none)idle $(held idle)writing $(held writing)"
