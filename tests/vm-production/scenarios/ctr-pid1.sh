# shellcheck shell=bash
# ctr-pid1: PID 1 of a containerd container (ctr run, the shim as the runc
# binary, --memory-limit 64 MiB) goes over its limit. On v2 with the
# systemd cgroup driver, a scope as the CRI plugin makes them
# (system.slice/cri-containerd-<id>.scope); on v1 ctr's cgroupfs default
# (/<namespace>/<id>). containerd publishes /tasks/oom; oomguard: memcg,
# init killed.
# guests: debian-v2 debian-v1
# order: 30
# timeout: 240
id=ctr-pid1-$$
opts=(--memory-limit 67108864 --runc-binary /usr/bin/oomguard-shim)
if [ "$CGV" = 2 ]; then
        opts+=(--runc-systemd-cgroup --cgroup "system.slice:cri-containerd:$id")
        cg=/system.slice/cri-containerd-$id.scope
else
        cg=/$CTR_NS/$id
fi
ctr_run "$id" "${opts[@]}" -- sh -c 'cat /proc/self/oom_score_adj; exec memhog'
v=$(wait_verdict "$id")
note "containerd: exit $CT_RC, /tasks/oom event: $(ctr_oom_event "$id");" \
        "oomguard: $(vf "$v" verdict init_killed oom_score_adj cgroup | xargs)"
case $CT_RC in 0 | 137) ;; *) note "ctr run: $(head -c 400 "$OUT/$id.err")" ;; esac
expect "ctr run exits 137" "$CT_RC" 137
expect "verdict memcg, init_killed true, in $cg" "$(vf "$v" verdict init_killed cgroup | xargs)" "memcg true $cg"
expect "the kill is PID 1's memhog" "$(vf "$v" kills.0.victim_comm kills.0.task_memcg | xargs)" "memhog $cg"
expect "the oom_score_adj inside is the verdict's, auto for 64 MiB, not the shim's -998" \
        "$(head -n 1 "$OUT/$id.out") $(vf "$v" oom_score_adj)" "$(adj_auto 67108864) $(adj_auto 67108864)"
