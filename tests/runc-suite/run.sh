#!/usr/bin/env bash
# make check-runc-suite: runc's own integration suite (the version Debian
# ships with the installed runc) run twice, file by file: with RUNC at plain
# runc and with RUNC at oomguard-shim in front of the same runc. Fails when
# a test that passes with runc fails through the shim, or when a container
# that reached oomguard-hook through the shim did not get exactly one
# verdict. See tests/runc-suite/README.md.
#   SHIM, HOOK              the binaries under test (build/ by default)
#   RUNC_SUITE_OUT          TAP files, logs, verdicts (build/runcsuite-out)
#   RUNC_SUITE_CACHE        source, helpers, images (/var/cache/oomguard-runc-suite)
#   RUNC_SUITE_FILES        some .bats files only ("help delete"), default all
#   RUNC_SUITE_FILE_TIMEOUT seconds for one .bats file (900)
#   RUNC_SUITE_MEMORY       memory limit of the run's cgroup (4G)
set -euo pipefail
here=$(dirname "$(realpath "$0")")
me=runc-suite
say() { echo "$me: $*"; }
die() { echo "$me: $*" >&2; exit 1; }

# --- inside the private mount and cgroup namespaces -----------------------
# The run's cgroups are the namespace's root: remounting every hierarchy
# here makes runc's cgroups (relative or absolute paths) land under them.
inner() {
        local t type opts mp f mode t0
        mount -t tmpfs -o mode=1777 tmpfs /tmp
        while IFS='|' read -r type opts mp; do
                umount "$mp"
                mount -t "$type" -o "$opts" "$type" "$mp"
        done <<<"$SB_MOUNTS"
        [ "$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)" = / ] ||
                die "the memory cgroup is not the namespace's root"
        export TMPDIR=/tmp
        cd "$SRC/tests/integration"
        for f in $FILES; do
                local line="$f:"
                for mode in runc shim; do
                        t0=$(date +%s%N)
                        bats_run $mode "$f" "$OUT/$mode/$f"
                        t=$((($(date +%s%N) - t0) / 1000000))
                        echo "$f $mode $t" >>"$OUT/times"
                        line+=" $mode $(tap_counts "$OUT/$mode/$f.tap") in $((t / 1000)).$((t % 1000 / 100)) s,"
                done
                # A test that passed with runc and failed through the shim
                # runs once more through the shim: the suite has races of
                # its own (recvtty's socket may not be there yet when runc
                # connects), seen with plain runc too.
                local n=0 name
                while IFS= read -r name; do
                        [ -n "$name" ] || continue
                        n=$((n + 1))
                        bats_run shim "$f" "$OUT/shim/$f.retry$n" --filter "^$(sed 's/[][\\.*^$()+?{}|]/\\&/g' <<<"$name")\$"
                        cat "$OUT/shim/$f.retry$n.tap" >>"$OUT/shim/$f.retry.tap"
                done < <(join -t $'\t' <(tap_results "$OUT/runc/$f.tap" | awk -F'\t' '$2 == "ok"' | LC_ALL=C sort) \
                        <(tap_results "$OUT/shim/$f.tap" | awk -F'\t' '$2 != "ok" && $2 != "skip"' | LC_ALL=C sort) | cut -f1)
                line=${line%,}
                [ $n = 0 ] || line+=" ($n retried through the shim: $(tap_counts "$OUT/shim/$f.retry.tap"))"
                echo "$me: ${line%,}"
        done
}

# bats_run runc|shim FILE OUTPUT-PREFIX [BATS-ARGS]: one .bats file (TAP in
# PREFIX.tap, stderr in PREFIX.stderr, the terminal in PREFIX.tty)
bats_run() {
        local mode=$1 f=$2 o=$3 cmd
        shift 3
        if [ "$mode" = runc ]; then
                cmd=(env RUNC="$RUNC_BIN")
        else
                cmd=(env RUNC="$SHIM" OOMGUARD_CONFIG="$OUT/shim/config.json")
        fi
        cmd+=(bats --tap --timing "$@" "$f.bats")
        # a controlling terminal, as Debian's autopkgtest of runc gives it
        # (script): tests that run a terminal container in the foreground
        # open /dev/tty
        timeout -k 10 "$FILE_TIMEOUT" script -qec "$(printf '%q ' "${cmd[@]}") </dev/null \
                >$(printf %q "$o.tap") 2>$(printf %q "$o.stderr")" /dev/null </dev/null >"$o.tty" 2>&1 || true
}

# "NAME<tab>ok|fail|skip" for each test of a TAP file from bats --timing
tap_results() {
        awk '/^(not )?ok [0-9]+ / {
                r = /^not / ? "fail" : "ok"
                name = $0; sub(/^(not )?ok [0-9]+ /, "", name)
                if (name ~ / # skip/) { r = "skip"; sub(/ # skip.*$/, "", name) }
                sub(/ # timeout after [0-9]+ s$/, "", name)
                sub(/ in [0-9]+ ?ms$/, "", name)
                print name "\t" r }' "$1"
}

# "N ok / N fail / N skip" of one TAP file
tap_counts() {
        tap_results "$1" | awk -F'\t' '{ c[$2]++ } END { printf "%d ok / %d fail / %d skip", c["ok"], c["fail"], c["skip"] }'
}

if [ "${1:-}" = --inner ]; then
        inner
        exit 0
fi

# --- outside: prepare, sandbox, run, clean up, compare ----------------------
start=$SECONDS
[ "$(id -u)" = 0 ] || die "needs root (runc's suite runs as root; cgroups, mounts, apt-get source)"
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
HOOK=$(realpath "${HOOK:-build/oomguard-hook}")
[ -x "$SHIM" ] || die "no $SHIM (make first)"
[ -x "$HOOK" ] || die "no $HOOK (make first)"
OUT=$(realpath -m "${RUNC_SUITE_OUT:-build/runcsuite-out}")
# The run mounts its own /tmp: binaries and output under /tmp (a checkout
# there) are staged outside it, and the output is copied back at the end.
under_tmp() { case $1/ in /tmp/*) true ;; *) false ;; esac; }
WANT_OUT=$OUT STAGE=
unstage() {
        [ -n "$STAGE" ] || return 0
        rm -rf "$WANT_OUT" && mkdir -p "$(dirname "$WANT_OUT")" && cp -a "$OUT" "$WANT_OUT" || true
        rm -rf "$STAGE"
        STAGE=
}
if under_tmp "$OUT" || under_tmp "$SHIM" || under_tmp "$HOOK"; then
        STAGE=$(mktemp -d /var/tmp/oomguard-runc-suite.XXXXXX)
        cp "$SHIM" "$STAGE/oomguard-shim"
        cp "$HOOK" "$STAGE/oomguard-hook"
        SHIM=$STAGE/oomguard-shim HOOK=$STAGE/oomguard-hook OUT=$STAGE/out
        trap unstage EXIT
        say "under /tmp, which the run replaces: the binaries and the output are staged in $STAGE"
fi
CACHE=${RUNC_SUITE_CACHE:-/var/cache/oomguard-runc-suite}
FILE_TIMEOUT=${RUNC_SUITE_FILE_TIMEOUT:-900}
RUNC_BIN=$(command -v runc) || die "runc is not installed"
for c in bats jq gawk unshare; do command -v $c >/dev/null || die "$c is not installed (tools/deps.sh runc-suite)"; done
grep -q ' - cgroup ' /proc/self/mountinfo || die "no cgroup v1 hierarchy here (this suite's sandbox is written for v1 and hybrid hosts)"

SRC=$(bash "$here/prepare.sh" "$CACHE")
if [ -n "${RUNC_SUITE_FILES:-}" ]; then
        FILES=$RUNC_SUITE_FILES
else
        FILES=$(cd "$SRC/tests/integration" && ls ./*.bats | sed 's|^\./||; s|\.bats$||' | tr '\n' ' ')
fi
say "runc $(dpkg-query -W -f='${Version}' runc) ($RUNC_BIN), suite from $SRC, $(wc -w <<<"$FILES") files; output in $OUT"
prepared=$SECONDS

rm -rf "$OUT"
mkdir -p "$OUT/runc" "$OUT/shim/state"
# The shim's private configuration: its own state directory and verdict
# log, no metrics (not the host's node_exporter directory), the real runc,
# no write window; the hook it registers is a wrapper
# that notes each run (stage, container id, bundle) and execs oomguard-hook.
cat >"$OUT/shim/hook" <<EOF
#!/bin/bash
PATH=/usr/sbin:/usr/bin:/sbin:/bin
# oomguard-hook, counted: one line per run in hooks.log (the stage is the
# last argument), then the real hook with the same state on stdin
st=\$(head -c 1048576)
printf '%s\t%s\n' "\${*: -1}" "\$(jq -r '[.id, .bundle] | @tsv' <<<"\$st" 2>/dev/null)" >>"$OUT/shim/hooks.log"
exec "$HOOK" "\$@" <<<"\$st"
EOF
chmod 755 "$OUT/shim/hook"
printf '{"state_dir": "%s", "verdict_log": "%s", "metrics": "off", "runtime": "%s", "hook": "%s", "writeback": "off"}\n' \
        "$OUT/shim/state" "$OUT/shim/verdicts.jsonl" "$RUNC_BIN" "$OUT/shim/hook" >"$OUT/shim/config.json"

# --- the run's cgroups -------------------------------------------------------
# In every hierarchy a cgroup oomguard-runc-suite-PID under this process's
# own; where that is a hierarchy's root, under the path of the memory
# cgroup instead, mirrored (as tests/live/runc-lib.sh does for devices).
# It holds the run's memory limit; its child "ns" is the root of the run's
# cgroup namespace, which so reads as unlimited to the suite (update.bats
# compares a container's "unlimited" with its root's limit). The levels made
# here get the host's real-time budget, so that update.bats can hand it on.
sb=oomguard-runc-suite-$$
memrel=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
memrel=${memrel%/}
SB_DIRS=() SB_NEW=() SB_MOUNTS=""
# "type|super options|mount point|mount root" of each cgroup hierarchy
mapfile -t mounts < <(awk '{ for (i = 7; i <= NF && $i != "-"; i++); t = $(i + 1)
        if ((t == "cgroup" || t == "cgroup2") && $5 ~ /^\/sys\/fs\/cgroup\//) print t "|" $(i + 3) "|" $5 "|" $4 }' \
        /proc/self/mountinfo)
own_path() { # own_path TYPE SUPEROPTS: this process's cgroup in that hierarchy
        awk -F: -v t="$1" -v o=",$2," '
                t == "cgroup2" && $1 == 0 && $2 == "" { print $3; exit }
                t == "cgroup" && $2 != "" { n = split($2, c, ","); ok = 1
                        for (i = 1; i <= n; i++) if (index(o, "," c[i] ",") == 0) ok = 0
                        if (ok) { print $3; exit } }' /proc/self/cgroup
}
cleanup_cgroups() {
        local d i p n
        # processes the run left (containers, helpers): thawed, killed by pid
        for d in "${SB_DIRS[@]}"; do
                [ -d "$d" ] || continue
                find "$d" -name freezer.state -exec sh -c 'echo THAWED >"$1"' sh {} \; 2>/dev/null || true
        done
        for i in $(seq 50); do
                n=0
                for d in "${SB_DIRS[@]}"; do
                        [ -d "$d" ] || continue
                        # shellcheck disable=SC2044 # pids, not file names
                        for p in $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null); do
                                n=$((n + 1))
                                [ "$i" -gt 1 ] || say "killing pid $p left in the run's cgroups ($(tr '\0' ' ' 2>/dev/null </proc/"$p"/cmdline | cut -c1-80))"
                                kill -9 "$p" 2>/dev/null || true
                        done
                done
                [ $n -gt 0 ] || break
                sleep 0.2
        done
        for d in "${SB_DIRS[@]}"; do
                [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
                [ ! -d "$d" ] || { say "could not remove $d"; LEFT=1; }
        done
        for ((i = ${#SB_NEW[@]} - 1; i >= 0; i--)); do rmdir "${SB_NEW[$i]}" 2>/dev/null || true; done
}
loops_before=$(losetup -n -l -O NAME 2>/dev/null | sort || true)
cleanup_loops() { # loop devices the run set up on its files and left
        local dev back
        while read -r dev back; do
                [ -n "$dev" ] || continue
                grep -qx "$dev" <<<"$loops_before" && continue
                case $back in /tmp/bats-run-*)
                        say "detaching $dev ($back) left by the run"
                        losetup -d "$dev" || LEFT=1 ;;
                esac
        done < <(losetup -n -l -O NAME,BACK-FILE 2>/dev/null)
}
LEFT=0
trap 'cleanup_cgroups; cleanup_loops; unstage' EXIT
trap 'exit 1' INT TERM HUP
procs=""
for m in "${mounts[@]}"; do
        IFS='|' read -r type opts mp root <<<"$m"
        own=$(own_path "$type" "$opts")
        [ -n "$own" ] || continue
        [ "$root" = / ] || own=${own#"$root"}
        own=${own%/}
        [ -n "$own" ] || own=$memrel
        d=$mp rt=
        [ ! -e "$mp/cpu.rt_runtime_us" ] || rt=$(cat "$mp/cpu.rt_runtime_us")
        for c in ${own//\// } "$sb" ns; do
                d=$d/$c
                if ! mkdir "$d" 2>/dev/null; then
                        [ -d "$d" ] || die "cannot create $d"
                        rt= # not ours: its budget stays as it is
                        continue
                fi
                SB_NEW+=("$d")
                if [ -e "$d/cpuset.cpus" ]; then # cpuset: empty until given the parent's
                        cat "${d%/*}/cpuset.cpus" >"$d/cpuset.cpus"
                        cat "${d%/*}/cpuset.mems" >"$d/cpuset.mems"
                fi
                if [ -n "$rt" ] && ! echo "$rt" >"$d/cpu.rt_runtime_us" 2>/dev/null; then
                        say "note: no real-time budget for $d (update.bats' rt test fails alike for both)"
                        rt=
                fi
        done
        SB_DIRS+=("${d%/ns}")
        procs+="$d/cgroup.procs"$'\n'
        SB_MOUNTS+="$type|$opts|$mp"$'\n'
done
SB_MOUNTS=${SB_MOUNTS%$'\n'}
memsb=$(grep -m1 '^/sys/fs/cgroup/memory/' <<<"$(printf '%s\n' "${SB_DIRS[@]}")") ||
        die "no memory hierarchy at /sys/fs/cgroup/memory"
echo "${RUNC_SUITE_MEMORY:-4G}" >"$memsb/memory.limit_in_bytes"

export SRC OUT FILES RUNC_BIN SHIM FILE_TIMEOUT SB_MOUNTS
# in the background, so that a signal to this script ends the run at once
# (the trap's cleanup kills every process in the run's cgroups)
procs=${procs%$'\n'} bash -c 'while read -r f; do echo $$ >"$f"; done <<<"$procs"
        exec unshare --cgroup --mount --propagation private bash "$0" --inner' "$here/run.sh" &
wait $!
ran=$SECONDS
cleanup_cgroups
cleanup_loops
trap unstage EXIT

# --- the comparison ----------------------------------------------------------
# one row per test: file, name, runc result, shim result (ok, fail, skip,
# or "missing" when the file stopped before it)
# one row per test: file, name, its result with runc, through the shim, and
# on the retry through the shim (ok, fail, skip; "missing" when the file
# stopped before it; "-" when not retried)
for f in $FILES; do
        for mode in runc shim retry; do
                t=$OUT/$mode/$f.tap
                [ $mode != retry ] || t=$OUT/shim/$f.retry.tap
                [ -e "$t" ] || continue
                tap_results "$t" | awk -F'\t' -v f="$f" -v m="$mode" '{ print f "\t" $1 "\t" m "\t" $2 }'
        done
done >"$OUT/results.raw"
awk -F'\t' '{ k = $1 "\t" $2; if (!(k in seen)) { seen[k] = 1; order[++n] = k }; res[k, $3] = $4 }
        END { for (i = 1; i <= n; i++) { k = order[i]
                r = (k SUBSEP "runc") in res ? res[k, "runc"] : "missing"
                s = (k SUBSEP "shim") in res ? res[k, "shim"] : "missing"
                t = (k SUBSEP "retry") in res ? res[k, "retry"] : "-"
                print k "\t" r "\t" s "\t" t } }' "$OUT/results.raw" >"$OUT/results.tsv"
count() { awk -F'\t' -v c="$1" -v r="$2" '$c == r' "$OUT/results.tsv" | wc -l; }
shim_only=$(awk -F'\t' '$3 == "ok" && $4 != "ok" && $4 != "skip" && $5 != "ok"' "$OUT/results.tsv")
flaky=$(awk -F'\t' '$3 == "ok" && $4 != "ok" && $4 != "skip" && $5 == "ok"' "$OUT/results.tsv")
n_shim_only=$(grep -c . <<<"$shim_only" || true)

# the output of a failed test in a TAP file: the comment lines after it
test_output() { # FILE NAME
        awk -v n="$2" 'found && /^(not )?ok / { exit } found { print "      " $0 }
                /^not ok [0-9]+ / { x = $0; sub(/^not ok [0-9]+ /, "", x); sub(/ # timeout after [0-9]+ s$/, "", x); sub(/ in [0-9]+ ?ms$/, "", x); if (x == n) found = 1 }' "$1" | head -n 40
}
if [ "$n_shim_only" -gt 0 ]; then
        say "shim-only failures (pass with runc, fail through oomguard-shim):"
        while IFS=$'\t' read -r f name _ s _; do
                echo "  $f.bats: $name ($s)"
                test_output "$OUT/shim/$f.tap" "$name"
        done <<<"$shim_only"
fi
if [ -n "$flaky" ]; then
        say "failed through the shim once, passed when run again (counted as passed; the first output):"
        while IFS=$'\t' read -r f name _ s _; do
                echo "  $f.bats: $name ($s)"
                test_output "$OUT/shim/$f.tap" "$name"
        done <<<"$flaky"
fi
other=$(awk -F'\t' '$3 != $4 && !($3 == "ok" && $4 != "ok" && $4 != "skip")' "$OUT/results.tsv")
if [ -n "$other" ]; then
        say "other differences (not failures of the shim):"
        awk -F'\t' '{ printf "  %s.bats: %s (runc %s, shim %s)\n", $1, $2, $3, $4 }' <<<"$other"
fi

# --- verdicts: every container that reached the hook, exactly one ---------------
# hooks.log has a line per hook run: stage, id, bundle. A container is an
# (id, bundle) pair; the suite reuses ids, so the createRuntime runs of
# each pair are counted against the verdicts with that id and bundle.
verdict_bad=0
touch "$OUT/shim/hooks.log" "$OUT/shim/verdicts.jsonl"
creates=$(awk -F'\t' '$1 == "createRuntime"' "$OUT/shim/hooks.log" | wc -l)
poststops=$(awk -F'\t' '$1 == "poststop"' "$OUT/shim/hooks.log" | wc -l)
verdicts=$(grep -c . "$OUT/shim/verdicts.jsonl" || true)
mismatch=$(LC_ALL=C join -t $'\t' -a 1 -a 2 -e 0 -o 0,1.2,2.2 \
        <(awk -F'\t' '$1 == "createRuntime" { print $2 "|" $3 }' "$OUT/shim/hooks.log" | LC_ALL=C sort | uniq -c |
                awk '{ c = $1; sub(/^ *[0-9]+ /, ""); print $0 "\t" c }' | LC_ALL=C sort -t $'\t' -k1,1) \
        <(jq -r '[.id, .bundle] | join("|")' "$OUT/shim/verdicts.jsonl" | LC_ALL=C sort | uniq -c |
                awk '{ c = $1; sub(/^ *[0-9]+ /, ""); print $0 "\t" c }' | LC_ALL=C sort -t $'\t' -k1,1) |
        awk -F'\t' '$2 != $3')
if [ -n "$mismatch" ] || [ "$creates" -ne "$verdicts" ]; then
        verdict_bad=1
        say "containers without exactly one verdict (id|bundle, hook creates, verdicts):"
        sed 's/^/  /' <<<"$mismatch"
fi
say "through the shim: $creates containers reached the hook (createRuntime), $poststops poststop runs, $verdicts verdicts$([ $verdict_bad = 0 ] && echo ': one each')"
left=$(find "$OUT/shim/state" -mindepth 1 -maxdepth 1 | wc -l)
[ "$left" -eq 0 ] || say "note: $left container state(s) left in $OUT/shim/state"

say "time: $((SECONDS - start)) s in all (preparation $((prepared - start)) s, the two runs $((ran - prepared)) s; runc $(awk '$2 == "runc" { t += $3 } END { printf "%d", t / 1000 }' "$OUT/times") s, shim $(awk '$2 == "shim" { t += $3 } END { printf "%d", t / 1000 }' "$OUT/times") s)"
[ "$LEFT" = 0 ] || say "the run left something behind (see above)"
echo "$me: runc $(count 3 ok) ok / $(count 3 fail) fail / $(count 3 skip) skip, shim $(count 4 ok) ok / $(count 4 fail) fail / $(count 4 skip) skip, $n_shim_only shim-only failures"
unstage
[ "$n_shim_only" -eq 0 ] && [ $verdict_bad = 0 ] && [ "$LEFT" = 0 ]
