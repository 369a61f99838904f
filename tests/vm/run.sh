#!/usr/bin/env bash
# oomguard's VM suite: real OOM kills, memcg, a parent's limit and the
# whole machine running out of memory, in throw-away QEMU guests (Debian's
# cloud kernel, a busybox initramfs) booted with cgroup v2 and with v1.
# Containers are started by runc and crun with oomguard-hook in their
# config.json, or through oomguard-shim; every scenario asserts the
# verdicts the hook wrote to the guest's verdict log. Global OOMs happen
# only inside a guest, whose memory is QEMU's -m: never the host's.
#
#   bash tests/vm/run.sh [NAME...]     (without a NAME: all but the optin guests)
#
# Environment:
#   OOMGUARD HOOK SHIM  the binaries under test (default build/oomguard,
#                       build/oomguard-hook, build/oomguard-shim)
#   PAGECACHE_LIB       the write-window library (default
#                       liboomguard-pagecache.so beside SHIM; carried in
#                       when it exists)
#   VM_DIR              the cache (default build/vm; see vm-lib.sh)
#   VM_JOBS             guests booted at once (default: the number of CPUs, at most 4)
#   VM_SETUP=no         do not install missing Debian packages (tools/deps.sh vm)
#   VM_ACCEL=kvm        use KVM instead of TCG where it really works
#   VM_APPEND           words added to every guest's kernel command line
#                       (e.g. pc_runs=3 for pagecache.sh)
#
# Output: one line per check ("ok   - NAME: ..." or "FAIL - NAME: ..."), a
# time per guest, and "N passed, N failed" last; the exit status is
# non-zero if anything failed. A guest that panics, hangs or never reports
# fails, and its console is shown.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
root=$(realpath "$here/../..")
VM_DIR=$(realpath -m "${VM_DIR:-$root/build/vm}")
OOMGUARD=$(realpath -m "${OOMGUARD:-$root/build/oomguard}")
HOOK=$(realpath -m "${HOOK:-$root/build/oomguard-hook}")
SHIM=$(realpath -m "${SHIM:-$root/build/oomguard-shim}")
PAGECACHE_LIB=$(realpath -m "${PAGECACHE_LIB:-$(dirname "$SHIM")/liboomguard-pagecache.so}")
# shellcheck source=vm-lib.sh
. "$here/vm-lib.sh"

# The guests, booted and reported in this order, two or more at a time. A guest
# takes 20 to 60 s under TCG (more on a busy machine); the timeout only
# ends one that hangs. Options (vm-lib.sh, vm_boot): disk=MIB:MBPS a second,
# throttled disk; glibc a container image of glibc programs; optin: run
# only when named; kernel=SUITE the kernel of that Debian suite instead of
# the host's (a scenario that needs a newer one).
# name        cgroup  MiB   swap(MiB)  timeout(s)  scenario      options
GUESTS="
v2-global     2       512   0          360         global.sh
v1-global     1       512   0          360         global.sh
v2-memcg      2       256   0          300         memcg.sh
v1-memcg      1       256   0          300         memcg.sh
v2-knobs      2       256   128        300         knobs.sh
v1-knobs      1       256   128        300         knobs.sh
v2-exit       2       256   0          300         exit.sh       kernel=trixie-backports
v2-pagecache  2       1024  0          1200        pagecache.sh  disk=1024:10,glibc,optin
v1-pagecache  1       1024  0          1200        pagecache.sh  disk=1024:10,glibc,optin
"

pass=0 fail=0
t_start=$(date +%s)
give_up() {
        echo "FAIL - tests/vm: $*"
        echo "0 passed, 1 failed"
        exit 1
}

for b in "$OOMGUARD" "$HOOK" "$SHIM"; do
        [ -x "$b" ] || give_up "$b is missing: build it first (make)"
done
if [ "${VM_SETUP:-yes}" != no ]; then
        bash "$here/../../tools/deps.sh" vm || give_up "host setup failed (tools/deps.sh vm)"
fi
mkdir -p "$VM_DIR"
vm_kernel || give_up "no guest kernel"
vm_base || give_up "the guest's initramfs could not be built"
vm_oomguard || give_up "the oomguard binaries could not be packed"
vm_log "kernel $(cat "$KDIR/release"), base $(basename "$BASE"), setup $(($(date +%s) - t_start)) s"

# the guests asked for, in table order; without a name, all but the optin ones
selected=()
while read -r name cg mem swap tmo scen opts; do
        [ -n "$name" ] || continue
        if [ $# -gt 0 ]; then
                case " $* " in *" $name "*) ;; *) continue ;; esac
        else
                case ",$opts," in *,optin,*) continue ;; esac
        fi
        selected+=("$name $cg $mem $swap $tmo $scen $opts")
done <<<"$GUESTS"
[ ${#selected[@]} -gt 0 ] || give_up "no guest named $*"

# the other suites' kernels the selected guests ask for (vm_boot: kernel=)
declare -A KDIR_OF=()
own_kdir=$KDIR
for g in "${selected[@]}"; do
        read -r name cg mem swap tmo scen opts <<<"$g"
        for o in ${opts//,/ }; do
                case $o in kernel=*) ;; *) continue ;; esac
                [ -n "${KDIR_OF[${o#kernel=}]:-}" ] && continue
                vm_kernel "${o#kernel=}" || give_up "no ${o#kernel=} kernel for $name"
                KDIR_OF[${o#kernel=}]=$KDIR
                vm_log "$name: kernel $(cat "$KDIR/release") (${o#kernel=})"
        done
done
KDIR=$own_kdir KAPT=()

jobs_max=${VM_JOBS:-$(nproc)}
[ "$jobs_max" -gt 4 ] && jobs_max=4
[ "$jobs_max" -gt ${#selected[@]} ] && jobs_max=${#selected[@]}
[ "$jobs_max" -lt 1 ] && jobs_max=1
pids=()
cleanup() { # only the boots this run started
        local p
        for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Each boot runs in its own process group (set -m), so cleanup can end
# the boot with its QEMU and nothing else.
set -m
for g in "${selected[@]}"; do
        read -r name cg mem swap tmo scen opts <<<"$g"
        rm -f "$VM_DIR/logs/$name.status"
        while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
        vm_boot "$name" "$cg" "$mem" "$swap" "$tmo" "$scen" "$opts" &
        pids+=($!)
done
set +m

# report each guest in table order as soon as it is done
report() {
        local name=$1 cg=$2 mem=$3 tmo=$4 log=$VM_DIR/logs/$1.log st secs rc n=0 bad=0 line
        read -r st rc secs <"$VM_DIR/logs/$name.status"
        [ "$st" = "done" ] || secs=$rc
        while IFS= read -r line; do
                case $line in
                "@@PASS "*) pass=$((pass + 1)) n=$((n + 1)); echo "ok   - $name: ${line#@@PASS }" ;;
                "@@FAIL "*) fail=$((fail + 1)) n=$((n + 1)) bad=1; echo "FAIL - $name: ${line#@@FAIL }" ;;
                esac
        done <"$log"
        case $st in
        "done")
                if [ "$rc" != 0 ] && [ $bad = 0 ]; then
                        fail=$((fail + 1)) bad=1
                        echo "FAIL - $name: the scenario exited $rc"
                elif [ $n = 0 ]; then
                        fail=$((fail + 1)) bad=1
                        echo "FAIL - $name: the scenario ran no check"
                fi ;;
        timeout)
                fail=$((fail + 1)) bad=1
                echo "FAIL - $name: the guest did not finish within $tmo s (hung)" ;;
        *)
                fail=$((fail + 1)) bad=1
                echo "FAIL - $name: the guest stopped without reporting (kernel panic or crash)" ;;
        esac
        echo "# $name: cgroup v$cg, $mem MiB, $n checks, ${secs} s"
        if [ $bad = 1 ]; then
                echo "# ---- console of $name ($log) ----"
                sed 's/^/# | /' "$log"
                echo "# ---- end of $name's console ----"
        fi
}
for g in "${selected[@]}"; do
        read -r name cg mem swap tmo scen opts <<<"$g"
        until [ -s "$VM_DIR/logs/$name.status" ]; do
                wait -n 2>/dev/null || sleep 1
        done
        report "$name" "$cg" "$mem" "$tmo"
done
wait
pids=()
t=$(($(date +%s) - t_start))
echo "# total $((t / 60)) min $((t % 60)) s, ${#selected[@]} guests, $jobs_max at a time"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
