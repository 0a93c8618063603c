#!/usr/bin/env bash
# memgate gates its own memory on a large input: run `memgate show` on the largest real profile
# in testdata/ under Valgrind DHAT, then `memgate check` the resulting dhat.out against the
# workload "show-large-profile" of .pmat-metrics/memory-baseline.json with the default limits.
# (The top-level entry of that file is ci/memgate-self-workload.sh's, gated by
# .github/workflows/memgate-self.yml.)
#   ci/selfgate.sh            check (exit 1 when memgate's own memory regressed)
#   ci/selfgate.sh --update   record the current numbers as the baseline (after review)
# Environment: SELFGATE_BUILD (build directory, default build-selfgate).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || bash ci/setup.sh valgrind
build=${SELFGATE_BUILD:-build-selfgate}
workload=testdata/profiles/dhatrs-exprtree-untrimmed-debug.json # 1.8 MB, 6,802 program points
baseline=.pmat-metrics/memory-baseline.json
name=show-large-profile

# Release flags, as users run it; the numbers are heap bytes and blocks, not time.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMEMGATE_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target memgate >/dev/null
out="$build/selfgate.dhat.json"
valgrind --tool=dhat --dhat-out-file="$out" --log-file="$build/selfgate.dhat.log" \
  "$build/memgate" show --format json --top 20 "$workload" >/dev/null
grep -E '(Total|At t-gmax|At t-end):' "$build/selfgate.dhat.log" | sed 's/^==[0-9]*== /dhat: /'

if [ "${1:-}" = "--update" ]; then
  "$build/memgate" update-baseline --approve --baseline "$baseline" --workload "$name" "$out"
else
  "$build/memgate" check --baseline "$baseline" --workload "$name" "$out"
fi
