# shellcheck shell=bash
# pagecache-python: the seeds' batch job. A python3 program writes 1 GiB
# (PC_MIB), in 1 MiB chunks, and as 1 KiB text lines (8 KiB writes) while it
# holds 200 MiB of data of its own (PC_HOLD_MIB), then fsyncs, inside
# `docker run -m 256m --memory-swap 256m`, onto an XFS disk whose writes
# QEMU throttles (VMP_SLOW_MBPS, 10 MB/s: see below). Modes, PC_RUNS runs
# of each form (default 1): baseline (`--runtime runc`, no oomguard),
# oomguard (Docker's default runtime, its default policy) and, on v1,
# oomguard with "writeback": "off" (the deaths recorded but not
# prevented). A death is a non-zero exit: an OOM kill (137) or "[Errno 12]
# Cannot allocate memory".
# The guest stands for a production host:
#  - the dirty thresholds: on v1, where they are host-wide only, a 16 GiB
#    machine's (PC_HOST_GIB) in bytes, far above the container's limit; on
#    v2 the ratios every Debian host has (below);
#  - the image's files were read before, by an earlier job (warm): on a
#    batch host the interpreter's pages are charged to whoever read them
#    first, not to the writer's cgroup.
# The reference pace of each form is the disk's own speed (O_DIRECT), or
# the writer's own on this disk when that is slower (its fastest run that
# lived without oomguard, one of them without a memory limit: under TCG
# the guest's CPU can be the bottleneck).
#  - oomguard: no death, and each run at 0.90 of the reference or more;
#  - v1: the baseline dies at least once (the incident reproduced), and so
#    does "writeback": "off", whose verdicts say the deaths were page-cache
#    driven (any death with "off" must say so).
# The python image is the guest's own python3, its libraries and
# standard library, imported into Docker.
# Measured in debian-v1 (TCG), and why 10 MB/s: a python writer whose own
# cgroup held the interpreter's pages never died (6.1 at 20, 10 and 5
# MB/s with 16 to 256 MiB of room; Debian 11's 5.10 at 20 MB/s): reclaim
# always found those clean pages to drop and fault in again. With them
# charged elsewhere, the line writer beside 200 MiB died at 10 MB/s (2 of
# 2, and in this scenario) and lived at 20 MB/s: under TCG the guest's CPU
# is many times slower than a real one while the disk keeps wall-clock
# pace, so more writeback completes during each reclaim pass (on this
# project's host, v1, 6.18, 256 MiB at 20 MB/s dies: DESIGN.md, problem 2).
# guests: debian-v2 debian-v1
# order: 90
# timeout: 2400
runs=${PC_RUNS:-1}
mib=${PC_MIB:-1024}
hold=${PC_HOLD_MIB:-200}
dev=/dev/nvme0n3
conf=/etc/oomguard/config.json
cp "$conf" "$OUT/config.json.orig"
restore() { cp "$OUT/config.json.orig" "$conf"; }
host=${PC_HOST_GIB:-16}
dirty0=$(sysctl -n vm.dirty_ratio vm.dirty_background_ratio vm.dirty_bytes vm.dirty_background_bytes | xargs)
# put back the ratios, or the bytes if those were set
sysctl_back() {
        set -- $dirty0
        if [ "$3" != 0 ]; then sysctl -qw vm.dirty_bytes="$3"; else sysctl -qw vm.dirty_ratio="$1"; fi
        if [ "$4" != 0 ]; then sysctl -qw vm.dirty_background_bytes="$4"; else sysctl -qw vm.dirty_background_ratio="$2"; fi
}
trap 'restore; sysctl_back; umount /mnt/slow 2>/dev/null' EXIT
# v1 has no dirty limit per cgroup: the host-wide thresholds are all there
# is, so v1 gets a big host's, in bytes. On v2 the kernel gives each cgroup
# the ratios of its own room, and turns byte thresholds into ratios of the
# host's available memory: a 16 GiB host's bytes on this guest would be
# over 100 % and lift the cgroup's limit, as no real host's ratios do. v2
# keeps the ratios (Debian's 20 % and 10 %, a 16 GiB host's too).
if [ "$CGV" = 1 ]; then
        sysctl -qw vm.dirty_bytes=$((host * 1024 * 1024 * 1024 / 5)) vm.dirty_background_bytes=$((host * 1024 * 1024 * 1024 / 10))
        note "a ${host} GiB host's dirty thresholds: vm.dirty_bytes $(sysctl -n vm.dirty_bytes), vm.dirty_background_bytes $(sysctl -n vm.dirty_background_bytes) (the guest's own: ratios $dirty0)"
else
        sysctl -qw vm.dirty_ratio=20 vm.dirty_background_ratio=10
        note "the dirty ratios of any Debian host: vm.dirty_ratio $(sysctl -n vm.dirty_ratio), vm.dirty_background_ratio $(sysctl -n vm.dirty_background_ratio) (the guest's own: $dirty0)"
fi

# ---- the slow disk and its own speed ------------------------------------------
mkfs.xfs -q -f "$dev" && mkdir -p /mnt/slow && mount "$dev" /mnt/slow || { bad "the slow disk: mkfs.xfs or mount failed"; exit 1; }
t0=$(date +%s.%N)
dd if=/dev/zero of=/mnt/slow/probe bs=1M count=200 oflag=direct conv=fsync status=none
disk=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", 200 * 1.048576 / (b - a)}')
rm -f /mnt/slow/probe
note "the disk: $disk MB/s (200 MiB, O_DIRECT; QEMU throttles it to ${SLOW_MBPS:-?} MB/s)"

# ---- the python image ----------------------------------------------------------
py=/tmp/vmp/py
rm -rf "$py"
mkdir -p "$py/rootfs"/{tmp,data,etc,usr/bin,usr/sbin,usr/lib,usr/lib64}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$py/rootfs/$d"; done # merged /usr
pybin=$(readlink -f /usr/bin/python3)
pylib=/usr/lib/$(basename "$pybin")
# the interpreter and each library, under the name it is loaded by
{
        echo "$pybin"
        ldd "$pybin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
} | while read -r f; do
        case $f in /usr/*) ;; *) f=/usr$f ;; esac
        install -D -m 755 "$(readlink -f "$f")" "$py/rootfs$f"
done
cp -a --parents "$pylib" "$py/rootfs/"
rm -rf "$py/rootfs$pylib"/{test,idlelib,tkinter,turtledemo,ensurepip,lib2to3,pydoc_data,config-*}
ln -s "$(basename "$pybin")" "$py/rootfs/usr/bin/python3"
cp /vm/pcwrite.py "$py/rootfs/pcwrite.py"
cp /etc/passwd /etc/group "$py/rootfs/etc/"
tar --numeric-owner -C "$py/rootfs" -cf "$py/py.tar" . &&
        docker import "$py/py.tar" py:1 >/dev/null || { bad "the python image could not be imported"; exit 1; }
note "python image: $(du -sm "$py/py.tar" | cut -f1) MiB ($(basename "$pybin"))"
docker run --rm --network none py:1 python3 -c 'print("ok")' 2>&1 | grep -qx ok ||
        { bad "python3 does not run in its image: $(docker run --rm --network none py:1 python3 -c 'print(1)' 2>&1 | head -c 300)"; exit 1; }

# ---- the runs ---------------------------------------------------------------------
set_writeback() {
        python3 - "$conf" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["writeback"] = sys.argv[2]
json.dump(d, open(sys.argv[1], "w"), indent=1)
PY
}
# warm: the image's files back in the page cache, read by a container of
# its own that is gone before the run starts. On a batch host the job's
# interpreter and libraries were read by an earlier job, and their pages
# stay charged to that job's cgroup, not to the writer's. A writer whose
# own cgroup held them could always reclaim them (and fault them in again)
# under its limit, and lives where the job dies.
warm() {
        docker run --rm --runtime runc --network none -v /mnt/slow:/data py:1 \
                python3 /pcwrite.py chunks /data/warm 0 0 >/dev/null 2>&1
        rm -f /mnt/slow/warm
}
# one MODE FORM N: one run; appends "MODE FORM RC OOMKILLED SECONDS ID" to
# $OUT/runs. Modes: nolimit (runc, no limit: the writer's own pace),
# baseline (runc), oomguard, off (oomguard, "writeback": "off")
one() {
        local mode=$1 form=$2 name=pc-$1-$2-$3 opts=() secs
        case $mode in
        nolimit) opts=(--runtime runc) ;;
        baseline) opts=(--runtime runc -m 256m --memory-swap 256m) ;;
        *) opts=(-m 256m --memory-swap 256m) ;;
        esac
        rm -f /mnt/slow/out
        sync
        echo 3 >/proc/sys/vm/drop_caches
        warm
        DK_IMAGE=py:1 dk_run "$name" "${opts[@]}" -v /mnt/slow:/data -- \
                python3 /pcwrite.py "$form" /data/out "$mib" "$([ "$form" = lines ] && echo "$hold" || echo 0)"
        secs=$(sed -n 's/^pcwrite: [0-9]* MiB in \([0-9.]*\) s.*/\1/p' "$OUT/$name.out")
        echo "$mode $form $DK_RC $DK_OOM ${secs:--} $DK_ID" >>"$OUT/runs"
        note "$mode $form #$3: exit $DK_RC, OOMKilled $DK_OOM, $(cat "$OUT/$name.out" "$OUT/$name.err" | grep -v '^WARNING' | tail -n 1)"
}
modes="nolimit baseline oomguard"
[ "$CGV" = 1 ] && modes="$modes off"
: >"$OUT/runs"
for mode in $modes; do
        if [ $mode = off ]; then set_writeback off; else restore; fi
        n=$runs
        [ $mode = nolimit ] && n=1
        for i in $(seq 1 "$n"); do
                for form in chunks lines; do one $mode $form "$i"; done
        done
        # v1's baseline and "off" are there to reproduce the death, which
        # under TCG a run does not always do (the line writer died in 5 of
        # 6 runs): the line writer goes again, up to PC_TRIES runs in all
        # (default 3), until one dies
        if [ "$CGV" = 1 ] && { [ $mode = baseline ] || [ $mode = off ]; }; then
                while [ "$(awk -v m=$mode '$1 == m && $3 != 0' "$OUT/runs" | wc -l)" = 0 ] && [ "$n" -lt "${PC_TRIES:-3}" ]; do
                        n=$((n + 1))
                        one $mode lines "$n"
                done
        fi
done
restore
rm -f /mnt/slow/out

# ---- the figures ---------------------------------------------------------------------
deaths() { awk -v m="$1" '$1 == m && $3 != 0' "$OUT/runs" | wc -l; }
runs_of() { awk -v m="$1" '$1 == m' "$OUT/runs" | wc -l; }
# mbs MODES FORM: MB/s of the fastest living run of the form in those
# modes (a regular expression), or "-"
mbs() {
        awk -v m="^($1)\$" -v f="$2" -v n="$mib" '$1 ~ m && $2 == f && $3 == 0 && $5 != "-" {
                r = n * 1.048576 / $5; if (r > best) best = r } END { if (best) printf "%.1f", best; else print "-" }' "$OUT/runs"
}
worst=9 table=
for form in chunks lines; do
        own=$(mbs 'nolimit|baseline' $form)
        ref=$(awk -v d="$disk" -v o="$own" 'BEGIN {print (o != "-" && o < d) ? o : d}')
        for r in $(awk -v f=$form -v n="$mib" '$1 == "oomguard" && $2 == f {print ($3 == 0 && $5 != "-") ? n * 1.048576 / $5 : 0}' "$OUT/runs"); do
                worst=$(awk -v w="$worst" -v r="$r" -v ref="$ref" 'BEGIN {x = r / ref; printf "%.2f", x < w ? x : w}')
        done
        table="$table $form: disk $disk MB/s, the writer without oomguard $own, baseline $(mbs baseline $form), oomguard $(mbs oomguard $form) MB/s ($(awk -v o="$(mbs oomguard $form)" -v d="$disk" -v ref="$ref" 'BEGIN {if (o == "-") print "-"; else printf "%.2f of the disk, %.2f of the reference", o / d, o / ref}'));"
done
note "pagecache: baseline deaths $(deaths baseline)/$(runs_of baseline), oomguard deaths $(deaths oomguard)/$(runs_of oomguard)$([ "$CGV" = 1 ] && echo ", writeback off deaths $(deaths off)/$(runs_of off)")"
note "pagecache:$table"
expect "oomguard: no death" "$(deaths oomguard)" 0
check "oomguard: every run at 0.90 of the reference pace or more (worst $worst)" awk -v w="$worst" 'BEGIN {exit !(w >= 0.90)}'
check "the writer without a limit lives (it sets the reference)" [ "$(deaths nolimit)" = 0 ]
if [ "$CGV" = 1 ]; then
        check "v1: the baseline dies ($(deaths baseline) of $(runs_of baseline))" [ "$(deaths baseline)" -gt 0 ]
        check "v1: with \"writeback\": \"off\" it dies too ($(deaths off) of $(runs_of off))" [ "$(deaths off)" -gt 0 ]
fi
# shellcheck disable=SC2034 # oom: a column of the runs file not needed here
while read -r mode form rc oom secs id; do
        [ "$mode" = off ] && [ "$rc" != 0 ] || continue
        v=$(wait_verdict "$id")
        note "writeback off, $form, exit $rc: oomguard: $(vf "$v" verdict init_killed page_cache_driven writeback | xargs); $(vf "$v" summary)"
        expect "writeback off, $form: the verdict says the death was page-cache driven" "$(vf "$v" page_cache_driven)" true
done <"$OUT/runs"
