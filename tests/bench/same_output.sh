#!/usr/bin/env bash
# Check for speed work on the dhat reader: two memgate binaries must write byte-identical
# reports for every dhat JSON profile in testdata/ and for the given extra files (the
# benchmark's generated ones), in every output and grouping that reads program points.
#
# usage: tests/bench/same_output.sh OLD_MEMGATE NEW_MEMGATE [EXTRA.json ...]
# Exit 0 when all are identical; otherwise lists the differing cases and exits 1.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
old=$1 new=$2
shift 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

mapfile -t files < <(grep -rlZ --include='*.json' '"dhatFileVersion"' "$repo/testdata" |
    xargs -0 -n1 | sort)
files+=("$@")

# one case: a name, then the arguments of memgate; stdin from $in
run_case() {
    local bin=$1 tag=$2 f=$3
    shift 3
    "$bin" "$@" > "$out/$tag" 2>&1 < "$f"
    echo "exit $?" >> "$out/$tag"
}

fail=0 n=0
for f in "${files[@]}"; do
    for c in "show" "show --format json" "show --format folded" "show --top 40 --format json" \
        "show --group-by stack --format json" "show --attribution alloc-site --format json" \
        "show --attribution skip-std" "show --attribution first-frame --format json" \
        "show --exclude-tests --format json" "show --weight peak --format folded"; do
        # shellcheck disable=SC2086 # $c is a list of words
        run_case "$old" a "$f" $c "$f"
        # shellcheck disable=SC2086
        run_case "$new" b "$f" $c "$f"
        n=$((n + 1))
        if ! cmp -s "$out/a" "$out/b"; then
            echo "DIFFERS: memgate $c $f"
            diff "$out/a" "$out/b" | head -n 6
            fail=1
        fi
    done
    # the worker thread off, and the pipe path (frame table after the program points)
    run_case "$old" a "$f" show --format json "$f"
    MEMGATE_THREADS=1 run_case "$new" b "$f" show --format json "$f"
    cmp -s "$out/a" "$out/b" || { echo "DIFFERS: MEMGATE_THREADS=1 show $f"; fail=1; }
    run_case "$old" a "$f" show --format json -
    run_case "$new" b "$f" show --format json -
    cmp -s "$out/a" "$out/b" || { echo "DIFFERS: show - < $f"; fail=1; }
    n=$((n + 2))
done
echo "same_output: $n cases on ${#files[@]} files, $([ $fail = 0 ] && echo all identical || echo DIFFERENCES)"
exit $fail
