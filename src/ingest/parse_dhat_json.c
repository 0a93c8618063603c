/*
 * dhat JSON (dhatFileVersion 2, dhat-rs and Valgrind DHAT): one streaming
 * pass, no DOM, memory bounded by the frame table and the per-function sums.
 *
 * Real files put "ftbl" (the frame table) after "pps" (the program points),
 * but attributing a program point needs its frames. For a seekable file the
 * frame table is therefore read first from the end of the file (it is the
 * last key; the candidate is verified: "ftbl": [strings] } and end of file),
 * then the program points stream past and are attributed on the fly. When
 * that is not possible (pipes, compressed input, unusual key order) program
 * points seen before the frame table are kept compactly, in memory up to a
 * limit and then in an anonymous temporary file, and attributed once it has
 * been read.
 *
 * Program points are parsed by a fast path that works on the read buffer
 * directly and handles the exact shapes both producers write; anything else
 * (escapes, odd numbers, errors) goes to the general tokenizer, which also
 * produces every error message with its line and column.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/hotspot.h"
#include "ingest/ingest.h"
#include "jsonpull.h"
#include "memgate/buf.h"
#include "memgate/num.h"
#include "simd.h"
#include "swar_digits.h"
#include "utf8.h"

/* Program points held before the frame table is known: in memory, then spilled. */
#define PENDING_MEM_CAP ((size_t)8 << 20)

/*
 * Limits against hostile files (docs/reliability.md), each a clear error. Real
 * profiles stay far below them (thousands of frames and program points, stacks
 * of at most a few hundred frames). Fuzz builds lower them to reach the errors.
 */
#ifndef MG_DHAT_MAX_FRAMES
#define MG_DHAT_MAX_FRAMES ((size_t)1 << 21) /* 'ftbl' entries */
#endif
#ifndef MG_DHAT_MAX_FTBL_BYTES
/* all 'ftbl' strings together: a few KB of zstd can expand to gigabytes of frame names */
#define MG_DHAT_MAX_FTBL_BYTES ((uint64_t)256 << 20)
#endif
#ifndef MG_DHAT_MAX_PPS
#define MG_DHAT_MAX_PPS ((uint64_t)1 << 23) /* program points */
#endif
#ifndef MG_DHAT_MAX_PP_FRAMES
#define MG_DHAT_MAX_PP_FRAMES ((size_t)1 << 20) /* 'fs' entries of one program point */
#endif

struct pending_hdr {
    uint64_t tb, tbk, gb, eb, line;
    uint32_t fs_len, pad;
};

struct pending {
    char *mem;
    size_t len, cap;
    FILE *spill;
    size_t count;
};

typedef struct dhat_state {
    mg_jp jp;
    const mg_load_options *opts;
    FILE *f;
    uint64_t version, te, tg;
    bool has_version, has_mode, has_te, has_tg, bklt, has_pps, has_ftbl;
    char *mode, *tu, *cmd;
    uint64_t tb, tbk, gb, gbk, eb, ebk, n_pps;
    mg_hotspot_agg agg;
    uint64_t ftbl_bytes; /* the frame names' total length so far */
    bool frames_known;
    /* the frame table read ahead from the end of a seekable file */
    bool preloaded;
    uint64_t ftbl_key_off, ftbl_end_off, ftbl_lines, ftbl_line_start;
    struct pending pend;
    /* with a table read ahead, a bad frame index is reported when the forward pass reaches
     * that table (a duplicate 'ftbl' before it is the real cause), as reading in order would */
    bool bad_ref;
    bool second_ftbl; /* a 'ftbl' before the one read ahead: read again in order */
    uint64_t bad_ref_line;
    uint32_t bad_ref_idx;
    uint32_t *fs; /* frames of the program point being read */
    size_t fs_len, fs_cap;
} dhat_state;

struct pp_fields {
    uint64_t v[6]; /* tb tbk gb gbk eb ebk */
    unsigned seen; /* bit per key, see K_* */
    uint64_t line;
};

enum {
    K_TB = 1 << 0,
    K_TBK = 1 << 1,
    K_GB = 1 << 2,
    K_GBK = 1 << 3,
    K_EB = 1 << 4,
    K_EBK = 1 << 5,
    K_FS = 1 << 6,
    K_OTHER_SHIFT = 7 /* tl mb mbk rb wb acc: bits 7.. */
};

static const char *const pp_keys[] = {"tb", "tbk", "gb",  "gbk", "eb", "ebk", "fs",
                                      "tl", "mb",  "mbk", "rb",  "wb", "acc"};
#define N_PP_KEYS 13

static int key_id(const char *k, size_t n)
{
    int i;
    for (i = 0; i < N_PP_KEYS; i++)
        if (strlen(pp_keys[i]) == n && !memcmp(pp_keys[i], k, n))
            return i;
    return -1;
}

static int ensure_fs(dhat_state *st, size_t n, mg_error *err)
{
    return mg_grow_array((void **)&st->fs, &st->fs_cap, n, sizeof(*st->fs), 256, err);
}

static int push_fs(dhat_state *st, uint32_t idx, mg_error *err)
{
    if (st->fs_len >= MG_DHAT_MAX_PP_FRAMES)
        return mg_jp_error(&st->jp, err, MG_E_INPUT,
                           "more than %zu frame indices in one program point's 'fs' (limit "
                           "against hostile input)",
                           (size_t)MG_DHAT_MAX_PP_FRAMES);
    if (ensure_fs(st, st->fs_len + 1, err) < 0)
        return -err->code;
    st->fs[st->fs_len++] = idx;
    return 0;
}

/* ---- pending program points ---- */

static int pend_write(struct pending *pd, const void *data, size_t n, mg_error *err)
{
    if (n == 0)
        return 0;
    if (pd->spill)
        return fwrite(data, 1, n, pd->spill) == n
                   ? 0
                   : mg_error_set(err, MG_E_IO, "cannot write the temporary file");
    if (pd->len + n > PENDING_MEM_CAP && (pd->spill = tmpfile()) != NULL) {
        /* move what is held so far to the anonymous temporary file */
        if (fwrite(pd->mem, 1, pd->len, pd->spill) != pd->len)
            return mg_error_set(err, MG_E_IO, "cannot write the temporary file");
        free(pd->mem);
        pd->mem = NULL;
        pd->len = pd->cap = 0;
        return pend_write(pd, data, n, err);
    }
    if (pd->len + n > pd->cap) {
        size_t cap = pd->cap ? pd->cap : 65536;
        char *m;
        while (cap < pd->len + n)
            cap *= 2;
        if (!(m = realloc(pd->mem, cap)))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        pd->mem = m;
        pd->cap = cap;
    }
    memcpy(pd->mem + pd->len, data, n);
    pd->len += n;
    return 0;
}

static void pend_release(struct pending *pd)
{
    free(pd->mem);
    if (pd->spill)
        fclose(pd->spill);
    memset(pd, 0, sizeof(*pd));
}

static int add_to_agg(dhat_state *st, const uint32_t *fs, size_t n, uint64_t line,
                      const uint64_t *v, mg_error *err)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (fs[i] < st->agg.n_added)
            continue;
        if (st->preloaded) {
            if (!st->bad_ref) {
                st->bad_ref = true;
                st->bad_ref_line = line;
                st->bad_ref_idx = fs[i];
            }
            return 0;
        }
        return mg_error_set_at(err, MG_E_INPUT, st->jp.source, (unsigned long)line, 0,
                               "program point refers to frame %u, but 'ftbl' has %zu entries",
                               (unsigned)fs[i], st->agg.n_added);
    }
    return mg_hotspot_agg_add_pp(&st->agg, fs, n, v[0], v[1], v[2], v[4], err);
}

/* Attribute the program points kept before the frame table was known. */
static int pend_replay(dhat_state *st, mg_error *err)
{
    struct pending *pd = &st->pend;
    size_t off = 0, k;
    int rc = 0;

    if (pd->spill && (fflush(pd->spill) != 0 || fseeko(pd->spill, 0, SEEK_SET) != 0))
        return mg_error_set(err, MG_E_IO, "cannot read back the temporary file");
    for (k = 0; k < pd->count && rc == 0; k++) {
        struct pending_hdr h;
        uint64_t v[6] = {0};
        size_t bytes;
        if (pd->spill) {
            if (fread(&h, sizeof(h), 1, pd->spill) != 1)
                return mg_error_set(err, MG_E_IO, "cannot read back the temporary file");
        } else {
            memcpy(&h, pd->mem + off, sizeof(h));
            off += sizeof(h);
        }
        if ((rc = ensure_fs(st, h.fs_len, err)) < 0)
            return rc;
        bytes = h.fs_len * sizeof(uint32_t);
        if (bytes && pd->spill) {
            if (fread(st->fs, 1, bytes, pd->spill) != bytes)
                return mg_error_set(err, MG_E_IO, "cannot read back the temporary file");
        } else if (bytes) {
            memcpy(st->fs, pd->mem + off, bytes);
            off += bytes;
        }
        st->fs_len = h.fs_len;
        v[0] = h.tb, v[1] = h.tbk, v[2] = h.gb, v[4] = h.eb;
        rc = add_to_agg(st, st->fs, st->fs_len, h.line, v, err);
    }
    pend_release(pd);
    st->fs_len = 0;
    return rc;
}

/* ---- general (slow) path: every error is reported here ---- */

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

/*
 * Iterate the elements of an array whose '[' is next; cb reads one element from its first
 * token. fast, if not NULL, may take elements first, before each one the tokenizer reads: it
 * returns 1 when it consumed the closing ']', 0 to go on, or an error (see fast_ftbl).
 */
static int each_element(dhat_state *st, const char *key,
                        int (*cb)(dhat_state *, enum mg_jp_tok, void *, mg_error *), void *ctx,
                        int (*fast)(dhat_state *, bool *, mg_error *), mg_error *err)
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
        if (fast && (rc = fast(st, &first, err)) != 0)
            return rc < 0 ? rc : 0;
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

static int fs_element(dhat_state *st, enum mg_jp_tok tok, void *ctx, mg_error *err)
{
    uint64_t idx;
    int rc;
    (void)ctx;
    if (tok != MG_JP_NUMBER)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "'fs' entries must be frame indices, found %s",
                           mg_jp_tok_name(tok));
    if ((rc = mg_jp_number_u64(&st->jp, "fs", &idx, err)) < 0)
        return rc;
    if (idx >= UINT32_MAX)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "frame index %s is out of range", st->jp.num);
    return push_fs(st, (uint32_t)idx, err);
}

static int pp_member(dhat_state *st, int id, struct pp_fields *pp, mg_error *err)
{
    enum mg_jp_tok tok;
    uint64_t scratch;

    if (id >= 0 && id < 6)
        return read_u64_value(st, pp_keys[id], &pp->v[id], err);
    if (id == 6)
        return each_element(st, "fs", fs_element, NULL, NULL, err);
    if (id >= 7 && id <= 11)
        return read_u64_value(st, pp_keys[id], &scratch, err);
    /* "acc" (run-length access counts, may be negative) and anything unknown */
    if (mg_jp_next(&st->jp, &tok, err) < 0)
        return -err->code;
    return mg_jp_skip_value(&st->jp, tok, err);
}

/*
 * The next member of an object whose '{' was read: 1 at its '}', 0 with the
 * key in st->jp.str, or an error naming where ("" or " in a program point").
 */
static int next_key(dhat_state *st, bool *first, const char *where, mg_error *err)
{
    enum mg_jp_tok tok;
    int rc;
    if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
        return rc;
    if (tok == MG_JP_OBJ_END)
        return 1;
    if (!*first) {
        if (tok != MG_JP_COMMA)
            return mg_jp_error(&st->jp, err, MG_E_INPUT, "expected ',' or '}'%s, found %s", where,
                               mg_jp_tok_name(tok));
        if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
            return rc;
    }
    *first = false;
    if (tok != MG_JP_STRING)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "expected a key, found %s",
                           mg_jp_tok_name(tok));
    return 0;
}

static int slow_pp(dhat_state *st, struct pp_fields *pp, mg_error *err)
{
    bool first = true;
    int rc;

    for (;;) {
        if ((rc = next_key(st, &first, " in a program point", err)) != 0)
            return rc < 0 ? rc : 0;
        rc = key_id(st->jp.str.data, st->jp.str.len);
        /* a key given twice would be counted twice */
        if (rc >= 0 && (pp->seen & (1u << rc)))
            return mg_jp_error(&st->jp, err, MG_E_INPUT, "duplicate key '%s' in a program point",
                               pp_keys[rc]);
        if (rc >= 0)
            pp->seen |= 1u << rc;
        if (mg_jp_expect(&st->jp, MG_JP_COLON, "':'", err) < 0 || pp_member(st, rc, pp, err) < 0)
            return -err->code;
    }
}

/* ---- one program point, general path ---- */

static int finish_pp(dhat_state *st, struct pp_fields *pp, mg_error *err)
{
    unsigned need = K_TB | K_TBK | K_FS | (st->bklt ? (K_GB | K_GBK | K_EB | K_EBK) : 0);
    struct pending_hdr h;
    int b, rc;

    if ((pp->seen & need) != need)
        for (b = 0; b < 7; b++)
            if ((need & (1u << b)) && !(pp->seen & (1u << b)))
                return mg_jp_error(&st->jp, err, MG_E_INPUT, "program point lacks the key '%s'",
                                   pp_keys[b]);
    /* every sum is added (no short circuit), then one test for all: this runs per point */
    unsigned ovf = (unsigned)__builtin_add_overflow(st->tb, pp->v[0], &st->tb);
    ovf |= (unsigned)__builtin_add_overflow(st->tbk, pp->v[1], &st->tbk);
    ovf |= (unsigned)__builtin_add_overflow(st->gb, pp->v[2], &st->gb);
    ovf |= (unsigned)__builtin_add_overflow(st->gbk, pp->v[3], &st->gbk);
    ovf |= (unsigned)__builtin_add_overflow(st->eb, pp->v[4], &st->eb);
    ovf |= (unsigned)__builtin_add_overflow(st->ebk, pp->v[5], &st->ebk);
    if (ovf)
        return mg_jp_error(&st->jp, err, MG_E_OVERFLOW,
                           "the sum of the program points' counts does not fit in 64 bits");
    if (st->n_pps >= MG_DHAT_MAX_PPS)
        return mg_jp_error(&st->jp, err, MG_E_INPUT,
                           "more than %llu program points in 'pps' (limit against hostile input)",
                           (unsigned long long)MG_DHAT_MAX_PPS);
    st->n_pps++;
    if (st->frames_known)
        return add_to_agg(st, st->fs, st->fs_len, pp->line, pp->v, err);
    memset(&h, 0, sizeof(h));
    h.tb = pp->v[0], h.tbk = pp->v[1], h.gb = pp->v[2], h.eb = pp->v[4], h.line = pp->line;
    h.fs_len = (uint32_t)st->fs_len;
    if ((rc = pend_write(&st->pend, &h, sizeof(h), err)) < 0 ||
        (rc = pend_write(&st->pend, st->fs, st->fs_len * sizeof(uint32_t), err)) < 0)
        return rc;
    st->pend.count++;
    return 0;
}

/*
 * One element of 'pps' through the tokenizer: returns 1 at the closing ']',
 * 0 after a program point.
 */
static int slow_element(dhat_state *st, bool first, mg_error *err)
{
    struct pp_fields pp;
    enum mg_jp_tok tok;
    int rc;

    if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
        return rc;
    if (tok == MG_JP_ARR_END)
        return 1;
    if (!first) {
        if (tok != MG_JP_COMMA)
            return mg_jp_error(&st->jp, err, MG_E_INPUT, "expected ',' or ']' in 'pps', found %s",
                               mg_jp_tok_name(tok));
        if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
            return rc;
    }
    if (tok != MG_JP_OBJ_BEGIN)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "expected a program point object, found %s",
                           mg_jp_tok_name(tok));
    memset(&pp, 0, sizeof(pp));
    pp.line = st->jp.tok_line;
    st->fs_len = 0;
    if ((rc = slow_pp(st, &pp, err)) < 0)
        return rc;
    return finish_pp(st, &pp, err);
}

/* ---- fast path: program points straight from the read buffer ---- */

enum fast_result { FAST_DONE, FAST_STOP };

/*
 * JSON white space; a newline moves the line counter. Anything else below
 * 0x21 (the zero padding after the buffer included) makes the caller stop.
 */
#define WS()                                                                                       \
    do {                                                                                           \
        while ((unsigned char)*p <= ' ') {                                                         \
            if (*p == '\n') {                                                                      \
                line++;                                                                            \
                last_nl = p;                                                                       \
            } else if (*p != ' ' && *p != '\t' && *p != '\r') {                                    \
                goto stop;                                                                         \
            }                                                                                      \
            p++;                                                                                   \
        }                                                                                          \
    } while (0)

static const bool num_end[256] = {[' '] = true, ['\t'] = true, ['\n'] = true, ['\r'] = true,
                                  [','] = true, [']'] = true,  ['}'] = true};

static const uint64_t pow10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

/*
 * A JSON unsigned integer of at most 19 digits (so it fits in 64 bits), no
 * leading zero, no fraction or exponent: returns its end, or NULL to stop.
 */
static inline __attribute__((always_inline)) const char *fast_uint(const char *p, uint64_t *out)
{
    uint64_t v = 0, w = 0;
    unsigned n = mg_digits8(p, &v), m;
    const char *q = p + n;

    if (n == 0)
        return NULL;
    if (n == 8) {
        if ((m = mg_digits8(q, &w)) > 0)
            v = v * pow10[m] + w;
        q += m;
        if (m == 8) {
            if ((m = mg_digits8(q, &w)) > 3)
                return NULL;
            if (m)
                v = v * pow10[m] + w;
            q += m;
        }
    }
    /* valid JSON continues a number only with white space, ',', ']' or '}' */
    if (!num_end[(unsigned char)*q] || (*p == '0' && q - p > 1))
        return NULL;
    *out = v;
    return q;
}

#define UINT(dst)                                                                                  \
    do {                                                                                           \
        if (!(p = fast_uint(p, &(dst))))                                                           \
            goto stop_null;                                                                        \
    } while (0)

/*
 * fast_uint for the dhat-rs lane, whose caller checks the two bytes after every number (",\n",
 * "\n]" or "\n}"): a number of up to 7 digits is one SWAR step and nothing more; longer ones
 * go through fast_uint.
 */
static inline __attribute__((always_inline)) const char *lane_uint(const char *p, uint64_t *out)
{
    unsigned d = mg_digits8(p, out);
    if (d - 1 < 7 && (*p != '0' || d == 1))
        return p + d;
    return fast_uint(p, out);
}

/* Key id of "xx" / "xxx" at p (just after the opening quote), or -1. */
static inline int fast_key(const char *k, size_t avail, size_t *len)
{
    if (avail >= 3 && k[2] == '"') {
        *len = 2;
        switch (((unsigned)(unsigned char)k[0] << 8) | (unsigned char)k[1]) {
        case ('t' << 8) | 'b':
            return 0;
        case ('g' << 8) | 'b':
            return 2;
        case ('e' << 8) | 'b':
            return 4;
        case ('f' << 8) | 's':
            return 6;
        case ('t' << 8) | 'l':
            return 7;
        case ('m' << 8) | 'b':
            return 8;
        case ('r' << 8) | 'b':
            return 10;
        case ('w' << 8) | 'b':
            return 11;
        }
        return -1;
    }
    if (avail >= 4 && k[3] == '"' && k[2] == 'k') {
        *len = 3;
        switch (((unsigned)(unsigned char)k[0] << 8) | (unsigned char)k[1]) {
        case ('t' << 8) | 'b':
            return 1;
        case ('g' << 8) | 'b':
            return 3;
        case ('e' << 8) | 'b':
            return 5;
        case ('m' << 8) | 'b':
            return 9;
        }
        return -1;
    }
    if (avail >= 4 && k[0] == 'a' && k[1] == 'c' && k[2] == 'c' && k[3] == '"') {
        *len = 3;
        return 12;
    }
    return -1;
}

/* Two bytes at p equal the two characters a b. */
#define TWO(p, a, b) ((p)[0] == (a) && (p)[1] == (b))

/*
 * A program point in dhat-rs's exact layout: "{\n" then lines '"key": N,'
 * and an "fs" array with one index per line, "\n}" at the end. p is at the
 * newline after '{'. Returns the end of the object, or NULL for any other
 * shape (the caller then reads it the general way).
 */
static const char *rs_lane(dhat_state *st, const char *p, struct pp_fields *pp, uint64_t *line,
                           const char **last_nl, mg_error *err)
{
    uint64_t ln = *line, v;

    p++; /* the newline after '{' */
    ln++;
    for (;;) {
        size_t klen;
        int id;
        if (*p != '"' || (id = fast_key(p + 1, 8, &klen)) < 0 || (pp->seen & (1u << id)))
            return NULL;
        pp->seen |= 1u << id;
        p += klen + 2;
        if (!TWO(p, ':', ' '))
            return NULL;
        p += 2;
        if (id == 6) {
            if (TWO(p, '[', ']')) {
                p += 2;
            } else {
                /* the frame list, one index per line: the longest stretch of the program point
                   (locals, room reserved in steps, so the loop body is a conversion and a store) */
                uint32_t *fs = st->fs;
                size_t n = st->fs_len;
                /* the array may be larger than the limit (grown for an earlier program point):
                   room stops at the limit, so every path refuses the same program point */
                size_t room =
                    st->fs_cap < MG_DHAT_MAX_PP_FRAMES ? st->fs_cap : MG_DHAT_MAX_PP_FRAMES;
                if (!TWO(p, '[', '\n'))
                    return NULL;
                p += 2;
                ln++;
                for (;;) {
                    if (n == room) {
                        if (n >= MG_DHAT_MAX_PP_FRAMES)
                            return NULL;
                        st->fs_len = n;
                        if (ensure_fs(
                                st, n + 64 < MG_DHAT_MAX_PP_FRAMES ? n + 64 : MG_DHAT_MAX_PP_FRAMES,
                                err) < 0)
                            return NULL;
                        fs = st->fs;
                        room =
                            st->fs_cap < MG_DHAT_MAX_PP_FRAMES ? st->fs_cap : MG_DHAT_MAX_PP_FRAMES;
                    }
                    if (!(p = lane_uint(p, &v)) || v >= UINT32_MAX)
                        return NULL;
                    fs[n++] = (uint32_t)v;
                    ln++;
                    if (TWO(p, ',', '\n')) {
                        p += 2;
                        continue;
                    }
                    if (!TWO(p, '\n', ']'))
                        return NULL;
                    p += 2;
                    break;
                }
                st->fs_len = n;
            }
        } else if (id < 6) {
            if (!(p = lane_uint(p, &pp->v[id])))
                return NULL;
        } else if (id != 12) {
            if (!(p = lane_uint(p, &v)))
                return NULL;
        } else {
            return NULL; /* "acc" is Valgrind's; it never comes in this layout */
        }
        if (TWO(p, ',', '\n')) {
            p += 2;
            ln++;
            continue;
        }
        if (!TWO(p, '\n', '}'))
            return NULL;
        *line = ln + 1;
        *last_nl = p;
        return p + 2;
    }
}

/*
 * As many elements of 'pps' as the buffer holds completely, in the shapes
 * dhat-rs and Valgrind write. Stops (leaving the position at the start of the
 * element) at anything else or at the end of the buffer; *first tracks
 * whether a ',' is due. FAST_DONE after the closing ']'.
 */
static enum fast_result fast_pps(dhat_state *st, bool *first, int *rc, mg_error *err)
{
    mg_jp *jp = &st->jp;
    const char *p = jp->src + jp->pos, *end = jp->src + jp->len;
    unsigned need = K_TB | K_TBK | K_FS | (st->bklt ? (K_GB | K_GBK | K_EB | K_EBK) : 0);

    if (!jp->padded)
        return FAST_STOP;
    for (;;) {
        const char *last_nl = NULL, *lane_nl;
        uint64_t line = jp->line, obj_line;
        struct pp_fields pp;

        WS();
        if (*p == ']') {
            jp->pos = (size_t)(p + 1 - jp->src);
            jp->line = line;
            if (last_nl)
                jp->line_start = jp->consumed + (uint64_t)(last_nl - jp->src) + 1;
            jp->depth--;
            return FAST_DONE;
        }
        if (!*first) {
            if (*p++ != ',')
                goto stop;
            WS();
        }
        if (*p != '{')
            goto stop;
        p++;
        lane_nl = last_nl;
        obj_line = line;
        pp.seen = 0;
        pp.line = line;
        memset(pp.v, 0, sizeof(pp.v));
        st->fs_len = 0;
        if (*p == '\n') {
            /* dhat-rs's layout, one member per line: the lane with no white-space loops */
            const char *q = rs_lane(st, p, &pp, &line, &last_nl, err);
            if (q) {
                p = q;
                goto done;
            }
            if (err && err->code)
                goto stop;
            /* not that layout after all: read the object the general way */
            line = obj_line;
            last_nl = lane_nl;
            pp.seen = 0;
            memset(pp.v, 0, sizeof(pp.v));
            st->fs_len = 0;
        }
        lane_nl = last_nl;
        for (;;) {
            size_t klen;
            int id;
            WS();
            if (*p != '"' || (id = fast_key(p + 1, 8, &klen)) < 0 || (pp.seen & (1u << id)))
                goto stop;
            pp.seen |= 1u << id;
            p += klen + 2;
            WS();
            if (*p++ != ':')
                goto stop;
            WS();
            if (id < 6) {
                UINT(pp.v[id]);
            } else if (id == 6 || id == 12) {
                if (*p++ != '[')
                    goto stop;
                WS();
                if (*p == ']') {
                    p++;
                } else {
                    for (;;) {
                        uint64_t v;
                        if (id == 12 && *p == '-')
                            p++;
                        UINT(v);
                        if (id == 6) {
                            if (v >= UINT32_MAX)
                                goto stop;
                            if (st->fs_len >= MG_DHAT_MAX_PP_FRAMES)
                                goto stop; /* the tokenizer reports it, with the position */
                            if (st->fs_len == st->fs_cap && ensure_fs(st, st->fs_len + 1, err) < 0)
                                goto stop;
                            st->fs[st->fs_len++] = (uint32_t)v;
                        }
                        WS();
                        if (*p == ']')
                            break;
                        if (*p++ != ',')
                            goto stop;
                        WS();
                    }
                    p++;
                }
            } else {
                uint64_t scratch;
                UINT(scratch);
                (void)scratch;
            }
            WS();
            if (*p == '}')
                break;
            if (*p++ != ',')
                goto stop;
        }
        p++;
    done:
        if ((pp.seen & need) != need || p > end)
            goto stop; /* the tokenizer names the missing key */
        /* commit this element, then account for it; an error in accounting (a sum past 64
           bits) is placed at its closing '}', where the tokenizer's path places it */
        if (last_nl)
            jp->line_start = jp->consumed + (uint64_t)(last_nl - jp->src) + 1;
        jp->pos = (size_t)(p - jp->src);
        jp->line = line;
        jp->tok_line = line;
        jp->tok_col = jp->consumed + (uint64_t)(p - 1 - jp->src) - jp->line_start + 1;
        *first = false;
        if ((*rc = finish_pp(st, &pp, err)) < 0)
            return FAST_STOP;
        continue;
    stop_null:
    stop:
        if (err && err->code)
            *rc = -err->code;
        return FAST_STOP;
    }
}

#undef WS
#undef UINT

static int parse_pps(dhat_state *st, mg_error *err)
{
    bool first = true;
    int rc;

    enum mg_jp_tok tok;
    if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
        return rc;
    if (tok != MG_JP_ARR_BEGIN)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "'pps' must be an array, found %s",
                           mg_jp_tok_name(tok));
    for (;;) {
        size_t before;
        rc = 0;
        if (fast_pps(st, &first, &rc, err) == FAST_DONE)
            return 0;
        if (rc < 0)
            return rc;
        /* at an element the buffer cuts off: refill so that a whole one fits, retry */
        before = st->jp.len - st->jp.pos;
        if (before < ((size_t)1 << 20)) {
            long got = mg_jp_ensure(&st->jp, (size_t)1 << 20, err);
            if (got < 0)
                return (int)got;
            if ((size_t)got > before) {
                if (fast_pps(st, &first, &rc, err) == FAST_DONE)
                    return 0;
                if (rc < 0)
                    return rc;
            }
        }
        /* unusual shape, an error, or one huge object: the tokenizer takes one element */
        if ((rc = slow_element(st, first, err)) < 0)
            return rc;
        if (rc == 1)
            return 0;
        first = false;
    }
}

/* ---- frame table ---- */

/* One frame name of 'ftbl'; errors are placed at the last token (the name). */
static int add_ftbl_name(dhat_state *st, const char *name, size_t len, mg_error *err)
{
    if (st->agg.n_added >= MG_DHAT_MAX_FRAMES)
        return mg_jp_error(&st->jp, err, MG_E_INPUT,
                           "more than %zu frames in 'ftbl' (limit against hostile input)",
                           (size_t)MG_DHAT_MAX_FRAMES);
    st->ftbl_bytes += len;
    if (st->ftbl_bytes > MG_DHAT_MAX_FTBL_BYTES)
        return mg_jp_error(&st->jp, err, MG_E_INPUT,
                           "the frame names in 'ftbl' add up to more than %llu MiB (limit against "
                           "hostile input)",
                           (unsigned long long)(MG_DHAT_MAX_FTBL_BYTES >> 20));
    return mg_hotspot_agg_add_frame(&st->agg, name, len, err);
}

static int ftbl_element(dhat_state *st, enum mg_jp_tok tok, void *ctx, mg_error *err)
{
    (void)ctx;
    if (tok != MG_JP_STRING)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "'ftbl' entries must be strings, found %s",
                           mg_jp_tok_name(tok));
    return add_ftbl_name(st, st->jp.str.data, st->jp.str.len, err);
}

/* Past white space from q (at most to end), counting lines as the tokenizer does. */
static const char *ftbl_ws(const mg_jp *jp, const char *q, const char *end, uint64_t *line,
                           uint64_t *line_start)
{
    for (; q < end && (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r'); q++)
        if (*q == '\n') {
            (*line)++;
            *line_start = jp->consumed + (uint64_t)(q + 1 - jp->src);
        }
    return q;
}

/*
 * The names of 'ftbl' that lie whole in the read window, have no escape and no control byte
 * (all of them, in real files) are taken from the window itself: no tokenizer, no copy. Stops
 * at anything else, before the ',' that precedes it, for the tokenizer (ftbl_items). *first
 * tracks whether a ',' is due. Returns 1 at the closing ']' (consumed), 0 to go on, or an error.
 */
static int fast_ftbl(dhat_state *st, bool *first, mg_error *err)
{
    mg_jp *jp = &st->jp;
    const char *end = jp->src + jp->len, *p = jp->src + jp->pos;
    uint64_t line = jp->line, line_start = jp->line_start;
    int rc;

    for (;;) {
        const char *q = ftbl_ws(jp, p, end, &line, &line_start), *name;
        if (q == end)
            return 0;
        if (*q == ']') {
            jp->pos = (size_t)(q + 1 - jp->src);
            jp->line = line;
            jp->line_start = line_start;
            jp->depth--;
            return 1;
        }
        if (!*first) {
            if (*q != ',')
                return 0;
            q = ftbl_ws(jp, q + 1, end, &line, &line_start);
        }
        if (q == end || *q != '"')
            return 0;
        name = q + 1;
        q = mg_simd_string_stop(name, end);
        if (q == end || *q != '"' || (size_t)(q - name) > MG_JP_MAX_STRING)
            return 0;
        /* commit: the name is the last token, where errors about it are placed */
        jp->tok_line = line;
        jp->tok_col = jp->consumed + (uint64_t)(name - 1 - jp->src) - line_start + 1;
        jp->pos = (size_t)(q + 1 - jp->src);
        jp->line = line;
        jp->line_start = line_start;
        *first = false;
        if ((rc = add_ftbl_name(st, name, (size_t)(q - name), err)) < 0)
            return rc;
        p = q + 1;
    }
}

/* 'ftbl': its names through fast_ftbl where it can, else the tokenizer, one element at a time. */
static int ftbl_items(dhat_state *st, mg_error *err)
{
    return each_element(st, "ftbl", ftbl_element, NULL, fast_ftbl, err);
}

/* The top-level "ftbl" key met by the forward pass. */
static int on_ftbl(dhat_state *st, uint64_t key_off, mg_error *err)
{
    int rc;
    if (st->has_ftbl)
        return mg_jp_error(&st->jp, err, MG_E_INPUT, "'ftbl' appears more than once");
    st->has_ftbl = true;
    if (st->preloaded) {
        if (key_off != st->ftbl_key_off) {
            /* an earlier 'ftbl' than the one read ahead: the file has two, and which error
               it gets depends on reading in order; the caller starts again that way */
            st->second_ftbl = true;
            return mg_jp_error(&st->jp, err, MG_E_INPUT, "'ftbl' appears more than once");
        }
        /* a bad frame index is reported here, where reading in order would report it */
        if (st->bad_ref)
            return mg_error_set_at(err, MG_E_INPUT, st->jp.source, (unsigned long)st->bad_ref_line,
                                   0,
                                   "program point refers to frame %u, but 'ftbl' has %zu entries",
                                   (unsigned)st->bad_ref_idx, st->agg.n_added);
        /* already read from the end of the file: continue after it */
        return mg_jp_seek(&st->jp, st->ftbl_end_off, st->ftbl_lines, st->ftbl_line_start, err);
    }
    if ((rc = ftbl_items(st, err)) < 0)
        return rc;
    st->frames_known = true;
    return pend_replay(st, err);
}

/* ---- reading the frame table ahead, from the end of a seekable file ---- */

/* buf[i..] (n bytes read, the block starting at file offset start) is a '"ftbl"' key: white
   space and ':' after it, an even number of backslashes before it (none escapes its quote). */
static bool ftbl_key_at(const char *buf, size_t n, size_t i, uint64_t start)
{
    size_t j = i + 6, bs = 0;
    while (j < n && (buf[j] == ' ' || buf[j] == '\n' || buf[j] == '\r' || buf[j] == '\t'))
        j++;
    if (j >= n || buf[j] != ':')
        return false;
    while (bs < i && buf[i - 1 - bs] == '\\')
        bs++;
    return bs % 2 == 0 && (bs < i || start == 0);
}

/* Offset of the last '"ftbl"' key candidate (even backslashes before, ':' after), or -1. */
static int64_t find_ftbl_key(int fd, uint64_t size)
{
    enum { BLK = 1 << 20, OVER = 64 };
    char *buf = malloc(BLK + OVER);
    uint64_t end = size;
    int64_t found = -1;

    while (buf && end > 0 && found < 0) {
        uint64_t start = end > BLK ? end - BLK : 0;
        size_t want = (size_t)(end - start) + (end + OVER <= size ? OVER : (size_t)(size - end));
        ssize_t n = pread(fd, buf, want, (off_t)start);
        size_t from = 0, lim = (size_t)(end - start);
        const char *q;
        if (n <= 0)
            break;
        /* the block's candidates are found forwards with memmem and the last good one is kept
           (stopping at every quote from the end, as before, took a tenth of the frame table's
           reading: a table holds two quotes a name) */
        while (from < lim && (q = memmem(buf + from, (size_t)n - from, "\"ftbl\"", 6)) &&
               (size_t)(q - buf) < lim) {
            size_t i = (size_t)(q - buf);
            if (ftbl_key_at(buf, (size_t)n, i, start))
                found = (int64_t)(start + i);
            from = i + 1;
        }
        end = start;
    }
    free(buf);
    return found;
}

static int preload_ftbl(dhat_state *st, int fd, uint64_t size, mg_error *err)
{
    int64_t key = find_ftbl_key(fd, size);
    mg_jp saved = st->jp;
    mg_error local;
    enum mg_jp_tok tok;
    int rc = -1;

    if (key < 0)
        return -1;
    mg_error_init(&local);
    mg_jp_init_pread(&st->jp, fd, (uint64_t)key, st->jp.source);
    if (mg_jp_expect(&st->jp, MG_JP_STRING, "", &local) == 0 &&
        mg_jp_expect(&st->jp, MG_JP_COLON, "", &local) == 0 && ftbl_items(st, &local) == 0) {
        st->ftbl_end_off = mg_jp_offset(&st->jp);
        st->ftbl_lines = st->jp.line - 1;
        st->ftbl_line_start = st->jp.line_start;
        /* it must be the last member of the top-level object */
        if (mg_jp_next(&st->jp, &tok, &local) == 0 && tok == MG_JP_OBJ_END &&
            mg_jp_next(&st->jp, &tok, &local) == 0 && tok == MG_JP_EOF)
            rc = 0;
    }
    if (local.code == MG_E_NOMEM)
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    mg_jp_release(&st->jp);
    st->jp = saved;
    if (rc == 0) {
        st->preloaded = st->frames_known = true;
        st->ftbl_key_off = (uint64_t)key;
    }
    return rc;
}

/* ---- top level ---- */

static int top_member(dhat_state *st, const char *key, uint64_t key_off, mg_error *err)
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
        if (st->has_pps)
            return mg_jp_error(&st->jp, err, MG_E_INPUT, "'pps' appears more than once");
        st->has_pps = true;
        return parse_pps(st, err);
    }
    if (!strcmp(key, "ftbl"))
        return on_ftbl(st, key_off, err);
    if ((rc = mg_jp_next(&st->jp, &tok, err)) < 0)
        return rc;
    return mg_jp_skip_value(&st->jp, tok, err);
}

static int parse_top(dhat_state *st, mg_error *err)
{
    static const char *const top_keys[] = {
        "dhatFileVersion", "mode", "tu", "cmd", "bklt", "te", "tg", "pps", "ftbl"};
    unsigned seen = 0;
    size_t i;
    bool first = true;
    int rc;

    if ((rc = mg_jp_expect(&st->jp, MG_JP_OBJ_BEGIN, "'{' at the start of a dhat JSON file", err)) <
        0)
        return rc;
    for (;;) {
        char key[64];
        uint64_t key_off;
        if ((rc = next_key(st, &first, "", err)) < 0)
            return rc;
        if (rc == 1)
            break;
        key_off = st->jp.tok_off;
        copy_key(st, key, sizeof(key));
        /* a known key given twice would be read twice (and 'pps' counted twice) */
        for (i = 0; i < sizeof(top_keys) / sizeof(top_keys[0]); i++) {
            if (strcmp(key, top_keys[i]) != 0)
                continue;
            if (seen & (1u << i))
                return mg_jp_error(&st->jp, err, MG_E_INPUT, "duplicate key '%s'", key);
            seen |= 1u << i;
        }
        if ((rc = mg_jp_expect(&st->jp, MG_JP_COLON, "':'", err)) < 0 ||
            (rc = top_member(st, key, key_off, err)) < 0)
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

static const char *gate_note(enum mg_profile_mode mode, bool rust)
{
    if (mode == MG_MODE_COPY)
        return "a Valgrind DHAT --mode=copy profile counts bytes copied by memcpy-like "
               "functions, not heap allocations: it cannot be gated on any heap metric (peak, "
               "total, count, end); run DHAT in its default heap mode to gate memory. Its "
               "hotspots (the biggest copy sites) are still shown";
    if (mode == MG_MODE_AD_HOC)
        return rust ? "a dhat-rs ad hoc profile counts user-defined units and events, not heap "
                      "allocations: no heap metric can be gated; only runtime_us (from 'te') can. "
                      "Its hotspots rank where the events happened"
                    : "a Valgrind DHAT --mode=ad-hoc profile counts user-defined units and "
                      "events, not heap allocations: nothing in it can be gated. Its hotspots "
                      "rank where the events happened";
    if (mode == MG_MODE_OTHER)
        return "unknown dhat mode without block lifetimes: only the totals could be read";
    return NULL;
}

static int fill_profile(dhat_state *st, mg_profile *p, mg_error *err)
{
    bool rust = !strncmp(st->mode, "rust-", 5) || (st->tu && !strcmp(st->tu, "\xC2\xB5s"));
    size_t top = st->opts->top_n ? st->opts->top_n : 10;
    mg_metrics *m = &p->metrics;

    p->mode = classify(st);
    if (mg_profile_set_str(&p->producer, rust ? "dhat-rs" : "valgrind-dhat", err) < 0 ||
        mg_profile_set_str(&p->mode_label, st->mode, err) < 0 ||
        mg_profile_set_str(&p->command, st->cmd, err) < 0 ||
        mg_profile_set_str(&p->gate_note, gate_note(p->mode, rust), err) < 0)
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
    mg_profile_add_extra(p, "program_points", st->n_pps, "count", "program points");
    mg_profile_add_extra(p, "frames", st->agg.n_added, "count", "frame table entries");
    /* dhat-rs times are microseconds; Valgrind's are instruction counts, not time */
    if (rust && st->has_te)
        mg_metrics_set(m, MG_RUNTIME_US, st->te);
    return mg_hotspot_agg_finish(&st->agg, p, top, err);
}

static void state_release(dhat_state *st)
{
    mg_jp_release(&st->jp);
    mg_hotspot_agg_release(&st->agg);
    pend_release(&st->pend);
    free(st->mode);
    free(st->tu);
    free(st->cmd);
    free(st->fs);
}

static void state_init(dhat_state *st, const mg_load_options *opts)
{
    memset(st, 0, sizeof(*st));
    st->opts = opts;
    mg_hotspot_agg_init(&st->agg, opts);
    st->agg.unique_stacks = true; /* dhat merges program points by stack */
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
    state_init(&st, opts);
    mg_jp_init_mem(&st.jp, data, len, p->source);
    return run(&st, p, err);
}

/* MEMGATE_THREADS=1 keeps all the work in one thread (for measuring, and to rule threads out). */
static int start_worker(dhat_state *st, mg_error *err)
{
    const char *env = getenv("MEMGATE_THREADS");
    if (env && !strcmp(env, "1"))
        return 0;
    return mg_hotspot_agg_start_worker(&st->agg, err);
}

static int parse_stream_once(mg_profile *p, FILE *f, const char *head, size_t head_len,
                             const mg_load_options *opts, bool read_ahead, bool *again,
                             mg_error *err)
{
    dhat_state st;
    struct stat sb;
    int fd = fileno(f), rc;

    bool regular = fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
    /* a second thread pays off from some megabytes on; a pipe may be of any size */
    bool big = !regular || sb.st_size >= ((off_t)8 << 20);

    state_init(&st, opts);
    mg_jp_init_stream(&st.jp, f, head, head_len, p->source);
    if (big && start_worker(&st, err) < 0) {
        state_release(&st);
        return -err->code;
    }
    if (regular && read_ahead && !getenv("MEMGATE_NO_PRELOAD") &&
        preload_ftbl(&st, fd, (uint64_t)sb.st_size, err) < 0) {
        if (err && err->code) {
            state_release(&st);
            return -err->code;
        }
        /* not found or not verifiable: the frame table is read where it is, and counted
           from zero there (fuzz_profile: the names read ahead were counted twice) */
        mg_hotspot_agg_release(&st.agg);
        mg_hotspot_agg_init(&st.agg, opts);
        st.ftbl_bytes = 0;
        st.agg.unique_stacks = true;
        if (big && start_worker(&st, err) < 0) {
            state_release(&st);
            return -err->code;
        }
    }
    rc = run(&st, p, err);
    *again = st.second_ftbl;
    return rc;
}

static int parse_stream(mg_profile *p, FILE *f, const char *head, size_t head_len,
                        const mg_load_options *opts, mg_error *err)
{
    bool again = false;
    int rc = parse_stream_once(p, f, head, head_len, opts, true, &again, err);
    if (rc < 0 && again) {
        /* two frame tables: read the (regular, so seekable) file again in order */
        mg_error_init(err);
        if (fseeko(f, (off_t)head_len, SEEK_SET) != 0)
            return mg_error_set(err, MG_E_IO, "cannot seek in '%s'", p->source);
        rc = parse_stream_once(p, f, head, head_len, opts, false, &again, err);
    }
    return rc;
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
    false,
};
