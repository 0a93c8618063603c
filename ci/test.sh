#!/usr/bin/env bash
# Build memgate and run the whole test suite with ctest.
#   ci/test.sh              plain build in build/
#   ci/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-san/
set -euo pipefail
cd "$(dirname "$0")/.."
extra_pkgs=(valgrind python3 jq time)
bash ci/setup.sh "${extra_pkgs[@]}"
dir=build
opts=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-san
  opts=(-DCMAKE_BUILD_TYPE=Debug -DMEMGATE_SANITIZE=ON)
fi
cmake -S . -B "$dir" "${opts[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
cd "$dir"
ctest --output-on-failure -j"$(nproc)"
