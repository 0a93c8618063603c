/* Reviewed exceptions: a regression a team accepts, with the reason every report repeats. */
#ifndef MEMGATE_CLI_ACCEPT_H
#define MEMGATE_CLI_ACCEPT_H

#include <stdbool.h>
#include <stddef.h>

#include "memgate/config.h"
#include "memgate/error.h"

#define CLI_ACCEPT_TRAILER "Memgate-Accept"
#define CLI_ACCEPT_LABEL "memgate-accept"

/*
 * Find the exception that applies, first match wins: --accept REASON (flag),
 * the MEMGATE_ACCEPT environment variable, a commit trailer
 * "Memgate-Accept: reason" in `git log -1 --format=%B` (for a merge commit,
 * GitHub's PR checkout, its second parent too), then a PR/MR label
 * (GitHub event payload, GitLab CI_MERGE_REQUEST_LABELS). Trailer key and
 * label come from memgate.accept in the configuration. Returns 1 with reason
 * and source filled, 0 when there is none, or a negative error (an empty
 * reason, or exceptions disabled by memgate.accept.allowed: false while
 * --accept was given).
 */
int cli_accept_find(const char *flag_reason, const mg_config *cfg, char *reason, size_t rsize,
                    char *source, size_t ssize, mg_error *err);

#endif
