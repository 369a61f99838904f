#!/usr/bin/env bash
# The README's package table says what tools/deps.list says: for each
# purpose, the same packages and the same purposes built upon.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=../live/tap.sh
. tests/live/tap.sh
readme=README.md list=tools/deps.list
purposes=$(awk -F: '/^[a-z]/ {print $1}' "$list")
for p in $purposes; do
        want=$(awk -v p="$p" '$1 == p ":" { $1 = ""; print }' "$list" | tr ' ' '\n' | sed 's/^@//' | grep . | sort | tr '\n' ' ')
        row=$(grep -E "^\| $p \|" "$readme" | head -n 1)
        got=$(awk -F'|' '{print $4}' <<<"$row" | tr -d '`,' | sed 's/beyond.*//' | tr ' ' '\n' | grep . | sort | tr '\n' ' ')
        check "README's package row for '$p' matches tools/deps.list ($want)" "[ -n '$row' ] && [ '$want' = '$got' ]" ||
                echo "  README: $got"
done
n=$(grep -cE '^\| [a-z-]+ \| `make' "$readme")
check "README lists no purpose that tools/deps.list lacks ($n rows)" "[ $n -eq $(wc -w <<<"$purposes") ]"
check "tools/deps.sh --list expands @references (check includes build's compiler)" "grep -qx build-essential <<<\"\$(bash tools/deps.sh --list check)\""
check "tools/deps.sh names an unknown purpose and fails" "! bash tools/deps.sh --list nosuch 2>/dev/null && grep -q \"no purpose 'nosuch'\" <<<\"\$(bash tools/deps.sh --list nosuch 2>&1)\""
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
printf '# a test purpose\nx: coreutils oomguard-no-such-package\n' >"$fake/list"
chmod 755 "$fake" && chmod 644 "$fake/list"
check "as a user, a missing package is named with the command to install it, and nothing is tried" \
        "out=\$(setpriv --reuid=65534 --regid=65534 --clear-groups env DEPS_LIST=$fake/list bash tools/deps.sh x 2>&1); [ \$? -ne 0 ] && grep -q 'missing Debian packages: oomguard-no-such-package\$' <<<\"\$out\" && grep -q 'apt-get install --no-install-recommends oomguard-no-such-package' <<<\"\$out\" && grep -q 'x needs: a test purpose' <<<\"\$out\""
printf 'y: coreutils\n' >"$fake/list"
check "everything present: silent, exit 0, no apt-get" "[ -z \"\$(PATH=/nonexistent:\$PATH DEPS_LIST=$fake/list bash tools/deps.sh y 2>&1)\" ]"
finish
