/* The stack store: unique call stacks with their weights, bounded in memory (memgate/stacks.h). */
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "ingest/stacks_int.h"
#include "memgate/buf.h"

#define EMPTY UINT32_MAX

const char *mg_weight_name(enum mg_weight w)
{
    static const char *const names[] = {"total", "peak", "count", "end"};
    return (unsigned)w < MG_W_COUNT_ ? names[w] : "?";
}

int mg_stacks_new(mg_stacks **out, mg_error *err)
{
    mg_stacks *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (!s)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    mg_strmap_init(&s->hasher);
    *out = s;
    return 0;
}

void mg_stacks_free(mg_stacks *s)
{
    if (!s)
        return;
    free(s->text);
    free(s->frame_off);
    free(s->refs);
    free(s->recs);
    free(s->slots);
    mg_strmap_release(&s->hasher);
    free(s);
}

void mg_stacks_adopt_frames(mg_stacks *s, char *text, size_t text_len, size_t *frame_off,
                            size_t n_frames)
{
    free(s->text);
    free(s->frame_off);
    s->text = text;
    s->text_len = s->text_cap = text_len;
    s->frame_off = frame_off;
    s->n_frames = s->frames_cap = n_frames;
}

void mg_stacks_clean_name(char *t, size_t len)
{
    size_t k;
    for (k = 0; k < len; k++) {
        char *z = memchr(t + k, '\0', len - k); /* an embedded NUL would end the name early */
        if (!z)
            break;
        *z = '?';
        k = (size_t)(z - t);
    }
}

int mg_stacks_add_frame(mg_stacks *s, const char *text, size_t len, mg_error *err)
{
    char *t;
    if (s->n_frames >= UINT32_MAX - 1)
        return mg_error_set(err, MG_E_INPUT, "more than 2^32 frames");
    if (mg_grow_array((void **)&s->frame_off, &s->frames_cap, s->n_frames + 1, sizeof(size_t), 64,
                      err) < 0 ||
        mg_grow_array((void **)&s->text, &s->text_cap, s->text_len + len + 1, 1, 1024, err) < 0)
        return -err->code;
    t = s->text + s->text_len;
    memcpy(t, text, len);
    mg_stacks_clean_name(t, len);
    t[len] = '\0';
    s->frame_off[s->n_frames++] = s->text_len;
    s->text_len += len + 1;
    return 0;
}

void mg_stacks_set_has_end(mg_stacks *s, bool has_end)
{
    s->has_end = has_end;
}

static int rehash(mg_stacks *s, size_t cap, mg_error *err)
{
    uint32_t *n = malloc(cap * sizeof(*n));
    size_t i, j;
    if (!n)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < cap; i++)
        n[i] = EMPTY;
    for (i = 0; i < s->n; i++) {
        for (j = s->recs[i].hash & (cap - 1); n[j] != EMPTY; j = (j + 1) & (cap - 1))
            ;
        n[j] = (uint32_t)i;
    }
    free(s->slots);
    s->slots = n;
    s->slots_cap = cap;
    return 0;
}

/* How much a stack matters: the larger of its shares of total and peak bytes so far. */
static double score(const mg_stacks *s, const struct stack_rec *r)
{
    double a = s->totals[MG_W_TOTAL] ? (double)r->w[MG_W_TOTAL] / (double)s->totals[MG_W_TOTAL] : 0;
    double b = s->totals[MG_W_PEAK] ? (double)r->w[MG_W_PEAK] / (double)s->totals[MG_W_PEAK] : 0;
    return a > b ? a : b;
}

/* The k-th smallest of v[0..n) (v is reordered): Hoare's selection, O(n) on average. */
static double select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2], t;
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                t = v[i], v[i] = v[j], v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

/*
 * The store is full: drop the lighter half into `dropped` and compact. Kept
 * stacks keep their order (the file's), so output stays deterministic.
 */
static int evict(mg_stacks *s, mg_error *err)
{
    double *sc = malloc(2 * s->n * sizeof(*sc)), cut;
    size_t i, k = 0, off = 0, ties = 0, above = 0;
    if (!sc)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < s->n; i++)
        sc[i] = sc[s->n + i] = score(s, &s->recs[i]);
    cut = select_kth(sc + s->n, s->n, s->n / 2);
    for (i = 0; i < s->n; i++)
        above += sc[i] > cut;
    for (i = 0; i < s->n; i++) {
        struct stack_rec r = s->recs[i];
        size_t w;
        /* keep what scores above the median, and ties up to half the store */
        if (sc[i] < cut || (sc[i] == cut && above + ties >= s->n / 2)) {
            for (w = 0; w < MG_W_COUNT_; w++)
                s->dropped[w] += r.w[w]; /* cannot overflow: totals hold these too */
            s->n_dropped++;
            continue;
        }
        ties += sc[i] == cut;
        if (r.depth) /* frameless stacks may exist while refs is still NULL */
            memmove(s->refs + off, s->refs + r.off, r.depth * sizeof(*s->refs));
        r.off = off;
        off += r.depth;
        s->recs[k++] = r;
    }
    free(sc);
    s->n = k;
    s->n_refs = off;
    return s->unique ? 0 : rehash(s, s->slots_cap, err);
}

uint64_t mg_stacks_hash(const mg_stacks *s, const uint32_t *frames, size_t depth)
{
    static const uint32_t none[1];
    if (s->unique)
        return 0;
    return mg_strmap_hash(&s->hasher, depth ? frames : none, depth * sizeof(*frames));
}

void mg_stacks_assume_unique(mg_stacks *s)
{
    s->unique = true;
}

/*
 * A stack known to be new (its format records each stack once: dhat's
 * program points): no hashing, no lookup.
 */
static int append(mg_stacks *s, const uint32_t *frames, size_t depth, const uint64_t w[MG_W_COUNT_],
                  mg_error *err)
{
    size_t i;
    struct stack_rec *r;
    for (i = 0; i < MG_W_COUNT_; i++)
        if (__builtin_add_overflow(s->totals[i], w[i], &s->totals[i]))
            return mg_error_set(err, MG_E_OVERFLOW, "stack weights overflow 64 bits");
    if (depth > MG_STACKS_MAX_FRAMES_KEPT / 2) {
        for (i = 0; i < MG_W_COUNT_; i++)
            s->dropped[i] += w[i];
        s->n_dropped++;
        return 0;
    }
    if ((s->n >= MG_STACKS_MAX_KEPT || s->n_refs + depth > MG_STACKS_MAX_FRAMES_KEPT) &&
        evict(s, err) < 0)
        return -err->code;
    if (mg_grow_array((void **)&s->recs, &s->recs_cap, s->n + 1, sizeof(*s->recs), 64, err) < 0 ||
        mg_grow_array((void **)&s->refs, &s->refs_cap, s->n_refs + depth, sizeof(*s->refs), 1024,
                      err) < 0)
        return -err->code;
    r = &s->recs[s->n++];
    memcpy(r->w, w, sizeof(r->w));
    r->hash = 0;
    r->off = s->n_refs;
    r->depth = (uint32_t)depth;
    if (depth)
        memcpy(s->refs + s->n_refs, frames, depth * sizeof(*frames));
    s->n_refs += depth;
    return 0;
}

void mg_stacks_prefetch(const mg_stacks *s, uint64_t h)
{
    if (s->slots_cap)
        __builtin_prefetch(&s->slots[h & (s->slots_cap - 1)]);
}

int mg_stacks_add_unchecked(mg_stacks *s, const uint32_t *frames, size_t depth,
                            const uint64_t w[MG_W_COUNT_], mg_error *err)
{
    return mg_stacks_add_hashed(s, frames, depth, mg_stacks_hash(s, frames, depth), w, err);
}

int mg_stacks_add_hashed(mg_stacks *s, const uint32_t *frames, size_t depth, uint64_t h,
                         const uint64_t w[MG_W_COUNT_], mg_error *err)
{
    size_t j = 0, i;
    struct stack_rec *r;

    if (s->unique)
        return append(s, frames, depth, w, err);

    for (i = 0; i < MG_W_COUNT_; i++)
        if (__builtin_add_overflow(s->totals[i], w[i], &s->totals[i]))
            return mg_error_set(err, MG_E_OVERFLOW, "stack weights overflow 64 bits");
    if (depth > UINT32_MAX)
        return mg_error_set(err, MG_E_INPUT, "a stack of more than 2^32 frames");
    if ((s->n + 1) * 2 > s->slots_cap && rehash(s, s->slots_cap ? s->slots_cap * 2 : 1024, err) < 0)
        return -err->code;
    for (j = h & (s->slots_cap - 1); s->slots[j] != EMPTY; j = (j + 1) & (s->slots_cap - 1)) {
        r = &s->recs[s->slots[j]];
        if (r->hash == h && r->depth == depth &&
            (!depth || !memcmp(s->refs + r->off, frames, depth * sizeof(*frames)))) {
            for (i = 0; i < MG_W_COUNT_; i++)
                r->w[i] += w[i]; /* bounded by totals, checked above */
            return 0;
        }
    }
    if (s->n >= MG_STACKS_MAX_KEPT || s->n_refs + depth > MG_STACKS_MAX_FRAMES_KEPT) {
        if (depth > MG_STACKS_MAX_FRAMES_KEPT / 2) {
            for (i = 0; i < MG_W_COUNT_; i++)
                s->dropped[i] += w[i];
            s->n_dropped++;
            return 0;
        }
        if (evict(s, err) < 0)
            return -err->code;
        /* the slots were rebuilt: find a free one again */
        for (j = h & (s->slots_cap - 1); s->slots[j] != EMPTY; j = (j + 1) & (s->slots_cap - 1))
            ;
    }
    if (mg_grow_array((void **)&s->recs, &s->recs_cap, s->n + 1, sizeof(*s->recs), 64, err) < 0 ||
        mg_grow_array((void **)&s->refs, &s->refs_cap, s->n_refs + depth, sizeof(*s->refs), 1024,
                      err) < 0)
        return -err->code;
    r = &s->recs[s->n];
    memcpy(r->w, w, sizeof(r->w));
    r->hash = h;
    r->off = s->n_refs;
    r->depth = (uint32_t)depth;
    if (depth)
        memcpy(s->refs + s->n_refs, frames, depth * sizeof(*frames));
    s->n_refs += depth;
    s->slots[j] = (uint32_t)s->n++;
    return 0;
}

int mg_stacks_add(mg_stacks *s, const uint32_t *frames, size_t depth, const uint64_t w[MG_W_COUNT_],
                  mg_error *err)
{
    size_t i;
    for (i = 0; i < depth; i++)
        if (frames[i] >= s->n_frames)
            return mg_error_set(err, MG_E_INPUT, "stack frame %u: the frame table has %zu entries",
                                (unsigned)frames[i], s->n_frames);
    return mg_stacks_add_unchecked(s, frames, depth, w, err);
}

const mg_stacks *mg_profile_stacks(const mg_profile *p)
{
    return p ? p->stacks : NULL;
}

size_t mg_stacks_count(const mg_stacks *s)
{
    return s ? s->n : 0;
}

size_t mg_stacks_frame_count(const mg_stacks *s)
{
    return s ? s->n_frames : 0;
}

void mg_stacks_get(const mg_stacks *s, size_t i, mg_stack *out)
{
    const struct stack_rec *r = &s->recs[i];
    /* a stack of no frames may come before any frame reference exists (refs still NULL) */
    out->frames = s->refs ? s->refs + r->off : NULL;
    out->depth = r->depth;
    memcpy(out->w, r->w, sizeof(out->w));
}

bool mg_stacks_has_end(const mg_stacks *s)
{
    return s && s->has_end;
}

void mg_stacks_totals(const mg_stacks *s, uint64_t w[MG_W_COUNT_])
{
    memcpy(w, s->totals, sizeof(s->totals));
}

uint64_t mg_stacks_dropped(const mg_stacks *s, uint64_t w[MG_W_COUNT_])
{
    memcpy(w, s->dropped, sizeof(s->dropped));
    return s->n_dropped;
}
