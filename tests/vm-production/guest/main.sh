#!/bin/bash
# The production guests' driver, run by oomguard-vmprod.service once the
# guest has booted (systemd, sshd, dockerd, containerd). /vm is the run's
# read-only disk: this script, lib.sh, run.conf (GUEST, CGV, SCENARIOS,
# TIMEOUT_<name>), scenarios/, bin/ (memhog, jf), the oomguard .deb.
#
# As an operator would: dpkg -i the package, register the engines as
# README.md says (Docker's daemon.json and a HUP, the shim as containerd's
# runc BinaryName, podman: nothing), build the busybox image and import it
# into each engine; then every scenario of run.conf, each in its own
# subshell with its own timeout. Reports on /dev/ttyS1 (lib.sh) and powers
# the guest off.
set -u
exec 9>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo 2>/dev/null
# shellcheck disable=SC1091 # written by run.sh
. /vm/run.conf
# shellcheck source=lib.sh
. /vm/lib.sh
SCEN=setup # lib.sh's reports name it
export SCEN
mkdir -p /tmp/vmp
uptime_s() { cut -d' ' -f1 /proc/uptime; }

rep "@@BOOT guest=$GUEST uptime=$(uptime_s)s kernel=$(uname -r)" \
        "cgroupfs=$(stat -fc %T /sys/fs/cgroup) memtotal_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)" \
        "multi-user.target at $(systemctl show -p ActiveEnterTimestampMonotonic --value multi-user.target | awk '{printf "%.1f", $1 / 1e6}')s"

# stop: the verdict log and @@DONE, then power off at once (the root disk
# is a throw-away overlay)
stop() {
        hold
        if [ -s "$VLOG" ]; then sed 's/^/@@VERDICT /' "$VLOG" >&9; fi
        rep "@@DONE rc=$1 uptime=$(uptime_s)s"
        sync
        systemctl poweroff --force --force
        sleep 30
        echo o >/proc/sysrq-trigger
}
# hold: with og_hold=1 on the kernel command line (run.sh, VMP_SSH_PORT) the
# guest stays up for a look from the host: ssh on its user-mode network
hold() {
        grep -qw og_hold=1 /proc/cmdline || return 0
        local nic='' n
        for n in /sys/class/net/*; do
                case ${n##*/} in lo | docker* | veth*) ;; *) nic=${n##*/}; break ;; esac
        done
        ip link set "$nic" up && ip addr add 10.0.2.15/24 dev "$nic" && ip route add default via 10.0.2.2
        rep "@@HOLD the guest stays up: ssh on the host's VMP_SSH_PORT ($nic)"
        sleep infinity
}
# setup_failed WHY: every scenario fails with that reason
setup_failed() {
        local s
        rep "@@SETUP FAILED $1"
        journalctl -b --no-pager -n 80 -u docker -u containerd 2>&1 | sed 's/^/journal: /'
        for s in $SCENARIOS; do rep "@@RESULT $s FAIL setup: $1"; done
        stop 1
        exit 1
}

# ---- oomguard, from its package ---------------------------------------
t0=$(date +%s.%N)
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}'; }
if ! dpkg -i /vm/oomguard_*.deb >/tmp/vmp/dpkg.log 2>&1; then
        cat /tmp/vmp/dpkg.log
        setup_failed "dpkg -i $(basename /vm/oomguard_*.deb) failed: $(tail -n 1 /tmp/vmp/dpkg.log)"
fi
rep "@@SETUP dpkg -i $(basename /vm/oomguard_*.deb) in $(secs "$t0") s"

# ---- the engines, as README.md registers them ---------------------------
t0=$(date +%s.%N)
# containerd: the shim as the runc BinaryName of the CRI plugin's default
# runtime (README.md's snippet); ctr takes it with --runc-binary
snippet=/usr/share/doc/oomguard/examples/containerd-config.toml
conf=/etc/containerd/config.toml
# merged: the snippet's tables after Debian's (TOML takes tables in any
# order, each defined once), its "version = 2" already there
for h in $(grep -o '^\[[^]]*\]' "$snippet"); do
        sed "s/^[[:space:]]*//" "$conf" 2>/dev/null | grep -qxF "$h" && setup_failed "$conf already has $h: merge the snippet by hand"
done
if [ -s "$conf" ]; then
        grep -qx 'version = 2' "$conf" || setup_failed "$conf is not version 2"
        { echo; grep -vx 'version = 2' "$snippet"; } >>"$conf"
else
        cp "$snippet" "$conf"
fi
systemctl restart containerd || setup_failed "containerd did not restart"
# docker: the runtime and default-runtime, then a HUP
mkdir -p /etc/docker
cp /usr/share/doc/oomguard/examples/docker-daemon.json /etc/docker/daemon.json
wait_for 60 docker info || setup_failed "dockerd does not answer"
kill -HUP "$(pidof dockerd)"
wait_for 30 sh -c 'docker info -f "{{.DefaultRuntime}}" | grep -qx oomguard' ||
        setup_failed "dockerd did not take default-runtime oomguard after a HUP"
rep "@@SETUP engines registered in $(secs "$t0") s: docker $(docker version -f '{{.Server.Version}}')" \
        "(cgroup driver $(docker info -f '{{.CgroupDriver}}'), default runtime $(docker info -f '{{.DefaultRuntime}}')," \
        "containerd $(containerd --version | awk '{print $3}'), podman $(podman --version | awk '{print $3}')" \
        "(runtime $(podman info -f '{{.Host.OCIRuntime.Name}}' 2>/dev/null), cgroup manager $(podman info -f '{{.Host.CgroupManager}}' 2>/dev/null))," \
        "runc $(runc --version | awk 'NR == 1 {print $3}'), crun $(crun --version | awk 'NR == 1 {print $3}')"

# ---- the busybox image, built here as tests/engines/lib.sh's eng_image does
t0=$(date +%s.%N)
img=/tmp/vmp/image
mkdir -p "$img/rootfs"
(
        cd "$img/rootfs" || exit 1
        mkdir -p bin etc dev proc sys root tmp
        chmod 1777 tmp
        chmod 700 root
        cp /bin/busybox bin/busybox
        for a in $(bin/busybox --list) sh sleep true cat; do
                [ -e "bin/$a" ] || ln -s busybox "bin/$a"
        done
        printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >etc/passwd
        printf 'root:x:0:\nnogroup:x:65534:\n' >etc/group
        cp /vm/bin/memhog bin/memhog
) || setup_failed "the busybox image could not be built"
tar --numeric-owner --owner=0 --group=0 --sort=name -C "$img/rootfs" -cf "$img/bb.tar" . ||
        setup_failed "the busybox image could not be packed"
# try WHAT CMD...: CMD, or setup_failed WHAT with the end of its output
try() {
        local what=$1
        shift
        "$@" >/tmp/vmp/try.log 2>&1 || setup_failed "$what: $(tail -n 3 /tmp/vmp/try.log | tr '\n' ' ')"
}
try "docker import" docker import -c 'CMD ["/bin/sh"]' "$img/bb.tar" "$BB"
try "podman import" podman import -c 'CMD ["/bin/sh"]' "$img/bb.tar" "localhost/$BB"
try "docker save" docker save "$BB" -o "$img/bb-archive.tar"
try "ctr images import" ctr -n "$CTR_NS" images import "$img/bb-archive.tar"
ctr -n "$CTR_NS" images ls -q | grep -qx "$CTR_IMAGE" || setup_failed "containerd has no $CTR_IMAGE"
rep "@@SETUP images imported in $(secs "$t0") s"

# ---- the scenarios -----------------------------------------------------
rc=0
for s in $SCENARIOS; do
        OUT=/tmp/vmp/$s
        mkdir -p "$OUT"
        tmo_var=TIMEOUT_${s//-/_}
        tmo=${!tmo_var:-300}
        t0=$(date +%s.%N)
        rep "@@START $s timeout=${tmo}s uptime=$(uptime_s)s"
        SCEN=$s OUT=$OUT GUEST=$GUEST CGV=$CGV timeout --kill-after=10 "$tmo" \
                bash -c '. /vm/lib.sh; . "/vm/scenarios/$SCEN.sh"' >"$OUT/.log" 2>&1
        src=$?
        sed "s/^/$s| /" "$OUT/.log"
        why=
        if [ $src = 124 ] || [ $src = 137 ]; then
                why="timed out after $tmo s"
        elif [ -s "$OUT/.why" ]; then
                why=$(head -n 1 "$OUT/.why")
        elif [ $src != 0 ]; then
                why="the scenario exited $src: $(tail -n 1 "$OUT/.log")"
        elif [ ! -s "$OUT/.checks" ]; then
                why="the scenario made no check"
        fi
        if [ -n "$why" ]; then
                rc=1
                rep "@@RESULT $s FAIL $why"
        else
                rep "@@RESULT $s PASS"
        fi
        rep "@@TIME $s $(secs "$t0") s"
done
stop $rc
