/* heaptrack_print text: the summary block at its end (sizes rounded, 1000-based units). */
#include <string.h>

#include "ingest/heaptrack_print_stacks.h"
#include "ingest/ingest.h"
#include "ingest/lines.h"
#include "memgate/num.h"

struct ht_print {
    const char *source;
    bool has_peak, has_calls, has_leaked, has_rss, has_runtime, has_total, has_temp;
    bool has_suppressed;
    uint64_t peak, calls, leaked, rss, runtime_us, total, temp, suppressed;
    char cmd[512];
};

/* A heaptrack SIZE (mg_htp_scan_size): rounded like the print. */
static int size_at(const struct ht_print *st, const mg_line *l, const char *p, uint64_t *out,
                   mg_error *err)
{
    const char *end = l->s + l->len;
    size_t used;
    uint64_t v;

    if (p < end && *p == '-')
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, mg_line_col(l, p),
                               "negative size: this looks like 'heaptrack_print --diff' output, "
                               "pass the data file of one run instead");
    if (mg_htp_scan_size(p, (size_t)(end - p), &used, out))
        return 0;
    if (used)
        return mg_error_set_at(err, MG_E_OVERFLOW, st->source, l->no, mg_line_col(l, p),
                               "size does not fit in 64 bits");
    if (!mg_scan_decimal_scaled(p, (size_t)(end - p), 2, &used, &v))
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, mg_line_col(l, p),
                               "expected a size such as 19.19M or 544B");
    return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, mg_line_col(l, p + used),
                           "expected a unit B, K, M, G or T after the number");
}

static int count_at(const struct ht_print *st, const mg_line *l, const char *p, uint64_t *out,
                    mg_error *err)
{
    size_t used;
    if (!mg_scan_u64(p, (size_t)(l->s + l->len - p), &used, out))
        return mg_error_set_at(err, MG_E_OVERFLOW, st->source, l->no, mg_line_col(l, p),
                               "count does not fit in 64 bits");
    if (used == 0)
        return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, mg_line_col(l, p),
                               "expected a count");
    return 0;
}

static const struct {
    const char *prefix;
    bool is_size;
    size_t has_off, val_off;
} summary_lines[] = {
    {"peak heap memory consumption: ", true, offsetof(struct ht_print, has_peak),
     offsetof(struct ht_print, peak)},
    {"peak RSS (including heaptrack overhead): ", true, offsetof(struct ht_print, has_rss),
     offsetof(struct ht_print, rss)},
    {"total memory leaked: ", true, offsetof(struct ht_print, has_leaked),
     offsetof(struct ht_print, leaked)},
    {"suppressed leaks: ", true, offsetof(struct ht_print, has_suppressed),
     offsetof(struct ht_print, suppressed)},
    {"bytes allocated in total (ignoring deallocations): ", true,
     offsetof(struct ht_print, has_total), offsetof(struct ht_print, total)},
    {"calls to allocation functions: ", false, offsetof(struct ht_print, has_calls),
     offsetof(struct ht_print, calls)},
    {"temporary memory allocations: ", false, offsetof(struct ht_print, has_temp),
     offsetof(struct ht_print, temp)},
};

static int scan_line(struct ht_print *st, const mg_line *l, mg_error *err)
{
    size_t i;
    if (mg_line_starts(l, "Debuggee command was: ") && !st->cmd[0]) {
        snprintf(st->cmd, sizeof(st->cmd), "%.*s", (int)(l->len - 22), l->s + 22);
        return 0;
    }
    if (mg_line_starts(l, "total runtime: ")) {
        size_t used;
        const char *p = l->s + 15;
        if (!mg_scan_decimal_scaled(p, l->len - 15, 6, &used, &st->runtime_us))
            return mg_error_set_at(err, MG_E_INPUT, st->source, l->no, 16,
                                   "expected seconds such as 1.00s.");
        st->has_runtime = true;
        return 0;
    }
    for (i = 0; i < sizeof(summary_lines) / sizeof(summary_lines[0]); i++) {
        size_t k = strlen(summary_lines[i].prefix);
        uint64_t *v = (uint64_t *)((char *)st + summary_lines[i].val_off);
        int rc;
        if (!mg_line_starts(l, summary_lines[i].prefix))
            continue;
        rc = summary_lines[i].is_size ? size_at(st, l, l->s + k, v, err)
                                      : count_at(st, l, l->s + k, v, err);
        if (rc == 0)
            *(bool *)((char *)st + summary_lines[i].has_off) = true;
        return rc;
    }
    return 0;
}

static void fill(const struct ht_print *st, mg_profile *p)
{
    mg_metrics *m = &p->metrics;
    mg_metrics_set(m, MG_PEAK_BYTES, st->peak);
    if (st->has_calls)
        mg_metrics_set(m, MG_ALLOC_COUNT, st->calls);
    if (st->has_leaked)
        mg_metrics_set(m, MG_END_BYTES, st->leaked);
    if (st->has_rss)
        mg_metrics_set(m, MG_PEAK_RSS, st->rss);
    if (st->has_runtime)
        mg_metrics_set(m, MG_RUNTIME_US, st->runtime_us);
    if (st->has_total)
        mg_metrics_set(m, MG_TOTAL_BYTES, st->total);
    if (st->has_temp)
        mg_profile_add_extra(p, "temporary_allocations", st->temp, "count",
                             "temporary allocations");
    if (st->has_suppressed)
        mg_profile_add_extra(p, "suppressed_leaks_bytes", st->suppressed, "bytes",
                             "suppressed leaks (not in end_bytes)");
}

static int parse(mg_profile *p, const char *data, size_t len, const mg_load_options *opts,
                 mg_error *err)
{
    struct ht_print st;
    mg_lines it;
    mg_line l;
    int rc;

    memset(&st, 0, sizeof(st));
    st.source = p->source;
    mg_lines_init(&it, data, len);
    while (mg_lines_next(&it, &l)) {
        if (mg_line_starts(&l, "reading diff file \""))
            return mg_error_set_at(err, MG_E_INPUT, st.source, l.no, 1,
                                   "this is 'heaptrack_print --diff' output (signed differences "
                                   "of two runs): pass one run's heaptrack_print output or data "
                                   "file instead");
        if ((rc = scan_line(&st, &l, err)) < 0)
            return rc;
    }
    if (!st.has_peak)
        return mg_error_set_at(err, MG_E_INPUT, st.source, it.no, 0,
                               "heaptrack_print output without 'peak heap memory consumption:' "
                               "(was it cut off before the summary at its end?)");
    fill(&st, p);
    if ((rc = mg_htp_stacks(p, data, len, opts, err)) < 0)
        return rc;
    p->mode = MG_MODE_HEAP;
    if (mg_profile_set_str(&p->producer, "heaptrack", err) < 0 ||
        mg_profile_set_str(&p->mode_label, "heap", err) < 0 ||
        (st.cmd[0] && mg_profile_set_str(&p->command, st.cmd, err) < 0) ||
        mg_profile_set_str(&p->gate_note,
                           "heaptrack_print rounds sizes to two decimals of K/M/G (1000-based, up "
                           "to 0.5% off), so peak, leaked and RSS are approximate: use limits "
                           "above 1% or pass the heaptrack data file (heaptrack.*.zst) for exact "
                           "bytes; heaptrack >= 1.2 prints no total bytes allocated, so "
                           "total_allocations_bytes is absent",
                           err) < 0)
        return -err->code;
    return 0;
}

static bool detect(const char *head, size_t len)
{
    if (mg_text_has_line_start(head, len, "reading file \"") &&
        strstr(head, "\nfinished reading file, now analyzing data:"))
        return true;
    return strstr(head, "\npeak heap memory consumption: ") ||
           strstr(head, "\ntotal memory leaked: ");
}

const mg_format mg_format_heaptrack_print = {
    MG_FORMAT_HEAPTRACK_PRINT,
    "heaptrack_print text output (its summary: peak heap, calls, leaked, peak RSS)",
    detect,
    parse,
    NULL,
    false,
};
