#!/usr/bin/env bash
# tools/layers.sh [ROOT]: the include-direction rule of lib/, checked.
# lib/ is folders only, one per layer, lowest first:
#   base    files, scanning, JSON, confinement, text
#   sys     kernel and system facts: cgroups, /proc, /dev/kmsg, state dir
#   oomlog  the kernel-log parser and explain
#   core    config, policy, OCI state and spec, evidence, verdicts
#   hook shim doctor ps   the front ends' logic: side by side, never
#           including each other
# A file may include headers of its own folder and of lower layers only.
# The entry points (cli/, hook/, shim/) may include any layer, but hook/
# and shim/ not each other's front end. Header names are unique across
# lib/, so an include names its folder. Prints each violation; exit 1 if any.
set -euo pipefail
root=${1:-.}
cd "$root"
declare -A rank=([base]=0 [sys]=1 [oomlog]=2 [core]=3 [hook]=4 [shim]=4 [doctor]=4 [ps]=4)
declare -A home
bad=0
say() { echo "layers: $*"; bad=1; }

for f in lib/*.c lib/*.h; do
        [ -e "$f" ] && say "$f: a file directly in lib/; put it in the folder of its layer"
done
for d in lib/*/; do
        d=${d%/}; d=${d#lib/}
        [ -n "${rank[$d]+x}" ] || say "lib/$d: not a known layer (add it to tools/layers.sh)"
done
while IFS= read -r h; do
        b=${h##*/} d=${h#lib/}; d=${d%%/*}
        if [ -n "${home[$b]+x}" ]; then
                say "$h: a header of that name is also in lib/${home[$b]}/"
        fi
        home[$b]=$d
done < <(find lib -mindepth 2 -name '*.h' | sort)

# check FILE LAYER: LAYER is the file's folder, or an entry point's name
check() {
        local f=$1 me=$2 inc b to
        while IFS= read -r inc; do
                b=${inc##*/}
                to=${home[$b]:-}
                [ -n "$to" ] || continue # a system header or the entry's own
                [ "$to" = "$me" ] && continue
                case $me in
                entry-cli) continue ;;
                entry-hook) [ "$to" != shim ] && continue ;;
                entry-shim) [ "$to" != hook ] && continue ;;
                *) [ "${rank[$to]}" -lt "${rank[$me]}" ] && continue ;;
                esac
                say "$f includes $inc (lib/$to/), which ${me#entry-} may not use"
        done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
}
while IFS= read -r f; do
        d=${f#lib/}; d=${d%%/*}
        [ -n "${rank[$d]+x}" ] && check "$f" "$d"
done < <(find lib -mindepth 2 \( -name '*.c' -o -name '*.h' \) | sort)
for e in cli hook shim; do
        while IFS= read -r f; do check "$f" "entry-$e"; done < <(find "$e" \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
done
[ $bad -eq 0 ] && echo "layers: lib/ keeps its layers ($(find lib -mindepth 2 -name '*.c' | wc -l) files in $(find lib -mindepth 1 -maxdepth 1 -type d | wc -l) folders)"
exit $bad
