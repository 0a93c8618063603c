/* Profiles: the metrics and hotspots one profiler run yields, and loading them from a file. */
#ifndef MEMGATE_PROFILE_H
#define MEMGATE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/error.h"

/* Canonical metrics; their names (mg_metric_name) are the baseline keys. */
enum mg_metric {
    MG_PEAK_BYTES,  /* peak_memory_bytes: live bytes at t-gmax */
    MG_PEAK_BLOCKS, /* peak_blocks: live blocks at t-gmax */
    MG_TOTAL_BYTES, /* total_allocations_bytes: everything allocated over the run */
    MG_ALLOC_COUNT, /* allocation_count: blocks allocated over the run */
    MG_END_BYTES,   /* end_bytes: still live at exit */
    MG_END_BLOCKS,  /* end_blocks */
    MG_RUNTIME_US,  /* runtime_us: wall time in microseconds */
    MG_PEAK_RSS,    /* peak_rss_bytes: resident set high-water mark */
    MG_METRIC_COUNT
};

/* Which metrics a profile holds. A metric a format does not yield is absent, never zero. */
typedef struct mg_metrics {
    uint64_t value[MG_METRIC_COUNT];
    bool present[MG_METRIC_COUNT];
} mg_metrics;

const char *mg_metric_name(enum mg_metric m);
/* true when the metric counts bytes (shown with size units) rather than blocks or time */
static inline bool mg_metric_is_bytes(enum mg_metric m)
{
    return m == MG_PEAK_BYTES || m == MG_TOTAL_BYTES || m == MG_END_BYTES || m == MG_PEAK_RSS;
}
/* A value in the metric's unit: sizes in KiB/MiB, runtime in seconds, counts grouped. */
void mg_metric_format(enum mg_metric m, uint64_t v, char *out, size_t size);
/*
 * Look up a canonical name or a short alias (peak, total, count, allocs, rss,
 * runtime, end, peak-blocks, end-blocks). Returns false when unknown.
 */
bool mg_metric_from_name(const char *name, enum mg_metric *out);

static inline void mg_metrics_set(mg_metrics *m, enum mg_metric which, uint64_t value)
{
    m->value[which] = value;
    m->present[which] = true;
}

/* What kind of events the profile counts; only heap profiles can be gated on heap metrics. */
enum mg_profile_mode { MG_MODE_HEAP, MG_MODE_COPY, MG_MODE_AD_HOC, MG_MODE_OTHER };

/* Hotspot flags: links to the spec's optimization patterns. */
enum mg_hotspot_flags {
    MG_HOTSPOT_CLONE = 1u << 0, /* pattern 1: some of its stacks pass through a clone */
    MG_HOTSPOT_TEST = 1u << 1,  /* pattern 5: some of its frames sit in test files */
};

/*
 * A function (or a whole call stack, with --group-by stack) and what was
 * allocated under it. For dhat files: program points attributed to their
 * first frame that is not allocator machinery, grouped by that function name.
 */
/* One source line of a hotspot's attributed frame, and what was allocated under it. */
typedef struct mg_hotspot_line {
    char *where; /* "src/bin/wordfreq.rs:27", an object ("in /usr/bin/sort") or "(no line)" */
    uint64_t total_bytes, peak_bytes, count;
} mg_hotspot_line;

#define MG_HOTSPOT_LINES 3

typedef struct mg_hotspot {
    char *function; /* group key: function name, or the stack's frames joined by " <- " */
    char *frame;    /* full text of the attributed frame of the group's biggest program
                       point (address and location included), or NULL */
    char **stack;   /* with --group-by stack: the full frame strings, innermost first */
    size_t stack_len;
    uint64_t total_bytes; /* sum of tb */
    uint64_t total_blocks;
    uint64_t peak_bytes; /* sum of gb: live at t-gmax */
    uint64_t end_bytes;
    uint64_t program_points;
    uint64_t clone_bytes; /* part of total_bytes whose stacks pass through a clone */
    uint64_t test_bytes;  /* part of total_bytes with a frame in a test file */
    unsigned flags;       /* enum mg_hotspot_flags */
    double share;         /* 0..1: this row's amount over the whole profile's, for its ranking */
    /* From the profile's stacks (function grouping only; zero/NULL otherwise): */
    unsigned how; /* enum mg_attr_how of its heaviest stack (memgate/stacks.h) */
    mg_hotspot_line lines[MG_HOTSPOT_LINES]; /* heaviest lines first, by this ranking's weight */
    size_t n_lines;
    char *chain;          /* its heaviest stack from the attributed frame to the allocation
                             site, shortened: "Iterator::collect <- Vec::from_iter"; or NULL */
    char *alloc_site;     /* full text of that stack's allocation-site frame, or NULL */
    char *library;        /* the library most of its bytes went through ("serde_json",
                             "libjq.so.1"), or NULL when they went straight to the runtime */
    double library_share; /* 0..1 of its total bytes */
} mg_hotspot;

/* Free an array of n hotspots (each row's strings and the array); NULL is a no-op. */
void mg_hotspots_free(mg_hotspot *h, size_t n);

/* The three rankings a profile carries (each top-N, share relative to the whole). */
enum mg_rank { MG_RANK_TOTAL_BYTES, MG_RANK_PEAK_BYTES, MG_RANK_ALLOC_COUNT, MG_RANK_COUNT };
const char *mg_rank_name(enum mg_rank r); /* "total_bytes", "peak_bytes", "allocation_count" */

/* How program points are grouped into hotspots. */
enum mg_group_by {
    MG_GROUP_FUNCTION,
    MG_GROUP_STACK,
    MG_GROUP_CRATE /* the library the bytes go through (memgate/stacks.h, mg_stack_library) */
};

/* Which frame of a stack a hotspot is named after (memgate/stacks.h, mg_attribute). */
enum mg_attribution {
    MG_ATTR_OWN,        /* the program's own code (default), with visible fallbacks */
    MG_ATTR_SKIP_STD,   /* first frame outside allocator machinery and the Rust standard library */
    MG_ATTR_ALLOC_SITE, /* first frame outside allocator machinery (the rule before own) */
    MG_ATTR_FIRST_FRAME /* nothing skipped: the innermost frame */
};
/* The pre-own name of the allocation-site rule. */
#define MG_ATTR_SKIP_ALLOC MG_ATTR_ALLOC_SITE

typedef struct mg_profile mg_profile;

/* Input format names as accepted by --format and printed in reports. */
#define MG_FORMAT_AUTO "auto"
#define MG_FORMAT_DHAT_TEXT "dhat-text"
#define MG_FORMAT_DHAT_JSON "dhat-json"
#define MG_FORMAT_HEAPTRACK "heaptrack"
#define MG_FORMAT_HEAPTRACK_PRINT "heaptrack-print"
#define MG_FORMAT_MASSIF "massif"
#define MG_FORMAT_MS_PRINT "ms-print"
#define MG_FORMAT_TIME "time"
#define MG_FORMAT_JEMALLOC "jemalloc-json"
#define MG_FORMAT_PPROF "pprof"

typedef struct mg_load_options {
    const char *format; /* NULL or "auto": detect by content */
    /*
     * Which summary to use when a text log holds several: 0 = the last one
     * (and say so), N >= 1 = the N-th.
     */
    unsigned summary_index;
    unsigned top_n; /* hotspots to keep per ranking; 0 = 10 */
    /*
     * Extra frame-name prefixes to treat as allocator machinery, on top of the
     * built-in list (--skip-frame, MEMGATE_SKIP_FRAMES, or a config file).
     * Borrowed; n_skip_frames entries.
     */
    const char *const *skip_frames;
    size_t n_skip_frames;
    enum mg_group_by group_by;
    enum mg_attribution attribution;
    /* Pinned own crates (--own-crate, memgate.hotspots.own_crates); none: inferred. Borrowed. */
    const char *const *own_crates;
    size_t n_own_crates;
    bool exclude_tests; /* leave program points with a frame in a test file out */
} mg_load_options;

/*
 * Read and parse a profile file ("-" = standard input). On failure returns a
 * negative code with err naming the file, line and column and what was
 * expected; *out is left NULL. The caller owns *out (mg_profile_free).
 */
int mg_profile_load(mg_profile **out, const char *path, const mg_load_options *opts, mg_error *err);

/* Same for bytes already in memory; source is the name used in messages. */
int mg_profile_parse(mg_profile **out, const char *data, size_t len, const char *source,
                     const mg_load_options *opts, mg_error *err);

void mg_profile_free(mg_profile *p);

/*
 * Several runs of one workload combined per metric (memgate check/update-baseline
 * PROFILE...): the metrics replace this run's; its hotspots, command and
 * source stay (it is the representative run).
 */
void mg_profile_set_metrics(mg_profile *p, const mg_metrics *m);

/* Borrowed views; valid while the profile lives. */
const mg_metrics *mg_profile_metrics(const mg_profile *p);
const char *mg_profile_format(const mg_profile *p);   /* "dhat-json", "dhat-text", ... */
const char *mg_profile_producer(const mg_profile *p); /* "dhat-rs", "valgrind-dhat", ... */
const char *mg_profile_source(const mg_profile *p);   /* file name as given */
enum mg_profile_mode mg_profile_mode(const mg_profile *p);
const char *mg_profile_mode_label(const mg_profile *p); /* "rust-heap", "heap", "copy", ... */
const char *mg_profile_command(const mg_profile *p);    /* profiled command, or NULL */
/*
 * The build profile a command's path names: "release" for
 * target/release/prog or target/x86_64-unknown-linux-gnu/release/prog,
 * "debug", or a custom cargo profile; NULL when it names none (or command is NULL).
 */
const char *mg_build_profile_of(const char *command, char *out, size_t size);
/* ad hoc / copy profiles: the raw Total line ("units"/"events", "bytes copied"/"calls") */
bool mg_profile_raw_total(const mg_profile *p, uint64_t *amount, uint64_t *count);
/* Top hotspots by total bytes (same as mg_profile_ranking(p, MG_RANK_TOTAL_BYTES, count)). */
const mg_hotspot *mg_profile_hotspots(const mg_profile *p, size_t *count);
const mg_hotspot *mg_profile_ranking(const mg_profile *p, enum mg_rank r, size_t *count);
/*
 * The whole amounts rankings are shared against (sum over every program
 * point, excluded ones included); false when the profile has no hotspots.
 */
bool mg_profile_hotspot_whole(const mg_profile *p, enum mg_rank r, uint64_t *whole);
/* The attribution rule the profile's rankings were made with. */
enum mg_attribution mg_profile_attribution(const mg_profile *p);
/* What the rankings' rows are: functions, stacks or libraries (--group-by). */
enum mg_group_by mg_profile_group_by(const mg_profile *p);
/* Program points left out by exclude_tests. */
uint64_t mg_profile_excluded_pps(const mg_profile *p);

/*
 * Values a format yields beside the canonical metrics, shown but never gated
 * (e.g. massif's peak including allocator overhead, heaptrack's temporary
 * allocations, jemalloc's resident bytes at exit). key is a stable
 * snake_case name; unit is "bytes", "count", "us" or "" (an index, a status).
 */
typedef struct mg_profile_extra {
    const char *key;
    uint64_t value;
    const char *unit;
    const char *label; /* short human description */
} mg_profile_extra;
const mg_profile_extra *mg_profile_extras(const mg_profile *p, size_t *count);

/*
 * A plain statement of what this profile can and cannot be gated on, set by
 * formats whose numbers are not heap metrics or are approximate; NULL when
 * every metric it yields is exact.
 */
const char *mg_profile_gate_note(const mg_profile *p);

/*
 * A short form of a frame string for terminals: the "0xADDR: " prefix
 * dropped, a location path cut to its last two components, and the result
 * cut to width characters with "..." in the middle. Writes at most size bytes.
 */
void mg_frame_short(const char *frame, size_t width, char *out, size_t size);
/* A human note about how the input was read (e.g. which of several summaries), or NULL. */
const char *mg_profile_note(const mg_profile *p);

/* The rule used to attribute program points to functions, for --help. */
extern const char mg_hotspot_rule_text[];

#endif
