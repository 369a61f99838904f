#!/bin/bash
# SPDX-License-Identifier: MIT
# make fuzz: run each libFuzzer target for FUZZ_SECONDS on its corpus.
#   FUZZ_DIR=build/fuzz FUZZ_SECONDS=60 bash tests/fuzz/run.sh SPEC...
# SPEC is name:max_len:rss_limit_mb:timeout[:dir,dir...] (see the Makefile).
# The binary is $FUZZ_DIR/fuzz_<name>, its corpus $FUZZ_DIR/corpus-<name>,
# seeded from tests/fuzz/seeds/<name> and the extra dirs; its output goes to
# $FUZZ_DIR/<name>.log and anything it finds to $FUZZ_DIR/<name>-crash-*
# (-leak-, -timeout-, -oom-). Prints per target
#   fuzz <name>: N executions, corpus M files
# then a total; exits 1 when any target found something.
# FUZZ_SECONDS=0 only runs the corpus and seeds once.
set -u

dir=${FUZZ_DIR:?FUZZ_DIR}
secs=${FUZZ_SECONDS:-60}
here=$(dirname "$0")
total_execs=0
total_corpus=0
failed=()
start=$SECONDS

for spec in "$@"; do
        IFS=: read -r name max_len rss timeout extra <<<"$spec"
        bin=$dir/fuzz_$name
        corpus=$dir/corpus-$name
        log=$dir/$name.log
        mkdir -p "$corpus"
        seeds=()
        [ -d "$here/seeds/$name" ] && seeds+=("$here/seeds/$name")
        IFS=, read -r -a more <<<"${extra:-}"
        for d in "${more[@]}"; do
                [ -d "$d" ] && seeds+=("$d")
        done
        opts=(-rss_limit_mb="$rss" -timeout="$timeout" -max_len="$max_len"
              -print_final_stats=1 -artifact_prefix="$dir/$name-")
        [ -f "$here/$name.dict" ] && opts+=(-dict="$here/$name.dict")
        if [ "$secs" -gt 0 ]; then
                opts+=(-max_total_time="$secs")
        else
                opts+=(-runs=0)
        fi
        echo "fuzz $name: $([ "$secs" -gt 0 ] && echo "${secs}s" || echo "replaying the corpus")," \
                "max_len $max_len, rss limit ${rss} MB, timeout ${timeout}s"
        "$bin" "${opts[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1
        rc=$?
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        # the corpus as libFuzzer holds it at the end: "... corp: M/SIZE ..."
        corp=$(grep -ao 'corp: [0-9]*' "$log" | tail -n 1 | sed 's/corp: //')
        execs=${execs:-0}
        corp=${corp:-0}
        total_execs=$((total_execs + execs))
        if [ "$rc" -ne 0 ]; then
                failed+=("$name")
                echo "fuzz $name: FAILED (exit $rc) after $execs executions; log $log"
                # the sanitizer's verdict, or what the target said before abort()
                grep -aE '^(==[0-9]+==ERROR|SUMMARY|.*: runtime error|invariant: |round trip |.*, want )' \
                        "$log" | head -n 5
                # shellcheck disable=SC2010 # libFuzzer's names: <name>-crash-<sha1> and the like
                ls -1 "$dir/$name"-* 2>/dev/null | grep -v '\.log$' | sed 's/^/  found: /'
                continue
        fi
        echo "fuzz $name: $execs executions, corpus $corp files"
        total_corpus=$((total_corpus + corp))
done

echo "fuzz total: $total_execs executions, corpus $total_corpus files," \
        "$(($# - ${#failed[@]}))/$# targets clean in $((SECONDS - start))s"
if [ "${#failed[@]}" -gt 0 ]; then
        echo "fuzz: findings in ${failed[*]} (under $dir)" >&2
        exit 1
fi
