/* Does a profile pair with its baseline: same program, command, producer, mode, build profile? */
#ifndef MEMGATE_CLI_PAIRING_H
#define MEMGATE_CLI_PAIRING_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_notice.h"
#include "memgate/baseline.h"
#include "memgate/error.h"
#include "memgate/profile.h"

/*
 * Compare what the baseline recorded for the workload (profiled_command,
 * producer, profile_mode, build_profile; a field it lacks is not compared)
 * with the profile. Differences become a "pairing" notice; with strict they
 * are an error (MG_E_INPUT, exit 3) listing them. Returns the number of
 * differences, or a negative error.
 */
int cli_pairing_check(const mg_baseline *b, const char *workload, const mg_profile *p, bool strict,
                      struct cli_notices *n, mg_error *err);

#endif
