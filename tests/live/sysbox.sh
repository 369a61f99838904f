#!/usr/bin/env bash
# oomguard-shim in front of sysbox-runc, with a stand-in named sysbox-runc
# that records its argv and the config.json it was handed: sysbox-runc's
# own global flags (--no-sysbox-fs, --no-sysbox-mgr, --no-kernel-check,
# --systemd-cgroup, --debug, hidden profiling switches) reach it untouched,
# and the oomScoreAdj it gets is never below its floor of -999 even where
# the configuration allows -1000 (a stand-in named runc gets -1000).
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
SHIM=$(realpath "${SHIM:-build/oomguard-shim}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/rootfs"
for rt in sysbox-runc runc; do
        cat >"$tmp/bin/$rt" <<'SH'
#!/bin/sh
# stand-in runtime: one argument a line, and the bundle's config.json
out=${STANDIN_OUT:?}
: >"$out.argv"
for a in "$0" "$@"; do printf '%s\n' "$a" >>"$out.argv"; done
b=.; prev=
for a in "$@"; do [ "$prev" = --bundle ] && b=$a; prev=$a; done
[ -f "$b/config.json" ] && cp "$b/config.json" "$out.config"
exit 0
SH
        chmod 755 "$tmp/bin/$rt"
done
bundle() { # bundle DIR: a config.json asking for oom_score_adj -1000
        mkdir -p "$1"
        python3 - "$1" "$tmp/rootfs" <<'PY'
import json, sys
d, root = sys.argv[1:3]
json.dump({"ociVersion": "1.0.2", "root": {"path": root},
           "process": {"args": ["/bin/true"], "cwd": "/", "oomScoreAdj": -1000},
           "annotations": {"org.oomguard.oom_score_adj": "-1000"},
           "linux": {"resources": {"memory": {"limit": 67108864}}}}, open(d + "/config.json", "w"))
PY
}
adj_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["process"].get("oomScoreAdj"))' "$1"; }
conf() { # conf RUNTIME
        printf '{"state_dir":"%s/run","verdict_log":"%s/log/v.jsonl","runtime":"%s","oom_score_adj_floor":-1000,"writeback":"off","metrics":"off"}\n' \
                "$tmp" "$tmp" "$tmp/bin/$1" >"$tmp/$1.json"
}

flags=(--root /run/sysbox-runc --log /run/x/log.json --log-format json --no-sysbox-fs
        --no-sysbox-mgr --no-kernel-check --systemd-cgroup --debug --cpu-profiling
        --memory-profiling)
conf sysbox-runc
bundle "$tmp/b1"
STANDIN_OUT=$tmp/sb OOMGUARD_CONFIG=$tmp/sysbox-runc.json "$SHIM" "${flags[@]}" create \
        --bundle "$tmp/b1" --pid-file "$tmp/b1/pid" sb-$$ >"$tmp/sb.out" 2>&1
st=$?
printf '%s\n' "$tmp/bin/sysbox-runc" "${flags[@]}" create --bundle "$tmp/b1" --pid-file "$tmp/b1/pid" sb-$$ >"$tmp/want.argv"
reached() { [ "$1" -eq 0 ] && [ -s "$2" ]; } # STATUS ARGV: exit 0, and the stand-in ran
check "create through the shim reaches the stand-in sysbox-runc (exit $st)" reached "$st" "$tmp/sb.argv" || cat "$tmp/sb.out"
check "sysbox-runc's global flags arrive untouched, in order" cmp -s "$tmp/want.argv" "$tmp/sb.argv" || diff "$tmp/want.argv" "$tmp/sb.argv"
check "the shim registered its hooks in the config sysbox-runc got" grep -q oomguard-hook "$tmp/sb.config"
expect "oomScoreAdj -1000 asked and allowed by the floor: sysbox-runc gets -999" "$(adj_of "$tmp/sb.config")" -999
for c in delete state kill; do
        STANDIN_OUT=$tmp/sb-$c OOMGUARD_CONFIG=$tmp/sysbox-runc.json "$SHIM" --no-sysbox-fs --no-sysbox-mgr "$c" sb-$$ >/dev/null 2>&1
        printf '%s\n' "$tmp/bin/sysbox-runc" --no-sysbox-fs --no-sysbox-mgr "$c" sb-$$ >"$tmp/want-$c.argv"
        check "$c with sysbox-runc's flags: untouched" cmp -s "$tmp/want-$c.argv" "$tmp/sb-$c.argv" || diff "$tmp/want-$c.argv" "$tmp/sb-$c.argv"
done
conf runc
bundle "$tmp/b2"
STANDIN_OUT=$tmp/rc OOMGUARD_CONFIG=$tmp/runc.json "$SHIM" create --bundle "$tmp/b2" rc-$$ >/dev/null 2>&1
expect "the same with runc: -1000, as the configuration allows" "$(adj_of "$tmp/rc.config")" -1000
finish
