#!/usr/bin/env bash
# The README's two commands on a fresh machine: a Debian 12 root made by
# debootstrap (minbase, with only build-essential, git, python3,
# ca-certificates, procps, kmod and iproute2), used as a chroot with the
# root bind-mounted onto itself, /proc, /sys and /dev (rbind) and tmpfs on
# /run and /tmp, all in a private mount namespace that vanishes with the
# run. Inside: `git clone` of this checkout's HEAD, `make demo`, `make
# check`. As root; takes 15 to 30 minutes. The debootstrap result is kept
# in FRESH_CACHE (default /var/cache/oomguard-fresh) and copied for each
# run, so every run starts from the same fresh root.
#   FRESH_STEPS="demo check"  the make targets to run inside (in order)
#   FRESH_KEEP=1              keep the run's root (printed at the end)
set -euo pipefail
here=$(dirname "$(realpath "$0")")
repo=$(realpath "$here/../..")
suite=bookworm
include=build-essential,git,python3,ca-certificates,procps,kmod,iproute2
cache=${FRESH_CACHE:-/var/cache/oomguard-fresh}
steps=${FRESH_STEPS:-demo check}
[ "$(id -u)" = 0 ] || { echo "tests/fresh: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
bash "$repo/tools/deps.sh" fresh

key=$(printf '%s %s minbase' "$suite" "$include" | sha256sum | cut -c1-12)
base=$cache/root-$key
if [ ! -e "$base/.complete" ]; then
        t0=$SECONDS
        rm -rf "$base.tmp"
        mkdir -p "$cache"
        echo "tests/fresh: debootstrap $suite (minbase, +$include) into $base"
        debootstrap --variant=minbase --include="$include" "$suite" "$base.tmp" >"$cache/debootstrap.log" 2>&1 ||
                { tail -n 20 "$cache/debootstrap.log"; exit 1; }
        touch "$base.tmp/.complete"
        mv "$base.tmp" "$base"
        echo "tests/fresh: base root built in $((SECONDS - t0)) s"
fi
work=$(mktemp -d /var/tmp/oomguard-fresh.XXXXXX)
root=$work/root
cleanup() { [ -n "${FRESH_KEEP:-}" ] && echo "tests/fresh: kept $root" || rm -rf --one-file-system "$work"; }
trap cleanup EXIT
cp -a "$base" "$root"
rm -f "$root/.complete"
git -C "$repo" bundle create "$root/oomguard.bundle" HEAD >/dev/null 2>&1

inner='set -e
cd /root
git -c advice.detachedHead=false clone -q /oomguard.bundle oomguard
cd oomguard
git log --oneline -1'
for s in $steps; do
        inner+="
echo \"tests/fresh: \$ make $s\"
t0=\$(date +%s)
make $s >/tmp/make-$s.log 2>&1 || { tail -n 40 /tmp/make-$s.log; echo \"tests/fresh: make $s FAILED after \$((\$(date +%s) - t0)) s\"; exit 1; }
grep \"^oomguard-deps: install\" /tmp/make-$s.log || echo \"tests/fresh: make $s installed nothing\"
tail -n ${FRESH_TAIL:-12} /tmp/make-$s.log
echo \"tests/fresh: make $s ok in \$((\$(date +%s) - t0)) s\""
done

# the mounts live in a private namespace: nothing to undo on the host
unshare --mount --propagation private bash -c '
        set -e
        r=$1
        mount --bind "$r" "$r"
        mount --rbind /proc "$r/proc"
        mount --rbind /sys "$r/sys"
        mount --rbind /dev "$r/dev"
        mount -t tmpfs tmpfs "$r/run"
        mount -t tmpfs tmpfs "$r/tmp"
        cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
        exec chroot "$r" /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/sbin:/usr/bin:/sbin:/bin bash -c "$2"
' fresh "$root" "$inner"
