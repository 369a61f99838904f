# shellcheck shell=dash
# Sourced as /vm/lib.sh by the guest's /init before a scenario (busybox ash).
#
# Console protocol, read by tests/vm/run.sh on the host:
#   @@PASS TEXT / @@FAIL TEXT   one line per check
#   @@NOTE TEXT                 context worth keeping in the log
#   @@VERDICT JSON              the guest's verdict log, at the end
#   @@BOOT ... / @@DONE rc=N    from /init
#
# oomguard is installed as a host would have it: /usr/local/bin/oomguard,
# oomguard-hook and oomguard-shim; /etc/oomguard/config.json (og_config);
# state in /run/oomguard; verdicts in /var/log/oomguard/verdicts.jsonl.
# Containers run a read-only busybox root (/vm/image) with /bin/memhog, in
# cgroups under /oomguard-vm.

OG_BIN=/usr/local/bin
VLOG=/var/log/oomguard/verdicts.jsonl
OUT=/tmp/out
CGROOT=/oomguard-vm
mkdir -p "$OUT" /run/bundles /etc/oomguard

cgmode() { [ -f /sys/fs/cgroup/cgroup.controllers ] && echo 2 || echo 1; }
# memcg_dir CGROUP: the memory cgroup's directory
memcg_dir() {
	if [ "$(cgmode)" = 2 ]; then echo "/sys/fs/cgroup$1"; else echo "/sys/fs/cgroup/memory$1"; fi
}
memtotal() { awk '/^MemTotal:/ {print $2 * 1024}' /proc/meminfo; }
note() { echo "@@NOTE $*"; }

# ---- checks -------------------------------------------------------------
PASSES=0 FAILS=0
pass() { PASSES=$((PASSES + 1)); echo "@@PASS $1"; }
fail() { FAILS=$((FAILS + 1)); echo "@@FAIL $1"; }
# check TEXT CMD...: passes when CMD succeeds
check() {
	_t=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$_t"; else fail "$_t"; return 1; fi
}
# expect TEXT GOT WANT: passes when the two strings are equal; says both if not
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got '$2', want '$3')"; return 1; fi
}
finish() {
	echo "@@NOTE $PASSES passed, $FAILS failed in this guest"
	[ "$FAILS" = 0 ]
}

# ---- oomguard -----------------------------------------------------------
og_config() { printf '%s\n' "$1" >/etc/oomguard/config.json; }
# verdict ID: the last verdict recorded for a container
verdict() { grep "\"id\":\"$1\"" "$VLOG" 2>/dev/null | tail -n 1; }
# vf JSON PATH...: fields of a verdict (or any JSON), one per line
vf() {
	_j=$1
	shift
	printf '%s' "$_j" | jget "$@"
}
# auto_adj LIMIT: what oom_score_adj "auto" gives a container of that limit here
auto_adj() { echo $((1000 - $1 / ($(memtotal) / 1000))); }

# ---- bundles and runtimes ----------------------------------------------
# bundle NAME: writes /run/bundles/NAME/config.json from the environment:
#   ARGS    the process's argv as JSON array items (default: true)
#   LIMIT   memory limit in bytes (unset: none)    OCI_SWAP  memory+swap
#   ADJ     process.oomScoreAdj (unset: the key is left out)
#   HOOKS   yes (default): oomguard-hook at createRuntime and poststop;
#           no: none (the shim adds them, or a run without oomguard)
#   RECORD  yes: a second poststop hook saves its state to $OUT/NAME.poststop
#   CGPATH  cgroupsPath (default $CGROOT/NAME)
#   ROOT    the image (default /vm/image)
#   MOUNTS  more mounts: JSON objects, comma-separated
bundle() {
	_n=$1 _b=/run/bundles/$1
	mkdir -p "$_b"
	_mem=
	[ -n "${LIMIT:-}" ] && _mem="\"limit\": $LIMIT"
	[ -n "${OCI_SWAP:-}" ] && _mem="$_mem${_mem:+, }\"swap\": $OCI_SWAP"
	_adj=
	[ -n "${ADJ:-}" ] && _adj="\"oomScoreAdj\": $ADJ,"
	_post=
	[ "${RECORD:-}" = yes ] &&
		_post=", {\"path\": \"/vm/record-state\", \"args\": [\"record-state\", \"$OUT/$_n.poststop\"]}"
	_hooks=
	[ "${HOOKS:-yes}" = yes ] && _hooks="\"hooks\": {
    \"createRuntime\": [{\"path\": \"$OG_BIN/oomguard-hook\", \"args\": [\"oomguard-hook\", \"createRuntime\"], \"timeout\": 30}],
    \"poststop\": [{\"path\": \"$OG_BIN/oomguard-hook\", \"args\": [\"oomguard-hook\", \"poststop\"], \"timeout\": 60}$_post]
  },"
	cat >"$_b/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": [${ARGS:-"/bin/true"}],
    "env": ["PATH=/bin"],
    "cwd": "/",
    $_adj
    "noNewPrivileges": true
  },
  "root": {"path": "${ROOT:-/vm/image}", "readonly": true},
  "hostname": "$_n",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755", "size=64k"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "size=1m"]}${MOUNTS:+,
    $MOUNTS}
  ],
  $_hooks
  "linux": {
    "cgroupsPath": "${CGPATH:-$CGROOT/$_n}",
    "resources": {"memory": {$_mem}},
    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "network"}]
  }
}
EOF
}

# as_adj ADJ CMD...: runs CMD with that oom_score_adj, as if a runtime
# were started by containerd-shim (-998), conmon (-1000) or a shell (0):
# whatever does not set its own inherits it.
as_adj() {
	(
		echo "$1" >/proc/self/oom_score_adj
		shift
		exec "$@"
	)
}

# run RT NAME: "RT run" in the foreground (create, start, wait, delete:
# poststop has run when it returns), the runtime at oom_score_adj $RT_ADJ
# (default 0). Output in $OUT/NAME.out and .err; prints the exit status.
# The init pid (as the host sees it) goes to $OUT/NAME.pid.
run() {
	as_adj "${RT_ADJ:-0}" "$1" run --pid-file "$OUT/$2.pid" --bundle "/run/bundles/$2" "$2" \
		>"$OUT/$2.out" 2>"$OUT/$2.err" </dev/null
	echo $?
}
# shim_run RT NAME: the same through oomguard-shim, which hands over to RT
shim_run() {
	as_adj "${RT_ADJ:-0}" env "OOMGUARD_RUNTIME=$1" "$OG_BIN/oomguard-shim" run \
		--pid-file "$OUT/$2.pid" --bundle "/run/bundles/$2" "$2" \
		>"$OUT/$2.out" 2>"$OUT/$2.err" </dev/null
	echo $?
}
pidof_ctr() { cat "$OUT/$1.pid" 2>/dev/null; }
# create RT NAME: "RT create" only (createRuntime hooks have run); the
# caller looks at the cgroup, then calls "RT delete -f NAME" (poststop).
create() {
	as_adj "${RT_ADJ:-0}" "$1" create --bundle "/run/bundles/$2" "$2" \
		>"$OUT/$2.out" 2>"$OUT/$2.err" </dev/null
}
# init_pid RT NAME: the container's init pid, from "RT state"
init_pid() { "$1" state "$2" 2>/dev/null | tr -d ' \n' | sed -n 's/.*"pid":\([0-9]*\).*/\1/p'; }
# show NAME: what a container printed, into the log
show() { sed "s/^/@@NOTE $1: /" "$OUT/$1.out" "$OUT/$1.err" 2>/dev/null; }
# wait_for FILE TEXT [SECONDS]: until FILE contains TEXT
wait_for() {
	_i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		[ $_i -ge $((${3:-60} * 10)) ] && return 1
		_i=$((_i + 1))
		usleep 100000
	done
}
