/* Running git without a shell: argv in, stdout and stderr kept apart. */
#ifndef MEMGATE_CLI_GIT_H
#define MEMGATE_CLI_GIT_H

#include "memgate/buf.h"
#include "memgate/error.h"

/*
 * Run `git ARGS...` (args NULL-terminated, without "git") in the current
 * directory. out receives stdout (at most 64 MiB: a baseline or a config
 * file), errtext the first 1 KiB or so of stderr for messages (may be NULL).
 * Returns git's exit status (0 success), or a negative code with err set
 * when git cannot be started at all.
 */
int cli_git(const char *const *args, mg_buf *out, char *errtext, size_t errsize, mg_error *err);

/* The commit checked out in the repository at dir ("" when git cannot say). */
void cli_git_head(const char *dir, char *out, size_t size);

#endif
