/*
 * Verdict rules a one-line edit could break without another test failing (issue 13 #9),
 * found by ci/mutation.sh: a warned step never hides a failed drift budget, an accepted change
 * needs no further review, and only an all-zero profile is empty.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "memgate/gate.h"

static mg_metrics peak(uint64_t v)
{
    mg_metrics m;
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_PEAK_BYTES, v);
    return m;
}

static const mg_row *peak_row(const mg_verdict *v)
{
    for (unsigned i = 0; i < v->n_rows; i++)
        if (v->rows[i].metric == MG_PEAK_BYTES)
            return &v->rows[i];
    cr_assert_fail("no peak row");
    return NULL;
}

/*
 * Anchor 900,000, baseline 1,100,000, now 1,180,000: the step is +7.3% (within the fail limit
 * +10%, past a warn level of +5%); since the anchor it is +31.1% and +280,000 B, past the
 * default drift budget (+25% and +256 KiB).
 */
static void warned_step_past_the_drift_budget(mg_verdict *v, bool drift_warn)
{
    mg_policy p;
    mg_error err;
    mg_metrics anchor = peak(900000), base = peak(1100000), cur = peak(1180000);
    mg_policy_defaults(&p);
    mg_error_init(&err);
    cr_assert_eq(mg_policy_apply(&p, "peak=+5%", true, MG_SRC_FLAG, &err), 0);
    p.drift_warn = drift_warn;
    mg_gate_evaluate(v, &base, &cur, &p);
    cr_assert_eq(peak_row(v)->status, MG_STATUS_WARN, "the step alone warns");
    mg_gate_apply_drift(v, &anchor, &p, "anchor");
    cr_assert(peak_row(v)->drift_over);
}

Test(pinned_verdict, a_warned_row_does_not_hide_a_failed_drift_budget)
{
    mg_verdict v;
    warned_step_past_the_drift_budget(&v, false);
    cr_expect_eq(peak_row(&v)->status, MG_STATUS_FAIL);
    cr_expect_eq(peak_row(&v)->cause, MG_LEVEL_DRIFT);
    cr_expect_eq(v.n_fail, 1);
    cr_expect_eq(v.n_warn, 0);
    cr_expect_eq(v.n_drift, 1);
    cr_expect_eq(v.overall, MG_STATUS_FAIL);
    cr_expect_str_eq(mg_verdict_name(&v), "fail");
}

/* With drift at warn severity the warned row stays a warning, named by its own step. */
Test(pinned_verdict, drift_at_warn_severity_keeps_the_warned_row_a_warning)
{
    mg_verdict v;
    warned_step_past_the_drift_budget(&v, true);
    cr_expect_eq(peak_row(&v)->status, MG_STATUS_WARN);
    cr_expect_eq(peak_row(&v)->cause, MG_LEVEL_WARN);
    cr_expect_eq(v.n_fail, 0);
    cr_expect_eq(v.overall, MG_STATUS_WARN);
    cr_expect_str_eq(mg_verdict_name(&v), "warn");
}

/* A reviewed exception (--accept or a trailer) is the review --require-review asks for. */
Test(pinned_verdict, an_accepted_change_needs_no_further_review)
{
    mg_policy p;
    mg_metrics base = peak(1000000), cur = peak(2000000);
    mg_verdict v;
    mg_policy_defaults(&p);
    mg_gate_evaluate(&v, &base, &cur, &p);
    mg_gate_accept(&v, "reviewed: the new cache (JIRA-7)", "--accept");
    cr_assert_eq(v.overall, MG_STATUS_ACCEPTED);
    mg_gate_needs_review(&v, true);
    cr_expect(v.needs_review);
    cr_expect_not(v.review_required);
    cr_expect_eq(v.overall, MG_STATUS_WARN);
    /* without the exception the required review fails the gate */
    mg_gate_evaluate(&v, &base, &base, &p);
    mg_gate_needs_review(&v, true);
    cr_expect(v.review_required);
    cr_expect_eq(v.overall, MG_STATUS_FAIL);
}

/* Empty means all zero: a profile of one 1-byte allocation is small, not empty. */
Test(pinned_verdict, only_an_all_zero_profile_is_empty)
{
    mg_metrics m;
    mg_error err;
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_PEAK_BYTES, 1);
    mg_metrics_set(&m, MG_TOTAL_BYTES, 1);
    mg_metrics_set(&m, MG_ALLOC_COUNT, 1);
    mg_error_init(&err);
    cr_expect_eq(mg_gate_refuse_empty(&m, "one.json", &err), 0, "%s", err.msg);
    mg_metrics_set(&m, MG_PEAK_BYTES, 0);
    mg_metrics_set(&m, MG_TOTAL_BYTES, 0);
    mg_metrics_set(&m, MG_ALLOC_COUNT, 0);
    cr_expect_eq(mg_gate_refuse_empty(&m, "zero.json", &err), -MG_E_INPUT);
    cr_expect(strstr(err.msg, "an empty profile") != NULL, "%s", err.msg);
}
