#!/usr/bin/env bash
# The main job: real logs from public bug reports (one death of each kind),
# then live runc containers with oomguard-hook, then this machine's kernel log.
set -euo pipefail
OOMGUARD=${OOMGUARD:-build/oomguard}
show() {
        printf '\n\033[1m### %s\033[0m\n$ oomguard explain %s\n' "$1" "$2"
        "$OOMGUARD" explain "$2"
}
show "A Kubernetes pod's limit killed a container (cgroup v1, systemd driver)" \
        tests/corpus/kernel-logs/001.log
show "Docker container hit its own memory+swap limit (RHEL 7, two OOMs)" \
        tests/corpus/kernel-logs/024.log
show "The host ran out of memory; the victim merely lived in a container" \
        tests/corpus/kernel-logs/006.log
show "Rate-limited burst: Killed lines with no report (memcg, cgroup unknown)" \
        tests/corpus/kernel-logs/037.log
printf '\n$ oomguard explain --json %s\n' tests/corpus/kernel-logs/032.log
"$OOMGUARD" explain --json tests/corpus/kernel-logs/032.log
if [ "$(id -u)" = 0 ] && command -v runc >/dev/null && command -v busybox >/dev/null; then
        bash "$(dirname "$0")/demo-live.sh"
        if command -v dockerd >/dev/null && command -v docker >/dev/null; then
                bash "$(dirname "$0")/demo-docker.sh"
        fi
else
        printf '\n(Run as root with runc and busybox-static installed to see live containers.)\n'
fi
if [ -r /dev/kmsg ]; then
        printf '\n\033[1m### This machine, now\033[0m\n$ oomguard explain --kmsg\n'
        "$OOMGUARD" explain --kmsg | tail -n 12
fi
