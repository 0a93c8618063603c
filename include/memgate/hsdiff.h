/* Hotspot changes between two runs: which functions grew, shrank, appeared or went, by name. */
#ifndef MEMGATE_HSDIFF_H
#define MEMGATE_HSDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/error.h"
#include "memgate/profile.h"

enum mg_hs_kind {
    MG_HS_GREW,
    MG_HS_SHRANK,
    MG_HS_APPEARED, /* not in the earlier run at all (its list was complete) */
    MG_HS_ENTERED,  /* now in the top N, and was below the earlier run's stored top N */
    MG_HS_GONE,     /* in the earlier run, absent from the later one (its list was complete) */
};

/* One source line of a changed function (blame: compared from stacks). */
typedef struct mg_hs_line {
    char *where;                      /* "src/bin/wordfreq.rs:27" */
    uint64_t before, after;           /* total bytes */
    uint64_t before_peak, after_peak; /* bytes live at t-gmax */
} mg_hs_line;

/* One function's change in total bytes allocated under it. */
typedef struct mg_hs_change {
    char *function; /* owned by the diff */
    enum mg_hs_kind kind;
    uint64_t before;                  /* 0 for APPEARED; for ENTERED at most `floor` (unknown) */
    uint64_t after;                   /* 0 for GONE */
    uint64_t before_peak, after_peak; /* bytes live at t-gmax under it, where known */
    bool negative;                    /* after < before */
    uint64_t delta;                   /* |after - before| (ENTERED: after - floor, a lower bound) */
    bool has_pct;                     /* false when before is 0 or unknown */
    double pct;                       /* display only */
    /* compared from stacks (mg_blame_changes): the peak's change and the lines; else 0 */
    bool has_peak;
    bool peak_negative;
    uint64_t peak_delta;
    mg_hs_line *lines; /* largest change first, owned */
    size_t n_lines;
} mg_hs_change;

typedef struct mg_hsdiff {
    mg_hs_change *items; /* largest |delta| first */
    size_t n;
    size_t n_significant; /* changes past the thresholds, before cutting to max_items */
    uint64_t floor;       /* smallest total of the earlier list (ENTERED means "was <= floor") */
    unsigned top;
    bool by_library; /* the rows are libraries (--group-by crate), without lines */
} mg_hsdiff;

typedef struct mg_hsdiff_options {
    unsigned top;           /* later functions considered for appeared/entered (default 10) */
    uint64_t min_change_bp; /* a change must exceed this relative size ... */
    uint64_t min_bytes;     /* ... AND this many bytes to be listed */
    size_t max_items;       /* keep at most this many (0: all) */
} mg_hsdiff_options;

/*
 * Compare hotspot lists by function NAME (frame indices are private to a
 * profile and never compared). before_complete / after_complete say whether
 * a list holds every function of its run (so absence means zero) or only its
 * top entries. Both lists are sorted by total bytes, largest first.
 */
int mg_hsdiff_compute(mg_hsdiff *out, const mg_hotspot *before, size_t n_before,
                      bool before_complete, const mg_hotspot *after, size_t n_after,
                      bool after_complete, const mg_hsdiff_options *opts, mg_error *err);
void mg_hsdiff_release(mg_hsdiff *d);

/* Past both thresholds of o: more than min_bytes, and (when base is not 0) more than min_change_bp.
 */
bool mg_hsdiff_significant(const mg_hsdiff_options *o, uint64_t base, uint64_t delta);

/* "grew", "shrank", "appeared", "entered top N", "gone" */
const char *mg_hs_kind_name(enum mg_hs_kind k);

#endif
