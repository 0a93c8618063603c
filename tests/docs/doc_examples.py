#!/usr/bin/env python3
"""Every command example in README.md and docs/*.md, run and compared with what the page shows.

A fenced block whose lines start with "$ " is a transcript: each command (with "\\" line
continuations) runs in a scratch copy of testdata/ with the built memgate first on PATH, and its
output (stdout and stderr) must equal the lines shown under it, after normalising the scratch
path, timestamps and trailing blanks. A line "..." in the shown output stands for any number of
lines. A command's exit status is not shown and not checked; its output is.

Other fenced shell blocks (sh, bash, console, or unlabelled ones that start with a command), and
the memgate, cargo and bash commands in YAML blocks (CI jobs), are command examples: every `memgate SUBCOMMAND --option` in them must name a real subcommand and
real options (checked against `memgate SUBCOMMAND --help`), and `bash SCRIPT` must name a script
in the repository, and `cargo run` must not need a cargo feature (memgate init sets up an example,
not a feature). Commands of other tools are listed as not run.

An HTML comment right before a fenced block, <!-- doc-example: write FILE -->, writes the block
into FILE in the page's scratch directory before the page's transcripts run (a .pmat.yaml shown
on the page is the one its examples use). <!-- doc-example: skip REASON --> leaves a block out,
with the reason printed.

Output is only ever shown under the command that prints it: a block without a language (or
`text`) that is neither a transcript nor commands would be output nobody checks, and is an error.
A block that is a picture rather than output (a directory tree, a diagram, a benchmark run whose
timings are the machine's) says so with <!-- doc-example: illustrative REASON -->; those are
listed with their reasons, and more than MAX_ILLUSTRATIVE of them is an error too.

usage: doc_examples.py MEMGATE SOURCE_DIR [--diff]   exit 0 when every example matches
"""
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```", re.S | re.M)
DIRECTIVE = re.compile(r"<!--\s*doc-example:\s*(\w+)\s*(.*?)\s*-->\s*\n\s*$", re.S)
DATA_LANGS = {"json", "yaml", "yml", "toml", "rust", "c", "dockerfile", "xml", "svg", "mermaid",
              "diff", "markdown", "md", "jsonl"}
SHELL_LANGS = {"sh", "bash", "console", "shell"}
SHELL_WORDS = {"if", "then", "else", "fi", "exit", "echo", "for", "do", "done", "cd", "export"}
MAX_ILLUSTRATIVE = 8
CI_COMMAND = re.compile(r"(?:^|[\s:|-])((?:memgate|cargo|bash) [^#\n]*)")


def blocks(path):
    text = open(path, encoding="utf-8").read()
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        before = text[max(0, m.start() - 300):m.start()]
        d = DIRECTIVE.search(before)
        yield line, m.group(1), m.group(2), (d.group(1), d.group(2)) if d else None


def transcript(body):
    """[(command, [expected lines])] of a block in "$ command" form."""
    out, lines, i = [], body.split("\n"), 0
    if lines and lines[-1] == "":
        lines.pop()
    while i < len(lines):
        if not lines[i].startswith("$ "):
            i += 1
            continue
        cmd = lines[i][2:]
        while cmd.endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd = cmd[:-1] + " " + lines[i].strip()
        i += 1
        expected = []
        while i < len(lines) and not lines[i].startswith("$ "):
            expected.append(lines[i])
            i += 1
        out.append((cmd, expected))
    return out


def normalise(text, scratch):
    text = text.replace(scratch + "/", "").replace(scratch, ".")
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<TIME>", text)
    return [l.rstrip() for l in text.rstrip("\n").split("\n")] if text.strip() else []


def matches(expected, actual):
    """Lines equal, a "..." line in expected standing for any run of lines."""
    if not expected:
        return not actual
    if expected[0].strip() == "...":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def run(cmd, scratch, bindir):
    env = {"PATH": bindir + ":/usr/bin:/bin", "HOME": scratch, "LC_ALL": "C.UTF-8", "TZ": "UTC",
           "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1767225600", "COLUMNS": "80"}
    p = subprocess.run(["bash", "-c", cmd], cwd=scratch, env=env, capture_output=True,
                       text=True, timeout=120)
    return p.stdout + p.stderr


def help_options(memgate, sub, cache={}):
    if sub not in cache:
        p = subprocess.run([memgate, sub, "--help"], capture_output=True, text=True)
        cache[sub] = set(re.findall(r"--[a-z][a-z-]*", p.stdout)) if p.returncode == 0 else None
    return cache[sub]


def check_commands(body, memgate, source, where, problems, notes):
    for raw in body.replace("\\\n", " ").split("\n"):
        cmd = raw.split("#", 1)[0].strip()
        if not cmd:
            continue
        for part in re.split(r"\s*(?:\||&&|;)\s*", cmd):
            words = part.split()
            while words and re.match(r"^[A-Z_]+=", words[0]):
                words = words[1:]
            if not words:
                continue
            if words[0] == "memgate" and len(words) > 1 and not words[1].startswith("-"):
                opts = help_options(memgate, words[1])
                if opts is None:
                    problems.append(f"{where}: no command 'memgate {words[1]}'")
                    continue
                for w in words[2:]:
                    o = w.split("=", 1)[0]
                    if o.startswith("--") and o not in opts:
                        problems.append(f"{where}: 'memgate {words[1]}' has no option {o}")
            elif words[0] == "bash" and len(words) > 1:
                if not os.path.exists(os.path.join(source, words[1])):
                    problems.append(f"{where}: no script {words[1]}")
            elif words[0] == "cargo" and "--features" in words:
                # memgate init writes an example and no cargo feature (docs/comply.md)
                problems.append(f"{where}: '{part}' needs a cargo feature that "
                                "'memgate init' does not set up; use --example dhat_profile")
            elif words[0] not in ("memgate", "bash") and words[0] not in SHELL_WORDS:
                notes.add(words[0])


def main():
    memgate, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pages = [os.path.join(source, "README.md")] + sorted(glob.glob(os.path.join(source, "docs",
                                                                               "*.md")))
    bindir = tempfile.mkdtemp(prefix="memgate-doc-bin-")
    os.symlink(memgate, os.path.join(bindir, "memgate"))
    problems, notes, ran, checked, pictures = [], set(), 0, 0, []
    for page in pages:
        rel = os.path.relpath(page, source)
        scratch = tempfile.mkdtemp(prefix="memgate-doc-")
        shutil.copytree(os.path.join(source, "testdata"), os.path.join(scratch, "testdata"),
                        ignore=shutil.ignore_patterns("*.lock"))
        for line, lang, body, directive in blocks(page):
            if directive and directive[0] == "write":  # before any transcript of the page
                target = os.path.join(scratch, directive[1])
                os.makedirs(os.path.dirname(target), exist_ok=True)
                open(target, "w").write(body)
        for line, lang, body, directive in blocks(page):
            where = f"{rel}:{line}"
            if directive and directive[0] == "skip":
                print(f"{where}: not run: {directive[1]}")
                continue
            if directive and directive[0] == "write":
                continue
            if directive and directive[0] == "illustrative":
                if not directive[1]:
                    problems.append(f"{where}: 'illustrative' needs a reason")
                pictures.append(f"{where}: {directive[1]}")
                continue
            if lang in ("yaml", "yml"):  # CI jobs: the commands in their run: and script: lines
                cmds = "\n".join(m.group(1) for l in body.split("\n")
                                 for m in [CI_COMMAND.search(re.split(r"(?:^|\s)#", l)[0])]
                                 if m)
                if cmds:
                    checked += 1
                    check_commands(cmds, memgate, source, where, problems, notes)
                continue
            if lang in DATA_LANGS:
                continue
            steps = transcript(body)
            if steps:
                for cmd, expected in steps:
                    actual = normalise(run(cmd, scratch, bindir), scratch)
                    expected = normalise("\n".join(expected), scratch)
                    ran += 1
                    if not matches(expected, actual):
                        diff = "\n".join(difflib.unified_diff(
                            expected, actual, f"{where} (the page)", "(memgate now)", lineterm=""))
                        problems.append(f"{where}: $ {cmd}\n{diff}")
            elif lang in SHELL_LANGS or re.match(r"^(memgate|bash|cargo) [\w-]+(\s|$)", body):
                checked += 1
                check_commands(body, memgate, source, where, problems, notes)
            else:  # output with no command: show the command ("$ ...") so it is run
                problems.append(f"{where}: a block of output that no command produces; write it "
                                "as a transcript (\"$ memgate ...\" then its output) or mark a "
                                "picture with <!-- doc-example: illustrative REASON -->")
        shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(bindir, ignore_errors=True)
    print(f"doc examples: {ran} transcripts run, {checked} command blocks checked; "
          f"commands of other tools not run: {', '.join(sorted(notes)) or 'none'}")
    print(f"{len(pictures)} illustrative block(s), not run:")
    for p in pictures:
        print("  " + p)
    if len(pictures) > MAX_ILLUSTRATIVE:
        problems.append(f"{len(pictures)} illustrative blocks, more than {MAX_ILLUSTRATIVE}: "
                        "tie the output ones to the command that prints them")
    for p in problems:
        print("\n" + p)
    if problems:
        print(f"\n{len(problems)} doc example(s) disagree with memgate; fix the page (or the tool). "
              "bash ci/doc-examples.sh reruns this.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
