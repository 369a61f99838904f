#!/usr/bin/env bash
# Installs what the VM suite needs on a Debian 12 host, only what is missing:
# QEMU, a static busybox (the guests' userland and the containers' image),
# runc and crun (copied into the guests), a C compiler with static libc
# and yajl (the suite's helpers), mkfs.xfs (the page-cache guests' disk).
# The guest kernel is not installed: run.sh fetches its .deb with apt-get
# download and extracts it under build/vm.
set -euo pipefail
pkgs=(qemu-system-x86 busybox-static crun runc gcc libc6-dev libyajl-dev xfsprogs)
missing=()
for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
                missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
        echo "tests/vm: missing packages: ${missing[*]} (run as root, or apt-get install them)" >&2
        exit 1
fi
echo "tests/vm: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
