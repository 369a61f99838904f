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
rm -f /etc/oomguard/config.json

# the CLI reads the guest's verdict log: one line per container death
expect "oomguard verdicts lists every verdict of this guest" \
	"$(oomguard verdicts 2>&1 | grep -c ' init killed: ')" "$(grep -c . "$VLOG")"
oomguard verdicts | sed 's/^/@@NOTE /'
check "no container state left in /run/oomguard" [ -z "$(ls /run/oomguard 2>/dev/null)" ]
