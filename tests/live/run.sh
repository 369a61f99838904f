#!/usr/bin/env bash
# Live tests against this machine's kernel: real memcg OOMs in cgroups this
# script creates under its own cgroup (removed on exit), read back through
# `oomguard explain --kmsg`; fake OOM records written to /dev/kmsg that must
# never become kills; and the command line's contract.
set -uo pipefail
OOMGUARD=${OOMGUARD:-build/oomguard}
HOG=${HOG:-build/tests/oomguard-hog}
here=$(dirname "$(realpath "$0")")
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
# shellcheck source=verdict-lib.sh
. "$here/verdict-lib.sh" # field and fields, for the kills' JSON too

tmp=$(mktemp -d)
created=()
cleanup() {
        local i
        for ((i = ${#created[@]} - 1; i >= 0; i--)); do rmdir "${created[$i]}" 2>/dev/null; done
        rm -rf "$tmp"
}
trap cleanup EXIT

# ---- command line contract ------------------------------------------------
"$OOMGUARD" explain --help >"$tmp/help" 2>&1; rc=$?
check "explain --help exits 0 and documents --json" exited "$rc" 0 "$(cat "$tmp/help")" --json
"$OOMGUARD" explain --bogus >/dev/null 2>"$tmp/err"; rc=$?
expect "an unknown option is a usage error (exit 2)" "$rc" 2
"$OOMGUARD" explain /nonexistent/kern.log >/dev/null 2>"$tmp/err"; rc=$?
check "a missing file exits 1 naming the file" exited "$rc" 1 "$(cat "$tmp/err")" /nonexistent/kern.log
"$OOMGUARD" frobnicate >/dev/null 2>&1; rc=$?
expect "an unknown command exits 2" "$rc" 2
sample=tests/corpus/kernel-logs/032.log
multi=tests/corpus/kernel-logs/038.log # six kills
a=$("$OOMGUARD" explain --json "$multi"); b=$(cat "$multi" | "$OOMGUARD" explain --json); c=$(cat "$multi" | "$OOMGUARD" explain --json -)
six_same() { [ "$(echo "$1" | wc -l)" -eq 6 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ]; } # A B C: six kills, all three equal
check "file, piped stdin and '-' give the same kills" six_same "$a" "$b" "$c"
"$OOMGUARD" explain --json "$sample" >/dev/full 2>"$tmp/err"; rc=$?
check "a failed write exits 1 and says so" exited "$rc" 1 "$(cat "$tmp/err")" 'writing output'
n=$("$OOMGUARD" explain --json "$sample" "$sample" | wc -l)
expect "several files are all read" "$n" 2
x08=tests/corpus/extra/x08.log # newest-first table export
expect "a newest-first export reads the same from a pipe" "$(cat $x08 | "$OOMGUARD" explain --json)" "$("$OOMGUARD" explain --json $x08)"
# 300 MB through a pipe: memory stays bounded by the kills, not the input.
rss=$( { yes '[12.000000] EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro' | head -c 300000000;
         cat tests/corpus/kernel-logs/032.log; } |
       /usr/bin/time -f %M "$OOMGUARD" explain --json 2>&1 >"$tmp/big.json" | tail -n 1)
one_kill_bounded() { [ "$(wc -l <"$1")" -eq 1 ] && [ "$2" -lt 65536 ]; } # JSON RSS-KB
check "300 MB on stdin: one kill found, peak RSS ${rss} KB < 64 MB" one_kill_bounded "$tmp/big.json" "$rss"
"$OOMGUARD" explain tests/corpus/kernel-logs/052.log >"$tmp/out"; rc=$?
check "a log without kills says so and exits 0" exited "$rc" 0 "$(cat "$tmp/out")" 'no OOM kill found'
"$OOMGUARD" explain tests/corpus/extra/x06.log >"$tmp/out"; rc=$?
check "an OOM that found nothing to kill is told, with its cgroup and the oom_score_adj fix" \
        exited "$rc" 0 "$(tr '\n' ' ' <"$tmp/out")" \
        'OOM in /system.slice/pgbouncer.service (invoked by systemd) found no process it could kill.*ENOMEM.*oom_score_adj above -1000.*no OOM kill found'

vlog=tests/fixtures/verdicts.jsonl # written by lib/verdictlog.c (test_verdictlog checks)
expect "verdicts lists every recorded death" "$("$OOMGUARD" verdicts --log $vlog | wc -l)" 3
check "verdicts finds a container by a unique id prefix" grep -q 'memcg .*init killed: yes' <<<"$("$OOMGUARD" verdicts --log $vlog 3fc2)"
"$OOMGUARD" verdicts --log "$vlog" ab >/dev/null 2>"$tmp/err"; rc=$?
check "an ambiguous prefix is refused, naming the candidates (exit 2)" exited "$rc" 2 "$(cat "$tmp/err")" 'ab12 ab34'
"$OOMGUARD" verdicts --log "$vlog" zz >/dev/null 2>"$tmp/err"; rc=$?
check "an unknown id exits 1 naming the log" exited "$rc" 1 "$(cat "$tmp/err")" "$vlog"
expect "verdicts --json prints the recorded object" "$("$OOMGUARD" verdicts --json --log $vlog ab34)" "$(sed -n 3p $vlog)"
check "no log yet is said plainly" grep -q 'No verdicts yet' <<<"$("$OOMGUARD" verdicts --log "$tmp/none.jsonl")"
make -s install DESTDIR="$tmp/stage" PREFIX=/usr BUILD="$(dirname "$OOMGUARD")" >/dev/null 2>&1
installed() { # ROOT: the binaries and man pages under ROOT/usr, and the CLI runs
        [ -x "$1/usr/bin/oomguard" ] && [ -x "$1/usr/bin/oomguard-hook" ] &&
                [ -f "$1/usr/share/man/man8/oomguard-hook.8" ] && [ -f "$1/usr/share/man/man5/oomguard.json.5" ] &&
                "$1/usr/bin/oomguard" version | grep -q oomguard
}
check "make install honours DESTDIR and PREFIX" installed "$tmp/stage"

# ---- the live kernel ------------------------------------------------------
if [ "$(id -u)" != 0 ] || [ ! -r /dev/kmsg ]; then
        echo "$pass passed, $fail failed"
        skip_suite "the live kernel part needs root and /dev/kmsg"
fi

# Where memory cgroups live here (v1 controller or v2 unified).
memroot="" rel=""
if [ -d /sys/fs/cgroup/memory ] && grep -q ':memory:' /proc/self/cgroup; then
        memroot=/sys/fs/cgroup/memory
        rel=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
        limit_file=memory.limit_in_bytes
elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
        memroot=/sys/fs/cgroup
        rel=$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
        limit_file=memory.max
fi
rel=${rel%/}

# no_swap DIR: on a host with swap the hog would swap instead of dying
no_swap() {
        if [ -e "$1/memory.memsw.limit_in_bytes" ]; then
                cat "$1/$limit_file" >"$1/memory.memsw.limit_in_bytes"
        elif [ -e "$1/memory.swap.max" ]; then
                echo 0 >"$1/memory.swap.max"
        fi
}

# kmsg_kill PID -> the JSON kill for PID from the live kernel log ("" if none)
kmsg_kill() {
        local i out
        for i in 1 2 3 4 5 6 7 8 9 10; do # the kernel may print a moment late
                out=$("$OOMGUARD" explain --kmsg --json | grep "\"victim_pid\":$1,")
                [ -n "$out" ] && { echo "$out" | tail -n 1; return; }
                sleep 0.2
        done
}

# run_hog CGROUP_DIR -> pid of a hog started inside it, after it died
run_hog() {
        ( echo $BASHPID >"$1/cgroup.procs" && exec "$HOG" 512 ) 2>/dev/null &
        local pid=$!
        wait "$pid"
        echo "$pid $?"
}

if [ -z "$memroot" ]; then
        bad "no memory cgroup controller found for the live OOM tests"
else
        base="$memroot$rel/oomguard-test-$$"
        mkdir "$base" && created+=("$base")
        # The container's own limit.
        own="$base/own"; mkdir "$own" && created+=("$own")
        echo $((32 << 20)) >"$own/$limit_file"
        no_swap "$own"
        read -r pid status < <(run_hog "$own")
        expect "the hog in a 32 MiB memcg was SIGKILLed (status $status)" "$status" 137
        k=$(kmsg_kill "$pid")
        check "explain --kmsg reports the real kill of pid $pid" [ -n "$k" ]
        if [ -n "$k" ]; then
                expect "scope memcg for its own limit" "$(field "$k" scope)" memcg
                expect "oom_memcg is the cgroup the test made" "$(field "$k" oom_memcg)" "$rel/oomguard-test-$$/own"
                expect "task_memcg is the same cgroup" "$(field "$k" task_memcg)" "$rel/oomguard-test-$$/own"
                expect "victim_comm is the hog" "$(field "$k" victim_comm)" oomguard-hog
                expect "the limit is reported as 32 MiB" "$(field "$k" memcg_limit_kb)" 32768
                expect "constraint CONSTRAINT_MEMCG as printed" "$(field "$k" constraint)" CONSTRAINT_MEMCG
        fi
        "$OOMGUARD" explain --kmsg >"$tmp/human"
        check "the human paragraph names the container's own limit" grep -q "(pid $pid).*own cgroup's memory limit" "$tmp/human"

        # A parent's limit: the child has none of its own.
        parent="$base/pod"; child="$parent/ctr"
        mkdir "$parent" && created+=("$parent")
        echo $((32 << 20)) >"$parent/$limit_file"
        no_swap "$parent"
        mkdir "$child" && created+=("$child")
        read -r pid status < <(run_hog "$child")
        k=$(kmsg_kill "$pid")
        expect "a parent's limit gives scope ancestor-memcg" "kill ${k:+found}, $(field "$k" scope)" "kill found, ancestor-memcg"
        expect "oom_memcg is the parent, task_memcg the child" "$(fields "$k" oom_memcg task_memcg)" \
                "oom_memcg=$rel/oomguard-test-$$/pod task_memcg=$rel/oomguard-test-$$/pod/ctr"
fi

timeout 20 "$OOMGUARD" explain --json /dev/kmsg >"$tmp/devkmsg"; rc=$?
check "'explain /dev/kmsg' reads the live log without blocking" exited "$rc" 0 "$(cat "$tmp/devkmsg")" '"victim_comm":"oomguard-hog"'

# oomguard ps: a real process in a container-shaped memory cgroup
if [ -n "$memroot" ]; then
        cid=$(printf 'a%.0s' $(seq 64))
        ctr="$base/docker-$cid.scope"; mkdir "$ctr" && created+=("$ctr")
        ( echo $BASHPID >"$ctr/cgroup.procs" && echo 321 >/proc/self/oom_score_adj && exec sleep 60 ) &
        sleeper=$!
        sleep 0.3
        line=$("$OOMGUARD" ps --json | grep "\"pid\":$sleeper,")
        expect "ps shows the process in its container with its oom_score_adj" "$(fields "$line" container_id oom_score_adj)" \
                "container_id=$cid oom_score_adj=321"
        "$OOMGUARD" ps >"$tmp/ps.txt"
        check "ps groups it under its container in the table" grep -q "^aaaaaaaaaaaa .* $sleeper sleep" "$tmp/ps.txt"
        kill "$sleeper" 2>/dev/null; wait "$sleeper" 2>/dev/null
fi

# A process writing fake OOM records into /dev/kmsg must never make a kill.
fake=$((4000000 + RANDOM))
printf 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/fake,task_memcg=/fake,task=fake,pid=%d,uid=0\n' $fake >/dev/kmsg
printf '<0>Memory cgroup out of memory: Killed process %d (fake) total-vm:1kB, anon-rss:1kB\n' $fake >/dev/kmsg
printf 'oom_reaper: reaped process %d (fake), now anon-rss:0kB\n' $fake >/dev/kmsg
check "the fake records are in the kernel log, as user records" grep -q "^user .*pid=$fake" <<<"$(dmesg -x)"
out=$("$OOMGUARD" explain --kmsg --json)
check "fake records written to /dev/kmsg never become kills" not grep -q ":$fake," <<<"$out"

# oomguard doctor on this very host: each line checked against what the
# host says by other means
doc=$("$OOMGUARD" doctor 2>&1); dst=$?
if [ -d /sys/fs/cgroup/memory ] && grep -q ' cgroup2 ' /proc/mounts; then want="cgroup v1 hybrid"
elif [ -d /sys/fs/cgroup/memory ]; then want="cgroup v1"; else want="cgroup v2"; fi
check "doctor: says '$want', as /proc/mounts does" grep -q "^info  cgroup  *$want" <<<"$doc"
if [ "$(awk '/^SwapTotal:/ {print $2}' /proc/meminfo)" = 0 ]; then
        check "doctor: no swap, as /proc/meminfo says" grep -q '^info  swap  *No swap' <<<"$doc"
else
        swap_seen() { grep '^[a-z]*  *swap ' <<<"$1" | grep -qv 'No swap'; } # DOCTOR-OUTPUT
        check "doctor: swap present, as /proc/meminfo says" swap_seen "$doc"
fi
runc_found() { # DOCTOR-OUTPUT: runc where the system has it, or no runc
        grep -q "^ok    runtime  *runc: $(command -v runc)" <<<"$1" || ! command -v runc >/dev/null
}
check "doctor: finds runc where the system has it" runc_found "$doc"
expect "doctor: exit 0 with nothing to fix, 1 with warnings" "$dst" "$(grep -qE '^(warn|error)' <<<"$doc" && echo 1 || echo 0)"
"$OOMGUARD" doctor --json >"$tmp/doctor.jsonl"
four_keys() { # JSONL: not empty, each line an object with exactly the four keys
        python3 -c 'import json,sys; [(lambda d: (set(d) == {"level","check","message","action"}) or sys.exit(1))(json.loads(l)) for l in sys.stdin]' <"$1" &&
                [ -s "$1" ]
}
check "doctor --json: one object per line, four keys" four_keys "$tmp/doctor.jsonl"

finish
