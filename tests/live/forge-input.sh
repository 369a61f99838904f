#!/usr/bin/env bash
# What an image or a busy node puts in front of oomguard, through real runc
# (and crun where it runs here), the hook and the shim: a state whose
# annotations an image filled, a mountinfo of hundreds of long mounts,
# runc's help and id-less commands, and every container id runc accepts.
# Each must leave the container its policy, its watcher and exactly one
# verdict, or pass through untouched, and say what it ignored.
#
# Same private mount namespace and cgroups as runc.sh (see runc-lib.sh); the
# mounts made here live and die in that namespace.
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

runc_suite oomguard-forge

L=$((32 << 20))
state="$tmp/st" vlog="$tmp/log/verdicts.jsonl"
mkdir -p "$tmp/log" "$tmp/b"; mkdir -m 700 "$state"
mounts=()
forge_cleanup() {
        local i p
        for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[$i]}" 2>/dev/null; done
        # watchers this run's hooks started: holders of its state directory
        for p in $(find /proc/[0-9]*/fd -lname "$state/*" 2>/dev/null | cut -d/ -f3 | sort -u); do
                kill -KILL "$p" 2>/dev/null
        done
}
runc_at_exit forge_cleanup

# the hook behind a wrapper that keeps its messages (runc shows a hook's
# stderr only when it fails)
hookw="$tmp/hookw"
printf '#!/bin/sh\nexec %s "$@" 2>>%s\n' "$HOOK" "$tmp/hook.err" >"$hookw"; chmod 755 "$hookw"
touch "$tmp/hook.err"
mark() { hmark=$(wc -l <"$tmp/hook.err"); }
since_mark() { tail -n +$((hmark + 1)) "$tmp/hook.err"; }
# hook_says [-i] PATTERN: "said" when the hook's messages since the mark
# match PATTERN (grep), "unsaid" when not; logs_say FILE PATTERN: the same
# for a file (a shim's --log)
hook_says() { if grep -q "$@" <<<"$(since_mark)"; then echo said; else echo unsaid; fi; }
logs_say() { if grep -q -- "$2" "$1"; then echo said; else echo unsaid; fi; }
cfg="$tmp/cfg.json" scfg="$tmp/shim.json"
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s","swap":"none","writeback":"off"}\n' "$state" "$vlog" >"$cfg"
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s","runtime":"%s","hook":"%s","swap":"none","writeback":"off"}\n' \
        "$state" "$vlog" "$RUNC" "$hookw" >"$scfg"

# verdicts ID: how many records name exactly this id (compared as JSON, not as a pattern)
verdicts() {
        python3 - "$vlog" "$1" <<'PY'
import json, sys
n = 0
try:
    for line in open(sys.argv[1]):
        try:
            n += json.loads(line).get("id") == sys.argv[2]
        except ValueError:
            pass
except OSError:
    pass
print(n)
PY
}
spec_of() { # spec_of FILE a.b.c: a value of a config.json, "None" if absent
        python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v.get(k) if isinstance(v,dict) else None
print(v)' "$1" "$2"
}
# pad FILE KEY BYTES: an annotation of BYTES bytes in a config.json, as an image gives podman
pad() {
        python3 - "$@" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c.setdefault("annotations", {})[sys.argv[2]] = "p" * int(sys.argv[3])
json.dump(c, open(sys.argv[1], "w"))
PY
}
# rrun ID: runc run in bundle b/ID (its hooks in config.json); exit status echoed
rrun() {
        RUNC_CONTAINERS+=("$1")
        (cd "$tmp/b/$1" && "$RUNC" --root "$tmp/runc" run "$1" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null)
        echo $?
}
# srun DIR ID: oomguard-shim run, as engines call it; exit status echoed
srun() {
        RUNC_CONTAINERS+=("$2")
        (cd "$tmp" && OOMGUARD_CONFIG="$scfg" "$SHIM" --root "$tmp/runc" --log "$tmp/$1.log" \
                --log-format json run --bundle "$tmp/b/$1" "$2" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null)
        echo $?
}
watcher_seen() { # watcher_seen ID-DIR-NAME: a live oomguard-watch named in the container's evidence
        local w i
        for i in $(seq 100); do
                w=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["watcher_pid"])' \
                        "$state/$1/evidence.json" 2>/dev/null)
                [ -n "$w" ] && [ "$(cat "/proc/$w/comm" 2>/dev/null)" = oomguard-watch ] && return 0
                sleep 0.05
        done
        return 1
}

echo "# 1. annotations an image filled: the state is taken, the policy, the watcher and the verdict happen"
# runc copies the spec's annotations into the state; podman copies the image's into the spec
# (runc's own init holds a 20 MiB config.json in the container's memory: a larger limit there)
for size in $((1536 << 10)) $((20 << 20)); do
        id=ann$((size >> 20))-$$ lim=$([ "$size" -lt $((16 << 20)) ] && echo $L || echo $((256 << 20)))
        runc_bundle "$tmp/b/$id" "$id" "$lim" '{"org.oomguard.oom_score_adj":"700"}' "$hookw" "$cfg" \
                /bin/sh -c 'cat /proc/self/oom_score_adj; sleep 1'
        pad "$tmp/b/$id/config.json" org.example.image-pad "$size"
        mark
        RUNC_CONTAINERS+=("$id")
        rrun "$id" >"$tmp/$id.rc" &
        watched=no; watcher_seen "$id" && watched=yes
        wait $!; rc=$(cat "$tmp/$id.rc")
        adj=$(cat "$tmp/$id.out")
        if [ "$size" -lt $((16 << 20)) ]; then
                expect "runc, $((size >> 10)) KiB of annotations: runs (exit $rc) with oomguard's own annotation 700 (got $adj), a watcher, one verdict, and says the rest was ignored" \
                        "exit $rc, adj $adj, watcher $watched, verdicts $(verdicts "$id"), $(hook_says "$id: the state.s annotations take .* (more than 1 MiB): ignored")" \
                        "exit 0, adj 700, watcher yes, verdicts 1, said" ||
                        { since_mark | head -c 600; tail -c 300 "$tmp/$id.err"; }
        else # beyond 16 MiB the bundle's config.json is refused too: the configured policy
                expect "runc, 20 MiB of annotations (the state larger than the hook reads): runs (exit $rc) with the configured policy's $(expect_adj "$lim") (got $adj), a watcher, one verdict; the unread rest and the refused config.json said" \
                        "exit $rc, adj $adj, watcher $watched, verdicts $(verdicts "$id"), $(hook_says 'larger than 16 MiB: the rest of it (annotations) was not read') $(hook_says 'config.json: larger than')" \
                        "exit 0, adj $(expect_adj "$lim"), watcher yes, verdicts 1, said said" ||
                        { since_mark | head -c 600; tail -c 300 "$tmp/$id.err"; }
        fi
        rm -rf "$tmp/b/$id"
done
# the same through the shim, as Docker and containerd call it
id=sann-$$
runc_bundle "$tmp/b/$id" "$id" "$L" '{}' - - /bin/cat /proc/self/oom_score_adj
pad "$tmp/b/$id/config.json" org.example.image-pad $((1536 << 10))
mark; rc=$(srun "$id" "$id")
expect "shim, 1.5 MiB of annotations: runs (exit $rc) with the policy's $(expect_adj $L), one verdict, the hook says the annotations were ignored" \
        "exit $rc, adj $(cat "$tmp/$id.out"), verdicts $(verdicts "$id"), $(hook_says 'annotations take')" \
        "exit 0, adj $(expect_adj $L), verdicts 1, said" ||
        { since_mark | head -c 400; cat "$tmp/$id.log"; }

echo "# 2. hundreds of long mounts (mountinfo of 1.1 and 4.4 MB)"
# a mount point of ~3.8 KB and a source of ~3.8 KB: ~7.7 KB per mountinfo line
long=$tmp/m
for i in $(seq 18); do long="$long/$(head -c 200 /dev/zero | tr '\0' d)"; done
mkdir -p "$long"
src=$(head -c 3800 /dev/zero | tr '\0' s)
mount_to() { # mount_to N: N long mounts in this namespace
        local i
        for ((i = ${#mounts[@]}; i < $1; i++)); do
                mkdir -p "$long/$i" && mount -t tmpfs -o size=64k "$src$i" "$long/$i" && mounts+=("$long/$i") || return 1
        done
}
for n in 147 575; do
        mount_to $n || { bad "mounting $n tmpfs"; continue; }
        size=$(wc -c </proc/self/mountinfo)
        id=mnt$n-$$
        runc_bundle "$tmp/b/$id" "$id" "$L" '{}' - - /bin/cat /proc/self/oom_score_adj
        mark; rc=$(srun "$id" "$id")
        swap=$(spec_of "$tmp/b/$id/config.json" linux.resources.memory.swap)
        expect "shim, $n long mounts ($((size >> 10)) KiB of mountinfo): \"swap\": \"none\" written (memory.swap $swap = the limit), the hook's policy and one verdict" \
                "exit $rc, swap $swap, adj $(cat "$tmp/$id.out"), verdicts $(verdicts "$id"), 'cannot tell' $(logs_say "$tmp/$id.log" 'cannot tell')" \
                "exit 0, swap $L, adj $(expect_adj $L), verdicts 1, 'cannot tell' unsaid" ||
                { since_mark | head -c 400; cat "$tmp/$id.log"; }
        id=mntr$n-$$
        runc_bundle "$tmp/b/$id" "$id" "$L" '{}' "$hookw" "$cfg" /bin/cat /proc/self/oom_score_adj
        mark; rc=$(rrun "$id")
        expect "runc and the hook, $n long mounts: runs (exit $rc) with the policy's $(expect_adj $L), the swap limit set, one verdict, no trouble said" \
                "exit $rc, adj $(cat "$tmp/$id.out"), verdicts $(verdicts "$id"), $(fields "$(verdict "$id")" swap_limit_bytes), trouble $(hook_says -i 'mountinfo\|too large\|without')" \
                "exit 0, adj $(expect_adj $L), verdicts 1, swap_limit_bytes=$L, trouble unsaid" ||
                { since_mark | head -c 400; tail -c 300 "$tmp/$id.err"; }
done
for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[$i]}"; done
mounts=()

echo "# 3. help and id-less commands pass through the shim untouched"
# same ARGS... through runc and the shim: stdout, stderr and exit status
# equal, nothing of the shim's in the --log (runc writes its own errors there)
same() {
        local re rr se sr
        rm -f "$tmp/help.log" "$tmp/rhelp.log"
        ro=$(cd "$tmp/hb" && "$RUNC" --root "$tmp/runc" --log "$tmp/rhelp.log" --log-format json \
                "$@" 2>"$tmp/r.err" </dev/null); rr=$?
        so=$(cd "$tmp/hb" && OOMGUARD_CONFIG="$scfg" "$SHIM" --root "$tmp/runc" --log "$tmp/help.log" \
                --log-format json "$@" 2>"$tmp/s.err" </dev/null); sr=$?
        # runc stamps its error lines: the second may fall in the next second
        re=$(sed 's/time="[^"]*"//' "$tmp/r.err"); se=$(sed 's/time="[^"]*"//' "$tmp/s.err")
        [ "$ro" = "$so" ] && [ "$re" = "$se" ] && [ $rr = $sr ] && ! grep -q oomguard "$tmp/help.log" 2>/dev/null &&
                [ "$(sed 's/"time":"[^"]*"//' "$tmp/rhelp.log" 2>/dev/null)" = "$(sed 's/"time":"[^"]*"//' "$tmp/help.log" 2>/dev/null)" ]
}
# untouched ARGS...: the same, config.json unchanged, no state for it
untouched() { same "$@" && [ "$(md5sum <"$tmp/hb/config.json")" = "$sum" ] && [ ! -d "$state/hb-$$" ]; }
runc_bundle "$tmp/hb" hb "$L" '{}' - - /bin/true
cp "$tmp/hb/config.json" "$tmp/hb.json"
sum=$(md5sum <"$tmp/hb/config.json")
for args in "delete -h" "delete --help" "delete hb-$$ -h" "delete -f -help hb-$$" "run -h" "run --help hb-$$" \
        "run hb-$$ -h" "create -h" "create --bundle $tmp/hb --help hb-$$" "--help" "-h" "-v" "--version" \
        "--help run hb-$$" "create" "run" "delete" "run -- " "kill -h" "exec -h"; do
        cp "$tmp/hb.json" "$tmp/hb/config.json"
        # shellcheck disable=SC2086 # the words are the arguments
        check "'runc $args' in a bundle directory: the shim's output, errors and exit status are runc's, nothing of its own logged, config.json unchanged" \
                untouched $args ||
                { diff <(echo "$ro") <(echo "$so") | head -5; head -c 300 "$tmp/s.err"; cat "$tmp/help.log" 2>/dev/null; }
done

echo "# 4. container ids runc accepts: a verdict each, under the real id"
r200=$(head -c 200 /dev/zero | tr '\0' r)
rids=("a+b-$$" "_x-$$" "a,b-$$" "$r200" "x.-_+,-$$")
for id in "${rids[@]}"; do
        runc_bundle "$tmp/b/rid" rid "$L" '{}' - - /bin/cat /proc/self/oom_score_adj
        mark; rc=$(srun rid "$id")
        expect "shim and runc, id '${id:0:16}$([ ${#id} -gt 16 ] && echo "… (${#id} bytes)")': runs (exit $rc) with the policy's $(expect_adj $L), exactly one verdict with that id, no state left" \
                "exit $rc, adj $(cat "$tmp/rid.out"), verdicts $(verdicts "$id"), state '$(ls -A "$state")', shim $(logs_say "$tmp/rid.log" oomguard-shim)" \
                "exit 0, adj $(expect_adj $L), verdicts 1, state '', shim unsaid" ||
                { since_mark | head -c 400; cat "$tmp/rid.log"; tail -c 300 "$tmp/rid.err"; }
        rm -rf "$tmp/b/rid"
done
# what runc refuses it refuses itself; an id oomguard cannot take is said in the engine's log
refused_id() { # RC ID: refused, no verdict, no state; for ".", the shim's warning in its --log
        [ "$1" -ne 0 ] && [ "$(verdicts "$2")" -eq 0 ] && [ -z "$(ls -A "$state")" ] &&
                { [ "$2" != . ] || grep -q 'level":"warning.*container id .*oomguard can keep no state' "$tmp/rno.log"; }
}
for id in "a b-$$" "."; do
        runc_bundle "$tmp/b/rno" rno "$L" '{}' - - /bin/true
        rc=$(srun rno "$id")
        check "shim, id '$id': runc refuses it (exit $rc), no verdict, no state$([ "$id" = . ] && echo ', the shim says why in the --log')" \
                refused_id "$rc" "$id" ||
                cat "$tmp/rno.log"
        rm -rf "$tmp/b/rno"
done
# ids a runtime other than runc accepts (crun takes any name without '/';
# it cannot run here, on v1 without every controller): the state it writes,
# fed to the hook around a real process in a real memory cgroup
k=0
for id in "a b-$$" "über-$$" ".lead-$$" "%x-$$" "-lead-$$"; do
        n=cg$((++k))
        mkdir "$base/$n" && echo $L >"$base/$n/memory.limit_in_bytes"
        sh -c 'echo $$ >"$1/cgroup.procs"; exec sleep 0.5' sh "$base/$n" & pid=$!
        for i in $(seq 100); do grep -qx "$pid" "$base/$n/cgroup.procs" 2>/dev/null && break; sleep 0.01; done
        mark
        printf '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":%s,"bundle":"%s"}' "$id" "$pid" "$tmp/hb" |
                "$hookw" createRuntime --config "$cfg"; r1=$?
        adj=$(cat "/proc/$pid/oom_score_adj")
        wait $pid
        for i in $(seq 50); do rmdir "$base/$n" 2>/dev/null && break; sleep 0.05; done
        printf '{"ociVersion":"1.0.2","id":"%s","status":"stopped","bundle":"%s"}' "$id" "$tmp/hb" |
                "$hookw" poststop --config "$cfg"; r2=$?
        expect "the hook, id '$id' (as crun would run it): policy $adj, exactly one verdict with that id, no state left" \
                "exits $r1 $r2, adj $adj, verdicts $(verdicts "$id"), state '$(ls -A "$state")'" \
                "exits 0 0, adj $(expect_adj $L), verdicts 1, state ''" ||
                since_mark | head -c 400
done
finish
