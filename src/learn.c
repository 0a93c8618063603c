/*
 * Limits learned from the history: a metric that moves with scheduling gets
 * a limit from its own recent spread on the main branch instead of a
 * percentage raised until it means nothing (docs/configuration.md).
 */
#include "memgate/learn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void mg_learn_defaults(mg_learn_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->window = 20;
    s->min_samples = 5;
}

bool mg_learn_wanted(const mg_policy *p)
{
    for (unsigned m = 0; m < MG_METRIC_COUNT; m++)
        if (p->fail[m].learn != MG_LEARN_NONE || p->warn[m].learn != MG_LEARN_NONE)
            return true;
    return false;
}

/* The newest window values of the metric, oldest first; returns how many. */
static size_t samples(const mg_history *h, const char *workload, enum mg_metric m, unsigned window,
                      uint64_t *out)
{
    const char *wl = workload ? workload : "default";
    size_t n = 0, i;
    for (i = h->n; i > 0 && n < window; i--) {
        const mg_history_entry *e = &h->entries[i - 1];
        if (!strcmp(e->workload, wl) && e->metrics.present[m])
            out[n++] = e->metrics.value[m];
    }
    for (i = 0; i < n / 2; i++) {
        uint64_t t = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = t;
    }
    return n;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Quantile p of sorted v by linear interpolation between order statistics (R type 7). */
static double quantile(const uint64_t *v, size_t n, double p)
{
    double at = (double)(n - 1) * p;
    size_t lo = (size_t)floor(at);
    if (lo + 1 >= n)
        return (double)v[n - 1];
    return (double)v[lo] + (at - (double)lo) * ((double)v[lo + 1] - (double)v[lo]);
}

static uint64_t ceil_u64(double x)
{
    if (x <= 0)
        return 0;
    if (x >= 18446744073709549568.0)
        return UINT64_MAX;
    return (uint64_t)ceil(x);
}

static void statistics(mg_learned *l, uint64_t *v, size_t n)
{
    double sum = 0, sq = 0, k;
    size_t i;
    for (i = 0; i < n; i++)
        sum += (double)v[i];
    l->mean = sum / (double)n;
    for (i = 0; i < n; i++)
        sq += ((double)v[i] - l->mean) * ((double)v[i] - l->mean);
    l->sd = n > 1 ? sqrt(sq / (double)(n - 1)) : 0;
    qsort(v, n, sizeof(*v), cmp_u64);
    l->q1 = quantile(v, n, 0.25);
    l->median = quantile(v, n, 0.5);
    l->q3 = quantile(v, n, 0.75);
    k = l->rule.learn == MG_LEARN_SIGMA ? l->rule.sigma_x100 / 100.0 : 3.0;
    l->sigma_bound = ceil_u64(l->mean + k * l->sd);
    l->iqr_bound = ceil_u64(l->q3 + 1.5 * (l->q3 - l->q1));
    l->bound = l->rule.learn == MG_LEARN_SIGMA ? l->sigma_bound
               : l->rule.learn == MG_LEARN_IQR ? l->iqr_bound
               : l->sigma_bound > l->iqr_bound ? l->sigma_bound
                                               : l->iqr_bound;
}

/* Too few samples: the fallback's increase terms (or the built-in default's) stand in. */
static void fall_back(mg_limit *lim, mg_learned *l, const mg_learn_settings *s)
{
    mg_policy defaults;
    mg_limit fb;
    if (s->has_fallback) {
        fb = s->fallback;
    } else {
        mg_policy_defaults(&defaults);
        fb = *mg_policy_limit(&defaults, l->level, l->metric);
    }
    fb.has_max = false; /* the ceiling in force stays what it is */
    lim->learn = MG_LEARN_NONE;
    lim->has_rel = lim->has_abs = lim->has_learned = false;
    mg_limit_merge(lim, &fb, false);
    l->fallback = true;
    l->fallback_limit = *lim;
}

size_t mg_learn_resolve(mg_policy *p, const mg_history *h, const char *workload,
                        const mg_learn_settings *s, mg_learned *out, size_t max)
{
    static const enum mg_level levels[] = {MG_LEVEL_FAIL, MG_LEVEL_WARN};
    uint64_t v[MG_LEARN_WINDOW_MAX];
    unsigned window = s->window > MG_LEARN_WINDOW_MAX ? MG_LEARN_WINDOW_MAX : s->window;
    size_t k = 0;

    for (unsigned m = 0; m < MG_METRIC_COUNT; m++)
        for (size_t i = 0; i < 2; i++) {
            mg_limit *lim = levels[i] == MG_LEVEL_WARN ? &p->warn[m] : &p->fail[m];
            mg_learned l;
            if (lim->learn == MG_LEARN_NONE)
                continue;
            memset(&l, 0, sizeof(l));
            l.metric = (enum mg_metric)m;
            l.level = levels[i];
            l.rule = *lim;
            l.window = window;
            l.min_samples = s->min_samples;
            l.n = h ? samples(h, workload, l.metric, window, v) : 0;
            if (l.n > 0)
                statistics(&l, v, l.n);
            if (l.n < s->min_samples || l.n == 0) {
                fall_back(lim, &l, s);
            } else {
                lim->has_learned = true;
                lim->learned_max = l.bound;
            }
            if (k < max)
                out[k++] = l;
        }
    return k;
}
