#!/usr/bin/env python3
"""The baseline-update recipes (docs/examples/{github,gitlab}/memgate-baseline*) run locally.

GitHub: the recipe's "Record the baseline" step runs in a scratch git repository as a push to
the default branch (GitHub Actions variables and event payload) and rewrites the baseline with
the merged commit's profile; the same step on another branch is refused. The workflow starts on
pushes to the branch, ignores pushes of the baseline alone, and opens its pull request with the
baseline directory.
GitLab: the job's script runs as a default-branch push pipeline against a local bare
repository standing in for the GitLab server (push options enabled): it pushes the branch
memgate/baseline holding the new baseline, never prints the token, and does nothing when the
merged commit only changed the baseline (the merged baseline MR itself).

usage: recipes_test.py MEMGATE SOURCE_DIR      exit 0 when all hold
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

problems = []
TOKEN = "glpat-recipe-test-secret"


def fail(msg):
    problems.append(msg)


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def scratch_repo(tmp, source, name):
    """A project with the wordfreq baseline committed and a second commit touching its code."""
    repo = os.path.join(tmp, name)
    os.makedirs(os.path.join(repo, ".pmat-metrics"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "t")
    git(repo, "config", "user.email", "t@example.invalid")
    shutil.copy(os.path.join(source, "testdata/baselines/wordfreq-baseline.json"),
                os.path.join(repo, ".pmat-metrics/memory-baseline.json"))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "baseline")
    with open(os.path.join(repo, "main.rs"), "w") as f:
        f.write("fn main() {}\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "faster word counting")
    # the merged commit's profile, as the workload step leaves it (untracked)
    shutil.copy(os.path.join(source, "testdata/profiles/dhatrs-wordfreq-baseline-debug.json"),
                os.path.join(repo, "dhat-heap.json"))
    return repo


def env_with(memgate, extra):
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("GITHUB_", "CI_", "GITLAB_", "MEMGATE_"))}
    e["PATH"] = os.path.dirname(memgate) + ":" + e["PATH"]
    e["NO_COLOR"] = "1"
    e.update(extra)
    return e


def recorded(repo, ref=None):
    """The commit the baseline says it was measured at."""
    path = ".pmat-metrics/memory-baseline.json"
    text = git(repo, "show", f"{ref}:{path}") if ref else open(os.path.join(repo, path)).read()
    return json.loads(text).get("commit")


def github(memgate, source, tmp):
    path = os.path.join(source, "docs/examples/github/memgate-baseline.yml")
    wf = yaml.safe_load(open(path, encoding="utf-8"))
    on = wf.get("on", wf.get(True))
    if ".pmat-metrics/**" not in on["push"].get("paths-ignore", []):
        fail("github recipe: a merged baseline PR would start the workflow again")
    steps = wf["jobs"]["baseline"]["steps"]
    record = next(s for s in steps if s.get("name") == "Record the baseline")
    pr = next(s for s in steps if "create-pull-request" in s.get("uses", ""))
    if ".pmat-metrics" not in pr["with"].get("add-paths", ""):
        fail("github recipe: the pull request does not carry .pmat-metrics/")
    if steps.index(record) > steps.index(pr):
        fail("github recipe: the pull request is opened before the baseline is recorded")
    for branch, want_ok in (("main", True), ("feature", False)):
        repo = scratch_repo(tmp, source, "gh-" + branch)
        head = git(repo, "rev-parse", "HEAD")
        event = os.path.join(tmp, f"event-{branch}.json")
        with open(event, "w") as f:
            json.dump({"repository": {"default_branch": on["push"]["branches"][0]}}, f)
        env = env_with(memgate, {
            "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": event,
            "GITHUB_REF": "refs/heads/" + branch, "GITHUB_REF_NAME": branch,
            "GITHUB_SHA": head, "GITHUB_REPOSITORY": "o/r"})
        p = subprocess.run(["bash", "-e", "-c", record["run"]], cwd=repo, env=env,
                           capture_output=True, text=True, timeout=120)
        if want_ok and (p.returncode != 0 or recorded(repo) != head):
            fail(f"github recipe on main: exit {p.returncode}, recorded commit "
                 f"{recorded(repo)}, not {head}: {p.stderr}")
        if not want_ok and (p.returncode == 0 or recorded(repo) == head):
            fail(f"github recipe on a feature branch wrote the baseline (exit {p.returncode})")


def gitlab(memgate, source, tmp):
    path = os.path.join(source, "docs/examples/gitlab/memgate-baseline.gitlab-ci.yml")
    job = yaml.safe_load(open(path, encoding="utf-8"))["memgate-baseline"]
    script = "\n".join(job["script"])
    server = os.path.join(tmp, "server")
    bare = os.path.join(server, "group/project.git")
    os.makedirs(bare)
    subprocess.run(["git", "init", "-q", "--bare", bare], check=True)
    git(bare, "config", "receive.advertisePushOptions", "true")

    def run(repo):
        head = git(repo, "rev-parse", "HEAD")
        env = env_with(memgate, {
            "GITLAB_CI": "true", "CI": "true", "CI_PIPELINE_SOURCE": "push",
            "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main", "CI_COMMIT_SHA": head,
            "CI_COMMIT_SHORT_SHA": head[:8], "CI_SERVER_URL": "file://" + server,
            "CI_PROJECT_PATH": "group/project", "MEMGATE_GITLAB_TOKEN": TOKEN,
            "GIT_CONFIG_GLOBAL": os.devnull})
        git(repo, "checkout", "-q", "--detach")  # CI checks out the commit, not the branch
        return subprocess.run(["sh", "-e", "-c", script], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=120)

    repo = scratch_repo(tmp, source, "gl")
    head = git(repo, "rev-parse", "HEAD")
    p = run(repo)
    if p.returncode != 0:
        fail(f"gitlab recipe: exit {p.returncode}: {p.stdout} {p.stderr}")
        return
    if recorded(bare, "memgate/baseline") != head:
        fail("gitlab recipe: memgate/baseline does not hold the baseline of the merged commit")
    if TOKEN in p.stdout + p.stderr:
        fail("gitlab recipe: the token appears in the job output")

    # the baseline MR merged: the default branch's new commit only changes .pmat-metrics
    repo2 = scratch_repo(tmp, source, "gl-merged")
    with open(os.path.join(repo2, ".pmat-metrics/memory-baseline.json"), "a") as f:
        f.write("\n")
    git(repo2, "commit", "-q", "-am", "memgate: record the memory baseline")
    tip = git(bare, "rev-parse", "memgate/baseline")
    p = run(repo2)
    if p.returncode != 0 or git(bare, "rev-parse", "memgate/baseline") != tip:
        fail(f"gitlab recipe after the baseline MR merged: exit {p.returncode}, pushed again")


def main():
    memgate, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="memgate recipes ") as tmp:
        github(memgate, source, tmp)
        gitlab(memgate, source, tmp)
    for p in problems:
        print(p)
    print(f"recipes_test: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
