# Type into an interactive zsh (zsh/zpty) with the installed _memgate on fpath and compinit, and
# check what <TAB> completes. Exit 0 when every completion came out as expected.
# usage: zsh -f zsh_complete.zsh COMPLETION_DIR SCRATCH_DIR
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -d ${(q)2}/zcompdump; PS1='> '; print READY"
zpty -r -m z line '*READY*'

# Read what the shell wrote until it shows $1 (a slow machine gets 30 s).
expect() {
  local chunk out="" i
  for i in {1..60}; do
    sleep 0.5
    while zpty -r -t z chunk; do out+=$chunk; done
    [[ $out == *"$1"* ]] && return 0
  done
  print -r -- "zsh: expected '$1' after typing, got: ${(q)out}" >&2
  return 1
}

rc=0
zpty -w -n z $'memgate ch\t'
expect 'memgate check' || rc=1
zpty -w -n z $'\C-u'
zpty -w -n z $'memgate check --for\t'
expect 'memgate check --format' || rc=1
zpty -d z
exit $rc
