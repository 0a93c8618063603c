#!/usr/bin/env python3
"""The C/C++ on-ramp end to end: a C project from scratch, `memgate init`, its generated CI step
run here, `memgate check` passes, then a program that allocates more fails with exit 1.

The profiling commands are taken from the generated GitHub workflow (its "build" and "profile"
steps) and must be the same in the GitLab job; they run with /bin/sh in the project, as a CI
runner would. Needs gcc, make, valgrind (DHAT), heaptrack and cmake (ci/setup.sh installs them).

usage: c_project.py MEMGATE        exit 0 when every check holds
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

MEMGATE = os.path.abspath(sys.argv[1])
FAILURES = []

APP_C = r"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *make_table(size_t n)
{
    char *t = malloc(n);
    memset(t, 1, n);
    return t;
}

static char *read_words(void)
{
    char *w = malloc(WORDS);
    memset(w, 2, WORDS);
    return w;
}

int main(void)
{
    long sum = 0;
    char *w = read_words();
    for (int i = 0; i < 100; i++) {
        char *t = make_table(4096);
        sum += t[i] + w[i];
        free(t);
    }
    free(w);
    printf("%ld\n", sum);
    return 0;
}
"""

MAKEFILE = "CFLAGS = -O2 -g -DWORDS=8192\n\nall: app\n\napp: app.c\n\t$(CC) $(CFLAGS) -o $@ app.c\n"


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_", "GITLAB_"))}
    e.update({"LC_ALL": "C.UTF-8", "TZ": "UTC", "NO_COLOR": "1", "COLUMNS": "80"})
    e.pop("CI", None)
    return e


def memgate(cwd, *args):
    p = subprocess.run([MEMGATE, *args], cwd=cwd, env=env(), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def sh(cwd, cmd):
    p = subprocess.run(["/bin/sh", "-c", cmd], cwd=cwd, env=env(), capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"FAIL: '{cmd}' exited {p.returncode}:\n{p.stdout}{p.stderr}")


def expect(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)
        if detail:
            print("     " + detail.replace("\n", "\n     "))


def ci_commands(proj):
    """The build and profile commands of the generated GitHub workflow, and GitLab's script."""
    gh = yaml.safe_load(open(os.path.join(proj, ".github/workflows/memgate.yml")))
    steps = {s.get("name"): s for s in gh["jobs"]["memgate"]["steps"] if "name" in s}
    cmds = [steps["build"]["run"].strip(), steps["profile"]["run"].strip()]
    gl = yaml.safe_load(open(os.path.join(proj, ".gitlab/memgate.gitlab-ci.yml")))
    expect([c.strip() for c in gl["memgate-profile"]["script"]] == cmds,
           "the GitLab job runs the same commands as the GitHub steps",
           f"{gl['memgate-profile']['script']} vs {cmds}")
    return cmds


def make_project(root):
    proj = os.path.join(root, "c project")  # a space in the path, as checkouts may have
    os.makedirs(proj)
    open(os.path.join(proj, "app.c"), "w").write(APP_C)
    open(os.path.join(proj, "Makefile"), "w").write(MAKEFILE)
    return proj


def makefile_dhat(root):
    proj = make_project(root)
    rc, out, err = memgate(proj, "comply", "--format", "json")
    report = json.loads(out)
    expect(rc == 0 and report["project_kind"] == "make" and report["score"] == -5,
           "comply on a bare C project: project_kind make, score -5 (profile step, baseline)",
           out + err)
    dep = report["items"][0]
    expect(not dep["applicable"] and dep["present"], "comply: no dependency applies to C")
    rc, out, err = memgate(proj, "comply")
    expect("C/C++ project (Makefile): CB-141 is written for Rust; here it checks a CI step" in out,
           "comply's text says what CB-141 means for a C/C++ project", out)

    rc, out, err = memgate(proj, "init", "--write")
    expect(rc == 0, "init --write exits 0", out + err)
    for f in (".pmat.yaml", ".github/workflows/memgate.yml", ".gitlab/memgate.gitlab-ci.yml",
              ".gitlab-ci.yml"):
        expect(f"[wrote] " in out and f": {f}: created" in out, f"init wrote {f}", out)
    expect("runs ./app (line 3)" in out, "init found the program of the Makefile's all: rule", out)
    build, profile = ci_commands(proj)
    expect(build == "make", "the build step is make", build)
    expect(profile == "valgrind --tool=dhat --dhat-out-file=dhat-heap.json ./app",
           "the profile step runs ./app under Valgrind DHAT", profile)
    rc, out, err = memgate(proj, "check", "--explain")
    expect(rc == 0 and ".pmat.yaml" in out, "the written .pmat.yaml is valid memgate settings",
           out + err)

    sh(proj, build)
    sh(proj, profile)
    rc, out, err = memgate(proj, "init", "--profile", "dhat-heap.json")
    expect(rc == 0 and "[wrote] baseline: .pmat-metrics/memory-baseline.json" in out,
           "init --profile records the first baseline from the CI step's profile", out + err)
    rc, out, err = memgate(proj, "comply", "--format", "json")
    expect(json.loads(out)["score"] == 0, "comply scores 0 after init and the first baseline",
           out)

    # the next CI run: same program, same commands
    sh(proj, build)
    sh(proj, profile)
    rc, out, err = memgate(proj, "check", "dhat-heap.json")
    expect(rc == 0 and out.startswith("memgate: PASS"), "check passes on an unchanged program",
           out + err)

    # read_words allocates 64 times more: total bytes grow past the +2% limit
    src = open(os.path.join(proj, "Makefile")).read().replace("WORDS=8192", "WORDS=524288")
    open(os.path.join(proj, "Makefile"), "w").write(src)
    sh(proj, "touch app.c")
    sh(proj, build)
    sh(proj, profile)
    rc, out, err = memgate(proj, "check", "dhat-heap.json")
    expect(rc == 1 and out.startswith("memgate: FAIL"), "check fails (exit 1) on the regression",
           out + err)
    # init's first baseline holds the stacks (the one recording path), so check can blame
    culprit = out.split("\n")[1] if rc == 1 else ""
    expect(culprit.startswith("  peak_memory_bytes +504 KiB: 100% from read_words (app.c:14)"),
           "the culprit line names the C function that grew, with its line", out)


def cmake_heaptrack_record(root):
    proj = os.path.join(root, "cmake project")
    os.makedirs(proj)
    open(os.path.join(proj, "main.c"), "w").write(APP_C.replace("WORDS", "8192"))
    open(os.path.join(proj, "CMakeLists.txt"), "w").write(
        "cmake_minimum_required(VERSION 3.13)\nproject(t C)\n# add_executable(old old.c)\n"
        "set(GEN gen)\nADD_EXECUTABLE(${GEN} main.c)\nadd_executable(bigtable main.c)\n")
    rc, out, err = memgate(proj, "init", "--write", "--record", "--profiler", "heaptrack")
    expect(rc == 0 and "CB-141 score now: 0" in out,
           "cmake + heaptrack: init --write --record scores 0", out + err)
    expect("runs build/bigtable (line 6)" in out,
           "init found add_executable (not the comment, not the ${VAR} name)",
           out)
    build, profile = ci_commands(proj)
    expect(build.startswith("cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo"),
           "the CMake build step builds RelWithDebInfo (optimised, with debug info)", build)
    expect(profile == "heaptrack --output memgate.heaptrack build/bigtable",
           "the profile step runs build/bigtable under heaptrack", profile)
    yml = open(os.path.join(proj, ".pmat.yaml")).read()
    expect("profiler: heaptrack" in yml, ".pmat.yaml selects heaptrack", yml)
    sh(proj, build)
    sh(proj, profile)
    rc, out, err = memgate(proj, "check", "memgate.heaptrack.zst")
    expect(rc == 0, "check passes on the heaptrack profile of the CI step", out + err)
    rc, out, err = memgate(proj, "init", "--record", "--profiler", "dhat")
    expect(rc == 2 and "selects profiler 'heaptrack', but --profiler says 'dhat'" in err,
           "a --profiler that contradicts .pmat.yaml is a usage error", out + err)


def meson_and_existing_files(root):
    proj = os.path.join(root, "meson project")
    os.makedirs(os.path.join(proj, ".github/workflows"))
    open(os.path.join(proj, "meson.build"), "w").write(
        "project('p', 'c')\nexecutable('wordcount', 'main.c')\n")
    open(os.path.join(proj, ".github/workflows/memgate.yml"), "w").write("name: mine\n")
    open(os.path.join(proj, ".gitlab-ci.yml"), "w").write("stages: [test]\n")
    rc, out, err = memgate(proj, "init", "--write", "--run", "build/wordcount --lines 'a b'")
    expect(rc == 0, "meson: init --write exits 0", out + err)
    expect("[kept]  GitHub Actions profile step: .github/workflows/memgate.yml: exists" in out,
           "an existing workflow file is kept without --force", out)
    expect(open(os.path.join(proj, ".github/workflows/memgate.yml")).read() == "name: mine\n",
           "... and left byte for byte")
    expect("[todo]  GitLab CI include: .gitlab-ci.yml" in out and
           "  - local: .gitlab/memgate.gitlab-ci.yml" in out,
           "an existing .gitlab-ci.yml gets a todo with the include to add", out)
    gl = yaml.safe_load(open(os.path.join(proj, ".gitlab/memgate.gitlab-ci.yml")))
    script = gl["memgate-profile"]["script"]
    expect(script[0].startswith("[ -d build ] || meson setup build --buildtype=debugoptimized"),
           "the meson build step", script[0])
    expect(script[1].strip() == "valgrind --tool=dhat --dhat-out-file=dhat-heap.json "
           "build/wordcount --lines 'a b'", "--run's workload, quotes kept, in the YAML", script[1])
    rc, out, err = memgate(proj, "init", "--force", "--write")
    expect(rc == 0 and "runs build/wordcount (line 2)" in out,
           "meson: without --run, init finds executable('wordcount')", out + err)

    bare = os.path.join(root, "nothing")
    os.makedirs(bare)
    rc, out, err = memgate(bare, "init")
    expect(rc == 2 and "no Cargo.toml, CMakeLists.txt, meson.build or Makefile here" in err,
           "a directory with no project is exit 2, naming what was looked for", err)
    rc, out, err = memgate(bare, "comply")
    expect(rc == 2 and "no Cargo.toml, CMakeLists.txt, meson.build or Makefile here" in err,
           "comply says the same", err)


def main():
    for tool in ("gcc", "make", "valgrind", "heaptrack", "cmake"):
        if not shutil.which(tool):
            print(f"FAIL: {tool} is not installed (bash ci/setup.sh installs it)")
            return 1
    root = tempfile.mkdtemp(prefix="memgate-onramp-")
    try:
        makefile_dhat(root)
        cmake_heaptrack_record(root)
        meson_and_existing_files(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\n{len(FAILURES)} failure(s)" if FAILURES else "\nall checks hold")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
