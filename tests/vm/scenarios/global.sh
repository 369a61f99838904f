# shellcheck shell=dash
# global.sh: the whole guest (512 MiB, no swap) runs out of memory.
#
# Node protection. A "host daemon", hostd, holds 48 MiB at oom_score_adj 0,
# as sshd or the kubelet would. A container without a memory limit grows
# until the kernel must kill something. Its runtime runs at -998, as under
# containerd-shim, and config.json sets no oomScoreAdj, so without
# oomguard the container inherits -998 and the kernel kills the daemon
# first. With oomguard (its default policy: "auto", 1000 for a container
# without a limit) the container's process is the victim, the daemon
# survives, and the verdict is "global", naming the victim.
# Each runtime, without oomguard, with the hook in config.json, and
# through oomguard-shim.
export RT_ADJ=-998
mkdir -p "$(memcg_dir "$CGROOT")"

# start_daemon TAG: hostd at oom_score_adj 0 holding 48 MiB; sets DPID,
# its pid as it says it ("memhog[PID]: holding 48 MiB")
start_daemon() {
	as_adj 0 hostd -n 48 -H >"$OUT/hostd.$1" 2>&1 &
	DJOB=$!
	wait_for "$OUT/hostd.$1" holding 60 || note "hostd did not start: $(cat "$OUT/hostd.$1")"
	DPID=$(sed -n 's/^memhog\[\([0-9]*\)\]: holding.*/\1/p' "$OUT/hostd.$1")
	note "hostd: pid ${DPID:-?}, oom_score_adj $(cat "/proc/$DPID/oom_score_adj" 2>&1)"
}
stop_daemon() {
	kill -KILL "$DPID" 2>/dev/null
	wait "$DJOB" 2>/dev/null
}
# kill_of PID: the kernel's record of that pid's OOM kill ("scope comm
# oom_score_adj"), from oomguard explain over this guest's kernel log
kill_of() {
	oomguard explain --kmsg --json | grep "\"victim_pid\":$1," | tail -n 1 |
		jget scope victim_comm oom_score_adj | xargs
}
# first_killed PID PID: the comm of the one the kernel killed first
first_killed() {
	oomguard explain --kmsg --json | grep -E "\"victim_pid\":($1|$2)," | head -n 1 |
		jget victim_comm
}

for rt in crun runc; do
	# without oomguard: the container at the runtime's -998
	n=$rt-bare
	start_daemon $n
	HOOKS=no ARGS='"/bin/memhog"' bundle $n
	st=$(run $rt $n)
	cpid=$(pidof_ctr $n)
	expect "$rt without oomguard: the global OOM killed the host daemon (oom_score_adj 0), before the container" \
		"$(kill_of "$DPID"), first: $(first_killed "$DPID" "$cpid")" "global hostd 0, first: hostd" || show $n
	check "$rt without oomguard: the host daemon is gone" [ ! -d "/proc/$DPID" ]
	expect "$rt without oomguard: the container ran at its runtime's -998, killed only when nothing else was left" \
		"$st $(kill_of "$cpid")" "137 global memhog -998"
	stop_daemon

	# with oomguard: the hook in config.json, then the shim
	for how in hook shim; do
		n=$rt-$how
		start_daemon $n
		if [ $how = hook ]; then
			ARGS='"/bin/memhog"' bundle $n
			st=$(run $rt $n)
		else
			HOOKS=no ARGS='"/bin/memhog"' bundle $n
			st=$(shim_run $rt $n)
		fi
		d=$(verdict $n)
		expect "$rt with oomguard ($how): 137, verdict global, init_killed true, oom_score_adj 1000" \
			"$st $(vf "$d" verdict init_killed oom_score_adj | xargs)" "137 global true 1000" || show $n
		expect "$rt with oomguard ($how): the verdict names the victim, the container's memhog, PID 1" \
			"$(vf "$d" kills.0.scope kills.0.victim_comm kills.0.victim_pid kills.0.task_memcg | xargs)" \
			"global memhog $(pidof_ctr $n) $CGROOT/$n"
		check "$rt with oomguard ($how): the summary says the host ran out of memory" \
			grep -q "host ran out of memory" <<EOF
$(vf "$d" summary)
EOF
		k=$(kill_of "$DPID")
		expect "$rt with oomguard ($how): the host daemon survived, never a victim" \
			"$(kill -0 "$DPID" 2>/dev/null && echo alive), killed: ${k:-never}" "alive, killed: never"
		stop_daemon
	done
done
check "no container state left in /run/oomguard" [ -z "$(ls /run/oomguard 2>/dev/null)" ]
