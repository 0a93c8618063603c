#!/usr/bin/env python3
"""The layering of docs/architecture.md, checked on the built library.

usage: layers.py 'OBJ|OBJ|...'   (the object files of memgate_core, '|'-separated)
       layers.py --self-test     (the checker finds a made-up loop and upward call)

A file calls another when its object uses a global symbol the other defines (nm). Fails when a
file calls a file of a higher layer, or when files call each other round a loop, except the
documented worker seam (src/ingest/hotspot.h).
"""
import subprocess
import sys

# Lowest first; a file may call its own layer and the ones below.
LAYERS = ["util", "ingest", "profile", "domain", "config", "report", "ci", "record", "comply"]
SEAM = {"src/ingest/hotspot.c", "src/ingest/hotspot_worker.c"}


def layer(path):
    parts = path.split("/")
    if len(parts) == 2:  # src/NAME.c
        return "profile" if parts[1] == "profile.c" else "domain"
    return parts[1]


def source_of(obj):
    # .../CMakeFiles/memgate_core.dir/src/ci/post.c.o -> src/ci/post.c
    return obj.rsplit("memgate_core.dir/", 1)[-1][: -len(".o")]


def graph(objs):
    defs, uses = {}, {}
    for o in objs:
        name = source_of(o)
        out = subprocess.run(["nm", "-g", o], capture_output=True, text=True, check=True).stdout
        uses[name] = set()
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDBRC":
                defs[p[2]] = name
            elif len(p) == 2 and p[0] == "U":
                uses[name].add(p[1])
    return {a: {(defs[s], s) for s in u if s in defs and defs[s] != a} for a, u in uses.items()}


def loops(edges):
    """Strongly connected sets of two or more files (Tarjan, iterative)."""
    nodes = {a: sorted({b for b, _ in e}) for a, e in edges.items()}
    index, low, on, stack, out, n = {}, {}, set(), [], [], 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = n
                n += 1
                stack.append(v)
                on.add(v)
            succ = nodes.get(v, [])
            if i < len(succ):
                work.append((v, i + 1))
                w = succ[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                c = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    c.append(w)
                    if w == v:
                        break
                if len(c) > 1:
                    out.append(sorted(c))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out


def problems(edges):
    found = []
    for a in sorted(edges):
        for b, sym in sorted(edges[a]):
            if LAYERS.index(layer(b)) > LAYERS.index(layer(a)):
                found.append(f"upward call: {a} ({layer(a)}) -> {b} ({layer(b)}): {sym}")
    for c in loops(edges):
        if set(c) != SEAM:
            found.append("loop of files: " + " ".join(c))
    return found


def self_test():
    edges = {
        "src/util/a.c": set(),
        "src/report/r.c": {("src/ci/c.c", "mg_up")},
        "src/ci/c.c": {("src/report/r.c", "mg_down")},
        "src/ingest/hotspot.c": {("src/ingest/hotspot_worker.c", "w")},
        "src/ingest/hotspot_worker.c": {("src/ingest/hotspot.c", "h")},
        "src/ingest/x.c": {("src/util/a.c", "ok")},
    }
    got = problems(edges)
    want = [
        "upward call: src/report/r.c (report) -> src/ci/c.c (ci): mg_up",
        "loop of files: src/ci/c.c src/report/r.c",
    ]
    if got != want:
        print("self-test failed:", got, file=sys.stderr)
        return 1
    print("self-test: an upward call and a loop are found, the seam is allowed")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    objs = [o for o in sys.argv[1].split("|") if o]
    edges = graph(objs)
    for a in edges:
        if a.split("/")[1:2] == ["cli"] or layer(a) not in LAYERS:
            print(f"{a}: not in a known layer (docs/architecture.md)", file=sys.stderr)
            return 1
    found = problems(edges)
    for f in found:
        print(f)
    print(f"{len(edges)} files, {sum(len(e) for e in edges.values())} calls between files, "
          f"{len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
