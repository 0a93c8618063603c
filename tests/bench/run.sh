#!/usr/bin/env bash
# Benchmark (not a test): memgate against python json.load, jq and wc -l on one big dhat file.
#
# usage: tests/bench/run.sh [BUILD_DIR] [RUNS]
#   BUILD_DIR  where the memgate binary is (default: build)
#   RUNS       runs per command; the best (lowest) wall time is shown, with that run's peak
#              RSS and CPU time: the machine may be shared, and noise only adds time (default 3)
# Environment: BENCH_DIR (default /tmp/memgate-bench), BENCH_PPS (1000000),
#   BENCH_FRAMES (200000), BENCH_SMALL_PPS (5000, the ~1 MB profile).
#
# Generates a dhat-rs-shaped JSON of about 225 MB (one member per line, as dhat-rs 0.3
# writes it) once, then times on that same file: memgate show, memgate check, a python3
# json.load + sum script, jq '[.pps[].tb]|add' and wc -l, each with /usr/bin/time.
# Prints a Markdown table with wall time, peak RSS and the ratios to memgate show.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
runs=${2:-3}
memgate=$(cd "$build" && pwd)/memgate
dir=${BENCH_DIR:-/tmp/memgate-bench}
pps=${BENCH_PPS:-1000000}
frames=${BENCH_FRAMES:-200000}
small_pps=${BENCH_SMALL_PPS:-5000}

for tool in python3 jq /usr/bin/time wc; do
    command -v "$tool" > /dev/null || { echo "bench: $tool is required" >&2; exit 2; }
done
[ -x "$memgate" ] || { echo "bench: no memgate binary at $memgate (build first)" >&2; exit 2; }
mkdir -p "$dir"
big=$dir/dhat-$pps.json
small=$dir/dhat-$small_pps.json
if [ ! -s "$big" ] || [ ! -s "$big.sums" ]; then
    echo "generating $big ($pps program points, $frames frames)..." >&2
    python3 "$here/gen_dhat.py" "$big" "$pps" "$frames" > "$big.sums"
fi
if [ ! -s "$small" ] || [ ! -s "$small.sums" ]; then
    python3 "$here/gen_dhat.py" "$small" "$small_pps" 2000 > "$small.sums"
fi
# baselines equal to the generated sums, so check passes and does all its work
cp "$big.sums" "$dir/baseline-big.json"
cp "$small.sums" "$dir/baseline-small.json"

# The answer must be right before its speed counts.
"$memgate" show --format json "$big" > "$dir/show.json"
python3 - "$dir/show.json" "$big.sums" << 'EOF'
import json, sys
got = json.load(open(sys.argv[1]))["profile"]["metrics"]
want = json.load(open(sys.argv[2]))
bad = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
if bad:
    sys.exit("bench: memgate read the file wrong: %s" % bad)
EOF

# best wall time of $runs runs, with the peak RSS (KiB) and CPU time (user + sys) of that run
measure() {
    local i
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f '%e %M %U %S' -o "$dir/time.out" "$@" > /dev/null 2>&1 || true
        awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$dir/time.out"
    done | sort -n | head -n 1
}

py='import json,sys; d=json.load(open(sys.argv[1])); print(sum(p["tb"] for p in d["pps"]))'
declare -a names cmds
names+=("memgate show");          cmds+=("$memgate show $big")
names+=("memgate show, 1 thread"); cmds+=("env MEMGATE_THREADS=1 $memgate show $big")
names+=("memgate check");         cmds+=("$memgate check $big --baseline $dir/baseline-big.json")
names+=("memgate show - (pipe)"); cmds+=("sh -c 'cat $big | $memgate show -'")
names+=("python3 json.load+sum"); cmds+=("python3 -c '$py' $big")
names+=("jq '[.pps[].tb]|add'");  cmds+=("jq '[.pps[].tb]|add' $big")
names+=("wc -l");                 cmds+=("wc -l $big")

size=$(stat -c %s "$big")
echo "file: $big ($((size / 1000000)) MB, $pps program points, $frames frames); best of $runs runs each"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-24s | %8s | %12s | %14s | %-16s | %-16s |\n' command "wall (s)" "CPU (s)" "peak RSS (MiB)" \
    "wall vs memgate" "CPU vs memgate"
printf '|%s|%s|%s|%s|%s|%s|\n' "--------------------------" "---------:" "-------------:" \
    "---------------:" "------------------" "------------------"
base_t= base_c=
t_memgate= t_python= t_jq= t_wc= m_memgate=
for i in "${!names[@]}"; do
    read -r t m c < <(eval measure "${cmds[$i]}")
    case ${names[$i]} in
        "memgate show") t_memgate=$t m_memgate=$m ;;
        python3*) t_python=$t ;;
        jq*) t_jq=$t ;;
        "wc -l") t_wc=$t ;;
    esac
    [ -z "$base_t" ] && base_t=$t base_c=$c
    rt=$(awk -v a="$t" -v b="$base_t" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')
    rc=$(awk -v a="$c" -v b="$base_c" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')
    printf '| %-24s | %8s | %12s | %14.1f | %-16s | %-16s |\n' "${names[$i]}" "$t" "$c" \
        "$(awk -v m="$m" 'BEGIN{print m/1024}')" "$rt" "$rc"
done

# the issue's targets, from the wall times above
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
echo
echo "targets: python / memgate = $(ratio "$t_python" "$t_memgate")x (want >= 20)," \
    "jq / memgate = $(ratio "$t_jq" "$t_memgate")x (want >= 20)," \
    "memgate / wc -l = $(ratio "$t_memgate" "$t_wc")x (want <= 10)," \
    "memgate peak RSS = $(awk -v m="$m_memgate" 'BEGIN{printf "%.1f", m/1024}') MiB (want <= 64)"

# small: /usr/bin/time counts in 10 ms steps, so time 20 runs in a row and divide
read -r t m c < <(measure "$memgate" check "$small" --baseline "$dir/baseline-small.json")
start=$(date +%s%N)
for ((i = 0; i < 20; i++)); do
    "$memgate" check "$small" --baseline "$dir/baseline-small.json" > /dev/null
done
ms=$(( ($(date +%s%N) - start) / 20000000 ))
echo
echo "memgate check on a $(($(stat -c %s "$small") / 1000)) kB profile ($small_pps program points): ${ms} ms wall per run (mean of 20), $(awk -v m="$m" 'BEGIN{printf "%.1f", m/1024}') MiB peak RSS"
