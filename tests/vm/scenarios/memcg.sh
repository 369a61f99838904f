# shellcheck shell=dash
# memcg.sh: a container dies of its own memory limit (PID 1, or only a
# child) or of a parent's lower limit, under runc and crun, with
# oomguard-hook in config.json or added by oomguard-shim. The guest has
# cgroup v2 or v1 (run.sh boots it both ways) and no swap; oomguard runs
# with its defaults (no configuration file). Then crun's quirks: poststop
# gets "pid": 0, and crun 1.8 ignores "oomScoreAdj": 0.
L=$((32 << 20))
v=$(cgmode)
mkdir -p "$(memcg_dir "$CGROOT")"
[ "$v" = 2 ] && echo +memory >"/sys/fs/cgroup$CGROOT/cgroup.subtree_control"

for rt in crun runc; do
	# PID 1 over the container's own limit
	n=$rt-pid1
	LIMIT=$L RECORD=yes ARGS='"/bin/sh", "-c", "cat /proc/self/oom_score_adj; exec /bin/memhog"' bundle $n
	st=$(run $rt $n)
	d=$(verdict $n)
	expect "$rt: PID 1 over its 32 MiB limit: the runtime says 137" "$st" 137 || show $n
	expect "$rt: verdict memcg, init_killed true, the victim memhog with the init pid" \
		"$(vf "$d" verdict init_killed kills.0.victim_comm kills.0.victim_pid | xargs)" \
		"memcg true memhog $(pidof_ctr $n)"
	expect "$rt: the verdict names the container's cgroup and its limit" \
		"$(vf "$d" cgroup limit_bytes | xargs)" "$CGROOT/$n $L"
	a=$(auto_adj $L)
	expect "$rt: oom_score_adj auto ($a for 32 MiB) applied inside the container, and recorded" \
		"$(head -n 1 "$OUT/$n.out") $(vf "$d" oom_score_adj)" "$a $a"
	expect "$rt: evidence: the kernel's records and the watcher's counters agree" \
		"$(vf "$d" evidence.kmsg evidence.counters evidence.init_pid | xargs)" "true true true"
	check "$rt: the peak is recorded, at most the limit" \
		[ "$(vf "$d" peak_bytes)" -gt $((L / 2)) -a "$(vf "$d" peak_bytes)" -le $L ]

	# only a child: PID 1 (the shell) survives and exits 0
	n=$rt-child
	LIMIT=$L ARGS='"/bin/sh", "-c", "/bin/memhog; exit 0"' bundle $n
	st=$(run $rt $n)
	d=$(verdict $n)
	expect "$rt: a child over the limit, PID 1 exits 0: verdict memcg, init_killed false" \
		"$st $(vf "$d" verdict init_killed kills.0.victim_comm | xargs)" "0 memcg false memhog"

	# a parent (the "pod") whose limit is below the container's own
	pod=$CGROOT/pod-$rt n=$rt-anc
	mkdir -p "$(memcg_dir "$pod")"
	if [ "$v" = 2 ]; then
		echo $L >"/sys/fs/cgroup$pod/memory.max"
	else
		echo $L >"/sys/fs/cgroup/memory$pod/memory.limit_in_bytes"
	fi
	LIMIT=$((64 << 20)) CGPATH=$pod/$n ARGS='"/bin/memhog"' bundle $n
	st=$(run $rt $n)
	d=$(verdict $n)
	expect "$rt: under a 32 MiB parent: 137, verdict ancestor-memcg naming the parent" \
		"$st $(vf "$d" verdict oom_memcg kills.0.task_memcg | xargs)" "137 ancestor-memcg $pod $pod/$n"
	check "$rt: the summary says the parent's 32 MiB, not the container's own 64 MiB" \
		grep -q "reached its limit (32 MiB), not the container's own (64 MiB)" <<EOF
$(vf "$d" summary)
EOF
	# the parent's own counters saw its limit hit: v2 memory.events.local
	# "max", v1 memory.failcnt (neither propagates to or from children)
	expect "$rt: the parent's counters (v$v) saw its limit hit while the container ran" \
		"$(vf "$d" ancestors.0.cgroup ancestors.0.limit_bytes | xargs) $([ "$(vf "$d" ancestors.0.failcnt_delta)" -gt 0 ] && echo hit)" \
		"$pod $L hit"
	if [ "$v" = 2 ]; then
		# v2's hierarchical memory.events counts the child's kill in the
		# parent too; memory.events.local does not
		expect "$rt: v2: the parent's memory.events has oom_kill 1, memory.events.local 0" \
			"$(awk '$1 == "oom_kill" {print $2}' "/sys/fs/cgroup$pod/memory.events" "/sys/fs/cgroup$pod/memory.events.local" | xargs)" \
			"1 0"
	fi

	# no OOM: a plain non-zero exit is "none"
	n=$rt-exit3
	LIMIT=$L ARGS='"/bin/sh", "-c", "exit 3"' bundle $n
	st=$(run $rt $n)
	d=$(verdict $n)
	expect "$rt: exit 3 without an OOM: verdict none, init_killed false" \
		"$st $(vf "$d" verdict init_killed | xargs)" "3 none false"

	# containers that end at once: init may be gone before the watcher
	# looks for it, and the runtime must still get to poststop
	got=
	for i in 1 2 3 4 5; do
		n=$rt-quick$i
		ARGS='"/bin/true"' bundle $n
		got="$got$(run $rt $n)/$(vf "$(verdict $n)" verdict) "
	done
	expect "$rt: five containers that exit at once: each stops, verdict none" "$got" \
		"0/none 0/none 0/none 0/none 0/none "

	# the shim: a bundle as an engine writes it, no hook in it
	n=$rt-shim
	HOOKS=no LIMIT=$L ARGS='"/bin/memhog"' bundle $n
	st=$(shim_run $rt $n)
	d=$(verdict $n)
	expect "$rt via oomguard-shim: 137, verdict memcg, init_killed true" \
		"$st $(vf "$d" verdict init_killed | xargs)" "137 memcg true" || show $n
	expect "$rt via oomguard-shim: config.json got the hook at createRuntime and poststop, and oomScoreAdj" \
		"$(jget hooks.createRuntime.0.path hooks.poststop.0.path process.oomScoreAdj </run/bundles/$n/config.json | xargs)" \
		"$OG_BIN/oomguard-hook $OG_BIN/oomguard-hook $(auto_adj $L)"
done

# crun hands poststop "pid": 0 (runc no pid at all): the verdict still
# knows PID 1 from create
expect "crun: poststop's state carries pid 0" \
	"$(jget pid status <"$OUT/crun-pid1.poststop" | xargs)" "0 stopped"
expect "runc: poststop's state carries no pid" \
	"$(jget pid status <"$OUT/runc-pid1.poststop" | xargs)" "null stopped"

# "oomScoreAdj": 0 in config.json, the runtime itself at 500. crun 1.8
# takes 0 for "unset" and leaves the container at the inherited 500;
# oomguard-hook writes the policy's 0 regardless.
og_config '{"oom_score_adj": 0}'
for rt in crun runc; do
	for h in no yes; do
		n=$rt-adj0-$h
		HOOKS=$h ADJ=0 ARGS='"/bin/cat", "/proc/self/oom_score_adj"' bundle $n
		st=$(RT_ADJ=500 run $rt $n)
		got=$(cat "$OUT/$n.out")
		if [ $h = yes ]; then
			expect "$rt at oom_score_adj 500, \"oomScoreAdj\": 0, with oomguard (policy 0): the container runs at 0" "$st $got" "0 0"
		elif [ $rt = runc ]; then
			expect "runc at 500, \"oomScoreAdj\": 0, without oomguard: runc writes 0" "$st $got" "0 0"
		elif crun --version | grep -q '^crun version 1\.8'; then
			expect "crun 1.8 at 500, \"oomScoreAdj\": 0, without oomguard: the container inherits 500" "$st $got" "0 500"
		else
			note "$(crun --version | head -n 1) without oomguard: \"oomScoreAdj\": 0 gave $got"
		fi
	done
done

# No process the kernel may kill: the operator's policy puts every process
# of the container at -1000 (as conmon's -1000 does without oomguard), and
# dd writes 64 MiB into a tmpfs under a 32 MiB limit. The OOM killer finds
# no victim and fails the charge instead (mm/memcontrol.c, mem_cgroup_oom):
# a write(2) gets ENOMEM and dd exits 1; a page fault (dd's own text, read
# again after reclaim took it) is retried for ever, and dd never ends by
# itself. Which comes first varies; both are failed charges, and the kernel
# says "Out of memory and no killable processes" each time (a retried
# fault prints ~100 reports a second: it is stopped after 3 s, before they
# wrap the ring). dd's own error message may fail too: its stderr is a
# file here, and that write is charged to the same full cgroup.
og_config '{"oom_score_adj": -1000, "oom_score_adj_floor": -1000}'
n=runc-novictim
LIMIT=$L MOUNTS='{"destination": "/big", "type": "tmpfs", "source": "tmpfs", "options": ["size=128m"]}' \
	ARGS='"/bin/sh", "-c", "cat /proc/self/oom_score_adj; exec dd if=/dev/zero of=/big/f bs=1M count=64"' bundle $n
run runc $n >"$OUT/$n.st" &
bg=$!
i=0
while kill -0 $bg 2>/dev/null && [ $i -lt 30 ]; do usleep 100000; i=$((i + 1)); done
if kill -0 $bg 2>/dev/null; then
	p=$(head -n 1 "$(memcg_dir "$CGROOT/$n")/cgroup.procs")
	check "runc: every process at -1000: dd, still running after 3 s, retries a charge in a page fault" \
		sh -c 'grep -q try_charge "/proc/$1/stack" && grep -q page_fault "/proc/$1/stack"' - "$p" ||
		sed "s/^/@@NOTE $n: stack: /" "/proc/$p/stack"
	runc kill $n KILL
	wait $bg
else
	expect "runc: every process at -1000: dd's write(2) failed and it exited 1, not killed" \
		"$(cat "$OUT/$n.st")" 1 || show $n
fi
d=$(verdict $n)
expect "runc: every process at -1000: nothing killed, verdict limit-hit" \
	"$(head -n 1 "$OUT/$n.out") $(vf "$d" verdict kills.# | xargs)" "-1000 limit-hit 0" || show $n
check "runc: the kernel said it found no process it could kill" sh -c 'dmesg | grep -q "no killable processes"'
check "runc: the summary says so, names ENOMEM and the oom_score_adj fix, and counts the limit hits" \
	sh -c '[ "$1" -gt 0 ] && printf "%s" "$2" | grep -q "found no process it could kill.*Cannot allocate memory.*oom_score_adj above -1000"' - \
	"$(vf "$d" limit_hits)" "$(vf "$d" summary)"
rm -f /etc/oomguard/config.json

# the CLI reads the guest's verdict log: one line per container death
expect "oomguard verdicts lists every verdict of this guest" \
	"$(oomguard verdicts 2>&1 | grep -c ' init killed: ')" "$(grep -c . "$VLOG")"
oomguard verdicts | sed 's/^/@@NOTE /'
check "no container state left in /run/oomguard" [ -z "$(ls /run/oomguard 2>/dev/null)" ]
