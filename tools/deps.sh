#!/usr/bin/env bash
# tools/deps.sh [--list] PURPOSE...: install the Debian packages that the
# purposes in tools/deps.list need and that are missing (apt-get, as root),
# saying what and why; nothing when all are present. --list prints the
# packages and installs nothing. The engines' daemons are kept from starting
# while their packages install (the tests start their own): a policy-rc.d
# that says no, put there only if the host has none, and removed after.
set -euo pipefail
here=$(dirname "$(realpath "$0")")
LIST=${DEPS_LIST:-$here/deps.list}
me=oomguard-deps

die() { echo "$me: $*" >&2; exit 1; }

# why PURPOSE: the comment lines just above PURPOSE's line, joined
why() {
        awk -v p="$1" '/^#/ { sub(/^# ?/, ""); c = c (c ? " " : "") $0; next }
                $1 == p ":" { print c; exit } { c = "" }' "$LIST"
}

# expand PURPOSE: its packages, following @PURPOSE references
expand() {
        local line w
        line=$(awk -v p="$1" '$1 == p ":" { $1 = ""; print; found = 1 } END { exit !found }' "$LIST") ||
                die "no purpose '$1' in $LIST (purposes: $(awk -F: '/^[a-z]/ {printf "%s ", $1}' "$LIST"))"
        for w in $line; do
                case $w in
                @*) expand "${w#@}" ;;
                *) echo "$w" ;;
                esac
        done
}

list=0
[ "${1:-}" = --list ] && { list=1; shift; }
[ $# -gt 0 ] || die "usage: tools/deps.sh [--list] PURPOSE... (see $LIST)"
[ -r "$LIST" ] || die "cannot read $LIST"
for p; do expand "$p" >/dev/null; done
mapfile -t pkgs < <(for p; do expand "$p"; done | awk '!seen[$0]++')
[ ${#pkgs[@]} -gt 0 ] || exit 0
if [ $list -eq 1 ]; then printf '%s\n' "${pkgs[@]}"; exit 0; fi

if ! command -v dpkg-query >/dev/null; then
        echo "$me: not a Debian system (no dpkg-query); make sure these are installed: ${pkgs[*]}" >&2
        exit 0
fi
# one dpkg-query for all of them: "ii" in the status means installed
mapfile -t missing < <(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${pkgs[@]}" 2>/dev/null |
        awk '$1 == "ii" { ok[$2] = 1 } END { for (p in ok) print p }' |
        sort | comm -13 - <(printf '%s\n' "${pkgs[@]}" | sort))
[ ${#missing[@]} -eq 0 ] && exit 0

for p; do echo "$me: $p needs: $(why "$p")" >&2; done
if [ "$(id -u)" != 0 ]; then
        die "missing Debian packages: ${missing[*]}
  run as root (make installs them), or: sudo apt-get install --no-install-recommends ${missing[*]}"
fi
# one install at a time (make -j may ask for two purposes at once)
exec 9<"$LIST"
flock 9
echo "$me: installing ${missing[*]}" >&2

export DEBIAN_FRONTEND=noninteractive
pol=/usr/sbin/policy-rc.d made=
if [ ! -e "$pol" ]; then
        printf '#!/bin/sh\n# put here by oomguard tools/deps.sh while it installs packages\nexit 101\n' >"$pol"
        chmod 755 "$pol"
        made=1
fi
restore() { [ -z "$made" ] || rm -f "$pol"; }
trap restore EXIT

log=$(mktemp "${TMPDIR:-/tmp}/oomguard-deps.XXXXXX")
failed() {
        tail -n 15 "$log" >&2
        rm -f "$log"
        die "$1 (needed: ${missing[*]}); check the network and /etc/apt/sources.list, then run again"
}
apt-get -q update >"$log" 2>&1 || failed "apt-get update failed"
grep -q '^\(W\|E\): Failed to fetch' "$log" && failed "apt-get update could not reach its mirror"
apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >"$log" 2>&1 ||
        failed "apt-get install failed"
rm -f "$log"
echo "$me: installed ${missing[*]}" >&2
