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
};

/*
 * Take over a frame table built elsewhere (the hotspot aggregator's arena:
 * text and frame_off are malloc'd, now owned by s). Only before any frame.
 */
void mg_stacks_adopt_frames(mg_stacks *s, char *text, size_t text_len, size_t *frame_off,
                            size_t n_frames);
/* mg_stacks_add without the frame-id check, for a caller that has checked (hot path). */
int mg_stacks_add_unchecked(mg_stacks *s, const uint32_t *frames, size_t depth,
                            const uint64_t w[MG_W_COUNT_], mg_error *err);

#endif
