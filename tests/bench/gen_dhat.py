#!/usr/bin/env python3
"""Write a dhat-rs-shaped dhat JSON file (serde pretty printer, empty indent) for benchmarks.

usage: gen_dhat.py OUT.json N_PPS N_FRAMES [SEED]

Deterministic (seeded PRNG). Prints the expected sums as JSON on stdout so the
benchmark can check that memgate read the file right.
"""
import random
import sys

MODS = ["parser", "lexer", "cache", "index", "render", "store", "net", "query", "plan", "exec"]
STD = [
    "<dhat::Alloc as core::alloc::global::GlobalAlloc>::alloc (dhat-rs/src/lib.rs:1176:9)",
    "alloc::alloc::alloc (src/alloc.rs:94:9)",
    "alloc::raw_vec::RawVecInner<A>::try_allocate_in (src/raw_vec.rs:476:41)",
    "alloc::vec::Vec<T,A>::with_capacity_in (src/vec/mod.rs:946:20)",
    "<alloc::string::String as core::clone::Clone>::clone (alloc/src/string.rs:2352:32)",
]


def main():
    out, n_pps, n_frames = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 42)
    frames = ["[root]"]
    for s in STD:
        frames.append("0x%x: %s" % (0x55d000000000 + rng.randrange(1 << 24), s))
    while len(frames) < n_frames:
        m = rng.choice(MODS)
        frames.append("0x%x: bench::%s::fn_%d<T> (src/%s/mod_%d.rs:%d:%d)" % (
            0x55d000000000 + rng.randrange(1 << 32), m, len(frames), m, rng.randrange(500),
            rng.randrange(1, 3000), rng.randrange(1, 80)))
    sums = dict(tb=0, tbk=0, gb=0, gbk=0, eb=0, ebk=0)
    w = open(out, "w", encoding="utf-8", buffering=1 << 20)
    w.write('{\n"dhatFileVersion": 2,\n"mode": "rust-heap",\n"verb": "Allocated",\n'
            '"bklt": true,\n"bkacc": false,\n"tu": "\u00b5s",\n"Mtu": "s",\n"tuth": 10,\n'
            '"cmd": "bench %d",\n"pid": 4242,\n"tg": 1234567,\n"te": 2345678,\n"pps": [\n' % n_pps)
    user = len(STD) + 1
    for i in range(n_pps):
        tbk = rng.randrange(1, 5000)
        tb = tbk * rng.randrange(1, 4096)
        mb = rng.randrange(0, tb + 1)
        gb = rng.randrange(0, mb + 1)
        gbk = min(tbk, gb)
        eb = rng.randrange(0, gb + 1) if rng.random() < 0.1 else 0
        ebk = min(tbk, eb)
        depth = rng.randrange(12, 21)
        fs = [1, rng.randrange(2, user)] + [rng.randrange(user, n_frames) for _ in range(depth - 2)]
        for k, v in (("tb", tb), ("tbk", tbk), ("gb", gb), ("gbk", gbk), ("eb", eb), ("ebk", ebk)):
            sums[k] += v
        w.write('%s{\n"tb": %d,\n"tbk": %d,\n"tl": %d,\n"mb": %d,\n"mbk": %d,\n"gb": %d,\n'
                '"gbk": %d,\n"eb": %d,\n"ebk": %d,\n"fs": [\n%s\n]\n}' % (
                    ",\n" if i else "", tb, tbk, rng.randrange(1 << 30), mb, min(tbk, mb), gb,
                    gbk, eb, ebk, ",\n".join(map(str, fs))))
    w.write('\n],\n"ftbl": [\n')
    w.write(",\n".join('"%s"' % f for f in frames))
    w.write("\n]\n}\n")
    w.close()
    print('{"total_allocations_bytes": %d, "allocation_count": %d, "peak_memory_bytes": %d, '
          '"peak_blocks": %d, "end_bytes": %d, "end_blocks": %d}' % (
              sums["tb"], sums["tbk"], sums["gb"], sums["gbk"], sums["eb"], sums["ebk"]))


if __name__ == "__main__":
    main()
