#!/usr/bin/env bash
# What a hijacked oomguard-hook, or a container, could change on the host
# beyond its own container, tried for real:
# 1. a probe confined exactly as the hook confines itself (each stage,
#    before and after the state names the container) tries to create,
#    overwrite, append to, unlink and rename root-owned files outside the
#    state and log directories, to plant a symlink, and to connect to a
#    root-owned unix socket like docker.sock: each must be refused and
#    every file left as it was;
# 2. a runc container started through oomguard-shim with CAP_SYS_ADMIN and
#    no user namespace remounts the write-window library read-write and
#    writes to it: the host's library, and what the next container gets,
#    must stay as they were;
# 3. what the operator reads: `oomguard verdicts web` shows web, not an
#    ambiguity, when web2 exists; text a container chose (a process name
#    with escape sequences, bidirectional controls and a forged line, in a
#    summary, in `ps`, in `explain`) reaches the terminal inert.
# Same private mount namespace and cgroups as runc.sh (see runc-lib.sh).
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=runc-lib.sh
. "$here/runc-lib.sh"
runc_reexec "$0" "$@"
runc_binaries
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
PROBE=$(realpath "${CONFPROBE:-build/tests/confprobe}")
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"

runc_suite oomguard-forge
procs=()
runc_at_exit 'for p in "${procs[@]}"; do kill -KILL "$p" 2>/dev/null; done; wait 2>/dev/null'

L=$((64 << 20))
host="$tmp/host" state="$tmp/run"
cfg="$tmp/config.json"
# the host mode on (its private vm.dirty_* copy from runc_setup), so the
# probe gets every rule the hook may have
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s/log/verdicts.jsonl","runtime":"%s","writeback":"host"}\n' \
        "$state" "$tmp" "$RUNC" >"$cfg"

# root's files, as /etc would hold them, and a root-only socket like
# docker.sock whose server notes every connection
mkdir -p "$host/etc" "$state" && chmod 0755 "$host" "$host/etc"
echo "root:x:0:0:root:/root:/bin/sh" >"$host/etc/passwd"
chmod 0644 "$host/etc/passwd"
sum_before=$(cd "$host" && find . -type f -exec sha256sum {} + | sort)
python3 - "$host/docker.sock" "$tmp/sock.log" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o660); s.listen(8)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept()
    with open(sys.argv[2], "a") as log:
        log.write("connected\n")
    c.close()
PY
procs+=($!)
for _ in $(seq 100); do [ -e "$tmp/sock.log" ] && break; sleep 0.05; done

# a container's init: a process in its own memory cgroup under ours
mkdir "$base/c1" && echo $L >"$base/c1/memory.limit_in_bytes"
sh -c 'echo $$ >"$1/cgroup.procs"; exec sleep 60' sh "$base/c1" &
init=$!; procs+=("$init")
sleep 0.1
st_create=$(printf '{"ociVersion":"1.0.2","id":"c1-%s","status":"creating","pid":%s,"bundle":"%s"}' $$ "$init" "$tmp")
st_stop=$(printf '{"ociVersion":"1.0.2","id":"c1-%s","status":"stopped","bundle":"%s"}' $$ "$tmp")

attacks=(create "$host/etc/new" overwrite "$host/etc/passwd" append "$host/etc/passwd"
        unlink "$host/etc/passwd" rename "$host/etc/passwd:$host/etc/passwd-"
        rename "$host/etc/passwd:$state/stolen" mkdir "$host/etc/cron.d"
        symlink "$host/etc/passwd:$state/link" connect "$host/docker.sock")
# refused LABEL STAGE [STATE]: every attack fails, none with "ok"
tries=0
tried_all() { [ "$(grep -c '' "$1")" -eq "$2" ] && ! grep -q 'confine failed' "$1"; } # OUTPUT N: N lines, confined
refused() {
        local label=$1 out="$tmp/probe.$((++tries))"
        shift
        "$PROBE" "$@" -- "${attacks[@]}" >"$out" 2>&1
        check "$label: confined, the probe tried all $((${#attacks[@]} / 2)) attacks" tried_all "$out" $((${#attacks[@]} / 2)) || cat "$out"
        check "$label: root's files cannot be created, overwritten, unlinked or renamed, no symlink planted, docker.sock not reached" \
                not grep -q ' ok$' "$out" || grep ' ok$' "$out"
}
refused "create, before reading the state" create "$cfg"
refused "create, once the state names the container" create "$cfg" "$st_create"
refused "poststop" poststop "$cfg" "$st_stop"
refused "no stage argument (both stages' rules)" any "$cfg"
sum_after=$(cd "$host" && find . -type f -exec sha256sum {} + | sort)
check "root's files are byte for byte as they were, none added" [ "$sum_before" = "$sum_after" ] || diff <(echo "$sum_before") <(echo "$sum_after")
check "the socket's server saw no connection" [ ! -s "$tmp/sock.log" ]
nothing_moved() { [ ! -e "$state/stolen" ] && [ ! -L "$state/link" ]; }
check "nothing was moved into the state directory" nothing_moved

# 2. the write-window library, remounted read-write from inside a container
bin="$tmp/bin"
mkdir -p "$bin"
cp "$SHIM" "$HOOK" "$(dirname "$SHIM")/liboomguard-pagecache.so" "$bin/"
lib="$bin/liboomguard-pagecache.so"
lib_sum=$(sha256sum <"$lib") want=$(md5sum <"$lib" | cut -d' ' -f1)
img="$tmp/img-glibc"
cp -a "$tmp/rootfs" "$img"
mkdir -p "$img/lib64" "$img/lib/x86_64-linux-gnu"
cp -L /lib64/ld-linux-x86-64.so.2 "$img/lib64/"
cp -L /lib/x86_64-linux-gnu/libc.so.6 "$img/lib/x86_64-linux-gnu/"
for c in mount md5sum echo; do ln -sf busybox "$img/bin/$c"; done
printf '{"metrics":"off","state_dir":"%s","verdict_log":"%s/log/verdicts.jsonl","runtime":"%s","writeback":"preload"}\n' \
        "$state" "$tmp" "$RUNC" >"$tmp/preload.json"
export OOMGUARD_CONFIG="$tmp/preload.json"
# glibc image, CAP_SYS_ADMIN, no user namespace (runc's default namespaces),
# and CAP_DAC_OVERRIDE as Docker gives every container
privileged_bundle() { # ID CMD...
        local id=$1; shift
        runc_bundle "$tmp/b/$id" "$id" $L '' - - "$@"
        python3 - "$tmp/b/$id/config.json" "$img" <<'PY'
import json, sys
p, root = sys.argv[1:3]
c = json.load(open(p))
c["root"]["path"] = root
for k in ("bounding", "effective", "permitted"):
    c["process"]["capabilities"][k] += ["CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"]
assert not any(n["type"] == "user" for n in c["linux"]["namespaces"])
json.dump(c, open(p, "w"))
PY
}
run_shim() { # ID: through the shim; stdout in $tmp/ID.out
        RUNC_CONTAINERS+=("$1")
        (cd "$tmp/b/$1" && "$bin/oomguard-shim" --root "$tmp/runc" --log "$tmp/$1.log" --log-format json \
                run "$1" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null)
}
f=/.oomguard/liboomguard-pagecache.so
privileged_bundle forger sh -c "mount -o remount,bind,rw $f && echo forged >>$f && echo forged-ok; md5sum $f"
run_shim forger
served_and_forged() { # ID: the library in its bundle, and its write went through
        grep -q "\"destination\":\"$f\"" "$tmp/b/$1/config.json" && grep -q forged-ok "$tmp/$1.out"
}
check "the container (CAP_SYS_ADMIN and CAP_DAC_OVERRIDE, no user namespace) was served the library, remounted it read-write and wrote to it" \
        served_and_forged forger || cat "$tmp/forger.out" "$tmp/forger.err"
expect "the host's library is unchanged" "$(sha256sum <"$lib")" "$lib_sum"
privileged_bundle next sh -c "md5sum $f"
run_shim next
check "the next container gets the library as shipped (md5 $want)" grep -q "^$want " "$tmp/next.out" || cat "$tmp/next.out" "$tmp/next.err"
check "what the first container changed was its own copy" [ "$(awk '{print $1}' "$tmp/forger.out" | tail -1)" != "$want" ]

# 3. the CLI. A log (as an older writer, or anyone, may have left it) with
# web2 before web, and in web's summary (and evil's, alone) a title-setting
# OSC, a screen clear, a C1 CSI, a right-to-left override and a line of its
# own.
vl="$tmp/cli.jsonl" vl1="$tmp/cli1.jsonl"
nasty='x\u001b]0;pwned\u0007\u001b[2Jy \u009b31mz \u202eabc\n2026-01-01T00:00:03Z web2 global init killed: yes all is well'
printf '%s\n' '{"id":"web2","verdict":"memcg","init_killed":true,"stopped":"2026-01-01T00:00:01Z","summary":"web2 died"}' \
        '{"id":"web","verdict":"none","init_killed":false,"stopped":"2026-01-01T00:00:02Z","summary":"'"$nasty"'"}' >"$vl"
printf '%s\n' '{"id":"evil-1","verdict":"none","init_killed":false,"stopped":"2026-01-01T00:00:02Z","summary":"'"$nasty"'"}' >"$vl1"
raw() { od -An -c | tr -s ' '; } # the bytes, control characters spelled out
ctl=$'[\x01-\x09\x0b-\x1f\x7f]' csi=$'\xc2\x9b' rlo=$'\xe2\x80\xae'
inert() { ! grep -q "$ctl" "$@" && ! grep -qF "$csi" "$@" && ! grep -qF "$rlo" "$@"; }
"$OOMGUARD" verdicts --log "$vl" web >"$tmp/v.out" 2>"$tmp/v.err"; rc=$?
one_line() { [ "$(grep -c '' "$1")" -eq 1 ]; } # FILE
web_alone() { # RC OUT: exit 0, one line, web's
        [ "$1" -eq 0 ] && one_line "$2" && grep -q '^2026-01-01T00:00:02Z web  *none ' "$2"
}
check "oomguard verdicts web: web's verdict, although web2 exists (exit $rc)" web_alone "$rc" "$tmp/v.out" || cat "$tmp/v.out" "$tmp/v.err"
"$OOMGUARD" verdicts --log "$vl1" evil >"$tmp/v1.out" 2>&1
summary_inert() { # OUT: one line, the summary with each control character a '?'
        one_line "$1" && grep -q 'evil-1 *none .*x?]0;pwned??\[2Jy ?31mz ?abc?2026' "$1" && inert "$1"
}
check "a summary is printed inert: no ESC, BEL or C1 CSI, no override, no second line" summary_inert "$tmp/v1.out" || raw <"$tmp/v1.out"
"$OOMGUARD" verdicts --log "$vl" --json web >"$tmp/vj.out" 2>&1
record_kept() { # OUT LOG: one line, LOG's second record as it was, inert
        one_line "$1" &&
                python3 -c 'import json,sys; a=json.loads(open(sys.argv[1]).readline()); b=[json.loads(l) for l in open(sys.argv[2])][1]; sys.exit(a != b)' "$1" "$2" &&
                inert "$1"
}
check "--json web: web's record only, valid JSON, the summary's value kept, its bytes inert" record_kept "$tmp/vj.out" "$vl" || raw <"$tmp/vj.out"
"$OOMGUARD" verdicts --log "$vl" we >/dev/null 2>&1; rc=$?
ambiguous_then_web2() { [ "$1" -eq 2 ] && "$OOMGUARD" verdicts --log "$vl" web2 | grep -q ' web2 *memcg '; } # RC
check "a prefix of both is still ambiguous (exit $rc); web2 by its own id" ambiguous_then_web2 "$rc"
# a process that names itself with an escape sequence and a line of its own
python3 -c 'import ctypes, time; ctypes.CDLL(None).prctl(15, b"\x1b[2J\nfake\xc2\x9b", 0, 0, 0); time.sleep(30)' &
namer=$!; procs+=("$namer")
sleep 0.3
"$OOMGUARD" ps --all >"$tmp/ps.out" 2>&1
listed_inert() { grep -q " $1 " "$2" && ! grep -q '^fake' "$2" && inert "$2"; } # PID OUT
check "oomguard ps: the process that named itself so is listed, inert" listed_inert "$namer" "$tmp/ps.out" || grep -a " $namer " "$tmp/ps.out" | raw
kill "$namer" 2>/dev/null
printf '[ 10.000000] Memory cgroup out of memory: Killed process 4242 (a\xc2\x9b2Jb\xe2\x80\xae) total-vm:3000kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:10kB oom_score_adj:0\n' >"$tmp/k.log"
"$OOMGUARD" explain "$tmp/k.log" >"$tmp/e.out" 2>&1
"$OOMGUARD" explain --json "$tmp/k.log" >"$tmp/ej.out" 2>&1
victim_inert() { # TEXT JSON
        grep -q 'pid 4242' "$1" && inert "$1" && inert "$2" && grep -qF 'a\u009b2Jb\u202e' "$2"
}
check "oomguard explain: the victim's name is inert in text and JSON (there as \\u escapes)" victim_inert "$tmp/e.out" "$tmp/ej.out" ||
        { raw <"$tmp/e.out"; cat "$tmp/ej.out"; }

finish
