/*
 * Which of a profile's stacks the baseline keeps, and which of their frames:
 * the heaviest stacks until 99% of total bytes, of peak bytes and of the
 * allocation count are covered (at most cap), each cut to the frames some
 * attribution rule could pick. Any rule that takes "the first frame with property P" picks the
 * same frame from the cut stack as from the whole one, because the cut keeps
 * every rule's answer and drops only frames no rule picks: that is what lets
 * a later check re-attribute the baseline under another rule.
 */
#include <stdlib.h>
#include <string.h>

#include "memgate/baseline.h"
#include "memgate/stacks.h"
#include "strmap.h"

/* "0x55e40bd822d6: wordfreq::count_words (...)" -> "wordfreq::count_words (...)": addresses
   change with every build and would make every update a diff of every frame */
static const char *without_address(const char *t)
{
    const char *p = t;
    if (p[0] != '0' || p[1] != 'x')
        return t;
    for (p += 2; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F');
         p++)
        ;
    return p[0] == ':' && p[1] == ' ' ? p + 2 : t;
}

/* One cut stack being collected: its key (frame texts joined by 0x1f) and weights. */
struct cut {
    char *key;
    size_t key_len;
    uint64_t w[MG_W_COUNT_];
    bool keep;
};

struct picker {
    const mg_stacks *s;
    mg_attributor *rule[4]; /* own, skip-std, alloc-site, first-frame */
    mg_strmap ix;
    struct cut *cuts;
    size_t n, cap;
};

static int nomem(mg_error *err)
{
    return mg_error_set(err, MG_E_NOMEM, "out of memory");
}

static void mark(bool *keep, size_t depth, long i)
{
    if (i >= 0 && (size_t)i < depth)
        keep[i] = true;
}

/* The frames of one stack that any rule picks, as a key. */
static int cut_key(struct picker *pk, const mg_stack *st, bool *keep, char **key, size_t *len,
                   mg_error *err)
{
    size_t i, used = 0, cap = 0;
    unsigned r;
    char *k = NULL;

    memset(keep, 0, st->depth * sizeof(*keep));
    for (r = 0; r < 4; r++) {
        mg_attr_result res;
        mg_attribute(pk->rule[r], st->frames, st->depth, &res);
        mark(keep, st->depth, res.frame);
        mark(keep, st->depth, res.alloc_site);
        /* a cut or library-only stack: its fallbacks look at the outermost frame */
        if (r == 0 && res.how != MG_ATTR_HOW_OWN)
            mark(keep, st->depth, (long)st->depth - 1);
    }
    mark(keep, st->depth, 0);
    for (i = 0; i < st->depth; i++) {
        mg_frame f;
        const char *t;
        size_t n;
        if (!keep[i])
            continue;
        mg_stacks_frame(pk->s, st->frames[i], &f);
        t = without_address(f.text);
        n = strlen(t);
        if (used + n + 2 > cap) {
            size_t nc = (used + n + 2) * 2;
            char *g = realloc(k, nc);
            if (!g) {
                free(k);
                return nomem(err);
            }
            k = g;
            cap = nc;
        }
        if (used)
            k[used++] = '\x1f';
        memcpy(k + used, t, n);
        used += n;
        k[used] = '\0';
    }
    *key = k;
    *len = used;
    return 0;
}

static int add_cut(struct picker *pk, const mg_stack *st, bool *keep, mg_error *err)
{
    char *key = NULL;
    size_t len = 0, at, w;
    int created, rc;

    if (!st->w[MG_W_TOTAL] && !st->w[MG_W_PEAK])
        return 0;
    if ((rc = cut_key(pk, st, keep, &key, &len, err)) < 0)
        return rc;
    if (!key) /* no frames at all */
        return 0;
    if ((rc = mg_strmap_upsert(&pk->ix, key, len, pk->n, &at, &created, err)) < 0) {
        free(key);
        return rc;
    }
    if (created) {
        if (pk->n == pk->cap) {
            size_t nc = pk->cap ? pk->cap * 2 : 64;
            struct cut *g = realloc(pk->cuts, nc * sizeof(*g));
            if (!g) {
                free(key);
                return nomem(err);
            }
            pk->cuts = g;
            pk->cap = nc;
        }
        memset(&pk->cuts[pk->n], 0, sizeof(pk->cuts[0]));
        pk->cuts[pk->n].key = key;
        pk->cuts[pk->n].key_len = len;
        pk->n++;
    } else {
        free(key);
    }
    for (w = 0; w < MG_W_COUNT_; w++)
        pk->cuts[at].w[w] =
            pk->cuts[at].w[w] > UINT64_MAX - st->w[w] ? UINT64_MAX : pk->cuts[at].w[w] + st->w[w];
    return 0;
}

static int heavier_by(const struct cut *x, const struct cut *y, enum mg_weight w)
{
    if (x->w[w] != y->w[w])
        return x->w[w] > y->w[w] ? -1 : 1;
    return strcmp(x->key, y->key);
}

static int heavier_total(const void *a, const void *b)
{
    return heavier_by(*(const struct cut *const *)a, *(const struct cut *const *)b, MG_W_TOTAL);
}

static int heavier_peak(const void *a, const void *b)
{
    return heavier_by(*(const struct cut *const *)a, *(const struct cut *const *)b, MG_W_PEAK);
}

static int heavier_count(const void *a, const void *b)
{
    return heavier_by(*(const struct cut *const *)a, *(const struct cut *const *)b, MG_W_COUNT);
}

/* Keep the heaviest by weight w until they hold 99% of whole; returns how many are kept. */
static size_t cover(struct cut **order, size_t n, enum mg_weight w, uint64_t whole)
{
    __extension__ typedef unsigned __int128 u128;
    u128 kept = 0;
    size_t i, newly = 0;
    if (n > 1)
        qsort(order, n, sizeof(*order),
              w == MG_W_PEAK    ? heavier_peak
              : w == MG_W_COUNT ? heavier_count
                                : heavier_total);
    for (i = 0; i < n && kept * 100 < (u128)whole * 99; i++) {
        kept += order[i]->w[w];
        newly += !order[i]->keep;
        order[i]->keep = true;
    }
    return newly;
}

static int to_stored(const struct cut *c, mg_stored_stack *out)
{
    size_t n = 1, i, k = 0;
    const char *p = c->key, *end;
    for (i = 0; i < c->key_len; i++)
        n += c->key[i] == '\x1f';
    if (!(out->frames = calloc(n, sizeof(*out->frames))))
        return -1;
    for (k = 0; k < n; k++) {
        end = memchr(p, '\x1f', (size_t)(c->key + c->key_len - p));
        if (!end)
            end = c->key + c->key_len;
        if (!(out->frames[k] = strndup(p, (size_t)(end - p))))
            return -1;
        out->n_frames = k + 1;
        p = end + 1;
    }
    out->total_bytes = c->w[MG_W_TOTAL];
    out->total_blocks = c->w[MG_W_COUNT];
    out->peak_bytes = c->w[MG_W_PEAK];
    return 0;
}

static int choose(struct picker *pk, size_t cap, mg_stored_stacks *out, mg_error *err)
{
    uint64_t whole[MG_W_COUNT_], kept[MG_W_COUNT_] = {0};
    struct cut **order = malloc((pk->n ? pk->n : 1) * sizeof(*order));
    size_t i, n_keep;

    if (!order)
        return nomem(err);
    mg_stacks_totals(pk->s, whole);
    for (i = 0; i < pk->n; i++)
        order[i] = &pk->cuts[i];
    /* allocation count too: many small blocks can be a count regression and few bytes */
    n_keep = cover(order, pk->n, MG_W_COUNT, whole[MG_W_COUNT]);
    n_keep += cover(order, pk->n, MG_W_TOTAL, whole[MG_W_TOTAL]);
    n_keep += cover(order, pk->n, MG_W_PEAK, whole[MG_W_PEAK]);
    if (n_keep > cap) {
        /* too many for a reviewable file: the heaviest by total win, then by peak */
        for (i = 0; i < pk->n; i++)
            pk->cuts[i].keep = false;
        n_keep = 0;
        for (i = 0; i < pk->n && n_keep < cap / 2; i++, n_keep++)
            order[i]->keep = true; /* still sorted by peak from the last cover() */
        qsort(order, pk->n, sizeof(*order), heavier_total);
        for (i = 0; i < pk->n && n_keep < cap; i++)
            if (!order[i]->keep) {
                order[i]->keep = true;
                n_keep++;
            }
    }
    free(order);
    if (n_keep && !(out->items = calloc(n_keep, sizeof(*out->items))))
        return nomem(err);
    for (i = 0; i < pk->n; i++) {
        unsigned w;
        if (!pk->cuts[i].keep)
            continue;
        if (to_stored(&pk->cuts[i], &out->items[out->n++]) < 0)
            return nomem(err);
        for (w = 0; w < MG_W_COUNT_; w++)
            kept[w] += pk->cuts[i].w[w];
    }
    out->other_total_bytes =
        whole[MG_W_TOTAL] > kept[MG_W_TOTAL] ? whole[MG_W_TOTAL] - kept[MG_W_TOTAL] : 0;
    out->other_peak_bytes =
        whole[MG_W_PEAK] > kept[MG_W_PEAK] ? whole[MG_W_PEAK] - kept[MG_W_PEAK] : 0;
    out->other_total_blocks =
        whole[MG_W_COUNT] > kept[MG_W_COUNT] ? whole[MG_W_COUNT] - kept[MG_W_COUNT] : 0;
    return 0;
}

static void release(struct picker *pk)
{
    size_t i;
    for (i = 0; i < 4; i++)
        mg_attributor_free(pk->rule[i]);
    for (i = 0; i < pk->n; i++)
        free(pk->cuts[i].key);
    free(pk->cuts);
    mg_strmap_release(&pk->ix);
}

int mg_baseline_pick_stacks(const mg_profile *p, const mg_attr_options *o, size_t cap,
                            mg_stored_stacks *out, mg_error *err)
{
    static const enum mg_attribution rules[4] = {MG_ATTR_OWN, MG_ATTR_SKIP_STD, MG_ATTR_ALLOC_SITE,
                                                 MG_ATTR_FIRST_FRAME};
    struct picker pk;
    bool *keep = NULL;
    size_t i, deepest = 1;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    memset(&pk, 0, sizeof(pk));
    if (!(pk.s = mg_profile_stacks(p)))
        return 0;
    mg_strmap_init(&pk.ix);
    for (i = 0; rc == 0 && i < 4; i++) {
        mg_attr_options ro = *o;
        ro.mode = rules[i];
        rc = mg_attributor_new(&pk.rule[i], pk.s, &ro, err);
    }
    for (i = 0; i < mg_stacks_count(pk.s); i++) {
        mg_stack st;
        mg_stacks_get(pk.s, i, &st);
        deepest = st.depth > deepest ? st.depth : deepest;
    }
    if (rc == 0 && !(keep = malloc(deepest * sizeof(*keep))))
        rc = nomem(err);
    for (i = 0; rc == 0 && i < mg_stacks_count(pk.s); i++) {
        mg_stack st;
        mg_stacks_get(pk.s, i, &st);
        rc = add_cut(&pk, &st, keep, err);
    }
    free(keep);
    out->present = true;
    if (rc == 0 && !(out->attribution = strdup(mg_attribution_name(o->mode))))
        rc = nomem(err);
    if (rc == 0)
        rc = choose(&pk, cap, out, err);
    release(&pk);
    if (rc < 0)
        mg_stored_stacks_release(out);
    return rc;
}
