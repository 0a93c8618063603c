/* Profiles: the metrics and hotspots one profiler run yields, and loading them from a file. */
#ifndef MEMGATE_PROFILE_H
#define MEMGATE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/error.h"

/* Canonical metrics; their names (mg_metric_name) are the baseline keys. */
enum mg_metric {
    MG_PEAK_BYTES,   /* peak_memory_bytes: live bytes at t-gmax */
    MG_PEAK_BLOCKS,  /* peak_blocks: live blocks at t-gmax */
    MG_TOTAL_BYTES,  /* total_allocations_bytes: everything allocated over the run */
    MG_ALLOC_COUNT,  /* allocation_count: blocks allocated over the run */
    MG_END_BYTES,    /* end_bytes: still live at exit */
    MG_END_BLOCKS,   /* end_blocks */
    MG_RUNTIME_US,   /* runtime_us: wall time in microseconds */
    MG_PEAK_RSS,     /* peak_rss_bytes: resident set high-water mark */
    MG_METRIC_COUNT
};

/* Which metrics a profile holds. A metric a format does not yield is absent, never zero. */
typedef struct mg_metrics {
    uint64_t value[MG_METRIC_COUNT];
    bool present[MG_METRIC_COUNT];
} mg_metrics;

const char *mg_metric_name(enum mg_metric m);
/* true when the metric counts bytes (shown with size units) rather than blocks or time */
bool mg_metric_is_bytes(enum mg_metric m);
/*
 * Look up a canonical name or a short alias (peak, total, count, allocs, rss,
 * runtime, end, peak-blocks, end-blocks). Returns false when unknown.
 */
bool mg_metric_from_name(const char *name, enum mg_metric *out);

void mg_metrics_set(mg_metrics *m, enum mg_metric which, uint64_t value);

/* What kind of events the profile counts; only heap profiles can be gated on heap metrics. */
enum mg_profile_mode { MG_MODE_HEAP, MG_MODE_COPY, MG_MODE_AD_HOC, MG_MODE_OTHER };

/*
 * A function and what was allocated under it. For dhat files: program points
 * attributed to their first frame that is not allocator machinery, grouped by
 * that function name.
 */
typedef struct mg_hotspot {
    char *function;       /* owned by the profile */
    uint64_t total_bytes; /* sum of tb */
    uint64_t total_blocks;
    uint64_t peak_bytes; /* sum of gb: live at t-gmax */
    uint64_t end_bytes;
    uint64_t program_points;
} mg_hotspot;

typedef struct mg_profile mg_profile;

/* Input format names as accepted by --format and printed in reports. */
#define MG_FORMAT_AUTO "auto"
#define MG_FORMAT_DHAT_TEXT "dhat-text"
#define MG_FORMAT_DHAT_JSON "dhat-json"

typedef struct mg_load_options {
    const char *format; /* NULL or "auto": detect by content */
    /*
     * Which summary to use when a text log holds several: 0 = the last one
     * (and say so), N >= 1 = the N-th.
     */
    unsigned summary_index;
    unsigned top_n; /* hotspots to keep; 0 = 10 */
} mg_load_options;

/*
 * Read and parse a profile file ("-" = standard input). On failure returns a
 * negative code with err naming the file, line and column and what was
 * expected; *out is left NULL. The caller owns *out (mg_profile_free).
 */
int mg_profile_load(mg_profile **out, const char *path, const mg_load_options *opts,
                    mg_error *err);

/* Same for bytes already in memory; source is the name used in messages. */
int mg_profile_parse(mg_profile **out, const char *data, size_t len, const char *source,
                     const mg_load_options *opts, mg_error *err);

void mg_profile_free(mg_profile *p);

/* Borrowed views; valid while the profile lives. */
const mg_metrics *mg_profile_metrics(const mg_profile *p);
const char *mg_profile_format(const mg_profile *p);   /* "dhat-json", "dhat-text", ... */
const char *mg_profile_producer(const mg_profile *p); /* "dhat-rs", "valgrind-dhat", ... */
const char *mg_profile_source(const mg_profile *p);   /* file name as given */
enum mg_profile_mode mg_profile_mode(const mg_profile *p);
const char *mg_profile_mode_label(const mg_profile *p); /* "rust-heap", "heap", "copy", ... */
const char *mg_profile_command(const mg_profile *p);    /* profiled command, or NULL */
/* ad hoc / copy profiles: the raw Total line ("units"/"events", "bytes copied"/"calls") */
bool mg_profile_raw_total(const mg_profile *p, uint64_t *amount, uint64_t *count);
const mg_hotspot *mg_profile_hotspots(const mg_profile *p, size_t *count);
/* A human note about how the input was read (e.g. which of several summaries), or NULL. */
const char *mg_profile_note(const mg_profile *p);

/* The rule used to attribute program points to functions, for --help. */
extern const char mg_hotspot_rule_text[];

#endif
