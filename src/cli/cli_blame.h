/* check's comparison by function and line from stacks, and the culprit of each changed metric. */
#ifndef MEMGATE_CLI_BLAME_H
#define MEMGATE_CLI_BLAME_H

#include <stdbool.h>

#include "memgate/baseline.h"
#include "memgate/blame.h"
#include "memgate/hsdiff.h"
#include "memgate/profile.h"

struct cli_blame {
    mg_stored_stacks base; /* the baseline workload's stacks */
    mg_blame blame;
    bool have_blame;
    mg_hsdiff changes; /* by function, with lines */
    bool have_changes;
    mg_culprits culprits;
    char note[320]; /* how the comparison was attributed, or why it was skipped; "" */
};

/* Read a workload's stacks (none is not an error: older baselines have none). */
int cli_blame_load(struct cli_blame *bl, const mg_baseline *b, const char *workload, mg_error *err);

/*
 * Compare the profile with the stored stacks under load's attribution rule
 * (the baseline is re-attributed from its stacks when it was recorded under
 * another), list the changes past opts' thresholds, and find the culprit of
 * every row of v that failed, warned, was accepted or improved. Without
 * stacks on either side the culprits say why, and note says it once.
 */
int cli_blame_run(struct cli_blame *bl, const mg_profile *p, const mg_load_options *load,
                  const mg_hsdiff_options *opts, const mg_verdict *v, mg_error *err);

/*
 * memgate diff: the same comparison between two profiles (both need stacks;
 * otherwise the culprits say there are none and nothing is listed).
 */
int cli_blame_profiles(struct cli_blame *bl, const mg_profile *before, const mg_profile *after,
                       const mg_load_options *load, const mg_hsdiff_options *opts,
                       const mg_verdict *v, mg_error *err);

/* The attribution rule the load options name (NULL: the default), as the stack code takes it. */
mg_attr_options cli_attr_options(const mg_load_options *load);

void cli_blame_release(struct cli_blame *bl);

#endif
