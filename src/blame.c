/* Blame: two runs' attributed stacks summed by function and line, and the changes between them. */
#include "memgate/blame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

/* Both sides' lines, flat, before they are handed to their functions. */
struct flat_line {
    size_t fn;
    char *where;
    uint64_t before[MG_BLAME_W], after[MG_BLAME_W];
};

struct builder {
    mg_blame *b;
    size_t fns_cap;
    mg_strmap fn_ix, line_ix;
    struct flat_line *lines;
    size_t n_lines, lines_cap;
};

static size_t suffix_len(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && !memcmp(s + n - k, suffix, k) ? k : 0;
}

/*
 * A closure is its defining function's code: "f::{{closure}}" (legacy
 * mangling) and "f::{closure#0}" (v0) count as f, however deeply nested.
 */
static size_t enclosing_len(const char *fn)
{
    size_t n = strlen(fn), k;
    for (;;) {
        if ((k = suffix_len(fn, n, "::{{closure}}")) && n > k) {
            n -= k;
            continue;
        }
        if (n > 3 && fn[n - 1] == '}') {
            size_t i = n - 1;
            while (i > 0 && fn[i - 1] >= '0' && fn[i - 1] <= '9')
                i--;
            if (i >= 12 && i < n - 1 && !memcmp(fn + i - 11, "::{closure#", 11) && i - 11 > 0) {
                n = i - 11;
                continue;
            }
        }
        return n;
    }
}

static void where_of(const mg_site *s, char *out, size_t size)
{
    if (s->file && s->line)
        snprintf(out, size, "%s:%u", s->file, s->line);
    else if (s->file && *s->file)
        snprintf(out, size, "%s", s->file);
    else
        snprintf(out, size, "(no line)");
}

static int nomem(mg_error *err)
{
    return mg_error_set(err, MG_E_NOMEM, "out of memory");
}

static int fn_slot(struct builder *bd, const mg_site *s, size_t *out, mg_error *err)
{
    mg_blame *b = bd->b;
    size_t n = enclosing_len(s->function);
    int created, rc;

    if ((rc = mg_strmap_upsert(&bd->fn_ix, s->function, n, b->n, out, &created, err)) < 0)
        return rc;
    if (!created) {
        b->fns[*out].own = b->fns[*out].own || s->own;
        return 0;
    }
    if (b->n == bd->fns_cap) {
        size_t nc = bd->fns_cap ? bd->fns_cap * 2 : 32;
        mg_blame_fn *g = realloc(b->fns, nc * sizeof(*g));
        if (!g)
            return nomem(err);
        b->fns = g;
        bd->fns_cap = nc;
    }
    memset(&b->fns[b->n], 0, sizeof(b->fns[b->n]));
    if (!(b->fns[b->n].function = strndup(s->function, n)))
        return nomem(err);
    b->fns[b->n].own = s->own;
    b->n++;
    return 0;
}

static int line_slot(struct builder *bd, size_t fn, const mg_site *s, size_t *out, mg_error *err)
{
    char where[1024], key[1100];
    int created, klen, rc;

    where_of(s, where, sizeof(where));
    /* one table for every function's lines: the key is the function's number and the line */
    klen = snprintf(key, sizeof(key), "%zu\x1f%s", fn, where);
    if (klen < 0 || (size_t)klen >= sizeof(key))
        klen = (int)sizeof(key) - 1;
    if ((rc = mg_strmap_upsert(&bd->line_ix, key, (size_t)klen, bd->n_lines, out, &created, err)) <
        0)
        return rc;
    if (!created)
        return 0;
    if (bd->n_lines == bd->lines_cap) {
        size_t nc = bd->lines_cap ? bd->lines_cap * 2 : 64;
        struct flat_line *g = realloc(bd->lines, nc * sizeof(*g));
        if (!g)
            return nomem(err);
        bd->lines = g;
        bd->lines_cap = nc;
    }
    memset(&bd->lines[bd->n_lines], 0, sizeof(bd->lines[0]));
    bd->lines[bd->n_lines].fn = fn;
    if (!(bd->lines[bd->n_lines].where = strdup(where)))
        return nomem(err);
    bd->n_lines++;
    return 0;
}

/* Saturating: sums of real profiles never reach 2^64, crafted ones must not wrap. */
static void add_sat(uint64_t *a, uint64_t v)
{
    *a = *a > UINT64_MAX - v ? UINT64_MAX : *a + v;
}

static int add_side(struct builder *bd, const mg_site *s, size_t n, bool after, mg_error *err)
{
    size_t i, f, l;
    unsigned w;
    int rc;
    for (i = 0; i < n; i++) {
        if ((rc = fn_slot(bd, &s[i], &f, err)) < 0 || (rc = line_slot(bd, f, &s[i], &l, err)) < 0)
            return rc;
        for (w = 0; w < MG_BLAME_W; w++) {
            add_sat(after ? &bd->b->fns[f].after[w] : &bd->b->fns[f].before[w], s[i].w[w]);
            add_sat(after ? &bd->lines[l].after[w] : &bd->lines[l].before[w], s[i].w[w]);
        }
    }
    return 0;
}

/* Hand the flat lines to their functions (the strings move; the flat array goes). */
static int distribute(struct builder *bd, mg_error *err)
{
    mg_blame *b = bd->b;
    size_t i, *fill = calloc(b->n ? b->n : 1, sizeof(*fill));
    if (!fill)
        return nomem(err);
    for (i = 0; i < bd->n_lines; i++)
        b->fns[bd->lines[i].fn].n_lines++;
    for (i = 0; i < b->n; i++)
        if (b->fns[i].n_lines &&
            !(b->fns[i].lines = calloc(b->fns[i].n_lines, sizeof(*b->fns[i].lines)))) {
            free(fill);
            return nomem(err);
        }
    for (i = 0; i < bd->n_lines; i++) {
        struct flat_line *fl = &bd->lines[i];
        mg_blame_line *dst = &b->fns[fl->fn].lines[fill[fl->fn]++];
        dst->where = fl->where;
        memcpy(dst->before, fl->before, sizeof(dst->before));
        memcpy(dst->after, fl->after, sizeof(dst->after));
        fl->where = NULL;
    }
    free(fill);
    return 0;
}

int mg_blame_compute(mg_blame *out, const mg_site *before, size_t n_before,
                     const uint64_t *before_other, const mg_site *after, size_t n_after,
                     mg_error *err)
{
    struct builder bd;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&bd, 0, sizeof(bd));
    bd.b = out;
    if (before_other)
        memcpy(out->before_other, before_other, sizeof(out->before_other));
    mg_strmap_init(&bd.fn_ix);
    mg_strmap_init(&bd.line_ix);
    rc = add_side(&bd, before, n_before, false, err);
    if (rc == 0)
        rc = add_side(&bd, after, n_after, true, err);
    if (rc == 0)
        rc = distribute(&bd, err);
    for (i = 0; i < bd.n_lines; i++)
        free(bd.lines[i].where);
    free(bd.lines);
    mg_strmap_release(&bd.fn_ix);
    mg_strmap_release(&bd.line_ix);
    if (rc < 0)
        mg_blame_release(out);
    return rc;
}

void mg_blame_release(mg_blame *b)
{
    size_t i, k;
    if (!b)
        return;
    for (i = 0; i < b->n; i++) {
        for (k = 0; k < b->fns[i].n_lines; k++)
            free(b->fns[i].lines[k].where);
        free(b->fns[i].lines);
        free(b->fns[i].function);
    }
    free(b->fns);
    memset(b, 0, sizeof(*b));
}

/* |after - before| and its sign. */
static uint64_t moved(uint64_t before, uint64_t after, bool *negative)
{
    *negative = after < before;
    return *negative ? before - after : after - before;
}

static uint64_t line_size(const mg_blame_line *l)
{
    bool neg;
    uint64_t t = moved(l->before[MG_BLAME_TOTAL], l->after[MG_BLAME_TOTAL], &neg);
    uint64_t p = moved(l->before[MG_BLAME_PEAK], l->after[MG_BLAME_PEAK], &neg);
    return t > p ? t : p;
}

static int by_line_size(const void *a, const void *b)
{
    const mg_blame_line *x = *(const mg_blame_line *const *)a,
                        *y = *(const mg_blame_line *const *)b;
    uint64_t sx = line_size(x), sy = line_size(y);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return strcmp(x->where, y->where);
}

/* The three lines of f that changed most (total or peak), as hsdiff lines. */
static int change_lines(const mg_blame_fn *f, mg_hs_change *c, mg_error *err)
{
    const mg_blame_line **order = malloc((f->n_lines ? f->n_lines : 1) * sizeof(*order));
    size_t i, n = 0;
    int rc = 0;

    if (!order)
        return nomem(err);
    for (i = 0; i < f->n_lines; i++)
        if (line_size(&f->lines[i]))
            order[n++] = &f->lines[i];
    if (n > 1)
        qsort(order, n, sizeof(*order), by_line_size);
    if (n > 3)
        n = 3;
    if (n && !(c->lines = calloc(n, sizeof(*c->lines))))
        rc = nomem(err);
    for (i = 0; rc == 0 && i < n; i++) {
        mg_hs_line *l = &c->lines[i];
        if (!(l->where = strdup(order[i]->where))) {
            rc = nomem(err);
            break;
        }
        l->before = order[i]->before[MG_BLAME_TOTAL];
        l->after = order[i]->after[MG_BLAME_TOTAL];
        l->before_peak = order[i]->before[MG_BLAME_PEAK];
        l->after_peak = order[i]->after[MG_BLAME_PEAK];
        c->n_lines = i + 1;
    }
    free(order);
    return rc;
}

static enum mg_hs_kind kind_of(const mg_blame *b, const mg_blame_fn *f, bool *known)
{
    bool none_before = !f->before[MG_BLAME_TOTAL] && !f->before[MG_BLAME_PEAK];
    bool none_after = !f->after[MG_BLAME_TOTAL] && !f->after[MG_BLAME_PEAK];
    *known = true;
    if (none_before) {
        /* the stored stacks leave some bytes out: a small newcomer may have been among them */
        *known = f->after[MG_BLAME_TOTAL] > b->before_other[MG_BLAME_TOTAL] ||
                 !b->before_other[MG_BLAME_TOTAL];
        return MG_HS_APPEARED;
    }
    if (none_after)
        return MG_HS_GONE;
    if (f->after[MG_BLAME_TOTAL] != f->before[MG_BLAME_TOTAL])
        return f->after[MG_BLAME_TOTAL] > f->before[MG_BLAME_TOTAL] ? MG_HS_GREW : MG_HS_SHRANK;
    return f->after[MG_BLAME_PEAK] >= f->before[MG_BLAME_PEAK] ? MG_HS_GREW : MG_HS_SHRANK;
}

static uint64_t change_size(const mg_hs_change *c)
{
    return c->delta > c->peak_delta ? c->delta : c->peak_delta;
}

static int by_size(const void *a, const void *b)
{
    const mg_hs_change *x = a, *y = b;
    uint64_t sx = change_size(x), sy = change_size(y);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return strcmp(x->function, y->function);
}

static int one_change(const mg_blame *b, const mg_blame_fn *f, const mg_hsdiff_options *o,
                      mg_hsdiff *out, size_t *cap, mg_error *err)
{
    mg_hs_change c;
    bool known;
    int rc;

    memset(&c, 0, sizeof(c));
    c.kind = kind_of(b, f, &known);
    c.before = f->before[MG_BLAME_TOTAL];
    c.after = f->after[MG_BLAME_TOTAL];
    c.before_peak = f->before[MG_BLAME_PEAK];
    c.after_peak = f->after[MG_BLAME_PEAK];
    c.delta = moved(c.before, c.after, &c.negative);
    c.peak_delta = moved(c.before_peak, c.after_peak, &c.peak_negative);
    c.has_peak = true;
    c.has_pct = c.before != 0 && c.delta != 0;
    if (c.has_pct)
        c.pct = (c.negative ? -100.0 : 100.0) * (double)c.delta / (double)c.before;
    /* a change no bigger than what the stored stacks leave out may be a stack left out */
    if (!known || ((c.delta <= b->before_other[MG_BLAME_TOTAL] ||
                    !mg_hsdiff_significant(o, c.before, c.delta)) &&
                   (c.peak_delta <= b->before_other[MG_BLAME_PEAK] ||
                    !mg_hsdiff_significant(o, c.before_peak, c.peak_delta))))
        return 0;
    if (out->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        mg_hs_change *g = realloc(out->items, nc * sizeof(*g));
        if (!g)
            return nomem(err);
        out->items = g;
        *cap = nc;
    }
    if (!(c.function = strdup(f->function)))
        return nomem(err);
    out->items[out->n++] = c;
    /* a library's only "line" would be "(no line)" */
    rc = b->by_library ? 0 : change_lines(f, &out->items[out->n - 1], err);
    return rc;
}

int mg_blame_changes(const mg_blame *b, const mg_hsdiff_options *opts, mg_hsdiff *out,
                     mg_error *err)
{
    size_t i, cap = 0;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->top = opts->top ? opts->top : 10;
    out->by_library = b->by_library;
    for (i = 0; rc == 0 && i < b->n; i++)
        rc = one_change(b, &b->fns[i], opts, out, &cap, err);
    if (rc < 0) {
        mg_hsdiff_release(out);
        return rc;
    }
    if (out->n > 1)
        qsort(out->items, out->n, sizeof(*out->items), by_size);
    out->n_significant = out->n;
    if (opts->max_items && out->n > opts->max_items) {
        mg_hsdiff cut = *out;
        cut.items += opts->max_items;
        cut.n = out->n - opts->max_items;
        /* release the tail's strings and lines; the array itself stays with out */
        for (i = 0; i < cut.n; i++) {
            size_t k;
            for (k = 0; k < cut.items[i].n_lines; k++)
                free(cut.items[i].lines[k].where);
            free(cut.items[i].lines);
            free(cut.items[i].function);
        }
        out->n = opts->max_items;
    }
    return 0;
}
