/* gate levels beyond fail/warn: the drift budget, reviewed exceptions, no baseline; policy origins.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "memgate/gate.h"

static mg_metrics m1(uint64_t peak)
{
    mg_metrics m;
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_PEAK_BYTES, peak);
    return m;
}

static const mg_row *peak_row(const mg_verdict *v)
{
    unsigned i;
    for (i = 0; i < v->n_rows; i++)
        if (v->rows[i].metric == MG_PEAK_BYTES)
            return &v->rows[i];
    return NULL;
}

/* Three steps of +8% each pass the +10% step limit; against the anchor that is +26%
   (and 2.5 MB, past the 256 KiB floor too). */
Test(drift, small_steps_that_add_up_fail_against_the_anchor)
{
    mg_policy p;
    mg_metrics anchor = m1(10000000), base = m1(11664000), cur = m1(12597120);
    mg_verdict v;
    const mg_row *r;
    mg_policy_defaults(&p);
    mg_gate_evaluate(&v, &base, &cur, &p);
    cr_expect_eq(peak_row(&v)->status, MG_STATUS_OK, "+8%% is within +10%%");
    mg_gate_apply_drift(&v, &anchor, &p, "aaaa1111 (2026-01-01)");
    r = peak_row(&v);
    cr_expect(r->has_anchor);
    cr_expect_eq(r->anchor, 10000000);
    cr_expect_eq(r->drift, 2597120);
    cr_expect_float_eq(r->drift_pct, 25.9712, 1e-6);
    cr_expect(r->drift_over);
    cr_expect_eq(r->status, MG_STATUS_FAIL);
    cr_expect_eq(r->cause, MG_LEVEL_DRIFT);
    cr_expect_eq(v.overall, MG_STATUS_FAIL);
    cr_expect_eq(v.n_drift, 1);
    cr_expect_str_eq(v.anchor_label, "aaaa1111 (2026-01-01)");
}

Test(drift, within_budget_and_warn_severity)
{
    mg_policy p;
    mg_metrics anchor = m1(1000000), base = m1(1100000), cur = m1(1200000);
    mg_verdict v;
    mg_policy_defaults(&p);
    mg_gate_evaluate(&v, &base, &cur, &p);
    mg_gate_apply_drift(&v, &anchor, &p, "a");
    cr_expect_eq(peak_row(&v)->status, MG_STATUS_OK, "+20%% is within the +25%% budget");
    cr_expect_not(peak_row(&v)->drift_over);
    p.drift_warn = true;
    base = m1(1200000);
    cur = m1(1300000);
    mg_gate_evaluate(&v, &base, &cur, &p);
    cr_expect_eq(peak_row(&v)->status, MG_STATUS_OK, "+8.3%% step");
    mg_gate_apply_drift(&v, &anchor, &p, "a");
    cr_expect_eq(peak_row(&v)->status, MG_STATUS_WARN);
    cr_expect_eq(v.overall, MG_STATUS_WARN);
}

Test(drift, an_improvement_does_not_hide_drift_and_a_fail_stays_a_fail)
{
    mg_policy p;
    mg_metrics anchor = m1(1000000), base = m1(2000000), cur = m1(1500000);
    mg_verdict v;
    mg_policy_defaults(&p);
    mg_gate_evaluate(&v, &base, &cur, &p);
    cr_expect_eq(peak_row(&v)->status, MG_STATUS_IMPROVED);
    mg_gate_apply_drift(&v, &anchor, &p, "a");
    cr_expect_eq(peak_row(&v)->status, MG_STATUS_FAIL,
                 "better than last time, +50%% since the anchor");
    base = m1(1000000);
    cur = m1(2000000);
    mg_gate_evaluate(&v, &base, &cur, &p);
    mg_gate_apply_drift(&v, &anchor, &p, "a");
    cr_expect_eq(peak_row(&v)->cause, MG_LEVEL_FAIL, "the step limit is named, not the drift");
}

Test(accept, failing_rows_become_accepted_and_the_verdict_passes)
{
    mg_policy p;
    mg_metrics base = m1(1000000), cur = m1(2000000);
    mg_verdict v;
    mg_policy_defaults(&p);
    mg_gate_evaluate(&v, &base, &cur, &p);
    cr_assert_eq(v.overall, MG_STATUS_FAIL);
    mg_gate_accept(&v, "", "--accept");
    cr_expect_eq(v.overall, MG_STATUS_FAIL, "an empty reason is no review");
    mg_gate_accept(&v, "ops reviewed: new cache (JIRA-7)", "--accept");
    cr_expect_eq(peak_row(&v)->status, MG_STATUS_ACCEPTED);
    cr_expect_eq(peak_row(&v)->status_before_accept, MG_STATUS_FAIL);
    cr_expect_eq(v.overall, MG_STATUS_ACCEPTED);
    cr_expect_str_eq(mg_verdict_name(&v), "pass");
    cr_expect_str_eq(mg_status_name(MG_STATUS_ACCEPTED), "accepted");
    cr_expect_eq(v.n_fail, 0);
    cr_expect_eq(v.n_accepted, 1);
    cr_expect_str_eq(v.accept_reason, "ops reviewed: new cache (JIRA-7)");
    cr_expect_str_eq(v.accept_source, "--accept");
}

Test(no_baseline, warn_or_pass_by_policy)
{
    mg_policy p;
    mg_metrics cur = m1(1000000);
    mg_verdict v;
    mg_policy_defaults(&p);
    p.missing = MG_MISSING_WARN;
    mg_gate_no_baseline(&v, &cur, &p);
    cr_expect(v.no_baseline);
    cr_expect_eq(v.overall, MG_STATUS_WARN);
    cr_expect_not(peak_row(&v)->in_baseline);
    p.missing = MG_MISSING_PASS;
    mg_gate_no_baseline(&v, &cur, &p);
    cr_expect_eq(v.overall, MG_STATUS_OK);
    /* a ceiling still applies without a baseline */
    p.fail[MG_PEAK_BYTES].has_max = true;
    p.fail[MG_PEAK_BYTES].max = 999999;
    mg_gate_no_baseline(&v, &cur, &p);
    cr_expect_eq(v.overall, MG_STATUS_FAIL);
}

Test(policy_origin, each_part_remembers_who_set_it)
{
    mg_policy p;
    mg_limit inc = {.has_rel = true,
                    .rel_bp = 500,
                    .has_abs = false,
                    .abs = 0,
                    .has_max = false,
                    .max = 0},
             cap = {.has_max = true, .max = 100};
    mg_error err;
    mg_policy_defaults(&p);
    cr_expect_str_eq(p.origin[MG_LEVEL_FAIL][MG_PEAK_BYTES][MG_PART_INCREASE].where,
                     "built-in default");
    mg_policy_set(&p, MG_LEVEL_FAIL, MG_PEAK_BYTES, &inc, false, MG_SRC_CONFIG, "cfg:3:5");
    mg_policy_set(&p, MG_LEVEL_FAIL, MG_PEAK_BYTES, &cap, false, MG_SRC_ENV,
                  "MEMORY_THRESHOLD=100");
    cr_expect_str_eq(p.origin[MG_LEVEL_FAIL][MG_PEAK_BYTES][MG_PART_INCREASE].where, "cfg:3:5");
    cr_expect_eq(p.origin[MG_LEVEL_FAIL][MG_PEAK_BYTES][MG_PART_CEILING].src, MG_SRC_ENV);
    cr_expect(p.fail[MG_PEAK_BYTES].has_rel && !p.fail[MG_PEAK_BYTES].has_abs);
    cr_expect(p.fail[MG_PEAK_BYTES].has_max);
    mg_error_init(&err);
    cr_assert_eq(mg_policy_apply(&p, "peak=none", false, MG_SRC_FLAG, &err), 0);
    cr_expect_not(mg_limit_is_set(&p.fail[MG_PEAK_BYTES]));
    cr_expect_str_eq(p.origin[MG_LEVEL_FAIL][MG_PEAK_BYTES][MG_PART_CEILING].where,
                     "--limit peak=none");
    cr_expect(p.drift[MG_PEAK_BYTES].has_rel && p.drift[MG_PEAK_BYTES].rel_bp == 2500);
    cr_expect_eq(p.missing, MG_MISSING_FAIL);
}
