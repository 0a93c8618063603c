/*
 * check in a pull/merge request: the baseline and .pmat.yaml as they are at
 * the merge base, so a PR that raises its own baseline or loosens its own
 * limits is still judged by the old ones (docs/configuration.md, "Merge base").
 */
#ifndef MEMGATE_CLI_BASEGATE_H
#define MEMGATE_CLI_BASEGATE_H

#include <stdbool.h>

#include "cli_mergebase.h"
#include "cli_notice.h"
#include "cli_policy.h"
#include "memgate/baseline.h"
#include "memgate/history.h"

struct cli_basegate {
    struct cli_mergebase mb;
    mg_config *head_cfg;      /* the PR's own .pmat.yaml, for comparison */
    char head_baseline[4096]; /* the PR's baseline path */
    bool changes;             /* the PR changes its baseline or limits */
    bool require_review;      /* memgate.merge_base.require_review, or the flag */
};

/*
 * Decide (flag, else memgate.merge_base.ref) and, when active, put the merge
 * base's configuration into s (paths resolved from it); the PR's stays in
 * g->head_cfg. The merge base's own merge_base.ref: none turns it off.
 */
int cli_basegate_config(struct cli_basegate *g, const char *flag, bool require_flag,
                        struct cli_setup *s, const struct cli_paths *p, mg_error *err);

/* Compare the policies built from both configurations; notices for the differences. */
void cli_basegate_policy(struct cli_basegate *g, const mg_policy *base, const mg_policy *head,
                         struct cli_notices *n);

/*
 * The baseline to judge by: the merge base's when it has one for the
 * workload (a notice when the PR's differs), else the PR's (a notice: the PR
 * adds it). *out is NULL when neither exists.
 */
int cli_basegate_baseline(struct cli_basegate *g, const struct cli_setup *s, mg_baseline **out,
                          struct cli_notices *n, mg_error *err);

/*
 * The history (drift anchor, trend) as the merge base has it: a PR's own
 * history lines (an anchor it pinned) do not count yet. Empty when absent.
 */
int cli_basegate_history(const struct cli_basegate *g, const struct cli_setup *s, mg_history *h,
                         mg_error *err);

void cli_basegate_release(struct cli_basegate *g);

#endif
