#!/usr/bin/env bash
# Install what memgate needs to build and test on Debian, only what is missing. Idempotent.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libjansson-dev libcurl4-openssl-dev libyaml-dev
      libcriterion-dev libzstd-dev zlib1g-dev libxml2-dev ca-certificates git
      golang-go  # go tool pprof: the live oracle of tests/cli/test_cli_pprof.c
      util-linux) # setpriv: the permission tests drop root's capabilities (tests/support/privilege.c)
# tests/browser/render_test.py: the pictures rendered in headless Chromium (fonts for the text
# and the verdict icons), python3 to drive it
pkgs+=(chromium fonts-dejavu-core fonts-noto-color-emoji python3)
# tests/onramp/c_project.py: a C project profiled as memgate init's CI steps do it (Valgrind DHAT,
# heaptrack), their YAML read with PyYAML
pkgs+=(valgrind heaptrack python3-yaml)
# tests/install: man memgate after cmake --install, the zsh completion parsed by zsh; the
# .deb built by CPack (dpkg-shlibdeps for its dependencies, dpkg-deb to read it)
pkgs+=(man-db groff-base zsh dpkg-dev)
# tests/install/workflows_test.py reads the workflows and action.yml
pkgs+=(python3-yaml)
# tests/cli/test_init.c: cargo metadata accepts the Cargo.toml memgate init writes (offline)
command -v cargo >/dev/null 2>&1 || pkgs+=(cargo)
# npm installs the Markdown and Mermaid renderers below; use the machine's Node.js when it has one
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
pkgs+=("$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ci/setup.sh: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The real Markdown + Mermaid renderer of the browser test: marked and mermaid, pinned in
# tests/browser/package-lock.json, installed into tests/browser/node_modules (never fetched
# while the tests run). Again only when missing or out of date.
browser="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
if [ ! -f "$browser/node_modules/.package-lock.json" ] ||
   [ "$browser/package-lock.json" -nt "$browser/node_modules/.package-lock.json" ]; then
  echo "ci/setup.sh: installing the npm packages of tests/browser (marked, mermaid)"
  (cd "$browser" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi
