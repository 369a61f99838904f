#!/usr/bin/env bash
# Build build/oomguard_VERSION_ARCH.deb from `make install PREFIX=/usr`:
# binaries, default configuration and the verdict log's logrotate file
# (conffiles), the hooks.d file for podman and CRI-O, tmpfiles entry, man
# pages (gzipped), engine snippets as examples. Needs only dpkg-deb.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build} VERSION=${VERSION:?}
arch=$(dpkg --print-architecture)
root=$(realpath -m "$BUILD/deb/root")
rm -rf "$BUILD/deb"
make --no-print-directory -s install BUILD="$BUILD" PREFIX=/usr DESTDIR="$root" >/dev/null
gzip -9n "$root"/usr/share/man/man*/*
strip --strip-unneeded "$root"/usr/bin/oomguard "$root"/usr/bin/oomguard-hook \
        "$root"/usr/bin/oomguard-shim "$root"/usr/lib/oomguard/liboomguard-pagecache.so
install -d "$root/DEBIAN" "$root/usr/share/doc/oomguard"
install -m 0644 packaging/deb/copyright "$root/usr/share/doc/oomguard/copyright"
install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$root/DEBIAN/"
printf '%s\n' /etc/oomguard/config.json /etc/logrotate.d/oomguard >"$root/DEBIAN/conffiles"
# the CLI links yajl dynamically; the hook and the shim are static
# the package that ships the library the CLI links, by its name in ldd
owner() {
        local lib
        lib=$(ldd "$BUILD/oomguard" | awk -v n="$1" '$1 ~ n {print $3}')
        [ -n "$lib" ] || return 0
        { dpkg -S "$lib" || dpkg -S "$(realpath "$lib")"; } 2>/dev/null | head -n 1 | cut -d: -f1
}
yajl=$(owner libyajl) seccomp=$(owner libseccomp) cap=$(owner libcap)
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: oomguard
Version: $VERSION
Architecture: $arch
Maintainer: oomguard developers <oomguard@localhost>
Installed-Size: $size
Depends: libc6, ${yajl:-libyajl2}, ${seccomp:-libseccomp2}, ${cap:-libcap2}
Recommends: runc | crun, logrotate
Section: admin
Priority: optional
Description: memory policy and cause of death for every container
 An OCI runtime hook and a runtime wrapper, registered once with Docker,
 containerd, podman or CRI-O: every container gets an explicit
 oom_score_adj and swap policy, and every container death is classified
 (its own memory limit, a parent cgroup's limit, a host-wide OOM, or no
 OOM), with the evidence, in /var/log/oomguard/verdicts.jsonl.
CONTROL
out="$BUILD/oomguard_${VERSION}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$out" >/dev/null
echo "$out"
