#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run ctest in a plain build, run every
# fuzz target for a few seconds (clang, libFuzzer, ASan + UBSan), then ctest again in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (last, so its summary ends the output).
# The full run first checks that every C file matches .clang-format (ci/format-check.sh).
#   ci/test.sh           all of it (what CI runs)
#   ci/test.sh --quick   the plain build only
# Environment: FUZZ_SECONDS (per fuzz target, default 5; 0 skips the fuzz smoke run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh valgrind python3 jq time
jobs=$(nproc)
if [ "${1:-}" != "--quick" ]; then
  echo "=== memgate format check"
  bash ci/format-check.sh
fi

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
  if [ "${FUZZ_SECONDS:-5}" != 0 ]; then
    echo "=== memgate fuzz smoke run: every target for ${FUZZ_SECONDS:-5} s"
    # libFuzzer's chatter goes to a log; a failure shows its end
    if ! bash ci/fuzz.sh --smoke "${FUZZ_SECONDS:-5}" > fuzz-smoke.log 2>&1; then
      tail -n 60 fuzz-smoke.log
      exit 1
    fi
    grep -E '^=== fuzz_|^ci/fuzz.sh' fuzz-smoke.log
  fi
  run_suite build-san -DCMAKE_BUILD_TYPE=Debug -DMEMGATE_SANITIZE=ON
fi
