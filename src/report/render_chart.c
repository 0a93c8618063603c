/*
 * The history chart in Markdown: a Mermaid xychart with explicit colours that read on
 * GitHub's light and dark backgrounds, y from zero to a nice top, the fail limit as a
 * line and this run marked (a bar and its label).
 */
#include "report/render.h"

#include <stdio.h>
#include <string.h>

#include "report/chart.h"

/*
 * Mid-tone colours: each keeps a contrast of at least 3:1 on white (#ffffff) and on
 * GitHub's dark canvas (#0d1117), so no theme makes a line vanish. Plot order: this
 * run's bar, the history line, the limit line.
 */
#define MD_CHART_INIT                                                                              \
    "%%{init: {\"theme\": \"base\", \"themeVariables\": {\"xyChart\": {"                           \
    "\"backgroundColor\": \"transparent\", \"titleColor\": \"#768390\", "                          \
    "\"xAxisLabelColor\": \"#768390\", \"xAxisTitleColor\": \"#768390\", "                         \
    "\"xAxisTickColor\": \"#768390\", \"xAxisLineColor\": \"#768390\", "                           \
    "\"yAxisLabelColor\": \"#768390\", \"yAxisTitleColor\": \"#768390\", "                         \
    "\"yAxisTickColor\": \"#768390\", \"yAxisLineColor\": \"#768390\", "                           \
    "\"plotColorPalette\": \"#d4a72c, #2f81f7, #e5534b\"}}}}%%"

struct pick {
    const char *name; /* the metric as result files name it */
    enum mg_metric metric;
};

static bool point_has(const mg_publish_point *p, enum mg_metric m, uint64_t *v)
{
    *v = m == MG_PEAK_BYTES ? p->peak : p->total;
    return m == MG_PEAK_BYTES ? p->has_peak : p->has_total;
}

static const mg_publish_metric *find(const mg_publish_workload *w, const char *name)
{
    for (size_t i = 0; i < w->n_metrics; i++)
        if (!strcmp(w->metrics[i].name, name))
            return &w->metrics[i];
    return NULL;
}

static int values(mg_buf *out, const mg_axis *a, const uint64_t *v, size_t n, mg_error *err)
{
    int rc = mg_buf_printf(out, err, "[");
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = mg_buf_printf(out, err, "%s%.*f", i ? ", " : "", (int)a->decimals + 2,
                           mg_axis_value(a, v[i]));
    return rc == 0 ? mg_buf_printf(out, err, "]\n") : rc;
}

/* The longest history a chart shows; older entries stay in the file. */
#define CHART_POINTS 30

static int chart(mg_buf *out, const mg_publish_workload *w, const struct pick *pk, mg_error *err)
{
    const mg_publish_metric *m = find(w, pk->name);
    uint64_t v[CHART_POINTS + 1], bar[CHART_POINTS + 1], lim[CHART_POINTS + 1], max = 0;
    size_t idx[CHART_POINTS], n = 0, first = 0, i;
    mg_axis a;
    int rc;

    if (!m || !m->has_current)
        return 0;
    for (i = 0; i < w->n_history; i++)
        if (point_has(&w->history[i], pk->metric, &v[0]))
            n++;
    if (n == 0)
        return 0;
    /* the newest CHART_POINTS entries that have the metric */
    first = n > CHART_POINTS ? n - CHART_POINTS : 0;
    for (i = 0, n = 0; i < w->n_history; i++) {
        uint64_t x;
        if (!point_has(&w->history[i], pk->metric, &x))
            continue;
        if (first) {
            first--;
            continue;
        }
        idx[n] = i;
        v[n++] = x;
    }
    v[n++] = m->current;
    for (i = 0; i < n; i++) {
        max = v[i] > max ? v[i] : max;
        bar[i] = i + 1 == n ? v[i] : 0;
        lim[i] = m->fail_above;
    }
    if (m->has_fail_above && m->fail_above > max)
        max = m->fail_above;
    mg_axis_nice(&a, pk->metric, max);
    rc = mg_buf_printf(out, err, "\n```mermaid\n");
    if (rc == 0)
        rc = mg_buf_append(out, MD_CHART_INIT, strlen(MD_CHART_INIT), err);
    if (rc == 0)
        rc = mg_buf_printf(out, err, "\nxychart-beta\n    title \"%s (%s)%s\"\n    x-axis [",
                           pk->name, a.unit_name[0] ? a.unit_name : "count",
                           m->has_fail_above ? ", red: fail limit" : "");
    for (i = 0; rc == 0 && i + 1 < n; i++) {
        const mg_publish_point *p = &w->history[idx[i]];
        char label[32];
        mg_chart_x_label(p->commit, p->measured_at, idx[i], label, sizeof(label));
        rc = mg_buf_printf(out, err, "\"%s\", ", label);
    }
    if (rc == 0)
        rc = mg_buf_printf(out, err, "\"this run\"]\n    y-axis \"%s\" 0 --> %.*f\n    bar ",
                           a.unit_name[0] ? a.unit_name : "count", (int)a.decimals, a.top);
    if (rc == 0)
        rc = values(out, &a, bar, n, err);
    if (rc == 0)
        rc = mg_buf_printf(out, err, "    line ");
    if (rc == 0)
        rc = values(out, &a, v, n, err);
    if (rc == 0 && m->has_fail_above) {
        rc = mg_buf_printf(out, err, "    line ");
        if (rc == 0)
            rc = values(out, &a, lim, n, err);
    }
    return rc == 0 ? mg_buf_printf(out, err, "```\n") : rc;
}

int mg_md_charts(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    static const struct pick picks[] = {
        {"peak_memory_bytes", MG_PEAK_BYTES},
        {"total_allocations_bytes", MG_TOTAL_BYTES},
    };
    int rc;
    if (!w->n_history)
        return 0;
    rc = mg_buf_printf(out, err, "\n#### Baseline history and this run\n");
    for (size_t i = 0; rc == 0 && i < 2; i++)
        rc = chart(out, w, &picks[i], err);
    return rc;
}
