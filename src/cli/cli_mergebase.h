/*
 * The merge base of a pull/merge request: which commit it is, and the files
 * there (the baseline and .pmat.yaml), so a PR cannot move its own goalposts.
 */
#ifndef MEMGATE_CLI_MERGEBASE_H
#define MEMGATE_CLI_MERGEBASE_H

#include <stdbool.h>
#include <stddef.h>

#include "memgate/buf.h"
#include "memgate/error.h"

struct cli_mergebase {
    bool active;        /* reading at the merge base */
    char sha[64];       /* the merge-base commit */
    char short_sha[16]; /* its first 12 characters, for reports */
    char from[192];     /* how it was found: "GITHUB_BASE_REF=main", "--baseline-ref v1.2", ... */
};

/*
 * Decide and resolve. mode is --baseline-ref: NULL (the default: auto, in
 * PR/MR pipelines only), "none", "auto" (also outside them: the merge base
 * with origin's default branch), or a git revision. In a GitHub PR
 * (GITHUB_BASE_REF) the merge base of HEAD and origin/BASE_REF; in a GitLab
 * MR pipeline CI_MERGE_REQUEST_DIFF_BASE_SHA. A shallow checkout is fetched
 * deeper (git fetch --depth / --deepen) until the commit is there; when that is
 * impossible the error says what to change (fetch-depth: 0). Inactive,
 * without running git, when there is nothing to resolve.
 */
int cli_mergebase_resolve(struct cli_mergebase *mb, const char *mode, mg_error *err);

/*
 * A file as it is at the merge base; path is relative to the current
 * directory (or absolute inside the work tree). *exists is false when the
 * merge base has no such file. out is cleared first.
 */
int cli_mergebase_read(const struct cli_mergebase *mb, const char *path, mg_buf *out, bool *exists,
                       mg_error *err);

#endif
