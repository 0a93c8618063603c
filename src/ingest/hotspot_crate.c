/*
 * --group-by crate: hotspots named after the library each stack's bytes go
 * through (mg_stack_library: a Rust crate, a shared object, a Go module),
 * ranked three ways like function hotspots, from the profile's stack store.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/hotspot.h"
#include "ingest/ingest.h"
#include "memgate/buf.h"
#include "utf8.h"

struct lib_row {
    uint64_t v[MG_RANK_COUNT], eb, pps;
    size_t label; /* offset into the labels */
};

struct libs {
    mg_strmap index;
    mg_buf labels;
    struct lib_row *rows;
    size_t n, cap;
};

static int add(struct libs *L, const char *name, const mg_stack *st, mg_error *err)
{
    size_t i, len = strlen(name);
    int inserted;
    struct lib_row *r;
    if (mg_strmap_upsert(&L->index, name, len, L->n, &i, &inserted, err) < 0)
        return -err->code;
    if (inserted) {
        if (mg_grow_array((void **)&L->rows, &L->cap, L->n + 1, sizeof(*L->rows), 32, err) < 0)
            return -err->code;
        memset(&L->rows[L->n], 0, sizeof(*L->rows));
        L->rows[L->n].label = L->labels.len;
        if (mg_buf_append(&L->labels, name, len + 1, err) < 0)
            return -err->code;
        L->n++;
    }
    r = &L->rows[i];
    /* each sum stays within the profile's totals, which fit */
    r->v[MG_RANK_TOTAL_BYTES] += st->w[MG_W_TOTAL];
    r->v[MG_RANK_PEAK_BYTES] += st->w[MG_W_PEAK];
    r->v[MG_RANK_ALLOC_COUNT] += st->w[MG_W_COUNT];
    r->eb += st->w[MG_W_END];
    r->pps++;
    return 0;
}

struct cand {
    uint64_t v;
    const char *label;
    const struct lib_row *row;
};

static int by_value(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return strcmp(x->label, y->label);
}

static int rank(const struct libs *L, mg_profile *p, enum mg_rank rk, size_t top_n, mg_error *err)
{
    struct cand *c = malloc((L->n ? L->n : 1) * sizeof(*c));
    size_t i, m = 0;
    mg_hotspot *h;
    if (!c)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < L->n; i++)
        if (L->rows[i].v[rk]) {
            c[m].v = L->rows[i].v[rk];
            c[m].label = L->labels.data + L->rows[i].label;
            c[m++].row = &L->rows[i];
        }
    qsort(c, m, sizeof(*c), by_value);
    if (m > top_n)
        m = top_n;
    if (!m || !(h = calloc(m, sizeof(*h)))) {
        free(c);
        return m ? mg_error_set(err, MG_E_NOMEM, "out of memory") : 0;
    }
    for (i = 0; i < m; i++) {
        const struct lib_row *r = c[i].row;
        h[i].total_bytes = r->v[MG_RANK_TOTAL_BYTES];
        h[i].peak_bytes = r->v[MG_RANK_PEAK_BYTES];
        h[i].total_blocks = r->v[MG_RANK_ALLOC_COUNT];
        h[i].end_bytes = r->eb;
        h[i].program_points = r->pps;
        h[i].share = p->whole[rk] ? (double)r->v[rk] / (double)p->whole[rk] : 0.0;
        if (!(h[i].function = mg_utf8_sanitize_display(c[i].label, strlen(c[i].label)))) {
            mg_hotspots_free(h, i + 1);
            free(c);
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        }
    }
    p->rank[rk] = h;
    p->n_rank[rk] = m;
    free(c);
    return 0;
}

int mg_hotspot_rank_crates(mg_hotspot_agg *agg, mg_profile *p, size_t top_n, mg_error *err)
{
    struct libs L;
    uint64_t dropped[MG_W_COUNT_];
    size_t i, k;
    int rc = 0, rk;
    char buf[300];

    if (!agg->st || !agg->attr || !top_n)
        return 0;
    if ((rc = mg_attributor_sync(agg->attr, agg->st, err)) < 0)
        return rc;
    memset(&L, 0, sizeof(L));
    mg_strmap_init(&L.index);
    mg_buf_init(&L.labels, MG_BUF_DEFAULT_CAP);
    for (i = 0; rc == 0 && i < mg_stacks_count(agg->st); i++) {
        mg_stack st;
        bool test = false;
        mg_stacks_get(agg->st, i, &st);
        for (k = 0; agg->opts && agg->opts->exclude_tests && k < st.depth; k++)
            test |= (mg_attributor_bits(agg->attr)[st.frames[k]] & MG_AB_TEST) != 0;
        if (test)
            continue;
        mg_stack_library(agg->attr, agg->st, st.frames, st.depth, buf, sizeof(buf));
        rc = add(&L, buf, &st, err);
    }
    if (rc == 0 && mg_stacks_dropped(agg->st, dropped)) {
        mg_stack st;
        memset(&st, 0, sizeof(st));
        memcpy(st.w, dropped, sizeof(st.w));
        rc = add(&L, "[lighter stacks not kept]", &st, err);
    }
    for (rk = 0; rc == 0 && rk < MG_RANK_COUNT; rk++)
        rc = rank(&L, p, (enum mg_rank)rk, top_n, err);
    mg_strmap_release(&L.index);
    mg_buf_release(&L.labels);
    free(L.rows);
    return rc;
}
