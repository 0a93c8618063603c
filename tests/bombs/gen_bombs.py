#!/usr/bin/env python3
"""Crafted compressed profiles ("bombs") for memgate's memory and time bounds (issue 13 #6).

Nothing large is committed: the files are written on demand, streamed through gzip or the
zstd command, so this script itself needs little memory.

  gen_bombs.py ftbl OUT.json.gz [MIB]   dhat JSON whose 'ftbl' frame names add up to MIB MiB
                                         (default 300: past the 256 MiB frame-table cap)
  gen_bombs.py stream OUT.zst [GIB]      a heaptrack recording of GIB GiB once decompressed
                                         (default 5: past the 4 GiB decompression cap)
"""
import gzip
import os
import subprocess
import sys


def ftbl(out, mib):
    name = "f" * (512 * 1024 - 3)  # half a MiB per frame name
    with gzip.open(out, "wt", compresslevel=1) as f:
        f.write('{"dhatFileVersion":2,"mode":"rust-heap","verb":"Allocated","bklt":true,'
                '"bkacc":false,"tu":"instrs","Mtu":"instr","tuth":10,"cmd":"bomb","pid":1,'
                '"tg":1,"te":1,"pps":[{"tb":1,"tbk":1,"tl":1,"mb":1,"mbk":1,"gb":1,"gbk":1,'
                '"eb":0,"ebk":0,"fs":[1]}],"ftbl":["[root]"')
        for i in range(mib * 2):
            f.write(',"%s%06d"' % (name[:-6], i))
        f.write("]}\n")


def stream(out, gib):
    # a real heaptrack recording (testdata), then its first allocation repeated: zstd packs
    # the repetition about 10,000:1
    seed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata",
                        "profiles", "heaptrack-sort.heaptrack.zst")
    head = subprocess.run(["zstd", "-q", "-dc", seed], check=True, stdout=subprocess.PIPE).stdout
    line = b"+ 0\n- 0\n" * 8192
    with open(out, "wb") as o:
        z = subprocess.Popen(["zstd", "-q", "-3", "-c"], stdin=subprocess.PIPE, stdout=o)
        z.stdin.write(head)
        for _ in range(gib * 1024 * 1024 * 1024 // len(line)):
            z.stdin.write(line)
        z.stdin.close()
        if z.wait() != 0:
            sys.exit("zstd failed")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("ftbl", "stream"):
        sys.exit(__doc__)
    size = int(sys.argv[3]) if len(sys.argv) > 3 else (300 if sys.argv[1] == "ftbl" else 5)
    (ftbl if sys.argv[1] == "ftbl" else stream)(sys.argv[2], size)
