/* Backtraces of heaptrack_print text into the stack store (see heaptrack_print_stacks.h). */
#include "ingest/heaptrack_print_stacks.h"

#include <stdlib.h>
#include <string.h>

#include "ingest/heaptrack_frames.h"
#include "ingest/hotspot.h"
#include "ingest/lines.h"
#include "memgate/buf.h"
#include "strmap.h"

#define NOT_LISTED "[not listed by heaptrack_print]"

bool mg_htp_scan_size(const char *s, size_t n, size_t *used, uint64_t *out)
{
    static const char units[] = "BKMGT";
    size_t u;
    uint64_t v, mult = 1;
    int k;
    *used = 0;
    if (!mg_scan_decimal_scaled(s, n, 2, &u, &v) || u >= n || !memchr(units, s[u], 5))
        return false;
    for (k = 0; units[k] != s[u]; k++)
        mult *= 1000;
    *used = u + 1;
    if (s[u] != 'B' && *used < n && s[*used] == 'B')
        (*used)++; /* "12.87MB": heaptrack before 1.1 */
    if (v > UINT64_MAX / mult)
        return false;
    *out = v * mult / 100; /* two decimals were scaled in */
    return true;
}

enum htp_section { SEC_OTHER, SEC_CALLS, SEC_PEAK };

/* One backtrace being read: its frames (ids) and weights. */
struct htp_state {
    const char *source;
    mg_hotspot_agg agg;
    mg_strmap frames; /* frame text -> id */
    mg_strmap stacks; /* printed backtrace and its occurrence -> index in w */
    /* Two traces can print alike (their addresses differ): within a section each counts,
       the k-th of them in another section is the same as the k-th here. */
    mg_strmap occ; /* printed backtrace -> index in n_occ, for the current section */
    size_t *n_occ, occ_cap;
    uint64_t (*w)[2]; /* per unique stack: calls, peak */
    size_t n_stacks, w_cap;
    uint32_t *fs; /* header frames, then the current backtrace's */
    size_t n_head, n, fs_cap;
    /* the same, as printed (frame texts drop the line of a frame in a shared object, so two
       printed backtraces can share their frame ids): what a backtrace is known by */
    mg_buf key;
    size_t key_head;
    mg_ht_frame cur;    /* the frame whose "at"/"in" lines are being read */
    const char *module; /* of the last frame that named one: frames inlined into it follow */
    size_t module_len;
    bool has_cur, in_sub;
    uint64_t calls, peak; /* of the entry or backtrace being read */
    bool has_weights;
    mg_buf text;
};

/* The frame read so far becomes an id at the end of the stack. */
static int flush_frame(struct htp_state *st, mg_error *err)
{
    size_t id;
    int inserted;
    if (!st->has_cur)
        return 0;
    st->has_cur = false;
    if (st->cur.module_len) {
        st->module = st->cur.module;
        st->module_len = st->cur.module_len;
    } else {
        st->cur.module = st->module;
        st->cur.module_len = st->module_len;
    }
    st->text.len = 0;
    if (mg_ht_frame_text(&st->text, &st->cur, err) < 0)
        return -err->code;
    if (mg_strmap_upsert(&st->frames, st->text.data, st->text.len, st->frames.count, &id, &inserted,
                         err) < 0 ||
        mg_buf_printf(&st->key, err, "%.*s\x1f%.*s:%llu\x1f%.*s\x1e", (int)st->cur.name_len,
                      st->cur.name, (int)st->cur.file_len, st->cur.file,
                      (unsigned long long)st->cur.line, (int)st->text.len, st->text.data) < 0)
        return -err->code;
    if (inserted && mg_hotspot_agg_add_frame(&st->agg, st->text.data, st->text.len, err) < 0)
        return -err->code;
    if (mg_grow_array((void **)&st->fs, &st->fs_cap, st->n + 1, sizeof(*st->fs), 64, err) < 0)
        return -err->code;
    st->fs[st->n++] = (uint32_t)id;
    return 0;
}

/* The backtrace read so far, once: a stack listed in both sections counts once. */
static int flush_stack(struct htp_state *st, mg_error *err)
{
    static const uint32_t none = 0;
    size_t idx, len;
    int rc;
    int inserted;
    if (!st->has_weights)
        return 0;
    st->has_weights = false;
    if (flush_frame(st, err) < 0)
        return -err->code;
    if (mg_strmap_upsert(&st->occ, st->key.data ? st->key.data : "", st->key.len, st->occ.count,
                         &idx, &inserted, err) < 0 ||
        mg_grow_array((void **)&st->n_occ, &st->occ_cap, st->occ.count, sizeof(size_t), 64, err) <
            0)
        return -err->code;
    if (inserted)
        st->n_occ[idx] = 0;
    len = st->key.len;
    if (mg_buf_printf(&st->key, err, "#%zu", ++st->n_occ[idx]) < 0)
        return -err->code;
    rc = mg_strmap_upsert(&st->stacks, st->key.data, st->key.len, st->n_stacks, &idx, &inserted,
                          err);
    st->key.len = len;
    if (rc < 0)
        return rc;
    if (!inserted)
        return 0;
    if (mg_grow_array((void **)&st->w, &st->w_cap, st->n_stacks + 1, sizeof(*st->w), 64, err) < 0)
        return -err->code;
    st->w[st->n_stacks][0] = st->calls;
    st->w[st->n_stacks][1] = st->peak;
    st->n_stacks++;
    return mg_hotspot_agg_add_pp(&st->agg, st->n ? st->fs : &none, st->n, 0, st->calls, st->peak, 0,
                                 err);
}

/* "84 calls to allocation functions with 1.68K peak consumption from" and its kin. */
static bool weights(const mg_line *l, enum htp_section sec, bool *sub, uint64_t *calls,
                    uint64_t *peak)
{
    const char *s = l->s, *e = l->s + l->len;
    size_t used;
    const char *a =
        sec == SEC_CALLS ? " calls to allocation functions with " : " peak memory consumed over ";
    const char *b = sec == SEC_CALLS ? " calls with " : " consumed over ";
    const char *mid, *tail;
    if (sec == SEC_CALLS) {
        if (!mg_scan_u64(s, l->len, &used, calls) || !used)
            return false;
    } else if (!mg_htp_scan_size(s, l->len, &used, peak)) {
        return false;
    }
    s += used;
    if ((size_t)(e - s) > strlen(a) && !memcmp(s, a, strlen(a)))
        mid = a, *sub = false;
    else if ((size_t)(e - s) > strlen(b) && !memcmp(s, b, strlen(b)))
        mid = b, *sub = true;
    else
        return false;
    s += strlen(mid);
    if (sec == SEC_CALLS) {
        if (!mg_htp_scan_size(s, (size_t)(e - s), &used, peak))
            return false;
        tail = *sub ? " peak consumption from:" : " peak consumption from";
    } else {
        if (!mg_scan_u64(s, (size_t)(e - s), &used, calls) || !used)
            return false;
        tail = *sub ? " calls from:" : " calls from";
    }
    s += used;
    return (size_t)(e - s) == strlen(tail) && !memcmp(s, tail, strlen(tail));
}

static bool all_hex_address(const char *s, size_t n)
{
    size_t i;
    if (n < 3 || s[0] != '0' || s[1] != 'x')
        return false;
    for (i = 2; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* A frame line ("NAME", indented by `indent`) or one of its "at FILE:LINE" / "in MODULE". */
static int frame_line(struct htp_state *st, const mg_line *l, size_t indent, mg_error *err)
{
    const char *s = l->s + indent;
    size_t n = l->len - indent, k, used;
    if (n > 5 && !memcmp(s, "  at ", 5) && st->has_cur) {
        s += 5, n -= 5;
        for (k = n; k && s[k - 1] != ':'; k--)
            ;
        if (k && mg_scan_u64(s + k, n - k, &used, &st->cur.line) && used == n - k && used) {
            st->cur.file = s;
            st->cur.file_len = k - 1;
        } else {
            st->cur.file = s;
            st->cur.file_len = n;
        }
        return 0;
    }
    if (n > 5 && !memcmp(s, "  in ", 5) && st->has_cur) {
        st->cur.module = s + 5;
        st->cur.module_len = n - 5;
        return 0;
    }
    if (flush_frame(st, err) < 0)
        return -err->code;
    memset(&st->cur, 0, sizeof(st->cur));
    st->has_cur = true;
    if (all_hex_address(s, n)) {
        size_t u;
        st->cur.has_addr = mg_scan_hex_u64(s + 2, n - 2, &u, &st->cur.addr) && u == n - 2;
    } else {
        st->cur.name = s;
        st->cur.name_len = n;
    }
    return 0;
}

static int line(struct htp_state *st, enum htp_section sec, const mg_line *l, mg_error *err)
{
    bool sub;
    uint64_t calls = 0, peak = 0;
    size_t indent = 0;
    if (l->len == 0 || mg_line_starts(l, "  and ")) {
        if (flush_stack(st, err) < 0)
            return -err->code;
        if (l->len == 0)
            st->n = st->n_head = st->key.len = st->key_head = 0, st->in_sub = false;
        return 0;
    }
    if (l->s[0] != ' ' && weights(l, sec, &sub, &calls, &peak)) {
        if (!sub) {
            if (flush_stack(st, err) < 0)
                return -err->code;
            st->n = st->n_head = 0;
            st->key.len = st->key_head = 0;
            st->in_sub = false;
            st->module_len = 0;
        } else if (!st->in_sub) {
            /* the entry's own weights are the sum of its backtraces: only those count */
            st->has_weights = false;
            if (flush_frame(st, err) < 0)
                return -err->code;
            st->n_head = st->n;
            st->key_head = st->key.len;
            st->in_sub = true;
        } else {
            if (flush_stack(st, err) < 0)
                return -err->code;
            st->n = st->n_head;
            st->key.len = st->key_head;
        }
        st->calls = calls;
        st->peak = peak;
        st->has_weights = true;
        return 0;
    }
    if (st->in_sub) {
        if (l->len < 4 || memcmp(l->s, "    ", 4) != 0)
            return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, 1,
                                   "expected a backtrace frame indented by four spaces");
        indent = 4;
    }
    return frame_line(st, l, indent, err);
}

static enum htp_section section(const mg_line *l, bool *is_header)
{
    size_t i;
    /* capitals and spaces only: no function name has a space without a lower-case letter */
    *is_header = l->len > 10 && mg_line_find(l, " ") != NULL;
    for (i = 0; i < l->len && *is_header; i++)
        if (!((l->s[i] >= 'A' && l->s[i] <= 'Z') || l->s[i] == ' '))
            *is_header = false;
    if (!*is_header)
        return SEC_OTHER;
    if (mg_line_starts(l, "MOST CALLS TO ALLOCATION FUNCTIONS"))
        return SEC_CALLS;
    if (mg_line_starts(l, "PEAK MEMORY CONSUMERS"))
        return SEC_PEAK;
    return SEC_OTHER;
}

/* What the listed stacks leave of the summary's calls and peak: one stack. */
static int not_listed(struct htp_state *st, const mg_profile *p, mg_error *err)
{
    const mg_metrics *m = &p->metrics;
    uint64_t calls = 0, peak = 0, rest_calls, rest_peak;
    uint32_t id;
    size_t i;
    for (i = 0; i < st->n_stacks; i++)
        calls += st->w[i][0], peak += st->w[i][1];
    rest_calls = m->present[MG_ALLOC_COUNT] && m->value[MG_ALLOC_COUNT] > calls
                     ? m->value[MG_ALLOC_COUNT] - calls
                     : 0;
    rest_peak = m->value[MG_PEAK_BYTES] > peak ? m->value[MG_PEAK_BYTES] - peak : 0;
    if (!rest_calls && !rest_peak)
        return 0;
    id = (uint32_t)st->frames.count;
    if (mg_hotspot_agg_add_frame(&st->agg, NOT_LISTED, strlen(NOT_LISTED), err) < 0)
        return -err->code;
    return mg_hotspot_agg_add_pp(&st->agg, &id, 1, 0, rest_calls, rest_peak, 0, err);
}

int mg_htp_stacks(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                  mg_error *err)
{
    struct htp_state st;
    enum htp_section sec = SEC_OTHER;
    mg_lines it;
    mg_line l;
    int rc = 0;

    memset(&st, 0, sizeof(st));
    st.source = p->source;
    mg_strmap_init(&st.frames);
    mg_strmap_init(&st.stacks);
    mg_strmap_init(&st.occ);
    mg_buf_init(&st.text, MG_BUF_DEFAULT_CAP);
    mg_buf_init(&st.key, MG_BUF_DEFAULT_CAP);
    mg_hotspot_agg_init(&st.agg, opts);
    mg_lines_init(&it, data, len);
    while (rc == 0 && mg_lines_next(&it, &l)) {
        bool hdr;
        enum htp_section s = section(&l, &hdr);
        if (hdr) {
            if ((rc = flush_stack(&st, err)) < 0)
                break;
            sec = s;
            mg_strmap_release(&st.occ);
            mg_strmap_init(&st.occ);
            st.n = st.n_head = st.key.len = st.key_head = 0;
            st.in_sub = st.has_cur = false;
            continue;
        }
        if (sec == SEC_OTHER)
            continue;
        if (mg_line_starts(&l, "total runtime: ")) {
            sec = SEC_OTHER;
            continue;
        }
        rc = line(&st, sec, &l, err);
    }
    if (rc == 0)
        rc = flush_stack(&st, err);
    /* a print without backtraces (-a 0 -p 0) has no stacks, not one stack of everything */
    if (rc == 0 && st.n_stacks)
        rc = not_listed(&st, p, err);
    if (rc == 0 && st.n_stacks)
        rc = mg_hotspot_agg_finish(&st.agg, p, opts && opts->top_n ? opts->top_n : 10, err);
    mg_hotspot_agg_release(&st.agg);
    mg_strmap_release(&st.frames);
    mg_strmap_release(&st.stacks);
    mg_strmap_release(&st.occ);
    free(st.n_occ);
    mg_buf_release(&st.text);
    mg_buf_release(&st.key);
    free(st.w);
    free(st.fs);
    return rc < 0 ? rc : 0;
}
