/* Limit options shared by check and update-baseline, and the order they apply in. */
#ifndef MEMGATE_CLI_POLICY_H
#define MEMGATE_CLI_POLICY_H

#include "memgate/error.h"
#include "memgate/policy.h"

#define CLI_MAX_LIMITS 32

/* Raw --limit/--warn/--max/--improvement values, in command-line order. */
struct cli_limits {
    const char *fail[CLI_MAX_LIMITS];
    size_t n_fail;
    const char *warn[CLI_MAX_LIMITS];
    size_t n_warn;
    const char *improvement;
    char ceilings[CLI_MAX_LIMITS][160]; /* --max M=S rewritten as M=<=S */
    size_t n_ceilings;
};

/* Record one option; 'l' = --limit, 'w' = --warn, 'm' = --max (METRIC=SIZE ceiling). */
int cli_limits_add(struct cli_limits *l, char kind, const char *value, mg_error *err);

/*
 * defaults < MEMORY_THRESHOLD (the spec's peak ceiling, bytes) < flags.
 * Configuration files slot in between defaults and the environment.
 */
int cli_policy_build(mg_policy *p, const struct cli_limits *l, mg_error *err);

#define CLI_LIMIT_HELP                                                                     \
    "  --limit METRIC=SPEC   fail level; SPEC joins terms with '&': +5% (relative),\n"      \
    "                        +64KiB (absolute increase), <=500MB (ceiling), none.\n"        \
    "                        An increase fails only when it exceeds every increase term.\n" \
    "  --warn METRIC=SPEC    warning level, same grammar (exit 0, status warn)\n"           \
    "  --max METRIC=SIZE     shorthand for a ceiling: --limit METRIC=<=SIZE\n"              \
    "  --improvement PCT     a drop larger than this is reported as improved (default 5%)\n" \
    "  METRIC is peak, total, count, rss, runtime, end, peak-blocks, end-blocks or a\n"     \
    "  canonical name. Defaults: peak +10%&+64KiB, total +2%&+4KiB, count +2%&+16,\n"       \
    "  rss +10%&+1MiB; others are shown, not gated. MEMORY_THRESHOLD (bytes) in the\n"      \
    "  environment sets a ceiling on peak, as in the spec's CI snippet.\n"

#endif
