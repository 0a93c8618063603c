/* update-baseline's and check's side of recording: the CLI's paths and flags to mg_record_baseline.
 */
#ifndef MEMGATE_CLI_RECORD_H
#define MEMGATE_CLI_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_policy.h"
#include "memgate/error.h"
#include "memgate/policy.h"
#include "memgate/profile.h"
#include "memgate/record.h"

struct cli_record {
    const struct cli_setup *setup; /* baseline and history paths, workload */
    const mg_profile *profile;
    const mg_policy *policy;      /* limits a regression is judged by */
    bool allow_regression;        /* --allow-regression, or a reviewed exception */
    const char *accepted;         /* the exception's reason, recorded with the baseline, or NULL */
    const char *commit_flag;      /* --commit, or NULL */
    const char *command_line;     /* how memgate was run */
    bool pin_anchor;              /* mark this baseline as the drift anchor */
    unsigned top;                 /* hotspots stored */
    mg_record_strings strings[2]; /* "runs", "environment"; key NULL = none */
    const mg_load_options *load;  /* the attribution rule the stacks are stored under */
    unsigned lock_timeout_ms;
};

/*
 * Refuse a baseline or history path that .pmat.yaml (or the default) puts
 * outside the repository, then mg_record_baseline with the commit from
 * --commit, the CI or git HEAD.
 */
int cli_record_baseline(const struct cli_record *r, mg_recorded *out, mg_error *err);

/* "memgate update-baseline ..." with arguments quoted for a POSIX shell. */
void cli_command_line(int argc, char **argv, char *out, size_t size);

/* Append one shell-quoted word to a command line being built. */
void cli_append_word(char *out, size_t size, const char *word);

#endif
