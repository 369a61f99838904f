#!/usr/bin/env bash
# Real runc containers with oomguard-hook registered in their config.json.
# runc's cgroupfs driver creates the cgroups path in every v1 hierarchy it
# sees; this host puts the test in a memory cgroup but at the root of the
# others. So the script runs in a private mount namespace where only the
# memory and devices hierarchies are mounted (runc cannot do without
# devices): containers live under the test's own memory cgroup, and the one
# devices path runc creates is recorded and removed by exactly what it added.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=runc-lib.sh
. "$here/runc-lib.sh"
runc_reexec "$0" "$@"
runc_binaries
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
# shellcheck source=verdict-lib.sh
. "$here/verdict-lib.sh"
runc_suite oomguard-runc
cfg="$tmp/config.json"
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s/log/verdicts.jsonl","swap":"none"}\n' "$tmp" "$tmp" >"$cfg"
vlog="$tmp/log/verdicts.jsonl"

bundle() { # bundle ID CGROUP LIMIT ANNOTATIONS-JSON CMD...
        local id=$1 cg=$2 lim=$3 ann=$4; shift 4
        runc_bundle "$tmp/b/$id" "$cg" "$lim" "$ann" "$HOOK" "${HOOK_CONFIG:-$cfg}" "$@"
}
run() { # run ID -> stdout in $tmp/ID.out, exit status echoed
        RUNC_CONTAINERS+=("$1")
        (cd "$tmp/b/$1" && "$RUNC" --root "$tmp/runc" run "$1" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null)
        echo $?
}
L=$((32 << 20))

# 1. PID 1 exceeds the container's limit
bundle c1-$$ c1 $L '' /bin/sh -c 'cat /proc/self/oom_score_adj; exec /bin/oomguard-hog 512'
st=$(run c1-$$); v=$(verdict c1-$$)
expect "runc: PID 1 over its limit exits 137" "$st" 137
expect "verdict memcg, init_killed true, victim oomguard-hog" "$(fields "$v" verdict init_killed kills.0.victim_comm)" \
        "verdict=memcg init_killed=true kills.0.victim_comm=oomguard-hog"
expect "inside the container oom_score_adj is the verdict's ($(expect_adj $L))" \
        "in=$(cat "$tmp/c1-$$.out") $(fields "$v" oom_score_adj)" "in=$(expect_adj $L) oom_score_adj=$(expect_adj $L)"
expect "the verdict names the container's cgroup" "$(field "$v" cgroup)" "$rel/oomguard-runc-$$/c1"
has_page_cache() { [ "$(field "$1" page_cache.dirty_bytes)" != null ] && [ "$(field "$1" page_cache.file_bytes)" != null ]; }
check "the verdict carries the page cache at the OOM (dirty, writeback, file)" has_page_cache "$v"

# (on a loaded host the watcher's last read may come before the kill is
# counted: then the kernel's record decides, which the verdict says)
has_evidence() { # VERDICT: a peak, and the counters or the kernel's record
        [ "$(field "$1" peak_bytes)" != null ] &&
                { [ "$(field "$1" evidence.counters)" = true ] || [ "$(field "$1" evidence.kmsg)" = true ]; }
}
check "runc deleted the cgroup before poststop, yet the watcher's evidence is there (peak; counters or the kernel's record)" has_evidence "$v"

# the watcher: alive while its container runs, small, gone with it
bundle cw-$$ cw $L '' /bin/sh -c 'sleep 2'
run cw-$$ >/dev/null &
for i in $(seq 50); do [ -s "$tmp/run/cw-$$/evidence.json" ] && break; sleep 0.05; done
wpid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["watcher_pid"])' "$tmp/run/cw-$$/evidence.json" 2>/dev/null)
wrss=$(awk '/^VmRSS:/ {print $2}' /proc/$wpid/status 2>/dev/null)
# (the 4 MB bound is for real builds; AddressSanitizer's shadow memory alone exceeds it)
bound=$([ -n "${SANITIZED:-}" ] && echo 1000000 || echo 4096)
small_watcher() { # PID RSS BOUND: an oomguard-watch whose RSS is below BOUND
        [ -n "$2" ] && [ "$2" -lt "$3" ] && [ "$(cat "/proc/$1/comm")" = oomguard-watch ]
}
check "a watcher runs beside the container (pid $wpid, RSS ${wrss:-?} kB, below $bound kB)" small_watcher "$wpid" "$wrss" "$bound"
wait
for i in $(seq 50); do [ -e /proc/$wpid ] || break; sleep 0.1; done
check "the watcher exits with its container" [ ! -e "/proc/$wpid" ]
echo "$wrss" >"$tmp/watcher-rss" # for the README figure

# the watcher killed before the OOM: the kernel's records still decide
bundle ck-$$ ck $L '' /bin/sh -c 'sleep 1; exec /bin/oomguard-hog 512'
run ck-$$ >"$tmp/ck.status" &
for i in $(seq 50); do [ -s "$tmp/run/ck-$$/evidence.json" ] && break; sleep 0.05; done
kpid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["watcher_pid"])' "$tmp/run/ck-$$/evidence.json")
kill -KILL "$kpid"; wait
v=$(verdict ck-$$)
expect "with its watcher killed, the verdict is still memcg from the kernel's records" \
        "$(fields "$v" verdict evidence.kmsg evidence.counters)" "verdict=memcg evidence.kmsg=true evidence.counters=false"

# 2. a child exceeds the limit; PID 1 survives and exits 0
bundle c2-$$ c2 $L '' /bin/sh -c '/bin/oomguard-hog 512; exit 0'
st=$(run c2-$$); v=$(verdict c2-$$)
expect "runc: child OOM, PID 1 exits 0; verdict memcg, init_killed false" "$st $(fields "$v" verdict init_killed)" \
        "0 verdict=memcg init_killed=false"

# 3. nested under a parent whose limit is lower than the container's own
mkdir "$base/pod"; echo $L >"$base/pod/memory.limit_in_bytes"
echo $L >"$base/pod/memory.memsw.limit_in_bytes" 2>/dev/null
bundle c3-$$ pod/c3 $((64 << 20)) '' /bin/oomguard-hog 512
st=$(run c3-$$); v=$(verdict c3-$$)
expect "runc: a parent's lower limit: ancestor-memcg naming the parent" "$st $(fields "$v" verdict oom_memcg)" \
        "137 verdict=ancestor-memcg oom_memcg=$rel/oomguard-runc-$$/pod"
check "runc: the verdict says the pod's 32 MiB and the container's own 64 MiB" \
        grep -q 'reached its limit (32 MiB), not the container.s own (64 MiB)' <<<"$(field "$v" summary)"

# 4. no OOM: a normal exit, a non-zero exit, runc kill ... KILL from outside
bundle c4a-$$ c4a $L '' /bin/true
bundle c4b-$$ c4b $L '' /bin/sh -c 'exit 3'
bundle c4c-$$ c4c $L '' /bin/sleep 30
sta=$(run c4a-$$); stb=$(run c4b-$$)
run c4c-$$ >"$tmp/c4c.status" &
for i in $(seq 50); do "$RUNC" --root "$tmp/runc" state c4c-$$ 2>/dev/null | grep -q running && break; sleep 0.1; done
"$RUNC" --root "$tmp/runc" kill c4c-$$ KILL; wait
expect "runc: exits 0, 3 and 137 (killed from outside)" "$sta $stb $(cat "$tmp/c4c.status")" "0 3 137"
for c in c4a c4b c4c; do
        v=$(verdict $c-$$)
        expect "$c: verdict none, no false OOM" "$(fields "$v" verdict init_killed)" "verdict=none init_killed=false"
done

# 5. two containers OOM at the same moment
bundle c5a-$$ c5a $L '' /bin/oomguard-hog 512
bundle c5b-$$ c5b $L '' /bin/oomguard-hog 512
run c5a-$$ >/dev/null & run c5b-$$ >/dev/null & wait
va=$(verdict c5a-$$); vb=$(verdict c5b-$$)
expect "runc: two at once, each verdict memcg with only its own kill" \
        "$(fields "$va" verdict kills.0.task_memcg kills.1) / $(fields "$vb" verdict kills.0.task_memcg)" \
        "verdict=memcg kills.0.task_memcg=$rel/oomguard-runc-$$/c5a kills.1=null / verdict=memcg kills.0.task_memcg=$rel/oomguard-runc-$$/c5b"

# 6. an annotation asking for less than the floor is clamped, and said
bundle c6-$$ c6 $L '{"org.oomguard.oom_score_adj":"-1000"}' /bin/cat /proc/self/oom_score_adj
st=$(run c6-$$)
expect "runc: an annotation of -1000 runs at the floor 0" "$st in=$(cat "$tmp/c6-$$.out")" "0 in=0"
v=$(verdict c6-$$)
expect "and the verdict log says so" "$(field "$v" notes.0)" 'oom_score_adj -1000 is below the configured floor 0: using 0'

# 7. the swap policy: memory+swap equals the limit while it runs
bundle c7-$$ c7 $L '' /bin/sh -c 'sleep 1'
run c7-$$ >/dev/null &
for i in $(seq 50); do [ -e "$base/c7/memory.memsw.limit_in_bytes" ] && [ "$(cat "$base/c7/memory.memsw.limit_in_bytes")" = $L ] && break; sleep 0.05; done
expect "runc: swap 'none' wrote memory.memsw.limit_in_bytes = $L" "$(cat "$base/c7/memory.memsw.limit_in_bytes" 2>/dev/null)" $L
wait

# 8. hook trouble: fail-open runs the container, fail_closed refuses it
printf '{"state_dir":"/proc/oomguard-state"}\n' >"$tmp/open.json"
printf '{"state_dir":"/proc/oomguard-state","fail_closed":true}\n' >"$tmp/closed.json"
HOOK_CONFIG="$tmp/open.json" bundle c8a-$$ c8a $L '' /bin/true
HOOK_CONFIG="$tmp/closed.json" bundle c8b-$$ c8b $L '' /bin/true
sta=$(run c8a-$$); stb=$(run c8b-$$)
# (runc shows a hook's stderr only when it fails; the reason then goes to
# syslog, which this host does not run: hook.sh checks the message itself)
expect "runc: hook trouble, fail-open: the container runs (exit 0)" "$sta" 0
refused() { [ "$1" -ne 0 ] && grep -q 'refusing the container' "$2"; } # STATUS STDERR
check "runc: the same with fail_closed: runc refuses the container, naming the hook" refused "$stb" "$tmp/c8b-$$.err"

expect "no state left behind" "$(ls -A "$tmp/run" 2>/dev/null)" "" || ls -lAR "$tmp/run"
finish
