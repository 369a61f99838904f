#!/usr/bin/env bash
# make lint's shell step: `shellcheck -S warning` over every shell script in
# the repository, which are the tracked *.sh files, .ci/run, and the tracked
# files under tools/, tests/, packaging/ and debian/ whose first line is a
# sh or bash shebang (the package's maintainer scripts, the VM guests'
# /init, fixtures). The list comes from git ls-files, so a new script is
# checked once it is added. .shellcheckrc says how sourced files are found.
#   tools/shellcheck.sh           check them all; exit 1 on any warning
#   tools/shellcheck.sh --list    print the list and stop
#   tools/shellcheck.sh FILE...   check only these
set -euo pipefail
cd "$(dirname "$0")/.."

shebang='^#![[:space:]]*/[^[:space:]]*/(env[[:space:]]+)?(ba|da)?sh([[:space:]]|$)'
list_scripts() {
        local f first
        {
                git ls-files -- '*.sh' .ci/run
                git ls-files -- tools tests packaging debian | while IFS= read -r f; do
                        case $f in *.sh) continue ;; esac
                        [ -f "$f" ] || continue
                        first=
                        IFS= read -r first <"$f" || true
                        if [[ $first =~ $shebang ]]; then printf '%s\n' "$f"; fi
                done
        } | while IFS= read -r f; do
                if [ -f "$f" ]; then printf '%s\n' "$f"; fi
        done | sort -u
}

git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
        { echo "shellcheck.sh: the list of scripts comes from git ls-files: run it in a git checkout" >&2; exit 2; }
if [ "${1:-}" = --list ]; then
        list_scripts
        exit 0
fi
command -v shellcheck >/dev/null ||
        { echo "shellcheck.sh: shellcheck is not installed (tools/deps.sh lint)" >&2; exit 2; }
if [ $# -gt 0 ]; then
        files=("$@")
else
        mapfile -t files < <(list_scripts)
fi
exec shellcheck -S warning -x "${files[@]}"
