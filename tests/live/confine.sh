#!/usr/bin/env bash
# Confinement, seen from outside: the hook at each stage, the watcher it
# leaves running and the CLI carry a seccomp filter, no_new_privs and only
# the capabilities oomguard-hook(8) lists, from before they read their
# input; each kept capability is needed (root without it fails at the same
# thing), a dropped one is really gone; syslog still works; and nothing
# they did here was refused by the filter (the kernel logs each refusal).
# Where a stage may write (Landlock), through a probe confined exactly as
# the hook confines itself ($PROBE, tests/live/confprobe.c): what the stage
# needs works, and once the state names the container, only that
# container's cgroup and init, not another's, nor other sysctls.
# Real processes in memory cgroups under this script's own, as hook.sh.
set -uo pipefail
HOOK=$(realpath "${HOOK:-build/oomguard-hook}")
OOMGUARD=$(realpath "${OOMGUARD:-build/oomguard}")
PROBE=$(realpath "${CONFPROBE:-build/tests/confprobe}")
here=$(dirname "$(realpath "$0")")
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
# shellcheck source=verdict-lib.sh
. "$here/verdict-lib.sh"

if [ "$(id -u)" != 0 ] || [ ! -d /sys/fs/cgroup/memory ] || ! grep -q ':memory:' /proc/self/cgroup; then
        skip_suite "needs root and a cgroup v1 memory hierarchy (cgroup v2 runs in the VM suite)"
fi
for t in capsh setpriv unshare python3; do
        command -v $t >/dev/null || give_up "$t is needed"
done
tmp=$(mktemp -d)
rel=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup); rel=${rel%/}
base="/sys/fs/cgroup/memory$rel/oomguard-confine-$$"
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
# (writeback off: the host mode would retune this host's vm.dirty_*)
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s/log/verdicts.jsonl","writeback":"off"}\n' "$tmp" "$tmp" >"$cfg"
# shellcheck disable=SC2034 # read by verdict (verdict-lib.sh)
vlog="$tmp/log/verdicts.jsonl"
L=$((32 << 20))
# every seccomp refusal the kernel logs from now on (the ring itself may
# wrap under other tests' OOM reports before the end)
: >"$tmp/refused"
python3 -c '
import os, sys
fd = os.open("/dev/kmsg", os.O_RDONLY)
os.lseek(fd, 0, os.SEEK_END)
with open(sys.argv[1], "a") as out:
    while True:
        try:
            rec = os.read(fd, 8192)
        except BrokenPipeError:
            continue
        if b"type=1326" in rec:
            out.write(rec.decode(errors="replace"))
            out.flush()
' "$tmp/refused" &
pids+=($!)
sleep 0.2

# capabilities by number, as /proc/PID/status prints a set
CAP_DAC_OVERRIDE=1 CAP_DAC_READ_SEARCH=2 CAP_SYS_RESOURCE=24 CAP_SYSLOG=34
field_of() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null; }
# the set a confined process keeps: what it asks for, of what we hold
mask() {
        local m=0 c
        for c; do m=$((m | (1 << c))); done
        printf '%016x' $((m & 0x$(field_of $$ CapBnd)))
}
# confined PID CAP...: a seccomp filter, no_new_privs, exactly these
# capabilities (effective, permitted and bounding), none to inherit
confined() {
        local p=$1 want; shift
        want=$(mask "$@")
        [ "$(field_of "$p" Seccomp)" = 2 ] && [ "$(field_of "$p" Seccomp_filters)" = 1 ] &&
                [ "$(field_of "$p" NoNewPrivs)" = 1 ] &&
                [ "$(field_of "$p" CapEff)" = "$want" ] && [ "$(field_of "$p" CapPrm)" = "$want" ] &&
                [ "$(field_of "$p" CapBnd)" = "$want" ] &&
                [ "$(field_of "$p" CapInh)" = 0000000000000000 ] &&
                [ "$(field_of "$p" CapAmb)" = 0000000000000000 ]
}
show() { grep -E '^(Seccomp|NoNewPrivs|Cap)' "/proc/$1/status" 2>/dev/null | tr '\n' ' '; echo; }

# held CMD...: start CMD with its stdin on a pipe nobody has written yet and
# wait until it blocks reading it (read(2) on fd 0); feed TEXT ends it.
held() {
        local f="$tmp/stdin.$RANDOM" i
        mkfifo "$f"
        exec 7<>"$f"
        "$@" <"$f" 7>&- 2>>"$tmp/err" >>"$tmp/out" &
        HELD=$!
        pids+=("$HELD")
        for i in $(seq 100); do
                read -r nr fd _ <"/proc/$HELD/syscall" 2>/dev/null
                [ "${nr:-}" = 0 ] && [ "${fd:-}" = 0x0 ] && break
                sleep 0.02
        done
        rm -f "$f"
}
feed() { printf '%s' "$1" >&7; exec 7>&-; wait "$HELD"; }

cgroup() { mkdir "$base/$1" && created+=("$base/$1") && echo "$2" >"$base/$1/memory.limit_in_bytes"; }
bundle() { oci_bundle "$tmp/b/$1" "$2" "${3:-}"; }
# start ID CMD...: a process in cgroup ID, as a container's init would be
declare -A PID
start() {
        local id=$1; shift
        sh -c 'echo $$ >"$1/cgroup.procs"; shift; exec "$@"' sh "$base/$id" "$@" &
        PID[$id]=$!; pids+=($!)
        sleep 0.1
}
# the hook at each stage, its messages appended to $tmp/err
HOOK_ERR=$tmp/err
state() { oci_state "$1" "$2" "${PID[$1]:-0}" "$tmp/b/$1"; }
create() { hook_create "$1" "${PID[$1]:-0}" "$tmp/b/$1" "${2:-$cfg}"; }
poststop() { hook_poststop "$1" "${PID[$1]:-0}" "$tmp/b/$1" "${2:-$cfg}"; }
stop() { kill -KILL "${PID[$1]}" 2>/dev/null; wait "${PID[$1]}" 2>/dev/null; }
# start_as_nobody ID: a sleep of uid 65534 in cgroup ID, once it is that
start_as_nobody() {
        local i
        start "$1" setpriv --reuid=65534 --regid=65534 --clear-groups sleep 30
        for i in $(seq 100); do
                [ "$(cat "/proc/${PID[$1]}/comm" 2>/dev/null)" = sleep ] &&
                        [ "$(awk '/^Uid:/ {print $2}' "/proc/${PID[$1]}/status")" = 65534 ] && break
                sleep 0.05
        done
}

create_caps=("$CAP_DAC_OVERRIDE" "$CAP_SYS_RESOURCE" "$CAP_SYSLOG")

# 1. create: confined while it waits for the state, then does its work
id=c1-$$; cgroup "$id" $L; bundle "$id" $L; start "$id" sleep 30
held "$HOOK" createRuntime --config "$cfg"
check "create: confined before reading the state: seccomp, no_new_privs, capabilities $(mask "${create_caps[@]}") (DAC_OVERRIDE, SYS_RESOURCE, SYSLOG of ours)" confined "$HELD" "${create_caps[@]}" || show "$HELD"
feed "$(state "$id" creating)"
applied() { [ "$(cat "/proc/${PID[$1]}/oom_score_adj")" = "$(expect_adj $L)" ] && [ -f "$tmp/run/$1/state.json" ]; }
check "and then applies the policy (oom_score_adj $(expect_adj $L)) and leaves its state" applied "$id"
for i in $(seq 50); do [ -s "$tmp/run/$id/evidence.json" ] && break; sleep 0.05; done
wpid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["watcher_pid"])' "$tmp/run/$id/evidence.json" 2>/dev/null)
watcher_confined() { [ -n "$1" ] && [ "$(cat "/proc/$1/comm")" = oomguard-watch ] && confined "$@"; } # PID CAP...
check "the watcher (pid ${wpid:-?}) runs under the same filter and capabilities" watcher_confined "$wpid" "${create_caps[@]}" || show "${wpid:-0}"

# 2. poststop keeps only CAP_SYSLOG
stop "$id"
held "$HOOK" poststop --config "$cfg"
check "poststop: confined before reading the state, only CAP_SYSLOG ($(mask $CAP_SYSLOG))" confined "$HELD" $CAP_SYSLOG || show "$HELD"
feed "$(state "$id" stopped)"
recorded() { [ "$(field "$(verdict "$1")" verdict)" = none ] && [ ! -e "$tmp/run/$1" ]; }
check "and records the verdict, removes the state" recorded "$id"
for i in $(seq 50); do [ -e "/proc/$wpid" ] || break; sleep 0.1; done

# 3. no stage argument: the stage comes from the state, so both stages' sets
held "$HOOK" --config "$cfg"
check "no stage argument: both stages' allowlists and capabilities" confined "$HELD" "${create_caps[@]}" || show "$HELD"
feed "$(state none-$$ stopped)"

# 4. the CLI, per command
held "$OOMGUARD" explain
check "oomguard explain: confined before reading the log, DAC_READ_SEARCH and SYSLOG" confined "$HELD" $CAP_DAC_READ_SEARCH $CAP_SYSLOG || show "$HELD"
feed ""
check "no 'cannot confine' or 'not fully confined' anywhere" not grep -q -e 'cannot confine' -e 'not fully confined' "$tmp/err"

# 5. what each kept capability is for, and that a dropped one is gone
# root_can DROP SCRIPT: root, without the capabilities DROP, runs SCRIPT (sh -c)
root_can() { capsh --drop="$1" -- -c "$2" >/dev/null 2>&1; }
# CAP_DAC_OVERRIDE at create: an init whose /proc files are not root's
id=u1-$$; cgroup "$id" $L; bundle "$id" $L
start_as_nobody "$id"
check "root without CAP_DAC_OVERRIDE cannot set oom_score_adj of a process that is not root's" \
        not root_can cap_dac_override "echo 500 >/proc/${PID[$id]}/oom_score_adj"
create "$id"
expect "the confined create can (CAP_DAC_OVERRIDE kept): $(expect_adj $L)" "$(cat "/proc/${PID[$id]}/oom_score_adj")" "$(expect_adj $L)"
# poststop has no CAP_DAC_OVERRIDE: a log directory root does not own is shut
other="$tmp/otherlog"; mkdir "$other"; chown 65534:65534 "$other"; chmod 0755 "$other"
ocfg="$tmp/other.json"
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s/verdicts.jsonl","writeback":"off"}\n' "$tmp" "$other" >"$ocfg"
stop "$id"; poststop "$id" "$ocfg"; rc=$?
shut_out() { exited "$1" 0 "$(cat "$tmp/err")" 'otherlog/verdicts.jsonl.*Permission denied' && [ ! -e "$other/verdicts.jsonl" ]; } # RC
check "poststop has no CAP_DAC_OVERRIDE: it cannot append to a log in a directory of another user's (fail-open: exit 0)" shut_out "$rc"
writable() { touch "$1/x" && rm "$1/x"; }
check "where root with it could" writable "$other"
# CAP_DAC_READ_SEARCH in the CLI: a log root does not own
cp "$here/../fixtures/verdicts.jsonl" "$tmp/theirs.jsonl"; chown 65534:65534 "$tmp/theirs.jsonl"; chmod 0600 "$tmp/theirs.jsonl"
check "root without CAP_DAC_READ_SEARCH (and DAC_OVERRIDE) cannot read a 0600 log of another user's" \
        not root_can cap_dac_override,cap_dac_read_search "cat $tmp/theirs.jsonl"
expect "oomguard verdicts can (CAP_DAC_READ_SEARCH kept)" "$("$OOMGUARD" verdicts --log "$tmp/theirs.jsonl" | wc -l)" "$(wc -l <"$tmp/theirs.jsonl")"
# CAP_SYS_PTRACE in ps: other users' processes under hidepid=2 with a gid=
# that is not root's (gid 0 alone would let root see them all)
mkdir "$tmp/proc"
id=u2-$$; cgroup "$id" $L; start_as_nobody "$id"
hp='mount -t proc -o hidepid=2,gid=65534 proc "$1" && OOMGUARD_PROC="$1" "$2" ps --json --all'
# sees_without_ptrace PID: root without CAP_SYS_PTRACE lists PID in oomguard ps there
sees_without_ptrace() {
        capsh --drop=cap_sys_ptrace -- -c "unshare --mount --propagation private sh -c '$hp' sh $tmp/proc $OOMGUARD" |
                grep -q "\"pid\":$1,"
}
check "under hidepid=2,gid=65534, root without CAP_SYS_PTRACE does not see another user's process" not sees_without_ptrace "${PID[$id]}"
unshare --mount --propagation private sh -c "$hp" sh "$tmp/proc" "$OOMGUARD" >"$tmp/ps.json" 2>>"$tmp/err"
check "oomguard ps does (CAP_SYS_PTRACE kept)" grep -q "\"pid\":${PID[$id]}," "$tmp/ps.json" ||
        { wc -l <"$tmp/ps.json"; grep -E '^(Uid|State|Name)' "/proc/${PID[$id]}/status"; tail -3 "$tmp/err"; }
stop "$id"

# 6. syslog(3) through the filter: a private /dev with a /dev/log we read
id=s1-$$; cgroup "$id" $L; bundle "$id" $L '"org.oomguard.oom_score_adj":"-1000"'; start "$id" sleep 30
cat >"$tmp/syslogd.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(10)
with open(sys.argv[1], "ab") as out:
    while True:
        try:
            out.write(s.recv(8192) + b"\n")
            out.flush()
        except socket.timeout:
            break
PY
unshare --mount --propagation private bash -c '
        set -e
        mount -t tmpfs -o mode=0755 tmpfs /dev
        mknod -m 0666 /dev/null c 1 3; mknod -m 0644 /dev/kmsg c 1 11; ln -s /proc/self/fd /dev/fd
        python3 "$1/syslogd.py" "$1/syslog" & d=$!
        for i in $(seq 100); do [ -e "$1/syslog.ready" ] && break; sleep 0.05; done
        printf "%s" "$2" | "$4" createRuntime --config "$1/config.json"
        kill -KILL "$5"; wait "$5" 2>/dev/null || true
        printf "%s" "$3" | "$4" poststop --config "$1/config.json"
        sleep 0.2; kill "$d"' sh "$tmp" "$(state "$id" creating)" "$(state "$id" stopped)" "$HOOK" "${PID[$id]}" 2>>"$tmp/err"
stop "$id"
syslogged() { # ID: create's note and poststop's verdict for ID in $tmp/syslog
        grep -q "oomguard-hook\[[0-9]*\]: $1: oom_score_adj -1000 is below the configured floor" "$tmp/syslog" &&
                grep -q "oomguard-hook\[[0-9]*\]: ${1:0:12}: none: " "$tmp/syslog"
}
check "syslog works through the filter: create's note and poststop's verdict reach /dev/log" syslogged "$id" || cat "$tmp/syslog" 2>/dev/null

# 7. Landlock: where each stage may write, with the probe (it makes no
# socket and no refused call: step 8 still holds)
abi=$(python3 -c 'import ctypes; print(max(ctypes.CDLL(None).syscall(444, None, 0, 1), 0))')
if [ "$abi" = 0 ]; then
        skipped "this kernel has no Landlock: the hook goes on without it (only seccomp and capabilities)"
else
        mkdir -p "$tmp/vm"
        for f in dirty_bytes dirty_background_bytes dirty_ratio dirty_background_ratio; do cat "/proc/sys/vm/$f" >"$tmp/vm/$f"; done
        hcfg="$tmp/host.json"
        printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s/log/verdicts.jsonl","writeback":"host"}\n' "$tmp" "$tmp" >"$hcfg"
        id=l1-$$; cgroup "$id" $L; start "$id" sleep 30
        cgroup l2-$$ $L; start l2-$$ sleep 30
        mine=${PID[$id]} theirs=${PID[l2-$$]} ovr=$(cat /proc/sys/vm/overcommit_ratio)
        # probe STAGE STATE|"" OP ARG...: one line per try, into $tmp/probe
        probe() {
                local stage=$1 st=$2; shift 2
                OOMGUARD_SYSCTL_VM="$tmp/vm" "$PROBE" "$stage" "$hcfg" ${st:+"$st"} -- "$@" >"$tmp/probe" 2>&1
        }
        all() { ! grep -v " $1\$" "$tmp/probe" | grep -q . && [ -s "$tmp/probe" ]; }
        probe create "$(state "$id" creating)" put "/proc/$mine/oom_score_adj:500" \
                put "$base/$id/memory.soft_limit_in_bytes:$L" mkdir "$tmp/run/$id" \
                create "$tmp/run/$id/state.json" rename "$tmp/run/$id/state.json:$tmp/run/$id/s" \
                unlink "$tmp/run/$id/s" rmdir "$tmp/run/$id" append "$tmp/vm/dirty_bytes" \
                append /dev/null
        check "create, for its container: its init's oom_score_adj, its cgroup, the state directory, vm.dirty_* and /dev/null are writable" all ok || cat "$tmp/probe"
        probe create "$(state "$id" creating)" put "/proc/$theirs/oom_score_adj:500" \
                put "$base/l2-$$/memory.soft_limit_in_bytes:$L" put "$base/memory.soft_limit_in_bytes:$L" \
                put "/proc/sys/vm/overcommit_ratio:$ovr" create "$tmp/log/x" create "$tmp/vm/dirty_new"
        check "but not another process's oom_score_adj, another cgroup, the parent cgroup, another sysctl, the log" all EACCES || cat "$tmp/probe"
        probe poststop "$(state "$id" stopped)" create "$tmp/log/probe.jsonl" append "$tmp/log/probe.jsonl" \
                mkdir "$tmp/run/p-$$" rmdir "$tmp/run/p-$$" append "$tmp/vm/dirty_bytes"
        check "poststop: the log's directory, the state directory and vm.dirty_* are writable" all ok || cat "$tmp/probe"
        probe poststop "$(state "$id" stopped)" put "/proc/$mine/oom_score_adj:500" \
                put "$base/$id/memory.soft_limit_in_bytes:$L" append /dev/null
        check "but not the container's cgroup or init (nothing there to change at poststop)" all EACCES || cat "$tmp/probe"
        rm -f "$tmp/log/probe.jsonl"
        stop "$id"; stop l2-$$
fi

# 8. nothing above was refused by the filter (SECCOMP_FILTER_FLAG_LOG: the
# kernel prints a type=1326 audit record per refusal when no auditd runs)
sleep 0.5
if pidof auditd >/dev/null; then
        echo "# auditd runs: refusals go to its log, not to the kernel's"
else
        refused=$(grep -e "exe=\"$HOOK\"" -e "exe=\"$OOMGUARD\"" "$tmp/refused")
        check "no syscall of the hook, the watcher or the CLI was refused" test -z "$refused" || echo "$refused"
fi

finish
