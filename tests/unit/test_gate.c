/* gate: integer-exact thresholds, absent metrics, improvements, counters and the overall verdict.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "memgate/gate.h"

/* A policy with nothing gated and no improvement hint unless a test sets them. */
static mg_policy empty_policy(void)
{
    mg_policy p;
    memset(&p, 0, sizeof(p));
    p.improvement_bp = 500;
    return p;
}

static mg_metrics metrics1(enum mg_metric m, uint64_t v)
{
    mg_metrics x;
    memset(&x, 0, sizeof(x));
    mg_metrics_set(&x, m, v);
    return x;
}

static const mg_row *row_of(const mg_verdict *v, enum mg_metric m)
{
    unsigned i;
    for (i = 0; i < v->n_rows; i++)
        if (v->rows[i].metric == m)
            return &v->rows[i];
    return NULL;
}

/* Evaluate one metric, baseline `base` and current `cur`, under `fail`; return its status. */
static enum mg_status one(uint64_t base, uint64_t cur, mg_limit fail)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_PEAK_BYTES, base), c = metrics1(MG_PEAK_BYTES, cur);
    mg_verdict v;
    p.fail[MG_PEAK_BYTES] = fail;
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_assert_eq(v.n_rows, 1);
    return v.rows[0].status;
}

#define REL(bp)                                                                                    \
    ((mg_limit){                                                                                   \
        .has_rel = true, .rel_bp = (bp), .has_abs = false, .abs = 0, .has_max = false, .max = 0})
#define ABS(n)                                                                                     \
    ((mg_limit){                                                                                   \
        .has_rel = false, .rel_bp = 0, .has_abs = true, .abs = (n), .has_max = false, .max = 0})
#define REL_ABS(bp, n)                                                                             \
    ((mg_limit){                                                                                   \
        .has_rel = true, .rel_bp = (bp), .has_abs = true, .abs = (n), .has_max = false, .max = 0})
#define MAX(n)                                                                                     \
    ((mg_limit){                                                                                   \
        .has_rel = false, .rel_bp = 0, .has_abs = false, .abs = 0, .has_max = true, .max = (n)})

Test(gate, exactly_at_the_relative_limit_passes_one_more_byte_fails)
{
    cr_expect_eq(one(1000, 1050, REL(500)), MG_STATUS_OK);
    cr_expect_eq(one(1000, 1051, REL(500)), MG_STATUS_FAIL);
    /* 2.5% of 1000 is 25 */
    cr_expect_eq(one(1000, 1025, REL(250)), MG_STATUS_OK);
    cr_expect_eq(one(1000, 1026, REL(250)), MG_STATUS_FAIL);
    /* 5% of 3,434,884 is 171,744.2: 171,744 bytes more pass, 171,745 fail */
    cr_expect_eq(one(3434884, 3434884 + 171744, REL(500)), MG_STATUS_OK);
    cr_expect_eq(one(3434884, 3434884 + 171745, REL(500)), MG_STATUS_FAIL);
}

Test(gate, exactly_at_the_absolute_limit_passes_one_more_byte_fails)
{
    cr_expect_eq(one(1000, 1000 + 65536, ABS(65536)), MG_STATUS_OK);
    cr_expect_eq(one(1000, 1000 + 65537, ABS(65536)), MG_STATUS_FAIL);
}

Test(gate, zero_increase_never_trips_an_increase_limit)
{
    cr_expect_eq(one(1000, 1000, REL(0)), MG_STATUS_OK);
    cr_expect_eq(one(1000, 1000, ABS(0)), MG_STATUS_OK);
    cr_expect_eq(one(1000, 1001, REL(0)), MG_STATUS_FAIL);
    cr_expect_eq(one(1000, 1001, ABS(0)), MG_STATUS_FAIL);
}

Test(gate, relative_and_absolute_must_both_be_exceeded)
{
    /* small baseline: +5.1% but only 51 bytes, under the 64 KiB floor */
    cr_expect_eq(one(1000, 1051, REL_ABS(500, 65536)), MG_STATUS_OK);
    /* large baseline: 65,537 bytes more but only 0.66% */
    cr_expect_eq(one(10000000, 10065537, REL_ABS(500, 65536)), MG_STATUS_OK);
    /* both exceeded */
    cr_expect_eq(one(1000, 1000 + 65537, REL_ABS(500, 65536)), MG_STATUS_FAIL);
    cr_expect_eq(one(10000000, 10500001, REL_ABS(500, 65536)), MG_STATUS_FAIL);
    /* relative exactly at the limit, absolute exceeded: not both, so it passes */
    cr_expect_eq(one(10000000, 10500000, REL_ABS(500, 65536)), MG_STATUS_OK);
}

Test(gate, ceiling_alone)
{
    cr_expect_eq(one(500, 1000, MAX(1000)), MG_STATUS_OK);
    cr_expect_eq(one(500, 1001, MAX(1000)), MG_STATUS_FAIL);
    /* the ceiling trips even when the value went down */
    cr_expect_eq(one(5000, 2000, MAX(1000)), MG_STATUS_FAIL);
}

Test(gate, ceiling_trips_on_its_own_next_to_increase_terms)
{
    mg_limit l = {.has_rel = true,
                  .rel_bp = 1000,
                  .has_abs = true,
                  .abs = 65536,
                  .has_max = true,
                  .max = 1000};
    cr_expect_eq(one(999, 1001, l), MG_STATUS_FAIL);
}

Test(gate, ceiling_without_a_baseline)
{
    mg_policy p = empty_policy();
    mg_metrics c = metrics1(MG_PEAK_BYTES, 1001);
    mg_verdict v;
    const mg_row *r;
    p.fail[MG_PEAK_BYTES] = MAX(1000);
    mg_gate_evaluate(&v, NULL, &c, &p);
    r = row_of(&v, MG_PEAK_BYTES);
    cr_assert_not_null(r);
    cr_expect_eq(r->status, MG_STATUS_FAIL);
    cr_expect_str_eq(r->reason, "above the ceiling");
    cr_expect_not(r->in_baseline);
    cr_expect_eq(v.overall, MG_STATUS_FAIL);
}

Test(gate, fail_reason_says_why)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_PEAK_BYTES, 100), c = metrics1(MG_PEAK_BYTES, 200);
    mg_verdict v;
    p.fail[MG_PEAK_BYTES] = REL(500);
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_str_eq(v.rows[0].reason, "grew more than allowed");
}

Test(gate, baseline_zero)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_END_BYTES, 0), c = metrics1(MG_END_BYTES, 1);
    mg_verdict v;
    p.fail[MG_END_BYTES] = REL(500);
    mg_gate_evaluate(&v, &b, &c, &p);
    /* any growth from zero is an unbounded relative increase */
    cr_expect_eq(v.rows[0].status, MG_STATUS_FAIL);
    cr_expect_not(v.rows[0].has_pct, "no percentage of zero");
    cr_expect_eq(v.rows[0].delta, 1);
    /* an absolute floor still forgives small growth from zero */
    cr_expect_eq(one(0, 65536, REL_ABS(500, 65536)), MG_STATUS_OK);
    cr_expect_eq(one(0, 65537, REL_ABS(500, 65536)), MG_STATUS_FAIL);
    cr_expect_eq(one(0, 0, REL(0)), MG_STATUS_OK);
}

Test(gate, decrease_is_improved_only_beyond_the_hint)
{
    /* hint 5%: 50 of 1000 is exactly 5%, not beyond */
    cr_expect_eq(one(1000, 950, REL(500)), MG_STATUS_OK);
    cr_expect_eq(one(1000, 949, REL(500)), MG_STATUS_IMPROVED);
    /* a decrease never trips increase terms, even +0% */
    cr_expect_eq(one(1000, 999, REL_ABS(0, 0)), MG_STATUS_OK);
}

Test(gate, improvement_fields_and_verdict)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_TOTAL_BYTES, 1000), c = metrics1(MG_TOTAL_BYTES, 900);
    mg_verdict v;
    p.fail[MG_TOTAL_BYTES] = REL(200);
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_eq(v.rows[0].status, MG_STATUS_IMPROVED);
    cr_expect(v.rows[0].negative);
    cr_expect_eq(v.rows[0].delta, 100);
    cr_expect(v.rows[0].has_pct);
    cr_expect_float_eq(v.rows[0].delta_pct, -10.0, 1e-9);
    cr_expect_neq(v.rows[0].reason[0], '\0');
    cr_expect_eq(v.overall, MG_STATUS_IMPROVED);
    cr_expect_eq(v.n_improved, 1);
    cr_expect_str_eq(mg_verdict_name(&v), "pass");
}

Test(gate, ungated_metrics_never_count_as_improved)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_END_BLOCKS, 100), c = metrics1(MG_END_BLOCKS, 10);
    mg_verdict v;
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_eq(v.rows[0].status, MG_STATUS_OK);
    cr_expect_eq(v.n_improved, 0);
    cr_expect_eq(v.n_gated, 0);
}

Test(gate, zero_hint_makes_any_drop_an_improvement)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_PEAK_BYTES, 1000), c = metrics1(MG_PEAK_BYTES, 999);
    mg_verdict v;
    p.improvement_bp = 0;
    p.fail[MG_PEAK_BYTES] = REL(1000);
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_eq(v.rows[0].status, MG_STATUS_IMPROVED);
}

Test(gate, delta_and_percentage_for_display)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_PEAK_BYTES, 3434884), c = metrics1(MG_PEAK_BYTES, 18600624);
    mg_verdict v;
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_not(v.rows[0].negative);
    cr_expect_eq(v.rows[0].delta, 18600624 - 3434884);
    cr_expect(v.rows[0].has_pct);
    /* the README's +441.5% for wordfreq regressed vs baseline */
    cr_expect_float_eq(v.rows[0].delta_pct, 441.52, 0.01);
    cr_expect_eq(v.rows[0].status, MG_STATUS_OK, "nothing gated, nothing fails");
}

Test(gate, metric_absent_from_the_profile_is_absent_not_a_failure)
{
    mg_policy p = empty_policy();
    mg_metrics b, c = metrics1(MG_PEAK_BYTES, 100);
    mg_verdict v;
    const mg_row *r;
    memset(&b, 0, sizeof(b));
    mg_metrics_set(&b, MG_PEAK_BYTES, 100);
    mg_metrics_set(&b, MG_RUNTIME_US, 5000);
    /* a limit the absent metric would break if it were taken as zero or anything else */
    p.fail[MG_RUNTIME_US] = (mg_limit){
        .has_rel = true, .rel_bp = 0, .has_abs = true, .abs = 0, .has_max = true, .max = 0};
    mg_gate_evaluate(&v, &b, &c, &p);
    r = row_of(&v, MG_RUNTIME_US);
    cr_assert_not_null(r);
    cr_expect_eq(r->status, MG_STATUS_ABSENT);
    cr_expect(r->in_baseline);
    cr_expect_not(r->in_current);
    cr_expect_not(r->has_pct);
    cr_expect(strstr(r->reason, "skipped") != NULL, "%s", r->reason);
    cr_expect_eq(v.n_absent, 1);
    cr_expect_eq(v.n_fail, 0);
    cr_expect_eq(v.overall, MG_STATUS_OK);
    cr_expect_str_eq(mg_verdict_name(&v), "pass");
    /* gated but not compared */
    cr_expect_eq(v.n_gated, 1);
    cr_expect_eq(v.n_compared, 0);
}

/*
 * gate.h: every metric "present in the baseline or the profile, or that has a
 * ceiling" gets a row. A ceiling on a metric this profile cannot measure
 * (--max rss=500MB with a dhat profile) is shown as absent, not silently dropped.
 */
Test(gate, ceiling_on_a_metric_nobody_measured_is_shown_absent)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_PEAK_BYTES, 100), c = metrics1(MG_PEAK_BYTES, 100);
    mg_verdict v;
    const mg_row *r;
    p.fail[MG_PEAK_RSS] = MAX(500000000);
    mg_gate_evaluate(&v, &b, &c, &p);
    r = row_of(&v, MG_PEAK_RSS);
    cr_assert_not_null(r, "the ceiling on peak_rss_bytes vanished from the verdict");
    cr_expect_eq(r->status, MG_STATUS_ABSENT);
    cr_expect_not(r->in_baseline);
    cr_expect_not(r->in_current);
    cr_expect(r->limit.has_max && r->limit.max == 500000000);
    cr_expect_eq(v.n_absent, 1);
    cr_expect_eq(v.n_fail, 0);
    cr_expect_eq(v.overall, MG_STATUS_OK);
}

Test(gate, metric_new_in_the_profile_is_ok_and_says_so)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_PEAK_BYTES, 100), c = metrics1(MG_PEAK_BYTES, 100);
    mg_verdict v;
    const mg_row *r;
    mg_metrics_set(&c, MG_PEAK_RSS, 1 << 30);
    p.fail[MG_PEAK_RSS] = REL(0);
    mg_gate_evaluate(&v, &b, &c, &p);
    r = row_of(&v, MG_PEAK_RSS);
    cr_assert_not_null(r);
    cr_expect_eq(r->status, MG_STATUS_OK, "an increase needs a baseline to compare with");
    cr_expect_str_eq(r->reason, "not in the baseline");
    cr_expect_not(r->has_pct);
    cr_expect_eq(v.n_gated, 1);
    cr_expect_eq(v.n_compared, 0, "rss is gated but has no baseline; peak is not gated");
}

Test(gate, metrics_on_neither_side_get_no_row)
{
    mg_policy p;
    mg_metrics b = metrics1(MG_PEAK_BYTES, 1), c = metrics1(MG_PEAK_BYTES, 1);
    mg_verdict v;
    mg_policy_defaults(&p); /* increase limits on total, count, rss: no ceilings */
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_eq(v.n_rows, 1);
    cr_expect_eq(v.rows[0].metric, MG_PEAK_BYTES);
    cr_expect_eq(v.n_absent, 0);
}

Test(gate, warn_level_between_ok_and_fail)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_PEAK_BYTES, 1000), c = metrics1(MG_PEAK_BYTES, 1070);
    mg_verdict v;
    p.fail[MG_PEAK_BYTES] = REL(1000);
    p.warn[MG_PEAK_BYTES] = REL(500);
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_eq(v.rows[0].status, MG_STATUS_WARN);
    cr_expect_eq(v.overall, MG_STATUS_WARN);
    cr_expect_eq(v.n_warn, 1);
    cr_expect_str_eq(mg_verdict_name(&v), "warn");
    cr_expect(v.rows[0].warn_limit.has_rel && v.rows[0].warn_limit.rel_bp == 500);
    cr_expect(v.rows[0].limit.has_rel && v.rows[0].limit.rel_bp == 1000);
    c = metrics1(MG_PEAK_BYTES, 1101);
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_eq(v.rows[0].status, MG_STATUS_FAIL, "fail outranks warn");
    cr_expect_eq(v.n_warn, 0);
}

Test(gate, overall_verdict_and_counters)
{
    mg_policy p = empty_policy();
    mg_metrics b, c;
    mg_verdict v;
    memset(&b, 0, sizeof(b));
    memset(&c, 0, sizeof(c));
    mg_metrics_set(&b, MG_PEAK_BYTES, 1000); /* fail */
    mg_metrics_set(&c, MG_PEAK_BYTES, 2000);
    mg_metrics_set(&b, MG_TOTAL_BYTES, 1000); /* warn */
    mg_metrics_set(&c, MG_TOTAL_BYTES, 1100);
    mg_metrics_set(&b, MG_ALLOC_COUNT, 1000); /* dropped: no improvement next to a regression */
    mg_metrics_set(&c, MG_ALLOC_COUNT, 500);
    mg_metrics_set(&b, MG_END_BYTES, 7); /* ok, ungated */
    mg_metrics_set(&c, MG_END_BYTES, 7);
    mg_metrics_set(&b, MG_RUNTIME_US, 10); /* absent */
    p.fail[MG_PEAK_BYTES] = REL(1000);
    p.warn[MG_TOTAL_BYTES] = REL(500);
    p.fail[MG_ALLOC_COUNT] = REL(200);
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_eq(v.n_rows, 5);
    cr_expect_eq(row_of(&v, MG_PEAK_BYTES)->status, MG_STATUS_FAIL);
    cr_expect_eq(row_of(&v, MG_TOTAL_BYTES)->status, MG_STATUS_WARN);
    cr_expect_eq(row_of(&v, MG_ALLOC_COUNT)->status, MG_STATUS_OK);
    cr_expect_eq(row_of(&v, MG_END_BYTES)->status, MG_STATUS_OK);
    cr_expect_eq(row_of(&v, MG_RUNTIME_US)->status, MG_STATUS_ABSENT);
    cr_expect_eq(v.n_fail, 1);
    cr_expect_eq(v.n_warn, 1);
    cr_expect_eq(v.n_improved, 0);
    cr_expect_eq(v.n_absent, 1);
    cr_expect_eq(v.n_gated, 3);
    cr_expect_eq(v.n_compared, 3);
    cr_expect_eq(v.overall, MG_STATUS_FAIL);
    cr_expect_str_eq(mg_verdict_name(&v), "fail");
    /* rows come in metric order */
    cr_expect_eq(v.rows[0].metric, MG_PEAK_BYTES);
    cr_expect_eq(v.rows[1].metric, MG_TOTAL_BYTES);
    cr_expect_eq(v.rows[4].metric, MG_RUNTIME_US);
}

Test(gate, nothing_at_all_passes)
{
    mg_policy p = empty_policy();
    mg_metrics c;
    mg_verdict v;
    memset(&c, 0, sizeof(c));
    mg_gate_evaluate(&v, NULL, &c, &p);
    cr_expect_eq(v.n_rows, 0);
    cr_expect_eq(v.overall, MG_STATUS_OK);
    cr_expect_str_eq(mg_verdict_name(&v), "pass");
}

/* ---- values near UINT64_MAX: the products need 128 bits ---- */

Test(gate, huge_values_at_the_exact_limit)
{
    /* 5% of 10^18 is 5*10^16; base*500 is 5*10^20, past 2^64 */
    const uint64_t base = 1000000000000000000ULL;
    cr_expect_eq(one(base, base + 50000000000000000ULL, REL(500)), MG_STATUS_OK);
    cr_expect_eq(one(base, base + 50000000000000001ULL, REL(500)), MG_STATUS_FAIL);
}

Test(gate, huge_values_do_not_overflow)
{
    cr_expect_eq(one(UINT64_MAX - 10, UINT64_MAX, REL(500)), MG_STATUS_OK);
    cr_expect_eq(one(UINT64_MAX - 1, UINT64_MAX, REL(0)), MG_STATUS_FAIL);
    cr_expect_eq(one(1, UINT64_MAX, REL(500)), MG_STATUS_FAIL);
    cr_expect_eq(one(0, UINT64_MAX, ABS(UINT64_MAX)), MG_STATUS_OK);
    cr_expect_eq(one(UINT64_MAX / 2, UINT64_MAX, REL(UINT64_MAX)), MG_STATUS_OK);
    cr_expect_eq(one(0, UINT64_MAX, MAX(UINT64_MAX)), MG_STATUS_OK);
    cr_expect_eq(one(0, UINT64_MAX, MAX(UINT64_MAX - 1)), MG_STATUS_FAIL);
}

Test(gate, huge_drop_is_an_improvement_of_100_percent)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_PEAK_BYTES, UINT64_MAX), c = metrics1(MG_PEAK_BYTES, 0);
    mg_verdict v;
    p.fail[MG_PEAK_BYTES] = REL(1000);
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_eq(v.rows[0].status, MG_STATUS_IMPROVED);
    cr_expect_eq(v.rows[0].delta, UINT64_MAX);
    cr_expect_float_eq(v.rows[0].delta_pct, -100.0, 1e-9);
}

Test(gate, status_names)
{
    cr_expect_str_eq(mg_status_name(MG_STATUS_OK), "ok");
    cr_expect_str_eq(mg_status_name(MG_STATUS_IMPROVED), "improved");
    cr_expect_str_eq(mg_status_name(MG_STATUS_WARN), "warn");
    cr_expect_str_eq(mg_status_name(MG_STATUS_FAIL), "fail");
    cr_expect_str_eq(mg_status_name(MG_STATUS_ABSENT), "absent");
    cr_expect_str_eq(mg_status_name((enum mg_status)99), "?");
}

Test(gate, no_improvement_while_another_metric_grew_past_its_warn_level)
{
    mg_policy p = empty_policy();
    mg_metrics b = metrics1(MG_PEAK_BYTES, 1000), c = metrics1(MG_PEAK_BYTES, 1100);
    mg_verdict v;
    mg_metrics_set(&b, MG_TOTAL_BYTES, 1000);
    mg_metrics_set(&c, MG_TOTAL_BYTES, 500);
    p.warn[MG_PEAK_BYTES] = REL(500); /* +10% is past the +5% warn level */
    p.fail[MG_TOTAL_BYTES] = REL(200);
    mg_gate_evaluate(&v, &b, &c, &p);
    cr_expect_eq(row_of(&v, MG_PEAK_BYTES)->status, MG_STATUS_WARN);
    cr_expect_eq(row_of(&v, MG_TOTAL_BYTES)->status, MG_STATUS_OK);
    cr_expect(strstr(row_of(&v, MG_TOTAL_BYTES)->reason, "another metric grew") != NULL, "%s",
              row_of(&v, MG_TOTAL_BYTES)->reason);
    cr_expect_eq(v.n_improved, 0);
    cr_expect_eq(v.overall, MG_STATUS_WARN);
}
