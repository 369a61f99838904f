#!/usr/bin/env bash
# tests/lib/run-suites.sh NAME SUITE...: run each suite script in turn, all
# of them even when one fails, and report once: each suite's closing
# "N passed, N failed" line, then the total as "NAME: N passed, N failed"
# (and the suites that failed or said nothing, each with its failed checks
# and the detail they printed, again, so that a log's tail says what
# failed). Exit 1 if any failed. The suites read the binaries under test
# from the environment make exports.
set -uo pipefail
name=$1
shift
passed=0 failed=0 bad=() why=$(mktemp)
trap 'rm -f "$why"' EXIT
for s; do
        echo "== $s"
        out=$(mktemp)
        bash "$s" 2>&1 | tee "$out"
        rc=${PIPESTATUS[0]}
        last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
        if [ -n "$last" ]; then
                read -r p _ f _ <<<"$last"
                passed=$((passed + p)) failed=$((failed + f))
        fi
        if [ "$rc" -ne 0 ] || [ -z "$last" ]; then
                bad+=("$s (exit $rc${last:+, $last})")
                # each FAIL line and at most 12 lines of its detail
                awk -v s="$s" '/^FAIL/ {n = 13; print s ": " $0; next} /^(ok |# [0-9a-z]+\. )/ {n = 0} n > 1 {n--; print s ":   " $0}' "$out" >>"$why"
                [ -n "$last" ] && [ "${f:-0}" -gt 0 ] || failed=$((failed + 1))
        fi
        rm -f "$out"
done
cat "$why"
for b in "${bad[@]}"; do echo "$name: FAILED $b"; done
echo "$name: $passed passed, $failed failed"
[ ${#bad[@]} -eq 0 ]
