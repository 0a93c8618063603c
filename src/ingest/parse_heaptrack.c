/*
 * heaptrack data files (heaptrack.PROG.PID[.gz|.zst], already decompressed by
 * the loader): exact metrics by replaying the allocation lines, as
 * heaptrack_print does, and the stacks of its trace tree (heaptrack_tree.c)
 * with what each allocation info put under them. Line-oriented, all numbers
 * lower-case hex.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/heaptrack_tree.h"
#include "ingest/hotspot.h"
#include "ingest/ingest.h"
#include "ingest/linereader.h"
#include "ingest/lines.h"
#include "memgate/buf.h"
#include "memgate/num.h"

/*
 * One allocation info ('a' line): its size and trace, and what the replay put
 * under it. Bytes live at the peak are kept lazily: `snap` holds the live bytes
 * as of peak number `epoch` when the info changed after that peak, so each
 * line costs O(1) however often the peak moves (heaptrack_print keeps the same
 * figure, the live bytes when the highest peak is first reached).
 */
struct ht_info {
    uint64_t size, trace;
    uint64_t count, total, live, snap, epoch;
};

struct ht_state {
    const char *source;
    struct ht_info *infos; /* 0-based */
    size_t n_infos, cap_infos;
    uint64_t epoch; /* peaks reached so far */
    mg_ht_tree tree;
    uint64_t version, file_version;
    bool has_version, attached;
    uint64_t live, live_blocks, peak, peak_blocks, total, calls, frees, temporary;
    bool last_was_alloc;
    uint64_t last_alloc;
    uint64_t page_size, max_rss_pages, last_c;
    bool has_c, has_rss;
    char *cmd;
};

static int bad(const struct ht_state *st, unsigned long line, unsigned long col, const char *what,
               mg_error *err)
{
    return mg_error_set_at(err, MG_E_INPUT, st->source, line, col, "%s", what);
}

/* Parse hex field number `idx` (0 = first after the type letter) of line s. */
static int field(const struct ht_state *st, const char *s, size_t len, unsigned long no,
                 unsigned idx, uint64_t *out, mg_error *err)
{
    size_t pos = 1, used;
    unsigned i;
    for (i = 0; i <= idx; i++) {
        if (pos >= len || s[pos] != ' ')
            return bad(st, no, pos + 1, "expected a space and a hexadecimal field", err);
        pos++;
        if (i < idx) {
            while (pos < len && s[pos] != ' ')
                pos++;
        }
    }
    if (!mg_scan_hex_u64(s + pos, len - pos, &used, out))
        return mg_error_set_at(err, MG_E_OVERFLOW, st->source, no, pos + 1,
                               "number does not fit in 64 bits");
    if (used == 0 || (pos + used < len && s[pos + used] != ' '))
        return bad(st, no, pos + 1 + used, "expected a hexadecimal number", err);
    return 0;
}

static int on_version(struct ht_state *st, const char *s, size_t len, unsigned long no,
                      mg_error *err)
{
    int rc = field(st, s, len, no, 0, &st->version, err);
    if (rc < 0)
        return rc;
    st->has_version = true;
    if (memchr(s + 2, ' ', len - 2) && (rc = field(st, s, len, no, 1, &st->file_version, err)) < 0)
        return rc;
    if (st->file_version == 0)
        return bad(st, no, 1,
                   "heaptrack data file version 0 (heaptrack before 1.0) is not supported; "
                   "pass its heaptrack_print output instead",
                   err);
    if (st->file_version > 3)
        return bad(st, no, 1,
                   "heaptrack data file version is newer than 3 (heaptrack 1.3-1.5); pass its "
                   "heaptrack_print output instead",
                   err);
    st->tree.sized_strings = st->file_version >= 3;
    return 0;
}

static int on_info(struct ht_state *st, const char *s, size_t len, unsigned long no, mg_error *err)
{
    struct ht_info in;
    int rc;
    memset(&in, 0, sizeof(in));
    if ((rc = field(st, s, len, no, 0, &in.size, err)) < 0 ||
        (rc = field(st, s, len, no, 1, &in.trace, err)) < 0)
        return rc;
    if (in.trace > st->tree.n_traces)
        return bad(st, no, 3, "allocation info names a trace not defined by an earlier 't' line",
                   err);
    if (mg_grow_array((void **)&st->infos, &st->cap_infos, st->n_infos + 1, sizeof(*st->infos),
                      1024, err) < 0)
        return -err->code;
    st->infos[st->n_infos++] = in;
    return 0;
}

/* Before an info's live bytes change: keep what they were at the last peak. */
static void keep_peak(struct ht_state *st, struct ht_info *in)
{
    if (in->epoch != st->epoch) {
        in->snap = in->live;
        in->epoch = st->epoch;
    }
}

static int info_index(const struct ht_state *st, const char *s, size_t len, unsigned long no,
                      uint64_t *idx, mg_error *err)
{
    int rc = field(st, s, len, no, 0, idx, err);
    if (rc < 0)
        return rc;
    if (*idx >= st->n_infos)
        return mg_error_set_at(err, MG_E_INPUT, st->source, no, 3,
                               "allocation info %llx is not defined by an earlier 'a' line",
                               (unsigned long long)*idx);
    return 0;
}

static int on_alloc(struct ht_state *st, const char *s, size_t len, unsigned long no, mg_error *err)
{
    struct ht_info *in;
    uint64_t idx;
    int rc;
    if (memchr(s + 2, ' ', len > 2 ? len - 2 : 0))
        return bad(st, no, 1,
                   "pointer-based '+' line (heaptrack data file version 0) is not supported", err);
    if ((rc = info_index(st, s, len, no, &idx, err)) < 0)
        return rc;
    in = &st->infos[idx];
    if (!mg_u64_add(st->live, in->size, &st->live) || !mg_u64_add(st->total, in->size, &st->total))
        return mg_error_set_at(err, MG_E_OVERFLOW, st->source, no, 1,
                               "allocated bytes do not fit in 64 bits");
    /* each below the overall sums just checked */
    keep_peak(st, in);
    in->live += in->size;
    in->total += in->size;
    in->count++;
    st->calls++;
    st->live_blocks++;
    if (st->live > st->peak) {
        st->peak = st->live;
        st->peak_blocks = st->live_blocks;
        st->epoch++; /* every info's live bytes are now its bytes at the peak */
    }
    st->last_was_alloc = true;
    st->last_alloc = idx;
    return 0;
}

static int on_free(struct ht_state *st, const char *s, size_t len, unsigned long no, mg_error *err)
{
    uint64_t idx;
    struct ht_info *in;
    int rc = info_index(st, s, len, no, &idx, err);
    if (rc < 0)
        return rc;
    in = &st->infos[idx];
    keep_peak(st, in);
    in->live = in->live < in->size ? 0 : in->live - in->size;
    /* temporary: freed right after its own allocation, nothing in between */
    if (st->last_was_alloc && st->last_alloc == idx)
        st->temporary++;
    st->last_was_alloc = false;
    st->frees++;
    if (st->live < in->size || st->live_blocks == 0) {
        if (!st->attached)
            return bad(st, no, 1, "free of more bytes than are live", err);
        st->live = st->live < in->size ? 0 : st->live - in->size;
        st->live_blocks = st->live_blocks ? st->live_blocks - 1 : 0;
        return 0;
    }
    st->live -= in->size;
    st->live_blocks--;
    return 0;
}

static int on_line(struct ht_state *st, const char *s, size_t len, unsigned long no, mg_error *err)
{
    uint64_t v;
    int rc;

    if (len == 0)
        return 0;
    if (len > 1 && s[1] != ' ')
        return bad(st, no, 2, "expected a record type letter followed by a space", err);
    switch (s[0]) {
    case 'v':
        return on_version(st, s, len, no, err);
    case 'a':
        return on_info(st, s, len, no, err);
    case '+':
        return on_alloc(st, s, len, no, err);
    case '-':
        return on_free(st, s, len, no, err);
    case 'X':
        if (!st->cmd && !(st->cmd = strndup(s + (len > 2 ? 2 : len), len > 2 ? len - 2 : 0)))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        return 0;
    case 'I':
        return field(st, s, len, no, 0, &st->page_size, err);
    case 'c':
        if ((rc = field(st, s, len, no, 0, &st->last_c, err)) == 0)
            st->has_c = true;
        return rc;
    case 'R':
        if ((rc = field(st, s, len, no, 0, &v, err)) < 0)
            return rc;
        st->has_rss = true;
        if (v > st->max_rss_pages)
            st->max_rss_pages = v;
        return 0;
    case 'A':
        st->attached = true;
        return 0;
    case 'x':
    case 'm':
        return bad(st, no, 1,
                   "uninterpreted heaptrack data (recorded with --raw): convert it with "
                   "heaptrack_interpret first, or pass heaptrack_print output",
                   err);
    case 's':
        return mg_ht_tree_string(&st->tree, s, len, no, err);
    case 'i':
        return mg_ht_tree_ip(&st->tree, s, len, no, err);
    case 't':
        return mg_ht_tree_trace(&st->tree, s, len, no, err);
    case '#':
    case 'S':
        return 0; /* comments, suppressions */
    default:
        return bad(st, no, 1, "unknown heaptrack record type", err);
    }
}

static int fill(struct ht_state *st, mg_profile *p, mg_error *err)
{
    mg_metrics *m = &p->metrics;
    uint64_t v;

    mg_metrics_set(m, MG_PEAK_BYTES, st->peak);
    mg_metrics_set(m, MG_PEAK_BLOCKS, st->peak_blocks);
    mg_metrics_set(m, MG_TOTAL_BYTES, st->total);
    mg_metrics_set(m, MG_ALLOC_COUNT, st->calls);
    mg_metrics_set(m, MG_END_BYTES, st->live);
    mg_metrics_set(m, MG_END_BLOCKS, st->live_blocks);
    /* 'c' lines are milliseconds since start; heaptrack_print adds one */
    if (st->has_c && mg_u64_add(st->last_c, 1, &v) && mg_u64_mul(v, 1000, &v))
        mg_metrics_set(m, MG_RUNTIME_US, v);
    if (st->has_rss && st->page_size && mg_u64_mul(st->max_rss_pages, st->page_size, &v))
        mg_metrics_set(m, MG_PEAK_RSS, v);
    mg_profile_add_extra(p, "temporary_allocations", st->temporary, "count",
                         "temporary allocations (freed with nothing allocated in between)");
    mg_profile_add_extra(p, "deallocation_count", st->frees, "count", "deallocations");
    p->mode = MG_MODE_HEAP;
    if (mg_profile_set_str(&p->producer, "heaptrack", err) < 0 ||
        mg_profile_set_str(&p->mode_label, "heap", err) < 0 ||
        mg_profile_set_str(&p->command, st->cmd, err) < 0)
        return -err->code;
    if (st->attached && mg_profile_set_str(&p->note,
                                           "heaptrack attached to a running process: allocations "
                                           "made before it attached are not counted",
                                           err) < 0)
        return -err->code;
    return 0;
}

/*
 * Each trace's weights (what its allocation infos allocated, and held at the
 * peak and at the end) into the profile's stack store and hotspots.
 */
static int stacks(struct ht_state *st, mg_profile *p, const mg_load_options *opts, mg_error *err)
{
    size_t nt = st->tree.n_traces + 1, i;
    uint64_t *w = calloc(nt, MG_W_COUNT_ * sizeof(uint64_t));
    mg_hotspot_agg agg;
    int rc = 0;
    if (!w)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (i = 0; i < st->n_infos; i++) {
        const struct ht_info *in = &st->infos[i];
        uint64_t *x = w + MG_W_COUNT_ * in->trace;
        /* no overflow: each sum is below the file's overall sums, which fit */
        x[MG_W_TOTAL] += in->total;
        x[MG_W_COUNT] += in->count;
        x[MG_W_PEAK] += in->epoch == st->epoch ? in->snap : in->live;
        x[MG_W_END] += in->live;
    }
    mg_hotspot_agg_init(&agg, opts);
    rc = mg_ht_tree_emit(&st->tree, w, &agg, err);
    if (rc == 0)
        rc = mg_hotspot_agg_finish(&agg, p, opts && opts->top_n ? opts->top_n : 10, err);
    if (rc == 0 && p->stacks)
        mg_stacks_set_has_end(p->stacks, true);
    mg_hotspot_agg_release(&agg);
    free(w);
    return rc;
}

static int run(mg_profile *p, mg_linereader *r, const mg_load_options *opts, mg_error *err)
{
    struct ht_state st;
    int rc;

    memset(&st, 0, sizeof(st));
    st.source = p->source;
    st.tree.source = p->source;
    while ((rc = mg_linereader_next(r, p->source, err)) > 0) {
        if (r->no == 1 && (r->line_len < 2 || memcmp(r->line, "v ", 2) != 0)) {
            rc = bad(&st, 1, 1, "a heaptrack data file starts with a 'v VERSION' line", err);
            break;
        }
        if ((rc = on_line(&st, r->line, r->line_len, r->no, err)) < 0)
            break;
    }
    if (rc == 0 && !st.has_version)
        rc = bad(&st, r->no, 0, "empty heaptrack data file", err);
    if (rc == 0)
        rc = fill(&st, p, err);
    if (rc == 0)
        rc = stacks(&st, p, opts, err);
    free(st.infos);
    mg_ht_tree_release(&st.tree);
    free(st.cmd);
    return rc;
}

static int parse_stream(mg_profile *p, FILE *f, const char *head, size_t head_len,
                        const mg_load_options *opts, mg_error *err)
{
    mg_linereader r;
    int rc;
    mg_linereader_init(&r, head, head_len, f, (size_t)16 << 20);
    rc = run(p, &r, opts, err);
    mg_linereader_release(&r);
    return rc;
}

static int parse_mem(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                     mg_error *err)
{
    return parse_stream(p, NULL, data, len, opts, err);
}

/* First line "v HEX[ HEX]", and a later line starting "X " or "s ". */
static bool looks_like_data(const char *head, size_t len)
{
    size_t i = 2;
    if (len < 3 || head[0] != 'v' || head[1] != ' ')
        return false;
    while (i < len && ((head[i] >= '0' && head[i] <= '9') || (head[i] >= 'a' && head[i] <= 'f') ||
                       head[i] == ' '))
        i++;
    if (i >= len || (head[i] != '\n' && head[i] != '\r'))
        return false;
    return strstr(head, "\nX ") || strstr(head, "\ns ");
}

static bool is_raw(const char *head)
{
    return strstr(head, "\nx ") || strstr(head, "\nm ");
}

static bool detect(const char *head, size_t len)
{
    return looks_like_data(head, len) && !is_raw(head);
}

const mg_format mg_format_heaptrack = {
    MG_FORMAT_HEAPTRACK,
    "heaptrack data file (plain, .gz or .zst): exact bytes by replaying its allocations",
    detect,
    parse_mem,
    parse_stream,
    false,
};

static bool detect_raw(const char *head, size_t len)
{
    return looks_like_data(head, len) && is_raw(head);
}

static int refuse_raw(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                      mg_error *err)
{
    (void)data, (void)len, (void)opts;
    return mg_error_set_at(err, MG_E_INPUT, p->source, 0, 0,
                           "uninterpreted heaptrack data (recorded with 'heaptrack --raw'): "
                           "convert it with heaptrack_interpret, or pass heaptrack_print output");
}

const mg_format mg_format_unsupported_heaptrack_raw = {
    "heaptrack-raw",
    "uninterpreted heaptrack --raw data (not supported)",
    detect_raw,
    refuse_raw,
    NULL,
    true,
};
