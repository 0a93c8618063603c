#!/usr/bin/env python3
"""The CI files that only run on GitHub or GitLab, checked here as far as they can be.

Every workflow (.github/workflows/*.yml), action.yml, the GitLab template and the example
workflows in docs/examples/ parse as YAML; the shell of every run: step and GitLab script
passes `bash -n` (with ${{ ... }} expressions replaced by a word); the release workflow runs on
tags v*, builds the .deb, the tarball and the image and attaches them to the release; every
`memgate SUBCOMMAND --option` in those scripts exists; and in the example workflows of
docs/posting.md that run on pull requests, every step that posts through the action is guarded
for PRs from forks (whose token is read-only).

usage: workflows_test.py MEMGATE SOURCE_DIR      exit 0 when all hold
"""
import glob
import os
import re
import subprocess
import sys

import yaml

problems = []


def fail(msg):
    problems.append(msg)


def load(path):
    with open(path, encoding="utf-8") as f:
        try:
            return yaml.safe_load(f)
        except yaml.YAMLError as e:
            fail(f"{path}: not YAML: {e}")
            return None


def on_of(doc):
    # YAML 1.1 reads the key `on` as true
    return doc.get("on", doc.get(True))


def bash_n(where, script):
    script = re.sub(r"\$\{\{.*?\}\}", "EXPR", script, flags=re.S)
    p = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"{where}: shell does not parse: {p.stderr.strip()}")


HELP = {}


def memgate_commands(where, script, memgate):
    """Every `memgate SUB --opt` names a real subcommand and option (its --help)."""
    script = re.sub(r"(^|\s)#.*", r"\1", script)  # comments say "memgate ..." in prose
    # memgate as the command: first on a line, or after ; && || | ( $( and VAR=value words
    for m in re.finditer(r"(?:^|[;&|(])\s*(?:[A-Za-z_]+=\S*\s+)*memgate ([a-z][a-z-]*)"
                         r"((?: [^\n;&|#]*)?)", script, re.M):
        sub = m.group(1)
        if sub not in HELP:
            p = subprocess.run([memgate, sub, "--help"], capture_output=True, text=True)
            HELP[sub] = p.stdout if p.returncode == 0 else None
        if HELP[sub] is None:
            fail(f"{where}: no command 'memgate {sub}'")
            continue
        for opt in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", m.group(2)):
            if not re.search(re.escape(opt) + r"\b", HELP[sub]):
                fail(f"{where}: 'memgate {sub}' has no option {opt}")


def posts(step):
    """Whether an action step writes to the GitHub API (comment, status or check run)."""
    w = step.get("with") or {}
    if not re.search(r"(^|/)memgate@|^\./?$", step.get("uses", "")):
        return False
    if str(w.get("post", "auto")) == "none":
        return False
    return not (w.get("comment") == "never" and "--no-status" in str(w.get("args", "")))


FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository"


def check_fork_guard(source):
    path = os.path.join(source, "docs/posting.md")
    text = open(path, encoding="utf-8").read()
    n = 0
    for m in re.finditer(r"^```yaml\n(.*?)^```", text, re.S | re.M):
        try:
            doc = yaml.safe_load(m.group(1))
        except yaml.YAMLError:
            continue
        if not isinstance(doc, dict) or "jobs" not in doc:
            continue
        on = on_of(doc)
        if "pull_request" not in (on if isinstance(on, (list, dict)) else [on]):
            continue
        line = text.count("\n", 0, m.start()) + 1
        for job, steps in steps_of(doc):
            for st in steps:
                if posts(st):
                    n += 1
                    guard = str(st.get("if", "")) + str((st.get("with") or {}).get("post", ""))
                    if FORK_GUARD not in guard:
                        fail(f"{path}:{line}: step {st.get('uses')} posts on pull requests from "
                             f"forks too (no '{FORK_GUARD}' in its if: or post:)")
    if n == 0:
        fail(f"{path}: no pull_request example that posts through the action was found")


def steps_of(doc):
    if "runs" in doc:  # a composite action
        yield "runs", doc["runs"].get("steps", [])
    for name, job in (doc.get("jobs") or {}).items():
        yield name, job.get("steps", [])


def check_github(path, doc, memgate):
    for job, steps in steps_of(doc):
        for i, step in enumerate(steps):
            if not isinstance(step, dict):
                fail(f"{path}: {job} step {i} is not a mapping")
            elif "run" in step:
                where = f"{path}: {job} step {step.get('name', step.get('id', i))}"
                if step.get("shell", "bash") in ("bash", "sh"):
                    bash_n(where, step["run"])
                memgate_commands(where, step["run"], memgate)
            elif "uses" not in step:
                fail(f"{path}: {job} step {i} neither runs nor uses anything")


def check_gitlab(path, doc, memgate):
    for name, job in doc.items():
        if not isinstance(job, dict):
            continue
        for key in ("before_script", "script", "after_script"):
            lines = job.get(key)
            if lines is not None:
                bash_n(f"{path}: {name}.{key}", "\n".join(lines))
                memgate_commands(f"{path}: {name}.{key}", "\n".join(lines), memgate)


def check_release(source):
    path = os.path.join(source, ".github/workflows/release.yml")
    doc = load(path)
    if doc is None:
        return
    if on_of(doc) != {"push": {"tags": ["v*"]}}:
        fail(f"{path}: does not run on (only) pushed tags v*: {on_of(doc)}")
    text = open(path, encoding="utf-8").read()
    for needle, what in [("-G DEB", "the .deb"), ("-G TGZ", "the tarball"),
                         ("-DMEMGATE_STATIC_DEPS=ON", "the static-ish tarball build"),
                         ("gh release upload", "attaching the files to the release"),
                         ("dist/*.deb", "the .deb upload"), ("dist/*.tar.gz", "the tarball upload"),
                         ("SHA256SUMS", "checksums"), ("docker/build-push-action", "the image")]:
        if needle not in text:
            fail(f"{path}: no {what} ({needle})")
    cmake = open(os.path.join(source, "CMakeLists.txt"), encoding="utf-8").read()
    for opt in set(re.findall(r"-D(MEMGATE_[A-Z_]+)=", text)):
        if f"option({opt} " not in cmake:
            fail(f"{path}: CMakeLists.txt has no option {opt}")
    if not re.search(r"^project\(memgate VERSION [0-9.]+", cmake, re.M):
        fail("CMakeLists.txt: the release's version check cannot find project(memgate VERSION)")
    if not os.path.exists(os.path.join(source, "Dockerfile")):
        fail("no Dockerfile for the image job")


def main():
    memgate, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    github = sorted(glob.glob(os.path.join(source, ".github/workflows/*.yml")))
    github += [os.path.join(source, "action.yml")]
    github += sorted(glob.glob(os.path.join(source, "docs/examples/github/*.yml")))
    gitlab = sorted(glob.glob(os.path.join(source, "ci/gitlab/*.yml")))
    gitlab += sorted(glob.glob(os.path.join(source, "docs/examples/gitlab/*.yml")))
    for path in github:
        doc = load(path)
        if doc is not None:
            check_github(path, doc, memgate)
    for path in gitlab:
        doc = load(path)
        if doc is not None:
            check_gitlab(path, doc, memgate)
    check_release(source)
    check_fork_guard(source)
    for p in problems:
        print(p)
    print(f"workflows_test: {len(github) + len(gitlab)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
