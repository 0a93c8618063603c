/* The reviewed baseline file (.pmat-metrics/memory-baseline.json): read, update, write atomically.
 */
#ifndef MEMGATE_BASELINE_H
#define MEMGATE_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
int mg_baseline_metrics(const mg_baseline *b, const char *workload, mg_metrics *out, mg_error *err);

/*
 * Names of the baseline's workloads ("default" first when the top level has
 * metrics), at most max into out (borrowed); returns how many there are.
 */
size_t mg_baseline_workloads(const mg_baseline *b, const char **out, size_t max);

/* A string field of a workload ("measured_at", "commit", ...) or NULL; borrowed. */
const char *mg_baseline_string(const mg_baseline *b, const char *workload, const char *key);

/*
 * The stored top-N hotspots of a workload (function, total_bytes,
 * total_blocks, peak_bytes; the other fields 0). *complete is true when the
 * list holds every function of that run ("hotspots_other_bytes" is 0), so a
 * function missing from it allocated nothing. *out is NULL and *n 0 when the
 * baseline has none. Free with mg_hotspots_free.
 */
int mg_baseline_hotspots(const mg_baseline *b, const char *workload, mg_hotspot **out, size_t *n,
                         bool *complete, mg_error *err);

/*
 * What update-baseline records besides the metrics. A NULL string is not
 * written (and an older value of it is removed).
 */
typedef struct mg_baseline_meta {
    const char *measured_at;    /* UTC ISO-8601 */
    const char *commit;         /* may be NULL */
    const char *profile_format; /* may be NULL */
    const char *tool;           /* "memgate 0.1.0" */
} mg_baseline_meta;

/* More provenance, recorded by mg_baseline_set_provenance after an update. */
typedef struct mg_baseline_provenance {
    const char *producer;         /* "dhat-rs", "valgrind-dhat", ... */
    const char *profiled_command; /* the command the profiler ran */
    const char *command_line;     /* how memgate was invoked */
    const char *accepted;         /* the reviewed exception this baseline was recorded under */
    const char *profile_mode;     /* "rust-heap", "heap", ... (pairing checks) */
    const char *build_profile;    /* "release", "debug" when the command path says, else NULL */
} mg_baseline_provenance;

/*
 * Replace a workload's metrics with the profile's present metrics and record
 * meta. Keys this version does not know are kept; metrics the new profile
 * lacks, and the provenance and hotspots of the previous run, are removed so
 * the baseline never claims a number nobody measured.
 */
int mg_baseline_update(mg_baseline *b, const char *workload, const mg_metrics *m,
                       const mg_baseline_meta *meta, mg_error *err);

/* Record provenance for a workload (after mg_baseline_update); NULL fields are left out. */
int mg_baseline_set_provenance(mg_baseline *b, const char *workload,
                               const mg_baseline_provenance *p, mg_error *err);

/*
 * A flat object of strings under key (e.g. "environment": the fingerprint of
 * where the numbers were measured), replaced whole; n 0 removes it. Written
 * after mg_baseline_update (which drops the previous run's).
 */
int mg_baseline_set_strings(mg_baseline *b, const char *workload, const char *key,
                            const char *const *names, const char *const *values, size_t n,
                            mg_error *err);

/* Up to max of those pairs (borrowed; non-string members skipped); returns how many. */
size_t mg_baseline_strings(const mg_baseline *b, const char *workload, const char *key,
                           const char **names, const char **values, size_t max);

/*
 * Store the top hotspots of a workload (function, total_bytes, total_blocks,
 * peak_bytes) and the bytes allocated outside them ("hotspots_other_bytes"; 0
 * means the list is complete).
 */
int mg_baseline_set_hotspots(mg_baseline *b, const char *workload, const mg_hotspot *h, size_t n,
                             uint64_t other_bytes, mg_error *err);

/*
 * A call stack stored in the baseline, so a later check can compare by
 * function and line under any attribution rule (docs/baseline.md, "Stacks").
 * frames are frame texts without their addresses, innermost first: the
 * frames any attribution rule could pick, up to the program's own frame.
 */
typedef struct mg_stored_stack {
    char **frames;
    size_t n_frames;
    uint64_t total_bytes, total_blocks, peak_bytes;
} mg_stored_stack;

typedef struct mg_stored_stacks {
    bool present;      /* the workload records stacks (older baselines do not) */
    char *attribution; /* the rule its hotspots were attributed with, or NULL */
    mg_stored_stack *items;
    size_t n;
    /* what the stored stacks leave out (the lightest ones); all 0 when they are complete */
    uint64_t other_total_bytes, other_total_blocks, other_peak_bytes;
} mg_stored_stacks;

/* The stacks of a workload; *out is zeroed (present false) when it has none. */
int mg_baseline_stacks(const mg_baseline *b, const char *workload, mg_stored_stacks *out,
                       mg_error *err);

/*
 * Record a workload's attribution rule and stacks. They are written in a
 * fixed order (by their frames, outermost stored frame first), never by
 * weight, so that the next update's diff shows changed numbers, not moves.
 */
int mg_baseline_set_stacks(mg_baseline *b, const char *workload, const mg_stored_stacks *s,
                           mg_error *err);
/*
 * The stacks update-baseline stores for a profile (none, present false, when
 * its format records no stacks): the heaviest until 99% of total bytes, of
 * bytes at the peak and of the allocation count are covered, at most cap
 * (the heaviest by peak and by total share the cap), each cut to the frames an attribution rule
 * could pick (src/baseline_pick.c), merged when their cuts are equal.
 */
struct mg_attr_options;
int mg_baseline_pick_stacks(const mg_profile *p, const struct mg_attr_options *o, size_t cap,
                            mg_stored_stacks *out, mg_error *err);

/* Free what mg_baseline_stacks filled in; a zeroed value is a no-op. */
void mg_stored_stacks_release(mg_stored_stacks *s);

/*
 * Write atomically: a temporary file in the same directory, fsync, rename,
 * fsync of the directory. On any failure the previous file is untouched.
 * (mg_baseline_stage + mg_baseline_commit.)
 */
int mg_baseline_save(const mg_baseline *b, const char *path, mg_error *err);

/*
 * The two halves of a save, so that other writes (the history) can happen in
 * between and be undone: stage writes and fsyncs "PATH.tmp.XXXXXX"; commit
 * renames it over PATH; abort removes it. Exactly one of commit/abort must
 * follow a successful stage. The environment variable
 * MEMGATE_TEST_SLOW_WRITE_US (tests only) writes the temporary file in 64-byte
 * pieces with that many microseconds between them, to widen the window for
 * crash tests.
 */
typedef struct mg_baseline_staged {
    char *path, *tmp, *dir;
} mg_baseline_staged;
int mg_baseline_stage(const mg_baseline *b, const char *path, mg_baseline_staged *out,
                      mg_error *err);
int mg_baseline_commit(mg_baseline_staged *s, mg_error *err);
void mg_baseline_abort(mg_baseline_staged *s);

/*
 * Serialise as the file would be written (owned by the caller, free()). Keys
 * come in a fixed order whatever order they were read in, so updates make
 * small diffs: the spec's metrics first, then measured_at, commit, provenance,
 * hotspots, other keys by name, and `workloads` last with names sorted.
 */
char *mg_baseline_dump(const mg_baseline *b, mg_error *err);

/*
 * Take the update lock: flock on the baseline's directory (created when missing),
 * waiting up to timeout_ms. Two updates of one baseline therefore run one after
 * the other and cannot lose each other's changes. No lock file is created, so
 * none is left in the work tree and none can be planted as a symlink; the kernel
 * drops the lock when the process dies, kill -9 included. Failures are MG_E_IO.
 */
int mg_baseline_lock(const char *path, unsigned timeout_ms, int *out_fd, mg_error *err);
void mg_baseline_unlock(int fd);

/*
 * Remove "PATH.tmp.*" files left by writers that died mid-save. Call only
 * with the lock held (a live writer's file would go too). Returns how many.
 */
unsigned mg_baseline_clean_stale(const char *path);

#endif
