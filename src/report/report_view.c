/* A check's verdict as the publish workload the one Markdown renderer draws. */
#include <string.h>

#include "memgate/report.h"
#include "report_int.h"

bool rep_fail_above(const mg_row *r, uint64_t *out)
{
    return mg_limit_bound(&r->limit, r->in_baseline, r->baseline, out);
}

static void metrics(mg_report_view *view, const mg_report_input *in)
{
    const mg_verdict *v = in->verdict;
    for (unsigned i = 0; i < v->n_rows && i < MG_METRIC_COUNT; i++) {
        const mg_row *r = &v->rows[i];
        mg_publish_metric *m = &view->metrics[i];
        mg_limit_format(&r->limit, r->metric, view->limits[i], sizeof(view->limits[i]));
        rep_row_reason(r, v, view->reasons[i], sizeof(view->reasons[i]));
        *m = (mg_publish_metric){
            .name = mg_metric_name(r->metric),
            .status = mg_status_name(r->status),
            .has_baseline = r->in_baseline,
            .has_current = r->in_current,
            .baseline = r->baseline,
            .current = r->current,
            .has_delta_pct = r->has_pct,
            .delta_pct = r->delta_pct,
            .limit = strcmp(view->limits[i], "-") ? view->limits[i] : NULL,
            .reason = view->reasons[i][0] ? view->reasons[i]
                      : r->reason[0]      ? r->reason
                                          : NULL,
        };
        m->has_fail_above = rep_fail_above(r, &m->fail_above);
        if (rep_culprit_of(in, r->metric)) {
            rep_culprit_line(rep_culprit_of(in, r->metric), view->culprits[i],
                             sizeof(view->culprits[i]));
            m->culprit = view->culprits[i];
        }
    }
    view->w.metrics = view->metrics;
    view->w.n_metrics = v->n_rows;
}

/* Changes against the stored hotspots when there are any, else the top sites now. */
static void hotspots(mg_report_view *view, const mg_report_input *in)
{
    const mg_hsdiff *d = in->hotspot_changes;
    size_t n = 0, i;
    if (d && d->n) {
        for (i = 0; i < d->n && i < 10; i++) {
            const mg_hs_change *c = &d->items[i];
            bool entered = c->kind == MG_HS_ENTERED;
            size_t k;
            view->hotspots[n++] = (mg_publish_hotspot){
                .function = c->function,
                .bytes = entered ? c->after : c->delta,
                .change = entered ? "entered_top" : mg_hs_kind_name(c->kind),
                .negative = !entered && c->negative,
                .has_pct = c->has_pct,
                .pct = c->pct,
                .has_peak = c->has_peak,
                .peak_negative = c->peak_negative,
                .peak_bytes = c->peak_delta,
            };
            for (k = 0; k < c->n_lines && n < 40; k++) {
                const mg_hs_line *l = &c->lines[k];
                bool tneg = l->after < l->before, pneg = l->after_peak < l->before_peak;
                view->hotspots[n++] = (mg_publish_hotspot){
                    .function = l->where,
                    .bytes = tneg ? l->before - l->after : l->after - l->before,
                    .change = "line",
                    .negative = tneg,
                    .has_peak = true,
                    .peak_negative = pneg,
                    .peak_bytes =
                        pneg ? l->before_peak - l->after_peak : l->after_peak - l->before_peak,
                    .is_line = true,
                };
            }
        }
    } else {
        size_t nh;
        const mg_hotspot *h = mg_profile_hotspots(in->profile, &nh);
        if (in->top_n && nh > in->top_n)
            nh = in->top_n;
        for (i = 0; i < nh && n < 10; i++)
            view->hotspots[n++] = (mg_publish_hotspot){
                .function = h[i].function, .bytes = h[i].total_bytes, .share = h[i].share};
    }
    view->w.hotspots = view->hotspots;
    view->w.n_hotspots = n;
}

static void history(mg_report_view *view, const mg_report_input *in)
{
    size_t n = in->n_history < MG_HISTORY_SHOWN ? in->n_history : MG_HISTORY_SHOWN, i;
    for (i = 0; i < n; i++) {
        const mg_history_entry *e = in->history[i];
        view->history[i] = (mg_publish_point){
            .commit = e->commit,
            .measured_at = e->measured_at,
            .has_peak = e->metrics.present[MG_PEAK_BYTES],
            .has_total = e->metrics.present[MG_TOTAL_BYTES],
            .peak = e->metrics.value[MG_PEAK_BYTES],
            .total = e->metrics.value[MG_TOTAL_BYTES],
        };
    }
    view->w.history = view->history;
    view->w.n_history = n;
}

void mg_report_view_build(mg_report_view *view, const mg_report_input *in)
{
    const mg_verdict *v = in->verdict;
    mg_publish_workload *w = &view->w;

    memset(view, 0, sizeof(*view));
    w->name = in->workload ? in->workload : "default";
    w->verdict = mg_verdict_name(v);
    w->profile = mg_profile_source(in->profile);
    w->baseline = in->baseline_label ? in->baseline_label : in->baseline_path;
    w->baseline_commit = in->baseline_commit;
    w->accept_reason = v->accept_reason[0] ? v->accept_reason : NULL;
    w->accept_source = v->accept_reason[0] ? v->accept_source : NULL;
    w->note = in->note;
    w->hotspot_note = in->hotspot_note;
    w->accept_trailer = in->accept_trailer;
    w->accept_label = in->accept_label;
    w->update_command = in->ratchet_command;
    w->ratchet = rep_ratchet(in);
    w->report_url = in->report_url;
    w->needs_review = v->needs_review;
    for (size_t i = 0; i < in->n_notices && i < 8; i++)
        view->notices[i] =
            (mg_publish_notice){in->notices[i].title, in->notices[i].lines, in->notices[i].n_lines};
    w->notices = view->notices;
    w->n_notices = in->n_notices < 8 ? in->n_notices : 8;
    metrics(view, in);
    hotspots(view, in);
    history(view, in);
}
