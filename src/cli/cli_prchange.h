/* What a pull request changes in its own goalposts: the baseline and the limits. */
#ifndef MEMGATE_CLI_PRCHANGE_H
#define MEMGATE_CLI_PRCHANGE_H

#include <stdbool.h>

#include "cli_notice.h"
#include "memgate/policy.h"
#include "memgate/profile.h"

/* A metric value in its unit: "3.28 MiB", "1,204", "2.10 s". */
void cli_amount(enum mg_metric m, uint64_t v, char *out, size_t size);

/*
 * Add a "baseline_change" notice when head (the PR's baseline for the
 * workload; NULL when it has none) records other numbers than base (the
 * merge base's). Returns true when it did.
 */
bool cli_prchange_baseline(struct cli_notices *n, const char *sha, const mg_metrics *base,
                           const mg_metrics *head);

/*
 * Add a "limits_change" notice for every limit (fail, warn, drift), the
 * improvement hint, the missing-baseline policy and the drift severity head
 * (the PR's configuration) sets differently from base. Returns true when it did.
 */
bool cli_prchange_policy(struct cli_notices *n, const char *sha, const mg_policy *base,
                         const mg_policy *head);

#endif
