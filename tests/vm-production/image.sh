#!/usr/bin/env bash
# The production guests' base disk image: a Debian 12 root made by
# debootstrap (minbase plus ./packages), Debian's cloud kernel's modules
# (the kernel tests/vm/vm-lib.sh fetches), the test driver's unit, a
# root ssh key, turned into an ext4 image by mkfs.ext4 -d. As root.
#
#   bash tests/vm-production/image.sh     -> prints the image's directory
#
# The image is cached in $VMP_CACHE (default
# /var/cache/oomguard-vm-production) under a key of the package list, this
# script, the unit and the kernel's package and version: a machine that
# built it once boots it again without rebuilding, and a change to any of
# these builds a new one (the old ones are removed). The directory holds
# root.img (sparse), id_ed25519 (root's key, also in the image),
# build.log and build-seconds. Guests boot it read-only (QEMU's
# snapshot=on: their writes go to a temporary overlay), so it stays clean.
#
# Environment: VM_DIR (the kernel cache, default build/vm), VMP_CACHE,
# VMP_MIRROR (default http://deb.debian.org/debian), VMP_IMAGE_MIB (the
# file system's size, default 8192; sparse).
set -euo pipefail
here=$(dirname "$(realpath "$0")")
repo=$(realpath "$here/../..")
VM_DIR=$(realpath -m "${VM_DIR:-$repo/build/vm}")
VMP_CACHE=${VMP_CACHE:-/var/cache/oomguard-vm-production}
mirror=${VMP_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
# shellcheck source=../vm/vm-lib.sh
. "$repo/tests/vm/vm-lib.sh"
say() { echo "tests/vm-production: $*" >&2; }

[ "$(id -u)" = 0 ] || { say "the image needs root (debootstrap, chroot, mkfs.ext4 -d)"; exit 1; }
mkdir -p "$VM_DIR" "$VMP_CACHE"
vm_kernel || { say "no guest kernel"; exit 1; }
include=$(grep -v '^#' "$here/packages" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
key=$({
        echo "$suite $include"
        cat "$0" "$here/guest/oomguard-vmprod.service"
        basename "$KDIR"
} | sha256sum | cut -c1-16)
out=$VMP_CACHE/$key

# one build at a time; a second caller waits and uses the first one's image
exec 8>"$VMP_CACHE/.lock"
flock 8
if [ -f "$out/.complete" ]; then
        echo "$out"
        exit 0
fi

t0=$SECONDS
tmp=$VMP_CACHE/tmp.$key
rm -rf "$tmp"
mkdir -p "$tmp"
r=$tmp/root
log=$tmp/build.log
say "building the guests' base image $out (debootstrap $suite, $(wc -w <<<"$include") packages; 5-15 minutes)"
if ! debootstrap --variant=minbase --include="${include// /,}" "$suite" "$r" "$mirror" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        say "debootstrap failed (log: $log)"
        exit 1
fi
say "debootstrap done in $((SECONDS - t0)) s"
kernel_modules_into "$r" >>"$log" 2>&1 || { say "the kernel's modules could not be installed"; exit 1; }

# what makes it a machine: name, file systems, an identity, the driver
echo ogvm >"$r/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 ogvm\n::1 localhost ip6-localhost\n' >"$r/etc/hosts"
cat >"$r/etc/fstab" <<'EOF'
/dev/nvme0n1    /       ext4    defaults,errors=remount-ro      0 1
LABEL=ogrun     /vm     ext4    ro,nofail                       0 0
EOF
mkdir -p "$r/vm"
chroot "$r" systemd-machine-id-setup >>"$log" 2>&1
install -m 644 "$here/guest/oomguard-vmprod.service" "$r/etc/systemd/system/"
ln -sf ../oomguard-vmprod.service "$r/etc/systemd/system/multi-user.target.wants/oomguard-vmprod.service"
# the console is for the kernel, systemd and the driver: no login prompt
# there (agetty would hang up the driver's console output); nothing that
# would wake up during a test: timers for apt, man-db, fstrim
for u in serial-getty@ttyS0.service getty@tty1.service apt-daily.timer apt-daily-upgrade.timer man-db.timer fstrim.timer e2scrub_all.timer \
        e2scrub_reap.service systemd-tmpfiles-clean.timer; do
        ln -sf /dev/null "$r/etc/systemd/system/$u"
done
# root logs in over ssh with a key (node-protection's login)
# shellcheck disable=SC2174 # $r/root is debootstrap's; only .ssh is new
mkdir -p -m 700 "$r/root/.ssh"
ssh-keygen -q -t ed25519 -N '' -C oomguard-vmprod -f "$tmp/id_ed25519"
cp "$tmp/id_ed25519" "$r/root/.ssh/id_ed25519"
cp "$tmp/id_ed25519.pub" "$r/root/.ssh/id_ed25519.pub"
cp "$tmp/id_ed25519.pub" "$r/root/.ssh/authorized_keys"
chmod 600 "$r/root/.ssh/"*
rm -f "$r/etc/resolv.conf"
: >"$r/etc/resolv.conf"
chroot "$r" apt-get clean >>"$log" 2>&1 || true
rm -rf "$r/var/lib/apt/lists/"*

# the file system: the root directory copied by mke2fs (-d), sparse
mkfs.ext4 -q -F -L ogroot -d "$r" "$tmp/root.img" "${VMP_IMAGE_MIB:-8192}M" >>"$log" 2>&1 ||
        { tail -n 10 "$log" >&2; say "mkfs.ext4 -d failed"; exit 1; }
rm -rf "$r"
echo $((SECONDS - t0)) >"$tmp/build-seconds"
touch "$tmp/.complete"
rm -rf "$out"
mv "$tmp" "$out"
for d in "$VMP_CACHE"/*/; do # one image cached: the current key's
        [ "${d%/}" = "$out" ] || rm -rf "${d%/}"
done
say "base image built in $((SECONDS - t0)) s: $out/root.img ($(du -sh --apparent-size "$out/root.img" | cut -f1) apparent, $(du -sh "$out/root.img" | cut -f1) used)"
echo "$out"
