/* Baseline and limit differences between a PR and its merge base, in words a reviewer reads. */
#include "cli_prchange.h"

#include <stdio.h>
#include <string.h>

#include "memgate/num.h"

void cli_amount(enum mg_metric m, uint64_t v, char *out, size_t size)
{
    mg_metric_format(m, v, out, size);
}

static void value_text(const mg_metrics *m, enum mg_metric k, char *out, size_t size)
{
    if (!m || !m->present[k])
        snprintf(out, size, "(none)");
    else
        cli_amount(k, m->value[k], out, size);
}

bool cli_prchange_baseline(struct cli_notices *n, const char *sha, const mg_metrics *base,
                           const mg_metrics *head)
{
    int at = -1;
    unsigned k;
    for (k = 0; k < MG_METRIC_COUNT; k++) {
        bool in_b = base->present[k], in_h = head && head->present[k];
        char a[32], b[32], pct[32] = "";
        if (in_b == in_h && (!in_b || base->value[k] == head->value[k]))
            continue;
        if (at < 0)
            at = cli_notice_add(n, "baseline_change",
                                "this PR changes the baseline; the verdict uses the merge base's "
                                "(%.12s) until it is merged",
                                sha);
        value_text(base, (enum mg_metric)k, a, sizeof(a));
        value_text(head, (enum mg_metric)k, b, sizeof(b));
        if (in_b && in_h && base->value[k])
            snprintf(pct, sizeof(pct), " (%+.0f%%)",
                     100.0 * ((double)head->value[k] - (double)base->value[k]) /
                         (double)base->value[k]);
        cli_notice_line(n, at, "%s %s → %s%s", mg_metric_name((enum mg_metric)k), a, b, pct);
    }
    return at >= 0;
}

static bool same_limit(const mg_limit *a, const mg_limit *b)
{
    return a->has_rel == b->has_rel && (!a->has_rel || a->rel_bp == b->rel_bp) &&
           a->has_abs == b->has_abs && (!a->has_abs || a->abs == b->abs) &&
           a->has_max == b->has_max && (!a->has_max || a->max == b->max) && a->learn == b->learn &&
           (a->learn != MG_LEARN_SIGMA || a->sigma_x100 == b->sigma_x100);
}

/*
 * Does b let through something a stops? An increase trips only past every
 * increase term, so a term added (or raised) loosens, one removed tightens,
 * and no increase term at all lets any increase through.
 */
static bool looser(const mg_limit *a, const mg_limit *b)
{
    bool inc_a = a->has_rel || a->has_abs || a->learn != MG_LEARN_NONE;
    bool inc_b = b->has_rel || b->has_abs || b->learn != MG_LEARN_NONE;
    if (inc_a && !inc_b)
        return true;
    /* a learned limit against a written one moves with the history: neither is plainly looser */
    if (a->learn == MG_LEARN_SIGMA && b->learn == MG_LEARN_SIGMA && b->sigma_x100 > a->sigma_x100)
        return true;
    if (a->learn != MG_LEARN_NONE || b->learn != MG_LEARN_NONE)
        return a->has_max && (!b->has_max || b->max > a->max);
    if (inc_a && ((b->has_rel && (!a->has_rel || b->rel_bp > a->rel_bp)) ||
                  (b->has_abs && (!a->has_abs || b->abs > a->abs))))
        return true;
    return a->has_max && (!b->has_max || b->max > a->max);
}

static int start(struct cli_notices *n, int at, const char *sha)
{
    if (at >= 0)
        return at;
    return cli_notice_add(n, "limits_change",
                          "this PR changes the limits it is judged by (.pmat.yaml); the verdict "
                          "uses the merge base's (%.12s) until it is merged",
                          sha);
}

bool cli_prchange_policy(struct cli_notices *n, const char *sha, const mg_policy *base,
                         const mg_policy *head)
{
    static const enum mg_level levels[] = {MG_LEVEL_FAIL, MG_LEVEL_WARN, MG_LEVEL_DRIFT};
    int at = -1;
    size_t i;
    unsigned k;

    for (i = 0; i < 3; i++)
        for (k = 0; k < MG_METRIC_COUNT; k++) {
            const mg_limit *a = mg_policy_limit(base, levels[i], (enum mg_metric)k);
            const mg_limit *b = mg_policy_limit(head, levels[i], (enum mg_metric)k);
            char la[64], lb[64];
            if (same_limit(a, b))
                continue;
            at = start(n, at, sha);
            mg_limit_format(a, (enum mg_metric)k, la, sizeof(la));
            mg_limit_format(b, (enum mg_metric)k, lb, sizeof(lb));
            cli_notice_line(n, at, "%s the %s %s limit %s → %s",
                            looser(a, b)   ? "loosens"
                            : looser(b, a) ? "tightens"
                                           : "changes",
                            mg_metric_name((enum mg_metric)k), mg_level_name(levels[i]), la, lb);
        }
    if (base->improvement_bp != head->improvement_bp) {
        at = start(n, at, sha);
        cli_notice_line(n, at, "changes the improvement hint %llu.%02llu%% → %llu.%02llu%%",
                        (unsigned long long)base->improvement_bp / 100,
                        (unsigned long long)base->improvement_bp % 100,
                        (unsigned long long)head->improvement_bp / 100,
                        (unsigned long long)head->improvement_bp % 100);
    }
    if (base->missing != head->missing) {
        at = start(n, at, sha);
        cli_notice_line(n, at, "changes missing_baseline %s → %s", mg_missing_name(base->missing),
                        mg_missing_name(head->missing));
    }
    if (base->drift_warn != head->drift_warn) {
        at = start(n, at, sha);
        cli_notice_line(n, at, "%s the drift severity %s → %s",
                        head->drift_warn ? "loosens" : "tightens",
                        base->drift_warn ? "warn" : "fail", head->drift_warn ? "warn" : "fail");
    }
    return at >= 0;
}
