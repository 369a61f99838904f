# pagecache-python: the seeds' batch job. A python3 program writes 1 GiB
# (PC_MIB), in 1 MiB chunks and as 1 KiB text lines, then fsyncs, inside
# `docker run -m 256m --memory-swap 256m`, onto an XFS disk whose writes
# QEMU throttles to 20 MB/s. Per mode, PC_RUNS runs of each form (default
# 1): baseline (`--runtime runc`, no oomguard), oomguard (Docker's default
# runtime, its default policy) and oomguard with "writeback": "off" (the
# deaths recorded but not prevented). A death is a non-zero exit: an OOM
# kill (137) or "[Errno 12] Cannot allocate memory".
#  - oomguard: no death, and each run's throughput at least 0.90 of the
#    disk's own (measured here with O_DIRECT);
#  - v1: the baseline dies at least once (the incident reproduced), and so
#    does "writeback": "off", whose verdicts say the deaths were page-cache
#    driven (on v2 a death, if any, must say so too).
# The python image is the guest's own python3, its libraries and
# standard library, imported into Docker.
# guests: debian-v2 debian-v1
# order: 90
# timeout: 2400
runs=${PC_RUNS:-1}
mib=${PC_MIB:-1024}
dev=/dev/nvme0n3
conf=/etc/oomguard/config.json
cp "$conf" "$OUT/config.json.orig"
restore() { cp "$OUT/config.json.orig" "$conf"; }
trap restore EXIT

# ---- the slow disk and its own speed ------------------------------------------
mkfs.xfs -q -f "$dev" && mkdir -p /mnt/slow && mount "$dev" /mnt/slow || { bad "the slow disk: mkfs.xfs or mount failed"; exit 1; }
t0=$(date +%s.%N)
dd if=/dev/zero of=/mnt/slow/probe bs=1M count=200 oflag=direct conv=fsync status=none
disk=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", 200 * 1.048576 / (b - a)}')
rm -f /mnt/slow/probe
note "the disk: $disk MB/s (200 MiB, O_DIRECT; QEMU throttles it to 20 MB/s)"

# ---- the python image ----------------------------------------------------------
py=/tmp/vmp/py
rm -rf "$py"
mkdir -p "$py/rootfs"/{tmp,data,etc,usr/bin,usr/sbin,usr/lib,usr/lib64}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$py/rootfs/$d"; done # merged /usr
pybin=$(readlink -f /usr/bin/python3)
pylib=/usr/lib/$(basename "$pybin")
# the interpreter and each library under the name it is loaded by and its real file
{
        echo "$pybin"
        ldd "$pybin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
} | while read -r f; do
        case $f in /usr/*) ;; *) f=/usr$f ;; esac
        cp -a --parents "$f" "$(readlink -f "$f")" "$py/rootfs/"
done
cp -a --parents "$pylib" "$py/rootfs/"
rm -rf "$py/rootfs$pylib"/{test,idlelib,tkinter,turtledemo,ensurepip,lib2to3,pydoc_data,config-*}
ln -s "$(basename "$pybin")" "$py/rootfs/usr/bin/python3"
cp /vm/pcwrite.py "$py/rootfs/pcwrite.py"
cp /etc/passwd /etc/group "$py/rootfs/etc/"
tar --numeric-owner -C "$py/rootfs" -cf "$py/py.tar" . &&
        docker import -q "$py/py.tar" py:1 >/dev/null || { bad "the python image could not be imported"; exit 1; }
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
# one MODE FORM N: one run; appends "MODE FORM RC OOMKILLED SECONDS ID" to $OUT/runs
one() {
        local mode=$1 form=$2 name=pc-$1-$2-$3 rt=() secs
        [ "$mode" = baseline ] && rt=(--runtime runc)
        rm -f /mnt/slow/out
        sync
        echo 3 >/proc/sys/vm/drop_caches
        dk_run "$name" "${rt[@]}" -m 256m --memory-swap 256m -v /mnt/slow:/data -- \
                python3 /pcwrite.py "$form" /data/out "$mib"
        secs=$(sed -n 's/^pcwrite: [0-9]* MiB in \([0-9.]*\) s$/\1/p' "$OUT/$name.out")
        echo "$mode $form $DK_RC $DK_OOM ${secs:--} $DK_ID" >>"$OUT/runs"
        note "$mode $form #$3: exit $DK_RC, OOMKilled $DK_OOM, $(cat "$OUT/$name.out" "$OUT/$name.err" | grep -v '^WARNING' | tail -n 1)"
}
: >"$OUT/runs"
for mode in baseline oomguard off; do
        if [ $mode = off ]; then set_writeback off; else restore; fi
        for i in $(seq 1 "$runs"); do
                for form in chunks lines; do one $mode $form "$i"; done
        done
done
restore
rm -f /mnt/slow/out
umount /mnt/slow

# ---- the figures ---------------------------------------------------------------------
deaths() { awk -v m="$1" '$1 == m && $3 != 0' "$OUT/runs" | wc -l; }
total=$(awk -v m=oomguard '$1 == m' "$OUT/runs" | wc -l)
worst=$(awk -v d="$disk" -v n="$mib" '$1 == "oomguard" && $3 == 0 && $5 != "-" {
        r = n * 1.048576 / $5 / d; if (w == "" || r < w) w = r } END {printf "%.2f", w == "" ? 0 : w}' "$OUT/runs")
rates=$(awk -v d="$disk" -v n="$mib" '$1 == "oomguard" && $5 != "-" {printf "%s %.1f MB/s (%.2f)  ", $2, n * 1.048576 / $5, n * 1.048576 / $5 / d}' "$OUT/runs")
note "pagecache: baseline deaths $(deaths baseline)/$total, oomguard deaths $(deaths oomguard)/$total," \
        "writeback off deaths $(deaths off)/$total; oomguard: $rates against the disk's $disk MB/s"
expect "oomguard: no death" "$(deaths oomguard)" 0
check "oomguard: every run at 0.90 of the disk's speed or more (worst $worst)" awk -v w="$worst" 'BEGIN {exit !(w >= 0.90)}'
if [ "$CGV" = 1 ]; then
        check "v1: the baseline dies ($(deaths baseline) of $total)" [ "$(deaths baseline)" -gt 0 ]
        check "v1: with \"writeback\": \"off\" it dies too ($(deaths off) of $total)" [ "$(deaths off)" -gt 0 ]
fi
while read -r mode form rc oom secs id; do
        [ "$mode" = off ] && [ "$rc" != 0 ] || continue
        v=$(wait_verdict "$id")
        note "writeback off, $form, exit $rc: oomguard: $(vf "$v" verdict init_killed page_cache_driven writeback | xargs); $(vf "$v" summary)"
        expect "writeback off, $form: the verdict says the death was page-cache driven" "$(vf "$v" page_cache_driven)" true
done <"$OUT/runs"
