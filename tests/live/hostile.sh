#!/usr/bin/env bash
# Hostile input against oomguard-hook and oomguard-shim, with real processes
# in real memory cgroups (under this script's own, removed on exit), real
# runc containers and the real kernel log. Each case asserts what the man
# pages promise: the container still starts (fail-open) or, with
# fail_closed, is refused with a message that says why; nothing is created,
# changed or removed outside the state directory; no verdict is invented;
# no state and no watcher are left behind.
#
# Same private mount namespace and cgroups as runc.sh (see runc-lib.sh);
# the read-only bind mount it makes lives and dies in that namespace. The
# writeback host mode only ever sees a private copy of vm.dirty_*.
set -uo pipefail
shopt -s lastpipe # `input | gcase ...` counts in this shell
here=$(dirname "$(realpath "$0")")
# shellcheck source=runc-lib.sh
. "$here/runc-lib.sh"
runc_reexec "$0" "$@"
runc_binaries
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
HOG=$(realpath "${HOG:-$HOG_STATIC}")
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
# shellcheck source=verdict-lib.sh
. "$here/verdict-lib.sh"

runc_suite oomguard-hostile

L=$((32 << 20))
state="$tmp/st/run" vlog="$tmp/log/verdicts.jsonl" outside="$tmp/outside"
cases=0
hcase() { cases=$((cases + 1)); } # one hostile input tried

declare -A PID
procs=() ro_mounted=
hostile_cleanup() {
        local p
        for p in "${procs[@]}"; do kill -KILL "$p" 2>/dev/null; done
        wait 2>/dev/null
        # watchers the hooks of this run started: the processes holding one
        # of this run's state directories open (never looked up by name)
        for p in $(holders "$tmp/st/run"); do kill -KILL "$p" 2>/dev/null; done
        [ -z "$ro_mounted" ] || umount "$tmp/ro" 2>/dev/null
        rm -rf "/tmp/esc-$$"
}
runc_at_exit hostile_cleanup

# holders DIR: pids of processes holding DIR, or anything under it, open
holders() {
        find /proc/[0-9]*/fd \( -lname "$1" -o -lname "$1/*" -o -lname "$1 (deleted)" \) 2>/dev/null |
                cut -d/ -f3 | sort -u
}
# no_holders DIR: wait up to 5 s until nothing holds DIR open
no_holders() {
        local i
        for i in $(seq 50); do [ -z "$(holders "$1")" ] && return 0; sleep 0.1; done
        return 1
}

# conf FILE STATE_DIR VERDICT_LOG [MEMBERS]: a configuration
conf() {
        printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s","swap":"none","writeback":"off"%s}\n' \
                "$2" "$3" "${4:+,$4}" >"$1"
}
cfg="$tmp/cfg.json" closed="$tmp/closed.json"
conf "$cfg" "$state" "$vlog"
conf "$closed" "$state" "$vlog" '"fail_closed":true'
mkdir -p "$tmp/st" "$tmp/log" "$outside"; mkdir -m 700 "$state"

oci_bundle "$tmp/b/plain" $L

# proc NAME CMD...: a process in a new cgroup NAME (limit L), held at a
# fifo until `go NAME` (the runtime's start)
proc() {
        local n=$1 i; shift
        mkdir "$base/$n" && echo $L >"$base/$n/memory.limit_in_bytes"
        echo $L >"$base/$n/memory.memsw.limit_in_bytes" 2>/dev/null
        mkfifo "$tmp/$n.go"
        sh -c 'echo $$ >"$1/cgroup.procs"; read x <"$2"; shift 2; exec "$@"' sh "$base/$n" "$tmp/$n.go" "$@" &
        PID[$n]=$!; procs+=($!)
        for i in $(seq 100); do grep -qx "${PID[$n]}" "$base/$n/cgroup.procs" 2>/dev/null && break; sleep 0.01; done
}
go() { echo go >"$tmp/$1.go"; }
reap() { wait "${PID[$1]}" 2>/dev/null; }
stop() { kill -KILL "${PID[$1]}" 2>/dev/null; wait "${PID[$1]}" 2>/dev/null; }
# the runtime removes the cgroup before poststop (runc, crun)
uncg() { local i; for i in $(seq 50); do rmdir "$base/$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

# st ID PID [STATUS] [BUNDLE]: the state a runtime writes on the hook's stdin
st() { oci_state "$1" "${3:-creating}" "$2" "${4:-$tmp/b/plain}"; }
# (hook_run STAGE CONFIG [VAR=VALUE...] <STATE: the hook, its messages in
# $tmp/last.err, which `said` reads, and appended to $tmp/hook.err)
# what the hooks said since `mark` (under runc, through the wrapper below)
mark() { hmark=$(wc -l 2>/dev/null <"$tmp/hook.err" || echo 0); }
since_mark() { tail -n +$((hmark + 1)) "$tmp/hook.err"; }
create() { hook_create "$1" "${PID[$1]}" "$tmp/b/plain" "${2:-$cfg}"; }
poststop() { hook_poststop "$1" 0 "$tmp/b/plain" "${2:-$cfg}" "${@:3}"; }
nverdicts() { grep -c "\"id\":\"$1\"" "$vlog" 2>/dev/null; }
adj() { cat "/proc/$1/oom_score_adj"; }
jget() { # jget FILE KEY: a top-level value of a JSON file, empty if none
        python3 -c 'import json,sys
try: print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))
except Exception: print("")' "$1" "$2"
}
watcher_of() { jget "$state/$1/evidence.json" watcher_pid; }
await_watcher() { local i; for i in $(seq 100); do [ -n "$(watcher_of "$1")" ] && break; sleep 0.02; done; watcher_of "$1"; }
# a live watcher (an exited one may linger as a zombie until it is reaped)
is_watcher() {
        [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = oomguard-watch ] &&
                ! awk '{exit $3 != "Z"}' "/proc/$1/stat" 2>/dev/null
}

# parts of what the checks assert
own_error() { [ "$1" -ge 1 ] && [ "$1" -lt 128 ]; } # RC: runc's own error exit, not a signal
gone() { [ ! -e "$state/$1" ]; }                   # ID: no state left
none_gone() { [ "$(field "$(verdict "$1")" verdict)" = none ] && gone "$1"; }
unrecorded() { [ "$(nverdicts "$1")" -eq 0 ] && gone "$1"; } # ID: no verdict, no state
once() { [ "$(nverdicts "$1")" -eq 1 ] && gone "$1" && no_holders "$state/$1"; } # ID: one verdict, nothing left
canary() { [ "$(cat "$outside/victim")" = canary ]; }

# everything outside the state directory that a hostile id could reach
echo canary >"$outside/victim"
mkdir -p "$tmp/st/esc-$$" "$tmp/esc-$$"
echo keep >"$tmp/st/esc-$$/keep"; echo keep >"$tmp/esc-$$/keep"
fp() {
        find "$tmp/st" "$tmp/esc-$$" "$outside" -path "$state" -prune -o -printf '%p|%y|%s|%m|%T@\n' |
                sort | md5sum
}
escaped() { [ -e "/tmp/esc-$$" ] || find "$tmp" -path "$tmp/runc" -prune -o -name state.json -print | grep -qv "^$state/"; }
# untouched FP: nothing outside the state directory changed since fp said
# FP, nothing escaped, no state left, no verdict names esc-$$
untouched() {
        [ "$(fp)" = "$1" ] && ! escaped && [ -z "$(ls -A "$state" 2>/dev/null)" ] &&
                ! grep -q "esc-$$" "$vlog" 2>/dev/null
}

# runc with the hook: a wrapper keeps the hook's messages (runc shows them
# only when the hook fails)
hookw="$tmp/hookw"
printf '#!/bin/sh\nexec %s "$@" 2>>%s\n' "$HOOK" "$tmp/hook.err" >"$hookw"; chmod 755 "$hookw"
rbundle() { # rbundle ID CONFIG ANNOTATIONS CMD...
        local id=$1 c=$2 ann=$3; shift 3
        runc_bundle "$tmp/b/$id" "$id" "$L" "$ann" "$hookw" "$c" "$@"
}
rrun() { # rrun ID [VAR=VALUE...]: runc run, stdout in $tmp/ID.out, exit status echoed
        local id=$1; shift
        RUNC_CONTAINERS+=("$id")
        (cd "$tmp/b/$id" && env "$@" "$RUNC" --root "$tmp/runc" run "$id" >"$tmp/$id.out" 2>"$tmp/$id.err" </dev/null)
        echo $?
}
# the shim in front of runc; it adds the same wrapper
scfg="$tmp/shim.json" sclosed="$tmp/shim-closed.json"
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s","runtime":"%s","hook":"%s","writeback":"off"}\n' \
        "$state" "$vlog" "$RUNC" "$hookw" >"$scfg"
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s","runtime":"%s","hook":"%s","writeback":"off","fail_closed":true}\n' \
        "$state" "$vlog" "$RUNC" "$hookw" >"$sclosed"
sbundle() { local id=$1; shift; runc_bundle "$tmp/b/$id" "$id" "$L" '' - - "$@"; }
srun() { # srun ID [CONFIG] [ID-AS-PASSED]: oomguard-shim run, as engines call it; exit status echoed
        local id=$1 c=${2:-$scfg} as=${3:-$1}
        RUNC_CONTAINERS+=("$as")
        (cd "$tmp" && OOMGUARD_CONFIG="$c" "$SHIM" --root "$tmp/runc" --log "$tmp/$id.log" \
                --log-format json run --bundle "$tmp/b/$id" "$as" >"$tmp/$id.out" 2>"$tmp/$id.err" </dev/null)
        echo $?
}

echo "# 1. container ids: path tricks, NULs, control characters, 10 KB (ids runtimes accept: forge-input.sh)"
proc tgt sleep 600; go tgt; tp=${PID[tgt]}
echo 123 >"/proc/$tp/oom_score_adj"
big=$(head -c 10240 /dev/zero | tr '\0' a)
ids=("\"../esc-$$\"" "\"../../esc-$$\"" "\"a/../../esc-$$\"" "\"/tmp/esc-$$\"" '"x/y"' '"."' '".."'
        "\"esc-$$\\u0000/../../esc-$$\"" "\"../esc-$$\\u0000\"" "\"$big\""
        '"a\nb"' '"a\u001b[1mb"' '"a\u007fb"' '""'
        '123' 'null' '["x"]' '{"a":"b"}' '"\u002e\u002e/esc"')
idstate() { printf '{"ociVersion":"1.0.2","id":%s,"status":"%s","pid":%s,"bundle":"%s"}' "$1" "$2" "$tp" "$tmp/b/plain"; }
# refused R1 M1 PATTERN R2 M2: create exit 0 saying PATTERN, with fail_closed exit 1 refusing
refused() { exited "$1" 0 "$2" "$3" && exited "$4" 1 "$5" 'refusing the container'; }
id_case() { # id_case FP-BEFORE RC1 MSG1 RC2 MSG2 RC3: create, create fail_closed, poststop
        refused "$2" "$3" 'cannot name oomguard\|no string "id"\|NUL byte' "$4" "$5" && [ "$6" -eq 0 ] &&
                untouched "$1" && [ "$(adj "$tp")" = 123 ]
}
for idj in "${ids[@]}"; do
        hcase
        before=$(fp)
        idstate "$idj" creating | hook_run createRuntime "$cfg"; r1=$?; m1=$(cat "$tmp/last.err")
        idstate "$idj" creating | hook_run createRuntime "$closed"; r2=$?; m2=$(cat "$tmp/last.err")
        idstate "$idj" stopped | hook_run poststop "$cfg"; r3=$?
        check "id ${idj:0:28}$([ ${#idj} -gt 28 ] && echo "… ($((${#idj} - 2)) bytes)"): fail-open says why, fail_closed refuses, nothing created, applied or removed" \
                id_case "$before" $r1 "$m1" $r2 "$m2" $r3 || { echo "$m1"; echo "$m2"; }
done
# a raw NUL byte, and no id at all
for raw in 'raw NUL' 'no id'; do
        hcase
        before=$(fp)
        mk() { if [ "$raw" = 'raw NUL' ]; then printf '{"id":"esc-%s\0/../../x","status":"%s","pid":%s}' $$ "$1" "$tp"; else printf '{"status":"%s","pid":%s}' "$1" "$tp"; fi; }
        mk creating | hook_run createRuntime "$cfg"; r1=$?; m1=$(cat "$tmp/last.err")
        mk creating | hook_run createRuntime "$closed"; r2=$?; m2=$(cat "$tmp/last.err")
        mk stopped | hook_run poststop "$cfg"; r3=$?
        check "id: $raw: fail-open says why, fail_closed refuses, nothing created, applied or removed" \
                id_case "$before" $r1 "$m1" $r2 "$m2" $r3 || { echo "$m1"; echo "$m2"; }
done
# two "id" members: one id is used, never the other; nothing escapes
hcase
before=$(fp)
printf '{"id":"dup-%s","id":"../esc-%s","status":"creating","pid":%s,"bundle":"%s"}' $$ $$ "$tp" "$tmp/b/plain" | hook_run createRuntime "$cfg"; r1=$?
printf '{"id":"dup-%s","id":"../esc-%s","status":"stopped","pid":0}' $$ $$ | hook_run poststop "$cfg"; r3=$?
dup_case() { [ "$1" -eq 0 ] && [ "$2" -eq 0 ] && untouched "$3"; } # R1 R3 FP-BEFORE
check "id given twice (plain, then ../): exit 0, one id acted on, nothing outside touched, no state left" \
        dup_case $r1 $r3 "$before"
stop tgt; uncg tgt

# the longest id the hook takes, end to end; one byte more is refused
id128=h$(head -c 127 /dev/zero | tr '\0' 7)
hcase
proc "$id128" true; create "$id128"; r1=$?; go "$id128"; reap "$id128"; uncg "$id128"; poststop "$id128"; r3=$?
long_id() { [ "$1" -eq 0 ] && [ "$2" -eq 0 ] && [ "$(nverdicts "$3")" -eq 1 ] && none_gone "$3"; } # R1 R3 ID
check "a 128-byte id: create and poststop, one verdict none, no state left" long_id $r1 $r3 "$id128"

# through runc and the shim's argv: runc refuses what it cannot name, the
# shim hands over untouched and never dies of it
shim_refused() { own_error "$1" && [ -s "$tmp/sid.err" ] && untouched "$2"; } # RC FP-BEFORE
sbundle sid /bin/true
for a in "../esc-$$" "a/../../esc-$$" "$big" "-x" ".."; do
        hcase
        before=$(fp)
        rc=$(srun sid "$scfg" "$a")
        check "shim run '${a:0:20}$([ ${#a} -gt 20 ] && echo "… (${#a} bytes)")': handed to runc, which refuses it (exit $rc); nothing outside touched, no state, no verdict" \
                shim_refused "$rc" "$before" || head -c 300 "$tmp/sid.err"
done
hcase
rc=$(cd "$tmp" && OOMGUARD_CONFIG="$scfg" "$SHIM" --root "$tmp/runc" --log "$tmp/sbig.log" --log-format json run --bundle "$tmp/$big" big-$$ </dev/null >/dev/null 2>&1; echo $?)
big_bundle() { own_error "$1" && grep -q 'level":"warning' "$tmp/sbig.log" && [ -z "$(ls -A "$state")" ]; } # RC
check "shim run --bundle of 10 KB: the shim says why and hands over (exit $rc from runc), nothing created" big_bundle "$rc"
delete_refused() { own_error "$1" && ! grep -q 'oomguard-shim' "$tmp/sdel.log" && [ "$(fp)" = "$2" ]; } # RC FP-BEFORE
for a in "../esc-$$" "$big"; do
        hcase
        before=$(fp)
        rc=$(cd "$tmp" && OOMGUARD_CONFIG="$scfg" "$SHIM" --root "$tmp/runc" --log "$tmp/sdel.log" --log-format json delete "$a" </dev/null >/dev/null 2>&1; echo $?)
        check "shim delete '${a:0:20}…': runc's own error (exit $rc), nothing from the shim (the hook kept no state for such an id), nothing outside removed" \
                delete_refused "$rc" "$before"
done
# ids runc accepts ('+', ',', a leading '_', up to 255 bytes): the hook takes
# them too, fail-open and fail_closed alike (the state directory encodes them)
accepted() { # RC RC-CLOSED ID
        [ "$1" -eq 0 ] && [ "$2" -eq 0 ] && [ "$(grep -cF "\"id\":\"$3\"," "$vlog")" -eq 2 ] &&
                ! since_mark | grep -q 'cannot name' && [ -z "$(ls -A "$state" 2>/dev/null)" ]
}
for a in "x+y-$$" "_u-$$" "$(head -c 200 /dev/zero | tr '\0' r)"; do
        hcase
        sbundle sok /bin/true
        mark
        rc=$(srun sok "$scfg" "$a")
        "$RUNC" --root "$tmp/runc" delete -f "$a" >/dev/null 2>&1
        sbundle sok /bin/true
        rcc=$(srun sok "$sclosed" "$a")
        "$RUNC" --root "$tmp/runc" delete -f "$a" >/dev/null 2>&1
        for i in $(seq 30); do [ -z "$(ls -A "$state" 2>/dev/null)" ] && break; sleep 0.1; done
        check "shim run '${a:0:12}…' (an id runc accepts): fail-open (exit $rc) and fail_closed (exit $rcc) run it, a verdict each, no state left" \
                accepted "$rc" "$rcc" "$a" ||
                { tail -c 400 "$tmp/sok.err"; since_mark; echo "# verdicts: $(grep -cF "\"id\":\"$a\"," "$vlog"); state: $(ls -A "$state" 2>/dev/null | tr '\n' ' ')"; }
done

echo "# 2. annotations: org.oomguard.oom_score_adj below the floor, and garbage"
fcfg="$tmp/floor.json"; conf "$fcfg" "$state" "$vlog" '"oom_score_adj_floor":300'
auto=$(expect_adj $L); [ "$auto" -ge 300 ] || auto=300
# VALUE (as a JSON string body) -> the oom_score_adj expected with floor 300
anns=('-1000:300' '-1:300' '0:300' '299:300' '+5:300' '-0:300' '300:300' '999:999' '1000:1000'
        'auto:'"$auto" 'abc:auto' ':auto' ' -1000:auto' '-1000 :auto' '0x10:auto' '1e3:auto'
        '-1001:auto' '1001:auto' '-99999999999999999999:auto' '99999999999999999999:auto'
        'NaN:auto' '-1000\u0000:nul' '\u0661\u0662:auto' '-1000; echo pwned:auto'
        "$(head -c 10240 /dev/zero | tr '\0' 9):auto")
proc ann sleep 600; go ann
# ann_case RC GOT WANT NUL GARBAGE: exit 0, oom_score_adj WANT and not below
# the floor; a NUL or garbage value ignored and said
ann_case() {
        [ "$1" -eq 0 ] && [ "$2" = "$3" ] && [ "$2" -ge 300 ] &&
                { [ -z "$4" ] || said 'holds a NUL byte: ignored'; } &&
                { [ -z "$5" ] || said 'is not a number from -1000 to 1000'; }
}
for a in "${anns[@]}"; do
        hcase
        v=${a%:*} want=${a##*:}; [ "$want" = auto ] && want=$auto; [ "$want" = nul ] && want=$auto
        echo 123 >"/proc/${PID[ann]}/oom_score_adj"
        printf '{"ociVersion":"1.0.2","id":"ann-%s","status":"creating","pid":%s,"bundle":"%s","annotations":{"org.oomguard.oom_score_adj":"%s"}}' \
                $$ "${PID[ann]}" "$tmp/b/plain" "$v" | hook_run createRuntime "$fcfg"; rc=$?
        got=$(adj "${PID[ann]}")
        garbage=$([ "${a##*:}" = auto ] && echo 1)
        nul=$([ "${a##*:}" = nul ] && echo 1)
        check "annotation \"${v:0:24}$([ ${#v} -gt 24 ] && echo "… (${#v} bytes)")\" with floor 300: oom_score_adj $got (want $want)$([ -n "$garbage" ] && echo ', ignored and said')$([ -n "$nul" ] && echo ': that annotation ignored and said, the policy applied')" \
                ann_case "$rc" "$got" "$want" "$nul" "$garbage" ||
                cat "$tmp/last.err"
        poststop "ann-$$" "$fcfg"
done
for a in '"org.oomguard.oom_score_adj":-1000' '"ORG.OOMGUARD.OOM_SCORE_ADJ":"-1000"' '"org.oomguard.oom_score_adj":["-1000"]'; do
        hcase
        printf '{"ociVersion":"1.0.2","id":"ann-%s","status":"creating","pid":%s,"bundle":"%s","annotations":{%s}}' \
                $$ "${PID[ann]}" "$tmp/b/plain" "$a" | hook_run createRuntime "$fcfg"; rc=$?
        got=$(adj "${PID[ann]}")
        expect "annotation {${a:0:40}}: not a string or not the key: the policy's own $auto" "$rc $got" "0 $auto" ||
                cat "$tmp/last.err"
        poststop "ann-$$" "$fcfg"
done
# the state's annotations and the bundle's: the floor holds for both
hcase
oci_bundle "$tmp/b/annb" $L '"org.oomguard.oom_score_adj":"-1000"'
st "ann-$$" "${PID[ann]}" creating "$tmp/b/annb" | hook_run createRuntime "$fcfg"; rc=$?
floored() { [ "$1" -eq 0 ] && [ "$(adj "$2")" = 300 ] && said 'oom_score_adj -1000 is below the configured floor 300'; } # RC PID
check "annotation -1000 in the bundle's config.json: clamped to the floor 300, and said" floored "$rc" "${PID[ann]}"
poststop "ann-$$" "$fcfg"
stop ann; uncg ann
# real containers: runc with the hook, and the shim (which sets process.oomScoreAdj)
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s","runtime":"%s","hook":"%s","writeback":"off","oom_score_adj_floor":300}\n' \
        "$state" "$vlog" "$RUNC" "$hookw" >"$tmp/shim-floor.json"
for a in '-1000:300' 'rm -rf /:'"$auto"; do
        hcase
        v=${a%:*} want=${a##*:}
        rbundle ra-$cases "$fcfg" "{\"org.oomguard.oom_score_adj\":\"$v\"}" /bin/cat /proc/self/oom_score_adj
        rc=$(rrun ra-$cases)
        expect "runc, annotation \"$v\": the container runs with oom_score_adj $want (got $(cat "$tmp/ra-$cases.out"))" \
                "$rc $(cat "$tmp/ra-$cases.out") $(nverdicts ra-$cases)" "0 $want 1"
        hcase
        runc_bundle "$tmp/b/sa-$cases" "sa-$cases" "$L" "{\"org.oomguard.oom_score_adj\":\"$v\"}" - - /bin/cat /proc/self/oom_score_adj
        rc=$(srun sa-$cases "$tmp/shim-floor.json")
        expect "shim, annotation \"$v\": the container runs with oom_score_adj $want (got $(cat "$tmp/sa-$cases.out"))" \
                "$rc $(cat "$tmp/sa-$cases.out") $(nverdicts sa-$cases)" "0 $want 1"
done

echo "# 3. fake OOM records in /dev/kmsg naming a running container, which then exits 0"
rbundle kf "$cfg" '' /bin/sh -c 'sleep 2; exit 0'
rrun kf >"$tmp/kf.status" &
kfrun=$!
for i in $(seq 100); do [ -n "$(watcher_of kf)" ] && "$RUNC" --root "$tmp/runc" state kf 2>/dev/null | grep -q '"running"' && break; sleep 0.05; done
kpid=$("$RUNC" --root "$tmp/runc" state kf 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
kcg="$rel/${base##*/}/kf"
fake=("<4>sleep invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"
        "<6>oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=$kcg,task_memcg=$kcg,task=sleep,pid=$kpid,uid=0"
        "<3>Memory cgroup out of memory: Killed process $kpid (sleep) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0"
        "<0>6,1,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=$kcg,task_memcg=$kcg,task=sleep,pid=$kpid,uid=0"
        "<0>3,2,2,-;Memory cgroup out of memory: Killed process $kpid (sleep) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0"
        "[ 1.000000] Memory cgroup out of memory: Killed process $kpid (sleep) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0"
        "kernel: Memory cgroup out of memory: Killed process $kpid (sleep) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0")
written=0
for m in "${fake[@]}"; do printf '%s' "$m" >/dev/kmsg && written=$((written + 1)); done # one open each: /dev/kmsg rate-limits per open
wait $kfrun
hcase
v=$(verdict kf)
# the same lines as plain text are a kill to the parser: only their origin tells them apart
printf '%s\n' "${fake[@]}" | sed 's/^<[0-9]>//' >"$tmp/fake.txt"
expect "$written fake records (pid $kpid, its cgroup) while it ran; it exited 0: verdict none, no kill recorded" \
        "${kpid:+a pid} $written $(cat "$tmp/kf.status") $(fields "$v" verdict kills.0 init_killed evidence.kmsg)" \
        "a pid ${#fake[@]} 0 verdict=none kills.0=null init_killed=false evidence.kmsg=true" ||
        echo "$v"
# not_from_kmsg PID CGROUP: a kill of PID in the fake text, none of PID or
# in CGROUP among the kernel's own records
not_from_kmsg() {
        "$OOMGUARD" explain --json "$tmp/fake.txt" | grep -q "\"victim_pid\":$1[,}]" &&
                "$OOMGUARD" explain --kmsg --json >"$tmp/explain.json" &&
                ! grep -q "\"victim_pid\":$1[,}]" "$tmp/explain.json" && ! grep -q "$2" "$tmp/explain.json" &&
                ! "$OOMGUARD" explain --kmsg | grep -q "$2"
}
check "oomguard explain --kmsg shows no kill of pid $kpid or in its cgroup (the same text from a file does)" \
        not_from_kmsg "$kpid" "$kcg"

echo "# 4. symlinks and other files planted in the state directory"
# the container's directory itself, pointing outside
hcase
proc pd true; mkdir -p "$state"; ln -s "$outside" "$state/pd"
before=$(fp)
create pd; r1=$?; m1=$(cat "$tmp/last.err"); create pd "$closed"; r2=$?; m2=$(cat "$tmp/last.err")
go pd; reap pd; uncg pd; poststop pd; r3=$?
linked_dir() { # R1 M1 R2 M2 R3 FP-BEFORE
        refused "$1" "$2" "$state/pd" "$3" "$4" && [ "$5" -eq 0 ] && [ "$(fp)" = "$6" ] && canary &&
                [ "$(ls -A "$outside" | wc -l)" -eq 1 ] && [ "$(nverdicts pd)" -eq 0 ]
}
check "<state>/ID a symlink to a directory outside: create exit 0 naming it, fail_closed refuses, poststop exit 0; the target untouched, no verdict invented" \
        linked_dir $r1 "$m1" $r2 "$m2" $r3 "$before"
rm -f "$state/pd"
# state.json (and the temporary file create writes first) pointing outside, before create
hcase
proc ps true; mkdir -m 700 "$state/ps"; ln -s "$outside/victim" "$state/ps/state.json"
ln -s "$outside/victim" "$state/ps/.state.json.oomguard-tmp"
before=$(fp)
create ps; r1=$?
replaced() { # R1 FP-BEFORE
        [ "$1" -eq 0 ] && [ ! -L "$state/ps/state.json" ] && [ -f "$state/ps/state.json" ] && canary && [ "$(fp)" = "$2" ]
}
check "state.json and its temporary file symlinks to a file outside before create: replaced, never written through" \
        replaced $r1 "$before"
go ps; reap ps; uncg ps; poststop ps
check "… and that container's verdict is an ordinary none, its state removed" none_gone ps
# state.json swapped for a symlink to a forged copy outside, between create and poststop
hcase
proc pf true; create pf; go pf; reap pf
sed 's/"oom_kill_base":[0-9]*/"oom_kill_base":-5/' "$state/pf/state.json" >"$outside/forged.json"
rm "$state/pf/state.json"; ln -s "$outside/forged.json" "$state/pf/state.json"
before=$(fp)
uncg pf; poststop pf; r3=$?
forged_state() { [ "$1" -eq 0 ] && said 'state.json' && unrecorded pf && [ "$(fp)" = "$2" ]; } # R3 FP-BEFORE
check "state.json a symlink to a forged state outside at poststop: exit 0 saying why, no verdict from it, state removed, the file outside untouched" \
        forged_state $r3 "$before"
# evidence.json pointing outside while the watcher runs: its next save replaces the link
hcase
proc pe sleep 0.5; create pe; w=$(await_watcher pe)
echo canary >"$outside/ev"; rm "$state/pe/evidence.json"; ln -s "$outside/ev" "$state/pe/evidence.json"
go pe; reap pe; sleep 0.2
relinked() { is_watcher "$1" && [ ! -L "$state/pe/evidence.json" ] && [ "$(cat "$outside/ev")" = canary ]; } # WATCHER
check "evidence.json a symlink outside while the watcher runs: the watcher replaces the link, the target untouched" \
        relinked "$w"
uncg pe; poststop pe
none_left() { none_gone "$1" && no_holders "$state/$1"; } # ID: verdict none, no state, no watcher
check "… verdict none, state removed, the watcher gone" none_left pe
# a forged evidence.json outside, linked in after the watcher died, the cgroup gone
hcase
proc pg true; create pg; w=$(await_watcher pg); kill -KILL "$w"
printf '{"oom_kill":7,"oom":null,"peak_bytes":%s,"anon":1,"file":1,"dirty":1,"writeback":1,"snapshots":9,"watcher_pid":%s}' $L "$w" >"$outside/evf"
rm "$state/pg/evidence.json"; ln -s "$outside/evf" "$state/pg/evidence.json"
before=$(fp)
go pg; reap pg; uncg pg; poststop pg; r3=$?; v=$(verdict pg)
forged_evidence() { # R3 VERDICT FP-BEFORE
        [ "$1" -eq 0 ] && [ "$(fields "$2" verdict evidence.counters)" = "verdict=none evidence.counters=false" ] &&
                [ "$(fp)" = "$3" ] && gone pg
}
check "a forged evidence.json (7 kills) behind a symlink: not believed: verdict none, no counters claimed, the file outside untouched" \
        forged_evidence $r3 "$v" "$before" || echo "$v"
# kmsg.log (the watcher's copy) pointing at forged kernel records outside
hcase
proc pk true; create pk; w=$(await_watcher pk)
pcg="$rel/${base##*/}/pk"
plant() { ln -sfn "$2" "$1.planted" && mv -T "$1.planted" "$1"; } # one rename: no window
now=$(awk '{printf "%.0f", $1 * 1000000}' /proc/uptime)
printf '6,1,%s,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=%s,task_memcg=%s,task=true,pid=%s,uid=0\n3,2,%s,-;Memory cgroup out of memory: Killed process %s (true) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n' \
        $((now + 1000)) "$pcg" "$pcg" "${PID[pk]}" $((now + 2000)) "${PID[pk]}" >"$outside/kmsg"
plant "$state/pk/kmsg.log" "$outside/kmsg"
before=$(fp)
printf '<6>oomguard hostile test: wake the watcher\n' >/dev/kmsg
sleep 0.2
not_through() { is_watcher "$1" && [ -L "$state/pk/kmsg.log" ] && [ "$(fp)" = "$2" ]; } # WATCHER FP-BEFORE
check "kmsg.log a symlink outside while the watcher runs: nothing appended through it" not_through "$w" "$before"
kill -KILL "$w"; plant "$state/pk/kmsg.log" "$outside/kmsg"
go pk; reap pk; uncg pk; poststop pk "$cfg" OOMGUARD_KMSG=/nonexistent/kmsg; r3=$?; v=$(verdict pk)
forged_kmsg() { # PID R3 VERDICT FP-BEFORE
        "$OOMGUARD" explain --json "$outside/kmsg" | grep -q "\"victim_pid\":$1[,}]" && [ "$2" -eq 0 ] &&
                [ "$(fields "$3" verdict init_killed kills.0)" = "verdict=unknown init_killed=null kills.0=null" ] &&
                [ "$(fp)" = "$4" ] && gone pk
}
# with the watcher killed, the cgroup gone and /dev/kmsg unreadable nothing
# says whether a kill happened: unknown, never none (docs/VERDICTS.md)
check "kmsg.log a symlink to forged kernel records (a kill of its init after create), /dev/kmsg unreadable at poststop: not believed (unknown, no kill), the file outside untouched" \
        forged_kmsg "${PID[pk]}" $r3 "$v" "$before" || echo "$v"
# FIFOs where the hook reads its state: it must not block until the runtime's timeout
hcase
proc pq true; mkdir -m 700 "$state/pq"; mkfifo "$state/pq/evidence.json"
timeout 10 bash -c "$(declare -f st oci_state hook_run); tmp=$tmp HOOK=$HOOK; st pq ${PID[pq]} | hook_run createRuntime $cfg"; r1=$?
expect "a FIFO planted as evidence.json: create does not block (exit $r1)" "$r1" 0
go pq; reap pq; uncg pq
hcase
rm -f "$state/pq/state.json" "$state/pq/evidence.json"; mkfifo "$state/pq/state.json"
timeout 10 bash -c "$(declare -f st oci_state hook_run); tmp=$tmp HOOK=$HOOK; st pq 0 stopped | hook_run poststop $cfg"; r3=$?
unrecorded_after() { [ "$1" -eq 0 ] && unrecorded "$2"; } # R3 ID: exit 0, no verdict, no state
check "a FIFO planted as state.json: poststop does not block (exit $r3), no verdict, state removed" unrecorded_after $r3 pq
rm -rf "$state/pq"
# the bundle's config.json a symlink outside, or a FIFO
hcase
mkdir -p "$tmp/b/lnk"; printf '{"annotations":{"org.oomguard.oom_score_adj":"-1000"},"linux":{"resources":{"memory":{"limit":1}}}}' >"$outside/config.json"
ln -s "$outside/config.json" "$tmp/b/lnk/config.json"
proc bl sleep 600; go bl
st bl "${PID[bl]}" creating "$tmp/b/lnk" | hook_run createRuntime "$fcfg"; r1=$?
not_followed() { [ "$1" -eq 0 ] && said "$tmp/b/lnk/config.json" && [ "$(adj "$2")" = "$auto" ]; } # R1 PID
check "the bundle's config.json a symlink outside: not followed (named in the log), the policy from the cgroup's own limit ($auto)" \
        not_followed $r1 "${PID[bl]}"
hcase
mkdir -p "$tmp/b/fifo"; mkfifo "$tmp/b/fifo/config.json"
timeout 10 bash -c "$(declare -f st oci_state hook_run); tmp=$tmp HOOK=$HOOK; st bl2 ${PID[bl]} creating $tmp/b/fifo | hook_run createRuntime $cfg"; r1=$?
expect "the bundle's config.json a FIFO: create does not block (exit $r1)" "$r1" 0
stop bl; uncg bl; poststop bl "$fcfg"; poststop bl2
# the state directory itself a symlink
hcase
ln -s "$outside" "$tmp/st/linked"; conf "$tmp/linked.json" "$tmp/st/linked" "$vlog"; conf "$tmp/linked-closed.json" "$tmp/st/linked" "$vlog" '"fail_closed":true'
proc sl true; before=$(fp)
create sl "$tmp/linked.json"; r1=$?; m1=$(cat "$tmp/last.err"); create sl "$tmp/linked-closed.json"; r2=$?
go sl; reap sl; uncg sl; poststop sl "$tmp/linked.json"; r3=$?
linked_state_dir() { # R1 M1 R2 R3 FP-BEFORE
        exited "$1" 0 "$2" "$tmp/st/linked" && [ "$3" -eq 1 ] && [ "$4" -eq 0 ] && [ "$(fp)" = "$5" ] && [ ! -e "$outside/sl" ]
}
check "state_dir a symlink to a directory outside: fail-open naming it, fail_closed refuses, nothing written through it" \
        linked_state_dir $r1 "$m1" $r2 $r3 "$before"
rm -f "$tmp/st/linked"
# the verdict log a symlink outside
hcase
ln -s "$outside/victim" "$tmp/log/linked.jsonl"; conf "$tmp/vlink.json" "$state" "$tmp/log/linked.jsonl"
proc vl true; create vl "$tmp/vlink.json"; go vl; reap vl; uncg vl; poststop vl "$tmp/vlink.json"; r3=$?
linked_log() { [ "$1" -eq 0 ] && said 'could not be appended' && canary && gone vl; } # R3
check "the verdict log a symlink to a file outside: exit 0, the log says it could not append, the file untouched, state removed" \
        linked_log $r3

echo "# 5. huge and garbage stdin"
proc gi sleep 600; go gi; gp=${PID[gi]}
echo 123 >"/proc/$gp/oom_score_adj"
pad() { # pad TOTAL: a valid state of exactly TOTAL bytes, padded in an annotation
        python3 - "$1" "$gp" "$tmp/b/plain" <<'PY'
import json, sys
n, pid, b = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = lambda p: json.dumps({"ociVersion": "1.0.2", "id": "pad", "status": "creating", "pid": pid,
                          "bundle": b, "annotations": {"x": p}}, separators=(",", ":"))
sys.stdout.write(s("a" * (n - len(s("")))))
PY
}
hcase
pad 1048576 | hook_run createRuntime "$cfg"; r1=$?
expect "a state of exactly 1 MiB: taken, the policy applied" "$r1 $(adj "$gp")" "0 $(expect_adj $L)"
poststop pad; echo 123 >"/proc/$gp/oom_score_adj"
garbage_case() { # R1 M1 R2 M2 R3 STATE-BEFORE
        [ "$1" -eq 0 ] && [ -n "$2" ] && exited "$3" 1 "$4" 'refusing the container' && [ "$5" -eq 0 ] &&
                [ "$(adj "$gp")" = 123 ] && [ "$(ls -A "$state")" = "$6" ]
}
gcase() { # gcase LABEL (stdin: the input): fail-open and fail_closed, nothing applied
        local in="$tmp/garbage.in" r1 r2 m1 m2 sbefore
        cat >"$in"
        sbefore=$(ls -A "$state")
        echo 123 >"/proc/$gp/oom_score_adj"
        hcase
        timeout 20 "$HOOK" createRuntime --config "$cfg" <"$in" 2>"$tmp/last.err"; r1=$?; m1=$(cat "$tmp/last.err")
        timeout 20 "$HOOK" createRuntime --config "$closed" <"$in" 2>"$tmp/last.err"; r2=$?; m2=$(cat "$tmp/last.err")
        timeout 20 "$HOOK" poststop --config "$cfg" <"$in" 2>/dev/null; r3=$?
        check "stdin: $1: fail-open exit $r1 saying why, fail_closed exit $r2, poststop exit $r3, nothing applied or written" \
                garbage_case $r1 "$m1" $r2 "$m2" $r3 "$sbefore" ||
                { head -c 300 <<<"$m1"; echo; head -c 300 <<<"$m2"; echo; }
        rm -f "$in"
}
# what an image's annotations make of the state never switches oomguard off
taken() { [ "$1" -eq 0 ] && [ "$(adj "$gp")" = "$(expect_adj $L)" ]; } # RC: exit 0, the policy applied
padded() { taken "$1" && { [ "$2" -lt 1100000 ] || said 'annotations take'; }; } # RC SIZE
for n in 1048577 $((2 << 20)); do
        hcase
        pad $n | hook_run createRuntime "$cfg"; r1=$?
        check "a state of $n bytes, padded in an annotation: taken, the policy applied$([ $n -gt 1100000 ] && echo ', the annotations said to be ignored')" \
                padded $r1 $n || cat "$tmp/last.err"
        poststop pad; echo 123 >"/proc/$gp/oom_score_adj"
done
hcase
{ pad 1048000; head -c $((50 << 20)) /dev/zero | tr '\0' ' '; } | hook_run createRuntime "$cfg"; r1=$?
trailing() { taken "$1" && said 'larger than 16 MiB'; } # RC
check "50 MB (a state then blanks): the state taken, the policy applied, the unread rest said" \
        trailing $r1 || cat "$tmp/last.err"
poststop pad; echo 123 >"/proc/$gp/oom_score_adj"
head -c $((50 << 20)) /dev/zero | gcase "50 MB of NUL bytes"
head -c $((4 << 20)) /dev/urandom | gcase "4 MiB of random bytes"
head -c 65536 /dev/urandom | gcase "64 KiB of random bytes"
printf '' | gcase "empty"
printf 'null' | gcase "null"
printf '[]' | gcase "[]"
printf '{}' | gcase "{}"
printf '{"id":"trunc-%s","status":"creating","pid":%s' $$ "$gp" | gcase "truncated JSON"
printf '\xef\xbb\xbf{"id":"bom-%s","status":"creating","pid":%s}' $$ "$gp" | gcase "a UTF-8 byte-order mark"
printf '{"id":"u16-%s","status":"creating","pid":%s}' $$ "$gp" | iconv -t UTF-16 | gcase "UTF-16"
printf '{"id":"bad-%s","status":"creating","pid":%s,"x":"\xff\xfe"}' $$ "$gp" | gcase "invalid UTF-8 in a string"
python3 -c 'import sys; n = 400000; sys.stdout.write("{\"id\":\"deep\",\"status\":\"creating\",\"pid\":%s,\"x\":" % sys.argv[1] + "[" * n + "]" * n + "}")' "$gp" |
        gcase "arrays nested 400000 deep (800 KB)"
python3 -c 'import sys; n = 100000; sys.stdout.write("{\"id\":\"deep\",\"status\":\"creating\",\"pid\":%s,\"x\":" % sys.argv[1] + "{\"a\":" * n + "1" + "}" * n + "}")' "$gp" |
        gcase "objects nested 100000 deep"
for p in -5 '"123"' 1e30 4194305 99999999999999999999 1.5 true 1 0; do
        printf '{"id":"pid-%s","status":"creating","pid":%s,"bundle":"%s"}' $$ "$p" "$tmp/b/plain" | gcase "pid $p"
done
( exit 0 ) & gone=$!; wait $gone
printf '{"id":"pid-%s","status":"creating","pid":%s,"bundle":"%s"}' $$ "$gone" "$tmp/b/plain" | gcase "the pid of a process that has exited"
hcase
printf '{"id":"stage-%s","status":"running","pid":%s}' $$ "$gp" >"$tmp/stage.in"
"$HOOK" --config "$closed" <"$tmp/stage.in" 2>"$tmp/last.err"; r=$?
unknown_stage() { [ "$1" -eq 1 ] && said 'unknown stage' && [ "$(adj "$gp")" = 123 ]; } # RC
check "no stage argument and status 'running': refused as an unknown stage with fail_closed (exit $r)" unknown_stage $r
stop gi; uncg gi
# through runc: annotations of 2 MiB in the state runc writes
hcase
rbundle hs "$cfg" '' /bin/true
python3 - "$tmp/b/hs/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["annotations"]["org.example.pad"] = "p" * (2 << 20)
json.dump(c, open(sys.argv[1], "w"))
PY
mark; sbefore=$(ls -A "$state")
rc=$(rrun hs)
big_state() { # RC STATE-BEFORE
        [ "$1" -eq 0 ] && since_mark | grep -q 'annotations take' && [ "$(nverdicts hs)" -eq 1 ] && [ "$(ls -A "$state")" = "$2" ]
}
check "runc, a 2 MiB state on the hook's stdin: the container runs (exit $rc), the hook says the annotations were ignored, one verdict, no state left" \
        big_state "$rc" "$sbefore" || { tail -c 300 "$tmp/hs.err"; since_mark | head -c 300; }
# a deeply nested config.json: runc refuses it itself; the shim hands over and does not crash
hcase
sbundle sdeep /bin/true
python3 - "$tmp/b/sdeep/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
s = json.dumps(c)
n = 400000
open(sys.argv[1], "w").write(s[:-1] + ',"x":' + "[" * n + "]" * n + "}")
PY
rc=$(srun sdeep)
deep_config() { own_error "$1" && grep -q 'level":"warning.*sdeep/config.json' "$tmp/sdeep.log"; } # RC
check "shim, a config.json nested 400000 deep: no crash (exit $rc), runc's own refusal, the shim's warning in the --log" \
        deep_config "$rc"
# the CLI reads the verdict log: a hostile line in it
hcase
python3 -c 'import sys; n = 400000; print("{\"id\":\"deep\",\"x\":" + "[" * n + "]" * n + "}"); print("[" * 100000)' >"$tmp/deep.jsonl"
cat "$vlog" >>"$tmp/deep.jsonl"
"$OOMGUARD" verdicts --log "$tmp/deep.jsonl" >"$tmp/deep.out" 2>&1; rc=$?
expect "oomguard verdicts --log, lines nested 400000 and 100000 deep among real ones: no crash (exit $rc), the real ones listed" \
        "$rc $(wc -l <"$tmp/deep.out")" "0 $(wc -l <"$vlog")"

echo "# 6. a 50 MB config.json"
big_config() { # big_config FILE: pad FILE's config.json to 50 MB in an extension field
        python3 - "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["org.example.padding"] = "p" * (50 << 20)
json.dump(c, open(sys.argv[1], "w"))
PY
}
hcase
oci_bundle "$tmp/b/huge" $L; big_config "$tmp/b/huge/config.json"
proc hh true; st hh "${PID[hh]}" creating "$tmp/b/huge" | hook_run createRuntime "$cfg"; r1=$?
huge_config() { # R1 PID
        [ "$1" -eq 0 ] && said "$tmp/b/huge/config.json: larger than 16 MiB" &&
                [ "$(adj "$2")" = "$(expect_adj $L)" ] && [ -f "$state/hh/state.json" ]
}
check "hook, a 50 MB config.json: refused by size naming the file, the policy still applied, exit 0" huge_config $r1 "${PID[hh]}"
go hh; reap hh; uncg hh; poststop hh
rm -rf "$tmp/b/huge"
hcase
rbundle rh "$cfg" '' /bin/true; big_config "$tmp/b/rh/config.json"
mark; rc=$(rrun rh)
huge_runc() { # RC
        [ "$1" -eq 0 ] && since_mark | grep -q "$tmp/b/rh/config.json: larger than 16 MiB" &&
                [ "$(field "$(verdict rh)" verdict)" = none ]
}
check "runc with the hook, a 50 MB config.json: the container runs (exit $rc), the hook names the file, the verdict is none" \
        huge_runc "$rc"
rm -rf "$tmp/b/rh"
hcase
sbundle shh /bin/true; big_config "$tmp/b/shh/config.json"; sum=$(md5sum <"$tmp/b/shh/config.json")
rc=$(srun shh)
huge_shim() { # RC SUM
        [ "$1" -eq 0 ] && [ "$(md5sum <"$tmp/b/shh/config.json")" = "$2" ] &&
                grep -q 'level":"warning.*shh/config.json.*larger than' "$tmp/shh.log"
}
check "shim, a 50 MB config.json: left as it is, the container runs (exit $rc), a warning naming the file in the --log" \
        huge_shim "$rc" "$sum"
hcase
"$RUNC" --root "$tmp/runc" delete -f shh >/dev/null 2>&1
rc=$(srun shh "$sclosed")
huge_shim_closed() { # RC
        [ "$1" -ne 0 ] && grep -q 'level":"error.*shh/config.json.*larger than' "$tmp/shh.log" &&
                ! "$RUNC" --root "$tmp/runc" state shh >/dev/null 2>&1
}
check "the same with fail_closed: refused before runc ran, an error line naming the file" huge_shim_closed "$rc"
rm -rf "$tmp/b/shh"

echo "# 7. missing, unwritable and read-only state and verdict-log directories"
mkdir -p "$tmp/ro/run" "$tmp/ro/log"
mount --bind "$tmp/ro" "$tmp/ro" && ro_mounted=1 && mount -o remount,bind,ro "$tmp/ro"
bad_state_dir() { # DIR ID RC SAID RC-CLOSED SAID-CLOSED
        [ "$3" -eq 0 ] && grep -F "$1" <<<"$4" | grep -qF "$2" && [ "$(nverdicts "$2")" -eq 0 ] &&
                [ "$5" -ne 0 ] && grep -F "$1" <<<"$6" | grep -q 'refusing the container' && canary
}
for sd in "$tmp/ro/run" "$tmp/ro/missing" /proc/oomguard-state "$tmp/no/such/dir" "$outside/victim"; do
        hcase
        n=sd$cases
        conf "$tmp/$n.json" "$sd" "$vlog"; conf "$tmp/$n-closed.json" "$sd" "$vlog" '"fail_closed":true'
        rbundle "$n" "$tmp/$n.json" '' /bin/true
        mark; rc=$(rrun "$n"); said1=$(since_mark)
        rbundle "$n-c" "$tmp/$n-closed.json" '' /bin/true
        mark; rcc=$(rrun "$n-c"); said2=$(since_mark)
        check "state_dir $sd: the container runs (exit $rc), the hook names the directory; fail_closed: runc refuses it (exit $rcc) saying why" \
                bad_state_dir "$sd" "$n" "$rc" "$said1" "$rcc" "$said2" ||
                { echo "$said1"; echo "$said2"; }
done
bad_log() { # LOG ID RC
        [ "$3" -eq 0 ] && since_mark | grep -qF "$2: the verdict could not be appended to $1" && gone "$2" && no_holders "$state/$2"
}
for vd in "$tmp/ro/log/verdicts.jsonl" "$tmp/ro/missing/verdicts.jsonl" /proc/oomguard/verdicts.jsonl; do
        hcase
        n=vd$cases
        conf "$tmp/$n.json" "$state" "$vd"
        rbundle "$n" "$tmp/$n.json" '' /bin/true
        mark; rc=$(rrun "$n")
        check "verdict_log $vd: the container runs (exit $rc), the hook says it could not append, no state left" \
                bad_log "$vd" "$n" "$rc"
done
umount "$tmp/ro" && ro_mounted=

echo "# 8. /dev/kmsg unreadable at poststop (OOMGUARD_KMSG=/nonexistent)"
# an OOM whose watcher was killed first: only the counters are left
hcase
proc ko "$HOG" 512; create ko; w=$(await_watcher ko); kill -KILL "$w"; rm -f "$state/ko/kmsg.log"
go ko; reap ko; s=$?
poststop ko "$cfg" OOMGUARD_KMSG=/nonexistent/kmsg; r3=$?; v=$(verdict ko)
counted() { # STATUS R3 VERDICT
        [ "$1" -eq 137 ] && [ "$2" -eq 0 ] && [ "$(field "$3" verdict)" != none ] &&
                [ "$(fields "$3" evidence.counters evidence.kmsg)" = "evidence.counters=true evidence.kmsg=false" ] &&
                said 'deciding from the cgroup counters alone' && grep -q 'counted 1 kill' <<<"$(field "$3" summary)"
}
check "an OOM (exit $s), no kernel log, no watcher: decided from the counters, and said so" counted $s $r3 "$v" ||
        echo "$v"
uncg ko
# exit 0 with fake records written meanwhile; the watcher's copy holds none of them
hcase
proc kz sleep 0.5; create kz; go kz
for m in "${fake[@]:1:2}"; do printf '%s' "${m//$kpid/${PID[kz]}}" | sed "s|$kcg|$rel/${base##*/}/kz|g" >/dev/kmsg; done
reap kz; poststop kz "$cfg" OOMGUARD_KMSG=/nonexistent/kmsg; r3=$?; v=$(verdict kz)
counted_none() { # R3 VERDICT
        [ "$1" -eq 0 ] && [ "$(fields "$2" verdict kills.0 evidence.counters)" = "verdict=none kills.0=null evidence.counters=true" ] &&
                said 'deciding from the cgroup counters alone'
}
check "exit 0, fake records meanwhile, no kernel log: verdict none from the counters, nothing invented, and said" \
        counted_none $r3 "$v" || echo "$v"
uncg kz
# the watcher killed, no kernel log, and the runtime removed the cgroup:
# nothing is left that saw the death; the verdict must not claim counters
hcase
rbundle kw "$cfg" '' /bin/sh -c 'sleep 1; exec /bin/oomguard-hog 512'
rrun kw OOMGUARD_KMSG=/nonexistent/kmsg >"$tmp/kw.status" &
for i in $(seq 100); do [ -n "$(watcher_of kw)" ] && break; sleep 0.05; done
kill -KILL "$(watcher_of kw)"; wait
v=$(verdict kw)
not_stale() { # STATUS VERDICT
        [ "$1" -eq 137 ] && [ "$(fields "$2" verdict evidence.counters)" != "verdict=none evidence.counters=true" ]
}
check "runc, OOM (exit $(cat "$tmp/kw.status")), watcher killed, no kernel log, cgroup gone: no 'none' resting on counters from before the death" \
        not_stale "$(cat "$tmp/kw.status")" "$v" || echo "$v"

echo "# 9. the cgroup vanishing between create and poststop; the watcher killed"
hcase
proc va true; create va; w=$(await_watcher va); go va; reap va; uncg va
check "exit 0, the cgroup removed: the watcher leaves with it" no_holders "$state/va"
poststop va; v=$(verdict va)
from_counters() { [ "$(fields "$1" verdict evidence.counters)" = "verdict=none evidence.counters=true" ] && gone va; } # VERDICT
check "… verdict none from the watcher's counters, state removed" from_counters "$v"
hcase
proc vb "$HOG" 512; create vb; go vb; reap vb; uncg vb; poststop vb; v=$(verdict vb)
expect "an OOM, the cgroup removed before poststop: memcg, init killed, counters from the watcher" \
        "$(fields "$v" verdict init_killed evidence.counters)" "verdict=memcg init_killed=true evidence.counters=true" ||
        echo "$v"
hcase
proc vc sleep 600; create vc; w=$(await_watcher vc); go vc
mkdir "$base/vc-moved"; echo "${PID[vc]}" >"$base/vc-moved/cgroup.procs"; uncg vc
left_with() { no_holders "$state/$1" && ! is_watcher "$2"; } # ID WATCHER
check "the cgroup removed under a running process: the watcher leaves" left_with vc "$w"
stop vc; poststop vc; r3=$?; rmdir "$base/vc-moved"
none_after() { [ "$1" -eq 0 ] && none_gone "$2"; } # R3 ID
check "… poststop exit 0, verdict none, state removed" none_after $r3 vc
hcase
proc wa "$HOG" 512; create wa; w=$(await_watcher wa); kill -KILL "$w"; go wa; reap wa; poststop wa; v=$(verdict wa)
expect "watcher killed, OOM, cgroup still there: memcg from the kernel and the live counters" \
        "$(fields "$v" verdict evidence.kmsg evidence.counters)" "verdict=memcg evidence.kmsg=true evidence.counters=true" ||
        echo "$v"
uncg wa
hcase
proc wb "$HOG" 512; create wb; w=$(await_watcher wb); kill -KILL "$w"; go wb; reap wb; uncg wb; poststop wb; v=$(verdict wb)
expect "watcher killed, OOM, cgroup removed: memcg from the kernel's records, counters not claimed" \
        "$(fields "$v" verdict evidence.kmsg evidence.counters)" "verdict=memcg evidence.kmsg=true evidence.counters=false" ||
        echo "$v"
hcase
proc wc true; create wc; w=$(await_watcher wc); kill -KILL "$w"; sleep 0.1
create wc
for i in $(seq 100); do w2=$(watcher_of wc); [ -n "$w2" ] && [ "$w2" != "$w" ] && break; sleep 0.02; done
new_watcher() { [ "$1" != "$2" ] && is_watcher "$1"; } # NEW OLD
check "watcher killed, then create again (prestart): a new watcher runs" new_watcher "$w2" "$w"
go wc; reap wc; uncg wc; poststop wc
once_none() { once "$1" && none_gone "$1"; } # ID: one verdict, none, nothing left
check "… one verdict none, state removed, no watcher left" once_none wc

echo "# 10. the hook killed (SIGKILL) during create and during poststop"
hostcfg="$tmp/host.json"
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s","swap":"none","writeback":"host"}\n' "$state" "$vlog" >"$hostcfg"
# the administrator's own vm.dirty_* in bytes (a plain file cannot zero
# dirty_bytes when dirty_ratio is written, as the kernel does): what
# oomguard writes back is then exactly comparable
printf '%s\n' $((256 << 20)) >"$OOMGUARD_SYSCTL_VM/dirty_bytes"
printf '%s\n' $((128 << 20)) >"$OOMGUARD_SYSCTL_VM/dirty_background_bytes"
printf '0\n' >"$OOMGUARD_SYSCTL_VM/dirty_ratio"; printf '0\n' >"$OOMGUARD_SYSCTL_VM/dirty_background_ratio"
vm0=$(cat "$OOMGUARD_SYSCTL_VM"/dirty_bytes "$OOMGUARD_SYSCTL_VM"/dirty_background_bytes)
killed_create() { # R3 ID AGAIN: exit 0, at most one verdict (one after a second create), nothing left
        [ "$1" -eq 0 ] && [ "$(nverdicts "$2")" -le 1 ] && { [ "$3" -eq 0 ] || [ "$(nverdicts "$2")" -eq 1 ]; } &&
                gone "$2" && no_holders "$state/$2"
}
n=0
for d in 0.0005 0.001 0.0015 0.002 0.003 0.004 0.005 0.007 0.01 0.015 0.02 0.05; do
        hcase; n=$((n + 1)); id=kc$n
        proc "$id" true
        st "$id" "${PID[$id]}" >"$tmp/$id.state"
        (timeout --foreground -s KILL "$d" "$HOOK" createRuntime --config "$cfg" <"$tmp/$id.state") 2>/dev/null
        left=nothing
        [ -d "$state/$id" ] && left="its directory"
        [ -f "$state/$id/state.json" ] && left="its state"
        [ -n "$(watcher_of "$id")" ] && left="its state and a watcher"
        again=$((n % 2))
        [ $again -eq 0 ] || create "$id"
        go "$id"; reap "$id"; uncg "$id"; poststop "$id"; r3=$?
        check "create killed after ${d}s (left $left)$([ $again -eq 1 ] && echo ', then create again'): poststop exit 0, $([ $again -eq 1 ] && echo 'one verdict' || echo 'at most one verdict'), no state, no watcher left" \
                killed_create $r3 "$id" $again
done
# killed while it holds the state and a watcher, the state directory's
# lock held meanwhile (create takes it no more: the host mode's watchers
# and poststop do; blocked says whether it still waited there)
hcase
proc kl true
exec {lk}<"$state"; flock -x "$lk"
st kl "${PID[kl]}" | "$HOOK" createRuntime --config "$hostcfg" 2>/dev/null &
hk=$!
for _ in $(seq 100); do [ -n "$(watcher_of kl)" ] && [ -s "$state/kl/state.json" ] && break; sleep 0.02; done
sleep 0.2
blocked=$(kill -0 $hk 2>/dev/null && echo yes || echo no)
kill -KILL $hk 2>/dev/null; wait $hk 2>/dev/null
flock -u "$lk"; exec {lk}<&-
go kl; reap kl; uncg kl; poststop kl "$hostcfg"; r3=$?
once_after() { [ "$1" -eq 0 ] && once "$2"; } # R3 ID: exit 0, one verdict, nothing left
check "create killed after writing its state and starting its watcher (blocked on the lock: $blocked): poststop records one verdict, no state, no watcher" \
        once_after $r3 kl
vm_back() { [ "$(cat "$OOMGUARD_SYSCTL_VM/dirty_bytes" "$OOMGUARD_SYSCTL_VM/dirty_background_bytes")" = "$1" ] && gone _dirty.json; } # VALUES
check "… and the private vm.dirty_* hold their values again" vm_back "$vm0"
# poststop killed while it waits for the verdict log's lock: the next one records it
hcase
proc kp true; create kp; go kp; reap kp; uncg kp
touch "$vlog"; exec {lk}>>"$vlog"; flock -x "$lk"
st kp 0 stopped | "$HOOK" poststop --config "$cfg" 2>/dev/null &
hk=$!
sleep 0.5
blocked=$(kill -0 $hk 2>/dev/null && echo yes || echo no)
kill -KILL $hk; wait $hk 2>/dev/null
flock -u "$lk"; exec {lk}>&-
kept() { [ "$1" = yes ] && [ "$(nverdicts kp)" -eq 0 ] && [ -f "$state/kp/state.json" ]; } # BLOCKED
check "poststop killed while it waits to append (blocked: $blocked): no verdict yet, the state kept" kept $blocked
poststop kp; r3=$?
next_records() { [ "$1" -eq 0 ] && [ "$(nverdicts kp)" -eq 1 ] && gone kp; } # R3
check "… the next poststop records exactly one verdict and removes the state" next_records $r3
n=0
for d in 0.0005 0.001 0.002 0.003 0.005 0.008 0.012 0.02; do
        hcase; n=$((n + 1)); id=kq$n
        proc "$id" true; create "$id"; go "$id"; reap "$id"; uncg "$id"
        st "$id" 0 stopped >"$tmp/$id.state"
        (timeout --foreground -s KILL "$d" "$HOOK" poststop --config "$cfg" <"$tmp/$id.state") 2>/dev/null
        left=$([ -e "$state/$id" ] && echo "its state" || echo "no state"); first=$(nverdicts "$id")
        poststop "$id"; r3=$?
        check "poststop killed after ${d}s (left $left, $first verdict), then poststop again: exit 0, one verdict ($(nverdicts $id)), no state, no watcher" \
                once_after $r3 "$id"
done

echo "# 11. poststop without create"
hcase
st never-$$ 0 stopped | hook_run poststop "$cfg"; r3=$?
no_state() { [ "$1" -eq 0 ] && said 'no state' && [ "$(nverdicts never-$$)" -eq 0 ]; } # R3
check "an id never created: exit 0, says there is no state, no verdict" no_state $r3
hcase
printf '{"ociVersion":"1.0.2","id":"never-%s","status":"stopped"}' $$ | "$HOOK" --config "$cfg" 2>"$tmp/last.err"; r3=$?
check "the same with no stage argument and no pid (stage from the status): exit 0, no verdict" no_state $r3
hcase
mkdir -m 700 "$state/empty-$$"; st empty-$$ 0 stopped | hook_run poststop "$cfg"; r3=$?
check "an empty state directory (a create killed early): exit 0, removed, no verdict" unrecorded_after $r3 empty-$$
hcase
mkdir -m 700 "$state/junk-$$"; printf '{"cgroup":' >"$state/junk-$$/state.json"; head -c 3000 /dev/urandom >"$state/junk-$$/evidence.json"
st junk-$$ 0 stopped | hook_run poststop "$cfg"; r3=$?
junk() { [ "$1" -eq 0 ] && said 'state.json' && unrecorded junk-$$; } # R3
check "a garbage state.json and evidence.json: exit 0 saying why, removed, no verdict" junk $r3

echo "# the end: nothing left behind"
check "no state left in the state directory" test -z "$(ls -A "$state" 2>/dev/null)" || ls -lA "$state"
check "no watcher left: nothing holds a state directory of this run open" no_holders "$state" || holders "$state"
as_planted() { canary && [ "$(cat "$tmp/st/esc-$$/keep" "$tmp/esc-$$/keep")" = "$(printf 'keep\nkeep')" ] && ! escaped; }
check "nothing outside the state directory was written: the planted files are as they were" as_planted
echo "$cases hostile cases"
finish
