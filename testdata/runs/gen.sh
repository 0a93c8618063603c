#!/usr/bin/env bash
# Regenerate testdata/runs: several Valgrind DHAT runs of threads.c (see README.md).
# Needs gcc and valgrind; the captures are committed, tests never run this.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O1 -g -pthread -o "$tmp/threads" threads.c
run() { # NAME NTHREADS KEEP
  (cd "$tmp" && valgrind --tool=dhat --dhat-out-file="$OLDPWD/$1.json" ./threads "$2" "$3" 2>/dev/null)
}
for i in 1 2 3 4 5; do run "vgdhat-threads-baseline-run$i" 4 16; done
for i in 1 2 3; do run "vgdhat-threads-regressed-run$i" 4 24; done
run vgdhat-threads-3threads 3 16
run vgdhat-threads-empty 0 0
chmod 644 ./*.json
