#!/usr/bin/env bash
# tools/layers.sh, the include-direction rule make lint checks: the tree
# keeps it, and a copy of the tree with a violation planted fails it.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=../lib/harness.sh
. tests/lib/harness.sh
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
keeps() { # keeps [TREE]: tools/layers.sh passes (what it said shown when not)
        bash tools/layers.sh "$@" >"$t/out" 2>&1 || { cat "$t/out"; false; }
}
# fails_naming TREE TEXT: tools/layers.sh fails on TREE, and says TEXT
fails_naming() { ! bash tools/layers.sh "$1" >"$t/out" && grep -q "$2" "$t/out"; }
check "this tree keeps lib/'s layers" keeps
plant() { # plant NAME FILE LINE: a copy of the tree with LINE added to FILE
        rm -rf "${t:?}/$1" && mkdir -p "$t/$1" && cp -r lib cli hook shim "$t/$1/" &&
                sed -i "0,/^#include/s//$3\n&/" "$t/$1/$2"
}
plant up lib/base/util.c '#include "verdict.h"'
check "base including core (util.c includes verdict.h) fails, naming both" \
        fails_naming "$t/up" 'lib/base/util.c includes verdict.h (lib/core/)'
plant side lib/shim/shimrun.c '#include "watcher.h"'
check "one front end including another (shim includes the hook's watcher.h) fails" \
        fails_naming "$t/side" 'lib/shim/shimrun.c includes watcher.h (lib/hook/)'
plant entry shim/main.c '#include "hook.h"'
check "the shim's entry point including the hook's front end fails" \
        fails_naming "$t/entry" 'shim/main.c includes hook.h'
plant flat lib/base/util.c ''
cp "$t/flat/lib/base/util.c" "$t/flat/lib/stray.c"
check "a .c file directly in lib/ fails" fails_naming "$t/flat" 'lib/stray.c: a file directly in lib/'
plant down lib/core/verdict.c '#include "cgfiles.h"'
check "including a lower layer passes (core includes sys)" keeps "$t/down"
finish
