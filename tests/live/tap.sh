# Sourced by the live suites: one line per assertion, a count at the end.
# `check NAME EXPR` evaluates EXPR; `finish` prints the count and returns
# non-zero if anything failed, so the suite's exit status says it too;
# check itself returns non-zero on failure, for `check ... || show-why`.
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; return 1; fi; }
finish() {
        echo "$pass passed, $fail failed"
        [ "$fail" -eq 0 ]
}
