#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run ctest in a plain build and again
# in an AddressSanitizer + UndefinedBehaviorSanitizer build.
#   ci/test.sh           both builds (what CI runs)
#   ci/test.sh --quick   the plain build only
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh valgrind python3 jq time
jobs=$(nproc)

run_suite() { # DIR CMAKE-ARGS...
  local dir=$1
  shift
  echo "=== memgate test suite: $dir ($*)"
  cmake -S . -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  (cd "$dir" && ctest --output-on-failure -j"$jobs")
}

run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ "${1:-}" != "--quick" ]; then
  run_suite build-san -DCMAKE_BUILD_TYPE=Debug -DMEMGATE_SANITIZE=ON
fi
