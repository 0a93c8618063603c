#!/usr/bin/env bash
# Install what memgate needs to build and test on Debian, only what is missing. Idempotent.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libjansson-dev libcurl4-openssl-dev libyaml-dev
      libcriterion-dev libzstd-dev zlib1g-dev libxml2-dev ca-certificates git
      golang-go) # go tool pprof: the live oracle of tests/cli/test_cli_pprof.c
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
