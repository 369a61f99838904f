# shellcheck shell=bash
# docker-clean: a `docker run -m 64m` that uses 8 MiB and exits 0.
# Verdict none, no kills.
# guests: debian-v2 debian-v1
# order: 12
# timeout: 240
dk_run clean -m 64m --memory-swap 64m -- sh -c 'cat /proc/self/oom_score_adj; memhog -n 8'
v=$(wait_verdict "$DK_ID")
note "docker: exit $DK_RC, State.OOMKilled=$DK_OOM, State.ExitCode=$DK_EXIT;" \
        "oomguard: $(vf "$v" verdict init_killed oom_score_adj cgroup | xargs)"
expect "docker run exits 0, not OOMKilled" "$DK_RC $DK_OOM" "0 false"
expect "verdict none, init_killed false, no kills" "$(vf "$v" verdict init_killed kills.# | xargs)" "none false 0"
expect "the oom_score_adj inside is the verdict's, auto for 64 MiB" \
        "$(head -n 1 "$OUT/clean.out") $(vf "$v" oom_score_adj)" "$(adj_auto 67108864) $(adj_auto 67108864)"
