/* Private: the scripts of a project that run heaptrack (CB-141 with profiler heaptrack). */
#ifndef MEMGATE_COMPLY_SCRIPTS_H
#define MEMGATE_COMPLY_SCRIPTS_H

#include "comply/strlist.h"
#include "memgate/error.h"

/* Where scripts_find_heaptrack looks, for messages and --help. */
#define SCRIPTS_LOOKED_AT                                                                          \
    "Makefile, justfile, *.sh, scripts/, ci/, .github/workflows/, .gitlab-ci.yml, .cargo/"

/*
 * Append to found (paths relative to dir) every file that runs heaptrack:
 * a line, not a # comment, with `heaptrack` as a command word (followed by a
 * blank, not part of a longer name such as heaptrack_print). Files looked at:
 * Makefile, makefile, GNUmakefile, justfile, Justfile, .justfile,
 * .gitlab-ci.yml and *.sh in dir, and every file directly in scripts/, ci/,
 * .github/workflows/ and .cargo/. Files over 1 MiB are skipped.
 */
int scripts_find_heaptrack(const char *dir, strlist *found, mg_error *err);

#endif
