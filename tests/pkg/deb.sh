#!/usr/bin/env bash
# The Debian package: builds, installs with dpkg -i, works where an engine
# looks for it, removes with dpkg -r (configuration kept) and purges with
# dpkg -P (nothing left). Refuses to touch a host where oomguard is already
# installed or configured.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
# shellcheck source=../lib/harness.sh
. "$here/../lib/harness.sh"
DEB=${DEB:?the .deb to test}
if dpkg -s oomguard >/dev/null 2>&1 || [ -e /etc/oomguard ] || [ -e /usr/bin/oomguard ]; then
        skip_suite "oomguard is already installed or configured on this host (dpkg -s oomguard, /etc/oomguard, /usr/bin/oomguard); the package test would overwrite it"
fi
dlog=$(mktemp /tmp/oomguard-dpkg.XXXXXX) # dpkg's output, shown when it fails
cleanup() {
        dpkg -P oomguard >/dev/null 2>&1 || true
        rm -f "$dlog"
}
trap cleanup EXIT

files=$(dpkg-deb -c "$DEB" | awk '{print $6}')
for f in ./usr/bin/oomguard ./usr/bin/oomguard-hook ./usr/bin/oomguard-shim \
        ./etc/oomguard/config.json ./usr/share/containers/oci/hooks.d/oomguard.json \
        ./usr/lib/tmpfiles.d/oomguard.conf ./usr/share/man/man8/oomguard-shim.8.gz \
        ./usr/share/man/man8/oomguard-hook.8.gz ./usr/share/man/man8/oomguard.8.gz \
        ./usr/share/man/man5/oomguard.json.5.gz ./usr/share/doc/oomguard/examples/docker-daemon.json \
        ./usr/lib/oomguard/liboomguard-pagecache.so ./etc/logrotate.d/oomguard; do
        grep -qx "$f" <<<"$files" || bad "the package lacks $f"
done
expect "the package holds the binaries, write-window library, config, hooks.d file, tmpfiles entry, logrotate file, man pages, examples" "$fail" 0
conffiles() { # conffiles PATH...: the package marks each PATH a conffile
        local c p
        c=$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles) || return 1
        for p; do grep -qx "$p" <<<"$c" || return 1; done
}
check "/etc/oomguard/config.json and /etc/logrotate.d/oomguard are conffiles" conffiles /etc/oomguard/config.json /etc/logrotate.d/oomguard

installs() { dpkg -i "$DEB" >"$dlog" 2>&1 || { cat "$dlog"; false; }; }
check "dpkg -i installs it" installs
commands_run() {
        /usr/bin/oomguard version | grep -q '^oomguard ' && /usr/bin/oomguard-hook --help | grep -q createRuntime &&
                man -w oomguard-shim >/dev/null
}
check "the commands run from /usr/bin" commands_run
hook=$(python3 -c 'import json; print(json.load(open("/usr/share/containers/oci/hooks.d/oomguard.json"))["hook"]["path"])')
installed_hook() { [ "$1" = /usr/bin/oomguard-hook ] && [ -x "$1" ]; }
check "the hooks.d file names the installed hook ($hook)" installed_hook "$hook"
shipped_defaults() { # the shipped file, which the shim reads without a word
        cmp -s /etc/oomguard/config.json "$here/../../config/config.json" &&
                [ -z "$(OOMGUARD_RUNTIME=/bin/true /usr/bin/oomguard-shim state x 2>&1)" ]
}
check "the installed config is the shipped defaults and loads without a word" shipped_defaults
if command -v podman >/dev/null; then
        check "oomguard doctor sees podman registered through the installed hooks.d file" \
                grep -q '^ok    podman .*oomguard.json runs /usr/bin/oomguard-hook' <<<"$(/usr/bin/oomguard doctor)"
fi
dirs_made() { [ "$(stat -c %a /run/oomguard)" = 700 ] && [ -d /var/log/oomguard ]; }
check "postinst made the state and log directories" dirs_made
# the verdict log rotates by rename (the hook opens it anew for each line)
if command -v logrotate >/dev/null; then
        vlog=/var/log/oomguard/verdicts.jsonl lstate=$(mktemp)
        head -n 1 "$here/../fixtures/verdicts.jsonl" >"$vlog"
        rotates() {
                logrotate -f -s "$lstate" /etc/logrotate.d/oomguard &&
                        cmp -s "$vlog.1" <(head -n 1 "$here/../fixtures/verdicts.jsonl") && [ ! -e "$vlog" ]
        }
        check "logrotate rotates the verdict log with the shipped file: the record moves to verdicts.jsonl.1, no empty log left" rotates
        reads_rotated() { /usr/bin/oomguard verdicts --log "$vlog.1" | grep -q ' 3fc28fa1c647 memcg '; }
        check "and oomguard verdicts reads the rotated one" reads_rotated
        rm -f "$lstate" "$vlog.1"
else
        skipped "logrotate is not installed: the shipped /etc/logrotate.d/oomguard is not exercised"
fi

echo '{"oom_score_adj": 500}' >/etc/oomguard/config.json
# prerm looks at the host's engines (tests/engines/ops.sh tests that); here
# only the package's own files are the subject: no dockerd or engine
# configuration of the host's takes part
export DOCKER_HOST=unix:///nonexistent/docker.sock OOMGUARD_DOCKER_CONFIG=/nonexistent/daemon.json \
        OOMGUARD_CONTAINERD_CONFIG=/nonexistent/config.toml
removed_keeping_config() {
        dpkg -r oomguard >"$dlog" 2>&1 && [ ! -e /usr/bin/oomguard-shim ] &&
                [ ! -e /usr/share/containers/oci/hooks.d/oomguard.json ] && grep -q 500 /etc/oomguard/config.json
}
check "dpkg -r removes the binaries and keeps the edited configuration" removed_keeping_config ||
        { cat "$dlog"; ls -la /run/oomguard 2>&1 | head; }
purged() {
        dpkg -P oomguard >/dev/null 2>&1 && [ ! -e /etc/oomguard ] && [ ! -e /var/log/oomguard ] && [ ! -e /run/oomguard ] &&
                ! dpkg -s oomguard >/dev/null 2>&1
}
check "dpkg -P purges the rest" purged
finish
