/* The comparison itself: integer-exact limit checks per metric, then an overall verdict. */
#include "memgate/gate.h"

#include <stdio.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

/* Does an increase of `delta` over `base` exceed the increase bounds of l? */
static bool increase_trips(const mg_limit *l, uint64_t base, uint64_t delta)
{
    if (!l->has_rel && !l->has_abs)
        return false;
    if (delta == 0)
        return false;
    if (l->has_rel && (u128)delta * 10000 <= (u128)base * l->rel_bp)
        return false;
    if (l->has_abs && delta <= l->abs)
        return false;
    return true;
}

static bool ceiling_trips(const mg_limit *l, uint64_t current)
{
    return l->has_max && current > l->max;
}

/* Above the limit learned from the history (mg_learn_resolve), whatever the baseline. */
static bool learned_trips(const mg_limit *l, uint64_t current)
{
    return l->has_learned && current > l->learned_max;
}

bool mg_limit_trips(const mg_limit *l, bool has_baseline, uint64_t baseline, uint64_t current)
{
    return ceiling_trips(l, current) || learned_trips(l, current) ||
           (has_baseline && current > baseline && increase_trips(l, baseline, current - baseline));
}

static bool level_trips(const mg_limit *l, const mg_row *r, char *why, size_t size)
{
    if (r->in_current && ceiling_trips(l, r->current)) {
        snprintf(why, size, "above the ceiling");
        return true;
    }
    if (r->in_current && learned_trips(l, r->current)) {
        snprintf(why, size, "above the limit learned from the history");
        return true;
    }
    if (r->in_baseline && r->in_current && !r->negative &&
        increase_trips(l, r->baseline, r->delta)) {
        snprintf(why, size, "grew more than allowed");
        return true;
    }
    return false;
}

static void evaluate_row(mg_row *r, const mg_policy *p)
{
    if (!r->in_current) {
        /* in the baseline, or only a ceiling asks for it: skipped, never taken as zero */
        r->status = MG_STATUS_ABSENT;
        snprintf(r->reason, sizeof(r->reason), "not in this profile's format; skipped");
        return;
    }
    if (r->in_baseline) {
        r->negative = r->current < r->baseline;
        r->delta = r->negative ? r->baseline - r->current : r->current - r->baseline;
        r->has_pct = r->baseline != 0;
        if (r->has_pct)
            r->delta_pct = (r->negative ? -100.0 : 100.0) * (double)r->delta / (double)r->baseline;
    }
    if (level_trips(&r->limit, r, r->reason, sizeof(r->reason))) {
        r->status = MG_STATUS_FAIL;
        r->cause = MG_LEVEL_FAIL;
        r->cause_ceiling = r->in_current && ceiling_trips(&r->limit, r->current);
    } else if (level_trips(&r->warn_limit, r, r->reason, sizeof(r->reason))) {
        r->status = MG_STATUS_WARN;
        r->cause = MG_LEVEL_WARN;
        r->cause_ceiling = r->in_current && ceiling_trips(&r->warn_limit, r->current);
    } else if (r->in_baseline && r->negative && r->has_pct &&
               (mg_limit_is_set(&r->limit) || mg_limit_is_set(&r->warn_limit)) &&
               (u128)r->delta * 10000 > (u128)r->baseline * p->improvement_bp) {
        /* only a gated metric can improve: a shorter runtime is not a baseline to lock in */
        r->status = MG_STATUS_IMPROVED;
        snprintf(r->reason, sizeof(r->reason), "dropped more than the improvement hint");
    } else {
        r->status = MG_STATUS_OK;
        if (!r->in_baseline)
            snprintf(r->reason, sizeof(r->reason), "not in the baseline");
    }
}

/*
 * No improvement in a run where another metric grew past its warn (or fail)
 * level: "lock it in" next to a grown peak would record the growth too.
 */
static void withdraw_improvements(mg_verdict *v)
{
    unsigned i;
    bool grew = false;
    for (i = 0; i < v->n_rows; i++)
        grew |= v->rows[i].status == MG_STATUS_FAIL || v->rows[i].status == MG_STATUS_WARN ||
                v->rows[i].status == MG_STATUS_ACCEPTED || v->rows[i].drift_over;
    for (i = 0; grew && i < v->n_rows; i++)
        if (v->rows[i].status == MG_STATUS_IMPROVED) {
            v->rows[i].status = MG_STATUS_OK;
            snprintf(v->rows[i].reason, sizeof(v->rows[i].reason),
                     "dropped, but not an improvement while another metric grew");
        }
}

/* Counters and the overall status from the rows, after any change to them. */
static void tally(mg_verdict *v)
{
    unsigned i;
    withdraw_improvements(v);
    v->n_fail = v->n_warn = v->n_improved = v->n_absent = v->n_accepted = v->n_drift = 0;
    for (i = 0; i < v->n_rows; i++) {
        const mg_row *r = &v->rows[i];
        v->n_fail += r->status == MG_STATUS_FAIL;
        v->n_warn += r->status == MG_STATUS_WARN;
        v->n_improved += r->status == MG_STATUS_IMPROVED;
        v->n_absent += r->status == MG_STATUS_ABSENT;
        v->n_accepted += r->status == MG_STATUS_ACCEPTED;
        v->n_drift += r->drift_over;
    }
    v->overall = v->n_fail       ? MG_STATUS_FAIL
                 : v->n_warn     ? MG_STATUS_WARN
                 : v->n_accepted ? MG_STATUS_ACCEPTED
                 : v->n_improved ? MG_STATUS_IMPROVED
                                 : MG_STATUS_OK;
}

void mg_gate_evaluate(mg_verdict *out, const mg_metrics *baseline, const mg_metrics *current,
                      const mg_policy *policy)
{
    unsigned m;
    memset(out, 0, sizeof(*out));
    for (m = 0; m < MG_METRIC_COUNT; m++) {
        mg_row *r = &out->rows[out->n_rows];
        bool in_b = baseline && baseline->present[m], in_c = current->present[m];
        bool ceiling = policy->fail[m].has_max || policy->warn[m].has_max;
        if (!in_b && !in_c && !ceiling)
            continue;
        memset(r, 0, sizeof(*r));
        r->metric = (enum mg_metric)m;
        r->in_baseline = in_b;
        r->in_current = in_c;
        r->baseline = in_b ? baseline->value[m] : 0;
        r->current = in_c ? current->value[m] : 0;
        r->limit = policy->fail[m];
        r->warn_limit = policy->warn[m];
        evaluate_row(r, policy);
        if (mg_limit_is_set(&r->limit) || mg_limit_is_set(&r->warn_limit)) {
            out->n_gated++;
            out->n_compared += in_b && in_c;
        }
        out->n_rows++;
    }
    tally(out);
}

static void drift_row(mg_row *r, const mg_metrics *anchor, const mg_policy *p)
{
    uint64_t a = anchor->value[r->metric];
    r->has_anchor = true;
    r->anchor = a;
    r->drift_limit = p->drift[r->metric];
    if (!r->in_current)
        return;
    r->drift_negative = r->current < a;
    r->drift = r->drift_negative ? a - r->current : r->current - a;
    r->has_drift_pct = a != 0;
    if (r->has_drift_pct)
        r->drift_pct = (r->drift_negative ? -100.0 : 100.0) * (double)r->drift / (double)a;
    r->drift_over = ceiling_trips(&r->drift_limit, r->current) ||
                    (!r->drift_negative && increase_trips(&r->drift_limit, a, r->drift));
    if (!r->drift_over || r->status == MG_STATUS_FAIL)
        return;
    if (p->drift_warn && r->status == MG_STATUS_WARN)
        return;
    r->status = p->drift_warn ? MG_STATUS_WARN : MG_STATUS_FAIL;
    r->cause = MG_LEVEL_DRIFT;
    r->cause_ceiling = ceiling_trips(&r->drift_limit, r->current);
    if (r->has_drift_pct)
        snprintf(r->reason, sizeof(r->reason), "%+.1f%% since the anchor: past the drift budget",
                 r->drift_pct);
    else
        snprintf(r->reason, sizeof(r->reason), "grew since the anchor past the drift budget");
}

void mg_gate_apply_drift(mg_verdict *v, const mg_metrics *anchor, const mg_policy *policy,
                         const char *label)
{
    unsigned i;
    if (!anchor)
        return;
    v->has_anchor = true;
    snprintf(v->anchor_label, sizeof(v->anchor_label), "%s", label ? label : "anchor");
    for (i = 0; i < v->n_rows; i++)
        if (anchor->present[v->rows[i].metric])
            drift_row(&v->rows[i], anchor, policy);
    tally(v);
}

void mg_gate_accept(mg_verdict *v, const char *reason, const char *source)
{
    unsigned i;
    if (!reason || !*reason)
        return;
    snprintf(v->accept_reason, sizeof(v->accept_reason), "%s", reason);
    snprintf(v->accept_source, sizeof(v->accept_source), "%s", source ? source : "");
    for (i = 0; i < v->n_rows; i++) {
        mg_row *r = &v->rows[i];
        r->status_before_accept = r->status;
        if (r->status == MG_STATUS_FAIL)
            r->status = MG_STATUS_ACCEPTED;
    }
    tally(v);
}

void mg_gate_environment_changed(mg_verdict *v, bool soften)
{
    unsigned i;
    v->env_changed = true;
    for (i = 0; soften && i < v->n_rows; i++) {
        mg_row *r = &v->rows[i];
        if (r->status != MG_STATUS_FAIL || r->cause_ceiling)
            continue;
        /* the growth may be the new runner's, not the change's: a reviewer decides */
        r->status = MG_STATUS_WARN;
        r->env_softened = true;
        v->n_env_softened++;
    }
    tally(v);
}

void mg_gate_no_baseline(mg_verdict *out, const mg_metrics *current, const mg_policy *policy)
{
    unsigned i;
    mg_gate_evaluate(out, NULL, current, policy);
    out->no_baseline = true;
    for (i = 0; i < out->n_rows; i++) {
        mg_row *r = &out->rows[i];
        if (r->status != MG_STATUS_OK)
            continue;
        snprintf(r->reason, sizeof(r->reason), "no baseline to compare with");
    }
    tally(out);
    if (out->overall != MG_STATUS_FAIL && policy->missing != MG_MISSING_PASS)
        out->overall = MG_STATUS_WARN;
}

int mg_gate_refuse_empty(const mg_metrics *m, const char *source, mg_error *err)
{
    static const enum mg_metric heap[] = {MG_PEAK_BYTES,  MG_TOTAL_BYTES, MG_ALLOC_COUNT,
                                          MG_PEAK_BLOCKS, MG_END_BYTES,   MG_END_BLOCKS,
                                          MG_PEAK_RSS};
    char zeros[256] = "";
    size_t i, used = 0;
    for (i = 0; i < sizeof(heap) / sizeof(heap[0]); i++) {
        if (!m->present[heap[i]])
            continue;
        if (m->value[heap[i]] != 0)
            return 0;
        if (used < sizeof(zeros))
            used += (size_t)snprintf(zeros + used, sizeof(zeros) - used, "%s%s 0", used ? ", " : "",
                                     mg_metric_name(heap[i]));
    }
    if (!used)
        return 0; /* no heap metric at all: not empty, another kind (the gate says so) */
    return mg_error_set_at(err, MG_E_INPUT, source, 0, 0,
                           "an empty profile (%s): did the profiled code run? An empty profile "
                           "is never recorded as a baseline and never passes a check",
                           zeros);
}

void mg_gate_needs_review(mg_verdict *v, bool required)
{
    v->needs_review = true;
    v->review_required = required && !v->accept_reason[0];
    if (v->overall != MG_STATUS_FAIL)
        v->overall = v->review_required ? MG_STATUS_FAIL : MG_STATUS_WARN;
}

const char *mg_verdict_status(const mg_verdict *v)
{
    return v->needs_review && !v->n_fail ? "needs_review" : mg_verdict_name(v);
}

const char *mg_status_name(enum mg_status s)
{
    static const char *const names[] = {"ok", "improved", "warn", "fail", "absent", "accepted"};
    return (unsigned)s < 6 ? names[s] : "?";
}

const char *mg_verdict_name(const mg_verdict *v)
{
    return v->overall == MG_STATUS_FAIL ? "fail" : v->overall == MG_STATUS_WARN ? "warn" : "pass";
}
