/* The gate: compare current metrics with the baseline under a policy and reach a verdict. */
#ifndef MEMGATE_GATE_H
#define MEMGATE_GATE_H

#include <stdbool.h>
#include <stdint.h>

#include "memgate/error.h"
#include "memgate/policy.h"
#include "memgate/profile.h"

enum mg_status {
    MG_STATUS_OK,
    MG_STATUS_IMPROVED,
    MG_STATUS_WARN,
    MG_STATUS_FAIL,
    MG_STATUS_ABSENT,   /* the baseline has it, the profile does not: skipped, not zero */
    MG_STATUS_ACCEPTED, /* would fail, but a reviewed exception accepts it (verdict passes) */
};

/* One metric's comparison. delta = current - baseline, as sign + magnitude. */
typedef struct mg_row {
    enum mg_metric metric;
    bool in_baseline, in_current;
    uint64_t baseline, current;
    bool negative; /* delta < 0 */
    uint64_t delta;
    bool has_pct;     /* false when the baseline is 0 or either side is absent */
    double delta_pct; /* display only; decisions use integer arithmetic */
    enum mg_status status;
    mg_limit limit;      /* the fail-level limit in force */
    mg_limit warn_limit; /* the warn-level limit in force */
    char reason[96];     /* why it is warn/fail/absent/improved, "" when ok */
    /* drift against the long-term anchor (mg_gate_apply_drift) */
    bool has_anchor;
    uint64_t anchor;
    bool drift_negative;
    uint64_t drift;
    bool has_drift_pct;
    double drift_pct;
    mg_limit drift_limit;
    bool drift_over; /* the drift budget is exceeded (the status says fail or warn) */
    /* what decided a fail/warn/accepted status: which level, and whether by its ceiling */
    enum mg_level cause;
    bool cause_ceiling;
    enum mg_status status_before_accept; /* what a reviewed exception overrode */
    /* a growth past the fail level shown as a warning: the environment changed */
    bool env_softened;
} mg_row;

typedef struct mg_verdict {
    mg_row rows[MG_METRIC_COUNT];
    unsigned n_rows;
    /* FAIL, WARN, ACCEPTED (a reviewed exception accepted every failure: passes),
       IMPROVED (something improved, nothing failed) or OK */
    enum mg_status overall;
    unsigned n_fail, n_warn, n_improved, n_absent, n_gated;
    unsigned n_compared; /* gated metrics present on both sides */
    unsigned n_accepted;
    unsigned n_drift;        /* rows over the drift budget */
    bool no_baseline;        /* nothing to compare with: see mg_gate_no_baseline */
    bool has_anchor;         /* mg_gate_apply_drift ran with an anchor */
    char anchor_label[96];   /* "commit 249fdd88 (2026-03-09T00:00:00Z)" */
    char accept_reason[256]; /* the reviewed exception, "" when none was given */
    char accept_source[64];  /* "--accept", "Memgate-Accept trailer", ... */
    /* the PR changes the baseline or limits it is judged by (mg_gate_needs_review) */
    bool needs_review;
    bool review_required; /* ... and that fails the verdict until reviewed */
    /* the environment differs from the one the baseline was measured in */
    bool env_changed;
    unsigned n_env_softened; /* rows mg_gate_environment_changed turned from fail to warn */
} mg_verdict;

/*
 * Evaluate every metric present in the baseline or the profile, or that has a
 * ceiling. Arithmetic is exact: cur*10000 > base*(10000+bp) in 128 bits.
 */
void mg_gate_evaluate(mg_verdict *out, const mg_metrics *baseline, const mg_metrics *current,
                      const mg_policy *policy);

/*
 * Compare with the anchor under policy->drift: rows whose growth since the
 * anchor exceeds the budget become fail (or warn with policy->drift_warn),
 * unless they already fail. label names the anchor in reports (copied).
 */
void mg_gate_apply_drift(mg_verdict *v, const mg_metrics *anchor, const mg_policy *policy,
                         const char *label);

/*
 * A reviewed exception: every failing row becomes accepted and the verdict
 * passes. reason and source are copied into the verdict (reason must not be
 * empty: an exception without a reason is not reviewed). No-op when reason is
 * NULL or "".
 */
void mg_gate_accept(mg_verdict *v, const char *reason, const char *source);

/*
 * The environment differs from the baseline's (docs/configuration.md). With
 * soften, every row that fails because it grew (past its fail level or the
 * drift budget) becomes warn and says why; a ceiling is absolute and still
 * fails. Without soften only the verdict records the change.
 */
void mg_gate_environment_changed(mg_verdict *v, bool soften);

/*
 * No baseline: rows carry only the current values; overall is warn for
 * MG_MISSING_WARN/BOOTSTRAP and ok for MG_MISSING_PASS.
 */
void mg_gate_no_baseline(mg_verdict *out, const mg_metrics *current, const mg_policy *policy);

/*
 * The pull request changes its own baseline or limits; the verdict was
 * computed against the merge base's. A verdict that does not fail becomes
 * warn, or fail when required (a team's rule that such a PR is reviewed
 * first; a reviewed exception, mg_gate_accept, satisfies it).
 */
void mg_gate_needs_review(mg_verdict *v, bool required);

/* "needs_review" when the verdict needs review and did not fail on a metric, else mg_verdict_name.
 */
const char *mg_verdict_status(const mg_verdict *v);

/*
 * An empty profile: no heap metric (peak, total, count, end, RSS) is present
 * and non-zero, as when the profiled code never ran (an untouched example).
 * Such a profile is never recorded as a baseline and never passes a check:
 * MG_E_INPUT naming source and the zero metrics; 0 otherwise.
 */
int mg_gate_refuse_empty(const mg_metrics *m, const char *source, mg_error *err);

/* "ok", "improved", "warn", "fail", "absent", "accepted" */
const char *mg_status_name(enum mg_status s);
/* "pass", "warn" or "fail" for the whole verdict (an accepted one passes) */
const char *mg_verdict_name(const mg_verdict *v);

/*
 * Whether current breaks l: above its ceiling, or (with a baseline) grown past
 * its increase terms. The rule every row of the gate is judged by.
 */
bool mg_limit_trips(const mg_limit *l, bool has_baseline, uint64_t baseline, uint64_t current);

#endif
