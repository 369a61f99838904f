# shellcheck shell=bash
# systemd-gc: 20 `docker run -m 32m` back to back whose PID 1 goes over
# its limit, with Docker's systemd cgroup driver: systemd removes each
# system.slice/docker-<id>.scope as soon as its last process is gone,
# before runc's delete and the poststop hook. 20 verdicts, memcg, init
# killed: none missing, none doubled. A wrapper around oomguard-hook (the
# configuration's "hook", put back afterwards) records at poststop
# whether the scope was still there.
# guests: debian-v2
# order: 50
# timeout: 1200
n=${GC_RUNS:-20}
conf=/etc/oomguard/config.json
cp "$conf" "$OUT/config.json.orig"
restore() { cp "$OUT/config.json.orig" "$conf"; }
trap restore EXIT
mkdir -p /run/vmp
: >/run/vmp/scopes
cat >/run/vmp/hookwrap <<'WRAP'
#!/bin/bash
# at poststop: is the container's scope still there? Then oomguard-hook.
st=$(cat)
if [ "${!#}" = poststop ]; then
        id=$(printf '%s' "$st" | /vm/bin/jf id)
        if [ -d "/sys/fs/cgroup/system.slice/docker-$id.scope" ]; then s=present; else s=gone; fi
        echo "$id $s" >>/run/vmp/scopes
fi
printf '%s' "$st" | exec -a oomguard-hook /usr/bin/oomguard-hook "$@"
WRAP
chmod 755 /run/vmp/hookwrap
python3 - "$conf" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["hook"] = "/run/vmp/hookwrap"
json.dump(d, open(sys.argv[1], "w"), indent=1)
PY

ids=() rcs=()
for i in $(seq 1 "$n"); do
        dk_run "gc$i" -m 32m --memory-swap 32m -- memhog
        ids+=("$DK_ID") rcs+=("$DK_RC")
done
restore
sleep 2
right=0 missing=0 doubled=0 wrong=
for id in "${ids[@]}"; do
        c=$(verdicts "$id" | grep -c .)
        v=$(verdicts "$id" | tail -n 1)
        if [ "$c" = 0 ]; then
                missing=$((missing + 1))
        elif [ "$c" -gt 1 ]; then
                doubled=$((doubled + 1))
        elif [ "$(vf "$v" verdict init_killed | xargs)" = "memcg true" ]; then
                right=$((right + 1))
        else
                wrong="$wrong ${id:0:12}:$(vf "$v" verdict init_killed | xargs | tr ' ' /)"
        fi
done
gone=$(grep -c ' gone$' /run/vmp/scopes)
note "docker run exits: $(printf '%s\n' "${rcs[@]}" | sort | uniq -c | xargs);" \
        "verdicts: $right right, $missing missing, $doubled doubled${wrong:+, wrong:$wrong};" \
        "the scope was gone at poststop $gone times, there $(grep -c ' present$' /run/vmp/scopes) times"
expect "$n containers OOM-killed (docker run 137)" "$(printf '%s\n' "${rcs[@]}" | grep -cx 137)" "$n"
expect "$n verdicts memcg, init killed; none missing, none doubled, none wrong" \
        "$right $missing $doubled" "$n 0 0"
expect "systemd had removed the scope before every poststop" "$gone" "$n"
