/* Private: attribute dhat program points to functions (or stacks), flag them, rank them. */
#ifndef MEMGATE_HOTSPOT_H
#define MEMGATE_HOTSPOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/frames.h"
#include "memgate/profile.h"
#include "ingest/stacks_int.h"
#include "strmap.h"

struct agg_row;
struct row_seq;
struct agg_worker;

/* A program point waiting in a batch (see flush in hotspot.c). */
#define MG_AGG_BATCH 256
struct batch_pp {
    uint64_t tb, tbk, gb, eb;
    uint64_t hash; /* of its stack, for the stack store */
    size_t fs_off, n, row;
    long at;
    uint16_t bits; /* the OR of its frames' MG_AB_* */
    uint8_t how;   /* enum mg_attr_how */
    bool skip;
};

struct agg_batch {
    struct batch_pp *pp;
    size_t n, cap; /* cap: MG_AGG_BATCH, or a worker job's size */
    uint32_t *fs;  /* the frame lists, back to back */
    size_t fs_len, fs_cap;
};

/*
 * The frame table of one profile plus per-group sums. Frames are added in
 * table order (index 0 first); program points refer to them by index.
 * A stack value: init/release.
 */
typedef struct mg_hotspot_agg {
    const mg_load_options *opts;
    /* the stack store: owns the frame table (its text arena also holds function labels that
       are no frames) and the unique stacks; handed to the profile at the end */
    mg_stacks *st;
    mg_attributor *attr;                /* the attribution rule in force, per frame */
    bool unique_stacks;                 /* the reader adds each stack once (dhat program points) */
    size_t *ranked_rows[MG_RANK_COUNT]; /* the row of each kept hotspot, per ranking */
    uint32_t *frame_tfn; /* function id of "NAME [truncated]" per frame, made on first use */
    size_t tfn_cap;
    uint32_t *frame_fn;    /* function id of each frame (UINT32_MAX until attributed) */
    uint32_t *frame_canon; /* --group-by stack: id of the address-less frame text */
    size_t n_frames, frames_cap;
    size_t n_added; /* frames given to add_frame: what program points may refer to (with a
                       worker, n_frames lags behind) */
    struct agg_worker *worker; /* NULL: the work is done in the caller's thread */
    bool pp_added;             /* the caller has added a program point (with a worker) */
    /* functions, interned when a program point is first attributed to them; the id is
       also the row in function mode. Names stay in the text arena (no copies). */
    uint64_t *fn_slots; /* open addressing: hash << 32 | function id, or UINT64_MAX */
    size_t fn_slots_cap;
    size_t *fn_off; /* its name: offset into text, and length */
    uint32_t *fn_len;
    size_t n_fns, fns_cap;
    mg_strmap canon_index; /* address-less frame text -> canonical id */
    size_t *canon_frame;
    size_t n_canon, canon_cap;
    struct agg_row *rows;
    size_t n_rows, rows_cap;
    struct row_seq *row_seq; /* --group-by stack: each row's key in seq */
    size_t row_seq_cap;
    /* --group-by stack: open-addressing table of canonical-id sequences */
    struct stack_slot *slots;
    size_t slots_cap, n_stacks;
    uint32_t *seq;
    size_t seq_len, seq_cap;
    uint32_t *scratch;
    size_t scratch_cap;
    struct agg_batch batch; /* program points waiting to be attributed */
    uint64_t whole[MG_RANK_COUNT];
    uint64_t excluded;
    uint32_t root_fn, alloc_fn;
    bool has_root, has_alloc;
} mg_hotspot_agg;

void mg_hotspot_agg_init(mg_hotspot_agg *agg, const mg_load_options *opts);
void mg_hotspot_agg_release(mg_hotspot_agg *agg);
/*
 * From now on, do the work (classifying and interning frames, attributing
 * program points) in a second thread while the caller goes on parsing: for big
 * profiles. Results are the same as without. Call before the first frame.
 */
int mg_hotspot_agg_start_worker(mg_hotspot_agg *agg, mg_error *err);
/* Append the next frame-table entry (raw bytes; need not be UTF-8). */
int mg_hotspot_agg_add_frame(mg_hotspot_agg *agg, const char *text, size_t len, mg_error *err);
/*
 * Add one program point; every fs[i] must be < n_added (the caller checks,
 * to report the position). Overflow of a sum is MG_E_OVERFLOW.
 */
int mg_hotspot_agg_add_pp(mg_hotspot_agg *agg, const uint32_t *fs, size_t n, uint64_t tb,
                          uint64_t tbk, uint64_t gb, uint64_t eb, mg_error *err);
/*
 * Rank and move the top-N of each ranking into the profile, add each hotspot's details and hand
 * the stacks over (hotspot_detail.c: it sits above hotspot.c, whose rows the details read).
 */
int mg_hotspot_agg_finish(mg_hotspot_agg *agg, mg_profile *p, size_t top_n, mg_error *err);
/* The steps of finish in hotspot.c: drain the worker and rank (nothing ranked for top_n 0) ... */
int mg_hotspot_agg_rank(mg_hotspot_agg *agg, mg_profile *p, size_t top_n, mg_error *err);
/* ... and, last, the profile keeps the stacks (and the frame table with them). */
int mg_hotspot_agg_hand_over(mg_hotspot_agg *agg, mg_profile *p, mg_error *err);
/* The row a stack attributed as res counts in (function or stack grouping); after the last pp. */
int mg_hotspot_agg_row(mg_hotspot_agg *agg, const uint32_t *fs, size_t n, const mg_attr_result *res,
                       size_t *row, mg_error *err);
/* --group-by crate: the rankings by library, from the stack store (hotspot_crate.c). */
int mg_hotspot_rank_crates(mg_hotspot_agg *agg, mg_profile *p, size_t top_n, mg_error *err);
/* Lines, chain, allocation site and library of each kept hotspot, from the stacks. */
int mg_hotspot_details(mg_hotspot_agg *agg, mg_profile *p, mg_error *err);

/*
 * The worker seam, the one place two files call each other on purpose:
 * hotspot.c hands frames and program points to hotspot_worker.c when a worker
 * thread runs, and the worker thread calls back into hotspot.c to do the same
 * work (frame_now, flush_batch) it would do inline. Splitting the work from the
 * thread keeps the threading in one small file; see docs/architecture.md.
 */
/* Append a program point to a batch of `size` program points (the caller flushes when full). */
int mg_agg_batch_push(struct agg_batch *bt, size_t size, const uint32_t *fs, size_t n, uint64_t tb,
                      uint64_t tbk, uint64_t gb, uint64_t eb, mg_error *err);
/* classified: the caller's thread has classified it already (see classify_here in hotspot.c) */
int mg_hotspot_agg_frame_now(mg_hotspot_agg *agg, const char *text, size_t len, bool classified,
                             mg_error *err);
int mg_hotspot_agg_flush_batch(mg_hotspot_agg *agg, struct agg_batch *b, mg_error *err);
int mg_hotspot_worker_add_frame(struct agg_worker *w, const char *text, size_t len, bool classified,
                                mg_error *err);
int mg_hotspot_worker_add_pp(struct agg_worker *w, const uint32_t *fs, size_t n, uint64_t tb,
                             uint64_t tbk, uint64_t gb, uint64_t eb, mg_error *err);
/* Hand over what is left, wait for it, stop the thread; the worker's first error, if any. */
int mg_hotspot_worker_finish(struct agg_worker *w, mg_error *err);
/* Stop the thread (after the job it is doing) and free; NULL is a no-op. */
void mg_hotspot_worker_free(struct agg_worker *w);

#endif
