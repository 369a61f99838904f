# shellcheck shell=bash
# docker-child: a child of PID 1 goes over a `docker run -m 64m` limit;
# PID 1 (sh) lives on and exits 0. Docker says OOMKilled=true with exit 0;
# oomguard: memcg, init_killed false.
# guests: debian-v2 debian-v1
# order: 11
# timeout: 240
dk_run child -m 64m --memory-swap 64m -- sh -c 'cat /proc/self/oom_score_adj; memhog; echo "child: $?"; exit 0'
v=$(wait_verdict "$DK_ID")
note "docker: exit $DK_RC, State.OOMKilled=$DK_OOM, State.ExitCode=$DK_EXIT;" \
        "oomguard: $(vf "$v" verdict init_killed oom_score_adj cgroup | xargs)"
expect "docker run exits 0, the child was SIGKILLed" "$DK_RC $(sed -n 's/^child: //p' "$OUT/child.out")" "0 137"
expect "verdict memcg, init_killed false" "$(vf "$v" verdict init_killed | xargs)" "memcg false"
expect "the kill is the child memhog in the container's own cgroup" \
        "$(vf "$v" kills.0.victim_comm kills.0.task_memcg | xargs)" "memhog $(dk_cgroup "$DK_ID")"
expect "the oom_score_adj inside is the verdict's, auto for 64 MiB" \
        "$(head -n 1 "$OUT/child.out") $(vf "$v" oom_score_adj)" "$(adj_auto 67108864) $(adj_auto 67108864)"
