# shellcheck shell=bash
# docker-pid1: PID 1 of a plain `docker run -m 64m` goes over its limit.
# Docker's default runtime is oomguard-shim; its cgroup driver is Docker's
# default (systemd on v2: system.slice/docker-<id>.scope; cgroupfs on v1).
# Verdict memcg, init killed, the container's cgroup; the oom_score_adj
# the container saw is the verdict's.
# guests: debian-v2 debian-v1
# order: 10
# timeout: 240
dk_run pid1 -m 64m --memory-swap 64m -- sh -c 'cat /proc/self/oom_score_adj; exec memhog'
v=$(wait_verdict "$DK_ID")
note "docker: exit $DK_RC, State.OOMKilled=$DK_OOM, State.ExitCode=$DK_EXIT;" \
        "oomguard: $(vf "$v" verdict init_killed oom_score_adj cgroup | xargs)"
expect "docker run exits 137" "$DK_RC" 137
expect "verdict memcg, init_killed true" "$(vf "$v" verdict init_killed | xargs)" "memcg true"
expect "the kill is PID 1's memhog in the container's own cgroup" \
        "$(vf "$v" kills.0.victim_comm kills.0.task_memcg oom_memcg | xargs)" \
        "memhog $(dk_cgroup "$DK_ID") $(dk_cgroup "$DK_ID")"
expect "the oom_score_adj inside is the verdict's, auto for 64 MiB" \
        "$(head -n 1 "$OUT/pid1.out") $(vf "$v" oom_score_adj)" "$(adj_auto 67108864) $(adj_auto 67108864)"
