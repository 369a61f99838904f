#!/usr/bin/env bash
# oomguard-shim in front of real runc: bundles without any hook, as engines
# write them; the shim adds the hook and the policy, runc does the rest.
# Same private mount namespace and cgroups as runc.sh (see runc-lib.sh).
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=runc-lib.sh
. "$here/runc-lib.sh"
runc_reexec "$0" "$@"
runc_binaries
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
# shellcheck source=verdict-lib.sh
. "$here/verdict-lib.sh"
runc_suite oomguard-shim
cfg="$tmp/config.json"
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s/log/verdicts.jsonl","runtime":"%s"}\n' \
        "$tmp" "$tmp" "$RUNC" >"$cfg"
vlog="$tmp/log/verdicts.jsonl"
L=$((32 << 20))
export OOMGUARD_CONFIG="$cfg"

bundle() { # bundle ID LIMIT ANNOTATIONS-JSON CMD... (no hook: the shim adds it)
        local id=$1 lim=$2 ann=$3; shift 3
        runc_bundle "$tmp/b/$id" "$id" "$lim" "$ann" - - "$@"
}
S() { "$SHIM" --root "$tmp/runc" --log "$tmp/$1.log" --log-format json "${@:2}"; }
run() { # run ID -> exit status; stdout in $tmp/ID.out
        RUNC_CONTAINERS+=("$1")
        (cd "$tmp/b/$1" && S "$1" run "$1" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null)
        echo $?
}
hooks_of() { python3 -c 'import json,sys; h=json.load(open(sys.argv[1])).get("hooks",{}); print(len(h.get("createRuntime",[])), len(h.get("poststop",[])))' "$1"; }
spec_of() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v.get(k) if isinstance(v,dict) else None
print(v)' "$1" "$2"; }

# 1. PID 1 over its limit, through the shim alone
bundle s1-$$ $L '' /bin/sh -c 'cat /proc/self/oom_score_adj; exec /bin/oomguard-hog 512'
st=$(run s1-$$); v=$(verdict s1-$$)
expect "shim run: PID 1 over its limit exits 137, verdict memcg, init_killed true" \
        "$st $(fields "$v" verdict init_killed kills.0.victim_comm)" "137 verdict=memcg init_killed=true kills.0.victim_comm=oomguard-hog"
expect "the bundle got oomguard-hook once per stage, and oomScoreAdj $(expect_adj $L)" \
        "hooks $(hooks_of "$tmp/b/s1-$$/config.json"), adj $(spec_of "$tmp/b/s1-$$/config.json" process.oomScoreAdj)" \
        "hooks 1 1, adj $(expect_adj $L)"
expect "inside the container oom_score_adj is the verdict's" "$(cat "$tmp/s1-$$.out")" "$(field "$v" oom_score_adj)"

# 2. the same bundle again, as a restart: the same cgroup path a moment
# after its OOM kill. Nothing doubles; the earlier kill is not this life's.
sed -i 's|"oomguard-hog", "512"|"true"|; s|exec /bin/oomguard-hog 512|true|' "$tmp/b/s1-$$/config.json"
cp -r "$tmp/b/s1-$$" "$tmp/b/s2-$$"
st=$(run s2-$$); v=$(verdict s2-$$)
expect "a restart: one hook per stage; a clean exit is none, not the last life's OOM" \
        "$st, hooks $(hooks_of "$tmp/b/s2-$$/config.json"), $(fields "$v" verdict)" "0, hooks 1 1, verdict=none"

# 3. the engines' way: create, start, delete. The watcher is killed before
# start, so only the shim's snapshot before delete can give the counters.
bundle s3-$$ $L '' /bin/sh -c '/bin/oomguard-hog 512; exit 0'
RUNC_CONTAINERS+=("s3-$$")
(cd "$tmp" && S s3-$$ create --bundle "$tmp/b/s3-$$" --pid-file "$tmp/s3.pid" s3-$$ </dev/null >/dev/null 2>&1)
wpid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["watcher_pid"])' "$tmp/run/s3-$$/evidence.json" 2>/dev/null)
[ -n "$wpid" ] && kill -KILL "$wpid"
S s3-$$ start s3-$$
for i in $(seq 100); do "$RUNC" --root "$tmp/runc" state s3-$$ 2>/dev/null | grep -q '"stopped"' && break; sleep 0.05; done
S s3-$$ delete s3-$$
v=$(verdict s3-$$)
expect "create/start/delete: child OOM, verdict memcg, init_killed false" \
        "watcher=${wpid:+found} $(fields "$v" verdict init_killed)" "watcher=found verdict=memcg init_killed=false" || echo "$v"
expect "with the watcher dead, the shim's snapshot before delete gave the counters" "$(field "$v" evidence.counters)" true
check "and no warning or error in the engine's log" not grep -q '"level":"\(warning\|error\)"' "$tmp/s3-$$.log"

# 4. the swap policy and an annotation below the floor, as the runtime sees them
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s","runtime":"%s","swap":"none"}\n' "$tmp" "$vlog" "$RUNC" >"$tmp/swap.json"
bundle s4-$$ $L '{"org.oomguard.oom_score_adj":"-1000"}' /bin/cat /proc/self/oom_score_adj
st=$(OOMGUARD_CONFIG="$tmp/swap.json" run s4-$$)
expect "swap none: config.json memory.swap = limit; annotation -1000 runs at the floor 0" \
        "$st, swap $(spec_of "$tmp/b/s4-$$/config.json" linux.resources.memory.swap), in=$(cat "$tmp/s4-$$.out")" "0, swap $L, in=0"

# 5. trouble: a config.json the shim will not touch (a symlink). Fail-open
# runs the container and says why in the engine's log; fail_closed refuses.
bundle s5-$$ $L '' /bin/true
mv "$tmp/b/s5-$$/config.json" "$tmp/b/s5-$$/real.json"; ln -s real.json "$tmp/b/s5-$$/config.json"
st=$(run s5-$$)
check "fail-open: the container runs, the --log file has a warning naming the file" \
        exited "$st" 0 "$(cat "$tmp/s5-$$.log")" '"level":"warning".*config.json'
cp -a "$tmp/b/s5-$$" "$tmp/b/s6-$$"
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s","runtime":"%s","fail_closed":true}\n' "$tmp" "$vlog" "$RUNC" >"$tmp/closed.json"
st=$(OOMGUARD_CONFIG="$tmp/closed.json" run s6-$$)
refused_before_runc() { # STATUS ID: an error in the ID's --log file, and runc never ran it
        [ "$1" -ne 0 ] && grep -q '"level":"error".*fail_closed' "$tmp/$2.log" &&
                ! "$RUNC" --root "$tmp/runc" state "$2" >/dev/null 2>&1
}
check "fail_closed: refused before runc ran, an error line in the --log file" refused_before_runc "$st" s6-$$

# 6. no runtime to hand over to: an error where Docker and containerd look
st=$(cd "$tmp" && OOMGUARD_RUNTIME=/nonexistent/runc "$SHIM" --log "$tmp/nort.log" --log-format json state x >/dev/null 2>&1; echo $?)
error_names_runtime() { # STATUS LOG: exit 1 and a JSON error line naming /nonexistent/runc
        [ "$1" -eq 1 ] && python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); sys.exit(not (d["level"] == "error" and "/nonexistent/runc" in d["msg"]))' "$2"
}
check "a missing runtime: exit 1 and a JSON error line naming it" error_names_runtime "$st" "$tmp/nort.log"
printf '{"runtime":"%s"}\n' "$SHIM" >"$tmp/self.json"
out=$(OOMGUARD_CONFIG="$tmp/self.json" timeout 10 "$SHIM" --version 2>&1); st=$?
check "configured as its own runtime, the shim never execs itself: runc answers instead (exit $st)" exited "$st" 0 "$out" '^runc version'

# 7. everything else passes through untouched, without PATH (podman's delete)
expect "--version and list are runc's own" \
        "$(env -i OOMGUARD_CONFIG="$cfg" "$SHIM" --version) / list: $("$SHIM" --root "$tmp/runc" list -q)" \
        "$("$RUNC" --version) / list: $("$RUNC" --root "$tmp/runc" list -q)"

expect "no state left behind" "$(ls -A "$tmp/run" 2>/dev/null)" "" || ls -lAR "$tmp/run"
finish
