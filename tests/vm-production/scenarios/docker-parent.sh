# shellcheck shell=bash
# docker-parent: `docker run --cgroup-parent P -m 96m` where P's memory
# limit (48 MiB) is below the container's own. On v2 (systemd driver) P is
# a slice, ogparent.slice with MemoryMax=48M; on v1 (cgroupfs driver) a
# cgroup /ogparent with memory.limit_in_bytes. Verdict ancestor-memcg,
# naming P.
# guests: debian-v2 debian-v1
# order: 13
# timeout: 240
if [ "$(docker info -f '{{.CgroupDriver}}')" = systemd ]; then
        parent=ogparent.slice pcg=/ogparent.slice
        mkdir -p /run/systemd/system
        printf '[Slice]\nMemoryMax=48M\n' >/run/systemd/system/ogparent.slice
        systemctl daemon-reload
        systemctl start ogparent.slice
        cg_of() { echo "$pcg/docker-$1.scope"; }
else
        parent=/ogparent pcg=/ogparent
        mkdir -p "$(memcg_dir $pcg)"
        echo $((48 << 20)) >"$(memcg_dir $pcg)/memory.limit_in_bytes"
        cg_of() { echo "$pcg/$1"; }
fi
note "parent $parent: memory limit $(cat "$(memcg_dir $pcg)/memory.max" "$(memcg_dir $pcg)/memory.limit_in_bytes" 2>/dev/null)"
dk_run parent --cgroup-parent "$parent" -m 96m --memory-swap 96m -- sh -c 'cat /proc/self/oom_score_adj; exec memhog'
v=$(wait_verdict "$DK_ID")
note "docker: exit $DK_RC, State.OOMKilled=$DK_OOM, State.ExitCode=$DK_EXIT;" \
        "oomguard: $(vf "$v" verdict init_killed oom_memcg cgroup | xargs)"
expect "docker run exits 137" "$DK_RC" 137
expect "verdict ancestor-memcg naming $pcg, init_killed true" \
        "$(vf "$v" verdict oom_memcg init_killed | xargs)" "ancestor-memcg $pcg true"
expect "the container's cgroup under the parent" "$(vf "$v" cgroup kills.0.task_memcg | xargs)" \
        "$(cg_of "$DK_ID") $(cg_of "$DK_ID")"
check "the summary names the parent" grep -qF "$pcg" <<<"$(vf "$v" summary)"
