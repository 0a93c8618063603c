/* Private to the ingest layer: the stack store's fields, for readers that fill it directly. */
#ifndef MEMGATE_STACKS_INT_H
#define MEMGATE_STACKS_INT_H

#include "memgate/stacks.h"
#include "strmap.h"

struct stack_rec {
    uint64_t w[MG_W_COUNT_];
    uint64_t hash;
    size_t off; /* into refs */
    uint32_t depth;
};

struct mg_stacks {
    /* the frame table: every entry NUL-terminated in text, at frame_off[i] */
    char *text;
    size_t text_len, text_cap;
    size_t *frame_off;
    size_t n_frames, frames_cap;
    uint32_t *refs; /* the kept stacks' frame ids, back to back */
    size_t n_refs, refs_cap;
    struct stack_rec *recs;
    size_t n, recs_cap;
    uint32_t *slots; /* open addressing: index into recs, or UINT32_MAX */
    size_t slots_cap;
    mg_strmap hasher; /* only for its random SipHash key */
    uint64_t totals[MG_W_COUNT_];
    uint64_t dropped[MG_W_COUNT_];
    uint64_t n_dropped;
    bool has_end;
    bool unique; /* every stack is added once (no hashing, no merging) */
};

/*
 * Take over a frame table built elsewhere (the hotspot aggregator's arena:
 * text and frame_off are malloc'd, now owned by s). Only before any frame.
 */
void mg_stacks_adopt_frames(mg_stacks *s, char *text, size_t text_len, size_t *frame_off,
                            size_t n_frames);
/*
 * The hot path's steps: a stack's hash, a prefetch of its slot (while other
 * program points are worked on), then the add with that hash.
 */
uint64_t mg_stacks_hash(const mg_stacks *s, const uint32_t *frames, size_t depth);
void mg_stacks_prefetch(const mg_stacks *s, uint64_t h);
int mg_stacks_add_hashed(mg_stacks *s, const uint32_t *frames, size_t depth, uint64_t h,
                         const uint64_t w[MG_W_COUNT_], mg_error *err);
/* The format records each stack once (dhat's program points): stacks are appended, not merged. */
void mg_stacks_assume_unique(mg_stacks *s);
/* A frame name as the store keeps it: each NUL byte (which would end it early) becomes '?'. */
void mg_stacks_clean_name(char *t, size_t len);
/* Bits the hotspot aggregator keeps beside the attributor's classes (above its own). */
#define MG_AB_CLONE 0x1000u
#define MG_AB_TEST 0x2000u
/* Classify the next frame of s now, OR-ing in extra (MG_AB_*); no-op when it has been. */
int mg_attributor_add(mg_attributor *a, const mg_stacks *s, uint16_t extra, mg_error *err);
/*
 * Classify the next frame from its text (as the store keeps it: no NUL bytes), whether or not
 * the store holds it yet: the parser's thread classifies the frame table while the worker
 * thread stores and interns it (hotspot.c). The caller makes sure one thread at a time uses a.
 */
int mg_attributor_add_text(mg_attributor *a, const char *text, size_t len, uint16_t extra,
                           mg_error *err);
/* The attributor's per-frame classes, for prefetching in the hot path. */
const uint16_t *mg_attributor_bits(const mg_attributor *a);
/* mg_stacks_add without the frame-id check, for a caller that has checked (hot path). */
int mg_stacks_add_unchecked(mg_stacks *s, const uint32_t *frames, size_t depth,
                            const uint64_t w[MG_W_COUNT_], mg_error *err);

#endif
