/* Limits learned from the history: peak=3sigma, peak=iqr, peak=auto (docs/configuration.md). */
#ifndef MEMGATE_LEARN_H
#define MEMGATE_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/history.h"
#include "memgate/policy.h"

#define MG_LEARN_WINDOW_MAX 1000

/* memgate.learn: how many entries, how few are too few, and what applies until then. */
typedef struct mg_learn_settings {
    unsigned window;      /* the newest entries of the workload used (default 20) */
    unsigned min_samples; /* fewer samples: the fallback limit (default 5) */
    bool has_fallback;    /* learn.fallback; else the metric's built-in default at that level */
    mg_limit fallback;
} mg_learn_settings;

void mg_learn_defaults(mg_learn_settings *s);

/* What one learned limit was computed from, for --explain and the reports. */
typedef struct mg_learned {
    enum mg_metric metric;
    enum mg_level level; /* MG_LEVEL_FAIL or MG_LEVEL_WARN */
    mg_limit rule;       /* the learned term as written (its name: mg_learn_name) */
    size_t n;            /* samples: the newest entries of the workload that have the metric */
    unsigned window, min_samples;
    bool fallback; /* fewer than min_samples: fallback_limit is in force instead */
    mg_limit fallback_limit;
    double mean, sd;       /* sample standard deviation (n - 1) */
    double q1, median, q3; /* quartiles by linear interpolation (R type 7) */
    uint64_t sigma_bound;  /* ceil(mean + N sd) (N = 3 for auto) */
    uint64_t iqr_bound;    /* ceil(q3 + 1.5 (q3 - q1)) */
    uint64_t bound;        /* the limit in force: the current value fails (warns) above it */
} mg_learned;

/*
 * Resolve every learned limit of p's fail and warn levels from the newest
 * s->window entries of the workload (NULL = "default") in h that have the
 * metric: the bound becomes the limit (has_learned, learned_max). With fewer
 * than s->min_samples the fallback's increase terms replace the learned term
 * (a ceiling stays). Fills out (at most max) and returns how many limits were
 * learned or fell back.
 */
size_t mg_learn_resolve(mg_policy *p, const mg_history *h, const char *workload,
                        const mg_learn_settings *s, mg_learned *out, size_t max);

/* Does p hold a learned limit at its fail or warn level? */
bool mg_learn_wanted(const mg_policy *p);

#endif
