# shellcheck shell=bash disable=SC2154
# Sourced by tests/vm/run.sh: the host side of oomguard's VM suite. The
# caller sets here (tests/vm), VM_DIR, OOMGUARD, HOOK and SHIM, and may set
# PAGECACHE_LIB.
#
# Everything built is cached under $VM_DIR (run.sh: <repo>/build/vm):
#   kernel/<package>_<version>/  the guest kernel: vmlinuz, its config,
#                    the zram modules and (disk-modules/) XFS's, from
#                    Debian's kernel .deb (fetched with apt-get download
#                    and extracted, never installed)
#   kernel-<suite>/<package>_<version>/  the same from another Debian suite,
#                    for guests whose scenario needs a newer kernel
#                    (kernel=<suite> in run.sh's table)
#   apt/<suite>/     that suite's own package lists (the host's untouched)
#   base-<key>.cpio  the guest's initramfs without oomguard: busybox, runc
#                    and crun with their libraries, the suite's helpers,
#                    /init, /vm/lib.sh, the containers' image. <key> hashes
#                    everything that goes into it, so a change rebuilds it
#                    and the stale one is removed.
#   run/             this run's oomguard archive and each guest's initrd
#   logs/NAME.log    each guest's console; NAME.verdicts.jsonl its verdicts
# A guest boots base-<key>.cpio, then oomguard.cpio.gz (the binaries under
# test), then its scenario's archive: the kernel unpacks concatenated cpio
# archives one after the other, so neither of the first two is rebuilt per
# scenario.

VM_KFLAVOUR=${VM_KFLAVOUR:-cloud-amd64} # its LZ4 image boots fastest under TCG
ZRAM_MODULES="lzo lzo-rle zsmalloc zram"  # in load order
DISK_MODULES="libcrc32c xfs"              # for guests with a disk (NVMe is built in)

vm_log() { echo "tests/vm: $*" >&2; }

VM_DEBIAN_MIRROR=${VM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KAPT=() # apt-get's options for the kernel's suite; none: the host's own lists

# apt_suite SUITE: KAPT for Debian SUITE's own lists under $VM_DIR/apt,
# brought up to date (signed by the keys of debian-archive-keyring)
apt_suite() {
        local d=$VM_DIR/apt/$1
        mkdir -p "$d/lists/partial" "$d/cache/archives/partial" || return 1
        echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $VM_DEBIAN_MIRROR $1 main" \
                >"$d/sources.list" || return 1
        KAPT=(-o "Dir::Etc::SourceList=$d/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
                -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache")
        apt-get "${KAPT[@]}" update -qq >/dev/null 2>&1
}

# The candidate version of the kernel package: "<package> <version>".
kernel_candidate() {
        local pkg ver
        pkg=$(apt-cache "${KAPT[@]}" depends "linux-image-$VM_KFLAVOUR" 2>/dev/null |
                awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
        [ -n "$pkg" ] || return 1
        ver=$(apt-cache "${KAPT[@]}" policy "$pkg" 2>/dev/null | awk '$1 == "Candidate:" {print $2}')
        [ -n "$ver" ] && [ "$ver" != "(none)" ] || return 1
        echo "$pkg $ver"
}

# extract_modules TREE KVER DIR MODULE...: the modules (in load order),
# decompressed, into DIR, and their names into DIR/load-order; a module
# absent from TREE is built in
extract_modules() {
        local x=$1 kver=$2 d=$3 m f
        shift 3
        mkdir -p "$d" && : >"$d/load-order" || return 1
        for m in "$@"; do
                f=$(find "$x" -path "*/modules/$kver/*" -name "$m.ko*" | head -n 1)
                [ -n "$f" ] || continue # built in
                case $f in
                *.xz) xz -dc "$f" ;;
                *.zst) zstd -qdc "$f" ;;
                *) cat "$f" ;;
                esac >"$d/$m.ko" || return 1
                echo "$m.ko" >>"$d/load-order"
        done
}

# fetch_kernel PACKAGE VERSION DIR: download the .deb, keep what a guest
# needs. Newer Debian kernels split it: the image package only depends on
# linux-binary-<release> (vmlinuz), linux-base-<release> (its config) and
# linux-modules-<release>, all under /usr/lib/modules/<release>/.
fetch_kernel() {
        local pkg=$1 ver=$2 dir=$3 t kver d parts f
        t=$(mktemp -d "$VM_DIR/tmp.XXXXXX") || return 1
        chmod 755 "$t" # apt-get download writes as the _apt user when it can
        kver=${pkg#linux-image-}
        parts=$(apt-cache "${KAPT[@]}" depends "$pkg" 2>/dev/null | awk -v k="$kver" -v v="$ver" \
                '$1 == "Depends:" && $2 ~ "^linux-(binary|base|modules)-" && substr($2, length($2) - length(k) + 1) == k {print $2 "=" v}')
        # shellcheck disable=SC2086 # one word per package
        if ! (cd "$t" && apt-get "${KAPT[@]}" download -q "$pkg=$ver" $parts >"$t/log" 2>&1); then
                cat "$t/log" >&2
                rm -rf "$t"
                return 1
        fi
        for d in "$t"/*.deb; do dpkg-deb -x "$d" "$t/x" || { rm -rf "$t"; return 1; }; done
        mkdir -p "$t/k/modules"
        for f in boot/vmlinuz-$kver usr/lib/modules/$kver/vmlinuz; do
                [ -f "$t/x/$f" ] && cp "$t/x/$f" "$t/k/vmlinuz"
        done
        for f in boot/config-$kver usr/lib/modules/$kver/config; do
                [ -f "$t/x/$f" ] && cp "$t/x/$f" "$t/k/config"
        done
        if [ ! -f "$t/k/vmlinuz" ] || [ ! -f "$t/k/config" ]; then
                vm_log "$pkg $ver: no vmlinuz or config in it (nor in: ${parts:-no parts})"
                rm -rf "$t"
                return 1
        fi
        echo "$kver" >"$t/k/release"
        if ! extract_modules "$t/x" "$kver" "$t/k/modules" $ZRAM_MODULES ||
                ! extract_modules "$t/x" "$kver" "$t/k/disk-modules" $DISK_MODULES; then
                rm -rf "$t"
                return 1
        fi
        rm -rf "$(dirname "$dir")" # one kernel cached per suite: the current candidate
        mkdir -p "$(dirname "$dir")"
        mv "$t/k" "$dir"
        rm -rf "$t"
}

# vm_kernel [SUITE]: sets KDIR, the kernel of the host's own Debian suite
# or of SUITE's. Without package lists (and no root to update them) the
# cached kernel is used as it is.
vm_kernel() {
        local suite=${1:-} kroot=$VM_DIR/kernel cand
        KAPT=()
        if [ -n "$suite" ]; then
                kroot=$VM_DIR/kernel-$suite
                apt_suite "$suite" || vm_log "$suite: its package lists could not be brought up to date"
        fi
        cand=$(kernel_candidate) ||
                { [ -z "$suite" ] && [ "$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1 &&
                        cand=$(kernel_candidate); }
        if [ -n "$cand" ]; then
                KDIR=$kroot/${cand% *}_${cand#* }
                [ -f "$KDIR/vmlinuz" ] && [ -f "$KDIR/disk-modules/load-order" ] && return 0
                if [ -f "$KDIR/vmlinuz" ]; then # cached before the disk modules were kept
                        vm_log "fetching ${cand% *} ${cand#* } again for its disk modules"
                        fetch_kernel "${cand% *}" "${cand#* }" "$KDIR" ||
                                vm_log "could not: guests with a disk will fail"
                        return 0
                fi
                vm_log "fetching ${cand% *} ${cand#* } (extracted under $kroot, not installed)"
                fetch_kernel "${cand% *}" "${cand#* }" "$KDIR"
                return
        fi
        KDIR=$(find "$kroot" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort | tail -n 1)
        [ -n "$KDIR" ] && [ -f "$KDIR/vmlinuz" ] && { vm_log "no package lists: using $KDIR"; return 0; }
        vm_log "no guest kernel: linux-image-$VM_KFLAVOUR${suite:+ ($suite)} is unknown to apt and none is cached"
        return 1
}

# copy_with_libs BINARY TREE DEST: the binary and every library it loads
copy_with_libs() {
        local bin=$1 tree=$2 dst=$3 lib
        install -D -m 755 "$bin" "$tree$dst" || return 1
        for lib in $(ldd "$bin" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
                [ -e "$tree$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$tree$lib" || return 1
        done
}

# cpio_of TREE: a newc archive of TREE on stdout, everything owned by root
cpio_of() { (cd "$1" && find . | LC_ALL=C sort | busybox cpio -o -H newc -R 0:0 2>/dev/null); }

yajl_static() {
        local d
        d=$(pkg-config --variable=libdir yajl 2>/dev/null)
        echo "${d:-/usr/lib/x86_64-linux-gnu}/libyajl_s.a"
}

# the guest's root without oomguard, into TREE
base_tree() {
        local r=$1 a kv
        mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,proc,sys,dev,run,tmp,mnt,var/log,vm}
        cp "$(command -v busybox)" "$r/bin/busybox"
        for a in $("$r/bin/busybox" --list); do [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
        for a in init switch_root insmod poweroff reboot; do ln -sf ../bin/busybox "$r/sbin/$a"; done
        copy_with_libs "$(command -v crun)" "$r" /usr/bin/crun || return 1
        copy_with_libs "$(command -v runc)" "$r" /usr/sbin/runc || return 1
        ${CC:-cc} -O2 -static -o "$r/usr/local/bin/memhog" "$here/src/memhog.c" || return 1
        # shellcheck disable=SC2046 # pkg-config's flags are words
        ${CC:-cc} -O2 -static $(pkg-config --cflags yajl 2>/dev/null) -o "$r/usr/local/bin/jget" \
                "$here/src/jget.c" "$(yajl_static)" || return 1
        ${CC:-cc} -O2 -static -o "$r/usr/local/bin/pcwatch" "$here/src/pcwatch.c" || return 1
        ${CC:-cc} -O2 -static -o "$r/usr/local/bin/pipesz" "$here/src/pipesz.c" || return 1
        # the "host daemon" of the node-protection scenario: its own name in
        # the kernel's records
        cp "$r/usr/local/bin/memhog" "$r/usr/local/bin/hostd"
        install -m 755 "$here/guest/init" "$r/init"
        install -m 644 "$here/guest/lib.sh" "$r/vm/lib.sh"
        install -m 755 "$here/guest/record-state" "$r/vm/record-state"
        printf 'root:x:0:0:root:/:/bin/sh\n' >"$r/etc/passwd"
        printf 'root:x:0:\n' >"$r/etc/group"
        # the containers' image: busybox, memhog and pipesz, read-only
        mkdir -p "$r/vm/image"/{bin,proc,dev,sys,tmp,etc}
        cp "$r/bin/busybox" "$r/usr/local/bin/memhog" "$r/usr/local/bin/pipesz" "$r/vm/image/bin/"
        for a in sh cat echo sleep true; do ln -s busybox "$r/vm/image/bin/$a"; done
        cp "$r/etc/passwd" "$r/etc/group" "$r/vm/image/etc/"
        kv=$(cat "$KDIR/release")
        mkdir -p "$r/lib/modules/$kv"
        cp "$KDIR"/modules/* "$r/lib/modules/$kv/"
}

# vm_base: sets BASE, building it when its key changed
vm_base() {
        local key t
        key=$({
                cat "$here"/guest/* "$here"/src/*.c "$here/vm-lib.sh"
                sha256sum "$(command -v busybox)" "$(command -v crun)" "$(command -v runc)" \
                        "$(yajl_static)" | cut -d' ' -f1
                echo "$KDIR"
                ${CC:-cc} --version | head -n 1
        } | sha256sum | cut -c1-16)
        BASE=$VM_DIR/base-$key.cpio
        [ -f "$BASE" ] && return 0
        vm_log "building the guest's base initramfs ($BASE)"
        t=$(mktemp -d "$VM_DIR/tmp.XXXXXX") || return 1
        if ! base_tree "$t/root" || ! cpio_of "$t/root" >"$t/base.cpio"; then
                rm -rf "$t"
                return 1
        fi
        rm -f "$VM_DIR"/base-*.cpio
        mv "$t/base.cpio" "$BASE"
        rm -rf "$t"
}

# vm_oomguard: this run's binaries into $VM_DIR/run/oomguard.cpio.gz, each
# with the libraries it loads (the CLI links yajl dynamically; the hook and
# the shim are static-pie, but not in a sanitizer build), and the
# write-window library beside the shim when it was built ($PAGECACHE_LIB,
# set by run.sh; scenarios that need it say so when it is missing).
vm_oomguard() {
        local t=$VM_DIR/run/oomguard-tree
        rm -rf "$VM_DIR/run"
        mkdir -p "$t/usr/local/bin"
        copy_with_libs "$OOMGUARD" "$t" /usr/local/bin/oomguard || return 1
        copy_with_libs "$HOOK" "$t" /usr/local/bin/oomguard-hook || return 1
        copy_with_libs "$SHIM" "$t" /usr/local/bin/oomguard-shim || return 1
        if [ -f "${PAGECACHE_LIB:-}" ]; then
                install -m 644 "$PAGECACHE_LIB" "$t/usr/local/bin/liboomguard-pagecache.so" || return 1
        fi
        cpio_of "$t" | gzip -1 >"$VM_DIR/run/oomguard.cpio.gz"
}

# glibc_image TREE DEST: a container image at DEST in TREE whose programs
# load glibc (the host's dd and its libraries), for the write-window
# library, which oomguard-shim preloads only into glibc programs
glibc_image() {
        local r=$1$2
        mkdir -p "$r"/{proc,dev,sys,tmp,data}
        copy_with_libs "$(command -v dd)" "$r" /bin/dd
}

# disk_kit TREE: what a guest with a disk needs to format and mount it:
# XFS's modules (/lib/modules/<release>/disk/, in disk/load-order) and
# mkfs.xfs with its libraries
disk_kit() {
        local kv
        kv=$(cat "$KDIR/release")
        [ -f "$KDIR/disk-modules/load-order" ] || { vm_log "no XFS modules in $KDIR"; return 1; }
        mkdir -p "$1/lib/modules/$kv/disk"
        cp "$KDIR"/disk-modules/* "$1/lib/modules/$kv/disk/" || return 1
        command -v mkfs.xfs >/dev/null || { vm_log "mkfs.xfs is missing (xfsprogs)"; return 1; }
        copy_with_libs "$(command -v mkfs.xfs)" "$1" /usr/sbin/mkfs.xfs
}

# vm_boot NAME CGROUP MIB SWAP_MIB TIMEOUT SCENARIO [OPTS]: one guest. Its
# console goes to logs/NAME.log; logs/NAME.status gets "done RC", "timeout"
# or "silent" (it stopped without @@DONE: a panic, a crash), and the wall
# time. OPTS, comma-separated:
#   disk=MIB:MBPS  a second disk, an NVMe drive of MIB MiB (a sparse file
#                  under run/NAME) whose writes QEMU throttles to MBPS MB/s
#                  (10^6 bytes), with disk_kit in the guest
#   glibc          /vm/glibc-image (glibc_image)
# $VM_APPEND, if set, is added to every guest's kernel command line (the
# guest's /init and scenario see its key=value words as variables).
vm_boot() {
        local name=$1 cg=$2 mem=$3 swap=$4 tmo=$5 scen=$6 opts=${7:-} t initrd acc t0 rc st o
        local drive="" KDIR=$KDIR # kernel=SUITE: that suite's kernel (run.sh's KDIR_OF)
        for o in ${opts//,/ }; do
                case $o in kernel=*) KDIR=${KDIR_OF[${o#kernel=}]:-$KDIR} ;; esac
        done
        t=$VM_DIR/run/$name
        mkdir -p "$t/root/vm" "$VM_DIR/logs"
        case $scen in /*) ;; *) scen=$here/scenarios/$scen ;; esac
        cp "$scen" "$t/root/vm/scenario.sh"
        for o in ${opts//,/ }; do
                case $o in
                disk=*:*)
                        o=${o#disk=}
                        truncate -s "${o%:*}M" "$t/disk.img" # sparse
                        drive="-drive file=$t/disk.img,format=raw,if=none,id=slow"
                        drive="$drive,throttling.bps-write=$((${o#*:} * 1000000))"
                        drive="$drive -device nvme,drive=slow,serial=og-slow"
                        disk_kit "$t/root" || vm_log "$name: the disk kit is incomplete" ;;
                glibc) glibc_image "$t/root" /vm/glibc-image || vm_log "$name: no glibc image" ;;
                esac
        done
        initrd=$t/initrd
        { cat "$BASE" "$VM_DIR/run/oomguard.cpio.gz"; cpio_of "$t/root" | gzip -1; } >"$initrd"
        case ${VM_ACCEL:-tcg} in
        kvm) acc="-accel kvm -cpu host" ;;
        *) acc="-accel tcg,thread=multi -cpu max" ;;
        esac
        t0=$(date +%s.%N)
        # panic=-1 and -no-reboot: a guest kernel panic (or oops) ends QEMU at once
        # shellcheck disable=SC2086 # $acc is words
        timeout --kill-after=10 "$tmo" qemu-system-x86_64 $acc -M pc -m "$mem" -smp 1 \
                -nodefaults -no-user-config -display none -serial stdio -no-reboot $drive \
                -kernel "$KDIR/vmlinuz" -initrd "$initrd" \
                -append "console=ttyS0 panic=-1 oops=panic loglevel=1 log_buf_len=4M og_cg=$cg og_swap=$swap og_name=$name${VM_APPEND:+ $VM_APPEND}" \
                </dev/null 2>&1 | tr -d '\r' >"$VM_DIR/logs/$name.log"
        rc=${PIPESTATUS[0]}
        sed -n 's/^@@VERDICT //p' "$VM_DIR/logs/$name.log" >"$VM_DIR/logs/$name.verdicts.jsonl"
        st=$(sed -n 's/^@@DONE rc=\([0-9]*\).*/done \1/p' "$VM_DIR/logs/$name.log" | tail -n 1)
        [ "$rc" = 124 ] || [ "$rc" = 137 ] && st=timeout
        echo "${st:-silent} $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')" \
                >"$VM_DIR/logs/$name.status"
        rm -rf "$t"
}

# kernel_modules_into TREE: every module of the guest kernel ($KDIR, set by
# vm_kernel) into TREE/lib/modules/<release>, with depmod's indexes, for a
# guest that boots a full root file system (tests/vm-production). The same
# Debian .deb is fetched again with apt-get download and extracted; nothing
# is installed on the host.
kernel_modules_into() {
        local tree=$1 base kver t
        base=$(basename "$KDIR")
        kver=$(cat "$KDIR/release") || return 1
        t=$(mktemp -d "$VM_DIR/tmp.XXXXXX") || return 1
        chmod 755 "$t" # apt-get download writes as the _apt user when it can
        if ! (cd "$t" && apt-get download -q "${base%%_*}=${base#*_}" >"$t/log" 2>&1) ||
                ! dpkg-deb -x "$t"/*.deb "$t/x"; then
                cat "$t/log" >&2
                rm -rf "$t"
                return 1
        fi
        mkdir -p "$tree/lib/modules"
        if ! cp -a "$t/x/lib/modules/$kver" "$tree/lib/modules/" || ! depmod -b "$tree" "$kver"; then
                rm -rf "$t"
                return 1
        fi
        rm -rf "$t"
}
