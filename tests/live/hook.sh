#!/usr/bin/env bash
# oomguard-hook against the live kernel: real processes in memory cgroups
# this script creates under its own cgroup (removed on exit), real kernel
# OOMs, the hook invoked exactly as a runtime invokes it (state on stdin,
# a bundle with config.json). Only the invoker is this script, not runc.
set -uo pipefail
HOOK=${HOOK:-build/oomguard-hook}
OOMGUARD=${OOMGUARD:-build/oomguard}
HOG=${HOG:-build/tests/oomguard-hog}
here=$(dirname "$(realpath "$0")")
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
# shellcheck source=verdict-lib.sh
. "$here/verdict-lib.sh"
# shellcheck source=sysctl-lib.sh
. "$here/sysctl-lib.sh"

if [ "$(id -u)" != 0 ] || [ ! -d /sys/fs/cgroup/memory ] || ! grep -q ':memory:' /proc/self/cgroup; then
        skip_suite "needs root and a cgroup v1 memory hierarchy (cgroup v2 runs in the VM suite)"
fi
tmp=$(mktemp -d)
rel=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup); rel=${rel%/}
base="/sys/fs/cgroup/memory$rel/oomguard-hook-$$"
created=() pids=()
cleanup() {
        local i
        for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
        wait 2>/dev/null
        for ((i = ${#created[@]} - 1; i >= 0; i--)); do rmdir "${created[$i]}" 2>/dev/null; done
        rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$base" && created+=("$base")
cfg="$tmp/config.json"
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s/log/verdicts.jsonl","swap":"none"}\n' "$tmp" "$tmp" >"$cfg"
vlog="$tmp/log/verdicts.jsonl"
fake_sysctl_vm "$tmp/vm"

cgroup() { mkdir "$base/$1" && created+=("$base/$1"); [ -z "${2:-}" ] || { echo "$2" >"$base/$1/memory.limit_in_bytes"; echo "$2" >"$base/$1/memory.memsw.limit_in_bytes" 2>/dev/null; }; }
bundle() { oci_bundle "$tmp/b/$1" "$2" "${3:-}"; }
# start ID CGROUP CMD: a process held at a fifo until `go ID` (the runtime's start)
declare -A PID
start() {
        local id=$1 cg=$2; shift 2
        mkfifo "$tmp/$id.go"
        sh -c 'echo $$ >"$1/cgroup.procs"; read x <"$2"; shift 2; exec "$@"' sh "$base/$cg" "$tmp/$id.go" "$@" &
        PID[$id]=$!; pids+=($!)
        sleep 0.1
}
go() { echo go >"$tmp/$1.go"; }
# the hook at each stage, its messages appended to $tmp/hook.err
create() { hook_create "$1" "${PID[$1]}" "$tmp/b/$1" "${2:-$cfg}"; }
poststop() { hook_poststop "$1" 0 "" "$cfg" "${@:2}"; }
# one container's whole life: cgroup, bundle, create, start, wait, poststop
life() { # ID CGROUP LIMIT CMD...
        local id=$1 cg=$2 lim=$3; shift 3
        bundle "$id" "$lim"; start "$id" "$cg" "$@"; create "$id"; go "$id"
        wait "${PID[$id]}"; echo $? >"$tmp/$id.status"; poststop "$id"
}
L=$((32 << 20))

# 1. PID 1 exceeds the container's limit
id=init-$$; cgroup "$id" $L; bundle "$id" $L; start "$id" "$id" "$HOG" 512
create "$id"; rc=$?; p=${PID[$id]}
expect "create exits 0" "$rc" 0
expect "the init process carries the policy's oom_score_adj ($(expect_adj $L))" "$(cat "/proc/$p/oom_score_adj")" "$(expect_adj $L)"
expect "the swap policy 'none' set memory+swap to the limit" "$(cat "$base/$id/memory.memsw.limit_in_bytes")" $L
state_kept() { [ "$(stat -c %a "$tmp/run/$1")" = 700 ] && [ -f "$tmp/run/$1/state.json" ]; }
check "create left its state in the state directory (0700)" state_kept "$id"
go "$id"; wait "$p"; st=$?
expect "the container's init was OOM-killed (status $st)" "$st" 137
poststop "$id"; rc=$?
v=$(verdict "$id")
expect "poststop exits 0 and records a verdict" "$rc ${v:+a verdict}" "0 a verdict"
expect "verdict memcg, init_killed true" "$(fields "$v" verdict init_killed)" "verdict=memcg init_killed=true"
expect "the kill names the victim pid and comm" "$(fields "$v" kills.0.victim_pid kills.0.victim_comm)" \
        "kills.0.victim_pid=$p kills.0.victim_comm=oomguard-hog"
expect "the verdict records the limit and the oom_score_adj applied" "$(fields "$v" limit_bytes oom_score_adj)" \
        "limit_bytes=$L oom_score_adj=$(expect_adj $L)"
expect "kernel records and cgroup counters agree" "$(fields "$v" evidence.kmsg evidence.counters)" "evidence.kmsg=true evidence.counters=true"
check "poststop removed the state" test ! -e "$tmp/run/$id"
poststop "$id"; rc=$?
expect "poststop twice: exit 0, no second verdict" "$rc $(grep -c "\"id\":\"$id\"" "$vlog")" "0 1"
listed() { "$OOMGUARD" verdicts --log "$vlog" "$1" | grep -q "$2"; } # listed PREFIX PATTERN
check "the verdicts command finds it by prefix" listed init- 'memcg .*init killed: yes'

# 1b. /dev/kmsg unreadable at poststop: the watcher's copy decides
id=copy-$$; cgroup "$id" $L; bundle "$id" $L; start "$id" "$id" "$HOG" 512; create "$id"
sleep 0.3; go "$id"; wait "${PID[$id]}"; sleep 0.3
check "the watcher kept a copy of the container's OOM records" grep -q 'oom-kill:' "$tmp/run/$id/kmsg.log"
poststop "$id" OOMGUARD_KMSG=/nonexistent/kmsg
v=$(verdict "$id")
from_copy() { # from_copy VERDICT ID
        [ "$(fields "$1" verdict evidence.kmsg)" = "verdict=memcg evidence.kmsg=true" ] &&
                grep -q "$2: deciding from the watcher's copy" "$tmp/hook.err"
}
check "with /dev/kmsg unreadable, the verdict still says memcg from the watcher's copy" from_copy "$v" "$id"

# 1c. the hook reads /proc where OOMGUARD_PROC says (as `oomguard ps` does):
# one that does not exist hides the init, so no policy is applied to it
id=proc-$$; cgroup "$id" $L; bundle "$id" $L; start "$id" "$id" true
hook_create "$id" "${PID[$id]}" "$tmp/b/$id" "$cfg" OOMGUARD_PROC=/nonexistent/proc; rc=$?
expect "with OOMGUARD_PROC elsewhere, create exits 0 (fail-open) and leaves the init's oom_score_adj" \
        "$rc $(cat "/proc/${PID[$id]}/oom_score_adj")" "0 0"
check "and says it could not read the init there" grep -q '/nonexistent/proc/' "$tmp/last.err"
go "$id"; wait "${PID[$id]}"; poststop "$id"

# 2. a child exceeds the limit, PID 1 survives and exits 0
id=child-$$; cgroup "$id" $L; life "$id" "$id" $L sh -c "$HOG 512; exit 0"; v=$(verdict "$id")
expect "child OOM: init exits 0; verdict memcg, init_killed false" "$(cat "$tmp/$id.status") $(fields "$v" verdict init_killed)" \
        "0 verdict=memcg init_killed=false"

# 3. the container under a parent whose limit is lower than its own
cgroup pod-$$ $L; id=nested-$$; cgroup "pod-$$/$id" $((64 << 20))
life "$id" "pod-$$/$id" $((64 << 20)) "$HOG" 512; v=$(verdict "$id")
expect "a parent's lower limit: ancestor-memcg naming the parent" "$(fields "$v" verdict oom_memcg)" \
        "verdict=ancestor-memcg oom_memcg=$rel/oomguard-hook-$$/pod-$$"
check "the verdict says both limits: the pod's 32 MiB, the container's own 64 MiB" \
        grep -q 'reached its limit (32 MiB), not the container.s own (64 MiB)' <<<"$(field "$v" summary)"
# (failcnt deltas are recorded but not asserted: 6.x does not count a hit
# on a parent's memory+swap limit in memory.failcnt or memory.memsw.failcnt)
expect "the verdict lists the parent with its 32 MiB limit" "$(fields "$v" ancestors.0.cgroup ancestors.0.limit_bytes)" \
        "ancestors.0.cgroup=$rel/oomguard-hook-$$/pod-$$ ancestors.0.limit_bytes=$L"

# 4. no OOM: a normal exit, a failing exit, a SIGKILL from outside
id=exit0-$$; cgroup "$id" $L; life "$id" "$id" $L true
id=exit3-$$; cgroup "$id" $L; life "$id" "$id" $L sh -c 'exit 3'
id=killed-$$; cgroup "$id" $L; bundle "$id" $L; start "$id" "$id" sleep 30; create "$id"; go "$id"
sleep 0.2; kill -KILL "${PID[$id]}"; wait "${PID[$id]}"; poststop "$id"
for k in exit0 exit3 killed; do
        v=$(verdict "$k-$$")
        expect "$k: verdict none, no false OOM" "$(fields "$v" verdict init_killed)" "verdict=none init_killed=false"
done

# 5. two containers OOM at the same moment: each gets its own verdict
for id in twin-a-$$ twin-b-$$; do cgroup "$id" $L; bundle "$id" $L; start "$id" "$id" "$HOG" 512; create "$id"; done
go twin-a-$$; go twin-b-$$; wait "${PID[twin-a-$$]}" "${PID[twin-b-$$]}" 2>/dev/null
poststop twin-a-$$; poststop twin-b-$$
va=$(verdict twin-a-$$); vb=$(verdict twin-b-$$)
expect "two at once: each verdict holds only its own kill" \
        "$(fields "$va" kills.0.victim_pid kills.1) / $(fields "$vb" kills.0.victim_pid kills.1)" \
        "kills.0.victim_pid=${PID[twin-a-$$]} kills.1=null / kills.0.victim_pid=${PID[twin-b-$$]} kills.1=null"

# 6. an annotation asking for less than the floor is clamped, and the log says so
id=greedy-$$; cgroup "$id" $L; bundle "$id" $L '"org.oomguard.oom_score_adj":"-1000"'; start "$id" "$id" sleep 30; create "$id"
expect "an annotation below the floor is clamped to the floor (0)" "$(cat "/proc/${PID[$id]}/oom_score_adj")" 0
check "and the log says so" grep -q "$id: oom_score_adj -1000 is below the configured floor 0" "$tmp/hook.err"
kill -KILL "${PID[$id]}"; wait "${PID[$id]}" 2>/dev/null; poststop "$id"

# 7. hook trouble never stops a container, unless fail_closed
out=$(printf 'garbage' | "$HOOK" createRuntime --config "$cfg" 2>&1); rc=$?
check "garbage on stdin: exit 0 and the log says why" exited "$rc" 0 "$out" 'runs without oomguard'
# (pid 0: the defaults would act on the real /run/oomguard; stop before that)
out=$(printf '{"id":"x","status":"creating","pid":0}' | "$HOOK" createRuntime --config /nonexistent/oomguard.json 2>&1); rc=$?
check "an unreadable config: defaults, exit 0, the file named" exited "$rc" 0 "$out" '/nonexistent/oomguard.json'
out=$(printf '{"id":"y","status":"creating","pid":1}' | "$HOOK" createRuntime --config "$cfg" 2>&1); rc=$?
not_taken() { exited "$1" 0 "$2" 'not a container' && [ ! -e "$tmp/run/y" ]; } # RC OUTPUT
check "the host's pid 1 is never taken for a container's init" not_taken "$rc" "$out"
id=nobundle-$$; cgroup "$id" $L; start "$id" "$id" sleep 30
out=$(printf '{"id":"%s","status":"creating","pid":%s,"bundle":"/nonexistent/b"}' "$id" "${PID[$id]}" | "$HOOK" createRuntime --config "$cfg" 2>&1); rc=$?
no_bundle() { # RC OUTPUT PID
        exited "$1" 0 "$2" '/nonexistent/b' && [ "$(cat "/proc/$3/oom_score_adj")" -eq "$(expect_adj $L)" ]
}
check "a missing bundle: the policy still applies, exit 0" no_bundle "$rc" "$out" "${PID[$id]}"
kill -KILL "${PID[$id]}"; wait "${PID[$id]}" 2>/dev/null; poststop "$id"
ro="$tmp/ro.json"; printf '{"state_dir":"/proc/oomguard-state"}\n' >"$ro"
id=rorun-$$; cgroup "$id" $L; bundle "$id" $L; start "$id" "$id" sleep 30
create "$id" "$ro"; rc=$?
check "an unwritable state directory: exit 0 (fail-open)" exited "$rc" 0 "$(cat "$tmp/hook.err")" '/proc/oomguard-state'
closed="$tmp/closed.json"; printf '{"state_dir":"/proc/oomguard-state","fail_closed":true}\n' >"$closed"
create "$id" "$closed"; rc=$?
check "the same with fail_closed: exit 1, so the runtime refuses the container" exited "$rc" 1 "$(cat "$tmp/hook.err")" 'refusing the container'
kill -KILL "${PID[$id]}"; wait "${PID[$id]}" 2>/dev/null

# The writeback host mode, on a private copy of vm.dirty_* ($OOMGUARD_SYSCTL_VM)
vmh="$tmp/vmh"; mkdir "$vmh"
printf '0\n' >"$vmh/dirty_bytes"; printf '0\n' >"$vmh/dirty_background_bytes"
printf '20\n' >"$vmh/dirty_ratio"; printf '10\n' >"$vmh/dirty_background_ratio"
hostcfg="$tmp/host.json"
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s","writeback":"host"}\n' "$tmp" "$vlog" >"$hostcfg"
vmis() { [ "$(cat "$vmh/dirty_bytes")" = "$1" ] && [ "$(cat "$vmh/dirty_background_bytes")" = "$2" ]; }
# at most one rewrite a second host-wide: one owed meanwhile comes within 3 s
vmsoon() { local i; for i in $(seq 60); do vmis "$1" "$2" && return 0; sleep 0.05; done; return 1; }
M=$((1 << 20))
export OOMGUARD_SYSCTL_VM="$vmh"
# writes N MiB to a file on the disk (dirty pages, charged to its cgroup), then CMD
writes() { local n=$1; shift; exec sh -c 'dd if=/dev/zero of="$1" bs=1M count="$2" status=none && shift 2 && exec "$@"' sh "$tmp/$RANDOM.dat" "$n" "$@"; }
for id in wa-$$:256:96 wb-$$:64:24; do
        IFS=: read -r n lim mib <<<"$id"; lim=$((lim * M))
        cgroup "$n" $lim; bundle "$n" $lim; start "$n" "$n" bash -c "$(declare -f writes); tmp=$tmp; writes $mib sleep 30"
done
create wa-$$ "$hostcfg"
check "host mode: a 256 MiB container that has not written: nothing held (the administrator's values, nothing saved)" \
        eval 'vmis 0 0 && [ ! -e "$tmp/run/_dirty.json" ]'
go wa-$$
# half and a quarter of its room: 256 MiB less the shell's and dd's own memory
vmnear() { local i b; for i in $(seq 60); do b=$(cat "$vmh/dirty_bytes"); [ "$b" -ge $(($1 * M)) ] && [ "$b" -le $(($2 * M)) ] && return 0; sleep 0.05; done; return 1; }
check "host mode: it writes 96 MiB (over an eighth of its room): dirty_bytes half its room (120-128 MiB)" vmnear 120 128
create wb-$$ "$hostcfg"; go wb-$$
check "host mode: a 64 MiB one beside it writes 24 MiB: the smaller room rules (32 / 16 MiB)" vmsoon $((32 * M)) $((16 * M))
kill -KILL "${PID[wb-$$]}"; wait "${PID[wb-$$]}" 2>/dev/null; rmdir "$base/wb-$$"; poststop wb-$$
check "host mode: the 64 MiB one gone: back to half the first one's room" vmnear 120 128
printf '%s\n' $((100 * M)) >"$vmh/dirty_bytes" # the administrator steps in
cgroup wc-$$ $((64 * M)); bundle wc-$$ $((64 * M))
start wc-$$ wc-$$ bash -c "$(declare -f writes); tmp=$tmp; writes 24 sleep 30"; create wc-$$ "$hostcfg"; go wc-$$
vmsoon $((32 * M)) $((16 * M)) # engaged
kill -KILL "${PID[wc-$$]}"; wait "${PID[wc-$$]}" 2>/dev/null; rmdir "$base/wc-$$"; poststop wc-$$
check "host mode: never above the administrator's own 100 MiB" vmsoon $((100 * M)) $((64 * M))
# the room shrinks after it engaged: the watcher follows it
cgroup wg-$$ $((256 * M)); bundle wg-$$ $((256 * M))
start wg-$$ wg-$$ bash -c "$(declare -f writes); tmp=$tmp; writes 48 $HOG 128 5"; create wg-$$ "$hostcfg"
check "host mode: another 256 MiB container, still 100 MiB (the administrator's)" vmis $((100 * M)) $((64 * M))
go wg-$$
for _ in $(seq 60); do [ "$(cat "$vmh/dirty_bytes")" -le $((66 * M)) ] && break; sleep 0.05; done
db=$(cat "$vmh/dirty_bytes")
check "host mode: 48 MiB written, then 128 MiB of anonymous memory taken: its watcher lowers dirty_bytes to half the 128 MiB left ($((db >> 20)) MiB)" \
        test "$db" -ge $((56 * M)) -a "$db" -le $((66 * M))
wait "${PID[wg-$$]}" 2>/dev/null; rmdir "$base/wg-$$"; poststop wg-$$
kill -KILL "${PID[wa-$$]}"; wait "${PID[wa-$$]}" 2>/dev/null; rmdir "$base/wa-$$"; poststop wa-$$
restored() { [ "$(cat "$vmh/dirty_bytes")" = $((100 * M)) ] && [ "$(cat "$vmh/dirty_background_ratio")" = 10 ] && [ ! -e "$tmp/run/_dirty.json" ]; }
check "host mode: the last one gone: the administrator's values back, nothing saved" restored
v=$(verdict wa-$$)
expect "host mode: the verdict records the policy in force" "$(fields "$v" writeback page_cache_driven)" "writeback=host page_cache_driven=false"
unset OOMGUARD_SYSCTL_VM

finish
