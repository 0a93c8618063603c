/*
 * Several profiles of one workload: the t-gmax peak of a threaded program
 * moves with scheduling, so the minimum of N runs is what the code needs;
 * totals and counts of a deterministic run do not move, so a difference
 * there means the runs are not of one workload.
 */
#include "cli_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_prchange.h"
#include "memgate/gate.h"

static const char *const combine_names[] = {"auto", "min", "median", "max"};

int cli_combine_parse(const char *s, enum cli_combine *out, mg_error *err)
{
    int i;
    for (i = 1; i < 4; i++)
        if (!strcmp(s, combine_names[i])) {
            *out = (enum cli_combine)i;
            return 0;
        }
    return mg_error_set(err, MG_E_USAGE, "--combine must be min, median or max, not '%s'", s);
}

int cli_combine_choose(const char *flag, bool confirm, const mg_config *cfg, enum cli_combine *out,
                       mg_error *err)
{
    const char *c = mg_config_string(cfg, "runs.combine", NULL, NULL);
    const char *conf = mg_config_string(cfg, "runs.confirm", NULL, NULL);
    *out = CLI_COMBINE_AUTO;
    if (confirm || (conf && !strcmp(conf, "true"))) {
        if (flag && strcmp(flag, "min") != 0)
            return mg_error_set(err, MG_E_USAGE,
                                "--confirm takes every metric's minimum; it cannot be combined "
                                "with --combine %s",
                                flag);
        *out = CLI_COMBINE_MIN;
        return 0;
    }
    if (flag)
        return cli_combine_parse(flag, out, err);
    if (c)
        return cli_combine_parse(c, out, err);
    return 0;
}

static bool is_peak(enum mg_metric m)
{
    return m == MG_PEAK_BYTES || m == MG_PEAK_BLOCKS || m == MG_PEAK_RSS;
}

static bool deterministic(enum mg_metric m)
{
    return m == MG_TOTAL_BYTES || m == MG_ALLOC_COUNT;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The combined value of sorted v[0..n-1]; the median of an even count is the lower middle one (a
 * measured value). */
static uint64_t pick(const uint64_t *v, size_t n, enum cli_combine how, enum mg_metric m)
{
    if (how == CLI_COMBINE_AUTO)
        how = is_peak(m) ? CLI_COMBINE_MIN : CLI_COMBINE_MEDIAN;
    return how == CLI_COMBINE_MIN ? v[0] : how == CLI_COMBINE_MAX ? v[n - 1] : v[(n - 1) / 2];
}

static const char *how_name(enum cli_combine how, enum mg_metric m)
{
    if (how == CLI_COMBINE_AUTO)
        return is_peak(m) ? "min" : "median";
    return combine_names[how];
}

/* Combine, and write the spread of each metric into the notice. */
static void combine(mg_profile **runs, size_t n, enum cli_combine how, mg_metrics *out,
                    struct cli_notices *notices)
{
    uint64_t v[CLI_MAX_RUNS];
    unsigned k;
    size_t i, have;
    int at = -1;

    memset(out, 0, sizeof(*out));
    if (n > 1)
        at = cli_notice_add(notices, "runs", "%zu runs, one verdict: each metric combined (%s)", n,
                            how == CLI_COMBINE_AUTO ? "min for peaks, median for the rest"
                                                    : combine_names[how]);
    for (k = 0; k < MG_METRIC_COUNT; k++) {
        char lo[32], hi[32], val[32];
        for (i = have = 0; i < n; i++) {
            const mg_metrics *m = mg_profile_metrics(runs[i]);
            if (m->present[k])
                v[have++] = m->value[k];
        }
        if (have != n)
            continue; /* a metric some runs lack is absent, never taken as zero */
        qsort(v, have, sizeof(v[0]), cmp_u64);
        mg_metrics_set(out, (enum mg_metric)k, pick(v, have, how, (enum mg_metric)k));
        if (n < 2)
            continue;
        cli_amount((enum mg_metric)k, out->value[k], val, sizeof(val));
        cli_amount((enum mg_metric)k, v[0], lo, sizeof(lo));
        cli_amount((enum mg_metric)k, v[have - 1], hi, sizeof(hi));
        if (v[0] == v[have - 1])
            cli_notice_line(notices, at, "%s %s in every run", mg_metric_name((enum mg_metric)k),
                            val);
        else if (deterministic((enum mg_metric)k))
            cli_notice_line(notices, at,
                            "%s %s (%s) but it differs between runs (%s to %s): it is "
                            "deterministic for one workload; are these runs of the same program "
                            "and input?",
                            mg_metric_name((enum mg_metric)k), val,
                            how_name(how, (enum mg_metric)k), lo, hi);
        else
            cli_notice_line(notices, at, "%s %s (%s of %s to %s, spread %.1f%%)",
                            mg_metric_name((enum mg_metric)k), val,
                            how_name(how, (enum mg_metric)k), lo, hi,
                            v[0] ? 100.0 * (double)(v[have - 1] - v[0]) / (double)v[0] : 0.0);
    }
}

int cli_runs_load(mg_profile **out, const char *const *paths, size_t n, const mg_load_options *load,
                  enum cli_combine how, struct cli_notices *notices, mg_error *err)
{
    mg_profile *runs[CLI_MAX_RUNS] = {0};
    mg_metrics combined;
    size_t i, rep = 0;
    int rc = 0;

    *out = NULL;
    if (n == 0 || n > CLI_MAX_RUNS)
        return mg_error_set(err, MG_E_USAGE, "expected 1 to %d PROFILE arguments", CLI_MAX_RUNS);
    for (i = 0; rc == 0 && i < n; i++) {
        rc = mg_profile_load(&runs[i], paths[i], load, err);
        if (rc == 0)
            rc = mg_gate_refuse_empty(mg_profile_metrics(runs[i]), paths[i], err);
    }
    if (rc == 0 && n > 1) {
        combine(runs, n, how, &combined, notices);
        for (i = 0; i < n; i++)
            if (combined.present[MG_PEAK_BYTES] &&
                mg_profile_metrics(runs[i])->value[MG_PEAK_BYTES] ==
                    combined.value[MG_PEAK_BYTES]) {
                rep = i;
                break;
            }
        mg_profile_set_metrics(runs[rep], &combined);
    }
    for (i = 0; i < n; i++)
        if (rc < 0 || i != rep)
            mg_profile_free(runs[i]);
    if (rc == 0)
        *out = runs[rep];
    return rc;
}
