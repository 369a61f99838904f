#!/usr/bin/env bash
# Operating oomguard on a Docker host as an operator would, breaking it on
# purpose: a runtime that does not exist, a typo in the configuration, a
# daemon.json edited but not reloaded, and the package's removal checks
# (packaging/deb/prerm) with a guarded container still running.
# Usage: tests/engines/ops.sh
# shellcheck disable=SC2016
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=lib.sh
. "$here/lib.sh"
eng_reexec "$0" "$@"
# shellcheck source=../live/tap.sh
. "$here/../live/tap.sh"
OOMGUARD=$(realpath "${OOMGUARD:-build/oomguard}")
HOOK=$(realpath "${HOOK:-build/oomguard-hook}")
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
PRERM=$(realpath "$here/../../packaging/deb/prerm")
eng_install_check docker || { echo "0 passed, 1 failed"; exit 1; }
eng_setup oomguard-ops || { echo "0 passed, 1 failed"; exit 1; }
eng_image || { bad "busybox image"; finish; exit; }

cfg="$ENG_TMP/oomguard.json"
vlog="$ENG_TMP/log/verdicts.jsonl"
good() { # good [RUNTIME]
        printf '{"state_dir":"%s/state","verdict_log":"%s","runtime":"%s","writeback":"off"}\n' \
                "$ENG_TMP" "$vlog" "${1:-$(command -v runc)}" >"$cfg"
}
good
export OOMGUARD_CONFIG="$cfg"
run_d() { dk run -d --network none -m 64m bb:1 sleep 600; }
bundle_log() { find "$ENG_TMP/docker/exec" -path "*$1*/log.json" 2>/dev/null | head -n 1; }
stuck_tasks() { # containerd tasks that docker no longer knows
        local s=$ENG_TMP/docker/exec/containerd/containerd.sock
        ctr -a "$s" -n moby tasks ls -q 2>/dev/null | while read -r t; do
                dk inspect "$t" >/dev/null 2>&1 || echo "$t"; done
}

if ! docker_start "$SHIM" default; then bad "dockerd starts with oomguard-shim as default-runtime"; finish; exit; fi

# ---- "runtime": "runcc"
a=$(run_d)
check "a guarded container runs (recorded runtime: runc)" "[ -n '$a' ] && grep -q runc $ENG_TMP/state/$a/runtime"
good runcc
check "runcc: docker exec into the running container works" "[ \"\$(dk exec $a echo in 2>&1)\" = in ]"
t0=$(date +%s)
dk stop -t 2 "$a" >/dev/null 2>&1; st=$?
took=$(($(date +%s) - t0))
check "runcc: docker stop ends normally and in time (${took}s)" "[ $st -eq 0 ] && [ $took -lt 8 ]"
check "runcc: docker rm works; its state (and watcher) are gone" "dk rm $a >/dev/null && eng_wait 5 test ! -e $ENG_TMP/state/$a"
out=$(dk run --rm --network none bb:1 echo hello 2>&1); st=$?
check "runcc: a new container runs (on runc), its output is its own" "[ $st -eq 0 ] && [ '$out' = hello ]" || echo "  got: $st $out"
b=$(run_d)
lg=$(bundle_log "$b")
check "runcc: the fallback is said in the runtime log containerd keeps for it" "grep -q 'runcc.*falling back to' '$lg'" || echo "  log: $lg"
check "runcc: and not in docker logs" "! dk logs $b 2>&1 | grep -q oomguard"
check "runcc: oomguard doctor says the runtime does not exist (exit 1)" "! $OOMGUARD doctor --config $cfg --docker-config $ENG_TMP/docker/daemon.json >$ENG_TMP/doc.out 2>&1 && grep -q 'runtime \"runcc\" does not exist' $ENG_TMP/doc.out" || cat "$ENG_TMP/doc.out"
dk rm -f "$b" >/dev/null 2>&1
good

# ---- a typo in the configuration
printf '{"state_dir":"%s/state","verdict_log":"%s","writebak":"off"}\n' "$ENG_TMP" "$vlog" >"$cfg"
c=$(run_d)
check "typo: the last good configuration stays in force (the container's state in its state_dir)" "[ -d $ENG_TMP/state/$c ]"
lg=$(bundle_log "$c")
check "typo: said in the runtime log, naming the key and the file" "grep -q 'unknown key \\\\\"writebak\\\\\".*stays in force' '$lg' || grep -q 'writebak' '$lg'" || echo "  log: $lg"
check "typo: not in docker logs" "! dk logs $c 2>&1 | grep -q oomguard"
dk rm -f "$c" >/dev/null 2>&1
check "typo: oomguard verdicts still works, on the last good verdict_log" "$OOMGUARD verdicts >$ENG_TMP/v.out 2>&1 && grep -q '\"id\"\\|^[0-9a-f]\\{12\\}\\|$c' $ENG_TMP/v.out || $OOMGUARD verdicts --json | grep -q $c" || cat "$ENG_TMP/v.out"
good

# ---- doctor against the running dockerd
dj=$ENG_TMP/docker/daemon.json
doc() { $OOMGUARD doctor --json --config "$cfg" --docker-config "$dj" 2>&1; }
doc >"$ENG_TMP/d1.out"
check "doctor: registered and running as the default: the docker check is ok, no docker/containerd/config finding" "grep -q '\"level\":\"ok\",\"check\":\"docker\",\"message\":\"The running dockerd' $ENG_TMP/d1.out && ! grep -Eq '\"level\":\"(warn|error)\",\"check\":\"(docker|containerd|config)\"' $ENG_TMP/d1.out" || grep -E '"(warn|error)"' "$ENG_TMP/d1.out"
# podman registered too, as the README says, in the hooks_dir of the
# containers.conf it is given (CONTAINERS_CONF): a host with nothing to fix
mkdir -p "$ENG_TMP/hooks.d"
sed "s#/usr/bin/oomguard-hook#$HOOK#" "$here/../../config/hooks.d/oomguard.json" >"$ENG_TMP/hooks.d/oomguard.json"
printf '[engine]\nhooks_dir = ["%s"]\n' "$ENG_TMP/hooks.d" >"$ENG_TMP/containers.conf"
# the policy as installed: the suite's own "writeback": "off" is a finding
sed 's/,"writeback":"off"//' "$cfg" >"$ENG_TMP/installed.json"
doc0() { CONTAINERS_CONF=$ENG_TMP/containers.conf $OOMGUARD doctor --config "$ENG_TMP/installed.json" --docker-config "$dj" "$@"; }
doc0 --quiet >"$ENG_TMP/q0.out" 2>&1; st=$?
check "doctor: a correctly registered host (the running dockerd's default runtime the shim, podman's hooks_dir running the hook): exit 0, --quiet says ok" "[ $st -eq 0 ] && grep -q '^ok: ' $ENG_TMP/q0.out" ||
        { cat "$ENG_TMP/q0.out"; doc0 | grep -E '^(warn|error)'; }
python3 - "$dj" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c.pop("default-runtime", None)
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
docker_reload
doc >"$ENG_TMP/d2.out"; $OOMGUARD doctor --quiet --config "$cfg" --docker-config "$dj" >"$ENG_TMP/q.out" 2>&1; st=$?
check "doctor: default-runtime removed and HUP sent: the running dockerd still uses the shim (warn); --quiet: exit 1, one line" "grep -q 'default runtime is still' $ENG_TMP/d2.out && [ $st -eq 1 ] && [ \$(wc -l <$ENG_TMP/q.out) -eq 1 ]" || { grep docker "$ENG_TMP/d2.out"; cat "$ENG_TMP/q.out"; }

# ---- removal while a guarded container runs (the running dockerd still
# defaults to the shim, whatever daemon.json says now)
d=$(run_d)
OOMGUARD_LIB_DIR=$ENG_TMP/lib0 OOMGUARD_DOCKER_CONFIG=$dj OOMGUARD_STATE_DIR=$ENG_TMP/state sh "$PRERM" remove >"$ENG_TMP/p1.out" 2>&1; st=$?
check "prerm: refused while dockerd uses the shim and a container it created runs, with the steps" "[ $st -ne 0 ] && grep -q 'Restart dockerd' $ENG_TMP/p1.out && grep -q '${d:0:12}' $ENG_TMP/p1.out" || cat "$ENG_TMP/p1.out"
OOMGUARD_FORCE_REMOVE=1 OOMGUARD_LIB_DIR=$ENG_TMP/lib0 OOMGUARD_DOCKER_CONFIG=$dj OOMGUARD_STATE_DIR=$ENG_TMP/state sh "$PRERM" remove >"$ENG_TMP/p2.out" 2>&1; st=$?
check "prerm: OOMGUARD_FORCE_REMOVE=1 lets it go on, saying what it leaves" "[ $st -eq 0 ] && grep -q 'removal forced' $ENG_TMP/p2.out" || cat "$ENG_TMP/p2.out"
dk stop -t 2 "$d" >/dev/null; dk rm "$d" >/dev/null
docker_stop
docker_start "" named || bad "dockerd restarts"
out=$(OOMGUARD_LIB_DIR=$ENG_TMP/lib0 OOMGUARD_DOCKER_CONFIG=$dj OOMGUARD_STATE_DIR=$ENG_TMP/state sh "$PRERM" remove 2>&1); st=$?
check "prerm: after the steps (dockerd restarted without the default, containers gone) removal goes on" "[ $st -eq 0 ]" || echo "$out"
# the host mode's values in force, the administrator's saved: a private
# copy of vm.dirty_* (never the host's)
vm=$ENG_TMP/vm; mkdir -p "$vm"
echo 33554432 >"$vm/dirty_bytes"; echo 0 >"$vm/dirty_ratio"
echo 16777216 >"$vm/dirty_background_bytes"; echo 0 >"$vm/dirty_background_ratio"
mkdir -p "$ENG_TMP/state"
echo '{"dirty_bytes":0,"dirty_background_bytes":0,"dirty_ratio":20,"dirty_background_ratio":10,"applied_bytes":33554432,"applied_background_bytes":16777216,"written_ms":1,"higher_since_ms":0,"due_ms":0,"min_bytes":16777216,"interval_ms":1000}' >"$ENG_TMP/state/_dirty.json"
OOMGUARD_LIB_DIR=$ENG_TMP/lib0 OOMGUARD_SYSCTL_DIR=$vm OOMGUARD_DOCKER_CONFIG=$dj OOMGUARD_STATE_DIR=$ENG_TMP/state sh "$PRERM" remove >"$ENG_TMP/p4.out" 2>&1; st=$?
check "prerm: vm.dirty_* back to the administrator's values (ratios 20 / 10) before /run goes" "[ $st -eq 0 ] && [ \$(cat $vm/dirty_ratio) = 20 ] && [ \$(cat $vm/dirty_background_ratio) = 10 ] && [ ! -e $ENG_TMP/state/_dirty.json ]" || { cat "$ENG_TMP/p4.out"; head "$vm"/*; }
check "no docker command fails: run, ps" "dk run --rm --network none bb:1 true && dk ps -a >/dev/null"
check "no containerd task stuck" "[ -z \"\$(stuck_tasks)\" ]"
docker_stop

# ---- forced removal with a guarded container running: the package's
# binaries are copies here, removed as dpkg would between prerm and postrm
POSTRM=$(realpath "$here/../../packaging/deb/postrm")
bin=$ENG_TMP/bin lib=$ENG_TMP/lib; mkdir -p "$bin"
cp "$SHIM" "$HOOK" "$bin/"
docker_start "$bin/oomguard-shim" default || bad "dockerd starts with the copied shim"
dj=$ENG_TMP/docker/daemon.json
e=$(run_d)
check "forced: a guarded container runs (the hook beside the copied shim)" "[ -n '$e' ] && [ -d $ENG_TMP/state/$e ]"
OOMGUARD_FORCE_REMOVE=1 OOMGUARD_LIB_DIR=$lib OOMGUARD_DOCKER_CONFIG=$dj OOMGUARD_STATE_DIR=$ENG_TMP/state sh "$PRERM" remove >"$ENG_TMP/p5.out" 2>&1; st=$?
rm -f "$bin/oomguard-shim" "$bin/oomguard-hook"
OOMGUARD_LIB_DIR=$lib OOMGUARD_BIN_DIR=$bin sh "$POSTRM" remove >>"$ENG_TMP/p5.out" 2>&1 || st=1
check "forced: prerm and postrm go through, saying what they leave" "[ $st -eq 0 ] && grep -q 'delete both once dockerd is restarted' $ENG_TMP/p5.out" || cat "$ENG_TMP/p5.out"
check "forced: docker exec into the running container works" "[ \"\$(dk exec $e echo in 2>&1)\" = in ]"
t0=$(date +%s); dk stop -t 2 "$e" >/dev/null 2>&1; st=$?; took=$(($(date +%s) - t0))
check "forced: docker stop ends normally and in time (${took}s)" "[ $st -eq 0 ] && [ $took -lt 8 ]"
check "forced: docker rm works" "dk rm $e >/dev/null"
check "forced: a new container runs" "[ \"\$(dk run --rm --network none bb:1 echo hi 2>&1)\" = hi ]"
check "forced: no docker command fails (ps), no containerd task stuck" "dk ps -a >/dev/null && [ -z \"\$(stuck_tasks)\" ]"
docker_stop
eng_cleanup
check "teardown: no daemon, container or cgroup of ours left" "[ -z \"\$(eng_leftover_pids)\" ] && [ ! -e $ENG_MEMCG ]"
finish
