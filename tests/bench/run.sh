#!/usr/bin/env bash
# Benchmark (not a test, not part of ci/test.sh): memgate against `wc -l`, python3 json.load and
# jq on one big dhat file, as paired, interleaved runs, reported as medians with their spread.
#
# usage: tests/bench/run.sh [RUNS]
#   RUNS  rounds (default 5, at least 5 for a median worth the name); each round runs every
#         command once, in a rotated order, so load on a shared machine hits all of them alike
# Environment:
#   BENCH_DIR     cache for the generated file and the Release build (default
#                 ${TMPDIR:-/tmp}/memgate-bench; never inside the repository)
#   MEMGATE       time this binary instead of building a Release one from this checkout
#   BENCH_PPS     program points (default 1000000), BENCH_FRAMES frame-table entries (200000)
#   BENCH_ICOUNT  0 skips the instruction counts (callgrind, ~30 s of CPU)
#   BENCH_BEFORE  another memgate binary (an older build) timed in the same rounds, for a
#                 before/after comparison of speed work
#
# Prints a Markdown table: for each command the median wall time and max RSS of the rounds with
# their min-max, the ratios the issue sets targets for (from the medians of this same run, and
# the range of the per-round ratios), and instruction counts of memgate and `wc -l` under
# callgrind, which do not depend on the load of the machine. Beside the alternatives it times
# bare_scan.c, the floor: the least work any reader of the file does (every number converted,
# nothing checked, no frame table, no attribution), on 1 and 2 threads.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
runs=${1:-5}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/memgate-bench}
pps=${BENCH_PPS:-1000000}
frames=${BENCH_FRAMES:-200000}
icount=${BENCH_ICOUNT:-1}

# Tools only the benchmark needs: installed here (Debian packages), not by ci/setup.sh.
need=()
command -v jq > /dev/null || need+=(jq)
[ -x /usr/bin/time ] || need+=(time)
[ "$icount" = 0 ] || command -v valgrind > /dev/null || need+=(valgrind)
if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "bench: needs ${need[*]} (apt-get install ${need[*]})" >&2; exit 2; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" > /dev/null
fi
command -v python3 > /dev/null || { echo "bench: python3 is required" >&2; exit 2; }

mkdir -p "$dir"
if [ -n "${MEMGATE:-}" ]; then
    memgate=$(cd "$(dirname "$MEMGATE")" && pwd)/$(basename "$MEMGATE")
else
    # a Release build of this checkout, outside the repository: one build directory per
    # checkout (cmake refuses a build directory configured from another source tree)
    build=$dir/build-release-$(printf '%s' "$repo" | sha256sum | cut -c1-8)
    echo "bench: building a Release memgate in $build..." >&2
    cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMEMGATE_TESTS=OFF \
        > "$dir/build.log" 2>&1 &&
        cmake --build "$build" -j2 --target memgate >> "$dir/build.log" 2>&1 ||
        { tail -n 30 "$dir/build.log" >&2; exit 2; }
    memgate=$build/memgate
fi

# generated once per layout; the generator's hash in the name drops files of an older layout
gen_id=$(sha256sum "$here/gen_dhat.py" | cut -c1-8)
big=$dir/dhat-$pps-$frames-$gen_id.json
if [ ! -s "$big" ] || [ ! -s "$big.sums" ]; then
    echo "bench: generating $big ($pps program points, $frames frames)..." >&2
    python3 "$here/gen_dhat.py" "$big.tmp" "$pps" "$frames" > "$big.sums.tmp"
    mv "$big.tmp" "$big" && mv "$big.sums.tmp" "$big.sums"
fi
cp "$big.sums" "$dir/baseline.json" # check against its own sums: passes and does all its work

bare=$dir/bare_scan
cc -O2 -Wall -Wextra -Werror -pthread -I"$repo/src/util" -o "$bare" "$here/bare_scan.c" ||
    { echo "bench: cannot build bare_scan.c" >&2; exit 2; }

# The answers must be right before their speed counts: every reader sums the same six keys.
py='import json,sys
d=json.load(open(sys.argv[1]))
print(*[sum(p[k] for p in d["pps"]) for k in ("tb","tbk","gb","gbk","eb","ebk")])'
jqf='reduce .pps[] as $p ([0,0,0,0,0,0]; [.[0]+$p.tb, .[1]+$p.tbk, .[2]+$p.gb, .[3]+$p.gbk,
  .[4]+$p.eb, .[5]+$p.ebk]) | map(tostring) | join(" ")'
"$memgate" show --format json "$big" > "$dir/show.json"
python3 - "$dir/show.json" "$big.sums" << 'EOF'
import json, sys
got = json.load(open(sys.argv[1]))["profile"]["metrics"]
want = json.load(open(sys.argv[2]))
bad = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
if bad:
    sys.exit("bench: memgate read the file wrong: %s" % bad)
EOF
want=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))
print(*[s[k] for k in ("total_allocations_bytes","allocation_count","peak_memory_bytes",
 "peak_blocks","end_bytes","end_blocks")])' "$big.sums")

# Rounds: every command once per round, order rotated; max RSS from /usr/bin/time -f %M, wall
# time from a nanosecond clock around it (time's own %e has 10 ms steps; its fork and exec add
# about a millisecond to every command alike).
python3 - "$runs" "$dir" "$big" "$memgate" "$py" "$jqf" "$want" "$icount" "${BENCH_BEFORE:-}" \
    "$bare" << 'EOF'
import json, os, statistics, subprocess, sys, time

runs, dir_, big, memgate, py, jqf, want, icount, before, bare = sys.argv[1:]
runs = int(runs)
cmds = [
    ("memgate show", [memgate, "show", big]),
    ("memgate check", [memgate, "check", big, "--baseline", os.path.join(dir_, "baseline.json")]),
    ("memgate show, 1 thread", ["env", "MEMGATE_THREADS=1", memgate, "show", big]),
    ("wc -l", ["wc", "-l", big]),
    ("bare scan, 1 thread (floor)", [bare, big, "1"]),
    ("bare scan, 2 threads (floor)", [bare, big, "2"]),
    ("python3 json.load + sums", ["python3", "-c", py, big]),
    ("jq reduce (sums)", ["jq", "-r", jqf, big]),
]
if before:
    cmds.insert(1, ("memgate show (BENCH_BEFORE)", [before, "show", big]))
for name, argv in cmds:  # python, jq and the floor must give the same sums as the generator
    if not name.startswith(("python3", "jq", "bare")):
        continue
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout.split()
    if " ".join(out) != want:
        sys.exit("bench: %s summed %s, want %s" % (name, out, want))

rss_file = os.path.join(dir_, "time.out")

def once(argv):
    t0 = time.perf_counter_ns()
    rc = subprocess.call(["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = (time.perf_counter_ns() - t0) / 1e9
    if rc != 0:
        sys.exit("bench: %s exited %d" % (argv, rc))
    return wall, int(open(rss_file).read().split()[-1]) / 1024.0  # MiB

subprocess.run(["cat", big], stdout=subprocess.DEVNULL, check=True)  # page cache warm
res = {name: [] for name, _ in cmds}
for r in range(runs):
    order = cmds[r % len(cmds):] + cmds[:r % len(cmds)]
    for name, argv in order:
        res[name].append(once(argv))
    print("bench: round %d/%d done" % (r + 1, runs), file=sys.stderr)

med = {n: statistics.median(w for w, _ in v) for n, v in res.items()}
size = os.stat(big).st_size
load = open("/proc/loadavg").read().split()[:3]
cpu = "?"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
print("file: %s (%d MB); %d interleaved rounds" % (os.path.basename(big), size // 1000000, runs))
print("machine: %s, %d cores, load average %s (after the runs)" % (cpu, os.cpu_count(),
                                                                    " ".join(load)))
print()
print("| command | wall median (s) | wall min-max (s) | max RSS median (MiB) | max RSS min-max (MiB) | median vs memgate show |")
print("|---|--:|--:|--:|--:|--:|")
for name, _ in cmds:
    w = [x for x, _ in res[name]]
    m = [x for _, x in res[name]]
    print("| %s | %.3f | %.3f-%.3f | %.1f | %.1f-%.1f | %.2fx |" % (
        name, statistics.median(w), min(w), max(w), statistics.median(m), min(m), max(m),
        statistics.median(w) / med["memgate show"]))

def paired(a, b):
    rs = [x[0] / y[0] for x, y in zip(res[a], res[b])]
    return "%.1fx (rounds %.1f-%.1fx)" % (med[a] / med[b], min(rs), max(rs))

rss = statistics.median(m for _, m in res["memgate show"])
print()
print("- memgate show / wc -l: %s; target <= 4x" % paired("memgate show", "wc -l"))
print("- python3 / memgate show: %s; target >= 30x" % paired("python3 json.load + sums",
                                                           "memgate show"))
print("- jq / memgate show: %s; target >= 30x" % paired("jq reduce (sums)", "memgate show"))
print("- the floor, bare scan on 2 threads / wc -l: %s (on 1 thread: %s); what is left of 4x "
      "for the frame table, the checks and the attribution: %.3f s" % (
          paired("bare scan, 2 threads (floor)", "wc -l"),
          paired("bare scan, 1 thread (floor)", "wc -l"),
          4 * med["wc -l"] - med["bare scan, 2 threads (floor)"]))
print("- memgate show max RSS: %.1f MiB median, memgate check %.1f MiB; target <= 64 MiB" % (
    rss, statistics.median(m for _, m in res["memgate check"])))
if before:
    print("- BENCH_BEFORE / memgate show: %s" % paired("memgate show (BENCH_BEFORE)",
                                                      "memgate show"))

if icount != "0":
    def ir(argv):
        out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
                             + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True, check=True).stderr
        return int([l for l in out.splitlines() if "Collected :" in l][-1].split(":")[-1])
    a, b = ir([memgate, "show", big]), ir(["wc", "-l", big])
    if before:
        print("- instructions of BENCH_BEFORE show: %.2f G" % (ir([before, "show", big]) / 1e9))
    print("- instructions (callgrind, both threads; not load-dependent): memgate show %.2f G "
          "(%.1f per byte), wc -l %.3f G (%.2f per byte, vectorised): %.0fx"
          % (a / 1e9, a / size, b / 1e9, b / size, a / b))
EOF
