/* The reviewed baseline file (.pmat-metrics/memory-baseline.json): read, update, write atomically. */
#ifndef MEMGATE_BASELINE_H
#define MEMGATE_BASELINE_H

#include <stdbool.h>

#include "memgate/error.h"
#include "memgate/profile.h"

#define MG_BASELINE_DEFAULT_PATH ".pmat-metrics/memory-baseline.json"

typedef struct mg_baseline mg_baseline;

/*
 * Load a baseline. The file is the spec's flat object of canonical metric keys
 * (non-negative integers) plus measured_at and commit; other keys are kept
 * as they are. A `workloads` object maps names to objects of the same shape.
 * Malformed input is MG_E_INPUT/MG_E_OVERFLOW with file, line and column.
 * The caller owns *out.
 */
int mg_baseline_load(mg_baseline **out, const char *path, mg_error *err);
int mg_baseline_parse(mg_baseline **out, const char *text, size_t len, const char *source,
                      mg_error *err);
/* An empty baseline, for a first update-baseline. */
int mg_baseline_new(mg_baseline **out, mg_error *err);
void mg_baseline_free(mg_baseline *b);

/*
 * Metrics of a workload (NULL or "default": the top-level object). Returns
 * MG_E_INPUT when the named workload does not exist.
 */
int mg_baseline_metrics(const mg_baseline *b, const char *workload, mg_metrics *out,
                        mg_error *err);

/* A string field of a workload ("measured_at", "commit", ...) or NULL; borrowed. */
const char *mg_baseline_string(const mg_baseline *b, const char *workload, const char *key);

/* What update-baseline records besides the metrics. A NULL field removes the old value. */
typedef struct mg_baseline_meta {
    const char *measured_at;    /* UTC ISO-8601 */
    const char *commit;         /* may be NULL */
    const char *profile_format; /* may be NULL */
    const char *tool;           /* "memgate 0.1.0" */
} mg_baseline_meta;

/*
 * Replace a workload's metrics with the profile's present metrics and record
 * meta. Keys this version does not know are kept; metrics the new profile
 * lacks (and meta fields that are NULL) are removed so the baseline never
 * claims a number, or a commit, nobody measured.
 */
int mg_baseline_update(mg_baseline *b, const char *workload, const mg_metrics *m,
                       const mg_baseline_meta *meta, mg_error *err);

/*
 * Write atomically: a temporary file in the same directory, fsync, rename,
 * fsync of the directory. On any failure the previous file is untouched.
 */
int mg_baseline_save(const mg_baseline *b, const char *path, mg_error *err);

/* Serialise as the file would be written (owned by the caller, free()). */
char *mg_baseline_dump(const mg_baseline *b, mg_error *err);

#endif
