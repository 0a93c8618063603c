#!/usr/bin/env bash
# cmake --install into a temporary prefix (DESTDIR, a path with a space), then what a user does
# with the result: man memgate, bash completion of commands and options, zsh parsing _memgate
# and completing in an interactive zsh (zsh_complete.zsh).
# usage: install_test.sh BUILD_DIR
set -euo pipefail
build=$1
fail() { echo "install_test: $*" >&2; exit 1; }
for tool in man zsh; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run ci/setup.sh"
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memgate install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=/opt/memgate
DESTDIR="$tmp/dest" cmake --install "$build" --prefix "$prefix" >/dev/null
root="$tmp/dest$prefix"
bin="$root/bin/memgate"
man1="$root/share/man/man1/memgate.1"
bashc="$root/share/bash-completion/completions/memgate"
zshc="$root/share/zsh/site-functions/_memgate"
for f in "$bin" "$man1" "$bashc" "$zshc"; do
  [ -f "$f" ] || fail "cmake --install did not install $f"
done
"$bin" --version | grep -q '^memgate [0-9]' || fail "installed binary does not run"

# The commands, as memgate --help lists them (two blanks, the name, its summary).
mapfile -t commands < <("$bin" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\)  .*/\1/p')
[ "${#commands[@]}" -ge 8 ] || fail "memgate --help lists ${#commands[@]} commands"

# man finds the page on MANPATH and renders it without warnings.
page=$(MANPATH="$root/share/man" MANWIDTH=80 LC_ALL=C man memgate 2>"$tmp/man.err") ||
  fail "man memgate failed: $(cat "$tmp/man.err")"
MANWIDTH=80 LC_ALL=C man --warnings -l "$man1" 2>"$tmp/warn" >/dev/null
[ ! -s "$tmp/warn" ] || fail "groff warnings in memgate.1: $(cat "$tmp/warn")"
grep -q '^NAME' <<<"$page" || fail "rendered page has no NAME section"
for c in "${commands[@]}"; do
  # the command's section holds every option its --help documents, as --help writes it
  section=$(awk -v h="   memgate $c" '$0 == h {on = 1; next} /^   memgate |^[A-Z]/ {on = 0} on' <<<"$page")
  [ -n "$section" ] || fail "man page has no section for memgate $c"
  while read -r opt; do
    grep -q -- "$opt" <<<"$section" || fail "man page section 'memgate $c' lacks $opt"
  done < <("$bin" "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
done

# bash: drive the completion function as readline would.
complete_words() {
  bash --norc --noprofile -c '
    source "$1"; shift
    complete -p memgate | grep -q -- "-F _memgate" || { echo "not registered" >&2; exit 1; }
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _memgate memgate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' sh "$bashc" "$@"
}
[ "$(complete_words memgate ch)" = check ] || fail "memgate ch<TAB> gave '$(complete_words memgate ch)'"
[ "$(complete_words memgate check --for)" = --format ] ||
  fail "memgate check --for<TAB> gave '$(complete_words memgate check --for)'"
[ -z "$(complete_words memgate check --format '')" ] || fail "--format's value is not left to files"
for c in "${commands[@]}"; do
  [ "$(complete_words memgate "$c")" = "$c" ] || fail "memgate $c<TAB> does not complete to $c"
  # every option the command takes completes, and --help documents it
  all=$(complete_words memgate "$c" --)
  [ -n "$all" ] || fail "no options complete for memgate $c"
  help=$("$bin" "$c" --help)
  while read -r opt; do
    grep -q -- "$opt\b" <<<"$help" || fail "memgate $c takes $opt but --help does not say so"
  done <<<"$all"
done

# zsh: the completion file parses, declares itself for memgate and names every command.
zsh -n "$zshc" || fail "_memgate does not parse"
head -1 "$zshc" | grep -qx '#compdef memgate' || fail "_memgate lacks #compdef memgate"
for c in "${commands[@]}"; do
  grep -q "^  $c)" "$zshc" || fail "_memgate has no case for $c"
done
# ... and completes in an interactive zsh: memgate ch<TAB>, memgate check --for<TAB>
zsh -f "$(dirname "$0")/zsh_complete.zsh" "$(dirname "$zshc")" "$tmp" ||
  fail "zsh does not complete memgate's commands and options"
echo "install_test: ok (${#commands[@]} commands)"
