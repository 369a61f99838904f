#!/usr/bin/env bash
# tests/runc-suite/prepare.sh CACHE: runc's integration suite, ready to run,
# in CACHE/<source version>/src; prints that directory. Each step is done
# once and kept (a .done-STEP stamp), so a second run fetches nothing:
#   source   Debian's source package of the installed runc (apt-get source
#            runc=<its source version>, through a deb-src entry put in
#            /etc/apt/sources.list.d for this step alone and removed after it,
#            failed or not, with an apt-get update on each side), unpacked
#            with Debian's patches by dpkg-source
#   helpers  recvtty, sd-helper and seccompagent built from that source with
#            Debian's Go packages (GOPATH mode, no module download), where
#            tests/integration/helpers.bash looks for them
#   busybox  testdata/busybox-<arch>.tar.xz, the file get-images.sh would
#            download: /bin/busybox (busybox-static) with a link per applet,
#            /etc/passwd and /etc/group like the busybox image's
#   debian   testdata/debian-<arch>.tar.xz: a Debian root made by
#            debootstrap (minbase, this host's release)
# get-images.sh then finds both files and downloads nothing.
set -euo pipefail
cache=${1:?usage: prepare.sh CACHE}
me=runc-suite
say() { echo "$me: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (apt-get source, debootstrap)"
srcpkg=$(dpkg-query -W -f='${source:Package}' runc 2>/dev/null) || die "runc is not installed"
srcver=$(dpkg-query -W -f='${source:Version}' runc)
top=$cache/$srcver
src=$top/src
mkdir -p "$top"
# one preparation at a time for this cache
exec 8>"$top/.lock"
flock 8

done_() { [ -e "$top/.done-$1" ]; }
mark() { touch "$top/.done-$1"; }

# --- source ------------------------------------------------------------
# deb-src twins of the system's Debian entries: deb822 (.sources) or one-line
src_list=/etc/apt/sources.list.d/oomguard-runc-suite-src
apt_update() { # the lists lock may be held by another apt-get for a while
        local _
        for _ in $(seq 60); do
                apt-get -q update >"$top/apt-update.log" 2>&1 && return 0
                grep -q 'Could not get lock\|Unable to lock' "$top/apt-update.log" || break
                sleep 5
        done
        tail -n 5 "$top/apt-update.log" >&2
        return 1
}
drop_src_list() {
        [ -e "$src_list.sources" ] || [ -e "$src_list.list" ] || return 0
        rm -f "$src_list.sources" "$src_list.list"
        apt_update || say "apt-get update after removing $src_list.* failed (see $top/apt-update.log)"
}
write_src_list() {
        local f
        for f in /etc/apt/sources.list.d/*.sources; do
                grep -qs '^URIs:.*debian' "$f" || continue
                sed 's/^Types:.*/Types: deb-src/' "$f"
                echo
        done >"$src_list.sources"
        [ -s "$src_list.sources" ] || rm -f "$src_list.sources"
        if [ -r /etc/apt/sources.list ]; then
                awk '$1 == "deb" && /debian/ { sub(/^deb/, "deb-src"); print }' /etc/apt/sources.list >"$src_list.list"
                [ -s "$src_list.list" ] || rm -f "$src_list.list"
        fi
        [ -e "$src_list.sources" ] || [ -e "$src_list.list" ] ||
                die "no Debian entry in /etc/apt/sources.list(.d) to make a deb-src entry from"
}

if ! done_ source; then
        t0=$SECONDS
        say "fetching Debian's source of $srcpkg $srcver (deb-src entry added for this step)"
        # one apt-get at a time with the project's package installs (tools/deps.sh)
        exec 9<"$(dirname "$(realpath "$0")")/../../tools/deps.list"
        flock 9
        trap drop_src_list EXIT
        trap 'exit 1' INT TERM HUP
        write_src_list
        apt_update || die "apt-get update with the deb-src entry failed"
        dl=$top/download
        rm -rf "$dl" "$src"
        mkdir -p "$dl"
        ! id _apt >/dev/null 2>&1 || chown _apt "$dl" # apt's sandboxed download
        (cd "$dl" && apt-get -q source --download-only "$srcpkg=$srcver") >"$top/apt-source.log" 2>&1 ||
                { tail -n 10 "$top/apt-source.log" >&2; die "apt-get source $srcpkg=$srcver failed"; }
        drop_src_list
        trap - EXIT INT TERM HUP
        flock -u 9
        dpkg-source --no-copy -x "$dl/${srcpkg}_${srcver#*:}.dsc" "$src" >"$top/dpkg-source.log" 2>&1 ||
                { tail -n 10 "$top/dpkg-source.log" >&2; die "dpkg-source -x failed"; }
        rm -rf "$dl"
        mark source
        say "source unpacked in $src ($((SECONDS - t0)) s)"
fi
[ -d "$src/tests/integration" ] || die "$src has no tests/integration"

# --- helpers -------------------------------------------------------------
if ! done_ helpers; then
        t0=$SECONDS
        gp=$top/gopath
        rm -rf "$gp"
        mkdir -p "$gp/src/github.com/opencontainers"
        ln -s "$src" "$gp/src/github.com/opencontainers/runc"
        built=()
        for h in $(cd "$src/contrib/cmd" && ls); do
                if (cd "$gp/src/github.com/opencontainers/runc" &&
                        GOPATH=$gp:/usr/share/gocode GO111MODULE=off GOFLAGS='' GOCACHE=$top/gocache \
                                go build -trimpath -tags seccomp -o "contrib/cmd/$h/$h" "./contrib/cmd/$h") \
                        >"$top/build-$h.log" 2>&1; then
                        built+=("$h")
                else
                        say "cannot build $h with Debian's Go packages (the tests that need it fail alike for runc and the shim): $(tail -n 3 "$top/build-$h.log" | tr '\n' ' ')"
                fi
        done
        rm -rf "$top/gocache" "$gp"
        mark helpers
        say "helpers built: ${built[*]:-none} ($((SECONDS - t0)) s)"
fi

# --- images --------------------------------------------------------------
arch=$(go env GOARCH)
testdata=$src/tests/integration/testdata
busybox=$(command -v busybox) || die "busybox is not installed (busybox-static)"
# the image is made again when busybox-static changes or this recipe does (the number)
bbver="$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || echo unknown) recipe 2"
if ! done_ busybox || [ "$(cat "$top/busybox.version" 2>/dev/null)" != "$bbver" ]; then
        r=$top/busybox-root
        rm -rf "$r"
        # no proc or sys: the runtime makes them (mask.bats puts symlinks there)
        mkdir -p "$r"/{bin,dev,etc,home,root,tmp,usr/sbin,var/spool/mail,var/www}
        chmod 1777 "$r/tmp"
        chmod 700 "$r/root"
        cp "$busybox" "$r/bin/busybox"
        for a in $("$busybox" --list); do
                [ "$a" = busybox ] || ln "$r/bin/busybox" "$r/bin/$a"
        done
        cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
        cat >"$r/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
EOF
        tar --numeric-owner -C "$r" -cf - . | xz -T0 -1 >"$testdata/busybox-$arch.tar.xz.tmp"
        mv "$testdata/busybox-$arch.tar.xz.tmp" "$testdata/busybox-$arch.tar.xz"
        rm -rf "$r"
        echo "$bbver" >"$top/busybox.version"
        mark busybox
        say "busybox image made from busybox-static $bbver"
fi

if ! done_ debian; then
        t0=$SECONDS
        # shellcheck disable=SC1091
        suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
        r=$top/debian-root
        rm -rf "$r"
        say "debootstrap $suite (minbase) for the Debian image"
        debootstrap --variant=minbase "$suite" "$r" >"$top/debootstrap.log" 2>&1 ||
                { tail -n 10 "$top/debootstrap.log" >&2; die "debootstrap failed (see $top/debootstrap.log)"; }
        rm -rf "$r/var/cache/apt/archives/"*.deb "$r/var/lib/apt/lists/"*_Packages 2>/dev/null || true
        tar --numeric-owner -C "$r" -cf - . | xz -T0 -1 >"$testdata/debian-$arch.tar.xz.tmp"
        mv "$testdata/debian-$arch.tar.xz.tmp" "$testdata/debian-$arch.tar.xz"
        rm -rf "$r"
        mark debian
        say "Debian image made ($((SECONDS - t0)) s)"
fi
echo "$src"
