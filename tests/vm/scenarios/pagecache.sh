# shellcheck shell=dash
# pagecache.sh: page cache kills writers (DESIGN.md, problem 2), on
# cgroup v1 (the control, which reproduces it) and on v2: does v2 need
# oomguard's writeback mitigation at all?
#
# Slow storage: the guest's second disk, an NVMe drive whose writes QEMU
# itself throttles (run.sh: disk=1024:10, 10 MB/s), formatted XFS (its
# page-cache allocations are GFP_NOFS, and v1 memcg reclaim cannot wait
# for writeback then). The throttle sits below the guest's block layer, so
# it is the same on v1 and v2 and slows the flusher's writeback whichever
# cgroup it is charged to; a loop device in the guest would need a backing
# file in the guest's memory, a v1 blkio limit does not see buffered
# writeback (v1 issues it from the root), and v2's io.max would make the
# storage slow for the container only on v2.
#
# The writer: a container with a pc_limit MiB memory limit (default 32)
# running glibc's dd (the host's coreutils, /vm/glibc-image, so that the
# shim's preload applies) as its PID 1: dd if=/dev/zero of=/data/out bs=1M
# count=pc_size conv=fsync (default 128 MiB, four times the limit; fsync,
# so that its MB/s include the drain). The guest has 1 GiB and the
# kernel's default dirty ratios: its global dirty limits are far above the
# container's, as on a large host.
#
# Under TCG the guest's CPU is many times slower than the host's while
# QEMU's throttle keeps wall-clock time, and v1's OOM comes when reclaim
# finds nothing to free many times in a row: the slower the CPU, the more
# writeback completes during each pass. The host's case (256 MiB, 20
# MB/s) is therefore scaled down in both: measured in this guest, v1
# without oomguard was killed in every run at 32 MiB and 10, 5 or 2 MB/s,
# and in none at 32 MiB and 20 MB/s or at 64 MiB and 5 MB/s.
#
# Each mode runs pc_runs times (default 5), runc and crun alternating, the
# page cache dropped before each run:
#   none     plain runtime, no oomguard
#   shim     through oomguard-shim, no configuration: writeback auto (v1:
#            the preload; v2: nothing)
#   preload  v2: the shim with "writeback": "preload"
#   high90   v2: the shim with "memory_high": "90%"
#   dirty90  v2: plain runtime, vm.dirty_ratio 90 during the run: the
#            per-cgroup dirty limit (a share of the cgroup's room) all but
#            lifted, to see whether that limit is what saves the writer
# A run OOMed when the kernel killed a process in it ("Killed process" in
# the kernel's log) or dd failed with ENOMEM. pcwatch samples the
# container's memory cgroup every 100 ms: peak dirty + writeback, usage,
# anon, memory.high. One "@@NOTE pagecache:" line per run and a
# "@@NOTE pagecache-table" line per mode.
#
# Checks: v1 without oomguard OOMs at least once (the problem reproduces),
# v1 through the shim never; v2 never OOMs in any mode, and without
# oomguard its dirty + writeback stay under half the limit (the kernel's
# per-cgroup dirty throttling: the ground for writeback auto doing nothing
# on v2).
RUNS=${pc_runs:-5}
LIMIT_MIB=${pc_limit:-32}
SIZE_MIB=${pc_size:-128}
L=$((LIMIT_MIB << 20))
v=$(cgmode)
kv=$(uname -r)
PC=$CGROOT/pc
IMG=/vm/glibc-image
DEV=/dev/nvme0n1

# Variations for experiments, on the kernel command line (VM_APPEND):
# pc_runs, pc_limit, pc_size as above; pc_modes="none high90 ..." runs only
# those modes and asserts nothing about their outcome; the kernel's own
# cgroup_disable=io takes the io controller away (runc and crun enable
# every controller the root has on the way down: only the kernel can).

# ---- the slow disk ------------------------------------------------------
for m in $(cat "/lib/modules/$kv/disk/load-order" 2>/dev/null); do
	insmod "/lib/modules/$kv/disk/$m" 2>/dev/null
done
i=0
while [ ! -b $DEV ] && [ $i -lt 50 ]; do usleep 100000; i=$((i + 1)); done
mkdir -p /slow
if ! check "an XFS file system on the throttled NVMe disk" \
	sh -c "mkfs.xfs -f -q -K $DEV && mount -t xfs $DEV /slow"; then
	note "$(ls -l $DEV 2>&1); $(grep -w xfs /proc/filesystems || echo 'no xfs in /proc/filesystems')"
	return 1
fi
check "the container image has glibc's dd and its loader" \
	[ -x $IMG/bin/dd -a -e $IMG/lib64/ld-linux-x86-64.so.2 ] || return 1
# the device's own speed: direct I/O, no page cache
spd=$($IMG/bin/dd if=/dev/zero of=/slow/probe bs=1M count=32 oflag=direct 2>&1 |
	sed -n 's/.* copied, .*, \([0-9.]*\) MB\/s$/\1/p')
rm -f /slow/probe
note "pagecache: the disk writes ${spd:-?} MB/s with direct I/O"
thr=$(awk '$1 == "nr_dirty_threshold" {print $2 * 4}' /proc/vmstat)
bg=$(awk '$1 == "nr_dirty_background_threshold" {print $2 * 4}' /proc/vmstat)
note "pagecache: vm.dirty_ratio $(cat /proc/sys/vm/dirty_ratio), dirty_background_ratio" \
	"$(cat /proc/sys/vm/dirty_background_ratio): global thresholds $((thr >> 10)) and" \
	"$((bg >> 10)) MiB; container limit $LIMIT_MIB MiB, $SIZE_MIB MiB written, $RUNS runs per mode"
# below (thresh + bg) / 2 the kernel does not throttle a writer globally:
# that must be above the limit, or the guest would throttle a writer that
# a large host lets fill its memory cgroup
check "the guest's global dirty limits let a writer fill the container's limit (free run $(((thr + bg) / 2 >> 10)) MiB > $LIMIT_MIB MiB)" \
	[ $(((thr + bg) / 2)) -gt $((LIMIT_MIB << 10)) ]

# ---- the containers' cgroups ---------------------------------------------
mkdir -p "$(memcg_dir "$PC")"
if [ "$v" = 2 ]; then
	# memory and io, as runc and crun enable them anyway (cgroup
	# writeback charges the writeback to the container's io cgroup)
	if ! grep -qw io /sys/fs/cgroup/cgroup.controllers; then
		echo +memory >"/sys/fs/cgroup$CGROOT/cgroup.subtree_control"
		echo +memory >"/sys/fs/cgroup$PC/cgroup.subtree_control"
		note "pagecache: v2 without the io controller (cgroup_disable=io)"
	else
		echo "+memory +io" >"/sys/fs/cgroup$CGROOT/cgroup.subtree_control"
		echo "+memory +io" >"/sys/fs/cgroup$PC/cgroup.subtree_control"
		check "v2: memory and io enabled for the containers (cgroup writeback)" \
			sh -c "grep -qw memory /sys/fs/cgroup$PC/cgroup.subtree_control &&
				grep -qw io /sys/fs/cgroup$PC/cgroup.subtree_control"
	fi
fi
DATA='{"destination": "/data", "type": "bind", "source": "/slow", "options": ["rbind", "rw"]}'
DD="\"/bin/dd\", \"if=/dev/zero\", \"of=/data/out\", \"bs=1M\", \"count=$SIZE_MIB\", \"conv=fsync\""

# pc_run MODE I: one run; sets r_oom (0/1), r_how, r_bytes, r_secs, r_dwb
# and r_usage (KiB), r_high (KiB or -1), r_pre (the shim preloaded: yes/no)
pc_run() {
	_m=$1 _i=$2 _rt=runc
	[ $((_i % 2)) = 0 ] && _rt=crun
	_n=pc-$_m-$_i
	rm -f /slow/out
	sync
	echo 3 >/proc/sys/vm/drop_caches
	case $_m in
	preload) og_config '{"writeback": "preload"}' ;;
	high90) og_config '{"memory_high": "90%"}' ;;
	*) rm -f /etc/oomguard/config.json ;;
	esac
	_ratio=$(cat /proc/sys/vm/dirty_ratio)
	[ "$_m" = dirty90 ] && echo 90 >/proc/sys/vm/dirty_ratio
	HOOKS=no LIMIT=$L CGPATH=$PC/$_n ROOT=$IMG MOUNTS=$DATA ARGS=$DD bundle $_n
	_k0=$(dmesg | grep -c 'Killed process')
	pcwatch "$(memcg_dir "$PC/$_n")" 100 >"$OUT/$_n.watch" &
	_w=$!
	case $_m in
	none | dirty90) _st=$(run $_rt $_n) ;;
	*) _st=$(shim_run $_rt $_n) ;;
	esac
	wait $_w
	echo "$_ratio" >/proc/sys/vm/dirty_ratio
	_k=$(($(dmesg | grep -c 'Killed process') - _k0))
	_wl=$(cat "$OUT/$_n.watch")
	r_dwb=$(echo "$_wl" | sed -n 's/.*peak_dirty_wb_kb=\([0-9-]*\).*/\1/p')
	r_usage=$(echo "$_wl" | sed -n 's/.*peak_usage_kb=\([0-9-]*\).*/\1/p')
	r_high=$(echo "$_wl" | sed -n 's/.*high_kb=\([0-9-]*\).*/\1/p')
	r_pre=no
	grep -q 'LD_PRELOAD=/.oomguard/liboomguard-pagecache.so' "/run/bundles/$_n/config.json" && r_pre=yes
	# "268435456 bytes (268 MB, 256 MiB) copied, 13.4 s, 20.0 MB/s"
	_l=$(grep ' copied, ' "$OUT/$_n.err" | tail -n 1)
	r_bytes=$(echo "$_l" | sed -n 's/^\([0-9]*\) bytes.*/\1/p')
	r_secs=$(echo "$_l" | sed -n 's/.* copied, \([0-9.e-]*\) s,.*/\1/p')
	r_oom=0 r_how=ok
	if [ "$_k" -gt 0 ] || [ "$_st" = 137 ]; then
		r_oom=1 r_how="oom-killed (exit $_st, $_k kill(s))"
	elif grep -q 'Cannot allocate memory' "$OUT/$_n.err"; then
		r_oom=1 r_how="ENOMEM (exit $_st)"
	elif [ "$_st" != 0 ] || [ "$r_bytes" != $((SIZE_MIB << 20)) ]; then
		r_how="failed (exit $_st)"
		show $_n
	fi
	_d=$(verdict $_n)
	[ -n "$_d" ] && [ "$r_oom" = 1 ] && note "pagecache: $_n verdict: $(vf "$_d" summary)"
	note "pagecache: $_n $_rt: $r_how, ${r_secs:-?} s," \
		"peak dirty+writeback $((${r_dwb:-0} >> 10)) MiB, peak usage $((${r_usage:-0} >> 10)) MiB," \
		"memory.high ${r_high} KiB, preloaded $r_pre ($_wl)"
}

# pc_mode MODE: RUNS runs; sets m_oom, m_mbps, m_dwb (MiB, the highest),
# m_pre (runs the shim preloaded), m_high (a memory.high was seen)
pc_mode() {
	m_oom=0 m_pre=0 m_high=0 _by=0 _cs=0 _dwb=0 _fail=0
	_j=1
	while [ $_j -le "$RUNS" ]; do
		pc_run "$1" $_j
		m_oom=$((m_oom + r_oom))
		[ "$r_pre" = yes ] && m_pre=$((m_pre + 1))
		[ "${r_high:--1}" -gt 0 ] && m_high=$((m_high + 1))
		[ "${r_dwb:-0}" -gt $_dwb ] && _dwb=$r_dwb
		case $r_how in failed*) _fail=$((_fail + 1)) ;; esac
		if [ "$r_oom" = 0 ] && [ -n "$r_secs" ]; then
			_by=$((_by + r_bytes))
			_cs=$(awk -v a="$_cs" -v b="$r_secs" 'BEGIN {printf "%d", a + b * 100}')
		fi
		_j=$((_j + 1))
	done
	m_mbps=-
	[ "$_cs" -gt 0 ] && m_mbps=$(awk -v b=$_by -v c="$_cs" 'BEGIN {printf "%.1f", b / 1e6 / (c / 100)}')
	m_dwb=$(awk -v k=$_dwb 'BEGIN {printf "%.1f", k / 1024}')
	note "pagecache-table v$v $1 runs=$RUNS oom=$m_oom failed=$_fail mbps=$m_mbps" \
		"peak_dirty_wb_mib=$m_dwb limit_mib=$LIMIT_MIB size_mib=$SIZE_MIB preloaded=$m_pre"
	check "v$v $1: every run started and either finished or was killed by the memory limit ($_fail other failures)" \
		[ $_fail = 0 ]
}

# pc_modes (the kernel command line, VM_APPEND): only these modes, no checks
if [ -n "${pc_modes:-}" ]; then
	for m in $pc_modes; do pc_mode "$m"; done
elif [ "$v" = 1 ]; then
	pc_mode none
	check "v1 without oomguard: the writer is OOM-killed in $m_oom of $RUNS runs (at least 1: the problem reproduces; peak dirty+writeback $m_dwb of $LIMIT_MIB MiB)" \
		[ $m_oom -ge 1 ]
	pc_mode shim
	expect "v1 through oomguard-shim (writeback auto: the preload): OOMs, runs preloaded" \
		"$m_oom $m_pre" "0 $RUNS"
	note "pagecache: v1 shim: $m_mbps MB/s, peak dirty+writeback $m_dwb MiB"
else
	pc_mode none
	expect "v2 without oomguard: OOMs in $RUNS runs (peak dirty+writeback $m_dwb of $LIMIT_MIB MiB)" "$m_oom" 0
	check "v2 without oomguard: the kernel keeps dirty+writeback under half the limit (peak $m_dwb MiB)" \
		[ "$(awk -v d="$m_dwb" -v l=$LIMIT_MIB 'BEGIN {print (d < l / 2) ? "yes" : "no"}')" = yes ]
	pc_mode shim
	expect "v2 through oomguard-shim (writeback auto: nothing on v2): OOMs, runs preloaded" \
		"$m_oom $m_pre" "0 0"
	pc_mode preload
	expect "v2, writeback preload: OOMs, runs preloaded" "$m_oom $m_pre" "0 $RUNS"
	pc_mode high90
	expect "v2, memory_high 90%: OOMs, runs with memory.high set" "$m_oom $m_high" "0 $RUNS"
	# the per-cgroup dirty limit all but lifted: is the limit on dirty
	# pages all that saves the writer, or does v2 reclaim wait for
	# writeback where v1's cannot?
	pc_mode dirty90
	expect "v2 without oomguard, vm.dirty_ratio 90: OOMs in $RUNS runs (peak dirty+writeback $m_dwb of $LIMIT_MIB MiB)" "$m_oom" 0
fi
rm -f /etc/oomguard/config.json
umount /slow
check "no container state left in /run/oomguard" [ -z "$(ls /run/oomguard 2>/dev/null)" ]
