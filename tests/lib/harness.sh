# shellcheck shell=bash
# The shell suites' one harness: one line per assertion, a count at the
# end, and what the suites that drive oomguard-hook by hand all need.
#
# Checks (the same dialect as the VM guests' tests/vm/guest/lib.sh):
#   check NAME CMD [ARG...]   passes when CMD succeeds (its output is kept)
#   expect NAME GOT WANT      passes when the two strings are equal; on
#                             failure the line says both
#   not CMD [ARG...]          succeeds when CMD fails: `check N not grep ...`
#   exited RC WANT TEXT PATTERN   RC is WANT and TEXT matches PATTERN (grep):
#                             a command's exit status and what it said
#   finish                    prints "N passed, N failed"; non-zero if any
#                             failed, so the suite's exit status says it too
# check and expect return non-zero on failure, for `check ... || show-why`.
# A compound condition is a small function of the suite's, named for what
# it asserts, and checked by name.
#
# A suite, or a part of one, that cannot run here says so: `skipped REASON`
# prints "SKIPPED suite: REASON" and adds it to $OOMGUARD_SKIPS (make check
# lists them at the end; CI fails on any); `skip_suite REASON` also ends the
# suite. `give_up REASON` ends it as one failure (something it needs is
# missing or broken, not merely absent from this host).
#
# The hook as a runtime invokes it ($HOOK; messages under $tmp):
#   oci_bundle DIR LIMIT [ANNOTATION-MEMBERS]   DIR/config.json
#   oci_state ID STATUS PID [BUNDLE]            the state on a hook's stdin
#   hook_run STAGE CONFIG [VAR=VALUE...] <STATE $HOOK STAGE --config CONFIG
#   hook_create ID PID BUNDLE CONFIG [VAR=VALUE...]      (status creating)
#   hook_poststop ID PID BUNDLE|"" CONFIG [VAR=VALUE...] (status stopped)
#   said PATTERN     the last hook_run's messages match PATTERN (grep)
# hook_run keeps the hook's stderr in $tmp/last.err and appends it to
# $HOOK_ERR (default $tmp/hook.err); it returns the hook's exit status.

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
# (no locals here: CMD, often a function of the suite's, sees the caller's variables)
check() { if "${@:2}"; then ok "$1"; else bad "$1"; return 1; fi; }
expect() {
        if [ "$2" = "$3" ]; then ok "$1"; else bad "$1 (got '$2', want '$3')"; return 1; fi
}
not() { ! "$@"; }
exited() { [ "$1" -eq "$2" ] && grep -q -- "$4" <<<"$3"; }
finish() {
        echo "$pass passed, $fail failed"
        [ "$fail" -eq 0 ]
}

skipped() {
        echo "SKIPPED ${0##*/}: $1"
        [ -z "${OOMGUARD_SKIPS:-}" ] || echo "${0##*/}: $1" >>"$OOMGUARD_SKIPS"
}
skip_suite() { skipped "$1"; exit 0; }
give_up() {
        echo "$1"
        echo "0 passed, 1 failed"
        exit 1
}

# ---- the hook, as a runtime invokes it ---------------------------------
# oci_bundle DIR LIMIT [ANNOTATION-MEMBERS]: a bundle as a runtime leaves it
oci_bundle() {
        mkdir -p "$1"
        printf '{"ociVersion":"1.0.2","process":{"args":["sh"]},"linux":{"resources":{"memory":{"limit":%s}}},"annotations":{%s}}\n' \
                "$2" "${3:-}" >"$1/config.json"
}
# oci_state ID STATUS PID [BUNDLE]: the state a runtime writes on the
# hook's stdin (no "bundle" member when BUNDLE is empty)
oci_state() {
        printf '{"ociVersion":"1.0.2","id":"%s","status":"%s","pid":%s%s}' \
                "$1" "$2" "$3" "${4:+,\"bundle\":\"$4\"}"
}
hook_run() {
        local stage=$1 c=$2 rc
        shift 2
        env "$@" "$HOOK" "$stage" --config "$c" 2>"${tmp:?}/last.err"
        rc=$?
        cat "$tmp/last.err" >>"${HOOK_ERR:-$tmp/hook.err}"
        return $rc
}
hook_create() {
        local id=$1 pid=$2 b=$3 c=$4
        shift 4
        oci_state "$id" creating "$pid" "$b" | hook_run createRuntime "$c" "$@"
}
hook_poststop() {
        local id=$1 pid=$2 b=$3 c=$4
        shift 4
        oci_state "$id" stopped "$pid" "$b" | hook_run poststop "$c" "$@"
}
said() { grep -q -- "$1" "${tmp:?}/last.err"; }
