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
/* A limit learned from the history instead of written down (docs/configuration.md). */
enum mg_learn_kind {
    MG_LEARN_NONE,
    MG_LEARN_SIGMA, /* mean + N standard deviations ("3sigma") */
    MG_LEARN_IQR,   /* Tukey's fence: Q3 + 1.5 * IQR ("iqr") */
    MG_LEARN_AUTO,  /* the larger of 3sigma and iqr ("auto") */
};

typedef struct mg_limit {
    bool has_rel;
    uint64_t rel_bp; /* allowed relative increase in hundredths of a percent */
    bool has_abs;
    uint64_t abs; /* allowed absolute increase, in the metric's unit */
    bool has_max;
    uint64_t max; /* absolute ceiling for the current value */
    /* learned from the last history entries (an increase term: it replaces +N% and +SIZE) */
    enum mg_learn_kind learn;
    uint32_t sigma_x100;  /* N of Nsigma, in hundredths */
    bool has_learned;     /* resolved (mg_learn_resolve): learned_max is the limit */
    uint64_t learned_max; /* the current value fails above this */
} mg_limit;

/* Where a limit was set, lowest precedence first. */
enum mg_limit_source {
    MG_SRC_DEFAULT,
    MG_SRC_CONFIG, /* .pmat.yaml */
    MG_SRC_ENV,    /* MEMORY_THRESHOLD */
    MG_SRC_FLAG,   /* command line */
};

/*
 * The three levels a limit can sit at. FAIL and WARN compare with the last
 * baseline; DRIFT compares with the long-term anchor (the first baseline of
 * the history, or a pinned one) so that small accepted steps cannot add up
 * unnoticed.
 */
enum mg_level { MG_LEVEL_FAIL, MG_LEVEL_WARN, MG_LEVEL_DRIFT };
#define MG_LEVEL_COUNT 3

/* Parts of a limit that sources set independently (see mg_limit_merge). */
enum mg_limit_part { MG_PART_INCREASE, MG_PART_CEILING };

/* Where one part of a limit came from, for `check --explain`. */
typedef struct mg_origin {
    enum mg_limit_source src;
    char where[128]; /* "'.pmat.yaml' line 7 column 12 (memgate.limits.peak)", "--limit peak=+5%" */
} mg_origin;

/* What `check` does when there is no baseline to compare with. */
enum mg_missing_baseline {
    MG_MISSING_FAIL, /* error, exit 3 (the default: a gate that compares nothing must not pass) */
    MG_MISSING_WARN, /* verdict warn, exit 0 */
    MG_MISSING_PASS, /* verdict pass, exit 0, and say so */
    MG_MISSING_BOOTSTRAP /* write a first baseline where an update is approved, else warn */
};

typedef struct mg_policy {
    mg_limit fail[MG_METRIC_COUNT];
    mg_limit warn[MG_METRIC_COUNT];
    enum mg_limit_source fail_src[MG_METRIC_COUNT];
    enum mg_limit_source warn_src[MG_METRIC_COUNT];
    /* a drop larger than this (hundredths of a percent) is reported as an improvement */
    uint64_t improvement_bp;
    /* drift budget against the anchor; an overrun fails unless drift_warn */
    mg_limit drift[MG_METRIC_COUNT];
    enum mg_limit_source drift_src[MG_METRIC_COUNT];
    bool drift_warn;
    enum mg_missing_baseline missing;
    /* origin[level][metric][part]: who set each part last */
    mg_origin origin[MG_LEVEL_COUNT][MG_METRIC_COUNT][2];
    mg_origin improvement_origin, drift_severity_origin, missing_origin;
} mg_policy;

/*
 * Built-in defaults (fail level; nothing warns by default). Total bytes and allocation count are
 * exact for a deterministic run, so they get a tight +2% (plus a small absolute floor); the t-gmax
 * peak moves with thread timing and allocator choices, so it gets +10% & +64KiB; peak RSS +10% &
 * +1MiB. Other metrics are reported, not gated. The drift budget against the anchor is looser than
 * a single step but bounds the sum of many: peak +25% & +256KiB, total +10% & +16KiB, count +10% &
 * +64, RSS +25% & +4MiB. A missing baseline fails (MG_MISSING_FAIL).
 */
void mg_policy_defaults(mg_policy *p);

/*
 * Parse a limit: terms joined by '&':
 *   +5%      relative increase      +64KiB / +1000  absolute increase
 *   <=500MB  ceiling (also "max=500MB" or "max:500MB")
 *   none     no limit (also "off"); with mg_policy_apply it also drops what a
 *            lower-precedence source set, so "none&<=1GB" leaves only the ceiling
 *   3sigma   learned from the history: mean + 3 standard deviations (any N, up to two
 *            decimals: 2.5sigma); iqr: Q3 + 1.5 IQR; auto: the larger of the two.
 *            A learned term stands for the increase terms: it combines only with a ceiling.
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
 * Put limit l over what the level holds for metric m (mg_limit_merge), and
 * record src/where as the origin of each part l sets (both parts when clear).
 * where may be NULL ("" is recorded).
 */
void mg_policy_set(mg_policy *p, enum mg_level level, enum mg_metric m, const mg_limit *l,
                   bool clear, enum mg_limit_source src, const char *where);

/* The limit of one level (borrowed from p). */
const mg_limit *mg_policy_limit(const mg_policy *p, enum mg_level level, enum mg_metric m);

/* "fail", "warn", "drift" */
const char *mg_level_name(enum mg_level level);

/* Parse "pass", "warn", "fail", "bootstrap"; MG_E_USAGE otherwise. */
int mg_missing_parse(const char *s, enum mg_missing_baseline *out, mg_error *err);
const char *mg_missing_name(enum mg_missing_baseline m);

/* Does one of the '&'-separated terms of spec say "none" or "off"? */
bool mg_limit_spec_clears(const char *spec);

/*
 * Render a limit for tables, amounts in the metric's unit (mg_format_size or mg_format_count):
 * "+10% & +64.0 KiB", "+2% & +16", "-" when unset. A ceiling is shown in the unit it was
 * evidently written in, the largest of KB..TB and KiB..TiB in which it is exactly a number >= 1
 * of at most four significant digits: 500 MB reads "<=500 MB" (not "<=477 MiB"), 2 GiB
 * "<=2 GiB", 1.5 GB "<=1.5 GB".
 */
void mg_limit_format(const mg_limit *l, enum mg_metric m, char *out, size_t size);

/* Only the increase terms ("+10% & +64.0 KiB") or only the ceiling ("<=500 MB"); "-" if unset. */
void mg_limit_format_part(const mg_limit *l, enum mg_metric m, enum mg_limit_part part, char *out,
                          size_t size);

const char *mg_limit_source_name(enum mg_limit_source s);

/* The learned term's name as written: "3sigma", "2.5sigma", "iqr", "auto". */
void mg_learn_name(const mg_limit *l, char *out, size_t size);

/* true when any bound of the limit is set */
bool mg_limit_is_set(const mg_limit *l);

/*
 * The largest value the limit lets pass over baseline base (has_base false: only
 * the ceiling applies), for drawing the limit as a line. false when nothing bounds it.
 */
bool mg_limit_bound(const mg_limit *l, bool has_base, uint64_t base, uint64_t *out);

#endif
