#!/usr/bin/env bash
# The write window in real containers started through oomguard-shim: a
# glibc image whose program writes 64 MiB keeps only a few windows of it in
# the page cache (write, pwrite, writev, and a forked and re-executed
# child), where plain runc keeps all of it; a static binary, an image of
# static programs and a musl image run untouched, and the shim says why.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=runc-lib.sh
. "$here/runc-lib.sh"
runc_reexec "$0" "$@"
runc_binaries
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
PROBE=$(realpath "${PCPROBE:-build/tests/pcprobe}")
PROBE_STATIC=$(realpath "${PCPROBE_STATIC:-build/tests/pcprobe-static}")
PROBE_MUSL=${PCPROBE_MUSL:-build/tests/pcprobe-musl}
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
runc_suite oomguard-preload
cfg="$tmp/config.json"
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s/v.jsonl","runtime":"%s","writeback":"preload","writeback_window":"4M"}\n' \
        "$tmp" "$tmp" "$RUNC" >"$cfg"
export OOMGUARD_CONFIG="$cfg"
L=$((256 << 20))
# /data must be on a disk: page cache on tmpfs (a /tmp that is one) is
# shmem, which no write window can drain
data=$(mktemp -d "${DISK_TMPDIR:-/var/tmp}/oomguard-preload.XXXXXX")
runc_at_exit 'rm -rf "$data"'
[ "$(stat -f -c %T "$data")" != tmpfs ] || skip_suite "$data is on tmpfs: the write window needs a disk-backed directory (set DISK_TMPDIR)"

image() { # image NAME: a rootfs with the busybox applets, plus per kind
        local r="$tmp/img-$1"
        cp -a "$tmp/rootfs" "$r"
        case $1 in
        glibc)
                mkdir -p "$r/lib64" "$r/lib/x86_64-linux-gnu"
                cp -L /lib64/ld-linux-x86-64.so.2 "$r/lib64/"
                cp -L /lib/x86_64-linux-gnu/libc.so.6 "$r/lib/x86_64-linux-gnu/"
                cp "$PROBE" "$r/bin/pcprobe"; cp "$PROBE_STATIC" "$r/bin/pcprobe-static" ;;
        musl)
                cp -L /lib/ld-musl-x86_64.so.1 "$r/lib/" 2>/dev/null || { mkdir -p "$r/lib"; cp -L /lib/ld-musl-x86_64.so.1 "$r/lib/"; }
                cp "$PROBE_MUSL" "$r/bin/pcprobe" ;;
        static) cp "$PROBE_STATIC" "$r/bin/pcprobe" ;;
        esac
}
bundle() { # bundle ID IMAGE CMD...: a writable /data on the host's disk
        local id=$1 img=$2; shift 2
        runc_bundle "$tmp/b/$id" "$id" $L '' - - "$@"
        mkdir -p "$data/$id"
        python3 - "$tmp/b/$id/config.json" "$tmp/img-$img" "$data/$id" <<'PY'
import json, sys
p, root, data = sys.argv[1:4]
c = json.load(open(p))
c["root"]["path"] = root
c["mounts"].append({"destination": "/data", "type": "bind", "source": data, "options": ["rbind", "rw"]})
json.dump(c, open(p, "w"))
PY
}
run() { # run ID via(shim|runc) -> stdout in $tmp/ID.out; exit status
        RUNC_CONTAINERS+=("$1")
        if [ "$2" = shim ]; then
                (cd "$tmp/b/$1" && "$SHIM" --root "$tmp/runc" --log "$tmp/$1.log" --log-format json run "$1" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null)
        else
                (cd "$tmp/b/$1" && "$RUNC" --root "$tmp/runc" run "$1" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null)
        fi
        echo $?
}
for i in glibc musl static; do image $i; done

expect "the library needs nothing newer than glibc 2.2.5 (any image's glibc can load it)" \
        "$(objdump -T "$(dirname "$SHIM")/liboomguard-pagecache.so" | grep -o 'GLIBC_[0-9.]*' | sort -u)" GLIBC_2.2.5

bundle base glibc /bin/pcprobe write /data/f 64
st=$(run base runc); plain=$(cat "$tmp/base.out")
cached_at_least() { [ "$1" -eq 0 ] && [ "${2:-0}" -ge "$3" ]; } # STATUS MIB MIN: exit 0, MIN MiB or more cached
cached_at_most() { [ "$1" -eq 0 ] && [ -n "$2" ] && [ "$2" -le "$3" ]; } # STATUS MIB MAX: exit 0, MAX MiB or less
check "plain runc: 64 MiB written, ${plain:-?} MiB of it still in the page cache" cached_at_least "$st" "$plain" 48
for m in write pwrite writev forkexec; do
        bundle "p-$m" glibc /bin/pcprobe "$m" /data/f 64
        st=$(run "p-$m" shim); got=$(cat "$tmp/p-$m.out")
        check "through the shim, $m: ${got:-?} MiB left in the page cache (4 MiB window)" cached_at_most "$st" "$got" 12 || cat "$tmp/p-$m.err"
done
preloaded() { # CONFIG: the library mounted and in LD_PRELOAD
        grep -q '"destination":"/.oomguard/liboomguard-pagecache.so"' "$1" &&
                grep -q 'LD_PRELOAD=/.oomguard/liboomguard-pagecache.so' "$1"
}
check "the bundle has the library mounted read-only and in LD_PRELOAD" preloaded "$tmp/b/p-write/config.json"

bundle s-static glibc /bin/pcprobe-static write /data/f 64
st=$(run s-static shim); got=$(cat "$tmp/s-static.out")
check "a static binary in a glibc image runs untouched (exit 0, ${got:-?} MiB cached)" cached_at_least "$st" "$got" 48

bundle s-bb static /bin/pcprobe write /data/f 8
st=$(run s-bb shim)
not_preloaded() { # STATUS ID REASON: it ran, no LD_PRELOAD, and its log says REASON
        [ "$1" -eq 0 ] && ! grep -q LD_PRELOAD "$tmp/b/$2/config.json" && grep -q "no write window: $3" "$tmp/$2.log"
}
check "an image of static programs: no preload, it runs, and the log says why" not_preloaded "$st" s-bb 'no dynamic loader in the image'

# stdio's flushes call glibc's internal write: the window does not see them
bundle p-fwrite glibc /bin/pcprobe fwrite /data/f 64
st=$(run p-fwrite shim); got=$(cat "$tmp/p-fwrite.out")
check "through the shim, a stdio writer (fwrite): not in the window (${got:-?} MiB cached), as the shim's docs say" \
        cached_at_least "$st" "$got" 48

# "auto" on v1: the host mode is the preload's fallback. Counted only while
# the container's dirty and writeback pages reach half its room (48 MiB
# written through stdio into a 64 MiB container), let go when they have
# stayed drained for 5 s; a writer the window holds (write) never engages it.
printf '{"metrics":"off","state_dir":"%s/run","verdict_log":"%s/v.jsonl","runtime":"%s","writeback":"auto","writeback_window":"4M"}\n' \
        "$tmp" "$tmp" "$RUNC" >"$tmp/auto.json"
export OOMGUARD_CONFIG="$tmp/auto.json"
# the administrator's own values in bytes (a plain file cannot zero
# dirty_bytes when dirty_ratio is written, as the kernel does)
vm=$OOMGUARD_SYSCTL_VM
printf '%s\n' $((256 << 20)) >"$vm/dirty_bytes"; printf '%s\n' $((128 << 20)) >"$vm/dirty_background_bytes"
printf '0\n' >"$vm/dirty_ratio"; printf '0\n' >"$vm/dirty_background_ratio"
vm0=$(cat "$vm/dirty_bytes" "$vm/dirty_background_bytes")
L=$((64 << 20))
watch_vm() { # ID: the lowest dirty_bytes seen, whether it was marked, and
        # whether the mark and the values went while it still ran
        local low="" marked=no released=no v
        for _ in $(seq 150); do
                v=$(cat "$vm/dirty_bytes")
                { [ -z "$low" ] || [ "$v" -lt "$low" ]; } && low=$v
                if [ -e "$tmp/run/$1/host.engaged" ]; then
                        marked=yes
                elif [ $marked = yes ] && [ "$(cat "$vm/dirty_bytes" "$vm/dirty_background_bytes")" = "$vm0" ] &&
                        [ ! -e "$tmp/$1.status" ]; then
                        released=yes
                fi
                [ -e "$tmp/$1.status" ] && break
                sleep 0.1
        done
        echo "$low $marked $released"
}
# fwrite: written, held 3 s; drain: written, synced, held 8 s (its pages
# clean, the mark goes after 5 s calm); write: the window holds it
declare -A A_LOW A_MARKED A_RELEASED A_ST
for m in fwrite drain write; do
        w=$m; [ $m = drain ] && w="fwrite"
        hold="sleep 3"; [ $m = drain ] && hold="sync && sleep 8"
        bundle "a-$m" glibc /bin/sh -c "/bin/pcprobe $w /data/f 48 && $hold"
        (st=$(run "a-$m" shim); echo "$st" >"$tmp/a-$m.status") &
        seen=$(watch_vm "a-$m"); wait
        read -r low marked released <<<"$seen"
        echo "# a-$m: exit $(cat "$tmp/a-$m.status"), lowest dirty_bytes ${low}, marked: $marked, let go while it ran: $released"
        A_LOW[$m]=$low A_MARKED[$m]=$marked A_RELEASED[$m]=$released A_ST[$m]=$(cat "$tmp/a-$m.status")
done
# a process started into the running container as `docker exec` starts
# it: its own process.json, whose environment has no LD_PRELOAD
bundle a-exec glibc /bin/sleep 10
(st=$(run a-exec shim); echo "$st" >"$tmp/a-exec.status") &
for _ in $(seq 50); do "$RUNC" --root "$tmp/runc" state a-exec 2>/dev/null | grep -q running && break; sleep 0.1; done
python3 - "$tmp/a-exec.json" <<'PY'
import json, sys
json.dump({"args": ["/bin/pcprobe", "write", "/data/f", "48"], "env": ["PATH=/bin"], "cwd": "/",
           "user": {"uid": 0, "gid": 0}}, open(sys.argv[1], "w"))
PY
"$SHIM" --root "$tmp/runc" exec --process "$tmp/a-exec.json" a-exec >"$tmp/a-exec.out" 2>&1
A_ST[exec]=$? A_MARKED[exec]=no
for _ in $(seq 30); do [ -e "$tmp/run/a-exec/host.engaged" ] && { A_MARKED[exec]=yes; break; }; sleep 0.1; done
A_LOW[exec]=$(cat "$vm/dirty_bytes")
"$RUNC" --root "$tmp/runc" kill a-exec KILL; wait
lowered() { # KIND: exit 0, marked, dirty_bytes at half the room (32 MiB) or below, 16 MiB at least
        [ "${A_ST[$1]}" -eq 0 ] && [ "${A_MARKED[$1]}" = yes ] && [ "${A_LOW[$1]}" -le $((32 << 20)) ] &&
                [ "${A_LOW[$1]}" -ge $((16 << 20)) ]
}
let_go() { [ "${A_ST[$1]}" -eq 0 ] && [ "${A_MARKED[$1]}" = yes ] && [ "${A_RELEASED[$1]}" = yes ]; }
untouched() { [ "${A_ST[$1]}" -eq 0 ] && [ "${A_MARKED[$1]}" = no ] && [ "${A_LOW[$1]}" = $((256 << 20)) ]; }
check "auto, a writer started by exec without the preload (${A_LOW[exec]} dirty_bytes): the host mode engaged" \
        lowered exec || cat "$tmp/a-exec.out"
check "auto, a stdio writer past its room's half: the host mode engaged while it wrote (dirty_bytes ${A_LOW[fwrite]}: half the room, 16 MiB at least)" \
        lowered fwrite
check "auto, the same writer, its pages written back (sync) while it lives: engaged, then let go after 5 s calm, the administrator's values back before it ends" \
        let_go drain
check "auto, a writer the window holds: never engaged (dirty_bytes untouched)" \
        untouched write
expect "after them all: the administrator's values back, no _dirty.json" \
        "$(cat "$vm/dirty_bytes" "$vm/dirty_background_bytes") $([ -e "$tmp/run/_dirty.json" ] && echo left)" "$vm0 "
export OOMGUARD_CONFIG="$cfg"

if [ -x "$PROBE_MUSL" ]; then
        bundle s-musl musl /bin/pcprobe write /data/f 8
        st=$(run s-musl shim)
        check "a musl image: no preload, its dynamic program runs, and the log says why" not_preloaded "$st" s-musl 'a musl image'
else
        skipped "no musl-gcc (apt-get install musl-tools): the musl image is not tested"
fi
finish
