#!/usr/bin/env bash
# Build the libFuzzer targets with clang (ASan + UBSan) and run them.
#   ci/fuzz.sh TARGET|all SECONDS   fuzz each target for SECONDS; the growing corpus is kept in
#                                   build-fuzz/corpus/TARGET, so later runs go on from there
#   ci/fuzz.sh --smoke [SECONDS]    what CI runs: every target for SECONDS (default 15)
#   ci/fuzz.sh --list               the target names
# A crash, leak, timeout or out-of-memory is saved under build-fuzz/crashes/TARGET/ and the
# script exits 1. Reproduce one with: build-fuzz/tests/fuzz/fuzz_TARGET FILE
# Environment: FUZZ_BUILD (build directory, default build-fuzz), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${FUZZ_BUILD:-build-fuzz}
targets=(dhat_json dhat_text profile baseline limits toml pmat_yaml rustscan result config history
         reports pprof)

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

case "${1:-}" in
  --list) printf '%s\n' "${targets[@]}"; exit 0 ;;
  --smoke) which=all; seconds=${2:-15} ;;
  ""|-h|--help) usage ;;
  *) which=$1; seconds=${2:-}; [ -n "$seconds" ] || usage ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage
if [ "$which" != all ] && [[ ! " ${targets[*]} " =~ " $which " ]]; then
  echo "ci/fuzz.sh: unknown target '$which' (known: ${targets[*]})" >&2
  exit 2
fi

# clang and the libFuzzer runtime (Debian: libclang-rt-N-dev for clang N)
command -v clang >/dev/null || bash ci/setup.sh clang
rt="$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a"
if [ ! -f "$rt" ]; then
  bash ci/setup.sh "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
fi

CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEMGATE_FUZZ=ON \
  -DMEMGATE_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

# Seeds: the hand-made corpus, and the real files in testdata/ each target can read (64 KiB
# at most, so mutations stay fast; the replay tests run the big ones).
seed() { # TARGET DIR
  local t=$1 dir=$2
  local f
  mkdir -p "$dir"
  cp -n tests/fuzz/corpus/"$t"/* "$dir"/ 2>/dev/null || true
  local globs=()
  case $t in
    dhat_json) globs=(testdata/profiles/*.json testdata/malformed/*.json) ;;
    dhat_text) globs=(testdata/profiles/*.txt testdata/logs/*.log testdata/malformed/*.txt
                      testdata/malformed/*.log) ;;
    profile) globs=(testdata/profiles/* testdata/logs/* testdata/malformed/*) ;;
    baseline) globs=(testdata/baselines/* testdata/malformed/baseline-* .pmat-metrics/*.json) ;;
    limits) globs=() ;;
    toml) mapfile -t globs < <(find testdata -name '*.toml') ;;
    pmat_yaml) mapfile -t globs < <(find testdata -name '*.yaml' -o -name '*.yml') ;;
    rustscan) mapfile -t globs < <(find testdata -name '*.rs') ;;
    config) mapfile -t globs < <(find testdata -name '*.yaml' -o -name '*.yml') ;;
    history) mapfile -t globs < <(find testdata -name '*.jsonl') ;;
    reports) globs=(testdata/profiles/* testdata/logs/*) ;;
    pprof) globs=() ;; # tests/fuzz/corpus/pprof: the Go profiles of testdata/go, decompressed
  esac
  for f in "${globs[@]}"; do
    [ -f "$f" ] || continue
    case $f in *.expected.json|*/README.md) continue ;; esac
    [ "$(stat -c %s "$f")" -le 65536 ] || continue
    # files of the same name from different fixture directories all count
    cp -n "$f" "$dir/$(printf '%s' "$f" | tr '/' '_')" 2>/dev/null || true
  done
}

failed=()
run() { # TARGET
  local t=$1
  local corpus="$root/$build/corpus/$t" crashes="$root/$build/crashes/$t" dict=()
  seed "$t" "$corpus"
  mkdir -p "$crashes"
  [ -f "tests/fuzz/dict/$t.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$t.dict")
  echo "=== fuzz_$t for ${seconds}s (corpus $(ls "$corpus" | wc -l) files)"
  local log="$root/$build/fuzz_$t.log"
  # -rss_limit_mb/-malloc_limit_mb: a hostile input must not make the reader allocate gigabytes
  # shellcheck disable=SC2086
  if ! "$build/tests/fuzz/fuzz_$t" "$corpus" "${dict[@]}" -max_total_time="$seconds" \
      -max_len=65536 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
      -artifact_prefix="$crashes/" -print_final_stats=1 ${FUZZ_ARGS:-} >"$log" 2>&1; then
    echo "fuzz_$t FAILED; last lines of $log:"
    tail -n 40 "$log"
    failed+=("$t")
  fi
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$log" | tail -n 2 || true
}

if [ "$which" = all ]; then
  for t in "${targets[@]}"; do run "$t"; done
else
  run "$which"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "ci/fuzz.sh: crashes in: ${failed[*]} (inputs under $build/crashes/)"
  exit 1
fi
echo "ci/fuzz.sh: no crashes"
