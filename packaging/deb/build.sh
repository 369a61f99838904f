#!/usr/bin/env bash
# Build build/oomguard_VERSION_ARCH.deb the Debian way: debian/ with
# debhelper (dpkg-buildpackage -us -uc -b), in a copy of the source tree
# under $BUILD/deb (dpkg-buildpackage writes beside the tree it builds),
# then lintian over the result ($BUILD/deb/lintian.txt; errors fail the
# build). The package holds `make install PREFIX=/usr`: binaries, the
# default configuration and the verdict log's logrotate file (conffiles,
# as everything under /etc), the hooks.d file for podman and CRI-O, the
# tmpfiles entry, man pages, engine snippets as examples.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build} VERSION=${VERSION:?}
cl=$(dpkg-parsechangelog -l debian/changelog -S Version)
[ "$cl" = "$VERSION" ] || { echo "debian/changelog says $cl, the Makefile $VERSION: add a changelog entry" >&2; exit 1; }
arch=$(dpkg --print-architecture)
work=$(realpath -m "$BUILD/deb")
src="$work/oomguard-$VERSION"
rm -rf "$work"
mkdir -p "$src"
tar --exclude=./build --exclude=./.git --exclude='./debian/oomguard' -cf - . | tar -xf - -C "$src"
(cd "$src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
        { tail -n 40 "$work/build.log" >&2; exit 1; }
out="$BUILD/oomguard_${VERSION}_${arch}.deb"
mv "$work/oomguard_${VERSION}_${arch}.deb" "$out"
if command -v lintian >/dev/null 2>&1; then
        lintian "$out" >"$work/lintian.txt" 2>&1 || true
        if grep -q '^E: ' "$work/lintian.txt"; then
                cat "$work/lintian.txt" >&2
                exit 1
        fi
fi
rm -rf "$src"
echo "$out"
