# shellcheck shell=bash
# journald: each verdict is a structured journal entry. A docker container
# dies of its pod-like parent's limit (ogjournal.slice, MemoryMax=48M) and
# `journalctl -t oomguard OOMGUARD_VERDICT=ancestor-memcg` finds exactly
# its entry, with the fields Docker's journald driver uses for the
# container (CONTAINER_ID, CONTAINER_ID_FULL), the kind's fixed MESSAGE_ID,
# PRIORITY 4 and the numbers; a clean exit is PRIORITY 6, verdict none.
# guests: debian-v2
# order: 40
# timeout: 240
mkdir -p /run/systemd/system
printf '[Slice]\nMemoryMax=48M\n' >/run/systemd/system/ogjournal.slice
systemctl daemon-reload
systemctl start ogjournal.slice
dk_run jparent --cgroup-parent ogjournal.slice -m 96m --memory-swap 96m -- sh -c 'exec memhog'
v=$(wait_verdict "$DK_ID")
note "docker: exit $DK_RC; oomguard: $(vf "$v" verdict oom_memcg | xargs)"
expect "verdict ancestor-memcg" "$(vf "$v" verdict)" ancestor-memcg
# journald may take a moment to write what it received
wait_for 10 sh -c "journalctl -q -t oomguard CONTAINER_ID_FULL=$DK_ID -o json | grep -q ."
journalctl -q -t oomguard OOMGUARD_VERDICT=ancestor-memcg CONTAINER_ID_FULL="$DK_ID" -o json >"$OUT/j.json"
expect "journalctl -t oomguard OOMGUARD_VERDICT=ancestor-memcg: one entry for the container" \
        "$(grep -c . "$OUT/j.json")" 1
e=$(head -n 1 "$OUT/j.json")
expect "its fields as Docker's journald driver names the container" \
        "$(vf "$e" CONTAINER_ID CONTAINER_ID_FULL SYSLOG_IDENTIFIER | xargs)" "${DK_ID:0:12} $DK_ID oomguard"
expect "ancestor-memcg's MESSAGE_ID, PRIORITY 4 (warning)" "$(vf "$e" MESSAGE_ID PRIORITY | xargs)" \
        "01773ad54eea45648ae0f026efc8e7d9 4"
expect "the numbers: the container's limit, the OOM memcg" \
        "$(vf "$e" OOMGUARD_LIMIT_BYTES OOMGUARD_OOM_MEMCG | xargs)" "$((96 << 20)) /ogjournal.slice"
dk_run jclean -- true
wait_verdict "$DK_ID" >/dev/null
wait_for 10 sh -c "journalctl -q -t oomguard CONTAINER_ID_FULL=$DK_ID -o json | grep -q ."
e=$(journalctl -q -t oomguard CONTAINER_ID_FULL="$DK_ID" -o json | head -n 1)
expect "a clean exit: verdict none, PRIORITY 6, none's MESSAGE_ID" \
        "$(vf "$e" OOMGUARD_VERDICT PRIORITY MESSAGE_ID | xargs)" "none 6 ac66b5e8d9c14f1ba2d84b3d9e52c960"
systemctl stop ogjournal.slice
rm -f /run/systemd/system/ogjournal.slice
systemctl daemon-reload
