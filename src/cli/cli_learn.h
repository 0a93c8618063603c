/* Limits learned from the history in check and update-baseline: settings, resolution, --explain. */
#ifndef MEMGATE_CLI_LEARN_H
#define MEMGATE_CLI_LEARN_H

#include <stddef.h>

#include "cli_notice.h"
#include "memgate/buf.h"
#include "memgate/config.h"
#include "memgate/error.h"
#include "memgate/history.h"
#include "memgate/learn.h"

struct cli_learned {
    mg_learn_settings settings;
    mg_learned items[MG_METRIC_COUNT * 2];
    size_t n;
};

/* memgate.learn.window, .min_samples and .fallback over the defaults (20, 5, built-in). */
int cli_learn_settings(const mg_config *cfg, mg_learn_settings *s, mg_error *err);

/*
 * Resolve p's learned limits from h (mg_learn_resolve) with the settings of
 * cfg into l, and add the notice that shows the numbers used.
 */
int cli_learn_apply(struct cli_learned *l, mg_policy *p, const mg_config *cfg, const mg_history *h,
                    const char *workload, struct cli_notices *n, mg_error *err);

/* One line per learned limit: the samples, mean and sd or quartiles, the limit computed. */
void cli_learn_describe(const mg_learned *l, char *out, size_t size);

/* The --explain block: the settings and one line per learned limit ("" when none). */
int cli_learn_explain(mg_buf *out, const struct cli_learned *l, mg_error *err);

#endif
