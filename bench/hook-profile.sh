#!/usr/bin/env bash
# Where oomguard-hook's time goes in one `runc run` of a busybox `true`
# container (32 MiB limit): strace -f -ttt -T of runc and everything it
# starts, reduced to the hook's stages (createRuntime, the watcher's
# start-up, poststop) and their longest waits. Not a benchmark: strace
# slows every system call; read the shape, not the absolute figures.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=../tests/live/runc-lib.sh
. "$here/../tests/live/runc-lib.sh"
runc_reexec "$0" "$@"
HOOK=$(realpath "${HOOK:-build/oomguard-hook}")
RUNS=${RUNS:-3}
runc_setup oomguard-prof || exit 1
mkdir "$tmp/run"
mount -t tmpfs -o mode=0700 tmpfs "$tmp/run"
printf '{"state_dir":"%s/run","verdict_log":"%s/verdicts.jsonl","metrics":"%s/oomguard.prom"}\n' "$tmp" "$tmp" "$tmp" >"$tmp/cfg.json"
runc_bundle "$tmp/hook" hook $((32 << 20)) '' "$HOOK" "$tmp/cfg.json" /bin/true
for i in $(seq "$RUNS"); do
        (cd "$tmp/hook" && strace --seccomp-bpf -f -ttt -T -e trace=execve,clock_nanosleep,nanosleep,exit_group,prctl,pidfd_open,poll,ppoll,wait4,waitid,read -o "$tmp/trace" "$RUNC" --root "$tmp/runc" run "p$i" </dev/null >/dev/null)
        echo "== run $i"
        python3 - "$tmp/trace" "$HOOK" <<'PY'
import re, sys
trace, hook = sys.argv[1:3]
start, pids, ends, waits = {}, {}, {}, []
t0 = None
for line in open(trace):
    m = re.match(r"(\d+)\s+(\d+\.\d+) (.*?)(?: <(\d+\.\d+)>)?$", line.rstrip())
    if not m:
        continue
    pid, t, call, dur = int(m[1]), float(m[2]), m[3], m[4]
    t0 = t0 or t
    if call.startswith("execve(\"" + hook):
        stage = re.search(r'"(createRuntime|poststop)"', call)
        pids[pid] = stage[1] if stage else "?"
        start[pid] = t
    if 'prctl(PR_SET_NAME, "oomguard-watch"' in call:
        pids[pid] = "watcher"; start[pid] = t
    if pid in pids and (call.startswith("+++ exited") or call.startswith("exit_group")):
        ends[pid] = t
    if pid in pids and dur and float(dur) > 0.0005:
        waits.append((pids[pid], t - t0, float(dur), call[:90]))
    if call.startswith("+++ exited") and pid not in pids:
        ends.setdefault(pid, t)
last = max(ends.values()) if ends else 0
print(f"runc run under strace: {1000*(last - t0):.1f} ms")
for pid, s in sorted(start.items(), key=lambda x: x[1]):
    e = ends.get(pid)
    print(f"  {pids[pid]:14} pid {pid}: from {1000*(s - t0):7.1f} ms, "
          f"{'%.1f ms' % (1000*(e - s)) if e else 'still running'}")
for w in waits:
    print(f"    {w[0]:14} at {1000*w[1]:7.1f} ms waited {1000*w[2]:6.1f} ms in {w[3]}")
PY
done
