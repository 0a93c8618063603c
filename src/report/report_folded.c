/*
 * Folded (collapsed) stacks: "outer;...;inner WEIGHT" per stack, the text
 * flamegraph.pl, inferno and speedscope read. Lines sum exactly to the
 * profile's total for the weight: what the bounded store dropped is one line.
 * Against an earlier profile (diff), "outer;...;inner OLD NEW": the
 * two-column form difffolded.pl writes and flamegraph.pl / inferno-flamegraph
 * draw as a differential flame graph; each column sums to its profile's total.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

#include "memgate/report.h"
#include "memgate/stacks.h"
#include "report_int.h"

/* A frame's label with the format's separators (';', ' ' before the count, newlines) made safe. */
static int put_label(mg_buf *b, const mg_frame *f, mg_error *err)
{
    char label[1200];
    size_t i;
    mg_frame_label(f, label, sizeof(label));
    for (i = 0; label[i]; i++)
        if (label[i] == ';' || label[i] == '\n' || label[i] == '\r')
            label[i] = ':';
    return mg_buf_printf(b, err, "%s", label);
}

/* One stack's folded key, outermost frame first. */
static int put_key(mg_buf *out, const mg_stacks *s, const mg_stack *st, mg_error *err)
{
    size_t k;
    int rc = 0;
    if (!st->depth)
        return mg_buf_printf(out, err, "[root]");
    for (k = st->depth; rc == 0 && k-- > 0;) {
        mg_frame f;
        mg_stacks_frame(s, st->frames[k], &f);
        if (k + 1 < st->depth)
            rc = mg_buf_printf(out, err, ";");
        if (rc == 0)
            rc = put_label(out, &f, err);
    }
    return rc;
}

/* Keys of both profiles in first-seen order, with each one's weight in each profile. */
struct fold2 {
    mg_strmap index;
    mg_buf keys; /* NUL-terminated, back to back */
    size_t *off;
    uint64_t (*w)[2];
    size_t n, cap, off_cap;
};

static int fold2_add(struct fold2 *d, const char *key, size_t len, int side, uint64_t w,
                     mg_error *err)
{
    size_t i;
    int inserted;
    if (mg_strmap_upsert(&d->index, key, len, d->n, &i, &inserted, err) < 0)
        return -err->code;
    if (inserted) {
        if (mg_grow_array((void **)&d->w, &d->cap, d->n + 1, sizeof(*d->w), 64, err) < 0 ||
            mg_grow_array((void **)&d->off, &d->off_cap, d->n + 1, sizeof(*d->off), 64, err) < 0)
            return -err->code;
        d->off[d->n] = d->keys.len;
        d->w[d->n][0] = d->w[d->n][1] = 0;
        d->n++;
        if (mg_buf_append(&d->keys, key, len, err) < 0 || mg_buf_append(&d->keys, "", 1, err) < 0)
            return -err->code;
    }
    d->w[i][side] += w; /* within the profile's total for the weight, which fits */
    return 0;
}

static int fold2_profile(struct fold2 *d, const mg_stacks *s, int side, int w, mg_error *err)
{
    mg_buf key;
    uint64_t dropped[MG_W_COUNT_];
    size_t i;
    int rc = 0;
    mg_buf_init(&key, MG_BUF_DEFAULT_CAP);
    for (i = 0; rc == 0 && i < mg_stacks_count(s); i++) {
        mg_stack st;
        mg_stacks_get(s, i, &st);
        if (!st.w[w])
            continue;
        key.len = 0;
        if ((rc = put_key(&key, s, &st, err)) == 0)
            rc = fold2_add(d, key.data, key.len, side, st.w[w], err);
    }
    mg_buf_release(&key);
    mg_stacks_dropped(s, dropped);
    if (rc == 0 && dropped[w])
        rc = fold2_add(d, "[lighter stacks not kept]", 25, side, dropped[w], err);
    return rc;
}

static int folded_diff(mg_buf *out, const mg_stacks *a, const mg_stacks *b, int w, mg_error *err)
{
    struct fold2 d;
    size_t i;
    int rc;
    memset(&d, 0, sizeof(d));
    mg_strmap_init(&d.index);
    mg_buf_init(&d.keys, MG_BUF_DEFAULT_CAP);
    rc = fold2_profile(&d, a, 0, w, err);
    if (rc == 0)
        rc = fold2_profile(&d, b, 1, w, err);
    for (i = 0; rc == 0 && i < d.n; i++)
        rc = mg_buf_printf(out, err, "%s %llu %llu\n", d.keys.data + d.off[i],
                           (unsigned long long)d.w[i][0], (unsigned long long)d.w[i][1]);
    mg_strmap_release(&d.index);
    mg_buf_release(&d.keys);
    free(d.off);
    free(d.w);
    return rc;
}

int mg_report_folded(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    const mg_stacks *s = mg_profile_stacks(in->profile);
    int w = in->flame_weight >= 0 && in->flame_weight < MG_W_COUNT_ ? in->flame_weight : MG_W_TOTAL;
    uint64_t dropped[MG_W_COUNT_], n_dropped;
    size_t i;
    int rc = 0;
    if (!s || !mg_stacks_count(s))
        return mg_error_set(err, MG_E_USAGE,
                            "%s records no stacks: --format folded needs a format with stacks "
                            "(dhat JSON, heaptrack, massif, pprof)",
                            mg_profile_format(in->profile));
    if (in->before_profile) {
        const mg_stacks *a = mg_profile_stacks(in->before_profile);
        if (!a || !mg_stacks_count(a))
            return mg_error_set(err, MG_E_USAGE,
                                "%s records no stacks: a folded difference needs stacks in both "
                                "profiles",
                                mg_profile_format(in->before_profile));
        return folded_diff(out, a, s, w, err);
    }
    for (i = 0; rc == 0 && i < mg_stacks_count(s); i++) {
        mg_stack st;
        mg_stacks_get(s, i, &st);
        if (!st.w[w])
            continue;
        rc = put_key(out, s, &st, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, " %llu\n", (unsigned long long)st.w[w]);
    }
    n_dropped = mg_stacks_dropped(s, dropped);
    if (rc == 0 && dropped[w])
        rc = mg_buf_printf(out, err, "[%llu lighter stacks not kept] %llu\n",
                           (unsigned long long)n_dropped, (unsigned long long)dropped[w]);
    return rc;
}
