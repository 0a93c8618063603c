/* Private: GitHub Actions job files and workflow commands (docs/posting.md, "GitHub: job files and
 * workflow commands"). */
#ifndef MEMGATE_CI_GHA_H
#define MEMGATE_CI_GHA_H

#include <stddef.h>

#include "memgate/buf.h"
#include "memgate/publish.h"

/* GitHub refuses a step summary above 1 MiB; memgate stays below it. */
#define MG_GHA_SUMMARY_MAX ((size_t)1 << 20)

/* Append markdown to $GITHUB_STEP_SUMMARY (no-op when unset), keeping the file under 1 MiB. */
int mg_gha_step_summary(const char *markdown, mg_error *err);

/*
 * Append step outputs to $GITHUB_OUTPUT (no-op when unset): verdict, workloads,
 * failed-workloads, one line per metric of a single workload (current value), a
 * multi-line JSON "metrics" value with a random heredoc delimiter, and comment-url.
 */
int mg_gha_outputs(const mg_publish_request *req, const char *comment_url, mg_error *err);

/* ::error / ::warning lines (for stdout) for every failed or warned metric. */
int mg_gha_annotations(mg_buf *out, const mg_publish_request *req, mg_error *err);

/* Workflow-command escaping: data escapes % CR LF; properties also ':' and ','. */
int mg_gha_escape(mg_buf *out, const char *s, int property, mg_error *err);

#endif
