/* Baseline history (.pmat-metrics/memory-history.jsonl): one accepted baseline per line. */
#ifndef MEMGATE_HISTORY_H
#define MEMGATE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "memgate/error.h"
#include "memgate/profile.h"

#define MG_HISTORY_FILE "memory-history.jsonl"

/*
 * One line: {"workload": "default", "measured_at": "...", "commit": "...",
 * <metric keys>, "anchor": true (pinned), "accepted": "reason"}. Unknown keys
 * are ignored, so later versions can add to a line.
 */
typedef struct mg_history_entry {
    char *workload;                        /* never NULL: "default" when the line has none */
    char *measured_at, *commit, *accepted; /* may be NULL */
    bool anchor;
    mg_metrics metrics;
    unsigned long line; /* 1-based line in the file */
} mg_history_entry;

typedef struct mg_history {
    mg_history_entry *entries; /* file order: oldest first */
    size_t n;
    bool
        torn_tail; /* the last line had no newline and did not parse: a crash mid-append, ignored */
} mg_history;

void mg_history_init(mg_history *h);
void mg_history_release(mg_history *h);

/*
 * Read a history. A missing file is an empty history. A malformed line is
 * MG_E_INPUT with the file, line and column, except a last line without its
 * newline, which is what a crash during an append leaves: it is skipped and
 * torn_tail says so.
 */
int mg_history_load(mg_history *h, const char *path, mg_error *err);
int mg_history_parse(mg_history *h, const char *text, size_t len, const char *source,
                     mg_error *err);

/*
 * The anchor of a workload for the drift budget. pin NULL or "first": the
 * newest entry marked "anchor": true, else the oldest entry; otherwise pin is
 * a commit (or a prefix of one, at least 4 characters) and the newest entry
 * with that commit is the anchor (MG_E_USAGE when there is none). *out is
 * NULL (and 0 returned) when the workload has no history.
 */
int mg_history_anchor(const mg_history *h, const char *workload, const char *pin,
                      const mg_history_entry **out, mg_error *err);

/* How many entries the reports show (charts, the JSON report): the newest ones. */
#define MG_HISTORY_SHOWN 64

/*
 * The newest max entries of one workload, oldest first, into out; returns how
 * many the workload has (more than max when the oldest were left out).
 */
size_t mg_history_select(const mg_history *h, const char *workload, const mg_history_entry **out,
                         size_t max);

/* The entry as one JSON line with its newline (owned by the caller, free()). */
char *mg_history_format(const mg_history_entry *e, mg_error *err);

/*
 * Append one entry (the caller holds the baseline lock). A torn last line
 * left by a crash is cut off first. *old_size gets the size to give
 * mg_history_truncate to undo the append. Failures are MG_E_IO.
 */
int mg_history_append(const char *path, const mg_history_entry *e, off_t *old_size, mg_error *err);
int mg_history_truncate(const char *path, off_t size, mg_error *err);

#endif
