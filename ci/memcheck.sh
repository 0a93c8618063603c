#!/usr/bin/env bash
# Valgrind memcheck over the CLI test suite: every memgate invocation the tests make runs under
#   valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
# (through MEMGATE_WRAPPER, see tests/support/run.h), and the fuzz replay programs run under it
# over all corpora. Passes only with zero memcheck errors and zero blocks definitely lost.
#   ci/memcheck.sh            build in build-memcheck (no sanitizers: valgrind cannot run ASan)
# Environment: MEMCHECK_BUILD (build directory).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
command -v valgrind >/dev/null || bash ci/setup.sh valgrind
build=${MEMCHECK_BUILD:-build-memcheck}
logs="$root/$build/memcheck-logs"

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
rm -rf "$logs"
mkdir -p "$logs"

vg=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --num-callers=30)
# one log per process; --quiet leaves a log empty unless valgrind found something
export MEMGATE_WRAPPER="${vg[*]} --log-file=$logs/memgate.%p.log"

status=0
# the tests that drive the binary: one ctest per tests/cli/*.c
cli_tests=$(cd tests/cli && ls test_*.c | sed 's/\.c$//' | paste -sd '|')
echo "=== memcheck: CLI tests (every memgate invocation under valgrind): ${cli_tests//|/ }"
(cd "$build" && ctest --output-on-failure --timeout 3000 -R "^(${cli_tests})\$") || status=1
unset MEMGATE_WRAPPER

echo "=== memcheck: fuzz replays over the seed, regression and testdata corpora"
inputs=(testdata)
for t in $(bash ci/fuzz.sh --list); do
  if ! "${vg[@]}" --log-file="$logs/replay_$t.%p.log" "$build/tests/fuzz/replay_$t" \
      "tests/fuzz/corpus/$t" "${inputs[@]}" >/dev/null; then
    echo "replay_$t: valgrind reported errors"
    status=1
  fi
done

runs=$(find "$logs" -name '*.log' | wc -l)
bad=$(find "$logs" -name '*.log' -size +0 | sort)
if [ -n "$bad" ]; then
  status=1
  for f in $bad; do
    echo "--- $f"
    head -n 60 "$f"
  done
fi
echo "memcheck: $runs processes checked, $(printf '%s' "$bad" | grep -c . || true) with errors or definite leaks"
exit $status
