#!/usr/bin/env bash
# One command for a new user: install what is missing, build, and gate the bundled sample profile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target memgate
echo "+ build/memgate check testdata/profiles/dhatrs-wordfreq-baseline-debug.json --baseline testdata/baselines/wordfreq-baseline.json"
set +e
build/memgate check testdata/profiles/dhatrs-wordfreq-baseline-debug.json \
  --baseline testdata/baselines/wordfreq-baseline.json
status=$?
echo "+ build/memgate check testdata/profiles/dhatrs-wordfreq-regressed-debug.json --baseline testdata/baselines/wordfreq-baseline.json"
build/memgate check testdata/profiles/dhatrs-wordfreq-regressed-debug.json \
  --baseline testdata/baselines/wordfreq-baseline.json
echo "(exit $?: 1 means the gate caught the regression)"
exit $status
