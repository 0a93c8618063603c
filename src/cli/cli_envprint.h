/* The environment fingerprint a baseline records and check compares (docs/configuration.md). */
#ifndef MEMGATE_CLI_ENVPRINT_H
#define MEMGATE_CLI_ENVPRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_notice.h"
#include "memgate/baseline.h"
#include "memgate/config.h"
#include "memgate/error.h"
#include "memgate/profile.h"
#include "memgate/report.h"

#define CLI_ENV_KEYS 32
#define CLI_ENV_USER 16

/* --env KEY=VALUE options, as given (borrowed from argv). */
struct cli_env_user {
    const char *items[CLI_ENV_USER];
    size_t n;
};

/* Validate and keep one --env KEY=VALUE (KEY: letters, digits, '.', '_', '-'). */
int cli_env_option(struct cli_env_user *u, const char *arg, mg_error *err);

/* A fingerprint: names and values in a fixed order, in storage of its own. */
struct cli_envprint {
    const char *names[CLI_ENV_KEYS], *values[CLI_ENV_KEYS];
    size_t n;
    char name_buf[CLI_ENV_KEYS][64];
    char value_buf[CLI_ENV_KEYS][256];
};

/*
 * Where this run happens: os, kernel, arch (uname), libc ("glibc 2.36"),
 * cpus (online), the runner the CI names (mg_ci_runner), the profile's
 * producer (p may be NULL), then the --env pairs, which replace a measured
 * key of the same name (so a test or a team can pin one).
 */
void cli_envprint_collect(struct cli_envprint *fp, const mg_profile *p,
                          const struct cli_env_user *u);

/* How check treats a changed fingerprint. */
enum cli_env_policy { CLI_ENV_WARN, CLI_ENV_FAIL, CLI_ENV_IGNORE };

/* --on-env-change, else memgate.environment.on_change, else warn. */
int cli_env_policy_choose(const char *flag, const mg_config *cfg, enum cli_env_policy *out,
                          mg_error *err);
const char *cli_env_policy_name(enum cli_env_policy p);

/* What differs between the baseline's fingerprint and this run's, for the reports. */
struct cli_envdiff {
    bool recorded; /* the baseline has a fingerprint (older memgates wrote none) */
    mg_report_env_change changes[CLI_ENV_KEYS * 2];
    size_t n;
    mg_report_environment report; /* points into the above and into cur/the baseline */
};

/*
 * Compare cur with the fingerprint the workload's baseline records: a key on
 * one side only is a change. Adds the notice that lists the changes unless
 * policy is CLI_ENV_IGNORE; a baseline without a fingerprint (an older
 * memgate's) changes nothing and gets no notice (d->recorded says so). Borrows from b and cur,
 * which must outlive d.
 */
void cli_envprint_compare(struct cli_envdiff *d, const mg_baseline *b, const char *workload,
                          const struct cli_envprint *cur, enum cli_env_policy policy,
                          struct cli_notices *n);

#endif
