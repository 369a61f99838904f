# shellcheck shell=dash
# exit.sh: how the init ended, in every verdict, on a kernel that keeps a
# reaped process's exit status for whoever holds its pidfd
# (PIDFD_GET_INFO, Linux 6.15). Debian 12's kernel, which the other
# busybox guests boot, does not (their exit_code and exit_signal are
# null), so this guest boots a newer Debian kernel (run.sh: kernel=).
# cgroup v2, no swap, oomguard's defaults, runc and crun: exit 3, PID 1
# over its limit, a child killed while PID 1 exits 0, a SIGKILL from
# outside while memory.high throttles the container (memory pressure, no
# OOM kill: the summary names the pressure and a userspace killer or an
# eviction as the likely cause), and a charge above order 3 that fails
# with ENOMEM instead of killing (limit-hit).
L=$((32 << 20))
mkdir -p "$(memcg_dir "$CGROOT")"
echo +memory >"/sys/fs/cgroup$CGROOT/cgroup.subtree_control"
kv=$(uname -r)
at_least_6_15() {
	_maj=${1%%.*} _min=${1#*.}
	_min=${_min%%[.-]*}
	[ "$_maj" -gt 6 ] || { [ "$_maj" -eq 6 ] && [ "$_min" -ge 15 ]; }
}
check "the guest's kernel ($kv) is Linux 6.15 or later" at_least_6_15 "$kv"

# ends RT NAME ARGS TEXT WANT: a container of 32 MiB running ARGS; the
# runtime's status, then the verdict's kind, init_killed, exit_code and
# exit_signal, as WANT
ends() {
	_n=$1-$2
	LIMIT=$L ARGS=$3 bundle "$_n"
	_st=$(run "$1" "$_n")
	expect "$1: $4" "$_st $(vf "$(verdict "$_n")" verdict init_killed exit_code exit_signal | xargs)" "$5"
}

for rt in runc crun; do
	ends $rt exit3 '"/bin/sh", "-c", "exit 3"' "exit 3: verdict none, exit_code 3, no signal" \
		"3 none false 3 null"
	ends $rt pid1 '"/bin/memhog"' "PID 1 over its limit: 137, verdict memcg, init killed, exit_signal SIGKILL" \
		"137 memcg true null SIGKILL"
	ends $rt child '"/bin/sh", "-c", "/bin/memhog; exit 0"' \
		"a child over the limit, PID 1 exits 0: memcg, init not killed, exit_code 0" "0 memcg false 0 null"

	# memory.high at a quarter of 64 MiB: memhog, wanting 48 MiB, is
	# throttled (no swap: nothing to reclaim), never OOM-killed
	og_config '{"memory_high": "25%"}'
	n=$rt-outside
	LIMIT=$((64 << 20)) ARGS='"/bin/memhog", "-n", "48", "-H"' bundle $n
	run $rt $n >"$OUT/$n.st" &
	bg=$!
	sleep 5
	"$rt" kill $n KILL
	wait $bg
	rm -f /etc/oomguard/config.json
	d=$(verdict $n)
	expect "$rt: SIGKILLed from outside while throttled at memory.high: 137, verdict none, exit_signal SIGKILL, no kill" \
		"$(cat "$OUT/$n.st") $(vf "$d" verdict exit_signal kills.# | xargs)" "137 none SIGKILL 0" || show $n
	check "$rt: the summary names the memory pressure and a userspace killer or an eviction" \
		sh -c 'printf "%s" "$1" | grep -q "under memory pressure (memory.pressure some avg10 .*userspace OOM killer"' - \
		"$(vf "$d" summary)" || note "$(vf "$d" summary memory_pressure.some_avg10 | xargs)"
done
# A charge above order 3 at the limit fails without the OOM killer: pipe
# rings of 256 MiB (an order-10 slot array each) until one does not fit.
# The kernel prints nothing; the exit code and the limit hits tell it.
max0=$(cat /proc/sys/fs/pipe-max-size) soft0=$(cat /proc/sys/fs/pipe-user-pages-soft)
echo $((256 << 20)) >/proc/sys/fs/pipe-max-size
echo 0 >/proc/sys/fs/pipe-user-pages-soft
for rt in runc crun; do
	n=$rt-costly
	LIMIT=$L ARGS='"/bin/pipesz", "256"' bundle $n
	st=$(run $rt $n)
	d=$(verdict $n)
	expect "$rt: order-10 charges until one fails: ENOMEM, exit 1, nothing killed, verdict limit-hit" \
		"$st $(grep -c 'F_SETPIPE_SZ: Cannot allocate memory' "$OUT/$n.out") $(vf "$d" verdict exit_code kills.# | xargs)" \
		"1 1 limit-hit 1 0" || show $n
	check "$rt: the limit was hit, and the summary names ENOMEM" \
		sh -c '[ "$1" -gt 0 ] && printf "%s" "$2" | grep -q "Cannot allocate memory"' - \
		"$(vf "$d" limit_hits)" "$(vf "$d" summary)"
done
echo "$max0" >/proc/sys/fs/pipe-max-size
echo "$soft0" >/proc/sys/fs/pipe-user-pages-soft
check "no container state left in /run/oomguard" [ -z "$(ls /run/oomguard 2>/dev/null)" ]
