#!/usr/bin/env bash
# memgate's own memory workload: run `memgate check` on a bundled profile under Valgrind DHAT.
#   ci/memgate-self-workload.sh MEMGATE_BINARY OUTPUT.json
# The profile it writes is what .pmat-metrics/memory-baseline.json records (memgate gates itself).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: ci/memgate-self-workload.sh MEMGATE_BINARY OUTPUT.json}
out=${2:?usage: ci/memgate-self-workload.sh MEMGATE_BINARY OUTPUT.json}
command -v valgrind >/dev/null || bash ci/setup.sh valgrind
# Exit 1 (the bundled profile is a regression) is the expected verdict of this workload.
set +e
valgrind --tool=dhat --dhat-out-file="$out" "$bin" check \
  testdata/profiles/dhatrs-wordfreq-regressed-debug.json \
  --baseline testdata/baselines/wordfreq-baseline.json --format json --output /dev/null \
  2>/dev/null
status=$?
set -e
if [ "$status" -ne 1 ]; then
  echo "memgate-self-workload: expected exit 1 from the workload, got $status" >&2
  exit 1
fi
echo "memgate-self-workload: wrote $out"
