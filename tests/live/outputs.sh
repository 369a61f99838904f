#!/usr/bin/env bash
# Verdicts where operators look, with real runc containers: the
# node_exporter textfile scraped from a real prometheus-node-exporter on
# loopback (one OOM death is +1, 20 at once are +20), and the Kubernetes
# termination message in the host file a bundle bind-mounts at
# /dev/termination-log (the summary appended after what the container
# wrote; nothing for a clean exit; a symlink planted at the host path is
# not followed).
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=runc-lib.sh
. "$here/runc-lib.sh"
runc_reexec "$0" "$@"
runc_binaries
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
# shellcheck source=verdict-lib.sh
. "$here/verdict-lib.sh"
NE=${NODE_EXPORTER:-$(command -v prometheus-node-exporter || command -v node_exporter)} ||
        give_up "prometheus-node-exporter is not installed (apt-get install prometheus-node-exporter)"
runc_suite oomguard-outputs
cfg="$tmp/config.json"
mkdir -p "$tmp/prom" "$tmp/kubelet/pod/c"
printf '{"state_dir":"%s/run","verdict_log":"%s/log/verdicts.jsonl","metrics":"%s/prom/oomguard.prom","termination_message":"%s/kubelet"}\n' \
        "$tmp" "$tmp" "$tmp" "$tmp" >"$cfg"
vlog="$tmp/log/verdicts.jsonl"
L=$((16 << 20))

# bundle ID LIMIT TERMLOG|- CMD...: TERMLOG bind-mounted at /dev/termination-log
bundle() {
        local id=$1 lim=$2 tl=$3; shift 3
        runc_bundle "$tmp/b/$id" "$id" "$lim" '' "$HOOK" "$cfg" "$@"
        [ "$tl" = - ] || python3 - "$tmp/b/$id/config.json" "$tl" <<'PY'
import json, sys
p, src = sys.argv[1:3]
c = json.load(open(p))
c["mounts"].append({"destination": "/dev/termination-log", "type": "bind", "source": src,
                    "options": ["rbind", "rw"]})
json.dump(c, open(p, "w"))
PY
}
run() {
        RUNC_CONTAINERS+=("$1")
        (cd "$tmp/b/$1" && "$RUNC" --root "$tmp/runc" run "$1" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null)
        echo $?
}

# a real node_exporter, only its textfile collector, on a free loopback port
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$NE" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults --collector.textfile \
        --collector.textfile.directory="$tmp/prom" >"$tmp/ne.log" 2>&1 &
# shellcheck disable=SC2034 # read by the exit trap
ne_pid=$!
runc_at_exit 'kill $ne_pid 2>/dev/null; wait $ne_pid 2>/dev/null'
scrape() { # scrape KIND: oomguard_deaths_total{verdict=KIND} as node_exporter serves it (0 when absent)
        python3 - "$port" "$1" <<'PY'
import sys, urllib.request
port, kind = sys.argv[1:3]
body = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % port, timeout=5).read().decode()
want = 'oomguard_deaths_total{verdict="%s"} ' % kind
print(next((int(float(l[len(want):])) for l in body.splitlines() if l.startswith(want)), 0))
PY
}
for _ in $(seq 50); do scrape memcg >/dev/null 2>&1 && break; sleep 0.1; done
serving() { scrape memcg >/dev/null; }
check "node_exporter serves its metrics on 127.0.0.1:$port" serving

# journald's socket, as the hook finds it: a receiver on a /run private
# to this mount namespace when the host runs no journald
js=/run/systemd/journal/socket jpid=
if [ ! -S "$js" ]; then
        mount -t tmpfs -o size=1m,mode=755 oomguard-run /run && mkdir -p /run/systemd/journal
        python3 - "$js" "$tmp/journal.raw" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536) + b"\n--\n")
PY
        jpid=$!
        runc_at_exit 'kill $ne_pid $jpid 2>/dev/null; wait $ne_pid $jpid 2>/dev/null; umount /run 2>/dev/null'
        for _ in $(seq 50); do [ -S "$js" ] && break; sleep 0.1; done
fi
entry() { awk -v id="CONTAINER_ID_FULL=$1" 'BEGIN {RS="\n--\n"} index($0, id "\n") {print}' "$tmp/journal.raw"; }

# 1. one PID-1 OOM death: +1
m0=$(scrape memcg)
bundle p1-$$ $L - /bin/oomguard-hog 512
st=$(run p1-$$); v=$(verdict p1-$$)
m1=$(scrape memcg)
expect "a PID-1 OOM (exit $st, verdict $(field "$v" verdict)): oomguard_deaths_total{verdict=\"memcg\"} $m0 -> $m1, exactly +1" \
        "$(field "$v" verdict) $m1" "memcg $((m0 + 1))"
check "node_exporter reports no textfile error" not grep -qi 'error' "$tmp/ne.log" || cat "$tmp/ne.log"
has_lines() { # TEXT LINE...: each LINE is one of TEXT's lines
        local l
        for l in "${@:2}"; do grep -qx -- "$l" <<<"$1" || return 1; done
}
if [ -n "$jpid" ]; then
        e=$(entry p1-$$)
        check "journald: one structured entry, SYSLOG_IDENTIFIER=oomguard, OOMGUARD_VERDICT=memcg, CONTAINER_ID_FULL, the memcg MESSAGE_ID" \
                has_lines "$e" SYSLOG_IDENTIFIER=oomguard OOMGUARD_VERDICT=memcg MESSAGE_ID=4e6fe5eb15ad463ca124d768c009fade \
                PRIORITY=4 OOMGUARD_LIMIT_BYTES=$L || echo "$e"
fi
death_series() { # PROM: the page-cache and last-death series
        grep -q '^oomguard_page_cache_deaths_total ' "$1" &&
                grep -q '^oomguard_last_death_timestamp_seconds{verdict="memcg"} [1-9]' "$1"
}
check "the page-cache and last-death series are there" death_series "$tmp/prom/oomguard.prom"

# 2. twenty OOM deaths at once: +20
for i in $(seq 20); do bundle s$i-$$ $L - /bin/oomguard-hog 512; done
pids=()
for i in $(seq 20); do run s$i-$$ >/dev/null & pids+=($!); done
wait "${pids[@]}" # not node_exporter
n=0; for i in $(seq 20); do [ "$(field "$(verdict s$i-$$)" verdict)" = memcg ] && n=$((n + 1)); done
m2=$(scrape memcg)
expect "20 concurrent OOM deaths ($n memcg verdicts): $m1 -> $m2, exactly +20" "$n $m2" "20 $((m1 + 20))" ||
        for i in $(seq 20); do v=$(verdict s$i-$$); echo "  s$i: $(field "$v" verdict) $(field "$v" summary)"; done
n0=$(scrape none)
bundle ok-$$ $L - /bin/true
run ok-$$ >/dev/null
expect "a clean exit counts as none, not memcg" "none $(scrape none), memcg $(scrape memcg)" "none $((n0 + 1)), memcg $m2"

# 3. the termination message
tl="$tmp/kubelet/pod/c/0a1b2c3d"
: >"$tl"
bundle t1-$$ $L "$tl" /bin/sh -c 'echo "the container wrote this" >/dev/termination-log; exec /bin/oomguard-hog 512'
st=$(run t1-$$); v=$(verdict t1-$$)
expect "OOM death: the termination log keeps what the container wrote" "$(head -n 1 "$tl")" 'the container wrote this'
echo "oomguard: memcg: $(field "$v" summary)" >"$tmp/t1.want"
ends_with() { tail -n 1 "$1" | cmp -s - "$2"; } # FILE LINE-FILE: FILE's last line, byte for byte
check "and ends with the verdict's summary" ends_with "$tl" "$tmp/t1.want" || cat "$tl"
tl2="$tmp/kubelet/pod/c/11111111"
printf 'all good' >"$tl2"
bundle t2-$$ $L "$tl2" /bin/sh -c 'printf " and done" >>/dev/termination-log'
st=$(run t2-$$)
expect "clean exit (exit $st): the termination log is only what the container wrote" "$(cat "$tl2")" 'all good and done'
# a symlink planted at the host path while the container runs
tl3="$tmp/kubelet/pod/c/22222222" target="$tmp/kubelet/pod/other" # inside the root: only O_NOFOLLOW stops it
printf 'not yours\n' >"$target"; : >"$tl3"
bundle t3-$$ $L "$tl3" /bin/sh -c 'sleep 1; exec /bin/oomguard-hog 512'
(sleep 0.3; rm -f "$tl3"; ln -s "$target" "$tl3") &
plant=$!
st=$(run t3-$$); wait $plant
not_followed() { # LINK TARGET ID: the link still there, its target unchanged, the death memcg
        [ -L "$1" ] && [ "$(cat "$2")" = 'not yours' ] && [ "$(field "$(verdict "$3")" verdict)" = memcg ]
}
check "a symlink at the host path: not followed (target unchanged)" not_followed "$tl3" "$target" t3-$$
# outside the configured root: nothing written
out="$tmp/outside"; : >"$out"
bundle t4-$$ $L "$out" /bin/oomguard-hog 512
run t4-$$ >/dev/null
check "a host file outside the termination_message root is not written" [ ! -s "$out" ]

expect "no state left behind" "$(ls -A "$tmp/run" 2>/dev/null)" "" || ls -lAR "$tmp/run"
finish
