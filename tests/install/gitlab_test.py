#!/usr/bin/env python3
"""The GitLab template's install step (ci/gitlab/memgate.gitlab-ci.yml, .memgate before_script)
run in a scratch project directory, with apt-get, dpkg, cmake and git replaced by commands that
record being called and fail:

- a release image (memgate already on PATH): nothing is installed, nothing is built;
- a warm run (the job cache holds the binary built from the same MEMGATE_GIT_URL and
  MEMGATE_GIT_REF): the cached memgate is put on PATH without apt-get, dpkg or cmake;
- the cache was built from another ref: the job builds again (it calls apt-get);
- no memgate, no cache and no MEMGATE_GIT_URL: exit 2 naming MEMGATE_IMAGE and MEMGATE_GIT_URL.
The job's image is MEMGATE_IMAGE and its cache key follows MEMGATE_GIT_REF.

usage: gitlab_test.py MEMGATE SOURCE_DIR      exit 0 when all hold
"""
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

problems = []


def fail(msg):
    problems.append(msg)


def main():
    memgate, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    doc = yaml.safe_load(open(os.path.join(source, "ci/gitlab/memgate.gitlab-ci.yml"),
                              encoding="utf-8"))
    job = doc[".memgate"]
    if job.get("image") != "${MEMGATE_IMAGE}" or "MEMGATE_IMAGE" not in job["variables"]:
        fail(f"the job's image is not MEMGATE_IMAGE: {job.get('image')}")
    if "${MEMGATE_GIT_REF}" not in job.get("cache", {}).get("key", ""):
        fail(f"the build cache's key does not follow MEMGATE_GIT_REF: {job.get('cache')}")
    script = "\n".join(job["before_script"]) + '\nmemgate --version\n'
    with tempfile.TemporaryDirectory(prefix="memgate gitlab ") as tmp:
        fakes = os.path.join(tmp, "fakes")
        os.makedirs(fakes)
        for tool in ("apt-get", "dpkg", "cmake", "git"):
            with open(os.path.join(fakes, tool), "w") as f:
                f.write(f'#!/bin/sh\necho "{tool} $*" >> "$CALLS"\nexit 99\n')
            os.chmod(os.path.join(fakes, tool), 0o755)
        on_path = os.path.join(tmp, "image-bin")
        os.makedirs(on_path)
        shutil.copy(memgate, os.path.join(on_path, "memgate"))
        base_path = fakes + ":/usr/bin:/bin"

        def run(name, cached_source=None, image=False, url="https://example.invalid/memgate.git"):
            project = os.path.join(tmp, name)
            os.makedirs(project)
            if cached_source is not None:
                os.makedirs(os.path.join(project, ".memgate-cache/bin"))
                shutil.copy(memgate, os.path.join(project, ".memgate-cache/bin/memgate"))
                with open(os.path.join(project, ".memgate-cache/source"), "w") as f:
                    f.write(cached_source + "\n")
            env = dict(job["variables"])
            env.update({"PATH": (on_path + ":" if image else "") + base_path,
                        "CALLS": os.path.join(tmp, name + ".calls"), "MEMGATE_GIT_URL": url,
                        "MEMGATE_GIT_REF": "v1.2.3", "HOME": tmp})
            p = subprocess.run(["sh", "-e", "-c", script], cwd=project, env=env,
                               capture_output=True, text=True, timeout=60)
            calls = open(env["CALLS"]).read() if os.path.exists(env["CALLS"]) else ""
            return p, calls

        p, calls = run("image", image=True)
        if p.returncode != 0 or calls or "memgate " not in p.stdout:
            fail(f"release image: exit {p.returncode}, calls {calls!r}: {p.stderr}")
        p, calls = run("warm", cached_source="https://example.invalid/memgate.git v1.2.3")
        if p.returncode != 0 or calls or "memgate " not in p.stdout:
            fail(f"warm run: exit {p.returncode}, installed or built: {calls!r} {p.stderr}")
        p, calls = run("other-ref", cached_source="https://example.invalid/memgate.git v1.0.0")
        if "apt-get" not in calls:
            fail(f"a cache of another ref was used: exit {p.returncode}, calls {calls!r}")
        p, calls = run("nothing", url="")
        if p.returncode != 2 or "MEMGATE_IMAGE" not in p.stderr or "MEMGATE_GIT_URL" not in p.stderr:
            fail(f"no memgate and no URL: exit {p.returncode}: {p.stderr}")
    for p in problems:
        print(p)
    print(f"gitlab_test: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
