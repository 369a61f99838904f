#!/usr/bin/env bash
# The watchers against other containers, with real runc containers and the
# real kernel log:
# 1. containers swinging their anonymous memory in the writeback host mode
#    (on a private copy of vm.dirty_*) rewrite it no more often than
#    writeback_host_interval allows and never below writeback_host_min;
# 2. a flood of another container's OOM records, and of records forged by a
#    cgroup named to spell a victim's path, does not enter a watcher's copy
#    of its own container's records, nor crowd its own out; a watcher that
#    wakes only after the runtime removed its cgroup still copies its
#    container's last records, and its copy still fills the ring's gap.
# Each part prints what it measured: rewrites per second and the watchers'
# CPU; the watchers' CPU during the flood.
#
# FORGE_SWING_SECONDS (10), FORGE_FLOOD_SECONDS (8) and FORGE_IDLE_WATCHERS
# (6, plus the victim's: 7) size the two parts; FORGE_HOST_MIN ("24M", ""
# for the default of 16 MiB without the key) is the floor configured.
#
# Same private mount namespace and cgroups as runc.sh (see runc-lib.sh):
# every OOM happens in a memory cgroup under this script's own, with a
# limit, and all of them are removed on exit. The flood trips the kernel's
# rate limit on OOM reports: the suite ends by waiting for it to pass.
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

runc_suite oomguard-forgewatch

SWING=${FORGE_SWING_SECONDS:-10} FLOOD=${FORGE_FLOOD_SECONDS:-8} IDLE=${FORGE_IDLE_WATCHERS:-6}
HOST_MIN=${FORGE_HOST_MIN-24M}
state="$tmp/run" vlog="$tmp/log/verdicts.jsonl" gate="$tmp/gate"
mkdir -p "$tmp/log" "$gate" "$tmp/copies" && mkdir -m 700 "$state"
# on a disk: the swinging containers' writes must leave dirty pages
data=$(mktemp -d "${DISK_TMPDIR:-/var/tmp}/oomguard-forge.XXXXXX")
forge_pid='' mon=''
forge_cleanup() {
        touch "$gate/stop" "$gate/go" "$gate/stop-swing" 2>/dev/null
        [ -z "$forge_pid" ] || { kill "$forge_pid" 2>/dev/null; wait "$forge_pid" 2>/dev/null; }
        [ -z "$mon" ] || { kill "$mon" 2>/dev/null; wait "$mon" 2>/dev/null; }
        local c
        for c in "${RUNC_CONTAINERS[@]}"; do "$RUNC" --root "$tmp/runc" kill "$c" KILL >/dev/null 2>&1; done
        wait 2>/dev/null
        rm -rf "$data"
}
runc_at_exit forge_cleanup

# The hook behind a wrapper that keeps, at poststop, the watcher's copy of
# the container's kernel records (poststop removes the state directory).
# The watcher may still be copying the last records when poststop starts
# (seen under ASan after the flood): the copy is kept once the watcher's
# evidence is final and the copy has not grown for 0.3 s (5 s at most).
hookw="$tmp/hookw"
cat >"$hookw" <<EOF
#!/bin/sh
if [ "\$1" = poststop ]; then
        in=\$(cat)
        id=\$(printf '%s' "\$in" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4)
        d="$state/\$id" last=-1 same=0 i=0
        while [ -n "\$id" ] && [ \$i -lt 50 ] && [ \$same -lt 3 ]; do
                size=\$(stat -c %s "\$d/kmsg.log" 2>/dev/null || echo 0)
                if grep -q '"final":1' "\$d/evidence.json" 2>/dev/null && [ "\$size" = "\$last" ]; then
                        same=\$((same + 1))
                else
                        same=0
                fi
                last=\$size i=\$((i + 1))
                sleep 0.1
        done
        [ -z "\$id" ] || cp "$state/\$id/kmsg.log" "$tmp/copies/\$id.log" 2>/dev/null
        printf '%s' "\$in" | "$HOOK" "\$@" 2>>"$tmp/hook.err"
        exit \$?
fi
exec "$HOOK" "\$@" 2>>"$tmp/hook.err"
EOF
chmod 755 "$hookw"

# gbundle ID LIMIT CONFIG CMD...: a bundle with $gate bind-mounted at /gate
gbundle() {
        local id=$1 lim=$2 c=$3; shift 3
        runc_bundle "$tmp/b/$id" "$id" "$lim" '' "$hookw" "$c" "$@"
        python3 - "$tmp/b/$id/config.json" "$gate" "$data" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["mounts"].append({"destination": "/gate", "type": "bind", "source": sys.argv[2],
                    "options": ["rbind", "ro", "nosuid", "nodev"]})
c["mounts"].append({"destination": "/data", "type": "bind", "source": sys.argv[3],
                    "options": ["rbind", "rw", "nosuid", "nodev"]})
json.dump(c, open(sys.argv[1], "w"))
PY
}
rstart() { # rstart ID: runc run in the background; its exit status in $tmp/ID.status
        local id=$1
        RUNC_CONTAINERS+=("$id")
        (cd "$tmp/b/$id" && "$RUNC" --root "$tmp/runc" run "$id" >"$tmp/$id.out" 2>"$tmp/$id.err" </dev/null
                echo $? >"$tmp/$id.status") &
}
jget() { # jget FILE KEY: a top-level value of a JSON file, empty if none
        python3 -c 'import json,sys
try: print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))
except Exception: print("")' "$1" "$2"
}
watcher_of() { jget "$state/$1/evidence.json" watcher_pid; }
init_of() { jget "$state/$1/state.json" init_pid; }
# await_up ID...: until each runs with its watcher (60 s at most)
await_up() {
        local id t
        for id in "$@"; do
                for ((t = 0; t < 600; t++)); do
                        [ -n "$(watcher_of "$id")" ] && "$RUNC" --root "$tmp/runc" state "$id" 2>/dev/null |
                                grep -q '"running"' && break
                        [ -e "$tmp/$id.status" ] && break
                        sleep 0.1
                done
        done
}
await_done() { local id t; for id in "$@"; do for ((t = 0; t < 600; t++)); do [ -e "$tmp/$id.status" ] && break; sleep 0.1; done; done; }
ticks() { # ticks PID...: their CPU time (user + system), in clock ticks
        local p sum=0 s
        for p in "$@"; do
                s=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null) && sum=$((sum + ${s:-0}))
        done
        echo $sum
}
secs() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}'; }

echo "# 1. ten containers swinging their anonymous memory, the writeback host mode"
vm="$OOMGUARD_SYSCTL_VM"
# the administrator's own vm.dirty_* in bytes (a plain file cannot zero
# dirty_bytes when dirty_ratio is written, as the kernel does)
printf '%s\n' $((256 << 20)) >"$vm/dirty_bytes"
printf '%s\n' $((128 << 20)) >"$vm/dirty_background_bytes"
printf '0\n' >"$vm/dirty_ratio"; printf '0\n' >"$vm/dirty_background_ratio"
vm0=$(cat "$vm"/dirty_bytes "$vm"/dirty_background_bytes)
if [ -n "$HOST_MIN" ]; then
        min=$(numfmt --from=iec "$HOST_MIN") minkey=",\"writeback_host_min\":\"$HOST_MIN\""
else
        min=$((16 << 20)) minkey=
fi
hcfg="$tmp/host.json"
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s","swap":"none","writeback":"host"%s}\n' \
        "$state" "$vlog" "$minkey" >"$hcfg"
# every write to the private dirty_bytes and dirty_background_bytes, and
# the value it left, from before the first container starts
python3 -u - "$vm" >"$tmp/writes" <<'PY' &
import ctypes, os, struct, sys, time
vm = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_CLOEXEC)
IN_CLOSE_WRITE = 0x8
names = {}
for n in ("dirty_bytes", "dirty_background_bytes"):
    names[libc.inotify_add_watch(fd, os.path.join(vm, n).encode(), IN_CLOSE_WRITE)] = n
print("%.3f start" % time.monotonic())
while True:
    buf = os.read(fd, 65536)
    off = 0
    while off < len(buf):
        wd, mask, cookie, ln = struct.unpack_from("iIII", buf, off)
        off += 16 + ln
        n = names.get(wd)
        if n:
            v = open(os.path.join(vm, n)).read().split("\n")[0]
            print("%.3f %s %s" % (time.monotonic(), n, v))
PY
mon=$!
for i in $(seq 50); do [ -s "$tmp/writes" ] && break; sleep 0.1; done
t0=$(date +%s.%N)
# 64 MiB each: 16 MiB written to a disk (dirty pages: counted in the host
# mode from then on), then over and over 8 MiB written again (its own
# reclaim writes its pages back: it stays counted only while it writes),
# 48 MiB of anonymous memory for 0.3 s, none for 0.2 to 0.5 s; the room
# swings between 64 and 16 MiB, whose half is below the floor
L=$((64 << 20))
sw=()
for i in $(seq 0 9); do
        id=sw$i-$$; sw+=("$id")
        gbundle "$id" $L "$hcfg" /bin/sh -c "/bin/busybox dd if=/dev/zero of=/data/$id bs=1M count=16 2>/dev/null; while [ ! -e /gate/stop-swing ]; do /bin/busybox dd if=/dev/zero of=/data/$id bs=1M count=8 conv=notrunc 2>/dev/null; /bin/oomguard-hog 48 1 2>/dev/null & p=\$!; sleep 0.3; kill \$p; wait \$p; sleep 0.$((2 + i % 4)); done"
        rstart "$id"
done
await_up "${sw[@]}"
up=0 wps=()
for id in "${sw[@]}"; do [ -e "$tmp/$id.status" ] || { up=$((up + 1)); wps+=("$(watcher_of "$id")"); }; done
expect "the ten swinging containers run, each with its watcher ($up)" "$up" 10
c0=$(ticks "${wps[@]}")
sleep "$SWING"
c1=$(ticks "${wps[@]}")
t1=$(date +%s.%N)
kill "$mon"; wait "$mon" 2>/dev/null; mon=
touch "$gate/stop-swing"
span=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
nw=$(grep -c ' dirty_bytes ' "$tmp/writes")
low=$(awk '$2 == "dirty_bytes" && (m == "" || $3 < m) {m = $3} END {print m}' "$tmp/writes")
lowbg=$(awk '$2 == "dirty_background_bytes" && (m == "" || $3 < m) {m = $3} END {print m}' "$tmp/writes")
# the closest two rewrites
gap=$(awk '$2 == "dirty_bytes" {if (t != "") {d = $1 - t; if (g == "" || d < g) g = d}; t = $1} END {print g == "" ? "none" : g}' "$tmp/writes")
echo "# rewrites of dirty_bytes: $nw in $span s from the first start ($(awk -v n="$nw" -v s="$span" 'BEGIN {printf "%.2f", n / s}')/s), the closest two $gap s apart; lowest ${low:-none} (background ${lowbg:-none}); the ten watchers' CPU: $(secs $((c1 - c0))) s in the last $SWING s"
spaced() { # N SPAN GAP: N rewrites in SPAN s, at most one a second; GAP (or none) >= 0.95 s
        awk -v n="$1" -v s="$2" 'BEGIN {exit !(n <= s + 1)}' && { [ "$3" = none ] || awk -v g="$3" 'BEGIN {exit !(g >= 0.95)}'; }
}
check "at most one rewrite a second ($nw in $span s, the closest two $gap s apart)" spaced "$nw" "$span" "$gap" || head -n 20 "$tmp/writes"
above_floor() { # LOW LOWBG MIN: each (when written) at least MIN, the background's half of it
        { [ -z "$1" ] || [ "$1" -ge "$3" ]; } && { [ -z "$2" ] || [ "$2" -ge $(($3 / 2)) ]; }
}
check "never below the floor of $((min >> 20)) MiB (background $((min >> 21)) MiB): lowest ${low:-none} and ${lowbg:-none}" \
        above_floor "$low" "$lowbg" "$min"
now=$(head -n 1 "$vm/dirty_bytes")
between() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; } # VALUE LOW HIGH
if [ "${SANITIZED:-}" = yes ]; then
        # under ASan the hog is too slow to fill 48 MiB in its 0.3 s: the
        # rooms barely swing, and the value may sit at an idle room's half
        check "the host mode holds the value between the floor and an idle container's half-room meanwhile ($now, sanitized build)" \
                between "$now" "$min" $((L / 2))
else
        # at the floor, or within the eighth a rewrite needs: a value set
        # when the first container engaged (its room then partly taken)
        # is not rewritten for a drop of less than an eighth
        check "the host mode holds the value at the floor, or within the eighth a rewrite needs, meanwhile ($now)" \
                between "$now" "$min" $((min * 8 / 7))
fi
await_done "${sw[@]}"
restored() { [ "$(cat "$vm/dirty_bytes" "$vm/dirty_background_bytes")" = "$vm0" ] && [ ! -e "$state/_dirty.json" ]; }
check "the swinging containers stopped; the private vm.dirty_* hold their values again, no record left" restored ||
        cat "$vm/dirty_bytes" "$vm/dirty_background_bytes"

echo "# 2. a flood of another container's OOM records, and of records forged by a cgroup's name"
ocfg="$tmp/off.json"
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s","swap":"none","writeback":"off"}\n' "$state" "$vlog" >"$ocfg"
V=$((32 << 20))
cgv1="$rel/${base##*/}/v1-$$"
# v1 is OOM-killed after the flood, v2 during it; the idle ones exit 0
gbundle v1-$$ $V "$ocfg" /bin/sh -c 'while [ ! -e /gate/v1 ]; do sleep 0.1; done; exec /bin/oomguard-hog 512'
gbundle v2-$$ $V "$ocfg" /bin/sh -c 'while [ ! -e /gate/v2 ]; do sleep 0.1; done; exec /bin/oomguard-hog 512'
idle=()
for i in $(seq 1 "$IDLE"); do
        id=w$i-$$; idle+=("$id")
        gbundle "$id" $V "$ocfg" /bin/sh -c 'while [ ! -e /gate/go ]; do sleep 0.2; done'
done
# the flooder: OOM after OOM at its own 8 MiB limit
gbundle f-$$ $((8 << 20)) "$ocfg" /bin/sh -c 'while [ ! -e /gate/stop ]; do /bin/oomguard-hog 16 2>/dev/null; done'
for id in v1-$$ v2-$$ "${idle[@]}"; do rstart "$id"; done
await_up v1-$$ v2-$$ "${idle[@]}"
fw=() v1init=$(init_of v1-$$) v2init=$(init_of v2-$$)
for id in v1-$$ "${idle[@]}"; do fw+=("$(watcher_of "$id")"); done
# a cgroup named to spell v1's: its OOM summaries read
# "oom_memcg=…/q,task_memcg=<v1>,task_memcg=…/q,task_memcg=<v1>"
forge="$base/forge/q,task_memcg=$cgv1"
mkdir -p "$forge" && echo $((4 << 20)) >"$forge/memory.limit_in_bytes"
echo $((4 << 20)) >"$forge/memory.memsw.limit_in_bytes" 2>/dev/null
HOGH=$(realpath "${HOG:-$(dirname "$HOG_STATIC")/oomguard-hog}")
[ -x "$HOGH" ] || HOGH=$HOG_STATIC
c0=$(ticks "${fw[@]}")
t0=$(date +%s.%N)
rstart f-$$
sh -c 'while [ ! -e "$1/stop" ]; do sh -c "echo \$\$ >\"\$1/cgroup.procs\" && exec \"\$2\" 16" sh "$2" "$3" 2>/dev/null; done' \
        sh "$gate" "$forge" "$HOGH" &
forge_pid=$!
sleep "$(awk -v f="$FLOOD" 'BEGIN {print f / 2}')"
touch "$gate/v2"
sleep "$(awk -v f="$FLOOD" 'BEGIN {print f / 2}')"
fkills=$(awk '$1 == "oom_kill" {print $2}' "$base/f-$$/memory.oom_control" 2>/dev/null)
gkills=$(awk '$1 == "oom_kill" {print $2}' "$forge/memory.oom_control" 2>/dev/null)
touch "$gate/stop"
c1=$(ticks "${fw[@]}")
t1=$(date +%s.%N)
wait "$forge_pid" 2>/dev/null; forge_pid=
await_done f-$$ v2-$$
span=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
sizes=$(for id in "${idle[@]}"; do stat -c %s "$state/$id/kmsg.log" 2>/dev/null || echo 0; done | sort -n | tr '\n' ' ')
echo "# flood: ${fkills:-?} OOM kills in the flooder and ${gkills:-?} in the forged cgroup in $span s; the ${#fw[@]} watchers' CPU: $(secs $((c1 - c0))) s; the idle watchers' copies: $sizes bytes"
flooded() { [ "${1:-0}" -ge 20 ] && [ "${2:-0}" -ge 5 ]; } # FLOODER-KILLS FORGED-KILLS
check "the flood happened (${fkills:-?} + ${gkills:-?} OOM kills)" flooded "$fkills" "$gkills"
# v1's own OOM once the kernel's rate limit on reports has passed: a full
# report, into a copy already full (as if of its own earlier records)
python3 - "$state/v1-$$/kmsg.log" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
i = 0
while os.fstat(fd).st_size < 1048576 - 200:
    os.write(fd, b"6,%d,1,-;an earlier record %08d\n" % (i, i))
    i += 1
PY
sleep 6
# v1's watcher held stopped until runc has removed v1's cgroup: it wakes
# to the OOM event, the init's exit and the cgroup gone at once, and must
# still copy the kill's records before it leaves
kill -STOP "${fw[0]}"
touch "$gate/v1"
for ((t = 0; t < 100; t++)); do [ -d "$base/v1-$$" ] || break; sleep 0.1; done
removed_first=$([ -d "$base/v1-$$" ] && echo no || echo yes)
kill -CONT "${fw[0]}"
await_done v1-$$
expect "v1's cgroup was removed while its watcher was stopped" "$removed_first" yes
# w1's watcher likewise: its counters are then read after the cgroup is
# gone, and its copy (nothing in it is w1's) must show that the ring, which
# the flood wrapped since w1's create, lost nothing of w1's
kill -STOP "${fw[1]}"
touch "$gate/go"
for ((t = 0; t < 100; t++)); do [ -d "$base/${idle[0]}" ] || break; sleep 0.1; done
removed_first=$([ -d "$base/${idle[0]}" ] && echo no || echo yes)
kill -CONT "${fw[1]}"
await_done "${idle[@]}"
expect "${idle[0]}'s cgroup was removed while its watcher was stopped" "$removed_first" yes

# foreign ID FILE: lines of FILE that are not ID's (another cgroup, the
# forged one, or a kill of a pid other than ID's init)
foreign() {
        local init=$2
        [ -e "$3" ] || return 0
        grep -e "/f-$$" -e 'q,task_memcg=' "$3"
        grep -o 'Killed process [0-9]*\|reaped process [0-9]*' "$3" | awk -v p="$init" '$3 != p'
}
for id in v1-$$ v2-$$ "${idle[@]}"; do
        init=$([ "$id" = v1-$$ ] && echo "$v1init" || { [ "$id" = v2-$$ ] && echo "$v2init"; } || echo none)
        n=$(foreign "$id" "$init" "$tmp/copies/$id.log" | wc -l)
        expect "$id: no record of the flood or the forged cgroup in its copy ($n lines, $(stat -c %s "$tmp/copies/$id.log" 2>/dev/null || echo 0) bytes)" "$n" 0 ||
                foreign "$id" "$init" "$tmp/copies/$id.log" | head -n 3
done
c="$tmp/copies/v2-$$.log"
check "v2, OOM-killed during the flood (a rate-limited report): its kill is in its copy" \
        grep -q "Killed process $v2init (oomguard-hog)" "$c" || tail -n 5 "$c"
c="$tmp/copies/v1-$$.log"
# its summary too, if the kernel printed one (other OOMs on the host may
# still hold the rate limit on reports)
sum="oom-kill:.*task_memcg=$cgv1,task=oomguard-hog,pid=$v1init,"
printed=$(dmesg 2>/dev/null | grep -c "$sum")
kill_and_summary() { # COPY INIT PRINTED: INIT's kill in COPY, and $sum when the kernel printed it
        grep -q "Killed process $2 (oomguard-hog)" "$1" && { [ "$3" -eq 0 ] || grep -q "$sum" "$1"; }
}
check "v1, OOM-killed after it: its kill, and its summary ($printed printed), are in its copy" \
        kill_and_summary "$c" "$v1init" "$printed" ||
        tail -n 5 "$c"
made_room() { [ "$(stat -c %s "$1")" -le 1048576 ] && ! grep -q 'an earlier record 00000000' "$1"; } # COPY
check "… the copy was full: its oldest records made room, it stayed within 1 MiB ($(stat -c %s "$c" 2>/dev/null) bytes)" \
        made_room "$c"
for id in v1-$$ v2-$$; do
        v=$(verdict "$id")
        expect "$id: verdict memcg, init killed" "$(fields "$v" verdict init_killed)" "verdict=memcg init_killed=true" || echo "$v"
done
bad=0
for id in "${idle[@]}"; do
        v=$(verdict "$id")
        [ "$(field "$v" verdict)" = none ] || {
                bad=$((bad + 1))
                echo "# $id: $v"
                grep -F "hook: $id: " "$tmp/hook.err" | sed 's/^/# /'
        }
done
expect "the idle containers: verdict none ($bad not)" "$bad" 0
expect "no state left" "$(ls -A "$state" 2>/dev/null)" "" || ls -A "$state"
# the next suite gets whole OOM reports again
sleep 6
finish
