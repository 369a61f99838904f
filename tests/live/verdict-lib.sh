# shellcheck shell=bash
# Sourced by the live and engine suites: reading verdict records.
#   field JSON a.0.b   a value ("null" when absent, booleans lower-case)
#   fields JSON K...   "K=value" for each K, on one line: for `expect`
#   verdict ID         the last record for a container id in $vlog
#   expect_adj LIMIT   the oom_score_adj policy_auto_adj gives a limit
field() {
        python3 - "$1" "$2" <<'PY'
import json, sys
try:
    v = json.loads(sys.argv[1])
except ValueError:
    v = None
for k in sys.argv[2].split("."):
    if isinstance(v, list):
        v = v[int(k)] if int(k) < len(v) else None
    elif isinstance(v, dict):
        v = v.get(k)
    else:
        v = None
print("null" if v is None else str(v).lower() if isinstance(v, bool) else v)
PY
}
fields() {
        local k vals=()
        for k in "${@:2}"; do vals+=("$k=$(field "$1" "$k")"); done
        echo "${vals[*]}"
}
# shellcheck disable=SC2154 # vlog: the suite's verdict log, set before it calls this
verdict() { grep "\"id\":\"$1\"" "$vlog" 2>/dev/null | tail -n 1; }
expect_adj() { # 1000 - 1000 * limit / host
        local kb; kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
        echo $((1000 - $1 / (kb * 1024 / 1000)))
}
