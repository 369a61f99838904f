#!/usr/bin/env bash
# The README's package table says what tools/deps.list says: for each
# purpose, the same packages and the same purposes built upon.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=../lib/harness.sh
. tests/lib/harness.sh
readme=README.md list=tools/deps.list
# row_lists ROW WANT GOT: the README has the row, and it names WANT
row_lists() { [ -n "$1" ] && [ "$2" = "$3" ]; }
purposes=$(awk -F: '/^[a-z]/ {print $1}' "$list")
for p in $purposes; do
        want=$(awk -v p="$p" '$1 == p ":" { $1 = ""; print }' "$list" | tr ' ' '\n' | sed 's/^@//' | grep . | sort | tr '\n' ' ')
        row=$(grep -E "^\| $p \|" "$readme" | head -n 1)
        got=$(awk -F'|' '{print $4}' <<<"$row" | tr -d '`,' | sed 's/beyond.*//' | tr ' ' '\n' | grep . | sort | tr '\n' ' ')
        check "README's package row for '$p' matches tools/deps.list ($want)" row_lists "$row" "$want" "$got" ||
                echo "  README: $got"
done
n=$(grep -cE '^\| [a-z-]+ \| `make' "$readme")
expect "README lists no purpose that tools/deps.list lacks ($n rows)" "$n" "$(wc -w <<<"$purposes")"
check "tools/deps.sh --list expands @references (check includes build's compiler)" \
        grep -qx build-essential <<<"$(bash tools/deps.sh --list check)"
unknown_named() { # deps.sh fails on an unknown purpose, naming it
        local out
        out=$(bash tools/deps.sh --list nosuch 2>&1) && return 1
        grep -q "no purpose 'nosuch'" <<<"$out"
}
check "tools/deps.sh names an unknown purpose and fails" unknown_named
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
printf '# a test purpose\nx: coreutils oomguard-no-such-package\n' >"$fake/list"
chmod 755 "$fake" && chmod 644 "$fake/list"
missing_named() { # as nobody: deps.sh fails, naming the package, the command and the purpose
        local out
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups env DEPS_LIST="$fake/list" bash tools/deps.sh x 2>&1) && return 1
        grep -q 'missing Debian packages: oomguard-no-such-package$' <<<"$out" &&
                grep -q 'apt-get install --no-install-recommends oomguard-no-such-package' <<<"$out" &&
                grep -q 'x needs: a test purpose' <<<"$out"
}
check "as a user, a missing package is named with the command to install it, and nothing is tried" missing_named
printf 'y: coreutils\n' >"$fake/list"
expect "everything present: silent, exit 0, no apt-get" "$(PATH=/nonexistent:$PATH DEPS_LIST=$fake/list bash tools/deps.sh y 2>&1)" ""
finish
