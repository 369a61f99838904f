#!/usr/bin/env bash
# The C sources in the house style of .clang-format (clang-format 14, as
# Debian 12 has it: other versions format some constructs differently).
#   tools/format.sh --check [FILE...]   exit 1 naming each file clang-format
#                                       would change (make lint)
#   tools/format.sh --fix [FILE...]     format them in place
#   tools/format.sh --list              the files, one a line
# The files are every tracked *.c and *.h (git ls-files, so new ones are
# covered) but the fuzzers' seed inputs under tests/fuzz/seeds/.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: tools/format.sh --check|--fix|--list [FILE...]" >&2; exit 2; }
list_sources() {
        git ls-files -- '*.c' '*.h' ':!:tests/fuzz/seeds/' | while IFS= read -r f; do
                if [ -f "$f" ]; then printf '%s\n' "$f"; fi
        done
}

[ $# -ge 1 ] || usage
mode=$1
shift
case $mode in --check | --fix | --list) ;; *) usage ;; esac
if [ $# -gt 0 ]; then
        files=("$@")
else
        git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
                { echo "format.sh: the list of sources comes from git ls-files: run it in a git checkout" >&2; exit 2; }
        mapfile -t files < <(list_sources)
fi
if [ "$mode" = --list ]; then
        printf '%s\n' "${files[@]}"
        exit 0
fi
cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
        if command -v clang-format-14 >/dev/null; then cf=clang-format-14; else cf=clang-format; fi
fi
command -v "$cf" >/dev/null ||
        { echo "format.sh: $cf is not installed (tools/deps.sh lint)" >&2; exit 2; }

if [ "$mode" = --fix ]; then
        exec "$cf" --style=file -i -- "${files[@]}"
fi
bad=0
for f in "${files[@]}"; do
        if ! "$cf" --style=file -- "$f" | cmp -s - "$f"; then
                [ "$bad" -gt 0 ] || echo "not formatted as .clang-format says ($("$cf" --version | sed 's/.*version \([0-9.]*\).*/clang-format \1/')):"
                echo "  $f"
                bad=$((bad + 1))
        fi
done
if [ "$bad" -gt 0 ]; then
        echo "$bad of ${#files[@]} files; tools/format.sh --fix formats them"
        exit 1
fi
