/*
 * Hotspot attribution: each program point goes to its first frame that the
 * frame rules (frames.c) do not skip; points are grouped by function or stack
 * and ranked.
 */
#include "ingest/hotspot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "memgate/buf.h"
#include "memgate/num.h"
#include "utf8.h"

/* a frame's clone and test-file flags, kept in the attributor's per-frame bits */
enum { MG_FB_CLONE = MG_AB_CLONE, MG_FB_TEST = MG_AB_TEST };

/* ---- aggregation ---- */

/* What each program point adds to (the row of a function id is that id): kept small, for the
 * per-point random access into a table of ~10^5 rows */
struct agg_row {
    uint64_t v[MG_RANK_COUNT]; /* tb, gb, tbk */
    uint64_t eb, pps, clone_tb, test_tb, best_tb;
    uint32_t best_frame; /* UINT32_MAX: none */
};

/* --group-by stack: a row's key, the canonical ids at agg->seq + off */
struct row_seq {
    size_t off;
    uint32_t len;
};

struct stack_slot {
    uint64_t hash;
    uint32_t row; /* UINT32_MAX: empty */
};

#define NO_FRAME UINT32_MAX

/* Arrays here start at 64 entries. */
static int grow(void **arr, size_t *cap, size_t need, size_t elem, mg_error *err)
{
    return mg_grow_array(arr, cap, need, elem, 64, err);
}

void mg_hotspot_agg_init(mg_hotspot_agg *agg, const mg_load_options *opts)
{
    memset(agg, 0, sizeof(*agg));
    agg->opts = opts;
    mg_strmap_init(&agg->canon_index);
}

void mg_hotspot_agg_release(mg_hotspot_agg *agg)
{
    if (!agg)
        return;
    mg_hotspot_worker_free(agg->worker); /* first: the thread works on what follows */
    mg_stacks_free(agg->st);
    mg_attributor_free(agg->attr);
    for (int rk = 0; rk < MG_RANK_COUNT; rk++)
        free(agg->ranked_rows[rk]);
    free(agg->frame_tfn);
    free(agg->frame_fn);
    free(agg->frame_canon);
    free(agg->fn_off);
    free(agg->fn_len);
    free(agg->fn_slots);
    free(agg->canon_frame);
    free(agg->rows);
    free(agg->row_seq);
    free(agg->slots);
    free(agg->seq);
    free(agg->scratch);
    free(agg->batch.pp);
    free(agg->batch.fs);
    mg_strmap_release(&agg->canon_index);
    memset(agg, 0, sizeof(*agg));
}

static const char *frame_text(const mg_hotspot_agg *agg, size_t i)
{
    return agg->st->text + agg->st->frame_off[i];
}

/*
 * Names and stacks come from the file: hashed with the canonical-text map's
 * random key (SipHash), so a crafted frame table cannot chain them into one
 * probe sequence (docs/reliability.md, finding 5).
 */
static uint64_t hash_name(const mg_hotspot_agg *agg, const char *s, size_t n)
{
    return mg_strmap_hash(&agg->canon_index, s, n);
}

/* A slot holds a function's hash (high 32 bits) and id (low 32 bits): a probe compares hashes
 * without a second random access; FN_EMPTY marks a free slot. */
#define FN_EMPTY UINT64_MAX

static int fn_rehash(mg_hotspot_agg *agg, mg_error *err)
{
    size_t cap = agg->fn_slots_cap ? agg->fn_slots_cap * 2 : 1024, i, j;
    uint64_t *n = malloc(cap * sizeof(*n));
    if (!n)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < cap; i++)
        n[i] = FN_EMPTY;
    for (i = 0; i < agg->fn_slots_cap; i++) {
        uint64_t v = agg->fn_slots[i];
        if (v == FN_EMPTY)
            continue;
        for (j = (v >> 32) & (cap - 1); n[j] != FN_EMPTY; j = (j + 1) & (cap - 1))
            ;
        n[j] = v;
    }
    free(agg->fn_slots);
    agg->fn_slots = n;
    agg->fn_slots_cap = cap;
    return 0;
}

/*
 * Intern a function name (name lies in the text arena at name_off); its id is
 * also its row in function mode.
 */
static int intern_fn(mg_hotspot_agg *agg, size_t name_off, size_t len, uint32_t *id, mg_error *err)
{
    const char *name = agg->st->text + name_off;
    /* 32 bits of the hash are kept per function (4 bytes less each); the names decide */
    uint32_t h = (uint32_t)hash_name(agg, name, len);
    size_t j, k, c1;

    /* up to 3/4 full: probes stay within a cache line or two of 8-byte slots */
    if ((agg->n_fns + 1) * 4 > agg->fn_slots_cap * 3 && fn_rehash(agg, err) < 0)
        return -err->code;
    for (j = h & (agg->fn_slots_cap - 1); agg->fn_slots[j] != FN_EMPTY;
         j = (j + 1) & (agg->fn_slots_cap - 1)) {
        uint64_t v = agg->fn_slots[j];
        k = (uint32_t)v;
        if ((uint32_t)(v >> 32) == h && agg->fn_len[k] == len &&
            !memcmp(agg->st->text + agg->fn_off[k], name, len)) {
            *id = (uint32_t)k;
            return 0;
        }
    }
    if (agg->n_fns >= UINT32_MAX - 1)
        return mg_error_set(err, MG_E_INPUT, "more than 2^32 functions");
    c1 = agg->fns_cap;
    if (grow((void **)&agg->fn_off, &c1, agg->n_fns + 1, sizeof(size_t), err) < 0 ||
        grow((void **)&agg->fn_len, &agg->fns_cap, agg->n_fns + 1, sizeof(uint32_t), err) < 0)
        return -err->code;
    k = agg->n_fns++;
    agg->fn_off[k] = name_off;
    agg->fn_len[k] = (uint32_t)len;
    agg->fn_slots[j] = ((uint64_t)h << 32) | (uint32_t)k;
    *id = (uint32_t)k;
    return 0;
}

/* The clone and test-file flags; attribution classes live in the attributor. */
static uint16_t classify(const mg_hotspot_agg *agg, const char *name, size_t name_len,
                         const char *loc, size_t loc_len)
{
    uint16_t b = 0;
    (void)agg;
    if (mg_frame_is_clone(name, name_len, loc, loc_len))
        b |= MG_FB_CLONE;
    if (mg_frame_in_test_file(loc, loc_len))
        b |= MG_FB_TEST;
    return b;
}

static int add_canon(mg_hotspot_agg *agg, size_t frame, const char *text, size_t len, mg_error *err)
{
    const char *name, *loc;
    size_t name_len, loc_len, v;
    int inserted;
    /* the address-less text: "name (location)" */
    mg_frame_split(text, len, &name, &name_len, &loc, &loc_len);
    if (mg_strmap_upsert(&agg->canon_index, name, (size_t)(text + len - name), agg->n_canon, &v,
                         &inserted, err) < 0)
        return -err->code;
    if (inserted) {
        if (grow((void **)&agg->canon_frame, &agg->canon_cap, agg->n_canon + 1, sizeof(size_t),
                 err) < 0)
            return -err->code;
        agg->canon_frame[agg->n_canon++] = frame;
    }
    agg->frame_canon[frame] = (uint32_t)v;
    return 0;
}

static int ensure_store(mg_hotspot_agg *agg, mg_error *err);

/*
 * With a worker, the frames the caller adds before its first program point are classified here,
 * in the caller's thread, and only stored and interned in the worker's: the two halves of the
 * frame table's work run side by side (the parser has nothing else to do until the table is
 * in). The attributor is the caller's until its first program point is handed over; from then
 * on the worker classifies, as it does without this.
 */
static int classify_here(mg_hotspot_agg *agg, const char *text, size_t len, mg_error *err)
{
    const char *name, *loc, *t = text;
    size_t name_len, loc_len;
    char *copy = NULL;
    int rc;

    if (ensure_store(agg, err) < 0)
        return -err->code;
    if (len && memchr(text, '\0', len)) {
        /* classified as the store will keep it (mg_stacks_add_frame) */
        if (!(copy = malloc(len)))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        memcpy(copy, text, len);
        mg_stacks_clean_name(copy, len);
        t = copy;
    }
    mg_frame_split(t, len, &name, &name_len, &loc, &loc_len);
    rc =
        mg_attributor_add_text(agg->attr, t, len, classify(agg, name, name_len, loc, loc_len), err);
    free(copy);
    return rc;
}

int mg_hotspot_agg_add_frame(mg_hotspot_agg *agg, const char *text, size_t len, mg_error *err)
{
    bool here;
    if (agg->n_added >= UINT32_MAX - 1)
        return mg_error_set(err, MG_E_INPUT, "more than 2^32 frames");
    agg->n_added++;
    if (!agg->worker)
        return mg_hotspot_agg_frame_now(agg, text, len, false, err);
    here = !agg->pp_added;
    if (here && classify_here(agg, text, len, err) < 0)
        return -err->code;
    return mg_hotspot_worker_add_frame(agg->worker, text, len, here, err);
}

static int ensure_store(mg_hotspot_agg *agg, mg_error *err)
{
    mg_attr_options o;
    if (agg->st)
        return 0;
    memset(&o, 0, sizeof(o));
    if (agg->opts) {
        o.mode = agg->opts->attribution;
        o.own_crates = agg->opts->own_crates;
        o.n_own_crates = agg->opts->n_own_crates;
        o.skip_frames = agg->opts->skip_frames;
        o.n_skip_frames = agg->opts->n_skip_frames;
    }
    if (mg_stacks_new(&agg->st, err) < 0 || mg_attributor_new(&agg->attr, NULL, &o, err) < 0)
        return -err->code;
    if (agg->unique_stacks)
        mg_stacks_assume_unique(agg->st);
    return 0;
}

/* Append a name that is no frame (a label) to the text arena; its offset in *off. */
static int add_name(mg_hotspot_agg *agg, const char *name, size_t len, size_t *off, mg_error *err)
{
    mg_stacks *st = agg->st;
    if (mg_grow_array((void **)&st->text, &st->text_cap, st->text_len + len + 1, 1, 1024, err) < 0)
        return -err->code;
    *off = st->text_len;
    memcpy(st->text + *off, name, len);
    st->text[*off + len] = '\0';
    st->text_len += len + 1;
    return 0;
}

int mg_hotspot_agg_frame_now(mg_hotspot_agg *agg, const char *text, size_t len, bool classified,
                             mg_error *err)
{
    size_t i = agg->n_frames, cap = agg->frames_cap;
    const char *name, *loc, *t;
    size_t name_len, loc_len, name_off;

    if (ensure_store(agg, err) < 0)
        return -err->code;
    if (i >= UINT32_MAX - 1)
        return mg_error_set(err, MG_E_INPUT, "more than 2^32 frames");
    if (i == cap) {
        size_t ncap = cap ? cap * 2 : 256, c4 = cap;
        bool by_stack = agg->opts && agg->opts->group_by == MG_GROUP_STACK;
        /* canonical ids only for --group-by stack: 4 bytes a frame less otherwise */
        if (grow((void **)&agg->frame_fn, &cap, ncap, sizeof(uint32_t), err) < 0 ||
            (by_stack && grow((void **)&agg->frame_canon, &c4, ncap, sizeof(uint32_t), err) < 0))
            return -err->code;
        agg->frames_cap = cap;
    }
    if (mg_stacks_add_frame(agg->st, text, len, err) < 0)
        return -err->code;
    t = agg->st->text + agg->st->frame_off[i];
    mg_frame_split(t, len, &name, &name_len, &loc, &loc_len);
    if (!classified &&
        mg_attributor_add(agg->attr, agg->st, classify(agg, name, name_len, loc, loc_len), err) < 0)
        return -err->code;
    agg->frame_fn[i] = NO_FRAME;
    agg->n_frames++;
    if (agg->opts && agg->opts->group_by == MG_GROUP_STACK)
        return add_canon(agg, i, t, len, err);
    name_off = (size_t)(name - agg->st->text);
    if (name_len == 3 && !memcmp(name, "???", 3) && loc_len > 3 && !memcmp(loc, "in ", 3) &&
        (!agg->opts || agg->opts->attribution == MG_ATTR_OWN)) {
        /* stripped code: "??? in /usr/bin/sort", so objects are never merged into one row */
        char label[1024];
        int n = snprintf(label, sizeof(label), "??? %.*s", (int)loc_len, loc);
        name_len = n < 0 ? 0 : (size_t)n < sizeof(label) ? (size_t)n : sizeof(label) - 1;
        if (add_name(agg, label, name_len, &name_off, err) < 0)
            return -err->code;
    }
    /* interned now, while the name is in cache: looked up on first use by a program point, it
       cost a cache miss or three per frame (a quarter of the run on a 200,000-frame table) */
    return intern_fn(agg, name_off, name_len, &agg->frame_fn[i], err);
}

static int ensure_row(mg_hotspot_agg *agg, size_t row, mg_error *err)
{
    size_t old = agg->n_rows;
    if (row < agg->n_rows)
        return 0;
    if (row < agg->n_fns && agg->n_fns > agg->rows_cap &&
        (!agg->opts || agg->opts->group_by != MG_GROUP_STACK)) {
        /* function ids are rows and every function is interned by now: room for exactly
           that many rows (doubling would leave up to half of the biggest array unused) */
        struct agg_row *r = realloc(agg->rows, agg->n_fns * sizeof(*r));
        if (!r)
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        agg->rows = r;
        agg->rows_cap = agg->n_fns;
    }
    if (grow((void **)&agg->rows, &agg->rows_cap, row + 1, sizeof(*agg->rows), err) < 0)
        return -err->code;
    memset(agg->rows + old, 0, (row + 1 - old) * sizeof(*agg->rows));
    for (size_t i = old; i <= row; i++)
        agg->rows[i].best_frame = NO_FRAME;
    agg->n_rows = row + 1;
    return 0;
}

/* Row of a function id: the same number (ids exist only for attributed functions). */
static int fn_row(mg_hotspot_agg *agg, uint32_t id, size_t *row, mg_error *err)
{
    *row = id;
    return ensure_row(agg, id, err);
}

/* Special rows "[root]" (empty stack) and "[all-frames-allocator]". */
static int special_fn(mg_hotspot_agg *agg, bool root, uint32_t *id, mg_error *err)
{
    bool *has = root ? &agg->has_root : &agg->has_alloc;
    uint32_t *slot = root ? &agg->root_fn : &agg->alloc_fn;
    const char *name = root ? "[root]" : "[all-frames-allocator]";
    if (!*has) {
        size_t len = strlen(name), off = agg->st->text_len;
        /* the name goes into the text arena like frame names, but is no frame */
        if (grow((void **)&agg->st->text, &agg->st->text_cap, agg->st->text_len + len + 1, 1, err) <
            0)
            return -err->code;
        memcpy(agg->st->text + off, name, len + 1);
        agg->st->text_len += len + 1;
        if (intern_fn(agg, off, len, slot, err) < 0)
            return -err->code;
        *has = true;
    }
    *id = *slot;
    return 0;
}

/* A stack of canonical frame ids, with the same key as names (the ids follow the file). */
static uint64_t hash_seq(const mg_hotspot_agg *agg, const uint32_t *s, size_t n)
{
    return mg_strmap_hash(&agg->canon_index, s, n * sizeof(*s));
}

static int stack_grow(mg_hotspot_agg *agg, mg_error *err)
{
    size_t cap = agg->slots_cap ? agg->slots_cap * 2 : 1024, i;
    struct stack_slot *n = malloc(cap * sizeof(*n)), *old = agg->slots;
    if (!n)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < cap; i++)
        n[i].row = UINT32_MAX;
    for (i = 0; i < agg->slots_cap; i++) {
        size_t j;
        if (old[i].row == UINT32_MAX)
            continue;
        for (j = old[i].hash & (cap - 1); n[j].row != UINT32_MAX; j = (j + 1) & (cap - 1))
            ;
        n[j] = old[i];
    }
    free(old);
    agg->slots = n;
    agg->slots_cap = cap;
    return 0;
}

/* Row of a stack key (canonical ids), created on first sight. */
static int stack_row(mg_hotspot_agg *agg, const uint32_t *key, size_t n, size_t *row, mg_error *err)
{
    uint64_t h = hash_seq(agg, key, n);
    size_t j;
    if ((agg->n_stacks + 1) * 4 > agg->slots_cap * 3 && stack_grow(agg, err) < 0)
        return -err->code;
    for (j = h & (agg->slots_cap - 1); agg->slots[j].row != UINT32_MAX;
         j = (j + 1) & (agg->slots_cap - 1)) {
        const struct row_seq *r = &agg->row_seq[agg->slots[j].row];
        if (agg->slots[j].hash == h && r->len == n &&
            !memcmp(agg->seq + r->off, key, n * sizeof(*key))) {
            *row = agg->slots[j].row;
            return 0;
        }
    }
    if (agg->n_rows >= UINT32_MAX - 1 ||
        grow((void **)&agg->seq, &agg->seq_cap, agg->seq_len + n + 1, sizeof(uint32_t), err) < 0 ||
        grow((void **)&agg->row_seq, &agg->row_seq_cap, agg->n_rows + 1, sizeof(*agg->row_seq),
             err) < 0 ||
        ensure_row(agg, agg->n_rows, err) < 0)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    *row = agg->n_rows - 1;
    memcpy(agg->seq + agg->seq_len, key, n * sizeof(*key));
    agg->row_seq[*row].off = agg->seq_len;
    agg->row_seq[*row].len = (uint32_t)n;
    agg->seq_len += n;
    agg->slots[j].hash = h;
    agg->slots[j].row = (uint32_t)*row;
    agg->n_stacks++;
    return 0;
}

/* Function id of a frame, interning its name on first use. */
static int frame_fn_id(mg_hotspot_agg *agg, size_t frame, uint32_t *id, mg_error *err)
{
    if (agg->frame_fn[frame] == NO_FRAME) {
        const char *t = frame_text(agg, frame), *name, *loc;
        size_t name_len, loc_len;
        mg_frame_split(t, strlen(t), &name, &name_len, &loc, &loc_len);
        if (intern_fn(agg, (size_t)(name - agg->st->text), name_len, &agg->frame_fn[frame], err) <
            0)
            return -err->code;
    }
    *id = agg->frame_fn[frame];
    return 0;
}

/* Function id of "NAME [truncated]" for a stack cut before any own frame. */
static int truncated_fn_id(mg_hotspot_agg *agg, size_t frame, uint32_t *id, mg_error *err)
{
    uint32_t base;
    size_t i, off = 0, len;
    const char *name;
    char label[1100];
    int n;
    if (!agg->frame_tfn) {
        if (!(agg->frame_tfn = malloc(agg->frames_cap * sizeof(uint32_t))))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        for (i = 0; i < agg->frames_cap; i++)
            agg->frame_tfn[i] = NO_FRAME;
        agg->tfn_cap = agg->frames_cap;
    }
    if (agg->tfn_cap < agg->frames_cap) {
        uint32_t *t = realloc(agg->frame_tfn, agg->frames_cap * sizeof(uint32_t));
        if (!t)
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        for (i = agg->tfn_cap; i < agg->frames_cap; i++)
            t[i] = NO_FRAME;
        agg->frame_tfn = t;
        agg->tfn_cap = agg->frames_cap;
    }
    if (agg->frame_tfn[frame] == NO_FRAME) {
        if (frame_fn_id(agg, frame, &base, err) < 0)
            return -err->code;
        name = agg->st->text + agg->fn_off[base];
        n = snprintf(label, sizeof(label), "%.*s [truncated]", (int)agg->fn_len[base], name);
        len = n < 0 ? 0 : (size_t)n < sizeof(label) ? (size_t)n : sizeof(label) - 1;
        if (add_name(agg, label, len, &off, err) < 0 ||
            intern_fn(agg, off, len, &agg->frame_tfn[frame], err) < 0)
            return -err->code;
    }
    *id = agg->frame_tfn[frame];
    return 0;
}

static int row_of(mg_hotspot_agg *agg, const uint32_t *fs, size_t n, long at, uint8_t how,
                  size_t *row, mg_error *err)
{
    uint32_t id = 0;
    size_t i;
    if (!agg->opts || agg->opts->group_by != MG_GROUP_STACK) {
        if (at >= 0 && how != MG_ATTR_HOW_TRUNCATED && agg->frame_fn[fs[at]] != NO_FRAME) {
            /* the common case, inline: a frame interned when the table was read */
            *row = agg->frame_fn[fs[at]];
            return ensure_row(agg, *row, err);
        }
        if (at < 0                         ? special_fn(agg, at == -1, &id, err) < 0
            : how == MG_ATTR_HOW_TRUNCATED ? truncated_fn_id(agg, fs[at], &id, err) < 0
                                           : frame_fn_id(agg, fs[at], &id, err) < 0)
            return -err->code;
        return fn_row(agg, id, row, err);
    }
    if (at == -1)
        return stack_row(agg, NULL, 0, row, err);
    if (at == -2) {
        uint32_t marker = UINT32_MAX;
        return stack_row(agg, &marker, 1, row, err);
    }
    if (grow((void **)&agg->scratch, &agg->scratch_cap, n, sizeof(uint32_t), err) < 0)
        return -err->code;
    for (i = (size_t)at; i < n; i++)
        agg->scratch[i - (size_t)at] = agg->frame_canon[fs[i]];
    return stack_row(agg, agg->scratch, n - (size_t)at, row, err);
}

int mg_hotspot_agg_row(mg_hotspot_agg *agg, const uint32_t *fs, size_t n, const mg_attr_result *res,
                       size_t *row, mg_error *err)
{
    long at = res->frame >= 0 ? res->frame : res->how == MG_ATTR_HOW_EMPTY ? -1 : -2;
    return row_of(agg, fs, n, at, (uint8_t)res->how, row, err);
}

static inline bool add3(uint64_t *a, uint64_t x, uint64_t *b, uint64_t y, uint64_t *c, uint64_t z)
{
    /* inline: this runs once per program point */
    return !__builtin_add_overflow(*a, x, a) && !__builtin_add_overflow(*b, y, b) &&
           !__builtin_add_overflow(*c, z, c);
}

/* Add one program point's numbers to its row (bits: the OR of its frames' MG_FB_*). */
static int accumulate(mg_hotspot_agg *agg, const struct batch_pp *b, const uint32_t *fs,
                      mg_error *err)
{
    struct agg_row *r = &agg->rows[b->row];
    if (!add3(&r->v[MG_RANK_TOTAL_BYTES], b->tb, &r->v[MG_RANK_PEAK_BYTES], b->gb,
              &r->v[MG_RANK_ALLOC_COUNT], b->tbk) ||
        __builtin_add_overflow(r->eb, b->eb, &r->eb) ||
        ((b->bits & MG_FB_CLONE) && __builtin_add_overflow(r->clone_tb, b->tb, &r->clone_tb)) ||
        ((b->bits & MG_FB_TEST) && __builtin_add_overflow(r->test_tb, b->tb, &r->test_tb)))
        return mg_error_set(err, MG_E_OVERFLOW, "hotspot sums overflow 64 bits");
    r->pps++;
    if (b->at >= 0 && (r->best_frame == NO_FRAME || b->tb > r->best_tb)) {
        r->best_tb = b->tb;
        r->best_frame = fs[b->at];
    }
    return 0;
}

/*
 * Program points are handled in chunks, in three passes, so that the
 * frame-table and row lookups of one (random accesses into tables of 10^5+
 * entries) are prefetched while others are being worked on.
 */
static int flush_chunk(mg_hotspot_agg *agg, struct batch_pp *pp, size_t n, const uint32_t *bfs,
                       mg_error *err)
{
    size_t i, k;
    int rc = 0;
    uint64_t w[MG_W_COUNT_];
    mg_attr_result res;

    const uint16_t *abits = mg_attributor_bits(agg->attr);

    for (i = 0; i < n; i++) {
        for (k = 0; k < pp[i].n; k++)
            __builtin_prefetch(&abits[bfs[pp[i].fs_off + k]]);
        pp[i].hash = mg_stacks_hash(agg->st, pp[i].n ? bfs + pp[i].fs_off : NULL, pp[i].n);
        mg_stacks_prefetch(agg->st, pp[i].hash);
    }
    for (i = 0; i < n; i++) {
        struct batch_pp *b = &pp[i];
        const uint32_t *fs = b->n ? bfs + b->fs_off : NULL; /* bfs is NULL if no point has frames */
        if (!add3(&agg->whole[MG_RANK_TOTAL_BYTES], b->tb, &agg->whole[MG_RANK_PEAK_BYTES], b->gb,
                  &agg->whole[MG_RANK_ALLOC_COUNT], b->tbk))
            return mg_error_set(err, MG_E_OVERFLOW, "hotspot sums overflow 64 bits");
        b->bits = 0;
        for (k = 0; k < b->n; k++)
            b->bits |= abits[fs[k]];
        b->skip = (b->bits & MG_FB_TEST) && agg->opts && agg->opts->exclude_tests;
        if (b->skip) {
            agg->excluded++;
            continue;
        }
        mg_attribute(agg->attr, fs, b->n, &res);
        b->how = (uint8_t)res.how;
        b->at = res.frame >= 0 ? res.frame : res.how == MG_ATTR_HOW_EMPTY ? -1 : -2;
        if (b->at >= 0)
            __builtin_prefetch(&agg->frame_fn[fs[b->at]]);
    }
    /* rows in the order of the points: functions met first are interned first, as before */
    for (i = 0; i < n; i++) {
        struct batch_pp *b = &pp[i];
        size_t row = 0;
        if (b->skip)
            continue;
        if (row_of(agg, b->n ? bfs + b->fs_off : NULL, b->n, b->at, b->how, &row, err) < 0)
            return -err->code;
        b->row = row;
        __builtin_prefetch(&agg->rows[row]);
        /* the second of the two cache lines a row may straddle */
        __builtin_prefetch((const char *)&agg->rows[row] + sizeof(struct agg_row) - 1);
    }
    for (i = 0; i < n && rc == 0; i++) {
        struct batch_pp *b = &pp[i];
        w[MG_W_TOTAL] = b->tb, w[MG_W_PEAK] = b->gb, w[MG_W_COUNT] = b->tbk, w[MG_W_END] = b->eb;
        if (!b->skip)
            rc = accumulate(agg, b, b->n ? bfs + b->fs_off : NULL, err);
        /* every stack, excluded ones too: the store sums to the profile's totals */
        if (rc == 0)
            rc =
                mg_stacks_add_hashed(agg->st, b->n ? bfs + b->fs_off : NULL, b->n, b->hash, w, err);
    }
    return rc;
}

int mg_hotspot_agg_flush_batch(mg_hotspot_agg *agg, struct agg_batch *b, mg_error *err)
{
    size_t i;
    int rc = 0;
    /* frames added since the last batch get their classes (the table is usually complete) */
    if (ensure_store(agg, err) < 0 || mg_attributor_sync(agg->attr, agg->st, err) < 0)
        return -err->code;
    for (i = 0; i < b->n && rc == 0; i += 64)
        rc = flush_chunk(agg, b->pp + i, b->n - i < 64 ? b->n - i : 64, b->fs, err);
    b->n = 0;
    b->fs_len = 0;
    return rc;
}

int mg_hotspot_agg_add_pp(mg_hotspot_agg *agg, const uint32_t *fs, size_t n, uint64_t tb,
                          uint64_t tbk, uint64_t gb, uint64_t eb, mg_error *err)
{
    struct agg_batch *bt = &agg->batch;
    int rc;

    if (agg->worker) {
        agg->pp_added = true;
        return mg_hotspot_worker_add_pp(agg->worker, fs, n, tb, tbk, gb, eb, err);
    }
    if ((rc = mg_agg_batch_push(bt, MG_AGG_BATCH, fs, n, tb, tbk, gb, eb, err)) < 0)
        return rc;
    return bt->n == MG_AGG_BATCH ? mg_hotspot_agg_flush_batch(agg, bt, err) : 0;
}

int mg_agg_batch_push(struct agg_batch *bt, size_t size, const uint32_t *fs, size_t n, uint64_t tb,
                      uint64_t tbk, uint64_t gb, uint64_t eb, mg_error *err)
{
    struct batch_pp *b;
    if (!bt->pp) {
        if (!(bt->pp = malloc(size * sizeof(*bt->pp))))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        bt->cap = size;
    }
    if (mg_grow_array((void **)&bt->fs, &bt->fs_cap, bt->fs_len + n, sizeof(uint32_t), 1024, err) <
        0)
        return -err->code;
    b = &bt->pp[bt->n++];
    b->tb = tb, b->tbk = tbk, b->gb = gb, b->eb = eb;
    b->fs_off = bt->fs_len;
    b->n = n;
    if (n)
        memcpy(bt->fs + bt->fs_len, fs, n * sizeof(*fs));
    bt->fs_len += n;
    return 0;
}

/* ---- ranking ---- */

struct cand {
    size_t row;
    uint64_t v;
    char *label; /* sanitized, owned */
};

static const char *fn_name(const mg_hotspot_agg *agg, uint32_t id, size_t *len)
{
    *len = agg->fn_len[id];
    return agg->st->text + agg->fn_off[id];
}

static char *row_label(const mg_hotspot_agg *agg, size_t row)
{
    const struct row_seq *r;
    mg_buf b;
    size_t i, len;
    char *out;
    if (!agg->opts || agg->opts->group_by != MG_GROUP_STACK) {
        const char *n = fn_name(agg, (uint32_t)row, &len);
        return mg_utf8_sanitize_display(n, len);
    }
    r = &agg->row_seq[row];
    if (r->len == 0)
        return mg_utf8_sanitize_display("[root]", 6);
    if (r->len == 1 && agg->seq[r->off] == UINT32_MAX)
        return mg_utf8_sanitize_display("[all-frames-allocator]", 22);
    mg_buf_init(&b, 0);
    for (i = 0; i < r->len; i++) {
        const char *t = frame_text(agg, agg->canon_frame[agg->seq[r->off + i]]), *n, *loc;
        size_t loc_len;
        mg_frame_split(t, strlen(t), &n, &len, &loc, &loc_len);
        if ((i && mg_buf_append(&b, " <- ", 4, NULL) < 0) || mg_buf_append(&b, n, len, NULL) < 0) {
            mg_buf_release(&b);
            return NULL;
        }
    }
    out = mg_utf8_sanitize_display(b.data, b.len);
    mg_buf_release(&b);
    return out;
}

static int by_value_label(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    return x->v != y->v ? (x->v > y->v ? -1 : 1) : strcmp(x->label, y->label);
}

void mg_hotspots_free(mg_hotspot *h, size_t n)
{
    size_t i, k;
    for (i = 0; h && i < n; i++) {
        free(h[i].function);
        free(h[i].frame);
        for (k = 0; k < h[i].stack_len; k++)
            free(h[i].stack[k]);
        free(h[i].stack);
        for (k = 0; k < h[i].n_lines; k++)
            free(h[i].lines[k].where);
        free(h[i].chain);
        free(h[i].alloc_site);
        free(h[i].library);
    }
    free(h);
}

static int fill_row(const mg_hotspot_agg *agg, size_t row, uint64_t whole, uint64_t v,
                    mg_hotspot *h)
{
    const struct agg_row *r = &agg->rows[row];
    const struct row_seq *q = agg->row_seq ? &agg->row_seq[row] : NULL;
    size_t i;
    memset(h, 0, sizeof(*h));
    h->total_bytes = r->v[MG_RANK_TOTAL_BYTES];
    h->peak_bytes = r->v[MG_RANK_PEAK_BYTES];
    h->total_blocks = r->v[MG_RANK_ALLOC_COUNT];
    h->end_bytes = r->eb;
    h->program_points = r->pps;
    h->clone_bytes = r->clone_tb;
    h->test_bytes = r->test_tb;
    h->flags = (r->clone_tb ? MG_HOTSPOT_CLONE : 0) | (r->test_tb ? MG_HOTSPOT_TEST : 0);
    h->share = whole ? (double)v / (double)whole : 0.0;
    if (r->best_frame != NO_FRAME) {
        const char *t = frame_text(agg, r->best_frame);
        if (!(h->frame = mg_utf8_sanitize_display(t, strlen(t))))
            return -1;
    }
    if (agg->opts && agg->opts->group_by == MG_GROUP_STACK && q && q->len &&
        agg->seq[q->off] != UINT32_MAX) {
        if (!(h->stack = calloc(q->len, sizeof(char *))))
            return -1;
        for (i = 0; i < q->len; i++) {
            const char *t = frame_text(agg, agg->canon_frame[agg->seq[q->off + i]]);
            if (!(h->stack[h->stack_len++] = mg_utf8_sanitize_display(t, strlen(t))))
                return -1;
        }
    }
    return 0;
}

/*
 * Top-N rows by one value, ties by label. Two linear passes find the N-th
 * best value; only rows at or above it get labels and are sorted.
 */
static int rank_one(mg_hotspot_agg *agg, enum mg_rank rk, size_t top_n, struct cand *c, size_t nc,
                    mg_hotspot **out, size_t *n_out, size_t **rows_out, mg_error *err)
{
    uint64_t *heap, cut;
    size_t i, k = 0, keep = 0, m = 0;
    int rc = 0;
    mg_hotspot *h = NULL;

    /* the top_n largest values in a min-heap: its root is the cut */
    if (!(heap = malloc((top_n < nc ? top_n : nc) * sizeof(*heap))))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < nc; i++) {
        uint64_t v = agg->rows[c[i].row].v[rk];
        size_t j;
        if (k < top_n) {
            for (j = k++; j > 0 && heap[(j - 1) / 2] > v; j = (j - 1) / 2)
                heap[j] = heap[(j - 1) / 2];
            heap[j] = v;
            continue;
        }
        if (v <= heap[0])
            continue;
        for (j = 0;;) {
            size_t l = 2 * j + 1, s = l;
            if (l >= k)
                break;
            if (l + 1 < k && heap[l + 1] < heap[l])
                s = l + 1;
            if (heap[s] >= v)
                break;
            heap[j] = heap[s];
            j = s;
        }
        heap[j] = v;
    }
    cut = heap[0];
    free(heap);
    for (i = 0; i < nc; i++) {
        uint64_t v = agg->rows[c[i].row].v[rk];
        if (v >= cut) {
            struct cand t = c[i];
            t.v = v;
            c[i] = c[m];
            c[m++] = t;
        }
    }
    for (i = 0; i < m && rc == 0; i++)
        if (!(c[i].label = row_label(agg, c[i].row)))
            rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    if (rc == 0) {
        qsort(c, m, sizeof(*c), by_value_label);
        keep = m < top_n ? m : top_n;
        if (keep &&
            (!(h = calloc(keep, sizeof(*h))) || !(*rows_out = calloc(keep, sizeof(size_t)))))
            rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
        for (i = 0; rc == 0 && i < keep; i++) {
            if (fill_row(agg, c[i].row, agg->whole[rk], c[i].v, &h[i]) < 0) {
                mg_hotspots_free(h, i + 1);
                rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
                break;
            }
            h[i].function = c[i].label;
            (*rows_out)[i] = c[i].row;
            c[i].label = NULL;
        }
        if (rc == 0) {
            *out = h;
            *n_out = keep;
        }
    }
    for (i = 0; i < m; i++) {
        free(c[i].label);
        c[i].label = NULL;
    }
    return rc;
}

int mg_hotspot_agg_hand_over(mg_hotspot_agg *agg, mg_profile *p, mg_error *err)
{
    if (ensure_store(agg, err) < 0)
        return -err->code;
    p->attribution = agg->opts ? agg->opts->attribution : MG_ATTR_OWN;
    p->group_by = agg->opts ? agg->opts->group_by : MG_GROUP_FUNCTION;
    mg_stacks_free(p->stacks);
    p->stacks = agg->st;
    agg->st = NULL;
    return 0;
}

int mg_hotspot_agg_rank(mg_hotspot_agg *agg, mg_profile *p, size_t top_n, mg_error *err)
{
    struct cand *c;
    size_t i, nc = 0;
    int rk, rc = 0;

    if (agg->worker && mg_hotspot_worker_finish(agg->worker, err) < 0)
        return -err->code;
    if (agg->batch.n && mg_hotspot_agg_flush_batch(agg, &agg->batch, err) < 0)
        return -err->code;
    p->has_whole = true;
    memcpy(p->whole, agg->whole, sizeof(p->whole));
    p->excluded_pps = agg->excluded;
    if (top_n == 0)
        return 0;
    if (!(c = calloc(agg->n_rows ? agg->n_rows : 1, sizeof(*c))))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < agg->n_rows; i++)
        if (agg->rows[i].pps)
            c[nc++].row = i;
    for (rk = 0; rc == 0 && nc && rk < MG_RANK_COUNT; rk++)
        rc = rank_one(agg, (enum mg_rank)rk, top_n, c, nc, &p->rank[rk], &p->n_rank[rk],
                      &agg->ranked_rows[rk], err);
    free(c);
    return rc;
}
