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
    MG_STATUS_ABSENT, /* the baseline has it, the profile does not: skipped, not zero */
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
    mg_limit limit;        /* the fail-level limit in force */
    mg_limit warn_limit;   /* the warn-level limit in force */
    char reason[96];       /* why it is warn/fail/absent/improved, "" when ok */
} mg_row;

typedef struct mg_verdict {
    mg_row rows[MG_METRIC_COUNT];
    unsigned n_rows;
    enum mg_status overall; /* OK (pass), WARN or FAIL; IMPROVED when something improved */
    unsigned n_fail, n_warn, n_improved, n_absent, n_gated;
    unsigned n_compared; /* gated metrics present on both sides */
} mg_verdict;

/*
 * Evaluate every metric present in the baseline or the profile, or that has a
 * ceiling. Arithmetic is exact: cur*10000 > base*(10000+bp) in 128 bits.
 */
void mg_gate_evaluate(mg_verdict *out, const mg_metrics *baseline, const mg_metrics *current,
                      const mg_policy *policy);

const char *mg_status_name(enum mg_status s); /* "ok", "improved", "warn", "fail", "absent" */
/* "pass", "warn" or "fail" for the whole verdict */
const char *mg_verdict_name(const mg_verdict *v);

#endif
