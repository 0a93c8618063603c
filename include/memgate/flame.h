/*
 * Flame graphs: a profile's stacks (memgate/stacks.h) merged into one tree by
 * frame name, outermost frame at the root, and drawn as a self-contained SVG
 * (no script; every frame has a <title> with its exact numbers). Two sides make
 * a differential flame graph: widths from the later run, colour by growth
 * (red grew, blue shrank, intensity by the size of the change).
 *
 * Frames are classed by the attribution in force: the program's own code is
 * highlighted, the language runtime and allocator machinery muted.
 */
#ifndef MEMGATE_FLAME_H
#define MEMGATE_FLAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/baseline.h"
#include "memgate/buf.h"
#include "memgate/error.h"
#include "memgate/profile.h"
#include "memgate/stacks.h"

enum mg_flame_side { MG_FLAME_BEFORE, MG_FLAME_AFTER };

typedef struct mg_flame mg_flame;

/* An empty tree that sums weight w (MG_W_TOTAL, MG_W_PEAK or MG_W_COUNT). */
int mg_flame_new(mg_flame **out, enum mg_weight w, mg_error *err);
void mg_flame_free(mg_flame *f); /* NULL is a no-op */

/*
 * Add every stack of p to one side. cut: keep only the frames from the
 * attributed one inward (the part a baseline stores), so the profile compares
 * with stored stacks. MG_E_INPUT when p has no stacks.
 */
int mg_flame_add_profile(mg_flame *f, enum mg_flame_side side, const mg_profile *p,
                         const mg_attr_options *o, bool cut, mg_error *err);

/* Add a baseline's stored stacks (and what it leaves out) to one side. */
int mg_flame_add_stored(mg_flame *f, enum mg_flame_side side, const mg_stored_stacks *s,
                        const mg_attr_options *o, mg_error *err);

/* What a side sums to (the profile's total of the weight). */
uint64_t mg_flame_total(const mg_flame *f, enum mg_flame_side side);

typedef struct mg_flame_svg_options {
    const char *title;    /* "memgate: wordfreq-regressed.json (total bytes)" */
    const char *subtitle; /* "before: a.json, after: b.json"; may be NULL */
    bool differential;    /* both sides were added: colour by growth */
    unsigned width;       /* pixels; 0 = 1200 */
} mg_flame_svg_options;

/*
 * The SVG. Deterministic: children ordered by name, no randomness, fixed
 * number formats. Every drawn frame is a <g class="frame"> holding its
 * <title>, <rect>, optional <text> and its children's groups, with data-w (the
 * after side's weight) and, differential, data-before. Frames too narrow to
 * see are merged per parent into one "[N smaller]" frame, so the widths of
 * each level add up to their parent and the root to the total.
 */
int mg_flame_svg(mg_buf *out, const mg_flame *f, const mg_flame_svg_options *o, mg_error *err);

/* "total", "peak", "count" -> *out; false for anything else. */
bool mg_flame_weight_from_name(const char *name, enum mg_weight *out);

#endif
