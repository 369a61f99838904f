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
#    must stay as they were.
# Same private mount namespace and cgroups as runc.sh (see runc-lib.sh).
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=runc-lib.sh
. "$here/runc-lib.sh"
runc_reexec "$0" "$@"
runc_binaries
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
PROBE=$(realpath "${PROBE:-build/tests/confprobe}")
# shellcheck source=tap.sh
. "$here/tap.sh"

if [ "$(id -u)" != 0 ] || [ ! -d /sys/fs/cgroup/memory ] || ! grep -q ':memory:' /proc/self/cgroup; then
        skip_suite "needs root and a cgroup v1 memory hierarchy (cgroup v2 runs in the VM suite)"
fi
runc_setup oomguard-forge || { echo "0 passed, 1 failed"; exit 1; }
procs=()
trap 'for p in "${procs[@]}"; do kill -KILL "$p" 2>/dev/null; done; wait 2>/dev/null; runc_cleanup' EXIT

L=$((64 << 20))
host="$tmp/host" state="$tmp/run"
cfg="$tmp/config.json"
# the host mode on (its private vm.dirty_* copy from runc_setup), so the
# probe gets every rule the hook may have
printf '{"state_dir":"%s","verdict_log":"%s/log/verdicts.jsonl","runtime":"%s","writeback":"host"}\n' \
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
refused() {
        local label=$1 out="$tmp/probe.$((++tries))"
        shift
        "$PROBE" "$@" -- "${attacks[@]}" >"$out" 2>&1
        check "$label: confined, the probe tried all $((${#attacks[@]} / 2)) attacks" "[ \$(grep -c '' $out) -eq $((${#attacks[@]} / 2)) ] && ! grep -q 'confine failed' $out" || cat "$out"
        check "$label: root's files cannot be created, overwritten, unlinked or renamed, no symlink planted, docker.sock not reached" "! grep -q ' ok\$' $out" || grep ' ok$' "$out"
}
refused "create, before reading the state" create "$cfg"
refused "create, once the state names the container" create "$cfg" "$st_create"
refused "poststop" poststop "$cfg" "$st_stop"
refused "no stage argument (both stages' rules)" any "$cfg"
sum_after=$(cd "$host" && find . -type f -exec sha256sum {} + | sort)
check "root's files are byte for byte as they were, none added" "[ \"\$sum_before\" = \"\$sum_after\" ]" || diff <(echo "$sum_before") <(echo "$sum_after")
check "the socket's server saw no connection" "[ ! -s $tmp/sock.log ]"
check "nothing was moved into the state directory" "[ ! -e $state/stolen ] && [ ! -L $state/link ]"

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
printf '{"state_dir":"%s","verdict_log":"%s/log/verdicts.jsonl","runtime":"%s","writeback":"preload"}\n' \
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
check "the container (CAP_SYS_ADMIN and CAP_DAC_OVERRIDE, no user namespace) was served the library, remounted it read-write and wrote to it" "grep -q '\"destination\":\"$f\"' $tmp/b/forger/config.json && grep -q forged-ok $tmp/forger.out" || cat "$tmp/forger.out" "$tmp/forger.err"
check "the host's library is unchanged" "[ \"\$(sha256sum <$lib)\" = '$lib_sum' ]"
privileged_bundle next sh -c "md5sum $f"
run_shim next
check "the next container gets the library as shipped (md5 $want)" "grep -q '^$want ' $tmp/next.out" || cat "$tmp/next.out" "$tmp/next.err"
check "what the first container changed was its own copy" "[ \"\$(awk '{print \$1}' $tmp/forger.out | tail -1)\" != '$want' ]"

finish
