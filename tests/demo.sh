#!/usr/bin/env bash
# The main job, on real logs from public bug reports: one death of each kind.
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
if [ -r /dev/kmsg ]; then
        printf '\n\033[1m### This machine, now\033[0m\n$ oomguard explain --kmsg\n'
        "$OOMGUARD" explain --kmsg | tail -n 12
fi
