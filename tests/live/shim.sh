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
# shellcheck source=tap.sh
. "$here/tap.sh"
# shellcheck source=verdict-lib.sh
. "$here/verdict-lib.sh"
runc_setup oomguard-shim || { echo "0 passed, 1 failed"; exit 1; }
cfg="$tmp/config.json"
printf '{"state_dir":"%s/run","verdict_log":"%s/log/verdicts.jsonl","runtime":"%s"}\n' \
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
check "shim run: PID 1 over its limit exits 137, verdict memcg, init_killed true" "[ $st -eq 137 ] && [ '$(field "$v" verdict)' = memcg ] && [ '$(field "$v" init_killed)' = true ] && [ '$(field "$v" kills.0.victim_comm)' = oomguard-hog ]"
check "the bundle got oomguard-hook once per stage, and oomScoreAdj $(expect_adj $L)" "[ \"\$(hooks_of $tmp/b/s1-$$/config.json)\" = '1 1' ] && [ \"\$(spec_of $tmp/b/s1-$$/config.json process.oomScoreAdj)\" = $(expect_adj $L) ]"
check "inside the container oom_score_adj is the verdict's" "[ \"\$(cat $tmp/s1-$$.out)\" = '$(field "$v" oom_score_adj)' ]"

# 2. the same bundle again, as a restart: the same cgroup path a moment
# after its OOM kill. Nothing doubles; the earlier kill is not this life's.
sed -i 's|"oomguard-hog", "512"|"true"|; s|exec /bin/oomguard-hog 512|true|' "$tmp/b/s1-$$/config.json"
cp -r "$tmp/b/s1-$$" "$tmp/b/s2-$$"
st=$(run s2-$$); v=$(verdict s2-$$)
check "a restart: one hook per stage; a clean exit is none, not the last life's OOM" "[ $st -eq 0 ] && [ \"\$(hooks_of $tmp/b/s2-$$/config.json)\" = '1 1' ] && [ '$(field "$v" verdict)' = none ]"

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
check "create/start/delete: child OOM, verdict memcg, init_killed false" "[ -n '$wpid' ] && [ '$(field "$v" verdict)' = memcg ] && [ '$(field "$v" init_killed)' = false ]" || echo "$v"
check "with the watcher dead, the shim's snapshot before delete gave the counters" "[ '$(field "$v" evidence.counters)' = true ]"
check "and no warning or error in the engine's log" "! grep -q '\"level\":\"\(warning\|error\)\"' $tmp/s3-$$.log"

# 4. the swap policy and an annotation below the floor, as the runtime sees them
printf '{"state_dir":"%s/run","verdict_log":"%s","runtime":"%s","swap":"none"}\n' "$tmp" "$vlog" "$RUNC" >"$tmp/swap.json"
bundle s4-$$ $L '{"org.oomguard.oom_score_adj":"-1000"}' /bin/cat /proc/self/oom_score_adj
st=$(OOMGUARD_CONFIG="$tmp/swap.json" run s4-$$)
check "swap none: config.json memory.swap = limit; annotation -1000 runs at the floor 0" "[ $st -eq 0 ] && [ \"\$(spec_of $tmp/b/s4-$$/config.json linux.resources.memory.swap)\" = $L ] && [ \"\$(cat $tmp/s4-$$.out)\" = 0 ]"

# 5. trouble: a config.json the shim will not touch (a symlink). Fail-open
# runs the container and says why in the engine's log; fail_closed refuses.
bundle s5-$$ $L '' /bin/true
mv "$tmp/b/s5-$$/config.json" "$tmp/b/s5-$$/real.json"; ln -s real.json "$tmp/b/s5-$$/config.json"
st=$(run s5-$$)
check "fail-open: the container runs, the --log file has a warning naming the file" "[ $st -eq 0 ] && grep -q '\"level\":\"warning\".*config.json' $tmp/s5-$$.log"
cp -a "$tmp/b/s5-$$" "$tmp/b/s6-$$"
printf '{"state_dir":"%s/run","verdict_log":"%s","runtime":"%s","fail_closed":true}\n' "$tmp" "$vlog" "$RUNC" >"$tmp/closed.json"
st=$(OOMGUARD_CONFIG="$tmp/closed.json" run s6-$$)
check "fail_closed: refused before runc ran, an error line in the --log file" "[ $st -ne 0 ] && grep -q '\"level\":\"error\".*fail_closed' $tmp/s6-$$.log && ! \"$RUNC\" --root $tmp/runc state s6-$$ >/dev/null 2>&1"

# 6. no runtime to hand over to: an error where Docker and containerd look
st=$(cd "$tmp" && OOMGUARD_RUNTIME=/nonexistent/runc "$SHIM" --log "$tmp/nort.log" --log-format json state x >/dev/null 2>&1; echo $?)
check "a missing runtime: exit 1 and a JSON error line naming it" "[ $st -eq 1 ] && python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); sys.exit(not (d[\"level\"] == \"error\" and \"/nonexistent/runc\" in d[\"msg\"]))' $tmp/nort.log"
printf '{"runtime":"%s"}\n' "$SHIM" >"$tmp/self.json"
# shellcheck disable=SC2034 # out is read by the check below
out=$(OOMGUARD_CONFIG="$tmp/self.json" timeout 10 "$SHIM" --version 2>&1); st=$?
check "configured as its own runtime, the shim never execs itself: runc answers instead (exit $st)" "[ $st -eq 0 ] && grep -q '^runc version' <<<\"\$out\""

# 7. everything else passes through untouched, without PATH (podman's delete)
check "--version and list are runc's own" "[ \"\$(env -i OOMGUARD_CONFIG=$cfg $SHIM --version)\" = \"\$($RUNC --version)\" ] && [ \"\$($SHIM --root $tmp/runc list -q)\" = \"\$($RUNC --root $tmp/runc list -q)\" ]"

check "no state left behind" "[ -z \"\$(ls -A $tmp/run 2>/dev/null)\" ]" || ls -lAR "$tmp/run"
finish
