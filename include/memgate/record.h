/* Record a profile as the baseline: the one write path of update-baseline, check's bootstrap and
 * init. */
#ifndef MEMGATE_RECORD_H
#define MEMGATE_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "memgate/error.h"
#include "memgate/policy.h"
#include "memgate/profile.h"
#include "memgate/stacks.h"

/* Hotspots a baseline stores when the caller does not say (memgate.hotspots.top's default). */
#define MG_RECORD_DEFAULT_TOP 10

/* An object of strings recorded with the measurement ("runs", "environment"); key NULL = none. */
typedef struct mg_record_strings {
    const char *key;
    const char *const *names, *const *values;
    size_t n;
} mg_record_strings;

typedef struct mg_record_request {
    const char *baseline; /* the file written (its directory is created and locked) */
    const char *history;  /* the history appended to; NULL = memory-history.jsonl beside it */
    const char *workload; /* NULL or "default": the top-level object */
    const mg_profile *profile;
    const mg_policy *policy; /* a regression against these limits is refused; NULL = no check */
    bool allow_regression;   /* record it anyway (and make it the drift anchor) */
    bool pin_anchor;         /* make this baseline the drift anchor */
    bool replace;            /* start from an empty baseline instead of the file's (init --force) */
    const char *accepted;    /* the reviewed exception's reason, or NULL */
    /*
     * The commit recorded: this when set, else the CI's (mg_ci_commit: a PR's
     * head, never its merge commit), else what git_head writes for the
     * repository in repo_dir (NULL: the current directory); no git_head: none.
     * An empty commit is never written.
     */
    const char *commit;
    void (*git_head)(const char *repo_dir, char *out, size_t size);
    const char *repo_dir;
    const char *command_line;    /* how memgate was run, recorded as provenance */
    unsigned top;                /* hotspots stored; 0 = MG_RECORD_DEFAULT_TOP */
    const mg_attr_options *attr; /* the rule the stacks are stored under; NULL = the default */
    mg_record_strings strings[2];
    unsigned lock_timeout_ms; /* wait this long for another writer's lock */
} mg_record_request;

/* What was written, for the caller's message. */
typedef struct mg_recorded {
    char measured_at[32];   /* UTC now, or SOURCE_DATE_EPOCH */
    char commit[128];       /* "" when none was recorded */
    unsigned stale_removed; /* temporary files of crashed writers cleaned up */
    bool anchored;          /* pinned as the drift anchor (pin_anchor, or an allowed regression) */
} mg_recorded;

/*
 * Under the baseline's lock (a flock on its directory): refuse an empty
 * profile (MG_E_INPUT); load the current baseline (a malformed one is an
 * error, never overwritten blindly, unless replace); refuse a regression
 * against it (MG_E_REFUSED) unless allowed; set the workload's metrics,
 * measured_at, commit, tool, format, provenance, strings, top hotspots and
 * heaviest stacks with the attribution rule; write the temporary file
 * (O_NOFOLLOW, fsync), append the history line, rename. A failure at any
 * step leaves the baseline as it was and undoes the history line.
 */
int mg_record_baseline(const mg_record_request *r, mg_recorded *out, mg_error *err);

#endif
