#!/usr/bin/env python3
"""The CI files that only run on GitHub or GitLab, checked here as far as they can be.

Every workflow (.github/workflows/*.yml), action.yml, the GitLab template and the example
workflows in docs/examples/ parse as YAML; the shell of every run: step and GitLab script
passes `bash -n` (with ${{ ... }} expressions replaced by a word); the release workflow runs on
tags v*, builds the .deb, the tarball and the image and attaches them to the release.

usage: workflows_test.py SOURCE_DIR      exit 0 when all hold
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


def steps_of(doc):
    if "runs" in doc:  # a composite action
        yield "runs", doc["runs"].get("steps", [])
    for name, job in (doc.get("jobs") or {}).items():
        yield name, job.get("steps", [])


def check_github(path, doc):
    for job, steps in steps_of(doc):
        for i, step in enumerate(steps):
            if not isinstance(step, dict):
                fail(f"{path}: {job} step {i} is not a mapping")
            elif "run" in step:
                if step.get("shell", "bash") in ("bash", "sh"):
                    bash_n(f"{path}: {job} step {step.get('name', step.get('id', i))}", step["run"])
            elif "uses" not in step:
                fail(f"{path}: {job} step {i} neither runs nor uses anything")


def check_gitlab(path, doc):
    for name, job in doc.items():
        if not isinstance(job, dict):
            continue
        for key in ("before_script", "script", "after_script"):
            lines = job.get(key)
            if lines is not None:
                bash_n(f"{path}: {name}.{key}", "\n".join(lines))


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
    source = os.path.abspath(sys.argv[1])
    github = sorted(glob.glob(os.path.join(source, ".github/workflows/*.yml")))
    github += [os.path.join(source, "action.yml")]
    github += sorted(glob.glob(os.path.join(source, "docs/examples/github/*.yml")))
    gitlab = sorted(glob.glob(os.path.join(source, "ci/gitlab/*.yml")))
    gitlab += sorted(glob.glob(os.path.join(source, "docs/examples/gitlab/*.yml")))
    for path in github:
        doc = load(path)
        if doc is not None:
            check_github(path, doc)
    for path in gitlab:
        doc = load(path)
        if doc is not None:
            check_gitlab(path, doc)
    check_release(source)
    for p in problems:
        print(p)
    print(f"workflows_test: {len(github) + len(gitlab)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
