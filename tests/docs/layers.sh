#!/usr/bin/env bash
# tools/layers.sh, the include-direction rule make lint checks: the tree
# keeps it, and a copy of the tree with a violation planted fails it.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=../live/tap.sh
. tests/live/tap.sh
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
check "this tree keeps lib/'s layers" "bash tools/layers.sh >$t/out 2>&1 || { cat $t/out; false; }"
plant() { # plant NAME FILE LINE: a copy of the tree with LINE added to FILE
        rm -rf "${t:?}/$1" && mkdir -p "$t/$1" && cp -r lib cli hook shim "$t/$1/" &&
                sed -i "0,/^#include/s//$3\n&/" "$t/$1/$2"
}
plant up lib/base/util.c '#include "verdict.h"'
check "base including core (util.c includes verdict.h) fails, naming both" \
        "! bash tools/layers.sh $t/up >$t/out && grep -q 'lib/base/util.c includes verdict.h (lib/core/)' $t/out"
plant side lib/shim/shimrun.c '#include "watcher.h"'
check "one front end including another (shim includes the hook's watcher.h) fails" \
        "! bash tools/layers.sh $t/side >$t/out && grep -q 'lib/shim/shimrun.c includes watcher.h (lib/hook/)' $t/out"
plant entry shim/main.c '#include "hook.h"'
check "the shim's entry point including the hook's front end fails" \
        "! bash tools/layers.sh $t/entry >$t/out && grep -q 'shim/main.c includes hook.h' $t/out"
plant flat lib/base/util.c ''
cp "$t/flat/lib/base/util.c" "$t/flat/lib/stray.c"
check "a .c file directly in lib/ fails" "! bash tools/layers.sh $t/flat >$t/out && grep -q 'lib/stray.c: a file directly in lib/' $t/out"
plant down lib/core/verdict.c '#include "cgfiles.h"'
check "including a lower layer passes (core includes sys)" "bash tools/layers.sh $t/down >/dev/null"
finish
