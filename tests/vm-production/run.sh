#!/usr/bin/env bash
# oomguard in production-like QEMU guests: Debian 12 with systemd, sshd,
# Docker, containerd and podman as Debian packages them, booted with cgroup
# v2 (debian-v2) and with v1 (debian-v1, systemd.unified_cgroup_hierarchy=0,
# as on Amazon Linux 2). Each guest installs oomguard from the package under
# test (dpkg -i), registers the engines as README.md tells operators and
# runs the scenarios in scenarios/. Global OOMs happen only inside a guest.
#
#   DEB=build/oomguard_0.1.0_amd64.deb bash tests/vm-production/run.sh
#   SCENARIOS=docker-pid1,systemd-gc GUESTS=debian-v2 ... run.sh
#
# Environment:
#   DEB         the package under test (required; make check-vm-production
#               builds it and passes it)
#   SCENARIOS   comma-separated scenario names (default: all of scenarios/)
#   GUESTS      comma-separated guests (default: debian-v2,debian-v1)
#   VMP_EXCLUDE comma-separated GUEST/SCENARIO pairs not to run; each is
#               listed as "EXCLUDED GUEST/SCENARIO" and counted apart, never
#               as passed
#   VM_DIR      the kernel cache shared with tests/vm (default build/vm)
#   VMP_CACHE   the base image's cache (image.sh; default
#               /var/cache/oomguard-vm-production)
#   VMP_JOBS    guests booted at once (default 2)
#   VMP_MEM     guest memory in MiB (default 1536); VMP_SMP vCPUs (default 2)
#   VMP_SETUP=no  do not install missing Debian packages (tools/deps.sh
#               vm-production)
#   VMP_APPEND  words for every guest's kernel command line
#   VMP_SLOW_MBPS  the throttled disk's write speed (MB/s, default 10:
#               scenarios/pagecache-python.sh says why)
#   GC_RUNS NP_ROOM PC_RUNS PC_TRIES PC_MIB PC_HOLD_MIB PC_HOST_GIB  scenario sizes,
#               passed into the guests
#   VMP_SSH_PORT  (development) the guest's sshd on this host port
#               (127.0.0.1); the guest stays up after its scenarios until
#               its timeout: ssh -i $VMP_CACHE/<key>/id_ed25519 -p PORT root@127.0.0.1
#
# Output: one line per scenario and guest, "PASS GUEST/NAME" or "FAIL
# GUEST/NAME: WHY", each followed by its notes (what the engine reported,
# oomguard's verdict, figures) as "#" lines; the guests' boot and setup
# times; "vm-production: N passed, N failed" last. Exit status non-zero on
# any failure. A guest that panics, hangs or stops without reporting fails
# every scenario it did not report, and its console is shown.
# Consoles and reports stay in $VM_DIR/production/GUEST.{console,report}.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
repo=$(realpath "$here/../..")
VM_DIR=$(realpath -m "${VM_DIR:-$repo/build/vm}")
export VM_DIR
# shellcheck source=../vm/vm-lib.sh
. "$repo/tests/vm/vm-lib.sh"
work=$VM_DIR/production
t_start=$SECONDS
pass=0 fail=0
slow_mbps=${VMP_SLOW_MBPS:-10}

# name         cgroup  kernel command line
ALL_GUESTS="
debian-v2      2       systemd.unified_cgroup_hierarchy=1
debian-v1      1       systemd.unified_cgroup_hierarchy=0
"

give_up() {
        echo "FAIL vm-production: $*"
        echo "vm-production: 0 passed, 1 failed"
        exit 1
}
say() { echo "# $*"; }

# ---- what to run ------------------------------------------------------------
# hdr FILE KEY DEFAULT: a scenario's "# KEY: value" header line
hdr() {
        local v
        v=$(sed -n "s/^# $2: *//p" "$1" | head -n 1)
        echo "${v:-$3}"
}
[ -n "${DEB:-}" ] && [ -f "$DEB" ] || give_up "DEB (the oomguard package) is missing: make deb, or make check-vm-production"
DEB=$(realpath "$DEB")
[ "$(id -u)" = 0 ] || give_up "needs root (debootstrap for the image, QEMU)"

# every scenario, in "order: N" order, then by name
mapfile -t all_scen < <(for f in "$here"/scenarios/*.sh; do
        printf '%s %s\n' "$(hdr "$f" order 50)" "$(basename "$f" .sh)"
done | sort -k1,1n -k2 | awk '{print $2}')
want_scen=${SCENARIOS:-}
want_scen=${want_scen//,/ }
for s in $want_scen; do
        [ -f "$here/scenarios/$s.sh" ] || give_up "no scenario $s (scenarios: ${all_scen[*]})"
done
want_guests=${GUESTS:-debian-v2,debian-v1}
want_guests=${want_guests//,/ }
for g in $want_guests; do
        grep -q "^$g " <<<"$ALL_GUESTS" || give_up "no guest $g (guests: debian-v2 debian-v1)"
done

excluded=${VMP_EXCLUDE:-}
excluded=" ${excluded//,/ } "
for x in $excluded; do
        [ -f "$here/scenarios/${x#*/}.sh" ] && grep -q "^${x%%/*} " <<<"$ALL_GUESTS" ||
                give_up "VMP_EXCLUDE: no scenario $x (GUEST/SCENARIO)"
done
# scenarios_for GUEST: the chosen scenarios that run in that guest
scenarios_for() {
        local s
        for s in "${all_scen[@]}"; do
                [ -z "$want_scen" ] || case " $want_scen " in *" $s "*) ;; *) continue ;; esac
                case " $(hdr "$here/scenarios/$s.sh" guests "debian-v2 debian-v1") " in
                *" $1 "*) ;;
                *) continue ;;
                esac
                case $excluded in *" $1/$s "*) continue ;; esac
                echo "$s"
        done
}

# ---- the host: packages, kernel, image, helpers -----------------------------
if [ "${VMP_SETUP:-yes}" != no ]; then
        bash "$repo/tools/deps.sh" vm-production || give_up "host setup failed (tools/deps.sh vm-production)"
fi
mkdir -p "$VM_DIR" "$work"
vm_kernel || give_up "no guest kernel"
t=$SECONDS
image=$(bash "$here/image.sh" | tail -n 1) && [ -f "$image/root.img" ] ||
        give_up "the guests' base image could not be built (tests/vm-production/image.sh)"
if [ $((SECONDS - t)) -gt 30 ]; then
        say "base image built in $(cat "$image/build-seconds") s: $image"
else
        say "base image: $image (cached; built in $(cat "$image/build-seconds") s)"
fi
rm -rf "${work:?}/bin"
mkdir -p "$work/bin"
${CC:-cc} -O2 -static -o "$work/bin/memhog" "$repo/tests/vm/src/memhog.c" &&
        ${CC:-cc} -O2 -static -o "$work/bin/grow" "$here/src/grow.c" ||
        give_up "the guest helpers could not be built"
install -m 755 "$here/guest/jf" "$work/bin/jf"

# payload GUEST CGV SCENARIO...: the run's disk for one guest (ext4,
# LABEL=ogrun, mounted read-only at /vm): guest/ (the driver, its library,
# the page-cache writer), the scenarios, the helpers, the package, run.conf
payload() {
        local g=$1 cgv=$2 d=$work/$1.payload s
        shift 2
        rm -rf "$d" "$work/$g.run.img"
        mkdir -p "$d/scenarios"
        cp "$here"/guest/* "$d/"
        cp -a "$work/bin" "$d/bin"
        cp "$here"/scenarios/*.sh "$d/scenarios/"
        cp "$DEB" "$d/"
        {
                echo "GUEST=$g CGV=$cgv"
                echo "SCENARIOS=\"$*\""
                echo "export SLOW_MBPS=$slow_mbps"
                for s; do echo "TIMEOUT_${s//-/_}=$(hdr "$here/scenarios/$s.sh" timeout 300)"; done
                # the scenarios' sizes, when set here
                for v in GC_RUNS NP_ROOM PC_RUNS PC_TRIES PC_MIB PC_HOLD_MIB PC_HOST_GIB; do
                        [ -z "${!v:-}" ] || echo "export $v=${!v}"
                done
        } >"$d/run.conf"
        mkfs.ext4 -q -F -L ogrun -d "$d" "$work/$g.run.img" 64M >/dev/null
}

# boot GUEST CGV CMDLINE TIMEOUT: one guest, its console to GUEST.console,
# its reports (ttyS1) to GUEST.report, "done|timeout|silent SECONDS" to
# GUEST.status
boot() {
        local g=$1 cgv=$2 cmdline=$3 tmo=$4 t0 rc st acc
        rm -f "$work/$g.slow.img"
        truncate -s 3G "$work/$g.slow.img" # the throttled disk, sparse
        case ${VM_ACCEL:-tcg} in
        kvm) acc="-accel kvm -cpu host" ;;
        *) acc="-accel tcg,thread=multi -cpu max" ;;
        esac
        # VMP_SSH_PORT (development): a user-mode network with the guest's
        # sshd on that host port, and the guest stays up after its scenarios
        # (og_hold=1) until the timeout; log in with $image/id_ed25519
        local net=()
        if [ -n "${VMP_SSH_PORT:-}" ]; then
                net=(-nic "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:$VMP_SSH_PORT-:22")
                cmdline="$cmdline og_hold=1"
        fi
        t0=$(date +%s.%N)
        # one NVMe controller, three namespaces in a fixed order: the
        # image (copy-on-write, the file stays clean), the run's disk, and a
        # disk whose writes QEMU throttles to $slow_mbps MB/s
        # (pagecache-python; VMP_SLOW_MBPS)
        # shellcheck disable=SC2086 # $acc is words
        timeout --kill-after=10 "$tmo" qemu-system-x86_64 $acc -M pc -m "${VMP_MEM:-1536}" \
                -smp "${VMP_SMP:-2}" -nodefaults -no-user-config -display none -no-reboot \
                -chardev file,id=con,path="$work/$g.console.raw" -serial chardev:con \
                -chardev file,id=rep,path="$work/$g.report.raw" -serial chardev:rep \
                -drive file="$image/root.img",format=raw,if=none,id=root,snapshot=on \
                -drive file="$work/$g.run.img",format=raw,if=none,id=run,readonly=on \
                -drive file="$work/$g.slow.img",format=raw,if=none,id=slow,throttling.bps-write=$((slow_mbps * 1000000)) \
                -device nvme,id=nvme0,serial=oomguard-vmprod \
                -device nvme-ns,drive=root,bus=nvme0,nsid=1 \
                -device nvme-ns,drive=run,bus=nvme0,nsid=2 \
                -device nvme-ns,drive=slow,bus=nvme0,nsid=3 "${net[@]}" \
                -kernel "$KDIR/vmlinuz" \
                -append "root=/dev/nvme0n1 rw console=ttyS0 panic=-1 oops=panic loglevel=3 $cmdline${VMP_APPEND:+ $VMP_APPEND}" \
                </dev/null >"$work/$g.qemu" 2>&1 &
        echo $! >"$work/$g.pid" # timeout leads a process group of its own: cleanup ends it
        wait $!
        rc=$?
        rm -f "$work/$g.pid"
        tr -d '\r' <"$work/$g.console.raw" >"$work/$g.console"
        tr -d '\r' <"$work/$g.report.raw" >"$work/$g.report"
        rm -f "$work/$g.console.raw" "$work/$g.report.raw" "$work/$g.slow.img"
        st=silent
        grep -q '^@@DONE ' "$work/$g.report" && st="done"
        [ "$rc" = 124 ] || [ "$rc" = 137 ] && st=timeout
        echo "$st $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')" >"$work/$g.status"
}

# ---- boot ---------------------------------------------------------------------
selected=()
while read -r g cgv cmdline; do
        [ -n "$g" ] || continue
        case " $want_guests " in *" $g "*) ;; *) continue ;; esac
        mapfile -t scen < <(scenarios_for "$g")
        [ ${#scen[@]} -gt 0 ] || continue
        tmo=900 # boot, dpkg, the engines, the images
        for s in "${scen[@]}"; do tmo=$((tmo + $(hdr "$here/scenarios/$s.sh" timeout 300))); done
        payload "$g" "$cgv" "${scen[@]}" || give_up "the run's disk for $g could not be made"
        selected+=("$g $cgv $tmo $cmdline")
done <<<"$ALL_GUESTS"
[ ${#selected[@]} -gt 0 ] || give_up "no scenario runs in the chosen guests ($want_guests)"
say "setup $((SECONDS - t_start)) s; kernel $(cat "$KDIR/release"); $(basename "$DEB")"

pids=()
cleanup() { # only the boots this run started, and their QEMUs
        local p x
        for x in "${selected[@]}"; do
                read -r g _ <<<"$x"
                [ ! -s "$work/$g.pid" ] || kill "$(cat "$work/$g.pid")" 2>/dev/null
        done
        for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
jobs_max=${VMP_JOBS:-2}
set -m # each boot in its own process group: cleanup ends it and its QEMU
for x in "${selected[@]}"; do
        read -r g cgv tmo cmdline <<<"$x"
        rm -f "$work/$g.status"
        while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
        boot "$g" "$cgv" "$cmdline" "$tmo" &
        pids+=($!)
done
set +m

# ---- report -------------------------------------------------------------------
# report GUEST TIMEOUT: its scenarios' lines, in the order they ran
report() {
        local g=$1 tmo=$2 r=$work/$1.report st secs s line why shown=0 n=0
        read -r st secs <"$work/$g.status"
        while IFS= read -r line; do
                case $line in
                "@@BOOT "*) say "$g: boot: ${line#@@BOOT }" ;;
                "@@SETUP "*) say "$g: setup: ${line#@@SETUP }" ;;
                "@@TIME "*) say "$g: ${line#@@TIME }" ;;
                "@@NOTE "*) echo "#   $g/${line#@@NOTE }" ;;
                "@@CHECK "*" FAIL "*) line=${line#@@CHECK }; echo "#   $g/${line%% FAIL *}: failed: ${line#* FAIL }" ;;
                "@@RESULT "*" PASS")
                        s=${line#@@RESULT }; s=${s% PASS}
                        pass=$((pass + 1)) n=$((n + 1))
                        echo "PASS $g/$s" ;;
                "@@RESULT "*" FAIL "*)
                        s=${line#@@RESULT }; why=${s#* FAIL }; s=${s%% FAIL *}
                        fail=$((fail + 1)) n=$((n + 1))
                        echo "FAIL $g/$s: $why" ;;
                esac
        done <"$r"
        # what the guest never reported
        case $st in
        done) why= ;;
        timeout) why="the guest did not finish within $tmo s (hung)" ;;
        *) why="the guest stopped without reporting (kernel panic, crash or power-off)" ;;
        esac
        for s in $(sed -n 's/^SCENARIOS="\(.*\)"/\1/p' "$work/$g.payload/run.conf"); do
                grep -q "^@@RESULT $s " "$r" && continue
                fail=$((fail + 1))
                echo "FAIL $g/$s: ${why:-the guest finished without reporting it}"
                shown=1
        done
        say "$g: ${secs} s in all ($st), $n scenarios reported"
        if [ $shown = 1 ] || [ "$st" != "done" ]; then
                echo "# ---- console of $g ($work/$g.console; last 300 lines) ----"
                tail -n 300 "$work/$g.console" | sed 's/^/# | /'
                echo "# ---- end of $g's console ----"
                [ ! -s "$work/$g.qemu" ] || sed 's/^/# qemu: /' "$work/$g.qemu"
        fi
}
for x in "${selected[@]}"; do
        read -r g cgv tmo cmdline <<<"$x"
        until [ -s "$work/$g.status" ]; do wait -n 2>/dev/null || sleep 1; done
        report "$g" "$tmo"
done
wait
pids=()
t=$((SECONDS - t_start))
say "total $((t / 60)) min $((t % 60)) s, ${#selected[@]} guests, $jobs_max at a time"
for x in $excluded; do echo "EXCLUDED $x (VMP_EXCLUDE)"; done
n_ex=$(wc -w <<<"$excluded")
echo "vm-production: $pass passed, $fail failed$([ "$n_ex" = 0 ] || echo ", $n_ex excluded")"
[ "$fail" -eq 0 ]
