#!/usr/bin/env bash
# Mutation check: how many one-line mutations of the gate, policy, approval, parsers, escaping,
# posting, renderers and baseline writes the test suite notices (issue 13 #9). Too slow for
# ci/test.sh (one incremental build and a ctest subset per mutation: ~20-40 min on 2 cores).
#   ci/mutation.sh                  all of ci/mutations.tsv
#   ci/mutation.sh --only 3,17      only these mutations (1-based, in list order)
#   ci/mutation.sh --keep           keep the scratch tree and build (printed at the end)
# Environment: MUTATION_LIST (default ci/mutations.tsv), MUTATION_TIMEOUT (seconds per test,
# default 300), MUTATION_MIN (percent killed required, default 90), MUTATION_JOBS (default nproc).
# The working tree is never touched: its files (tracked and untracked, not ignored) are copied
# to a temporary directory, built there once, and each mutation is applied, built incrementally,
# tested with its group's ctest subset, and reverted. Exit 0 when at least MUTATION_MIN percent
# are killed, 1 below that, 2 when a mutation no longer applies or does not build (fix the list).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
list=${MUTATION_LIST:-$repo/ci/mutations.tsv}
per_test=${MUTATION_TIMEOUT:-300}
min=${MUTATION_MIN:-90}
jobs=${MUTATION_JOBS:-$(nproc)}
only="" keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --only) only=",$2,"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: ci/mutation.sh [--only N,M,...] [--keep]" >&2; exit 2 ;;
  esac
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/memgate-mutation.XXXXXX")
cleanup() { [ "$keep" = 1 ] && echo "kept: $scratch" || rm -rf "$scratch"; }
trap cleanup EXIT
tree=$scratch/tree build=$scratch/build
mkdir -p "$tree"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) |
  tar -C "$repo" --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$tree" -xf -

# The list: groups of tests, then one mutation a line (see the header of ci/mutations.tsv).
declare -A group
files=() groups=() originals=() replacements=() occurrences=()
while IFS=$'\t' read -r a b c d e || [ -n "$a" ]; do
  case $a in '' | '#'*) continue ;; esac
  if [ "$a" = group ]; then group[$b]=$c; continue; fi
  files+=("$a") groups+=("$b") originals+=("$c") replacements+=("$d") occurrences+=("${e:-0}")
done < "$list"
n=${#files[@]}

# ctest name -> build target (the fuzz replays are built as replay_NAME)
targets_of() { local t out=(memgate); for t in ${1//,/ }; do
    case $t in fuzz_replay_*) out+=("replay_${t#fuzz_replay_}") ;; test_*) out+=("$t") ;; esac
  done; echo "${out[@]}"; }
regex_of() { echo "^(${1//,/|})\$"; }

all_tests=$(printf '%s\n' "${group[@]}" | tr ',' '\n' | sort -u | paste -sd, -)
echo "=== mutation: building a scratch copy in $scratch"
cmake -S "$tree" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# shellcheck disable=SC2046
cmake --build "$build" -j"$jobs" --target $(targets_of "$all_tests") >"$scratch/build.log" 2>&1 ||
  { tail -n 30 "$scratch/build.log"; echo "ci/mutation.sh: the unmutated tree does not build"; exit 2; }
echo "=== mutation: the unmutated tree must pass every test the list uses"
if ! ctest --test-dir "$build" -R "$(regex_of "$all_tests")" -j"$jobs" --timeout "$per_test" \
    >"$scratch/ctest.log" 2>&1; then
  grep -A20 'tests FAILED' "$scratch/ctest.log" || tail -n 30 "$scratch/ctest.log"
  echo "ci/mutation.sh: the suite fails without any mutation"; exit 2
fi

apply() { # FILE ORIGINAL REPLACEMENT OCCURRENCE -> 0 applied, 1 not found / ambiguous
  python3 - "$@" <<'PY'
import sys
path, old, new, occ = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
text = open(path).read()
count = text.count(old)
if (occ == 0 and count != 1) or occ > count or "\n" in old:
    sys.exit(1)
at = -1
for _ in range(max(occ, 1)):
    at = text.index(old, at + 1)
open(path, "w").write(text[:at] + new + text[at + len(old):])
PY
}

killed=0 survived=0 broken=0
results=$scratch/results.tsv
: >"$results"
for ((i = 0; i < n; i++)); do
  k=$((i + 1))
  [ -n "$only" ] && [[ $only != *",$k,"* ]] && continue
  f=${files[$i]} g=${groups[$i]} tests=${group[${groups[$i]}]:-}
  [ -n "$tests" ] || { echo "ci/mutation.sh: #$k: unknown group '$g'"; exit 2; }
  cp "$tree/$f" "$scratch/orig"
  if ! apply "$tree/$f" "${originals[$i]}" "${replacements[$i]}" "${occurrences[$i]}"; then
    outcome=STALE why="the original text is not in $f exactly once"
  elif ! cmake --build "$build" -j"$jobs" --target $(targets_of "$tests") >"$scratch/m.log" 2>&1; then
    outcome=NOBUILD why=$(grep -m1 'error:' "$scratch/m.log" | cut -c1-160)
  elif timeout $((per_test * 4)) ctest --test-dir "$build" -R "$(regex_of "$tests")" -j"$jobs" \
      --timeout "$per_test" >"$scratch/m.log" 2>&1; then
    outcome=SURVIVED why=""
  else
    outcome=KILLED
    why=$(sed -n '/tests FAILED/,$p' "$scratch/m.log" | grep -oE 'test_[a-z0-9_]+|fuzz_replay_[a-z0-9_]+' |
      sort -u | paste -sd' ' -)
  fi
  cp "$scratch/orig" "$tree/$f" # newer than its object file: rebuilt by the next build
  case $outcome in KILLED) killed=$((killed + 1)) ;; SURVIVED) survived=$((survived + 1)) ;;
    *) broken=$((broken + 1)) ;; esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$outcome" "$f" "${originals[$i]}" "${replacements[$i]}" "$why" >>"$results"
  printf '%-8s #%-3s %s: %s\n' "$outcome" "$k" "$f" "${replacements[$i]:0:90}"
  [ -n "$why" ] && printf '           %s\n' "$why"
done

total=$((killed + survived))
pct=$((total ? killed * 100 / total : 0))
echo "=== mutation: $killed of $total killed ($pct%), $survived survived, $broken stale or not building"
if [ "$survived" -gt 0 ]; then
  echo "survivors:"
  awk -F'\t' '$2 == "SURVIVED" { printf "  #%s %s: %s  ->  %s\n", $1, $3, $4, $5 }' "$results"
fi
[ "$broken" -eq 0 ] || { echo "ci/mutation.sh: fix or drop the stale mutations above"; exit 2; }
[ "$pct" -ge "$min" ] || { echo "ci/mutation.sh: below $min% killed"; exit 1; }
