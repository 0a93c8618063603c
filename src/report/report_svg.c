/* memgate trend: an SVG with one panel per metric (peak, total, count) over the baseline history.
 */
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "memgate/report.h"
#include "report_int.h"
#include "report_xml.h"

#define WIDTH 760
#define LEFT 96
#define RIGHT 24
#define TOP 48
#define PANEL_H 150
#define GAP 72
#define LIMIT_COLOUR "#cf222e"

static const enum mg_metric panels[] = {MG_PEAK_BYTES, MG_TOTAL_BYTES, MG_ALLOC_COUNT};
/* Blue, purple, green: none close to the limit's red. */
static const char *const colours[] = {"#1f6feb", "#8250df", "#2ca02c"};

/* The points of one metric: history entries that have it, then the current run. */
struct series {
    uint64_t v[512];
    size_t idx[512]; /* position on the x axis */
    size_t n;
    uint64_t max;
};

static void collect(struct series *s, const mg_history_entry *const *e, size_t n,
                    const mg_metrics *current, enum mg_metric m)
{
    size_t i;
    memset(s, 0, sizeof(*s));
    for (i = 0; i < n && s->n < 511; i++) {
        if (!e[i]->metrics.present[m])
            continue;
        s->v[s->n] = e[i]->metrics.value[m];
        s->idx[s->n++] = i;
    }
    if (current && current->present[m]) {
        s->v[s->n] = current->value[m];
        s->idx[s->n++] = n;
    }
    for (i = 0; i < s->n; i++)
        if (s->v[i] > s->max)
            s->max = s->v[i];
}

static double x_of(size_t i, size_t slots)
{
    double w = WIDTH - LEFT - RIGHT;
    return slots <= 1 ? LEFT + w / 2 : LEFT + w * (double)i / (double)(slots - 1);
}

/* y of a raw value on an axis from zero to a->top display units */
static double y_of(uint64_t v, const mg_axis *a, double y0)
{
    return y0 + PANEL_H - (double)PANEL_H * mg_axis_value(a, v) / a->top;
}

/* The frame, a grid line and label at every tick (0, step, 2 step, ... top). */
static int axes(mg_buf *b, enum mg_metric m, const mg_axis *a, double y0, mg_error *err)
{
    int rc = mg_buf_printf(
        b, err,
        "  <text x=\"%d\" y=\"%.1f\" font-weight=\"bold\">%s</text>\n"
        "  <rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n",
        LEFT, y0 - 8, mg_metric_name(m), LEFT, y0, WIDTH - LEFT - RIGHT, PANEL_H);
    for (unsigned k = 0; rc == 0 && k <= (unsigned)(a->top / a->step + 0.5); k++) {
        double v = a->step * k, y = y0 + PANEL_H - (double)PANEL_H * v / a->top;
        char label[48];
        mg_axis_label(a, v, label, sizeof(label));
        rc = mg_buf_printf(
            b, err,
            "  <line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
            "stroke=\"#ddd\"/>\n"
            "  <text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
            LEFT, y, WIDTH - RIGHT, y, LEFT - 6, y + 4, label);
    }
    return rc;
}

/* The fail limit over the newest baseline, dashed across the panel. */
static int limit_line(mg_buf *b, enum mg_metric m, uint64_t bound, const mg_axis *a, double y0,
                      mg_error *err)
{
    char amount[32];
    double y = y_of(bound, a, y0);
    rep_amount(m, bound, amount, sizeof(amount));
    return mg_buf_printf(b, err,
                         "  <line class=\"limit\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                         "stroke=\"" LIMIT_COLOUR
                         "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\">"
                         "<title>fail limit: %s (%llu)</title></line>\n"
                         "  <text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"" LIMIT_COLOUR
                         "\">fail limit %s</text>\n",
                         LEFT, y, WIDTH - RIGHT, y, amount, (unsigned long long)bound,
                         WIDTH - RIGHT - 4, y - 4, amount);
}

static int point(mg_buf *b, const struct series *s, size_t k, size_t slots, bool current,
                 const mg_history_entry *e, enum mg_metric m, double y0, const mg_axis *a,
                 const char *colour, mg_error *err)
{
    char amount[32], tip[256], label[32];
    int rc;
    rep_amount(m, s->v[k], amount, sizeof(amount));
    if (e)
        mg_chart_x_label(e->commit, e->measured_at, s->idx[k], label, sizeof(label));
    snprintf(tip, sizeof(tip), "%s: %s (%llu)", current ? "this run" : label, amount,
             (unsigned long long)s->v[k]);
    rc = mg_buf_printf(b, err, "  <circle%s cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"%s><title>",
                       current ? " class=\"this-run\"" : "", x_of(s->idx[k], slots),
                       y_of(s->v[k], a, y0), current ? 6 : 3, current ? "#000" : colour,
                       current ? " stroke=\"#fff\" stroke-width=\"2\"" : "");
    if (rc == 0)
        rc = rep_xml(b, tip, err);
    return rc == 0 ? mg_buf_printf(b, err, "</title></circle>\n") : rc;
}

static int panel(mg_buf *b, const mg_history_entry *const *e, size_t n, const mg_metrics *cur,
                 const mg_metrics *limits, unsigned p, mg_error *err)
{
    struct series s;
    enum mg_metric m = panels[p];
    double y0 = TOP + p * (PANEL_H + GAP);
    size_t slots = n + (cur != NULL), k;
    bool has_limit = limits && limits->present[m];
    mg_axis a;
    int rc;

    collect(&s, e, n, cur, m);
    /* from zero to a tick at or above the data and the limit: never exaggerated */
    mg_axis_nice(&a, m, has_limit && limits->value[m] > s.max ? limits->value[m] : s.max);
    rc = axes(b, m, &a, y0, err);
    if (rc == 0 && has_limit)
        rc = limit_line(b, m, limits->value[m], &a, y0, err);
    if (rc == 0 && s.n > 0)
        rc = mg_buf_printf(b, err,
                           "  <polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                           "points=\"",
                           colours[p]);
    for (k = 0; rc == 0 && k < s.n; k++)
        rc = mg_buf_printf(b, err, "%s%.1f,%.1f", k ? " " : "", x_of(s.idx[k], slots),
                           y_of(s.v[k], &a, y0));
    if (rc == 0 && s.n > 0)
        rc = mg_buf_printf(b, err, "\"/>\n");
    for (k = 0; rc == 0 && k < s.n; k++) {
        bool current = cur && s.idx[k] == n;
        rc = point(b, &s, k, slots, current, current ? NULL : e[s.idx[k]], m, y0, &a, colours[p],
                   err);
    }
    return rc;
}

/* Date (and commit) labels under the last panel, thinned out so they do not overlap. */
static int x_labels(mg_buf *b, const mg_history_entry *const *e, size_t n, bool current,
                    mg_error *err)
{
    size_t slots = n + current, step = slots > 8 ? (slots + 7) / 8 : 1, i;
    double y = TOP + 3 * PANEL_H + 2 * GAP + 18;
    int rc = 0;
    for (i = 0; rc == 0 && i < slots; i++) {
        char label[32];
        if (i % step != 0 && i != slots - 1)
            continue;
        if (i == n)
            snprintf(label, sizeof(label), "this run");
        else
            mg_chart_x_label(e[i]->commit, e[i]->measured_at, i, label, sizeof(label));
        rc = mg_buf_printf(b, err, "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                           x_of(i, slots), y);
        if (rc == 0)
            rc = rep_xml(b, label, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "</text>\n");
    }
    return rc;
}

int mg_report_trend_svg(mg_buf *out, const mg_history_entry *const *entries, size_t n,
                        const char *workload, const mg_metrics *current, const mg_metrics *limits,
                        mg_error *err)
{
    int height = TOP + 3 * PANEL_H + 2 * GAP + 40;
    unsigned p;
    int rc;

    if (n == 0 && !current)
        return mg_error_set(err, MG_E_INPUT, "no history for workload '%s': nothing to draw",
                            workload ? workload : "default");
    rc = mg_buf_printf(out, err,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                       "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
                       "  <rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
                       "  <text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">memgate: "
                       "baseline history, workload ",
                       WIDTH, height, WIDTH, height, LEFT);
    if (rc == 0)
        rc = rep_xml(out, workload ? workload : "default", err);
    if (rc == 0)
        rc = mg_buf_printf(out, err, " (%zu entr%s%s)</text>\n", n, n == 1 ? "y" : "ies",
                           current ? " and this run" : "");
    for (p = 0; rc == 0 && p < 3; p++)
        rc = panel(out, entries, n, current, limits, p, err);
    if (rc == 0)
        rc = x_labels(out, entries, n, current != NULL, err);
    return rc == 0 ? mg_buf_printf(out, err, "</svg>\n") : rc;
}
