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

static bool level_trips(const mg_limit *l, const mg_row *r, char *why, size_t size)
{
    if (r->in_current && ceiling_trips(l, r->current)) {
        snprintf(why, size, "above the ceiling");
        return true;
    }
    if (r->in_baseline && r->in_current && !r->negative && increase_trips(l, r->baseline, r->delta)) {
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
    } else if (level_trips(&r->warn_limit, r, r->reason, sizeof(r->reason))) {
        r->status = MG_STATUS_WARN;
    } else if (r->in_baseline && r->negative && r->has_pct &&
               (u128)r->delta * 10000 > (u128)r->baseline * p->improvement_bp) {
        r->status = MG_STATUS_IMPROVED;
        snprintf(r->reason, sizeof(r->reason), "dropped more than the improvement hint");
    } else {
        r->status = MG_STATUS_OK;
        if (!r->in_baseline)
            snprintf(r->reason, sizeof(r->reason), "not in the baseline");
    }
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
        out->n_fail += r->status == MG_STATUS_FAIL;
        out->n_warn += r->status == MG_STATUS_WARN;
        out->n_improved += r->status == MG_STATUS_IMPROVED;
        out->n_absent += r->status == MG_STATUS_ABSENT;
        out->n_rows++;
    }
    out->overall = out->n_fail ? MG_STATUS_FAIL
                   : out->n_warn ? MG_STATUS_WARN
                   : out->n_improved ? MG_STATUS_IMPROVED
                                     : MG_STATUS_OK;
}

const char *mg_status_name(enum mg_status s)
{
    static const char *const names[] = {"ok", "improved", "warn", "fail", "absent"};
    return (unsigned)s < 5 ? names[s] : "?";
}

const char *mg_verdict_name(const mg_verdict *v)
{
    return v->overall == MG_STATUS_FAIL ? "fail" : v->overall == MG_STATUS_WARN ? "warn" : "pass";
}
