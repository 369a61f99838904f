# shellcheck shell=dash
# knobs.sh: the policy's cgroup knobs. Each is read back from the
# container's cgroup after "create" (the createRuntime hook has run, the
# process has not started), then seen at work. The guest has a zram swap
# device, so the swap limit decides whether a container may swap. On v2:
# memory.swap.max (swap alone), memory.high, memory.oom.group; on v1:
# memory.memsw.limit_in_bytes (memory+swap), and the v2-only knobs are
# left alone.
L=$((32 << 20))
M=$((1 << 20))
v=$(cgmode)
check "the guest swaps to zram" grep -q '^/dev/zram0 ' /proc/swaps

# knob RT NAME CONFIG FILE...: one container of 32 MiB under CONFIG; prints
# the FILEs of its cgroup, one per line, then deletes it
knob() {
	_rt=$1 _n=$2 _c=$3
	shift 3
	og_config "$_c"
	LIMIT=$L ARGS='"/bin/sleep", "60"' bundle "$_n"
	if ! create "$_rt" "$_n"; then
		show "$_n"
		echo "create failed"
		return
	fi
	for _f in "$@"; do cat "$(memcg_dir "$CGROOT/$_n")/$_f"; done
	"$_rt" delete -f "$_n" >/dev/null 2>&1
}
# swap_is RT NAME CONFIG SWAP: the swap limit as the policy says (SWAP
# bytes of swap beyond the limit, or "max"), and the verdict's
# swap_limit_bytes (memory+swap, -1 for none)
swap_is() {
	if [ "$v" = 2 ]; then
		_want=$4
		_got=$(knob "$1" "$2" "$3" memory.swap.max)
	else # v1 shows "no limit" as LONG_MAX rounded down to a page
		_want=$([ "$4" = max ] && echo 9223372036854771712 || echo $((L + $4)))
		_got=$(knob "$1" "$2" "$3" memory.memsw.limit_in_bytes)
	fi
	_rec=$(vf "$(verdict "$2")" swap_limit_bytes)
	echo "$_got $_want $_rec $([ "$4" = max ] && echo -1 || echo $((L + $4)))"
}

for rt in crun runc; do
	f=$([ "$v" = 2 ] && echo memory.swap.max || echo memory.memsw.limit_in_bytes)
	for c in "none 0" "16M $((16 * M))" "50% $((16 * M))" "unlimited max"; do
		set -- $c
		r=$(swap_is $rt "$rt-swap-$(echo "$1" | tr -d %)" "{\"swap\": \"$1\"}" "$2")
		set -- $r
		expect "$rt: swap ${c% *}: $f $2, the verdict's swap_limit_bytes (memory+swap) $4" \
			"$1 $3" "$2 $4"
	done
	if [ "$v" = 2 ]; then
		expect "$rt: memory_high 75% of 32 MiB: memory.high 24 MiB, memory.max untouched" \
			"$(knob $rt $rt-high '{"memory_high": "75%"}' memory.high memory.max | xargs)" "$((24 * M)) $L"
		expect "$rt: oom_group true: memory.oom.group 1" \
			"$(knob $rt $rt-group '{"oom_group": true}' memory.oom.group)" 1
		expect "$rt: oom_group false: memory.oom.group 0" \
			"$(knob $rt $rt-nogroup '{"oom_group": false}' memory.oom.group)" 0
	fi

	# a negative oom_score_adj, allowed by a negative floor, is applied
	n=$rt-neg
	og_config '{"oom_score_adj": -500, "oom_score_adj_floor": -1000}'
	LIMIT=$L ARGS='"/bin/sleep", "60"' bundle $n
	create $rt $n || show $n
	p=$(init_pid $rt $n)
	got=$(cat "/proc/$p/oom_score_adj" 2>&1)
	$rt delete -f $n >/dev/null 2>&1
	d=$(verdict $n)
	expect "$rt: oom_score_adj -500 with floor -1000: applied to the init process, recorded, no note" \
		"$got $(vf "$d" oom_score_adj notes.# verdict | xargs)" "-500 -500 0 none"
done

# at work. swap none: memhog's 48 MiB do not fit in 32 MiB, though zram
# has room: killed by the container's limit.
og_config '{"swap": "none"}'
n=crun-noswap
LIMIT=$L ARGS='"/bin/memhog", "-n", "48"' bundle $n
st=$(run crun $n)
d=$(verdict $n)
expect "crun, swap none, 48 MiB in 32: 137, verdict memcg" \
	"$st $(vf "$d" verdict init_killed | xargs)" "137 memcg true" || show $n
# swap 64M: the same 48 MiB fit, 16 of them in swap; memhog exits 0
og_config '{"swap": "64M"}'
n=runc-swap
LIMIT=$L ARGS='"/bin/memhog", "-n", "48"' bundle $n
st=$(run runc $n)
d=$(verdict $n)
expect "runc, swap 64M, 48 MiB in 32: swapped, exit 0, verdict none, peak within the limit" \
	"$st $(vf "$d" verdict | xargs) $([ "$(vf "$d" peak_bytes)" -le $L ] && echo within)" "0 none within" || show $n

# oom_group (v2): a child's OOM takes the whole container with it, PID 1 too
if [ "$v" = 2 ]; then
	og_config '{"oom_group": true, "swap": "none"}'
	for rt in crun runc; do
		n=$rt-group-child
		LIMIT=$L ARGS='"/bin/sh", "-c", "/bin/memhog; exit 0"' bundle $n
		st=$(run $rt $n)
		d=$(verdict $n)
		expect "$rt, oom_group true: a child's OOM kills PID 1 as well: 137, memcg, init_killed true, 2 kills" \
			"$st $(vf "$d" verdict init_killed kills.# | xargs)" "137 memcg true 2" || show $n
	done
fi
rm -f /etc/oomguard/config.json
check "no container state left in /run/oomguard" [ -z "$(ls /run/oomguard 2>/dev/null)" ]
