# Sourced by the live suites: one line per assertion, a count at the end.
# `check NAME EXPR` evaluates EXPR; `finish` prints the count and returns
# non-zero if anything failed, so the suite's exit status says it too;
# check itself returns non-zero on failure, for `check ... || show-why`.
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; return 1; fi; }
# A suite, or a part of one, that cannot run here says so: `skipped REASON`
# prints "SKIPPED suite: REASON" and adds it to $OOMGUARD_SKIPS (make check
# lists them at the end; CI fails on any); `skip_suite REASON` also ends
# the suite.
skipped() {
        echo "SKIPPED ${0##*/}: $1"
        [ -z "${OOMGUARD_SKIPS:-}" ] || echo "${0##*/}: $1" >>"$OOMGUARD_SKIPS"
}
skip_suite() { skipped "$1"; exit 0; }
finish() {
        echo "$pass passed, $fail failed"
        [ "$fail" -eq 0 ]
}
