# shellcheck shell=bash
# podman-pid1: PID 1 of a `podman run -m 64m` goes over its limit. podman
# runs oomguard-hook from the package's hooks.d file only (nothing
# registered), with its defaults: crun, the systemd cgroup manager on v2
# (machine.slice/libpod-<id>.scope). Verdict memcg, init killed.
# guests: debian-v2 debian-v1
# order: 20
# timeout: 240
pm_run pid1 -m 64m --memory-swap 64m -- sh -c 'cat /proc/self/oom_score_adj; exec memhog'
v=$(wait_verdict "$PM_ID")
note "podman: exit $PM_RC, State.OOMKilled=$PM_OOM, State.ExitCode=$PM_EXIT;" \
        "oomguard: $(vf "$v" verdict init_killed oom_score_adj cgroup | xargs)"
expect "podman run exits 137" "$PM_RC" 137
expect "verdict memcg, init_killed true" "$(vf "$v" verdict init_killed | xargs)" "memcg true"
expect "the kill is PID 1's memhog in the container's own cgroup" \
        "$(vf "$v" kills.0.victim_comm | xargs) $(vf "$v" kills.0.task_memcg | grep -c "libpod-$PM_ID")" "memhog 1"
expect "the oom_score_adj inside is the verdict's, auto for 64 MiB" \
        "$(head -n 1 "$OUT/pid1.out") $(vf "$v" oom_score_adj)" "$(adj_auto 67108864) $(adj_auto 67108864)"
