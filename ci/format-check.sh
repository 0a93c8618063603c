#!/usr/bin/env bash
# Fail when any C source or header differs from what clang-format (Debian's clang-format 14,
# the repository's .clang-format) makes of it; list the files that differ.
#   ci/format-check.sh          check every tracked *.c / *.h
#   ci/format-check.sh FILE...  check only these files
# Fix a file with: clang-format -i FILE
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh clang-format
version=$(clang-format --version)
case "$version" in
*" 14."*) ;;
*) echo "ci/format-check.sh: expected clang-format 14, found: $version" >&2 ;;
esac
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files '*.c' '*.h')
fi
differ=()
for f in "${files[@]}"; do
  if ! clang-format --style=file "$f" | cmp -s - "$f"; then
    differ+=("$f")
  fi
done
if [ ${#differ[@]} -gt 0 ]; then
  echo "ci/format-check.sh: ${#differ[@]} of ${#files[@]} files differ from .clang-format:" >&2
  printf '  %s\n' "${differ[@]}" >&2
  echo "fix with: clang-format -i FILE (Debian clang-format 14)" >&2
  exit 1
fi
echo "ci/format-check.sh: all ${#files[@]} files match .clang-format"
