#!/usr/bin/env bash
# tools/skips.sh report FILE [--fail]: the suites that could not run (one
# "suite: reason" line each in FILE, written by the suites' skip helpers),
# listed at the end of make check; with --fail (CI), any of them fails it.
set -euo pipefail
[ "${1:-}" = report ] || { echo "usage: tools/skips.sh report FILE [--fail]" >&2; exit 2; }
file=${2:?the skip file} fail=${3:-}
if [ ! -s "$file" ]; then
        echo "check: every suite ran (none skipped)"
        exit 0
fi
n=$(wc -l <"$file")
echo "check: $n suite(s) or part(s) SKIPPED:"
sed 's/^/  SKIPPED /' "$file"
if [ "$fail" = --fail ]; then
        echo "check: failing on skips (FAIL_ON_SKIP is set)" >&2
        exit 1
fi
