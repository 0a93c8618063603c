/* Policy: per-metric limits (fail and warn levels), where each came from, and the limit grammar. */
#ifndef MEMGATE_POLICY_H
#define MEMGATE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/error.h"
#include "memgate/profile.h"

/*
 * One level of limits for one metric. An increase trips the level only when
 * it exceeds EVERY increase bound that is set (relative AND absolute), so
 * "+5%&+64KiB" ignores tiny absolute changes on small baselines and small
 * relative changes on huge ones. The ceiling trips on its own.
 */
typedef struct mg_limit {
    bool has_rel;
    uint64_t rel_bp; /* allowed relative increase in hundredths of a percent */
    bool has_abs;
    uint64_t abs; /* allowed absolute increase, in the metric's unit */
    bool has_max;
    uint64_t max; /* absolute ceiling for the current value */
} mg_limit;

/* Where a limit was set, lowest precedence first. */
enum mg_limit_source {
    MG_SRC_DEFAULT,
    MG_SRC_CONFIG,  /* .pmat.yaml */
    MG_SRC_ENV,     /* MEMORY_THRESHOLD */
    MG_SRC_FLAG,    /* command line */
};

typedef struct mg_policy {
    mg_limit fail[MG_METRIC_COUNT];
    mg_limit warn[MG_METRIC_COUNT];
    enum mg_limit_source fail_src[MG_METRIC_COUNT];
    enum mg_limit_source warn_src[MG_METRIC_COUNT];
    /* a drop larger than this (hundredths of a percent) is reported as an improvement */
    uint64_t improvement_bp;
} mg_policy;

/*
 * Built-in defaults. Total bytes and allocation count are exact for a
 * deterministic run, so they get a tight +2% (plus a small absolute floor);
 * the t-gmax peak moves with thread timing and allocator choices, so it gets
 * +10% & +64KiB; peak RSS +10% & +1MiB. Other metrics are reported, not gated.
 */
void mg_policy_defaults(mg_policy *p);

/*
 * Parse a limit: terms joined by '&':
 *   +5%      relative increase      +64KiB / +1000  absolute increase
 *   <=500MB  ceiling (also "max=500MB" or "max:500MB")
 *   none     no limit (also "off"); with mg_policy_apply it also drops what a
 *            lower-precedence source set, so "none&<=1GB" leaves only the ceiling
 * Sizes take B, KB, MB, GB (1000) and KiB, MiB, GiB (1024); counts are plain.
 */
int mg_limit_parse(const char *spec, mg_limit *out, mg_error *err);

/*
 * Put a newer limit over an older one: its increase terms (if it has any)
 * replace the older increase terms together, its ceiling (if any) replaces
 * the older ceiling; `clear` ("none") first removes everything.
 */
void mg_limit_merge(mg_limit *dst, const mg_limit *src, bool clear);

/*
 * Apply "METRIC=SPEC" (METRIC a canonical name or alias) to the fail or warn
 * level, replacing what a lower-precedence source set.
 */
int mg_policy_apply(mg_policy *p, const char *assignment, bool warn, enum mg_limit_source src,
                    mg_error *err);

/*
 * Render a limit for tables, amounts in the metric's unit (mg_format_size or
 * mg_format_count): "+10% & +64.0 KiB", "<=477 MiB" (500 MB), "+2% & +16", "-" when unset.
 */
void mg_limit_format(const mg_limit *l, enum mg_metric m, char *out, size_t size);

const char *mg_limit_source_name(enum mg_limit_source s);

/* true when any bound of the limit is set */
bool mg_limit_is_set(const mg_limit *l);

#endif
