#!/usr/bin/env python3
"""--group-by crate against an independent computation over the dhat-rs JSON.

For every program point of the dhat-rs profiles that pass through third-party crates, the
library its bytes go through is worked out here from the frame strings alone (the first frame,
innermost first, whose Rust path names a crate outside the runtime, skipping <X as core/alloc/
std/serde::...> impls and derive-generated code), summed per crate; memgate's crate rows must
equal these sums for total bytes, bytes at t-gmax and allocations, and every ranking's rows must
add up to the profile's totals.

usage: crate_oracle.py MEMGATE TESTDATA_DIR
"""
import json
import os
import re
import subprocess
import sys

RUNTIME = {"std", "core", "alloc", "hashbrown", "dhat", "backtrace", "__rustc", "gimli",
           "addr2line", "miniz_oxide", "object", "rustc_demangle", "compiler_builtins",
           "panic_unwind", "panic_abort", "unwind", "memchr"}
PROFILES = ["dhatrs-jsondoc-baseline-release.json", "dhatrs-jsondoc-regressed-release.json",
            "dhatrs-jsondoc-optimized-release.json", "dhatrs-wordfreq-regressed-debug.json"]


def crate_of(name):
    s = name.lstrip("<&")
    s = re.sub(r"^(mut |dyn |\*const |\*mut )", "", s)
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", s)
    return m.group(1) if m else None


def oracle(path):
    d = json.load(open(path))
    ft = d["ftbl"]
    sums = {}
    for pp in d["pps"]:
        key = None
        for fi in pp["fs"]:
            frame = re.sub(r"^0x[0-9a-fA-F]+: ", "", ft[fi])
            m = re.match(r"^(.*) \(([^()]*)\)$", frame)
            name = m.group(1) if m else frame
            c = crate_of(name)
            if c is None or c in RUNTIME:
                continue
            if re.search(r" as (core|alloc|std|serde)::", name) or "_::<impl " in name:
                continue
            key = c
            break
        if key is None:
            continue  # runtime-only stacks: memgate names their runtime crate, not checked here
        s = sums.setdefault(key, [0, 0, 0])
        s[0] += pp["tb"]
        s[1] += pp.get("gb", 0)
        s[2] += pp["tbk"]
    return sums


def main():
    memgate, testdata = sys.argv[1], sys.argv[2]
    failures = 0
    for name in PROFILES:
        path = os.path.join(testdata, "profiles", name)
        want = oracle(path)
        out = subprocess.run([memgate, "show", "--group-by", "crate", "--top", "200", "--format",
                              "json", path], capture_output=True, text=True, check=True).stdout
        prof = json.loads(out)["profile"]
        if prof.get("group_by") != "crate":
            print(f"FAIL {name}: group_by is {prof.get('group_by')!r}")
            failures += 1
        metrics = prof["metrics"]
        for ranking, key, metric in (("hotspots", "total_bytes", "total_allocations_bytes"),
                                     ("hotspots_by_peak_bytes", "peak_bytes", "peak_memory_bytes"),
                                     ("hotspots_by_allocation_count", "total_blocks",
                                      "allocation_count")):
            rows = {h["function"]: h for h in prof[ranking]}
            total = sum(h[key] for h in prof[ranking])
            if total != metrics[metric]:
                print(f"FAIL {name} {ranking}: rows sum to {total}, {metric} is {metrics[metric]}")
                failures += 1
            for crate, w in want.items():
                v = w[("total_bytes", "peak_bytes", "total_blocks").index(key)]
                got = rows.get(crate, {}).get(key, 0)
                if got != v:
                    print(f"FAIL {name} {ranking}: {crate} memgate {got}, expected {v}")
                    failures += 1
        third = [c for c in want if c in ("serde_json", "serde")]
        print(f"{'ok  ' if not failures else 'FAIL'} {name}: {len(want)} crates "
              f"({', '.join(sorted(want))}); third-party: {', '.join(third) or 'none'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
