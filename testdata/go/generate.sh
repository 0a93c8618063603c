#!/bin/sh
# Re-create the Go heap profiles in profiles/ and what `go tool pprof` says about them
# (profiles/NAME.expected.json). Needs Debian's golang-go (ci/setup.sh installs it).
# Run from anywhere: sh testdata/go/generate.sh
#
# Every number in the sidecars comes from go tool pprof reading the same file:
#   alloc_space ... inuse_objects: "of N total" of -top -unit=byte -sample_index=TYPE
#   own_fn_alloc_space: the -top -cum -unit=byte row of own_fn (an innermost
#   own function, named below), i.e. what own-code attribution gives that function.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOCACHE="$work/cache" GOPATH="$work/gopath" GOFLAGS=-mod=mod GOTOOLCHAIN=local \
  GO111MODULE=on CGO_ENABLED=0 LC_ALL=C
cd "$here"
out=profiles

total() { # file sample_index
  go tool pprof -top -unit=byte -sample_index="$2" "$1" 2>/dev/null |
    sed -n 's/.* of \([0-9]*\)[a-zA-Z]* total$/\1/p'
}
cum() { # file function
  go tool pprof -top -cum -unit=byte -sample_index=alloc_space "$1" 2>/dev/null |
    awk -v f="$2" '$6 == f { sub(/[a-zA-Z]+$/, "", $4); print $4; exit }'
}
sidecar() { # name own_top how
  f="$out/$1.pb.gz"
  cat > "$out/$1.expected.json" <<JSON
{
  "file": "$1.pb.gz",
  "made_by": "$3",
  "pprof": "go tool pprof (go $(go env GOVERSION | sed 's/^go//'))",
  "alloc_space": $(total "$f" alloc_space),
  "alloc_objects": $(total "$f" alloc_objects),
  "inuse_space": $(total "$f" inuse_space),
  "inuse_objects": $(total "$f" inuse_objects),
  "own_fn": "$2",
  "own_fn_alloc_space": $(cum "$f" "$2")
}
JSON
}

go build -trimpath -o "$work/plain" ./plain
"$work/plain" -o "$out/plain.pb.gz" >/dev/null
sidecar plain main.count "go build ./plain && ./plain -o plain.pb.gz (default MemProfileRate)"

go test -trimpath -count=1 -memprofile "$work/test.pb.gz" -o "$work/wordcount.test" \
  ./wordcount >/dev/null
cp "$work/test.pb.gz" "$out/gotest-wordcount.pb.gz"
sidecar gotest-wordcount example.com/memgate/gofixtures/wordcount.Count \
  "go test -memprofile gotest-wordcount.pb.gz ./wordcount"

go build -trimpath -o "$work/pair" ./pair
for v in baseline regressed optimized; do
  "$work/pair" -variant "$v" -o "$out/pair-$v.pb.gz" >/dev/null
  sidecar "pair-$v" main.encode "go build ./pair && ./pair -variant $v (MemProfileRate = 1)"
done
ls -l "$out"
