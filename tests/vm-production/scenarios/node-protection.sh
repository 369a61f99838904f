# shellcheck shell=bash
# node-protection: the guest runs out of memory (a global OOM) while a
# containerd container without a memory limit grows, its processes at the
# oom_score_adj they inherit from containerd-shim (-998). The guest is made
# small for it: huge pages reserved (never reclaimable) leave about
# NP_ROOM MiB (default 512). A host daemon, ogd.service, holds 256 MiB at
# oom_score_adj 0 beside the real sshd. The container's grow goes to
# 128 MiB beyond what is then available, and holds there: the kernel must
# kill once, and one kill of the daemon is enough.
#  - without oomguard (containerd's own runc): the kernel's victim is the
#    host daemon; the container, at -998, grows on and holds.
#  - with oomguard (the shim as the runc binary, its default policy: 1000
#    for a container without a limit): the container's process is the
#    victim, the host daemon and sshd live, an ssh login to the guest
#    works, and the verdict is global, naming the victim.
# guests: debian-v2 debian-v1
# order: 80
# timeout: 600
room=${NP_ROOM:-512}
hp=/proc/sys/vm/nr_hugepages
release() { echo 0 >"$hp"; }
trap release EXIT

# kern_kills MARK: the kernel's "Killed process" records stamped after MARK
# (seconds since boot; the ring may have wrapped since, so not a line count)
kern_kills() {
        dmesg | awk -v m="$1" '/Killed process/ { t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); if (t + 0 > m) print }'
}
now_s() { cut -d' ' -f1 /proc/uptime; }
# daemon UNIT: start the host daemon as a systemd service; sets DPID
daemon() {
        systemd-run -q --unit="$1" -p OOMScoreAdjust=0 /vm/bin/memhog -n 256 -H
        wait_for 60 sh -c "journalctl -q -u $1 | grep -q holding"
        DPID=$(systemctl show -p MainPID --value "$1")
}
# grow_ctr ID [CTR RUN OPTIONS...]: the growing container, in the
# background, to 128 MiB beyond what is available now
grow_ctr() {
        local id=$1 mib
        shift
        mib=$(($(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo) + 128))
        note "$id: grows to $mib MiB"
        ctr -n "$CTR_NS" run --rm "$@" "$CTR_IMAGE" "$id" \
                sh -c "cat /proc/self/oom_score_adj; exec grow 64 $mib" >"$OUT/$id.out" 2>"$OUT/$id.err" </dev/null &
        GJOB=$!
}
sshd_pid() { systemctl show -p MainPID --value ssh; }
login() { ssh -o LogLevel=ERROR -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=60 root@127.0.0.1 echo logged-in 2>&1; }

# make the guest small: huge pages take what is above $room MiB
avail=$(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo)
echo $(((avail - room) / 2)) >"$hp"
note "MemAvailable $avail MiB; $(cat $hp) huge pages reserved; now $(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo) MiB available"
sshd0=$(sshd_pid)
note "sshd pid $sshd0, oom_score_adj $(cat /proc/"$sshd0"/oom_score_adj)"
# grow is not in the image: bind-mounted from the run's disk
# shellcheck disable=SC2054 # ctr's --mount takes a comma-separated list
bindgrow=(--mount type=bind,src=/vm/bin/grow,dst=/bin/grow,options=rbind:ro)

# ---- without oomguard --------------------------------------------------------
daemon ogd-bare
note "without oomguard: host daemon pid $DPID, oom_score_adj $(cat /proc/"$DPID"/oom_score_adj)"
mark=$(now_s)
grow_ctr np-bare "${bindgrow[@]}"
wait_for 300 grep -q holding "$OUT/np-bare.out"
first=$(kern_kills "$mark" | head -n 1)
ctr -n "$CTR_NS" task kill -s KILL np-bare 2>/dev/null
wait "$GJOB"
note "without oomguard: the container ran at $(head -n 1 "$OUT/np-bare.out"): $(tail -n 1 "$OUT/np-bare.out");" \
        "kernel kills: $(kern_kills "$mark" | sed 's/.*Killed process \([0-9]*\) (\([^)]*\)).*oom_score_adj:\(-*[0-9]*\).*/\2[\1] adj \3/' | xargs)"
expect "without oomguard: the container inherited containerd-shim's -998" "$(head -n 1 "$OUT/np-bare.out")" -998
expect "without oomguard: the global OOM's first victim is the host daemon (oom_score_adj 0)" \
        "$(sed -n 's/.*Out of memory: Killed process \([0-9]*\) (\([^)]*\)).*oom_score_adj:\(-*[0-9]*\).*/\1 \2 \3/p' <<<"$first")" "$DPID memhog 0"
systemctl reset-failed ogd-bare 2>/dev/null
systemctl stop ogd-bare 2>/dev/null

# ---- with oomguard -------------------------------------------------------------
daemon ogd-guarded
sshd1=$(sshd_pid)
mark=$(now_s)
grow_ctr np-guarded --runc-binary /usr/bin/oomguard-shim "${bindgrow[@]}"
wait "$GJOB"
rc=$?
v=$(wait_verdict np-guarded 60)
note "with oomguard: ctr run exit $rc; oomguard: $(vf "$v" verdict init_killed oom_score_adj kills.0.victim_comm kills.0.victim_pid | xargs)"
note "with oomguard: kernel kills: $(kern_kills "$mark" | sed 's/.*Killed process \([0-9]*\) (\([^)]*\)).*oom_score_adj:\(-*[0-9]*\).*/\2[\1] adj \3/' | xargs)"
expect "with oomguard: ctr run exits 137, the container at 1000" "$rc $(head -n 1 "$OUT/np-guarded.out")" "137 1000"
expect "with oomguard: verdict global, init killed, the victim the container's grow" \
        "$(vf "$v" verdict init_killed kills.0.scope kills.0.victim_comm | xargs)" "global true global grow"
check "with oomguard: the summary says the host ran out of memory" grep -q "host ran out of memory" <<<"$(vf "$v" summary)"
expect "with oomguard: the kernel's only victim was the container's" \
        "$(kern_kills "$mark" | grep -c 'Killed process') $(kern_kills "$mark" | grep -c '(grow)')" "1 1"
expect "with oomguard: the host daemon and sshd live (same pids)" \
        "$(kill -0 "$DPID" && echo "$DPID") $(sshd_pid)" "$DPID $sshd1"
release
expect "with oomguard: an ssh login to the guest works afterwards" "$(login)" logged-in
systemctl stop ogd-guarded 2>/dev/null
