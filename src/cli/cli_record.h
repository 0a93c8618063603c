/* Record a profile as the baseline: locked read-modify-write, history append, atomic replace. */
#ifndef MEMGATE_CLI_RECORD_H
#define MEMGATE_CLI_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_policy.h"
#include "memgate/error.h"
#include "memgate/policy.h"
#include "memgate/profile.h"

struct cli_record {
    const struct cli_setup *setup; /* baseline and history paths, workload */
    const mg_profile *profile;
    const mg_policy *policy;  /* limits a regression is judged by */
    bool allow_regression;    /* --allow-regression, or a reviewed exception */
    const char *accepted;     /* the exception's reason, recorded with the baseline, or NULL */
    const char *commit_flag;  /* --commit, or NULL */
    const char *command_line; /* how memgate was run */
    bool pin_anchor;          /* mark this baseline as the drift anchor */
    unsigned top;             /* hotspots stored */
    /* objects of strings recorded with the measurement ("runs", "environment"); key NULL = none */
    struct cli_record_strings {
        const char *key;
        const char *const *names, *const *values;
        size_t n;
    } strings[2];
    const mg_load_options *load; /* the attribution rule the stacks are stored under */
    unsigned lock_timeout_ms;
};

/* What was written, for the caller's message. */
struct cli_recorded {
    char measured_at[32];
    char commit[128];
    unsigned stale_removed; /* temporary files of crashed writers cleaned up */
    bool anchored; /* pinned as the drift anchor (--pin-anchor, or an allowed regression) */
};

/*
 * Under the baseline's lock: load the current baseline (a malformed one is
 * an error: it is never overwritten blindly), refuse a regression against it
 * (MG_E_REFUSED) unless allowed (an allowed one becomes the drift anchor),
 * update the workload with metrics,
 * provenance and top hotspots, write the temporary file, append the history
 * line, rename. A failure at any step leaves the baseline as it was and
 * undoes the history line.
 */
int cli_record_baseline(const struct cli_record *r, struct cli_recorded *out, mg_error *err);

/* "memgate update-baseline ..." with arguments quoted for a POSIX shell. */
void cli_command_line(int argc, char **argv, char *out, size_t size);

/* Append one shell-quoted word to a command line being built. */
void cli_append_word(char *out, size_t size, const char *word);

#endif
