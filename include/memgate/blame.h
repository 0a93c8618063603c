/*
 * Where memory changed between two runs, by function and by source line, for
 * total bytes, bytes live at the peak (t-gmax) and allocation count; and the
 * culprit of a metric's change: which functions and lines explain it.
 *
 * Input is each run's stacks already attributed to one frame each (a "site"):
 * the caller attributes both runs with the same rule, so the two sides name
 * functions alike (docs/baseline.md, "Stacks").
 */
#ifndef MEMGATE_BLAME_H
#define MEMGATE_BLAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/baseline.h"
#include "memgate/error.h"
#include "memgate/gate.h"
#include "memgate/hsdiff.h"
#include "memgate/profile.h"
#include "memgate/stacks.h"

/* The weights blame compares. */
enum mg_blame_w {
    MG_BLAME_TOTAL, /* bytes allocated over the run */
    MG_BLAME_PEAK,  /* bytes live at t-gmax: what a peak regression is made of */
    MG_BLAME_COUNT, /* allocations */
    MG_BLAME_W
};

/* One attributed stack (or a sum of stacks attributed alike). Strings are borrowed. */
typedef struct mg_site {
    const char *function; /* the attributed frame's name (a label: "??? in /usr/bin/sort") */
    const char *file;     /* its source file, or NULL */
    unsigned line;        /* its line, 0 when unknown */
    uint64_t w[MG_BLAME_W];
    bool own; /* the program's own code, not a fallback (cut stack, library-only stack) */
} mg_site;

/* One source line of a function: both runs' weights. */
typedef struct mg_blame_line {
    char *where; /* "src/bin/wordfreq.rs:27", or "(no line)" */
    uint64_t before[MG_BLAME_W], after[MG_BLAME_W];
} mg_blame_line;

/*
 * One function on either side. Rust closures count as the function that
 * defines them (name::{{closure}} is name): their lines are that function's
 * source.
 */
typedef struct mg_blame_fn {
    char *function;
    bool own;
    uint64_t before[MG_BLAME_W], after[MG_BLAME_W];
    mg_blame_line *lines;
    size_t n_lines;
} mg_blame_fn;

typedef struct mg_blame {
    mg_blame_fn *fns;
    size_t n;
    /* weight of the earlier run that its stored stacks leave out (0: they are complete) */
    uint64_t before_other[MG_BLAME_W];
    bool by_library; /* the rows are libraries (--group-by crate): they have no lines */
} mg_blame;

/*
 * Sum both runs' sites by function and line. before_other may be NULL (the
 * earlier sites are complete).
 */
int mg_blame_compute(mg_blame *out, const mg_site *before, size_t n_before,
                     const uint64_t *before_other, const mg_site *after, size_t n_after,
                     mg_error *err);
void mg_blame_release(mg_blame *b);

/*
 * Blame between a baseline's stored stacks and a profile's stacks: both are
 * attributed by rule o over one frame table (the profile's frames and the
 * stored ones), so the baseline's own recorded rule does not matter. The
 * profile must have stacks (MG_E_USAGE otherwise).
 */
int mg_blame_from_stacks(mg_blame *out, const mg_profile *p, const mg_stored_stacks *base,
                         const mg_attr_options *o, mg_error *err);
/* The same between two profiles (memgate diff): every stack of both, attributed alike. */
int mg_blame_between(mg_blame *out, const mg_profile *before, const mg_profile *after,
                     const mg_attr_options *o, mg_error *err);

/*
 * The function-level changes, as hsdiff rows: total bytes (before/after) and
 * bytes at t-gmax (before_peak/after_peak), each with its lines. A function is
 * listed when its total or its peak change passes both thresholds of o.
 */
int mg_blame_changes(const mg_blame *b, const mg_hsdiff_options *o, mg_hsdiff *out, mg_error *err);

/* Why a metric's change has no culprit. */
enum mg_culprit_state {
    MG_CULPRIT_FOUND,
    MG_CULPRIT_NO_STACKS,      /* the profile's format records no stacks */
    MG_CULPRIT_NO_BASE_STACKS, /* the baseline holds no stacks (older memgate, or no stacks then) */
    MG_CULPRIT_NOT_PER_STACK, /* the metric is not a per-stack weight (runtime, RSS, blocks at exit)
                               */
    MG_CULPRIT_NO_CHANGE,     /* no stack moved in the metric's direction */
};

#define MG_CULPRIT_MAX_PARTS 3

/* One function's part in a change; share is of the gross change in that direction. */
typedef struct mg_culprit_part {
    char function[512];
    char where[512]; /* its line with the largest change, or "" */
    uint64_t delta;
    double share; /* 0..1 */
} mg_culprit_part;

/* The answer for one metric row: who carries its growth (or, improved, its shrinking). */
typedef struct mg_culprit {
    enum mg_metric metric;
    bool negative;  /* the metric shrank */
    uint64_t delta; /* the metric's change (the verdict row's) */
    enum mg_culprit_state state;
    mg_culprit_part parts[MG_CULPRIT_MAX_PARTS];
    unsigned n_parts;
    double unattributed; /* share in stacks that never reach the program's own code */
    bool has_offset;     /* a function moved the other way by a noticeable amount */
    mg_culprit_part offset;
} mg_culprit;

/* The culprits of one verdict (see mg_blame_culprits). */
typedef struct mg_culprits {
    mg_culprit items[MG_METRIC_COUNT];
    size_t n;
} mg_culprits;

/*
 * The culprit of a metric's change: the own functions with the largest share
 * of the gross change in the row's direction (one when it explains at least
 * 80%, else up to three with at least 5% each), each with its heaviest line.
 * b may be NULL, with state telling why there is nothing to compare.
 */
void mg_blame_culprit(const mg_blame *b, enum mg_culprit_state no_blame, const mg_row *row,
                      mg_culprit *out);

/*
 * Culprits for the rows a verdict is about, in this order: those that failed
 * (else those a reviewed exception accepted, else those that warned), then
 * those that improved (heap metrics only: an improved runtime needs no
 * explanation). Ok and absent rows have nothing to explain.
 */
void mg_blame_culprits(const mg_blame *b, enum mg_culprit_state no_blame, const mg_verdict *v,
                       mg_culprits *out);

/* Which blame weight a metric is, or false when it is none. */
bool mg_blame_weight_of(enum mg_metric m, enum mg_blame_w *out);

#endif
