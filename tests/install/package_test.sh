#!/usr/bin/env bash
# cpack's .deb and tarball, read back as apt and a user would: the package's name, version and
# dependencies (dpkg-shlibdeps: what the binary links), its files, the binary and man page run
# from the unpacked tree, and apt resolving an install of it (simulated: the suite does not
# change the machine; docs/install.md records a real apt install).
# The Dockerfile's runtime stage installs exactly the .deb's library dependencies.
# usage: package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source_dir=$2
fail() { echo "package_test: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps man; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run ci/setup.sh"
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memgate package.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cpack --config "$build/CPackConfig.cmake" -G "DEB;TGZ" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 ||
  fail "cpack failed: $(cat "$tmp/cpack.log")"
version=$("$build/memgate" --version | sed -n 's/^memgate //p')
arch=$(dpkg --print-architecture)
deb="$tmp/out/memgate_${version}_${arch}.deb"
[ -f "$deb" ] || fail "no $deb: $(ls "$tmp/out")"

[ "$(dpkg-deb -f "$deb" Package)" = memgate ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "version is not memgate --version's"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libcurl4 libjansson4 libyaml-0-2 libzstd1 zlib1g; do
  grep -qE "(^|, )$lib( |,|$)" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
# the image's runtime stage (after the last FROM): the same libraries, no more, no fewer (the
# sanitizer runtimes of an ASan/UBSan build are no dependency of a release)
want=$(sed 's/ *([^)]*)//g; s/, */\n/g' <<<"$depends" | grep -vxE 'libc6|lib(a|ub|l)san[0-9]*' | sort)
have=$(awk '/^FROM /{stage=$0} stage !~ / AS build/' "$source_dir/Dockerfile" |
  sed -n '/apt-get install/,/rm -rf/p' | tr ' \\' '\n\n' | grep -E '^(lib|zlib)' | sort)
[ "$want" = "$have" ] ||
  fail "Dockerfile runtime libraries ($(echo $have)) differ from the .deb's Depends ($(echo $want))"
contents=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for f in ./usr/bin/memgate ./usr/share/man/man1/memgate.1 \
         ./usr/share/bash-completion/completions/memgate \
         ./usr/share/zsh/vendor-completions/_memgate; do
  grep -qx -- "$f" <<<"$contents" || fail "the .deb lacks $f"
done

dpkg-deb -x "$deb" "$tmp/root"
[ "$("$tmp/root/usr/bin/memgate" --version)" = "memgate $version" ] || fail "packaged binary"
MANWIDTH=80 LC_ALL=C man -l "$tmp/root/usr/share/man/man1/memgate.1" | grep -q 'memgate check' ||
  fail "packaged man page does not render"
if command -v apt-get >/dev/null; then
  apt-get -s install "$deb" >"$tmp/apt.log" 2>&1 || fail "apt cannot install it: $(cat "$tmp/apt.log")"
  grep -q "^Inst memgate ($version" "$tmp/apt.log" || fail "apt would not install memgate: $(cat "$tmp/apt.log")"
fi

tarball="$tmp/out/memgate-$version-linux-$(uname -m).tar.gz"
[ -f "$tarball" ] || fail "no $tarball: $(ls "$tmp/out")"
mkdir "$tmp/tar"
tar -xzf "$tarball" -C "$tmp/tar"
top="$tmp/tar/memgate-$version-linux-$(uname -m)"
[ "$("$top/bin/memgate" --version)" = "memgate $version" ] || fail "tarball binary"
[ -f "$top/share/man/man1/memgate.1" ] || fail "tarball lacks the man page"
echo "package_test: ok ($(basename "$deb"): $depends)"
