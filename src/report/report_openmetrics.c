/* OpenMetrics text for GitLab's metrics widget: unlabeled integer gauges, "# EOF" last. */
#include <stdio.h>
#include <string.h>

#include "memgate/report.h"

/*
 * "memgate_" plus the workload (when not default) plus the metric: the
 * widget compares series by name only, so the workload goes into the name.
 * Anything outside [a-zA-Z0-9_] becomes '_'. OpenMetrics reserves the suffix
 * "_count" for summaries and histograms, so allocation_count is "allocations".
 */
static void family(const char *workload, const char *metric, const char *suffix, char *out,
                   size_t size)
{
    size_t n;
    char *p;
    if (!strcmp(metric, "allocation_count"))
        metric = "allocations";
    if (workload && strcmp(workload, "default") != 0)
        n = (size_t)snprintf(out, size, "memgate_%s_%s%s", workload, metric, suffix);
    else
        n = (size_t)snprintf(out, size, "memgate_%s%s", metric, suffix);
    (void)n;
    for (p = out + 8; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            *p = '_';
}

static int gauge(mg_buf *b, const char *name, const char *help, long long value, mg_error *err)
{
    return mg_buf_printf(b, err, "# TYPE %s gauge\n# HELP %s %s\n%s %lld\n", name, name, help, name,
                         value);
}

static long long clamp(uint64_t v)
{
    return v > (uint64_t)INT64_MAX ? INT64_MAX : (long long)v;
}

static int metric_rows(mg_buf *b, const mg_report_input *in, const char *wl, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    const mg_metrics *m = mg_profile_metrics(in->profile);
    unsigned i;
    int rc = 0;
    char name[192], help[160];

    for (i = 0; rc == 0 && i < MG_METRIC_COUNT; i++) {
        const char *metric = mg_metric_name((enum mg_metric)i);
        if (!m->present[i])
            continue;
        family(wl, metric, "", name, sizeof(name));
        snprintf(help, sizeof(help), "%s measured in this run", metric);
        rc = gauge(b, name, help, clamp(m->value[i]), err);
    }
    for (i = 0; rc == 0 && v && i < v->n_rows; i++) {
        const mg_row *r = &v->rows[i];
        const char *metric = mg_metric_name(r->metric);
        if (!r->in_baseline)
            continue;
        family(wl, metric, "_baseline", name, sizeof(name));
        snprintf(help, sizeof(help), "%s in the baseline", metric);
        rc = gauge(b, name, help, clamp(r->baseline), err);
    }
    return rc;
}

int mg_report_openmetrics(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    const char *wl = in->workload;
    const mg_verdict *v = in->verdict;
    char name[192];
    int rc = metric_rows(out, in, wl, err);
    if (rc == 0 && v) {
        family(wl, "regressions", "", name, sizeof(name));
        rc = gauge(out, name, "metrics past their fail limit or drift budget", (long long)v->n_fail,
                   err);
        if (rc == 0) {
            family(wl, "warnings", "", name, sizeof(name));
            rc = gauge(out, name, "metrics past their warning level", (long long)v->n_warn, err);
        }
    }
    return rc == 0 ? mg_buf_printf(out, err, "# EOF\n") : rc;
}
