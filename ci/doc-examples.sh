#!/usr/bin/env bash
# Run every command example of README.md and docs/*.md against a fresh build and print, for each
# one that disagrees, a diff of the page's output against memgate's (tests/docs/doc_examples.py).
# After changing memgate's output on purpose: run this, paste the new output into the page.
#   ci/doc-examples.sh [BUILD_DIR]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
cmake -S . -B "$dir" >/dev/null
cmake --build "$dir" -j"$(nproc)" --target memgate >/dev/null
exec python3 tests/docs/doc_examples.py "$dir/memgate" .
