#!/usr/bin/env bash
# Verdicts that a container cannot forge or hide through the kernel log,
# with real runc containers and the real kernel log:
# a. a process in container A installs a seccomp filter whose action is
#    SECCOMP_RET_LOG (tests/live/seclog.c) and runs it from a path that
#    spells an oom-kill summary naming container B's cgroup and init: the
#    kernel prints that path inside an audit record (type=1326, exe="...",
#    when no audit daemon listens). B exits 0: its verdict is none, and
#    `oomguard explain --kmsg` shows no such kill;
# b. a sub-cgroup of A named "q,task_memcg=<B's path>" (nested cgroups:
#    names hold no '/') in which a process of A is OOM-killed: the kernel's
#    summary line then repeats task_memcg=. B (exit 0) is none; A, whose
#    process died, is memcg;
# c. after container C is OOM-killed and before its poststop, real kernel
#    records (a bridge port added and removed in a private network
#    namespace, no OOM and no rate limit involved) push C's records out
#    of the kernel's ring buffer: the verdict is still memcg, from the
#    watcher's copy, and says the ring wrapped; with no copy it says that
#    evidence was lost (never a silent unknown).
#
# Same private mount namespace and cgroups as runc.sh (see runc-lib.sh):
# every OOM happens in a memory cgroup under this script's own, with a
# limit, and all of them are removed on exit. Part c overwrites the whole
# kernel ring (a few thousand short records, well under a second).
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=runc-lib.sh
. "$here/runc-lib.sh"
runc_reexec "$0" "$@"
runc_binaries
SECLOG=$(realpath "${SECLOG:-build/tests/oomguard-seclog}")
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
# shellcheck source=verdict-lib.sh
. "$here/verdict-lib.sh"

runc_suite oomguard-forgekmsg
[ -x "$SECLOG" ] || give_up "no $SECLOG (make $SECLOG)"

L=$((32 << 20))
state="$tmp/run" vlog="$tmp/log/verdicts.jsonl" gate="$tmp/gate"
mkdir -p "$tmp/log" "$gate" && mkdir -m 700 "$state"
cfg="$tmp/cfg.json"
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s","swap":"none","writeback":"off"}\n' \
        "$state" "$vlog" >"$cfg"
forge_cleanup() {
        touch "$gate/stop" 2>/dev/null
        local c
        for c in "${RUNC_CONTAINERS[@]}"; do "$RUNC" --root "$tmp/runc" kill "$c" KILL >/dev/null 2>&1; done
        wait 2>/dev/null
}
runc_at_exit forge_cleanup

# the hook, its messages kept in $tmp/hook.err
hookw="$tmp/hookw"
printf '#!/bin/sh\nexec "%s" "$@" 2>>"%s"\n' "$HOOK" "$tmp/hook.err" >"$hookw"
chmod 755 "$hookw"

# gbundle ID CMD...: a container in cgroup ID (limit L), $gate at /gate
gbundle() {
        local id=$1; shift
        runc_bundle "$tmp/b/$id" "$id" "$L" '' "$hookw" "$cfg" "$@"
        python3 - "$tmp/b/$id/config.json" "$gate" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["mounts"].append({"destination": "/gate", "type": "bind", "source": sys.argv[2],
                    "options": ["rbind", "ro", "nosuid", "nodev"]})
json.dump(c, open(sys.argv[1], "w"))
PY
}
R() { "$RUNC" --root "$tmp/runc" "$@"; }
rstart() { # rstart ID: runc run in the background; its exit status in $tmp/ID.status
        local id=$1
        RUNC_CONTAINERS+=("$id")
        (cd "$tmp/b/$id" && R run "$id" >"$tmp/$id.out" 2>"$tmp/$id.err" </dev/null
                echo $? >"$tmp/$id.status") &
}
status_of() { R state "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null; }
init_of() { R state "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null; }
await_status() { # await_status ID STATUS: at most 20 s
        local t
        for ((t = 0; t < 200; t++)); do [ "$(status_of "$1")" = "$2" ] && return 0; sleep 0.1; done
        return 1
}
await_done() { local t; for ((t = 0; t < 200; t++)); do [ -e "$tmp/$1.status" ] && return 0; sleep 0.1; done; return 1; }
cgp() { echo "$rel/${base##*/}/$1"; } # a container's memcg as the kernel prints it
in_ring() { grep -qF -- "$1" < <(dmesg 2>/dev/null); } # (no pipe: pipefail and grep -q)
gate_wait='while [ ! -e /gate/$0 ]; do sleep 0.05; done; exit 0'

echo "# a. an audit record (SECCOMP_RET_LOG) quoting a path that spells B's kill"
# The kernel prints SECCOMP_RET_LOG's audit record only when no audit
# daemon listens (auditd takes them otherwise); printk_ratelimit() may
# drop one, so a record is tried a few times.
audit_record() { # audit_record CMD...: run it until its exe="..." is in the ring
        local i
        for i in 1 2 3 4 5 6 7 8; do
                "$@" >/dev/null 2>&1
                sleep 0.2
                in_ring "exe=\"$exe\"" && return 0
                sleep 1
        done
        return 1
}
mkdir -p "$tmp/probe"; cp "$SECLOG" "$tmp/probe/seclog-$$"
exe="$tmp/probe/seclog-$$"
if ! audit_record "$exe"; then
        skipped "part a: this kernel prints no audit record for SECCOMP_RET_LOG (an audit daemon listens, or audit is off)"
else
        gbundle fa sleep 60
        gbundle fb sh -c "$gate_wait" fb
        rstart fa; rstart fb
        await_status fa running; await_status fb running
        bpid=$(init_of fb) bcg=$(cgp fb)
        exe="/tmp/oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=$bcg,task_memcg=$bcg,task=sleep,pid=$bpid,uid=0"
        mkdir -p "$tmp/rootfs${exe%/*}" && cp "$SECLOG" "$tmp/rootfs$exe"
        audit_record R exec fa "$exe"
        check "inside container A, the kernel printed an audit record whose exe= spells a kill of B's init ($bpid)" \
                in_ring "exe=\"$exe\""
        touch "$gate/fb"; await_done fb
        v=$(verdict fb)
        expect "B exited 0: verdict none, no kill, though the record was still in the ring" \
                "status $(cat "$tmp/fb.status"), $(fields "$v" verdict kills.0.scope), record $(in_ring "exe=\"$exe\"" && echo kept)" \
                "status 0, verdict=none kills.0.scope=null, record kept" ||
                echo "$v"
        out=$("$OOMGUARD" explain --kmsg --json 2>&1)
        no_kill_of() { ! grep -q "\"victim_pid\":${1}[,}]" <<<"$3" && ! grep -qF "\"task_memcg\":\"$2\"" <<<"$3"; } # PID CGROUP KILLS
        check "explain --kmsg reports no kill of B's init and nothing in B's cgroup" no_kill_of "$bpid" "$bcg" "$out" ||
                grep -F "$bcg" <<<"$out"
        R kill fa KILL; await_done fa
fi

echo "# b. a sub-cgroup of A named to spell B's path, a process OOM-killed in it"
gbundle na sh -c "sh -c 'while ! /bin/busybox grep -q task_memcg /proc/self/cgroup; do sleep 0.05; done; exec /bin/oomguard-hog 512'; $gate_wait" na
gbundle nb sh -c "$gate_wait" nb
rstart na; rstart nb
await_status na running; await_status nb running
acg=$(cgp na) bcg=$(cgp nb) ainit=$(init_of na)
q="$base/na/q,task_memcg=$bcg" # q,task_memcg= and, below it, the components of B's path
mkdir -p "$q"
echo $((16 << 20)) >"$q/memory.limit_in_bytes"
echo $((16 << 20)) >"$q/memory.memsw.limit_in_bytes" 2>/dev/null
# the inner sh, A's init's one child (not one of its own short-lived
# sleeps and greps, which may sort first once the pids have wrapped)
child=
for i in $(seq 50); do
        for p in $(cat "$base/na/cgroup.procs"); do
                [ "$(awk '$1 == "PPid:" {print $2}' "/proc/$p/status" 2>/dev/null)" = "$ainit" ] && child=$p && break 2
        done
        sleep 0.1
done
echo "$child" >"$q/cgroup.procs"
for i in $(seq 100); do
        [ "$(awk '$1 == "oom_kill" {print $2}' "$q/memory.oom_control")" = 1 ] && break
        sleep 0.1
done
expect "A's process (pid $child) was OOM-killed in A's sub-cgroup q,task_memcg=$bcg" \
        "$(awk '$1 == "oom_kill" {print $2}' "$q/memory.oom_control")" 1
check "the kernel's summary line repeats task_memcg=" \
        in_ring "oom_memcg=$acg/q,task_memcg=$bcg,task_memcg=$acg/q,task_memcg=$bcg,task=oomguard-hog,pid=$child,"
# v1 counts the kill in q alone, and A's counters are the sum over its
# subtree: once the watcher has counted it, q goes (as a runtime removes
# sub-cgroups first), and the sum A's later reads find is 0 again
for i in $(seq 50); do grep -q '"oom_kill":1' "$state/na/evidence.json" 2>/dev/null && break; sleep 0.1; done
rmdir "$q" 2>/dev/null
counted_gone() { grep -q '"oom_kill":1' "$state/na/evidence.json" && [ ! -d "$q" ]; }
check "A's watcher counted the kill in q, then q was removed" counted_gone || { cat "$state/na/evidence.json"; echo; ls -d "$q"; }
touch "$gate/na" "$gate/nb"; await_done na; await_done nb
va=$(verdict na) vb=$(verdict nb)
expect "B exited 0: verdict none, no kill" \
        "status $(cat "$tmp/nb.status"), $(fields "$vb" verdict kills.0.scope)" "status 0, verdict=none kills.0.scope=null" ||
        echo "$vb"
# (the kernel's records are the evidence here: whether the watcher also
# read the counters after A's end races with runc's removal of the
# cgroup, which check-load measures over 100 containers)
expect "A, whose process died in its sub-cgroup: verdict memcg, init not killed, the kill in the sub-cgroup" \
        "$(fields "$va" verdict init_killed kills.0.victim_pid kills.0.task_memcg evidence.kmsg)" \
        "verdict=memcg init_killed=false kills.0.victim_pid=$child kills.0.task_memcg=$acg/q,task_memcg=$bcg evidence.kmsg=true" ||
        { echo "$va"; sed 's/^/# runc: /' "$tmp/na.err"; grep '\bna\b' "$tmp/hook.err" | sed 's/^/# hook: /'; }

echo "# c. the kernel's ring buffer overwritten between an OOM and poststop"
# Real kernel records, fast and without any rate limit: a bridge port
# added and removed in a fresh network namespace prints about seven lines
# each time. Rounds of 100 until PATTERN is out of the ring (40 at most).
{
        echo "link add fbr type bridge"; echo "link set fbr up"
        echo "link add fv0 type veth peer name fv1"; echo "link set fv0 up"
        for i in $(seq 100); do echo "link set fv0 master fbr"; echo "link set fv0 nomaster"; done
} >"$tmp/flood.batch"
flood_until_gone() { # flood_until_gone PATTERN: the cycles it took
        local i n=0
        for ((i = 0; i < 40; i++)); do
                in_ring "$1" || break
                unshare -n ip -batch "$tmp/flood.batch" >/dev/null 2>&1 || break
                n=$((n + 100))
        done
        echo $n
}
# oomed ID: an init OOM-killed under `runc create` and `start`; poststop
# waits for `runc delete`. Sets pid.
oomed() {
        gbundle "$1" /bin/oomguard-hog 512
        RUNC_CONTAINERS+=("$1")
        (cd "$tmp/b/$1" && R create "$1" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null)
        pid=$(init_of "$1")
        R start "$1"; await_status "$1" stopped
        for i in $(seq 50); do grep -qF "Killed process $pid " "$state/$1/kmsg.log" 2>/dev/null && break; sleep 0.1; done
}
oomed rc
kill_kept() { in_ring "Killed process $1 " && grep -qF "Killed process $1 " "$state/$2/kmsg.log"; } # PID ID
check "C's init ($pid) OOM-killed, its kill in the ring and in the watcher's copy" kill_kept "$pid" rc
n=$(flood_until_gone "Killed process $pid ")
check "$n bridge-port cycles pushed C's records out of the ring" not in_ring "Killed process $pid "
R delete rc
v=$(verdict rc)
from_copy() { # VERDICT PID: memcg, the init killed, decided from the watcher's copy of a wrapped ring
        [ "$(field "$1" verdict)" = memcg ] && [ "$(field "$1" init_killed)" = true ] && [ "$(field "$1" kills.0.victim_pid)" = "$2" ] &&
                grep -q 'ring buffer wrapped' <<<"$(field "$1" summary)" && grep -q 'rc: deciding from the watcher.s copy' "$tmp/hook.err"
}
check "C's verdict is still memcg, from the watcher's copy, and it says the ring wrapped" from_copy "$v" "$pid" ||
        echo "$v"
# the same without a copy: a dangling symlink where the watcher keeps it
# (it never writes through one, nor does poststop read through it)
oomed rd
for i in $(seq 20); do rm -f "$state/rd/kmsg.log" && ln -s /nonexistent "$state/rd/kmsg.log" 2>/dev/null && break; sleep 0.05; done
n=$(flood_until_gone "Killed process $pid ")
gone_no_copy() { ! in_ring "Killed process $1 " && [ -L "$state/$2/kmsg.log" ]; } # PID ID
check "$n cycles pushed D's records out of the ring; D's watcher kept no copy" gone_no_copy "$pid" rd
R delete rd
v=$(verdict rd)
loss_said() { [ "$(field "$1" verdict)" != none ] && grep -q 'evidence was lost' <<<"$(field "$1" summary)"; } # VERDICT
check "D's verdict is not none and says evidence was lost" loss_said "$v" ||
        echo "$v"

expect "no state left behind" "$(ls -A "$state" 2>/dev/null)" "" || ls -lAR "$state"
finish
