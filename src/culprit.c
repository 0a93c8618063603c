/* The culprit of a metric's change: the own functions, and their lines, that carry most of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memgate/blame.h"

/* One explains it when it carries this much; else up to three, each at least MIN_PART. */
#define ALONE_SHARE 0.80
#define MIN_PART 0.05
/* A move the other way is worth saying from this share of the change on. */
#define OFFSET_SHARE 0.10

bool mg_blame_weight_of(enum mg_metric m, enum mg_blame_w *out)
{
    switch (m) {
    case MG_TOTAL_BYTES:
        *out = MG_BLAME_TOTAL;
        return true;
    case MG_PEAK_BYTES:
        *out = MG_BLAME_PEAK;
        return true;
    case MG_ALLOC_COUNT:
        *out = MG_BLAME_COUNT;
        return true;
    default:
        return false;
    }
}

/* How much v moved in the direction asked for (0 when it moved the other way or not at all). */
static uint64_t toward(uint64_t before, uint64_t after, bool shrink)
{
    if (shrink)
        return before > after ? before - after : 0;
    return after > before ? after - before : 0;
}

static void heaviest_line(const mg_blame_fn *f, enum mg_blame_w w, bool shrink, char *out,
                          size_t size)
{
    uint64_t best = 0;
    size_t i;
    out[0] = '\0';
    for (i = 0; i < f->n_lines; i++) {
        uint64_t m = toward(f->lines[i].before[w], f->lines[i].after[w], shrink);
        if (m > best || (m == best && m && strcmp(f->lines[i].where, out) < 0)) {
            best = m;
            snprintf(out, size, "%s", f->lines[i].where);
        }
    }
    if (!strcmp(out, "(no line)"))
        out[0] = '\0';
}

static void fill_part(mg_culprit_part *p, const mg_blame_fn *f, enum mg_blame_w w, bool shrink,
                      uint64_t mv, uint64_t gross)
{
    snprintf(p->function, sizeof(p->function), "%s", f->function);
    heaviest_line(f, w, shrink, p->where, sizeof(p->where));
    p->delta = mv;
    p->share = gross ? (double)mv / (double)gross : 0.0;
}

/* Index of the function moving most in the direction among those allowed, or b->n. */
static size_t best_mover(const mg_blame *b, enum mg_blame_w w, bool shrink, bool own_only,
                         const bool *taken, uint64_t *mv)
{
    size_t i, best = b->n;
    *mv = 0;
    for (i = 0; i < b->n; i++) {
        uint64_t m = toward(b->fns[i].before[w], b->fns[i].after[w], shrink);
        if (taken[i] || !m || (own_only && !b->fns[i].own))
            continue;
        if (m > *mv || (m == *mv && strcmp(b->fns[i].function, b->fns[best].function) < 0)) {
            *mv = m;
            best = i;
        }
    }
    return best;
}

static void find_parts(const mg_blame *b, enum mg_blame_w w, bool shrink, mg_culprit *out)
{
    uint64_t gross = 0, own_gross = 0, mv, against = 0;
    double explained = 0.0;
    bool any_own = false, *taken;
    size_t i, k;

    for (i = 0; i < b->n; i++) {
        uint64_t m = toward(b->fns[i].before[w], b->fns[i].after[w], shrink);
        gross += m;
        own_gross += b->fns[i].own ? m : 0;
        any_own = any_own || b->fns[i].own;
    }
    if (!gross || !(taken = calloc(b->n, sizeof(*taken)))) {
        out->state = MG_CULPRIT_NO_CHANGE;
        return;
    }
    /* own code first; a program with no own frame at all (an interpreter) names what it has */
    for (k = 0; k < MG_CULPRIT_MAX_PARTS; k++) {
        size_t f = best_mover(b, w, shrink, any_own, taken, &mv);
        double share = (double)mv / (double)gross;
        if (f == b->n || (k > 0 && (explained >= ALONE_SHARE || share < MIN_PART)))
            break;
        taken[f] = true;
        fill_part(&out->parts[out->n_parts++], &b->fns[f], w, shrink, mv, gross);
        explained += share;
    }
    out->unattributed = any_own ? (double)(gross - own_gross) / (double)gross : 0.0;
    memset(taken, 0, b->n * sizeof(*taken));
    i = best_mover(b, w, !shrink, false, taken, &against);
    if (i < b->n && (double)against >= OFFSET_SHARE * (double)gross) {
        out->has_offset = true;
        fill_part(&out->offset, &b->fns[i], w, !shrink, against, gross);
    }
    free(taken);
    out->state = out->n_parts ? MG_CULPRIT_FOUND : MG_CULPRIT_NO_CHANGE;
}

void mg_blame_culprit(const mg_blame *b, enum mg_culprit_state no_blame, const mg_row *row,
                      mg_culprit *out)
{
    enum mg_blame_w w;
    memset(out, 0, sizeof(*out));
    out->metric = row->metric;
    out->negative = row->negative;
    out->delta = row->delta;
    if (!mg_blame_weight_of(row->metric, &w))
        out->state = MG_CULPRIT_NOT_PER_STACK;
    else if (!b)
        out->state = no_blame;
    else if (!row->delta)
        out->state = MG_CULPRIT_NO_CHANGE;
    else
        find_parts(b, w, row->negative, out);
}

/* The rows a verdict's first lines are about: its failures, else its exceptions, else warnings. */
static enum mg_status headline(const mg_verdict *v)
{
    return v->n_fail       ? MG_STATUS_FAIL
           : v->n_accepted ? MG_STATUS_ACCEPTED
           : v->n_warn     ? MG_STATUS_WARN
                           : MG_STATUS_IMPROVED;
}

static void rows_with(const mg_blame *b, enum mg_culprit_state no_blame, const mg_verdict *v,
                      enum mg_status want, mg_culprits *out)
{
    enum mg_blame_w w;
    unsigned i;
    for (i = 0; i < v->n_rows && out->n < MG_METRIC_COUNT; i++) {
        const mg_row *r = &v->rows[i];
        if (r->status != want || !r->in_baseline || !r->in_current)
            continue;
        /* an improved runtime needs no "cannot be attributed": only what went wrong does */
        if (want == MG_STATUS_IMPROVED && !mg_blame_weight_of(r->metric, &w))
            continue;
        mg_blame_culprit(b, no_blame, r, &out->items[out->n++]);
    }
}

void mg_blame_culprits(const mg_blame *b, enum mg_culprit_state no_blame, const mg_verdict *v,
                       mg_culprits *out)
{
    enum mg_status first = headline(v);
    memset(out, 0, sizeof(*out));
    rows_with(b, no_blame, v, first, out);
    if (first != MG_STATUS_IMPROVED)
        rows_with(b, no_blame, v, MG_STATUS_IMPROVED, out);
}
