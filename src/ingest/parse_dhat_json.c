/* dhat JSON (dhatFileVersion 2, dhat-rs and Valgrind DHAT): one streaming pass, no DOM. */
#include <stdlib.h>
#include <string.h>

#include "ingest/hotspot.h"
#include "ingest/ingest.h"
#include "ingest/jsonpull.h"
#include "memgate/num.h"
#include "utf8.h"

#define MACHINERY SIZE_MAX

/*
 * Limits against hostile files (docs/reliability.md), each a clear error. Real
 * profiles stay far below them (thousands of frames and program points); they
 * bound what a crafted file can make the reader hold: about 1 GiB at worst.
 * Fuzz builds lower them to reach the error paths.
 */
#ifndef MG_DHAT_MAX_FRAMES
#define MG_DHAT_MAX_FRAMES ((size_t)1 << 21) /* 'ftbl' entries */
#endif
#ifndef MG_DHAT_MAX_PPS
#define MG_DHAT_MAX_PPS ((uint64_t)1 << 23) /* program points */
#endif
#ifndef MG_DHAT_MAX_FRAME_REFS
#define MG_DHAT_MAX_FRAME_REFS ((size_t)1 << 26) /* 'fs' indices held until 'ftbl' is read */
#endif

/* A program point read before the frame table; attributed once ftbl is known. */
struct pending_pp {
    uint64_t tb, tbk, gb, eb;
    size_t fs_off;
    uint32_t fs_len;
    uint64_t line;
};

typedef struct dhat_state {
    mg_jp jp;
    const mg_load_options *opts;
    uint64_t version, te, tg;
    bool has_version, has_mode, has_te, has_tg, bklt, has_pps, has_ftbl;
    unsigned top_seen; /* bit per entry of top_keys: a second one is an error */
    char *mode, *tu, *cmd;
    uint64_t tb, tbk, gb, gbk, eb, ebk, n_pps;
    mg_hotspot_agg agg;
    size_t *frame_row; /* per ftbl index: hotspot row of its function, or MACHINERY */
    size_t n_frames, frames_cap;
    struct pending_pp *pend;
    size_t n_pend, pend_cap;
    uint32_t *fs; /* fs indices of pending pps, back to back */
    size_t fs_len, fs_cap;
    size_t root_row, all_alloc_row;
    bool have_root_row, have_all_alloc_row;
} dhat_state;

static int grow(void **arr, size_t *cap, size_t need, size_t elem, mg_error *err)
{
    size_t ncap = *cap ? *cap : 256;
    void *p;
    if (need <= *cap)
        return 0;
    while (ncap < need)
        ncap *= 2;
    p = realloc(*arr, ncap * elem);
    if (!p)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    *arr = p;
    *cap = ncap;
    return 0;
}

/*
 * The key just read, for comparison with the keys we know. A key holding a
 * NUL ("tb\u0000x") or longer than the buffer is no key we know: it becomes ""
 * so it is skipped instead of being read as its prefix.
 */
static void copy_key(const dhat_state *st, char *key, size_t size)
{
    const char *s = st->jp.str.data ? st->jp.str.data : "";
    size_t len = st->jp.str.len;
    if (len >= size || memchr(s, '\0', len))
        len = 0;
    memcpy(key, s, len);
    key[len] = '\0';
}

/* A known key given twice would be counted twice (pps, ftbl, fs): refuse it. */
static int seen_twice(dhat_state *st, unsigned *seen, const char *const *keys, size_t n,
                      const char *key, const char *where, mg_error *err)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (strcmp(key, keys[i]) != 0)
            continue;
        if (*seen & (1u << i))
            return mg_jp_error(&st->jp, err, MG_E_INPUT, "duplicate key '%s'%s", key, where);
        *seen |= 1u << i;
    }
    return 0;
}

static int read_string_value(dhat_state *st, const char *key, char **out, mg_error *err)
{
    int rc = mg_jp_expect(&st->jp, MG_JP_STRING, "a string", err);
    if (rc < 0) {
        mg_error_prefix(err, "value of '%s'", key);
        return rc;
    }
    free(*out);
    *out = mg_utf8_sanitize_display(st->jp.str.data ? st->jp.str.data : "", st->jp.str.len);
    return *out ? 0 : mg_error_set(err, MG_E_NOMEM, "out of memory");
}

static int read_u64_value(dhat_state *st, const char *key, uint64_t *out, mg_error *err)
{
    enum mg_jp_tok tok;
    int rc = mg_jp_next(&st->jp, &tok, err);
    if (rc < 0)
        return rc;
    if (tok != MG_JP_NUMBER)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "'%s' must be a number, found %s", key,
                           mg_jp_tok_name(tok));
    return mg_jp_number_u64(&st->jp, key, out, err);
}

static int read_bool_value(dhat_state *st, const char *key, bool *out, mg_error *err)
{
    enum mg_jp_tok tok;
    int rc = mg_jp_next(&st->jp, &tok, err);
    if (rc < 0)
        return rc;
    if (tok != MG_JP_TRUE && tok != MG_JP_FALSE)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "'%s' must be true or false, found %s", key,
                           mg_jp_tok_name(tok));
    *out = tok == MG_JP_TRUE;
    return 0;
}

/* Iterate the elements of an array whose '[' is next; cb reads one element from its first token. */
static int each_element(dhat_state *st, const char *key,
                        int (*cb)(dhat_state *, enum mg_jp_tok, void *, mg_error *), void *ctx,
                        mg_error *err)
{
    enum mg_jp_tok tok;
    int rc;
    bool first = true;

    if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
        return rc;
    if (tok != MG_JP_ARR_BEGIN)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "'%s' must be an array, found %s", key,
                           mg_jp_tok_name(tok));
    for (;;) {
        if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
            return rc;
        if (tok == MG_JP_ARR_END)
            return 0;
        if (!first) {
            if (tok != MG_JP_COMMA)
                return mg_jp_error(&st->jp, err, MG_E_INPUT,
                                   "expected ',' or ']' in '%s', found %s", key,
                                   mg_jp_tok_name(tok));
            if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
                return rc;
        }
        first = false;
        if ((rc = cb(st, tok, ctx, err)) < 0)
            return rc;
    }
}

struct pp_fields {
    uint64_t tb, tbk, gb, gbk, eb, ebk;
    unsigned seen; /* bit per key below */
    size_t fs_start;
    uint32_t fs_len;
};

enum { K_TB = 1, K_TBK = 2, K_GB = 4, K_GBK = 8, K_EB = 16, K_EBK = 32, K_FS = 64 };

static int fs_element(dhat_state *st, enum mg_jp_tok tok, void *ctx, mg_error *err)
{
    struct pp_fields *pp = ctx;
    uint64_t idx;
    int rc;

    if (tok != MG_JP_NUMBER)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "'fs' entries must be frame indices, found %s",
                           mg_jp_tok_name(tok));
    if ((rc = mg_jp_number_u64(&st->jp, "fs", &idx, err)) < 0)
        return rc;
    if (idx > UINT32_MAX)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "frame index %s is out of range", st->jp.num);
    if (st->fs_len >= MG_DHAT_MAX_FRAME_REFS)
        return mg_jp_error(&st->jp, err, MG_E_INPUT,
                           "more than %zu frame indices in 'fs' held at once (limit against "
                           "hostile input)",
                           (size_t)MG_DHAT_MAX_FRAME_REFS);
    if ((rc = grow((void **)&st->fs, &st->fs_cap, st->fs_len + 1, sizeof(*st->fs), err)) < 0)
        return rc;
    st->fs[st->fs_len++] = (uint32_t)idx;
    pp->fs_len++;
    return 0;
}

static const struct {
    const char *key;
    unsigned bit;
    size_t offset;
} pp_counters[] = {
    {"tb", K_TB, offsetof(struct pp_fields, tb)},    {"tbk", K_TBK, offsetof(struct pp_fields, tbk)},
    {"gb", K_GB, offsetof(struct pp_fields, gb)},    {"gbk", K_GBK, offsetof(struct pp_fields, gbk)},
    {"eb", K_EB, offsetof(struct pp_fields, eb)},    {"ebk", K_EBK, offsetof(struct pp_fields, ebk)},
};

/* Counters we validate but do not use. */
static bool is_other_counter(const char *key)
{
    return !strcmp(key, "tl") || !strcmp(key, "mb") || !strcmp(key, "mbk") ||
           !strcmp(key, "rb") || !strcmp(key, "wb");
}

static int pp_member(dhat_state *st, const char *key, struct pp_fields *pp, mg_error *err)
{
    enum mg_jp_tok tok;
    uint64_t scratch;
    size_t i;

    for (i = 0; i < sizeof(pp_counters) / sizeof(pp_counters[0]); i++)
        if (!strcmp(key, pp_counters[i].key)) {
            pp->seen |= pp_counters[i].bit;
            return read_u64_value(st, key, (uint64_t *)((char *)pp + pp_counters[i].offset), err);
        }
    if (!strcmp(key, "fs")) {
        pp->seen |= K_FS;
        return each_element(st, "fs", fs_element, pp, err);
    }
    if (is_other_counter(key))
        return read_u64_value(st, key, &scratch, err);
    /* "acc" (run-length access counts, may be negative) and anything unknown */
    if (mg_jp_next(&st->jp, &tok, err) < 0)
        return -err->code;
    return mg_jp_skip_value(&st->jp, tok, err);
}

/* A program point's frame indices; NULL when it has none (st->fs may still be NULL then). */
static const uint32_t *frames_at(const dhat_state *st, size_t off, uint32_t n)
{
    return n ? st->fs + off : NULL;
}

static int attribute(dhat_state *st, const uint32_t *fs, uint32_t n, uint64_t line, size_t *row,
                     mg_error *err)
{
    uint32_t i;
    if (n == 0) {
        if (!st->have_root_row &&
            mg_hotspot_agg_intern(&st->agg, "[root]", 6, &st->root_row, err) < 0)
            return -err->code;
        st->have_root_row = true;
        *row = st->root_row;
        return 0;
    }
    for (i = 0; i < n; i++)
        if (fs[i] >= st->n_frames)
            return mg_error_set_at(err, MG_E_INPUT, st->jp.source, (unsigned long)line, 0,
                                   "program point refers to frame %u, but 'ftbl' has %zu entries",
                                   (unsigned)fs[i], st->n_frames);
    for (i = 0; i < n; i++) {
        if (st->frame_row[fs[i]] != MACHINERY) {
            *row = st->frame_row[fs[i]];
            return 0;
        }
    }
    if (!st->have_all_alloc_row &&
        mg_hotspot_agg_intern(&st->agg, "[all-frames-allocator]", 22, &st->all_alloc_row, err) < 0)
        return -err->code;
    st->have_all_alloc_row = true;
    *row = st->all_alloc_row;
    return 0;
}

static int add_sums(dhat_state *st, const struct pp_fields *pp, mg_error *err)
{
    if (!mg_u64_add(st->tb, pp->tb, &st->tb) || !mg_u64_add(st->tbk, pp->tbk, &st->tbk) ||
        !mg_u64_add(st->gb, pp->gb, &st->gb) || !mg_u64_add(st->gbk, pp->gbk, &st->gbk) ||
        !mg_u64_add(st->eb, pp->eb, &st->eb) || !mg_u64_add(st->ebk, pp->ebk, &st->ebk))
        return mg_jp_error(&st->jp, err, MG_E_OVERFLOW,
                           "the sum of the program points' counts does not fit in 64 bits");
    return 0;
}

static int finish_pp(dhat_state *st, struct pp_fields *pp, uint64_t line, mg_error *err)
{
    unsigned need = K_TB | K_TBK | K_FS | (st->bklt ? (K_GB | K_GBK | K_EB | K_EBK) : 0);
    static const char *const names[] = {"tb", "tbk", "gb", "gbk", "eb", "ebk", "fs"};
    size_t row;
    int rc, b;

    for (b = 0; b < 7; b++)
        if ((need & (1u << b)) && !(pp->seen & (1u << b)))
            return mg_jp_error(&st->jp, err, MG_E_INPUT, "program point lacks the key '%s'",
                               names[b]);
    if ((rc = add_sums(st, pp, err)) < 0)
        return rc;
    st->n_pps++;
    if (st->has_ftbl) {
        rc = attribute(st, frames_at(st, pp->fs_start, pp->fs_len), pp->fs_len, line, &row, err);
        if (rc < 0)
            return rc;
        st->fs_len = pp->fs_start; /* frames no longer needed */
        return mg_hotspot_agg_add_row(&st->agg, row, pp->tb, pp->tbk, pp->gb, pp->eb, err);
    }
    if ((rc = grow((void **)&st->pend, &st->pend_cap, st->n_pend + 1, sizeof(*st->pend), err)) < 0)
        return rc;
    st->pend[st->n_pend++] = (struct pending_pp){pp->tb, pp->tbk, pp->gb, pp->eb, pp->fs_start,
                                                 pp->fs_len, line};
    return 0;
}

static int pp_element(dhat_state *st, enum mg_jp_tok tok, void *ctx, mg_error *err)
{
    static const char *const pp_keys[] = {"tb", "tbk", "gb", "gbk", "eb", "ebk", "fs"};
    struct pp_fields pp;
    uint64_t line = st->jp.tok_line;
    bool first = true;
    unsigned dup = 0;
    int rc;
    (void)ctx;

    if (tok != MG_JP_OBJ_BEGIN)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "expected a program point object, found %s",
                           mg_jp_tok_name(tok));
    if (st->n_pps >= MG_DHAT_MAX_PPS)
        return mg_jp_error(&st->jp, err, MG_E_INPUT,
                           "more than %llu program points in 'pps' (limit against hostile input)",
                           (unsigned long long)MG_DHAT_MAX_PPS);
    memset(&pp, 0, sizeof(pp));
    pp.fs_start = st->fs_len;
    for (;;) {
        char key[16];
        if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
            return rc;
        if (tok == MG_JP_OBJ_END)
            break;
        if (!first) {
            if (tok != MG_JP_COMMA)
                return mg_jp_error(&st->jp, err, MG_E_INPUT,
                                   "expected ',' or '}' in a program point, found %s",
                                   mg_jp_tok_name(tok));
            if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
                return rc;
        }
        first = false;
        if (tok != MG_JP_STRING)
            return mg_jp_error(&st->jp, err, MG_E_INPUT, "expected a key, found %s",
                               mg_jp_tok_name(tok));
        copy_key(st, key, sizeof(key));
        if ((rc = seen_twice(st, &dup, pp_keys, 7, key, " in a program point", err)) < 0 ||
            (rc = mg_jp_expect(&st->jp, MG_JP_COLON, "':'", err)) < 0 ||
            (rc = pp_member(st, key, &pp, err)) < 0)
            return rc;
    }
    return finish_pp(st, &pp, line, err);
}

static int ftbl_element(dhat_state *st, enum mg_jp_tok tok, void *ctx, mg_error *err)
{
    const char *name, *loc;
    size_t name_len, loc_len, row = MACHINERY;
    int rc;
    (void)ctx;

    if (tok != MG_JP_STRING)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "'ftbl' entries must be strings, found %s",
                           mg_jp_tok_name(tok));
    if (st->n_frames >= MG_DHAT_MAX_FRAMES)
        return mg_jp_error(&st->jp, err, MG_E_INPUT,
                           "more than %zu frames in 'ftbl' (limit against hostile input)",
                           (size_t)MG_DHAT_MAX_FRAMES);
    mg_frame_split(st->jp.str.data, st->jp.str.len, &name, &name_len, &loc, &loc_len);
    if (!mg_frame_is_machinery(name, name_len, loc, loc_len) &&
        mg_hotspot_agg_intern(&st->agg, name, name_len, &row, err) < 0)
        return -err->code;
    if ((rc = grow((void **)&st->frame_row, &st->frames_cap, st->n_frames + 1,
                   sizeof(*st->frame_row), err)) < 0)
        return rc;
    st->frame_row[st->n_frames++] = row;
    return 0;
}

/* Program points read before 'ftbl' are attributed once it is complete. */
static int attribute_pending(dhat_state *st, mg_error *err)
{
    size_t i, row;
    int rc;
    for (i = 0; i < st->n_pend; i++) {
        const struct pending_pp *pp = &st->pend[i];
        const uint32_t *fs = frames_at(st, pp->fs_off, pp->fs_len);
        if ((rc = attribute(st, fs, pp->fs_len, pp->line, &row, err)) < 0 ||
            (rc = mg_hotspot_agg_add_row(&st->agg, row, pp->tb, pp->tbk, pp->gb, pp->eb, err)) < 0)
            return rc;
    }
    st->n_pend = 0;
    st->fs_len = 0;
    return 0;
}

static int top_member(dhat_state *st, const char *key, mg_error *err)
{
    enum mg_jp_tok tok;
    int rc;

    if (!strcmp(key, "dhatFileVersion")) {
        st->has_version = true;
        if ((rc = read_u64_value(st, key, &st->version, err)) < 0)
            return rc;
        if (st->version != 2)
            return mg_jp_error(&st->jp, err, MG_E_INPUT,
                               "unknown dhatFileVersion %s, expected 2 (Valgrind 3.17+ or dhat-rs)",
                               st->jp.num);
        return 0;
    }
    if (!strcmp(key, "mode")) {
        st->has_mode = true;
        return read_string_value(st, key, &st->mode, err);
    }
    if (!strcmp(key, "tu"))
        return read_string_value(st, key, &st->tu, err);
    if (!strcmp(key, "cmd"))
        return read_string_value(st, key, &st->cmd, err);
    if (!strcmp(key, "bklt"))
        return read_bool_value(st, key, &st->bklt, err);
    if (!strcmp(key, "te")) {
        st->has_te = true;
        return read_u64_value(st, key, &st->te, err);
    }
    if (!strcmp(key, "tg")) {
        st->has_tg = true;
        return read_u64_value(st, key, &st->tg, err);
    }
    if (!strcmp(key, "pps")) {
        st->has_pps = true;
        return each_element(st, key, pp_element, NULL, err);
    }
    if (!strcmp(key, "ftbl")) {
        if ((rc = each_element(st, key, ftbl_element, NULL, err)) < 0)
            return rc;
        st->has_ftbl = true;
        return attribute_pending(st, err);
    }
    if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
        return rc;
    return mg_jp_skip_value(&st->jp, tok, err);
}

static int parse_top(dhat_state *st, mg_error *err)
{
    static const char *const top_keys[] = {
        "dhatFileVersion", "mode", "tu", "cmd", "bklt", "te", "tg", "pps", "ftbl"};
    enum mg_jp_tok tok;
    bool first = true;
    int rc;

    if ((rc = mg_jp_expect(&st->jp, MG_JP_OBJ_BEGIN, "'{' at the start of a dhat JSON file", err)) < 0)
        return rc;
    for (;;) {
        char key[64];
        if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
            return rc;
        if (tok == MG_JP_OBJ_END)
            break;
        if (!first) {
            if (tok != MG_JP_COMMA)
                return mg_jp_error(&st->jp, err, MG_E_INPUT, "expected ',' or '}', found %s",
                                   mg_jp_tok_name(tok));
            if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
                return rc;
        }
        first = false;
        if (tok != MG_JP_STRING)
            return mg_jp_error(&st->jp, err, MG_E_INPUT, "expected a key, found %s",
                               mg_jp_tok_name(tok));
        copy_key(st, key, sizeof(key));
        if ((rc = seen_twice(st, &st->top_seen, top_keys, sizeof(top_keys) / sizeof(top_keys[0]),
                             key, "", err)) < 0 ||
            (rc = mg_jp_expect(&st->jp, MG_JP_COLON, "':'", err)) < 0 ||
            (rc = top_member(st, key, err)) < 0)
            return rc;
    }
    if (!st->has_version || !st->has_mode || !st->has_pps || !st->has_ftbl)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "dhat file lacks the key '%s'",
                           !st->has_version ? "dhatFileVersion"
                           : !st->has_mode  ? "mode"
                           : !st->has_pps   ? "pps"
                                            : "ftbl");
    if ((rc = mg_jp_expect(&st->jp, MG_JP_EOF, "end of file after the top-level object", err)) < 0)
        return rc;
    return 0;
}

static enum mg_profile_mode classify(const dhat_state *st)
{
    if (!strcmp(st->mode, "heap") || !strcmp(st->mode, "rust-heap"))
        return MG_MODE_HEAP;
    if (!strcmp(st->mode, "copy"))
        return MG_MODE_COPY;
    if (!strcmp(st->mode, "ad-hoc") || !strcmp(st->mode, "rust-ad-hoc"))
        return MG_MODE_AD_HOC;
    return st->bklt ? MG_MODE_HEAP : MG_MODE_OTHER;
}

static int fill_profile(dhat_state *st, mg_profile *p, mg_error *err)
{
    bool rust = !strncmp(st->mode, "rust-", 5) || (st->tu && !strcmp(st->tu, "\xC2\xB5s"));
    size_t top = st->opts->top_n ? st->opts->top_n : 10;
    mg_metrics *m = &p->metrics;

    p->mode = classify(st);
    if (mg_profile_set_str(&p->producer, rust ? "dhat-rs" : "valgrind-dhat", err) < 0 ||
        mg_profile_set_str(&p->mode_label, st->mode, err) < 0 ||
        mg_profile_set_str(&p->command, st->cmd, err) < 0)
        return -err->code;
    if (p->mode == MG_MODE_HEAP) {
        mg_metrics_set(m, MG_TOTAL_BYTES, st->tb);
        mg_metrics_set(m, MG_ALLOC_COUNT, st->tbk);
        if (st->bklt) {
            mg_metrics_set(m, MG_PEAK_BYTES, st->gb);
            mg_metrics_set(m, MG_PEAK_BLOCKS, st->gbk);
            mg_metrics_set(m, MG_END_BYTES, st->eb);
            mg_metrics_set(m, MG_END_BLOCKS, st->ebk);
        }
    } else {
        p->has_raw_total = true;
        p->raw_amount = st->tb;
        p->raw_count = st->tbk;
    }
    /* dhat-rs times are microseconds; Valgrind's are instruction counts, not time */
    if (rust && st->has_te)
        mg_metrics_set(m, MG_RUNTIME_US, st->te);
    return mg_hotspot_agg_take(&st->agg, top, &p->hotspots, &p->n_hotspots, err);
}

static void state_release(dhat_state *st)
{
    mg_jp_release(&st->jp);
    mg_hotspot_agg_release(&st->agg);
    free(st->mode);
    free(st->tu);
    free(st->cmd);
    free(st->frame_row);
    free(st->pend);
    free(st->fs);
}

static int run(dhat_state *st, mg_profile *p, mg_error *err)
{
    int rc = parse_top(st, err);
    if (rc == 0)
        rc = fill_profile(st, p, err);
    state_release(st);
    return rc;
}

static int parse_mem(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                     mg_error *err)
{
    dhat_state st;
    memset(&st, 0, sizeof(st));
    st.opts = opts;
    mg_hotspot_agg_init(&st.agg);
    mg_jp_init_mem(&st.jp, data, len, p->source);
    return run(&st, p, err);
}

static int parse_stream(mg_profile *p, FILE *f, const char *head, size_t head_len,
                        const mg_load_options *opts, mg_error *err)
{
    dhat_state st;
    memset(&st, 0, sizeof(st));
    st.opts = opts;
    mg_hotspot_agg_init(&st.agg);
    mg_jp_init_stream(&st.jp, f, head, head_len, p->source);
    return run(&st, p, err);
}

/* `{` then optional white space then "dhatFileVersion", after an optional UTF-8 BOM. */
static bool detect(const char *head, size_t len)
{
    size_t i = 0;
    if (len >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
        i++;
    if (i >= len || head[i] != '{')
        return false;
    i++;
    while (i < len && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
        i++;
    return len - i >= 17 && !memcmp(head + i, "\"dhatFileVersion\"", 17);
}

const mg_format mg_format_dhat_json = {
    MG_FORMAT_DHAT_JSON,
    "dhat JSON (dhat-rs dhat-heap.json, Valgrind dhat.out.PID), dhatFileVersion 2",
    detect,
    parse_mem,
    parse_stream,
};
