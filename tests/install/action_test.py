#!/usr/bin/env python3
"""action.yml as a runner would use it, without GitHub.

- Every output docs/posting.md documents is declared, and every declared output is wired to a
  step output that exists; the per-metric outputs cover every metric memgate writes.
- The check step's shell runs for real (bash, the built memgate on PATH, $GITHUB_OUTPUT in a
  temporary directory): `args` lines are whole arguments (quotes around a line removed),
  `result` is set only when memgate wrote the file, `fail-on-regression: false` keeps the step
  green, and with GitHub posting every declared output memgate sets is written.
- The install steps: used at a release tag the action downloads that release's tarball from the
  action's repository (a local HTTP server on 127.0.0.1 stands in for github.com) and checks it
  against SHA256SUMS; at a branch it builds, with a cache key that follows the source.

usage: action_test.py MEMGATE SOURCE_DIR      exit 0 when all hold
"""
import functools
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading

import yaml

problems = []


def fail(msg):
    problems.append(msg)


def step(action, name):
    for s in action["runs"]["steps"]:
        if s.get("id") == name or s.get("name") == name:
            return s
    raise SystemExit(f"action.yml has no step {name}")


def run_step(s, env, cwd):
    """A composite step's shell with its env: block resolved from env (the inputs)."""
    e = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "MG_", "RUNNER_"))}
    e.update(env)
    for key, expr in (s.get("env") or {}).items():
        e.setdefault(key, "")
    p = subprocess.run(["bash", "-e", "-c", s["run"]], env=e, cwd=cwd, capture_output=True,
                       text=True, timeout=120)
    return p


def outputs_of(path):
    """name -> value of a $GITHUB_OUTPUT file (name=value lines and name<<DELIM blocks)."""
    out, lines, i = {}, open(path).read().split("\n") if os.path.exists(path) else [], 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^([\w-]+)<<(.+)$", line)
        if m:
            j = lines.index(m.group(2), i + 1)
            out[m.group(1)] = "\n".join(lines[i + 1:j])
            i = j + 1
            continue
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
        i += 1
    return out


def documented_outputs(source):
    text = open(os.path.join(source, "docs/posting.md"), encoding="utf-8").read()
    sec = text.split("## Step outputs (GitHub)", 1)[1].split("\n## ", 1)[0]
    names = set(re.findall(r"^\| `([\w-]+)`", sec, re.M))
    para = re.search(r"Outputs: (.*?)\n\n", text, re.S).group(1)
    names |= set(re.findall(r"`([\w-]+)`", para.split(";")[0]))
    return names


def check_declarations(action, source, metric_names):
    declared = action["outputs"]
    ids = {s.get("id") for s in action["runs"]["steps"]}
    for name, o in declared.items():
        m = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}", o.get("value", ""))
        if not m or m.group(1) not in ids:
            fail(f"output {name}: value {o.get('value')!r} names no step of the action")
        elif m.group(2) != name:
            fail(f"output {name}: wired to the step output {m.group(2)}")
        if not o.get("description"):
            fail(f"output {name}: no description")
    for name in sorted(documented_outputs(source) - set(declared)):
        fail(f"docs/posting.md documents the output {name}; action.yml does not declare it")
    for name in sorted(set(metric_names) - set(declared)):
        fail(f"memgate writes the step output {name}; action.yml does not declare it")


def check_step(action, memgate, source, tmp):
    s = step(action, "check")
    prof = os.path.join(source, "testdata/profiles")
    base = os.path.join(source, "testdata/baselines/wordfreq-baseline.json")
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir, exist_ok=True)
    if not os.path.exists(os.path.join(bindir, "memgate")):
        os.symlink(memgate, os.path.join(bindir, "memgate"))

    def run(name, profile, **inputs):
        d = os.path.join(tmp, name)
        os.makedirs(d)
        env = {"PATH": bindir + ":" + os.environ["PATH"], "RUNNER_TEMP": d,
               "GITHUB_OUTPUT": os.path.join(d, "output"), "GITHUB_SERVER_URL": "https://github.com",
               "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "1", "NO_COLOR": "1",
               "MG_PROFILE": profile, "MG_BASELINE": base, "MG_THRESHOLDS": "", "MG_WORKLOAD": "",
               "MG_POST": "none", "MG_REQUIRE_POST": "false", "MG_INFORMATIONAL": "false",
               "MG_COMMENT": "always", "MG_CHECK_RUN": "false", "MG_FAIL": "true", "MG_ARGS": ""}
        env.update(inputs)
        p = run_step(s, env, d)
        return p, outputs_of(env["GITHUB_OUTPUT"])

    regressed = os.path.join(prof, "dhatrs-wordfreq-regressed-debug.json")
    # a reason with spaces and parentheses, one line each; the second line in quotes
    p, out = run("accept", regressed, MG_ARGS='--accept\n"new cache (JIRA-7)"\n')
    if p.returncode != 0 or out.get("exit-code") != "0":
        fail(f"args per line: step exit {p.returncode}, exit-code {out.get('exit-code')}: {p.stderr}")
    elif "result" not in out or not os.path.exists(out["result"]):
        fail("args per line: no result output although memgate wrote it")
    elif '"new cache (JIRA-7)"' not in open(out["result"]).read():
        fail("args per line: the reason 'new cache (JIRA-7)' is not one argument in the result")

    p, out = run("missing", os.path.join(tmp, "no-such-profile.json"))
    if p.returncode != 3 or out.get("exit-code") != "3":
        fail(f"missing profile: step exit {p.returncode}, exit-code {out.get('exit-code')}")
    if "result" in out or "report" in out:
        fail(f"missing profile: result/report set without a file: {out}")

    p, out = run("report-only", regressed, MG_FAIL="false")
    if p.returncode != 0 or out.get("exit-code") != "1":
        fail(f"fail-on-regression false: step exit {p.returncode}, exit-code {out.get('exit-code')}")

    # GitHub posting with no API to reach: the posts fail (not required), the outputs are set
    names = set()
    # (the time -v profile, measuring only RSS and runtime, against no baseline at all)
    for name, profile, baseline in [
            ("post-dhat", regressed, base),
            ("post-time", os.path.join(prof, "timev-sort.txt"), os.path.join(tmp, "none.json"))]:
        p, out = run(name, profile, MG_BASELINE=baseline, MG_POST="github", MG_COMMENT="never",
                     GITHUB_ACTIONS="true", MG_ARGS="--no-status\n--missing-baseline\npass",
                     GITHUB_API_URL="http://127.0.0.1:9")
        if out.get("verdict") not in ("pass", "warn", "fail"):
            fail(f"{name}: no verdict output: {out} {p.stderr}")
        names |= set(out)
    for name, o in action["outputs"].items():
        if name != "comment-url" and "steps.check." in o["value"] and name not in names:
            fail(f"output {name} is declared but never set by the check step")
    return names


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root):
    handler = functools.partial(Quiet, directory=root)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def check_install(action, memgate, source, tmp):
    where = step(action, "where")
    version = subprocess.run([memgate, "--version"], capture_output=True,
                             text=True).stdout.split()[1]

    def decide(d, ref, version_input="", action_path=source):
        os.makedirs(d)
        env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": d, "GITHUB_OUTPUT": d + "/output",
               "GITHUB_ACTION_PATH": action_path, "MG_VERSION": version_input,
               "MG_ACTION_REF": ref}
        p = run_step(where, env, d)
        if p.returncode != 0:
            fail(f"where step at ref {ref!r}: exit {p.returncode}: {p.stderr}")
        return outputs_of(d + "/output")

    out = decide(tmp + "/w-tag", f"v{version}")
    if out.get("mode") != "release" or out.get("version") != version:
        fail(f"used at tag v{version}: {out}")
    out = decide(tmp + "/w-input", "main", version_input="v" + version)
    if out.get("mode") != "release" or out.get("version") != version:
        fail(f"version input v{version}: {out}")
    main = decide(tmp + "/w-main", "main")
    if main.get("mode") != "build" or not main.get("key"):
        fail(f"used at a branch: {main}")
    # the cache key follows the source: the same tree gives the same key, a change another
    copy = tmp + "/src-copy"
    os.makedirs(copy)
    for part in ("CMakeLists.txt", "cmake", "include", "src"):
        src = os.path.join(source, part)
        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(copy, part))
    same = decide(tmp + "/w-copy", "main", action_path=copy)
    with open(os.path.join(copy, "src/cli/main.c"), "a") as f:
        f.write("\n")
    changed = decide(tmp + "/w-changed", "main", action_path=copy)
    if same.get("key") != main.get("key"):
        fail(f"cache key differs for the same source: {same.get('key')} {main.get('key')}")
    if changed.get("key") == main.get("key"):
        fail("cache key did not change with the source")

    # a release as GitHub serves it: OWNER/REPO/releases/download/vVERSION/{tarball,SHA256SUMS}
    arch = os.uname().machine
    top = f"memgate-{version}-linux-{arch}"
    rel = os.path.join(tmp, "srv/o/memgate/releases/download", "v" + version)
    os.makedirs(rel)
    tarball = os.path.join(rel, top + ".tar.gz")
    with tarfile.open(tarball, "w:gz") as t:
        t.add(memgate, arcname=f"{top}/bin/memgate")
    digest = hashlib.sha256(open(tarball, "rb").read()).hexdigest()
    srv = serve(os.path.join(tmp, "srv"))
    try:
        for name, sums, ok in [("good", f"{digest}  {top}.tar.gz\n", True),
                               ("tampered", f"{'0' * 64}  {top}.tar.gz\n", False)]:
            with open(os.path.join(rel, "SHA256SUMS"), "w") as f:
                f.write(sums)
            d = os.path.join(tmp, "dl-" + name)
            os.makedirs(d)
            env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": d, "GITHUB_PATH": d + "/path",
                   "GITHUB_SERVER_URL": f"http://127.0.0.1:{srv.server_port}",
                   "GITHUB_REPOSITORY": "o/self", "MG_REPO": "o/memgate", "MG_VERSION": version,
                   "MG_BIN": d + "/memgate-bin"}
            p = run_step(step(action, "Download the memgate release"), env, d)
            if ok and p.returncode != 0:
                fail(f"release download: exit {p.returncode}: {p.stderr}")
            if not ok and p.returncode == 0:
                fail("release download accepted a tarball whose checksum does not match")
            if ok:
                p = run_step(step(action, "Put memgate on PATH"), env, d)
                if p.returncode != 0 or f"memgate {version}" not in p.stdout:
                    fail(f"downloaded memgate does not run: {p.stdout} {p.stderr}")
                if open(d + "/path").read().strip() != d + "/memgate-bin":
                    fail("the downloaded memgate is not put on PATH")
    finally:
        srv.shutdown()

    # a warm run installs and builds nothing: those steps only run on a cache miss
    for name in ("Install build dependencies", "Build memgate"):
        cond = step(action, name).get("if", "")
        if "steps.cache.outputs.cache-hit != 'true'" not in cond or "mode == 'build'" not in cond:
            fail(f"step '{name}' runs on a warm or pinned run: if: {cond!r}")


def main():
    memgate, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    action = yaml.safe_load(open(os.path.join(source, "action.yml"), encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="memgate action ") as tmp:
        names = check_step(action, memgate, source, tmp)
        metric_names = [n for n in names if re.fullmatch(r"[a-z_]+_(bytes|blocks|count|us)", n)]
        check_declarations(action, source, metric_names)
        check_install(action, memgate, source, tmp)
    for p in problems:
        print(p)
    print(f"action_test: {len(action['outputs'])} outputs, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
