# shellcheck shell=bash
# Sourced by the suites not yet on the argument-based form: the harness
# (tests/lib/harness.sh: expect, skipped, skip_suite, finish and the hook
# helpers), with `check NAME EXPR` in its older form, which evaluates the
# string EXPR. A suite moves to the harness by sourcing tests/lib/harness.sh
# instead and writing `check NAME CMD ARG...`.
# shellcheck source=../lib/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"
check() { if eval "$2"; then ok "$1"; else bad "$1"; return 1; fi; }
