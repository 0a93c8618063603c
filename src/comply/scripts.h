/* Private: the scripts of a project that run heaptrack or Valgrind DHAT (CB-141's profile step). */
#ifndef MEMGATE_COMPLY_SCRIPTS_H
#define MEMGATE_COMPLY_SCRIPTS_H

#include "comply/strlist.h"
#include "memgate/error.h"

/* Where scripts_find_heaptrack looks, for messages and --help. */
#define SCRIPTS_LOOKED_AT                                                                          \
    "Makefile, justfile, *.sh, scripts/, ci/, .github/workflows/, .gitlab-ci.yml, .gitlab/, "      \
    ".cargo/"

enum script_tool {
    SCRIPT_HEAPTRACK,     /* `heaptrack` as a command word */
    SCRIPT_VALGRIND_DHAT, /* `valgrind` as a command word, and --tool=dhat on the line */
};

/*
 * Append to found (paths relative to dir) every file that runs the tool: a
 * line, not a # comment, with `heaptrack` (or `valgrind` and --tool=dhat) as
 * a command word (followed by a blank, not part of a longer name such as
 * heaptrack_print). Files looked at: Makefile, makefile, GNUmakefile,
 * justfile, Justfile, .justfile, .gitlab-ci.yml and *.sh in dir, and every
 * file directly in scripts/, ci/, .github/workflows/, .gitlab/ and .cargo/.
 * Files over 1 MiB are skipped.
 */
int scripts_find(const char *dir, enum script_tool tool, strlist *found, mg_error *err);

#endif
