#!/bin/sh
# Re-creates the captures in this directory (Valgrind 3.19.0, Debian 12). Valgrind writes the
# command and its own options raw into massif.out's cmd:/desc: lines, so a newline inside an
# argument spreads them over several lines; DHAT's JSON escapes it (\u000a) and DHAT's stderr
# banner shows it as '_'. Valgrind 3.19's ms_print refuses such a massif file; its message is
# captured too. Run from this directory: sh capture.sh
set -eu
valgrind --tool=massif --massif-out-file=massif-sh-c.massif.out sh -c 'echo a
echo b' >/dev/null 2>&1
valgrind --tool=massif --massif-out-file=massif-alloc-fn.massif.out '--alloc-fn=a
b' sh -c 'echo a' >/dev/null 2>&1
ms_print massif-sh-c.massif.out >/dev/null 2>ms_print-refusal.txt || true
valgrind --tool=dhat --dhat-out-file=dhat-sh-c.json sh -c 'echo a
echo b' >/dev/null 2>dhat-sh-c.stderr.txt
