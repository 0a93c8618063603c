/* Hotspot diff: match functions by name, keep the changes past both thresholds, biggest first. */
#include "memgate/hsdiff.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"

__extension__ typedef unsigned __int128 u128;

const char *mg_hs_kind_name(enum mg_hs_kind k)
{
    switch (k) {
    case MG_HS_GREW:
        return "grew";
    case MG_HS_SHRANK:
        return "shrank";
    case MG_HS_APPEARED:
        return "appeared";
    case MG_HS_ENTERED:
        return "entered top";
    case MG_HS_GONE:
        return "gone";
    }
    return "?";
}

/* Past both thresholds: more than min_bytes AND (when a base exists) more than min_change. */
bool mg_hsdiff_significant(const mg_hsdiff_options *o, uint64_t base, uint64_t delta)
{
    if (delta <= o->min_bytes)
        return false;
    return base == 0 || (u128)delta * 10000 > (u128)base * o->min_change_bp;
}

static int push(mg_hsdiff *d, size_t *cap, const mg_hs_change *c, mg_error *err)
{
    if (d->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        mg_hs_change *g = realloc(d->items, nc * sizeof(*g));
        if (!g)
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        d->items = g;
        *cap = nc;
    }
    d->items[d->n] = *c;
    if (!(d->items[d->n].function = strdup(c->function)))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    d->n++;
    return 0;
}

static void fill_delta(mg_hs_change *c)
{
    c->negative = c->after < c->before;
    c->delta = c->negative ? c->before - c->after : c->after - c->before;
    c->has_pct = c->before != 0 && c->kind != MG_HS_ENTERED;
    if (c->has_pct)
        c->pct = (c->negative ? -100.0 : 100.0) * (double)c->delta / (double)c->before;
}

/* Functions of the earlier run: grew, shrank, or gone. */
static int earlier_side(mg_hsdiff *d, size_t *cap, const mg_hotspot *before, size_t nb,
                        const mg_hotspot *after, const mg_strmap *after_ix, bool after_complete,
                        const mg_hsdiff_options *o, mg_error *err)
{
    size_t i, j;
    int rc = 0;
    for (i = 0; rc == 0 && i < nb; i++) {
        mg_hs_change c;
        memset(&c, 0, sizeof(c));
        c.function = before[i].function;
        c.before = before[i].total_bytes;
        c.before_peak = before[i].peak_bytes;
        if (mg_strmap_get(after_ix, c.function, strlen(c.function), &j) == 1) {
            c.after = after[j].total_bytes;
            c.after_peak = after[j].peak_bytes;
            c.kind = c.after >= c.before ? MG_HS_GREW : MG_HS_SHRANK;
        } else if (after_complete) {
            c.kind = MG_HS_GONE;
        } else {
            continue; /* below the later list's cut: unknown, say nothing */
        }
        fill_delta(&c);
        if (mg_hsdiff_significant(o, c.before, c.delta))
            rc = push(d, cap, &c, err);
    }
    return rc;
}

/* Functions in the later top N that the earlier list does not name. */
static int later_side(mg_hsdiff *d, size_t *cap, const mg_strmap *before_ix, bool before_complete,
                      const mg_hotspot *after, size_t na, const mg_hsdiff_options *o, mg_error *err)
{
    size_t i, j;
    int rc = 0;
    for (i = 0; rc == 0 && i < na && i < o->top; i++) {
        mg_hs_change c;
        if (mg_strmap_get(before_ix, after[i].function, strlen(after[i].function), &j) == 1)
            continue;
        /* below the earlier cut it had at most `floor` bytes: entering needs more than that */
        if (!before_complete && after[i].total_bytes <= d->floor)
            continue;
        memset(&c, 0, sizeof(c));
        c.function = after[i].function;
        c.kind = before_complete ? MG_HS_APPEARED : MG_HS_ENTERED;
        c.before = before_complete ? 0 : d->floor;
        c.after = after[i].total_bytes;
        c.after_peak = after[i].peak_bytes;
        fill_delta(&c);
        if (mg_hsdiff_significant(o, 0, c.delta))
            rc = push(d, cap, &c, err);
    }
    return rc;
}

static int by_delta(const void *a, const void *b)
{
    const mg_hs_change *x = a, *y = b;
    if (x->delta != y->delta)
        return x->delta > y->delta ? -1 : 1;
    return strcmp(x->function, y->function);
}

static int index_names(mg_strmap *m, const mg_hotspot *h, size_t n, mg_error *err)
{
    size_t i, slot;
    int created, rc;
    for (i = 0; i < n; i++)
        if ((rc = mg_strmap_upsert(m, h[i].function, strlen(h[i].function), i, &slot, &created,
                                   err)) < 0)
            return rc;
    return 0;
}

int mg_hsdiff_compute(mg_hsdiff *out, const mg_hotspot *before, size_t n_before,
                      bool before_complete, const mg_hotspot *after, size_t n_after,
                      bool after_complete, const mg_hsdiff_options *opts, mg_error *err)
{
    mg_strmap bix, aix;
    mg_hsdiff_options o = *opts;
    size_t cap = 0, i;
    int rc;

    memset(out, 0, sizeof(*out));
    if (o.top == 0)
        o.top = 10;
    out->top = o.top;
    for (i = 0; i < n_before; i++)
        if (i == 0 || before[i].total_bytes < out->floor)
            out->floor = before[i].total_bytes;
    mg_strmap_init(&bix);
    mg_strmap_init(&aix);
    rc = index_names(&bix, before, n_before, err);
    if (rc == 0)
        rc = index_names(&aix, after, n_after, err);
    if (rc == 0)
        rc = earlier_side(out, &cap, before, n_before, after, &aix, after_complete, &o, err);
    if (rc == 0)
        rc = later_side(out, &cap, &bix, before_complete, after, n_after, &o, err);
    mg_strmap_release(&bix);
    mg_strmap_release(&aix);
    if (rc < 0) {
        mg_hsdiff_release(out);
        return rc;
    }
    if (out->n > 1) /* qsort wants a non-NULL base even for nothing */
        qsort(out->items, out->n, sizeof(*out->items), by_delta);
    out->n_significant = out->n;
    if (o.max_items && out->n > o.max_items) {
        for (i = o.max_items; i < out->n; i++)
            free(out->items[i].function); /* name-based changes have no lines */
        out->n = o.max_items;
    }
    return 0;
}

void mg_hsdiff_release(mg_hsdiff *d)
{
    size_t i, k;
    for (i = 0; i < d->n; i++) {
        for (k = 0; k < d->items[i].n_lines; k++)
            free(d->items[i].lines[k].where);
        free(d->items[i].lines);
        free(d->items[i].function);
    }
    free(d->items);
    memset(d, 0, sizeof(*d));
}
