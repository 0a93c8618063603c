#!/usr/bin/env python3
"""memgate's pictures as a person sees them: rendered in headless Chromium and checked on screen.

The HTML report, the flame graphs and the Markdown report (through a real Markdown and Mermaid
renderer, the npm packages marked and mermaid that ci/setup.sh installs into
tests/browser/node_modules) are opened in Debian's chromium, screenshotted, and asserted on:
no console or script errors, the verdict banner and tables present, the flame graph's red and
blue frames and the history chart's lines on screen in colours that are not the background's.

Nothing is fetched from the network: every page and script is a local file.
Without chromium (or without the npm packages) the checks that need them print SKIPPED and the
script exits 77, which ctest reports as skipped, never as passed.

usage: render_test.py --memgate BIN --testdata DIR --node-modules DIR --out DIR
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1", "--enable-logging=stderr",
         "--v=0"]

results = {"passed": 0, "failed": 0, "skipped": 0}


def report(name, problems, skipped=None):
    if skipped:
        results["skipped"] += 1
        print(f"SKIPPED {name}: {skipped}")
    elif problems:
        results["failed"] += 1
        print(f"FAIL {name}:")
        for p in problems:
            print(f"    - {p}")
    else:
        results["passed"] += 1
        print(f"ok   {name}")
    sys.stdout.flush()


def find_chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    def __init__(self, exe, work):
        self.exe = exe
        self.work = work

    def run(self, url, extra):
        # a fresh profile every time: nothing carried over between pages
        profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=self.work)
        cmd = [self.exe] + FLAGS + [f"--user-data-dir={profile}"] + extra + [url]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180,
                           env=dict(os.environ, LANG="C.UTF-8"))
        shutil.rmtree(profile, ignore_errors=True)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def screenshot(self, url, png, width, height):
        rc, _, err = self.run(url, [f"--screenshot={png}", f"--window-size={width},{height}",
                                    "--virtual-time-budget=20000"])
        if rc != 0 or not os.path.exists(png):
            raise RuntimeError(f"chromium could not screenshot {url} (exit {rc}):\n{err[-2000:]}")
        return err

    def dom(self, url):
        rc, out, err = self.run(url, ["--dump-dom", "--virtual-time-budget=20000"])
        if rc != 0:
            raise RuntimeError(f"chromium could not load {url} (exit {rc}):\n{err[-2000:]}")
        return out, err


def console_lines(stderr):
    """What the page said on the console (chromium logs it as CONSOLE lines)."""
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line or "Failed to load resource" in line or "Uncaught" in line]


def read_png(path):
    """Decode an 8-bit RGB or RGBA PNG into rows of (r, g, b) tuples."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError(f"{path}: PNG depth {depth} type {ctype} not supported")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        ftype, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 0xFF
            elif ftype == 2:
                line[x] = (line[x] + b) & 0xFF
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return rows


def count_near(rows, colour, tol=6, box=None):
    x0, y0, x1, y1 = box or (0, 0, len(rows[0]), len(rows))
    n = 0
    for row in rows[y0:y1]:
        for px in row[x0:x1]:
            if all(abs(px[k] - colour[k]) <= tol for k in range(3)):
                n += 1
    return n


def count_where(rows, pred):
    return sum(1 for row in rows for px in row if pred(px))


def hex_rgb(h):
    h = h.lstrip("#")
    return tuple(int(h[k:k + 2], 16) for k in (0, 2, 4))


def memgate(args, cwd, ok=(0, 1)):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600", NO_COLOR="1")
    p = subprocess.run([ARGS.memgate] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    if p.returncode not in ok:
        raise RuntimeError(f"memgate {' '.join(args)}: exit {p.returncode}\n{p.stderr.decode()}")
    return p.stdout.decode("utf-8")


def profile(name):
    return os.path.join(ARGS.testdata, "profiles", name)


def make_reports(work):
    """A failing check with a history of three baselines: the reports a reviewer sees."""
    base = profile("dhatrs-wordfreq-baseline-debug.json")
    opt = profile("dhatrs-wordfreq-optimized-debug.json")
    reg = profile("dhatrs-wordfreq-regressed-debug.json")
    memgate(["update-baseline", base, "--approve", "--commit", "aaaa1111"], work, ok=(0,))
    env_day2 = ["update-baseline", opt, "--approve", "--allow-regression"]
    p = subprocess.run([ARGS.memgate] + env_day2, cwd=work, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1767312000"))
    if p.returncode != 0:
        raise RuntimeError(p.stderr.decode())
    memgate(["update-baseline", base, "--approve", "--allow-regression", "--commit", "cccc3333"],
            work, ok=(0,))
    memgate(["check", reg, "--compare-profile", base, "--format", "html", "--output",
             "report.html", "--format", "markdown", "--output", "report.md"], work)
    memgate(["show", reg, "--format", "flamegraph", "--output", "flame.svg"], work)
    memgate(["diff", base, reg, "--format", "flamegraph", "--output", "flame-grew.svg"], work)
    memgate(["diff", base, opt, "--format", "flamegraph", "--output", "flame-shrank.svg"], work)
    memgate(["trend", reg, "--output", "trend.svg"], work)


def check_html(browser, work, out):
    url = "file://" + os.path.join(work, "report.html")
    png = os.path.join(out, "report-html.png")
    problems = []
    err = browser.screenshot(url, png, 1280, 2300)
    problems += [f"console: {line}" for line in console_lines(err)]
    dom, err = browser.dom(url)
    problems += [f"console: {line}" for line in console_lines(err)]
    if 'id="verdict" class="banner fail"' not in dom:
        problems.append("no failing verdict banner in the page")
    for section in ("metrics", "hotspots", "flamegraph", "history", "next"):
        if f'<section id="{section}">' not in dom:
            problems.append(f"section {section} missing")
    rows = read_png(png)
    banner = rows[20][40]
    if any(abs(banner[k] - hex_rgb("#cf222e")[k]) > 8 for k in range(3)):
        problems.append(f"the banner is not red on screen: pixel {banner}")
    if count_near(rows, hex_rgb("#ffebe9"), tol=3) < 2000:
        problems.append("no failing (pink) table rows on screen")
    if count_near(rows, (255, 35, 35), tol=4) < 1000:
        problems.append("the differential flame graph's grown frames are not on screen")
    if count_near(rows, hex_rgb("#1f6feb"), tol=10) < 100:
        problems.append("the history chart's peak line is not on screen")
    if count_near(rows, hex_rgb("#cf222e"), tol=10) < 3000:
        problems.append("the limit line is not on screen")
    white = count_near(rows, (255, 255, 255), tol=0)
    if white > 0.97 * len(rows) * len(rows[0]):
        problems.append("the page is blank")
    report("HTML report (banner, tables, flame graph, chart)", problems)
    # the README's picture: the top of the page
    browser.screenshot(url, os.path.join(out, "readme-html-report.png"), 900, 640)


def check_flame(browser, work, out):
    problems = []
    pages = {"flame.svg": "readme-flamegraph.png", "flame-grew.svg": "readme-flamegraph-diff.png",
             "flame-shrank.svg": None}
    shots = {}
    for svg, readme in pages.items():
        url = "file://" + os.path.join(work, svg)
        png = os.path.join(out, svg.replace(".svg", ".png"))
        err = browser.screenshot(url, png, 1200, 480)
        problems += [f"{svg} console: {line}" for line in console_lines(err)]
        shots[svg] = read_png(png)
        if readme:
            shutil.copyfile(png, os.path.join(out, readme))
    single = shots["flame.svg"]
    own = count_where(single, lambda p: p[0] >= 220 and 60 <= p[1] <= 165 and 25 <= p[2] <= 65)
    muted = count_where(single, lambda p: 200 <= p[0] <= 235 and abs(p[0] - p[1]) <= 3 and
                        p[2] >= p[0] and p[2] - p[0] <= 8)
    if own < 3000:
        problems.append(f"own-code frames not highlighted on screen ({own} warm pixels)")
    if muted < 3000:
        problems.append(f"runtime frames not muted grey on screen ({muted} pixels)")
    red = count_near(shots["flame-grew.svg"], (255, 35, 35), tol=4)
    if red < 3000:
        problems.append(f"baseline -> regressed: the growth is not red on screen ({red} pixels)")
    blue = count_where(shots["flame-shrank.svg"],
                       lambda p: p[2] >= 250 and p[0] == p[1] and p[0] < 200)
    if blue < 1000:
        problems.append(f"baseline -> optimized: the shrinking is not blue on screen ({blue})")
    report("flame graphs (own code, runtime, red grew, blue shrank)", problems)


HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<style>
body{{background:{bg};color:{fg};font:14px sans-serif;margin:16px;width:860px}}
table{{border-collapse:collapse}} td,th{{border:1px solid #768390;padding:2px 6px}}
pre.mermaid{{background:{bg}}}
</style>
<script src="{modules}/marked/lib/marked.umd.js"></script>
<script src="{modules}/mermaid/dist/mermaid.min.js"></script>
</head><body><div id="out"></div><pre id="errors"></pre>
<script>
const errors = [];
window.addEventListener('error', e => errors.push('error: ' + e.message));
const consoleError = console.error;
console.error = (...a) => {{ errors.push('console.error: ' + a.join(' ')); consoleError(...a); }};
function done() {{
  document.getElementById('errors').textContent = errors.join('\\n');
  document.body.dataset.errors = String(errors.length);
  document.body.dataset.done = 'yes';
}}
try {{
  const md = {markdown};
  document.getElementById('out').innerHTML = marked.parse(md);
  for (const code of document.querySelectorAll('pre > code.language-mermaid')) {{
    const pre = document.createElement('pre');
    pre.className = 'mermaid';
    pre.textContent = code.textContent;
    code.parentElement.replaceWith(pre);
  }}
  mermaid.initialize({{startOnLoad: false}});
  mermaid.run({{querySelector: 'pre.mermaid'}})
    .catch(e => errors.push('mermaid: ' + e))
    .finally(done);
}} catch (e) {{ errors.push('script: ' + e); done(); }}
</script></body></html>
"""


def check_markdown(browser, work, out):
    modules = ARGS.node_modules
    need = [os.path.join(modules, "marked", "lib", "marked.umd.js"),
            os.path.join(modules, "mermaid", "dist", "mermaid.min.js")]
    missing = [p for p in need if not os.path.exists(p)]
    if missing:
        report("Markdown report through marked + mermaid", [],
               skipped=f"{missing[0]} is not installed (bash ci/setup.sh installs it)")
        return
    with open(os.path.join(work, "report.md"), encoding="utf-8") as f:
        md = f.read()
    for theme, bg, fg in (("light", "#ffffff", "#1f2328"), ("dark", "#0d1117", "#e6edf3")):
        problems = []
        page = os.path.join(work, f"markdown-{theme}.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(HARNESS.format(bg=bg, fg=fg, modules="file://" + modules,
                                   markdown=json.dumps(md).replace("</", "<\\/")))
        url = "file://" + page
        dom, err = browser.dom(url)
        problems += [f"console: {line}" for line in console_lines(err)
                     if "console.error" in line or "Uncaught" in line]
        if 'data-done="yes"' not in dom:
            problems.append("the renderer did not finish")
        if 'data-errors="0"' not in dom:
            start = dom.find('<pre id="errors">')
            problems.append("errors on the page: " + dom[start:start + 600])
        if "<table>" not in dom or "<strong>fail</strong>" not in dom:
            problems.append("the metric table with the failing rows was not rendered")
        if "What now" not in dom:
            problems.append("the 'What now' block was not rendered")
        if dom.count('aria-roledescription="xychart"') < 2:
            problems.append("the two history charts were not drawn by mermaid")
        if "Syntax error" in dom:
            problems.append("mermaid reported a syntax error")
        line_colour = "#2f81f7"
        if f'stroke="{line_colour}"' not in dom:
            problems.append(f"no chart line drawn in {line_colour}")
        if line_colour.lower() == bg.lower():
            problems.append("the chart line has the background colour")
        png = os.path.join(out, f"markdown-{theme}.png")
        err = browser.screenshot(url, png, 900, 1700)
        rows = read_png(png)
        on_screen = count_near(rows, hex_rgb(line_colour), tol=12)
        if on_screen < 80:
            problems.append(f"the history line is not visible on the {theme} background "
                            f"({on_screen} pixels of {line_colour})")
        limit = count_near(rows, hex_rgb("#e5534b"), tol=12)
        if limit < 80:
            problems.append(f"the limit line is not visible on the {theme} background")
        if theme == "light":
            # the README's picture: the verdict, the table and the first chart
            browser.screenshot(url, os.path.join(out, "readme-markdown.png"), 900, 1060)
        report(f"Markdown report through marked + mermaid ({theme} theme)", problems)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--memgate", required=True)
    ap.add_argument("--testdata", required=True)
    ap.add_argument("--node-modules", required=True)
    ap.add_argument("--out", required=True)
    ARGS = ap.parse_args()
    ARGS.node_modules = os.path.abspath(ARGS.node_modules)
    ARGS.memgate = os.path.abspath(ARGS.memgate)
    ARGS.testdata = os.path.abspath(ARGS.testdata)
    exe = find_chromium()
    if not exe:
        print("SKIPPED: chromium is not installed (bash ci/setup.sh installs Debian's chromium); "
              "the pictures were not checked")
        return SKIP
    os.makedirs(ARGS.out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="memgate pictures ") as work:
        browser = Browser(exe, work)
        make_reports(work)
        for check in (check_html, check_flame, check_markdown):
            try:
                check(browser, work, ARGS.out)
            except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
                report(check.__name__, [str(e)])
    print(f"{results['passed']} passed, {results['failed']} failed, {results['skipped']} skipped")
    if results["failed"]:
        return 1
    return SKIP if results["skipped"] else 0


if __name__ == "__main__":
    sys.exit(main())
