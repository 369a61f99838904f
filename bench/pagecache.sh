#!/usr/bin/env bash
# Page-cache-friendly writes (DESIGN.md, problem 2) on real runc
# containers: does a write-heavy container in a small memory cgroup
# survive, and how fast does it write, with plain runc (baseline) and
# through oomguard-shim with its default policy?
#
# Slow storage, made here: a sparse file on the host's disk behind a loop
# device with direct I/O, formatted XFS, its writes throttled to MBPS MB/s
# by a rule for that one device in the root blkio cgroup (cgroup v1
# writeback is issued from the root) and in each container's own blkio
# cgroup (for I/O the container issues itself, e.g. by fsync). Each
# container has a LIMIT_MIB memory limit (and memsw the same, where the
# host accounts swap) and an overlay rootfs, a busybox lower layer and an
# upper dir on that filesystem, and writes SIZE_MIB MiB into it:
#   dd    busybox `dd if=/dev/zero of=/data/out.bin bs=1M`, alone
#   etl   pc-linewriter: short CSV records through stdio with a LINE_BUF
#         buffer, beside pc-holder keeping HOLD_MIB MiB of anonymous memory
# and, in an image with glibc (the host's loader and libraries beside the
# busybox, so that the shim preloads its window library):
#   stdio pc-linewriter linked against glibc, stdio's own buffer: its
#         flushes call glibc's internal write, which no preload sees
#   awk   mawk printing 100-byte lines, its stdout redirected to the file
#   exec  the container waits; coreutils dd (glibc) writes the file in a
#         process started by `runc exec --process` with an environment of
#         its own (PATH only), as `docker exec` does: no LD_PRELOAD
# Every round runs each workload in both modes, who goes first alternating:
#   baseline  `runc run` of the bundle
#   oomguard  `oomguard-shim run` of an identical bundle, OOMGUARD_RUNTIME
#             the same runc, OOMGUARD_CONFIG a file that only moves the
#             state directory, the verdict log and the metrics into the
#             scratch directory: every policy knob at its default
# and measures the device's own speed, `dd oflag=direct` of 200 MiB to the
# same filesystem.
#
# A run's throughput = the bytes in its upper dir / (the time from start to
# the container's exit + `sync -f` of the filesystem). R = all oomguard
# runs' bytes / their time, over the device's speed (the best round's: see
# there). A run OOMed if the container's memory cgroup counted an oom_kill
# (pc-watch samples it every 50 ms while the cgroup exists; the container
# reads it before it exits; the kernel's oom-kill records naming the
# cgroup), if the workload or the container died of SIGKILL, or, in
# oomguard mode, if the verdict is not "none". A run failed if it OOMed,
# if the workload exited non-zero (a write that got ENOMEM: "Cannot
# allocate memory") or if it wrote fewer than SIZE_MIB MiB.
#
# Knobs: RUNS (5), SIZE_MIB (1024), LIMIT_MIB (256), MBPS (20), HOLD_MIB
# (200), LINE_BUF (65536; 0 = stdio's default, the file's block size; etl
# only), WORKLOADS ("dd etl stdio awk exec"), MODES ("baseline oomguard"), SHIM
# (build/oomguard-shim; its oomguard-hook beside it), RUNC, PAGECACHE_TMP
# (/var/tmp: where the scratch directory and the disk image go), LOGS (a
# directory to keep each run's output, watch line and the verdicts in).
#
# Needs root, cgroup v1 memory and blkio, runc, static busybox, mkfs.xfs
# (xfsprogs), cc, python3, mawk. It runs in a private mount namespace where only
# the memory, devices and blkio hierarchies are mounted, so runc makes the
# containers' cgroups under this process's own memory cgroup. It puts
# vm.dirty_* back to their values at the start before every baseline run
# and at the end, and flags a baseline run during which something else
# changed vm.dirty_bytes. On any exit, and through a guardian process even
# if it is killed outright, it removes the throttle rule, the containers,
# the mounts, the loop device, the cgroups it made and its scratch
# directory.
#
# Prints one line per run and, last:
#   pagecache: baseline failed A/N (OOM a), oomguard failed B/N (OOM b), throughput ratio R
# Exits 1 when the harness itself fails (a container that never started),
# 2 on a bad setting; never because of the figures.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
RUNS=${RUNS:-5}
SIZE_MIB=${SIZE_MIB:-1024}
LIMIT_MIB=${LIMIT_MIB:-256}
MBPS=${MBPS:-20}
HOLD_MIB=${HOLD_MIB:-200}
WORKLOADS=${WORKLOADS:-dd etl stdio awk exec}
LINE_BUF=${LINE_BUF:-65536}
MODES=${MODES:-baseline oomguard}
DEV_MIB=200

die() { echo "pagecache: $*" >&2; exit 2; }
for v in RUNS SIZE_MIB LIMIT_MIB MBPS HOLD_MIB; do
        [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ $LINE_BUF =~ ^[0-9]+$ ]] || die "LINE_BUF must be a number of bytes (0: stdio's default)"
for w in $WORKLOADS; do case $w in dd | etl | stdio | awk | exec) ;; *) die "unknown workload '$w' (dd, etl, stdio, awk, exec)" ;; esac; done
for m in $MODES; do case $m in baseline | oomguard) ;; *) die "unknown mode '$m' (baseline, oomguard)" ;; esac; done
[ "$(id -u)" = 0 ] || die "needs root (loop device, mounts, cgroups, runc)"
if [ ! -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] || [ ! -f /sys/fs/cgroup/blkio/blkio.throttle.write_bps_device ]; then
        die "needs cgroup v1 memory and blkio hierarchies at /sys/fs/cgroup/{memory,blkio} (the problem is v1's)"
fi

if [ -z "${OOMGUARD_PAGECACHE_NS:-}" ]; then
        export OOMGUARD_PAGECACHE_NS=1
        exec unshare --mount --propagation private bash "$0" "$@"
fi

SHIM=$(realpath "${SHIM:-$here/../build/oomguard-shim}")
[ -x "$SHIM" ] || die "no oomguard-shim at $SHIM (make, or SHIM=...)"
RUNC=$(command -v "${RUNC:-runc}") || die "runc is not installed (apt-get install runc)"
BUSYBOX=$(command -v busybox) || die "busybox is not installed (apt-get install busybox-static)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || die "$BUSYBOX is not static (apt-get install busybox-static)"
for t in mkfs.xfs losetup python3 mawk "${CC:-cc}"; do
        command -v "$t" >/dev/null || die "$t is missing (apt-get install xfsprogs util-linux python3 mawk build-essential)"
done

t_start=${EPOCHREALTIME/./}
tmp=$(mktemp -d -p "${PAGECACHE_TMP:-/var/tmp}" oomguard-pagecache.XXXXXX) || die "mktemp failed"
state=$tmp/cleanup.state # what cleanup must undo, appended as it is made
main_pid=$$
guard=
BLKIO_ROOT=/sys/fs/cgroup/blkio
DIRTY_KEYS="dirty_bytes dirty_ratio dirty_background_bytes dirty_background_ratio"

# ---------------------------------------------------------------- clean-up
sysctl_restore() { # put vm.dirty_* back to the values in $state; says whether it had to
        local k b r orig changed=
        for k in $DIRTY_KEYS; do
                orig=$(sed -n "s/^sysctl_$k=//p" "$state" 2>/dev/null)
                [ -n "$orig" ] || return 1
                [ "$(cat /proc/sys/vm/"$k")" = "$orig" ] || changed=1
        done
        [ -n "$changed" ] || return 1
        # writing one of a bytes/ratio pair zeroes the other
        for k in dirty dirty_background; do
                b=$(sed -n "s/^sysctl_${k}_bytes=//p" "$state")
                r=$(sed -n "s/^sysctl_${k}_ratio=//p" "$state")
                if [ "$b" -gt 0 ]; then echo "$b" >/proc/sys/vm/${k}_bytes; else echo "$r" >/proc/sys/vm/${k}_ratio; fi
        done
        return 0
}

cleanup() {
        local loopdev='' mm='' c d
        trap - EXIT INT TERM HUP
        if [ "$BASHPID" = "$main_pid" ] && [ -n "$guard" ]; then kill "$guard" 2>/dev/null; fi
        [ -n "$tmp" ] && [ -d "$tmp" ] || return 0
        [ -f "$state" ] && loopdev=$(sed -n 's/^loopdev=//p' "$state") && mm=$(sed -n 's/^mm=//p' "$state")
        if [ -d "$tmp/runc" ]; then
                for c in $("$RUNC" --root "$tmp/runc" list -q 2>/dev/null); do
                        "$RUNC" --root "$tmp/runc" delete --force "$c" >/dev/null 2>&1
                done
        fi
        # the rule first: with it gone, whatever is left to write back goes fast
        [ -z "$mm" ] || echo "$mm 0" >"$BLKIO_ROOT/blkio.throttle.write_bps_device" 2>/dev/null
        awk -v t="$tmp/" 'index($2, t) == 1 {print $2}' /proc/self/mounts | sort -r |
                while read -r d; do umount "$d" 2>/dev/null || umount -l "$d"; done
        [ -z "$loopdev" ] || losetup -d "$loopdev" 2>/dev/null
        sysctl_restore
        # the cgroups made for the benchmark, last made first; never another's:
        # a parent shared with someone else stays if it is in use
        while read -r d; do [ ! -d "$d" ] || rmdir "$d" 2>/dev/null; done < <(sed -n 's/^cgroup=//p' "$state" 2>/dev/null | tac)
        if awk -v t="$tmp/" 'index($2, t) == 1 {f = 1} END {exit !f}' /proc/self/mounts; then
                echo "pagecache: left $tmp in place: something is still mounted there" >&2
        else
                rm -rf --one-file-system "$tmp"
        fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# If this script is killed outright, a guardian it started does the same.
(
        trap - EXIT
        trap '' INT HUP
        trap 'exit 0' TERM
        while kill -0 "$main_pid" 2>/dev/null; do sleep 1; done
        cleanup
) </dev/null >/dev/null 2>&1 &
guard=$!

for k in $DIRTY_KEYS; do echo "sysctl_$k=$(cat /proc/sys/vm/"$k")" >>"$state"; done

# ---------------------------------------------------------------- cgroups
# runc's cgroupfs driver makes the cgroups path in every v1 hierarchy it
# sees: leave it memory, devices (it cannot do without) and blkio.
for h in /sys/fs/cgroup/*; do
        case ${h##*/} in memory | devices | blkio) ;; *) umount "$h" 2>/dev/null || true ;; esac
done
rel=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
rel=${rel%/}
parent="$rel/pagecache-$$"
claim_cgroups() { # claim_cgroups PATH: note the dirs runc is about to make for PATH
        local h p c
        for h in memory blkio devices; do
                p=/sys/fs/cgroup/$h
                for c in ${1//\// }; do
                        p="$p/$c"
                        [ -d "$p" ] || grep -qxF "cgroup=$p" "$state" || echo "cgroup=$p" >>"$state"
                done
        done
}
claim_cgroups "$parent"
mkdir "/sys/fs/cgroup/memory$parent" || die "cannot create /sys/fs/cgroup/memory$parent"
memsw=
[ -f "/sys/fs/cgroup/memory$parent/memory.memsw.limit_in_bytes" ] && memsw=1

# ---------------------------------------------------------------- slow storage
img_mib=$((SIZE_MIB * 2 + 2048))
truncate -s "${img_mib}M" "$tmp/xfs.img" || die "cannot create $tmp/xfs.img"
loopdev=$(losetup --direct-io=on --show -f "$tmp/xfs.img") || die "losetup failed"
echo "loopdev=$loopdev" >>"$state"
[ "$(losetup -n -O DIO "$loopdev" | tr -d ' ')" = 1 ] || die "$loopdev: direct I/O could not be enabled"
mm=$(printf '%d:%d' "0x$(stat -c %t "$loopdev")" "0x$(stat -c %T "$loopdev")")
major=${mm%:*} minor=${mm#*:}
mkfs.xfs -q -f "$loopdev" || die "mkfs.xfs $loopdev failed"
mnt=$tmp/xfs
mkdir "$mnt"
mount -o discard "$loopdev" "$mnt" || die "cannot mount $loopdev"
bps=$((MBPS * 1000000))
echo "mm=$mm" >>"$state"
echo "$mm $bps" >"$BLKIO_ROOT/blkio.throttle.write_bps_device" || die "cannot throttle $mm in $BLKIO_ROOT"

# ---------------------------------------------------------------- rootfs, bundles
lower=$tmp/lower
mkdir -p "$lower"/{bin,proc,dev,sys,tmp,data} "$tmp/runc" "$tmp/log" "$tmp/b" "$mnt/runs"
cp "$BUSYBOX" "$lower/bin/busybox"
for c in sh dd sleep cat grep kill rm; do ln -s busybox "$lower/bin/$c"; done
ccf=(-std=gnu11 -O2 -Wall -Wextra)
# the glibc image: the same, with the host's dynamic programs and the
# libraries they load at the same paths
glibc=$tmp/lower-glibc
mkdir -p "$glibc/usr/bin"
{ "${CC:-cc}" "${ccf[@]}" -o "$glibc/usr/bin/pc-stdio" "$here/pagecache/linewriter.c" &&
        cp "$(command -v mawk)" "$glibc/usr/bin/mawk" && cp "$(command -v dd)" "$glibc/usr/bin/gdd"; } ||
        die "building the glibc image failed"
for f in $(ldd "$glibc"/usr/bin/* | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(/ {print $1}' | sort -u); do
        mkdir -p "$glibc${f%/*}" && cp -L "$f" "$glibc$f" || die "copying $f into the glibc image failed"
done
{ "${CC:-cc}" "${ccf[@]}" -static -o "$lower/bin/pc-linewriter" "$here/pagecache/linewriter.c" &&
        "${CC:-cc}" "${ccf[@]}" -static -o "$lower/bin/pc-holder" "$here/pagecache/holder.c" &&
        "${CC:-cc}" "${ccf[@]}" -o "$tmp/pc-watch" "$here/pagecache/watch.c"; } || die "building the helpers failed"
(cd "$tmp" && "$RUNC" spec && mv config.json spec.json) || die "runc spec failed"
cfg=$tmp/oomguard.json
vlog=$tmp/verdicts.jsonl
printf '{"state_dir": "%s/state", "verdict_log": "%s", "metrics": "%s/oomguard.prom"}\n' "$tmp" "$vlog" "$tmp" >"$cfg"

# awk's lines: 99 characters and a newline, enough of them for SIZE_MIB
awk_lines=$((((SIZE_MIB << 20) + 99) / 100))
workload() { # workload NAME -> the container's shell script
        local tail='echo "container $(grep "^oom_kill " /sys/fs/cgroup/memory/memory.oom_control)"'
        case $1 in
        dd) echo "dd if=/dev/zero of=/data/out.bin bs=1M count=$SIZE_MIB; echo wl_rc=\$?; $tail" ;;
        stdio) echo "/usr/bin/pc-stdio /data/out.csv $SIZE_MIB 0; echo wl_rc=\$?; $tail" ;;
        awk) echo "/usr/bin/mawk -v n=$awk_lines 'BEGIN {l = sprintf(\"%099d\", 0); for (i = 0; i < n; i++) print l}' >/data/out.txt; echo wl_rc=\$?; $tail" ;;
        # the container's own process waits for the exec'd writer (exec_script)
        exec) echo "while [ ! -e /tmp/written ]; do sleep 0.1; done" ;;
        etl) echo "pc-holder $HOLD_MIB /tmp/holder.ready & h=\$!
while [ ! -e /tmp/holder.ready ] && kill -0 \$h 2>/dev/null; do sleep 0.1; done
pc-linewriter /data/out.csv $SIZE_MIB $LINE_BUF; rc=\$?
kill -0 \$h 2>/dev/null && echo holder=alive || echo holder=dead
echo wl_rc=\$rc; kill \$h; wait \$h; $tail" ;;
        esac
}
exec_script() { # what the exec'd process runs in the exec workload
        local tail='echo "container $(grep "^oom_kill " /sys/fs/cgroup/memory/memory.oom_control)"'
        echo "/usr/bin/gdd if=/dev/zero of=/data/out.bin bs=1M count=$SIZE_MIB; echo wl_rc=\$?; $tail; touch /tmp/written"
}

bundle() { # bundle ID WORKLOAD: config.json + overlay rootfs, upper dir on the slow fs
        local id=$1 b=$tmp/b/$1 u=$mnt/runs/$1 lowers=$lower
        case $2 in stdio | awk | exec) lowers=$glibc:$lower ;; esac
        mkdir -p "$b/rootfs" "$u/upper" "$u/work"
        mount -t overlay overlay -o "lowerdir=$lowers,upperdir=$u/upper,workdir=$u/work" "$b/rootfs" || return 1
        python3 - "$tmp/spec.json" "$b" "$parent/$id" $((LIMIT_MIB << 20)) "$memsw" "$major" "$minor" "$bps" \
                "$(workload "$2")" "$(exec_script)" <<'PY'
import json, sys
spec, b, cgpath, lim, memsw, major, minor, bps, script, exec_script = sys.argv[1:11]
c = json.load(open(spec))
c["root"] = {"path": b + "/rootfs", "readonly": False}
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/sh", "-c", script]
c["process"]["env"] = ["PATH=/bin", "HOME=/tmp"]
c["linux"]["cgroupsPath"] = cgpath
mem = {"limit": int(lim)}
if memsw:
    mem["swap"] = int(lim)
c["linux"]["resources"]["memory"] = mem
c["linux"]["resources"]["blockIO"] = {"throttleWriteBpsDevice": [
    {"major": int(major), "minor": int(minor), "rate": int(bps)}]}
json.dump(c, open(b + "/config.json", "w"), indent=1)
# docker exec's process: the image's environment, not the container's spec
json.dump({"args": ["/bin/sh", "-c", exec_script], "env": ["PATH=/bin:/usr/bin"], "cwd": "/",
           "user": {"uid": 0, "gid": 0}, "terminal": False}, open(b + "/process.json", "w"))
PY
}

# ---------------------------------------------------------------- measuring
us() { local t=$1; echo "${t/./}"; }
mbs() { awk -v b="$1" -v u="$2" 'BEGIN {printf "%.1f", (u > 0 ? b / u : 0)}'; } # bytes, µs -> MB/s

device_speed() { # appends "bytes µs" for dd oflag=direct of DEV_MIB MiB
        local t0 t1
        t0=$(us "$EPOCHREALTIME")
        dd if=/dev/zero of="$mnt/ddtest" bs=1M count=$DEV_MIB oflag=direct status=none || return 1
        t1=$(us "$EPOCHREALTIME")
        rm -f "$mnt/ddtest"
        sync -f "$mnt"
        echo "$((DEV_MIB << 20)) $((t1 - t0))" >>"$tmp/device"
        mbs $((DEV_MIB << 20)) $((t1 - t0))
}

verdict_of() { # verdict_of ID -> the last verdict for ID in the verdict log, or "missing"
        python3 - "$vlog" "$1" <<'PY'
import json, sys
last = None
try:
    for line in open(sys.argv[1]):
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if r.get("id") == sys.argv[2]:
            last = r
except OSError:
    pass
print("missing" if last is None else last.get("verdict"))
PY
}

kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -n 1; }

timeout_s=$((SIZE_MIB * 1049 * 5 / 1000 / MBPS + 120)) # five times the time at MBPS, and two minutes
failed=
exec_run() { # exec_run MODE ID: the container started detached, the writer exec'd into it; its status
        local rt=("$RUNC") rc
        [ "$1" = baseline ] || rt=(env OOMGUARD_RUNTIME="$RUNC" OOMGUARD_CONFIG="$cfg" "$SHIM")
        (cd "$tmp/b/$2" && "${rt[@]}" --root "$tmp/runc" run -d "$2") </dev/null >"$tmp/log/$2.init" 2>&1 || return 1
        "${rt[@]}" --root "$tmp/runc" exec --process "$tmp/b/$2/process.json" "$2" </dev/null >"$tmp/log/$2.out" 2>"$tmp/log/$2.err"
        rc=$?
        # its own process ends once the file is written (not if the writer died)
        for _ in $(seq 100); do
                "$RUNC" --root "$tmp/runc" state "$2" 2>/dev/null | grep -q '"status": "stopped"' && break
                sleep 0.1
        done
        "${rt[@]}" --root "$tmp/runc" delete --force "$2" >>"$tmp/log/$2.err" 2>&1
        return $rc
}
one_run() { # one_run ROUND MODE WORKLOAD
        local r=$1 mode=$2 wl=$3 id="$2-$3-$1" st t0 t1 t2 w killer bytes oom why v sys=
        bundle "$id" "$wl" || { echo "pagecache: bundle $id failed" >&2; failed=1; return; }
        claim_cgroups "$parent/$id"
        "$tmp/pc-watch" "/sys/fs/cgroup/memory$parent/$id" "$parent/$id" >"$tmp/log/$id.watch" &
        w=$!
        (for _ in $(seq "$timeout_s"); do sleep 1; kill -0 "$main_pid" || exit 0; done
                "$RUNC" --root "$tmp/runc" kill "$id" KILL) >/dev/null 2>&1 &
        killer=$!
        t0=$(us "$EPOCHREALTIME")
        if [ "$wl" = exec ]; then
                exec_run "$mode" "$id"
        elif [ "$mode" = baseline ]; then
                (cd "$tmp/b/$id" && "$RUNC" --root "$tmp/runc" run "$id") </dev/null >"$tmp/log/$id.out" 2>"$tmp/log/$id.err"
        else
                (cd "$tmp/b/$id" && OOMGUARD_RUNTIME="$RUNC" OOMGUARD_CONFIG="$cfg" \
                        "$SHIM" --root "$tmp/runc" run "$id") </dev/null >"$tmp/log/$id.out" 2>"$tmp/log/$id.err"
        fi
        st=$?
        t1=$(us "$EPOCHREALTIME")
        sync -f "$mnt"
        t2=$(us "$EPOCHREALTIME")
        kill "$killer" 2>/dev/null
        wait "$killer" 2>/dev/null
        kill -TERM "$w" 2>/dev/null
        wait "$w"
        local wt ok oc cont rc hold
        wt=$(cat "$tmp/log/$id.watch")
        [ "$(kv vm_dirty_bytes "$wt")" = 0 ] || sys=" vm.dirty_bytes $(($(kv vm_dirty_bytes "$wt") >> 20)) MiB during the run"
        for k in $DIRTY_KEYS; do
                [ "$(cat /proc/sys/vm/"$k")" = "$(sed -n "s/^sysctl_$k=//p" "$state")" ] || sys="$sys, $k=$(cat /proc/sys/vm/"$k") after"
        done
        bytes=$(find "$mnt/runs/$id/upper/data" -type f -printf '%s\n' 2>/dev/null | awk '{b += $1} END {print b + 0}')
        if [ "$(kv seen "$wt")" != 1 ]; then
                echo "pagecache: $id: the container never started (exit $st):" >&2
                tail -n 5 "$tmp/log/$id.err" >&2
                failed=1
        fi
        oc=$(kv oom_kill "$wt"); ok=$(kv kmsg_kills "$wt")
        cont=$(sed -n 's/^container oom_kill //p' "$tmp/log/$id.out" | tail -n 1)
        rc=$(sed -n 's/^wl_rc=//p' "$tmp/log/$id.out" | tail -n 1)
        hold=$(sed -n 's/^holder=//p' "$tmp/log/$id.out" | tail -n 1)
        why=
        [ "${oc:-0}" -gt 0 ] && why="$why counter=$oc"
        [ "${ok:-0}" -gt 0 ] && why="$why kmsg=$ok($(kv victims "$wt"))"
        [ "${cont:-0}" -gt 0 ] && why="$why in-container=$cont"
        [ "$st" = 137 ] && why="$why exit=137"
        [ "$rc" = 137 ] && why="$why workload-killed"
        [ "$hold" = dead ] && why="$why holder-dead"
        oom=no
        [ -n "$why" ] && oom=yes
        # failed: OOMed, or the workload did not finish its writing
        local bad=
        [ -n "$rc" ] && [ "$rc" != 0 ] && [ "$rc" != 137 ] && bad="$bad exit=$rc"
        [ -z "$rc" ] && [ "$oom" = no ] && bad="$bad no-exit-status"
        [ "$bytes" -lt $((SIZE_MIB << 20)) ] && bad="$bad short=$((bytes >> 20))MiB"
        if [ "$mode" = oomguard ]; then
                v=$(verdict_of "$id")
                why="$why verdict=$v"
                case $v in
                none) ;;
                missing) echo "pagecache: $id: no verdict in $vlog" >&2 ;;
                *) oom=yes ;;
                esac
                [ "$v" = none ] && [ "$oom" = yes ] && why="$why (the verdict missed it)"
        fi
        local vmb snap
        vmb=$(kv vm_dirty_bytes "$wt") snap=$(sed -n 's/^sysctl_dirty_bytes=//p' "$state")
        if [ "$mode" = baseline ] && [ "${vmb:-0}" != 0 ] && [ "$vmb" != "$snap" ]; then
                why="$why (not a baseline: vm.dirty_bytes was changed during the run)"
                echo "$id" >>"$tmp/disturbed"
        fi
        [ "$oom" = yes ] && echo "$mode $wl" >>"$tmp/ooms"
        [ "$oom" = yes ] || [ -n "$bad" ] && echo "$mode $wl" >>"$tmp/fails"
        echo "$mode $wl $bytes $((t2 - t0))" >>"$tmp/runs"
        printf '%d/%d %-8s %-5s OOM %-3s failed %-3s %6s MB/s  peak dirty+writeback %5.1f MiB  (%d MiB in %.1f s, sync %.1f s;%s%s)\n' \
                "$r" "$RUNS" "$mode" "$wl" "$oom" "$([ "$oom" = yes ] || [ -n "$bad" ] && echo yes || echo no)" "$(mbs "$bytes" $((t2 - t0)))" \
                "$(awk -v b="$(kv peak_dirty_wb "$wt")" 'BEGIN {print b / 1048576}')" $((bytes >> 20)) \
                "$(awk -v u=$((t1 - t0)) 'BEGIN {print u / 1e6}')" "$(awk -v u=$((t2 - t1)) 'BEGIN {print u / 1e6}')" \
                "${why:- no kill}$bad" "${sys:+;$sys}"
        umount "$tmp/b/$id/rootfs"
        rm -rf "$mnt/runs/$id" "$tmp/b/$id"
        sync -f "$mnt"
}

echo "pagecache: $RUNS rounds of {$WORKLOADS} x {$MODES}: $SIZE_MIB MiB each into a" \
        "$LIMIT_MIB MiB container${memsw:+ (memsw = limit)}, XFS on $loopdev ($mm, direct I/O) throttled to $MBPS MB/s;" \
        "etl holds $HOLD_MIB MiB"
: >"$tmp/runs"; : >"$tmp/ooms"; : >"$tmp/fails"; : >"$tmp/device"; : >"$tmp/disturbed"
for r in $(seq "$RUNS"); do
        d=$(device_speed) || { echo "pagecache: dd oflag=direct failed" >&2; failed=1; break; }
        echo "round $r: device $d MB/s (dd oflag=direct, $DEV_MIB MiB)"
        for wl in $WORKLOADS; do
                modes=$MODES
                [ $((r % 2)) = 1 ] || modes=$(tr ' ' '\n' <<<"$MODES" | tac) # who goes first alternates
                for mode in $modes; do
                        if [ "$mode" = baseline ] && sysctl_restore; then
                                echo "note: vm.dirty_* differed from the start; put back before this baseline run"
                        fi
                        one_run "$r" "$mode" "$wl"
                        [ -z "$failed" ] || break 3
                done
        done
done

count() { grep -c "^$1" "$tmp/$2"; } # MODE FILE
agg() { # agg MODE [WORKLOAD [DIGITS]] -> MB/s over those runs: all bytes / all time
        awk -v m="$1" -v w="${2:-}" -v p="${3:-1}" '$1 == m && (w == "" || $2 == w) {b += $3; u += $4}
                END {printf "%." p "f", (u > 0 ? b / u : 0)}' "$tmp/runs"
}
n=$(grep -c '^baseline' "$tmp/runs"); no=$(grep -c '^oomguard' "$tmp/runs")
# The device's speed: the best of the rounds. Its throttle is a hard cap,
# so anything that disturbs a measurement (other load on the host's disk or
# CPUs delays dd's one synchronous write at a time) only lowers it; the
# best round is the closest to what the device can do, and the hardest
# yardstick for oomguard.
dev=$(awk '$2 > 0 && $1 / $2 > m {m = $1 / $2} END {printf "%.4f", m}' "$tmp/device")
devs=$(awk '{printf "%s%.1f", (NR > 1 ? " " : ""), ($2 > 0 ? $1 / $2 : 0)}' "$tmp/device")
for wl in $WORKLOADS; do
        printf '%-5s baseline failed %d/%d (OOM %d), %s MB/s; oomguard failed %d/%d (OOM %d), %s MB/s\n' "$wl" \
                "$(grep -c "^baseline $wl\$" "$tmp/fails")" "$(grep -c "^baseline $wl " "$tmp/runs")" "$(grep -c "^baseline $wl\$" "$tmp/ooms")" "$(agg baseline "$wl")" \
                "$(grep -c "^oomguard $wl\$" "$tmp/fails")" "$(grep -c "^oomguard $wl " "$tmp/runs")" "$(grep -c "^oomguard $wl\$" "$tmp/ooms")" "$(agg oomguard "$wl")"
done
echo "device: $(printf %.1f "$dev") MB/s, the best of dd oflag=direct $DEV_MIB MiB per round ($devs); oomguard, all runs: $(agg oomguard) MB/s"
el=$((($(us "$EPOCHREALTIME") - t_start) / 1000000))
printf 'took %dm%02ds (RUNS=%s SIZE_MIB=%s LIMIT_MIB=%s MBPS=%s HOLD_MIB=%s LINE_BUF=%s)\n' $((el / 60)) $((el % 60)) \
        "$RUNS" "$SIZE_MIB" "$LIMIT_MIB" "$MBPS" "$HOLD_MIB" "$LINE_BUF"
[ -z "${LOGS:-}" ] || { mkdir -p "$LOGS" && cp "$tmp"/log/* "$tmp/runs" "$tmp/ooms" "$tmp/fails" "$tmp/device" "$LOGS/" && { [ ! -f "$vlog" ] || cp "$vlog" "$LOGS/"; }; }
[ ! -s "$tmp/disturbed" ] || echo "warning: something outside this benchmark set vm.dirty_bytes during" \
        "$(wc -l <"$tmp/disturbed") baseline run(s): $(tr '\n' ' ' <"$tmp/disturbed")- run it on a quiet host"
[ -z "$failed" ] || { echo "pagecache: the harness failed; figures above are incomplete" >&2; exit 1; }
awk -v o="$(agg oomguard "" 4)" -v d="$dev" -v a="$(count baseline fails)" -v b="$(count oomguard fails)" -v n="$n" -v no="$no" \
        -v ao="$(count baseline ooms)" -v bo="$(count oomguard ooms)" \
        'BEGIN {printf "pagecache: baseline failed %d/%d (OOM %d), oomguard failed %d/%d (OOM %d), throughput ratio %.2f\n", a, n, ao, b, no, bo, (d > 0 ? o / d : 0)}'
