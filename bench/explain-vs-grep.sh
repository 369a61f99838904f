#!/usr/bin/env bash
# explain-vs-grep.sh - throughput of `oomguard explain --json` compared with
# `grep -c 'Killed process'` on the same generated kernel log.
#
# usage (from the repo root):  bash bench/explain-vs-grep.sh
#
# environment:
#   OOMGUARD=path   binary to benchmark (default: build/oomguard)
#   SIZE_MIB=64     size of the generated log in MiB
#   REPS=5          timed runs per tool; the median is reported
#   CC=cc           C compiler for the generator
#
# Builds bench/gen-oomlog.c into build/bench/, generates (or reuses) the log
# build/bench/oomlog-<SIZE_MIB>MiB.log from the labelled corpus and the noise
# templates, checks that explain reports exactly the kills the labels give
# (pid and scope of each), then times both tools.  MB/s means 10^6 bytes per
# second of wall-clock time.
#
# Exit status: 0 ok; 1 a tool failed or explain's kills differ from the
# labels'; 2 bad settings.  Speed never changes the exit status: it is
# reported, not asserted.
set -euo pipefail
export LC_ALL=C

readonly TARGET_RATIO=0.5
readonly PATTERN='Killed process'

die() { printf 'explain-vs-grep: %s\n' "$1" >&2; exit "${2:-1}"; }
usage_die() { die "$1" 2; }

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(cd -- "$script_dir/.." && pwd)

size_mib=${SIZE_MIB:-64}
reps=${REPS:-5}
[[ $size_mib =~ ^[1-9][0-9]*$ ]] || usage_die "SIZE_MIB must be a positive integer, got '$size_mib'"
[[ $reps =~ ^[1-9][0-9]*$ ]] || usage_die "REPS must be a positive integer, got '$reps'"

# OOMGUARD is resolved against the caller's directory before we cd to the root.
oomguard=${OOMGUARD:-$root/build/oomguard}
if [[ $oomguard != */* ]]; then
	oomguard=$(command -v -- "$oomguard") || die "OOMGUARD='$OOMGUARD': not found in PATH"
elif [[ $oomguard != /* ]]; then
	dir=$(cd -- "$(dirname -- "$oomguard")" 2>/dev/null && pwd) ||
		die "$OOMGUARD: directory not found"
	oomguard=$dir/$(basename -- "$oomguard")
fi
[[ -x $oomguard && -f $oomguard ]] ||
	die "$oomguard: not found or not executable (build it first, or set OOMGUARD=path)"

cd -- "$root"
bench_dir=build/bench
gen=$bench_dir/gen-oomlog
corpus=tests/corpus/kernel-logs    # NNN.log + NNN.json: the replayed reports and their labels
noise=bench/oomlog-noise.txt       # the templates of the lines between them
log=$bench_dir/oomlog-${size_mib}MiB.log
meta=$log.kills                    # "<sha256 of generator, noise and corpus> <kills>"
expect=$log.expect                 # the oracle: "PID SCOPE CASE:LINE" per kill
out_json=$bench_dir/explain.jsonl  # output of the untimed --json run
grep_out=$bench_dir/grep.out       # grep's timed output: NOT /dev/null (see timed_runs)
mkdir -p -- "$bench_dir" || die "cannot create $bench_dir"

# Microseconds since the epoch, without forking (bash >= 5 has EPOCHREALTIME).
now_us() {
	if [[ -n ${EPOCHREALTIME:-} ]]; then
		now=${EPOCHREALTIME/[.,]/}
	else
		now=$(( $(date +%s%N) / 1000 ))
	fi
}

median() {
	printf '%s\n' "$@" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		      else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

build_generator() {
	"${CC:-cc}" -O2 -std=gnu11 -Wall -Wextra -Wshadow -Wconversion -Wformat=2 \
		-o "$gen" bench/gen-oomlog.c -lyajl || die "building $gen from bench/gen-oomlog.c failed"
}

# Reuse the log if it has the expected size and was made from these inputs.
ensure_log() {
	local want=$((size_mib * 1048576)) sum old_sum old_kills
	sum=$(cat bench/gen-oomlog.c "$noise" "$corpus"/*.log "$corpus"/*.json | sha256sum) ||
		die "cannot checksum the generator's inputs"
	sum=${sum%% *}
	log_state=cached
	if [[ -f $log && -f $meta && -f $expect && $(stat -c %s -- "$log") -eq $want ]] &&
		read -r old_sum old_kills < "$meta" &&
		[[ $old_sum == "$sum" && $old_kills =~ ^[0-9]+$ ]]; then
		kills_gen=$old_kills
		return
	fi
	log_state=generated
	kills_gen=$("$gen" "$size_mib" "$log.tmp" "$expect" "$corpus" "$noise") ||
		die "$gen failed to write $log.tmp"
	[[ $kills_gen =~ ^[0-9]+$ ]] || die "$gen printed '$kills_gen', expected a kill count"
	mv -f -- "$log.tmp" "$log" || die "cannot rename $log.tmp to $log"
	printf '%s %s\n' "$sum" "$kills_gen" > "$meta" || die "cannot write $meta"
	[[ $(stat -c %s -- "$log") -eq $want ]] || die "$log is not $want bytes"
}

# Untimed runs: they warm the page cache and give the counts.
count_runs() {
	local rc=0
	grep_lines=$(grep -c -- "$PATTERN" "$log") || rc=$?
	((rc <= 1)) || die "grep -c '$PATTERN' $log failed (exit $rc)"
	"$oomguard" explain --json "$log" > "$out_json" ||
		die "$oomguard explain --json $log failed (exit $?)"
	# kernel kills only: userspace killers' records ("killer":"earlyoom", ...
	# from the noise's daemon lines) come after them, without "scope"
	kills_explain=$(grep -c '^{"scope":' "$out_json") || die "no kernel kill in $out_json"
}

# explain's kills against the oracle, as multisets of "PID SCOPE" ("null"
# for a victim the report does not show).
check_kills() {
	local got=$bench_dir/explain.kills want=$bench_dir/expect.kills
	sed -nE 's/^\{"scope":"([^"]*)",.*,"victim_pid":(null|-?[0-9]+),.*/\2 \1/p' \
		"$out_json" | sort > "$got" || die "cannot read $out_json"
	[[ $(wc -l < "$got") -eq $kills_explain ]] ||
		die "$out_json: a line without scope and victim_pid"
	awk '{ print $1, $2 }' "$expect" | sort > "$want" || die "cannot read $expect"
	missing=$(comm -23 "$want" "$got") extra=$(comm -13 "$want" "$got")
	n_missing=$(grep -c . <<< "$missing" || true) n_extra=$(grep -c . <<< "$extra" || true)
}

# One timed run of each tool per round (interleaved, so drift hits both alike).
# grep's output goes to a regular file: GNU grep stops at the first match when
# stdout is /dev/null (it only needs the exit status), even with -c.
timed_runs() {
	local i rc t0
	grep_us=() explain_us=()
	for ((i = 0; i < reps; i++)); do
		rc=0
		now_us; t0=$now
		grep -c -- "$PATTERN" "$log" > "$grep_out" || rc=$?
		now_us; grep_us+=($((now - t0)))
		((rc <= 1)) || die "grep -c '$PATTERN' $log failed (exit $rc)"

		now_us; t0=$now
		"$oomguard" explain --json "$log" > /dev/null ||
			die "$oomguard explain --json $log failed (exit $?)"
		now_us; explain_us+=($((now - t0)))
	done
}

report() {
	local bytes grep_med explain_med
	bytes=$(stat -c %s -- "$log")
	grep_med=$(median "${grep_us[@]}")
	explain_med=$(median "${explain_us[@]}")
	awk -v file="$log" -v state="$log_state" -v bytes="$bytes" -v kg="$kills_gen" \
		-v ke="$kills_explain" -v gl="$grep_lines" -v reps="$reps" \
		-v miss="$n_missing" -v extra="$n_extra" \
		-v gm="$grep_med" -v em="$explain_med" -v target="$TARGET_RATIO" \
		-v gruns="${grep_us[*]}" -v eruns="${explain_us[*]}" -v bin="$oomguard" '
	function mbps(us) { return bytes / (us > 0 ? us : 1) }   # bytes/us == MB/s
	function secs(list,   n, a, i, s) {
		n = split(list, a, " ")
		for (i = 1; i <= n; i++) s = s sprintf("%s%.3f", i > 1 ? " " : "", a[i] / 1e6)
		return s
	}
	BEGIN {
		printf "file:                %s (%d bytes = %.1f MiB, %s)\n", file, bytes, bytes / 1048576, state
		printf "kills expected:      %d (the labels of the replayed reports)\n", kg
		printf "kills reported:      %d (kernel records of: %s explain --json)\n", ke, bin
		printf "kills matched:       %s\n", miss + extra == 0 ? "all (pid and scope)" : \
			sprintf("%d expected not reported, %d reported not expected", miss, extra)
		printf "grep -c lines:       %d (\"Killed process\" anywhere, decoys included)\n", gl
		printf "grep median:         %.3f s  %8.1f MB/s   runs: %s\n", gm / 1e6, mbps(gm), secs(gruns)
		printf "explain median:      %.3f s  %8.1f MB/s   runs: %s\n", em / 1e6, mbps(em), secs(eruns)
		printf "explain/grep speed ratio: %.2f (target >= %s)\n", mbps(em) / mbps(gm), target
	}' || die "awk failed while formatting the report"
}

build_generator
ensure_log
count_runs
check_kills
timed_runs
report
if [[ -n $missing || -n $extra ]]; then
	{
		[[ -z $missing ]] || printf 'expected, not reported (PID SCOPE; %s says where):\n%s\n' \
			"$expect" "$(head -n 10 <<< "$missing")"
		[[ -z $extra ]] || printf 'reported, not expected:\n%s\n' "$(head -n 10 <<< "$extra")"
	} >&2
	die "explain's kills differ from the labels' (see $out_json and $expect)"
fi
