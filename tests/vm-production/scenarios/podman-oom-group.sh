# shellcheck shell=bash
# podman-oom-group: `podman run -m 64m --cgroup-conf=memory.oom.group=1`
# whose two memhogs (one holding 24 MiB, one growing) fill the limit: the
# kernel kills the whole cgroup at once. One verdict, memcg, naming both
# memhogs' kills as one group kill.
# guests: debian-v2
# order: 40
# timeout: 240
pm_run group -m 64m --memory-swap 64m --cgroup-conf=memory.oom.group=1 -- \
        sh -c 'memhog -n 24 -H & sleep 2; memhog; echo "survived: $?"'
vs=$(verdicts "$PM_ID")
wait_for 30 grep -qF "\"id\":\"$PM_ID\"" "$VLOG" && vs=$(verdicts "$PM_ID")
v=$(tail -n 1 <<<"$vs")
note "podman: exit $PM_RC, State.OOMKilled=$PM_OOM, State.ExitCode=$PM_EXIT;" \
        "oomguard: $(vf "$v" verdict init_killed "kills.#" | xargs) kills;" \
        "victims: $(printf '%s' "$v" | python3 -c 'import json, sys; print(" ".join("%s:%s" % (k.get("victim_comm"), k.get("victim_pid")) for k in json.load(sys.stdin).get("kills", [])))' 2>/dev/null)"
note "summary: $(vf "$v" summary)"
expect "podman run exits 137, nothing survived" "$PM_RC $(grep -c survived "$OUT/group.out")" "137 0"
expect "one verdict for the container" "$(grep -c . <<<"$vs")" 1
expect "verdict memcg" "$(vf "$v" verdict)" memcg
expect "the verdict's kills include both memhogs" \
        "$(printf '%s' "$v" | python3 -c 'import json, sys; print(sum(1 for k in json.load(sys.stdin).get("kills", []) if k.get("victim_comm") == "memhog"))' 2>/dev/null)" 2
check "the verdict names them as one group kill (memory.oom.group)" \
        grep -qiE 'oom\.group|group kill' <<<"$(vf "$v" summary)"
