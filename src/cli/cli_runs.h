/* Several runs of one workload, one verdict: combine per metric, report the spread. */
#ifndef MEMGATE_CLI_RUNS_H
#define MEMGATE_CLI_RUNS_H

#include <stddef.h>

#include "cli_notice.h"
#include "memgate/config.h"
#include "memgate/error.h"
#include "memgate/profile.h"

#define CLI_MAX_RUNS 32

/* How runs are combined: auto = the minimum for peaks (peak bytes and blocks, RSS), the median for
 * the rest. */
enum cli_combine { CLI_COMBINE_AUTO, CLI_COMBINE_MIN, CLI_COMBINE_MEDIAN, CLI_COMBINE_MAX };

/* --combine min|median|max; MG_E_USAGE otherwise. */
int cli_combine_parse(const char *s, enum cli_combine *out, mg_error *err);

/*
 * The flag (NULL: not given), else memgate.runs.combine, and --confirm /
 * memgate.runs.confirm (every metric's minimum: a metric fails only when it
 * is past its limit in every run).
 */
int cli_combine_choose(const char *flag, bool confirm, const mg_config *cfg, enum cli_combine *out,
                       mg_error *err);

/*
 * Load paths[0..n-1] (each refused when empty), combine the metrics into
 * the representative run (the one whose peak is the combined peak, else the
 * first) and return it in *out; the others are freed. With n > 1 a "runs"
 * notice gives each metric's combined value and spread, and names
 * deterministic metrics (total bytes, allocation count) that differ between
 * runs.
 */
int cli_runs_load(mg_profile **out, const char *const *paths, size_t n, const mg_load_options *load,
                  enum cli_combine how, struct cli_notices *notices, mg_error *err);

#endif
