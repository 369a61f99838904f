#!/usr/bin/env bash
# Operating oomguard on a Docker host as an operator would, breaking it on
# purpose: a runtime that does not exist, a typo in the configuration, a
# daemon.json edited but not reloaded, and the package's removal checks
# (packaging/deb/prerm) with a guarded container still running.
# Usage: tests/engines/ops.sh
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=lib.sh
. "$here/lib.sh"
eng_reexec "$0" "$@"
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
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
        printf '{"metrics":"off","state_dir":"%s/state","verdict_log":"%s","runtime":"%s","writeback":"off"}\n' \
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
# what the checks assert, each on the values it is given
guarded() { [ -n "$1" ] && grep -q runc "$ENG_TMP/state/$1/runtime"; } # guarded ID: state says runc
has_state() { [ -n "$1" ] && [ -d "$ENG_TMP/state/$1" ]; }
stopped_in_time() { [ "$1" -eq 0 ] && [ "$2" -lt 8 ]; } # stopped_in_time STATUS SECONDS
rm_works() { dk rm "$1" >/dev/null; }
rm_clears_state() { rm_works "$1" && eng_wait 5 test ! -e "$ENG_TMP/state/$1"; }
not_in_docker_logs() { ! grep -q oomguard <<<"$(dk logs "$1" 2>&1)"; }
ok_saying() { [ "$1" -eq 0 ] && grep -q "$3" "$2"; } # ok_saying STATUS FILE PATTERN
docker_works() { dk run --rm --network none bb:1 true && dk ps -a >/dev/null; }
nothing_stuck() { dk ps -a >/dev/null && [ -z "$(stuck_tasks)" ]; }

if ! docker_start "$SHIM" default; then bad "dockerd starts with oomguard-shim as default-runtime"; finish; exit; fi

# ---- "runtime": "runcc"
a=$(run_d)
check "a guarded container runs (recorded runtime: runc)" guarded "$a"
good runcc
expect "runcc: docker exec into the running container works" "$(dk exec "$a" echo in 2>&1)" in
t0=$(date +%s)
dk stop -t 2 "$a" >/dev/null 2>&1; st=$?
took=$(($(date +%s) - t0))
check "runcc: docker stop ends normally and in time (${took}s)" stopped_in_time "$st" "$took"
check "runcc: docker rm works; its state (and watcher) are gone" rm_clears_state "$a"
out=$(dk run --rm --network none bb:1 echo hello 2>&1); st=$?
expect "runcc: a new container runs (on runc), its output is its own" "$st $out" "0 hello"
b=$(run_d)
lg=$(bundle_log "$b")
check "runcc: the fallback is said in the runtime log containerd keeps for it" grep -q 'runcc.*falling back to' "$lg" || echo "  log: $lg"
check "runcc: and not in docker logs" not_in_docker_logs "$b"
doctor_fails_saying() { # doctor_fails_saying PATTERN: doctor fails, its output matching
        ! "$OOMGUARD" doctor --config "$cfg" --docker-config "$ENG_TMP/docker/daemon.json" >"$ENG_TMP/doc.out" 2>&1 &&
                grep -q "$1" "$ENG_TMP/doc.out"
}
check "runcc: oomguard doctor says the runtime does not exist (exit 1)" doctor_fails_saying 'runtime "runcc" does not exist' ||
        cat "$ENG_TMP/doc.out"
dk rm -f "$b" >/dev/null 2>&1
good

# ---- a typo in the configuration
printf '{"metrics":"off","state_dir":"%s/state","verdict_log":"%s","writebak":"off"}\n' "$ENG_TMP" "$vlog" >"$cfg"
c=$(run_d)
check "typo: the last good configuration stays in force (the container's state in its state_dir)" test -d "$ENG_TMP/state/$c"
lg=$(bundle_log "$c")
# typo_said LOG: the runtime log (JSON, its quotes escaped) names the key
typo_said() { grep -q 'unknown key \\"writebak\\".*stays in force' "$1" || grep -q 'writebak' "$1"; }
check "typo: said in the runtime log, naming the key and the file" typo_said "$lg" || echo "  log: $lg"
check "typo: not in docker logs" not_in_docker_logs "$c"
dk rm -f "$c" >/dev/null 2>&1
verdicts_list() { # verdicts_list ID: oomguard verdicts lists records (ID's among them)
        "$OOMGUARD" verdicts >"$ENG_TMP/v.out" 2>&1 && grep -q "\"id\"\\|^[0-9a-f]\\{12\\}\\|$1" "$ENG_TMP/v.out" ||
                "$OOMGUARD" verdicts --json | grep -q "$1"
}
check "typo: oomguard verdicts still works, on the last good verdict_log" verdicts_list "$c" || cat "$ENG_TMP/v.out"
good

# ---- doctor against the running dockerd
dj=$ENG_TMP/docker/daemon.json
doc() { $OOMGUARD doctor --json --config "$cfg" --docker-config "$dj" 2>&1; }
doc >"$ENG_TMP/d1.out"
doctor_docker_ok() { # doctor_docker_ok JSON-OUT: the docker check ok, no finding
        grep -q '"level":"ok","check":"docker","message":"The running dockerd' "$1" &&
                ! grep -Eq '"level":"(warn|error)","check":"(docker|containerd|config)"' "$1"
}
check "doctor: registered and running as the default: the docker check is ok, no docker/containerd/config finding" \
        doctor_docker_ok "$ENG_TMP/d1.out" || grep -E '"(warn|error)"' "$ENG_TMP/d1.out"
# podman registered too, as the README says, in the hooks_dir of the
# containers.conf it is given (CONTAINERS_CONF): a host with nothing to fix
mkdir -p "$ENG_TMP/hooks.d"
sed "s#/usr/bin/oomguard-hook#$HOOK#" "$here/../../config/hooks.d/oomguard.json" >"$ENG_TMP/hooks.d/oomguard.json"
printf '[engine]\nhooks_dir = ["%s"]\n' "$ENG_TMP/hooks.d" >"$ENG_TMP/containers.conf"
# the policy as installed: the suite's own "writeback": "off" is a finding
sed 's/,"writeback":"off"//' "$cfg" >"$ENG_TMP/installed.json"
doc0() { CONTAINERS_CONF=$ENG_TMP/containers.conf $OOMGUARD doctor --config "$ENG_TMP/installed.json" --docker-config "$dj" "$@"; }
doc0 --quiet >"$ENG_TMP/q0.out" 2>&1; st=$?
check "doctor: a correctly registered host (the running dockerd's default runtime the shim, podman's hooks_dir running the hook): exit 0, --quiet says ok" ok_saying "$st" "$ENG_TMP/q0.out" '^ok: ' ||
        { cat "$ENG_TMP/q0.out"; doc0 | grep -E '^(warn|error)'; }
python3 - "$dj" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c.pop("default-runtime", None)
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
docker_reload
doc >"$ENG_TMP/d2.out"; $OOMGUARD doctor --quiet --config "$cfg" --docker-config "$dj" >"$ENG_TMP/q.out" 2>&1; st=$?
still_warned() { # still_warned STATUS: the warning, and --quiet's exit 1 with one line
        grep -q 'default runtime is still' "$ENG_TMP/d2.out" && [ "$1" -eq 1 ] && [ "$(wc -l <"$ENG_TMP/q.out")" -eq 1 ]
}
check "doctor: default-runtime removed and HUP sent: the running dockerd still uses the shim (warn); --quiet: exit 1, one line" \
        still_warned "$st" || { grep docker "$ENG_TMP/d2.out"; cat "$ENG_TMP/q.out"; }

# ---- removal while a guarded container runs (the running dockerd still
# defaults to the shim, whatever daemon.json says now)
d=$(run_d)
OOMGUARD_LIB_DIR=$ENG_TMP/lib0 OOMGUARD_DOCKER_CONFIG=$dj OOMGUARD_STATE_DIR=$ENG_TMP/state sh "$PRERM" remove >"$ENG_TMP/p1.out" 2>&1; st=$?
refused() { # refused STATUS ID: prerm failed, giving the steps and naming the container
        [ "$1" -ne 0 ] && grep -q 'Restart dockerd' "$ENG_TMP/p1.out" && grep -q "${2:0:12}" "$ENG_TMP/p1.out"
}
check "prerm: refused while dockerd uses the shim and a container it created runs, with the steps" refused "$st" "$d" ||
        cat "$ENG_TMP/p1.out"
OOMGUARD_FORCE_REMOVE=1 OOMGUARD_LIB_DIR=$ENG_TMP/lib0 OOMGUARD_DOCKER_CONFIG=$dj OOMGUARD_STATE_DIR=$ENG_TMP/state sh "$PRERM" remove >"$ENG_TMP/p2.out" 2>&1; st=$?
check "prerm: OOMGUARD_FORCE_REMOVE=1 lets it go on, saying what it leaves" ok_saying "$st" "$ENG_TMP/p2.out" 'removal forced' ||
        cat "$ENG_TMP/p2.out"
dk stop -t 2 "$d" >/dev/null; dk rm "$d" >/dev/null
docker_stop
docker_start "" named || bad "dockerd restarts"
out=$(OOMGUARD_LIB_DIR=$ENG_TMP/lib0 OOMGUARD_DOCKER_CONFIG=$dj OOMGUARD_STATE_DIR=$ENG_TMP/state sh "$PRERM" remove 2>&1); st=$?
expect "prerm: after the steps (dockerd restarted without the default, containers gone) removal goes on" "$st" 0 || echo "$out"
# the host mode's values in force, the administrator's saved: a private
# copy of vm.dirty_* (never the host's)
vm=$ENG_TMP/vm; mkdir -p "$vm"
echo 33554432 >"$vm/dirty_bytes"; echo 0 >"$vm/dirty_ratio"
echo 16777216 >"$vm/dirty_background_bytes"; echo 0 >"$vm/dirty_background_ratio"
mkdir -p "$ENG_TMP/state"
echo '{"dirty_bytes":0,"dirty_background_bytes":0,"dirty_ratio":20,"dirty_background_ratio":10,"applied_bytes":33554432,"applied_background_bytes":16777216,"written_ms":1,"higher_since_ms":0,"due_ms":0,"min_bytes":16777216,"interval_ms":1000}' >"$ENG_TMP/state/_dirty.json"
OOMGUARD_LIB_DIR=$ENG_TMP/lib0 OOMGUARD_SYSCTL_DIR=$vm OOMGUARD_DOCKER_CONFIG=$dj OOMGUARD_STATE_DIR=$ENG_TMP/state sh "$PRERM" remove >"$ENG_TMP/p4.out" 2>&1; st=$?
dirty_restored() { # dirty_restored STATUS: prerm ok, the saved ratios back, the record gone
        [ "$1" -eq 0 ] && [ "$(cat "$vm/dirty_ratio")" = 20 ] && [ "$(cat "$vm/dirty_background_ratio")" = 10 ] &&
                [ ! -e "$ENG_TMP/state/_dirty.json" ]
}
check "prerm: vm.dirty_* back to the administrator's values (ratios 20 / 10) before /run goes" dirty_restored "$st" ||
        { cat "$ENG_TMP/p4.out"; head "$vm"/*; }
check "no docker command fails: run, ps" docker_works
expect "no containerd task stuck" "$(stuck_tasks)" ""
docker_stop

# ---- forced removal with a guarded container running: the package's
# binaries are copies here, removed as dpkg would between prerm and postrm
POSTRM=$(realpath "$here/../../packaging/deb/postrm")
bin=$ENG_TMP/bin lib=$ENG_TMP/lib; mkdir -p "$bin"
cp "$SHIM" "$HOOK" "$bin/"
docker_start "$bin/oomguard-shim" default || bad "dockerd starts with the copied shim"
dj=$ENG_TMP/docker/daemon.json
e=$(run_d)
check "forced: a guarded container runs (the hook beside the copied shim)" has_state "$e"
OOMGUARD_FORCE_REMOVE=1 OOMGUARD_LIB_DIR=$lib OOMGUARD_DOCKER_CONFIG=$dj OOMGUARD_STATE_DIR=$ENG_TMP/state sh "$PRERM" remove >"$ENG_TMP/p5.out" 2>&1; st=$?
rm -f "$bin/oomguard-shim" "$bin/oomguard-hook"
OOMGUARD_LIB_DIR=$lib OOMGUARD_BIN_DIR=$bin sh "$POSTRM" remove >>"$ENG_TMP/p5.out" 2>&1 || st=1
check "forced: prerm and postrm go through, saying what they leave" ok_saying "$st" "$ENG_TMP/p5.out" 'delete both once dockerd is restarted' ||
        cat "$ENG_TMP/p5.out"
expect "forced: docker exec into the running container works" "$(dk exec "$e" echo in 2>&1)" in
t0=$(date +%s); dk stop -t 2 "$e" >/dev/null 2>&1; st=$?; took=$(($(date +%s) - t0))
check "forced: docker stop ends normally and in time (${took}s)" stopped_in_time "$st" "$took"
check "forced: docker rm works" rm_works "$e"
expect "forced: a new container runs" "$(dk run --rm --network none bb:1 echo hi 2>&1)" hi
check "forced: no docker command fails (ps), no containerd task stuck" nothing_stuck
docker_stop
eng_cleanup
check "teardown: no daemon, container or cgroup of ours left" eng_torn_down
finish
