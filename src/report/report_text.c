/* Text report: the verdict line first, then an aligned metric table and the hotspots. */
#include <stdio.h>
#include <string.h>

#include "memgate/num.h"
#include "memgate/report.h"

#define RED "\x1b[31m"
#define GREEN "\x1b[32m"
#define YELLOW "\x1b[33m"
#define BOLD "\x1b[1m"
#define RESET "\x1b[0m"

static void amount(enum mg_metric m, uint64_t v, char *out, size_t size)
{
    if (mg_metric_is_bytes(m))
        mg_format_size(v, out, size);
    else if (m == MG_RUNTIME_US)
        snprintf(out, size, "%.2f s", (double)v / 1e6);
    else
        mg_format_count(v, out, size);
}

static const char *status_color(enum mg_status s)
{
    switch (s) {
    case MG_STATUS_FAIL:
        return RED;
    case MG_STATUS_WARN:
    case MG_STATUS_ABSENT:
        return YELLOW;
    case MG_STATUS_IMPROVED:
        return GREEN;
    case MG_STATUS_OK:
        return "";
    }
    return "";
}

static int profile_header(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_profile *p = in->profile;
    int rc = mg_buf_printf(b, err, "profile  %s (%s, %s, mode %s)\n", mg_profile_source(p),
                           mg_profile_format(p), mg_profile_producer(p),
                           mg_profile_mode_label(p) ? mg_profile_mode_label(p) : "?");
    if (rc == 0 && mg_profile_command(p))
        rc = mg_buf_printf(b, err, "command  %s\n", mg_profile_command(p));
    if (rc == 0 && mg_profile_note(p))
        rc = mg_buf_printf(b, err, "note     %s\n", mg_profile_note(p));
    if (rc == 0 && mg_profile_gate_note(p))
        rc = mg_buf_printf(b, err, "gating   %s\n", mg_profile_gate_note(p));
    return rc;
}

/* Values a format yields beside the metrics: shown, never gated. */
static int show_extras(mg_buf *b, const mg_profile *p, mg_error *err)
{
    size_t n, i;
    const mg_profile_extra *x = mg_profile_extras(p, &n);
    int rc = 0;
    for (i = 0; rc == 0 && i < n; i++) {
        char v[32], h[32] = "";
        mg_format_count(x[i].value, v, sizeof(v));
        if (!strcmp(x[i].unit, "bytes")) {
            char s[24];
            mg_format_size(x[i].value, s, sizeof(s));
            snprintf(h, sizeof(h), " bytes (%s)", s);
        } else if (!x[i].unit[0]) {
            snprintf(v, sizeof(v), "%llu", (unsigned long long)x[i].value);
        }
        rc = mg_buf_printf(b, err, "  %-26s %s%s  %s\n", x[i].key, v, h, x[i].label);
    }
    return rc;
}

static int metric_line(mg_buf *b, const char *label, const mg_metrics *m, enum mg_metric bytes,
                       enum mg_metric blocks, mg_error *err)
{
    char n1[32], h[32], n2[32];
    if (!m->present[bytes])
        return 0;
    mg_format_count(m->value[bytes], n1, sizeof(n1));
    mg_format_size(m->value[bytes], h, sizeof(h));
    if (blocks != MG_METRIC_COUNT && m->present[blocks]) {
        mg_format_count(m->value[blocks], n2, sizeof(n2));
        return mg_buf_printf(b, err, "%-16s %s bytes (%s) in %s blocks\n", label, n1, h, n2);
    }
    return mg_buf_printf(b, err, "%-16s %s bytes (%s)\n", label, n1, h);
}

static int show_metrics(mg_buf *b, const mg_profile *p, mg_error *err)
{
    const mg_metrics *m = mg_profile_metrics(p);
    uint64_t amount_, count;
    int rc = 0;

    rc = metric_line(b, "peak (t-gmax)", m, MG_PEAK_BYTES, MG_PEAK_BLOCKS, err);
    if (rc == 0)
        rc = metric_line(b, "total allocated", m, MG_TOTAL_BYTES, MG_ALLOC_COUNT, err);
    if (rc == 0 && !m->present[MG_TOTAL_BYTES] && m->present[MG_ALLOC_COUNT]) {
        char c[32];
        mg_format_count(m->value[MG_ALLOC_COUNT], c, sizeof(c));
        rc = mg_buf_printf(b, err, "%-16s %s\n", "allocations", c);
    }
    if (rc == 0)
        rc = metric_line(b, "at t-end", m, MG_END_BYTES, MG_END_BLOCKS, err);
    if (rc == 0)
        rc = metric_line(b, "peak RSS", m, MG_PEAK_RSS, MG_METRIC_COUNT, err);
    if (rc == 0 && m->present[MG_RUNTIME_US])
        rc = mg_buf_printf(b, err, "%-16s %.3f s (%llu us)\n", "runtime",
                           (double)m->value[MG_RUNTIME_US] / 1e6,
                           (unsigned long long)m->value[MG_RUNTIME_US]);
    if (rc == 0)
        rc = show_extras(b, p, err);
    if (rc == 0 && mg_profile_raw_total(p, &amount_, &count)) {
        char a[32], c[32];
        mg_format_count(amount_, a, sizeof(a));
        mg_format_count(count, c, sizeof(c));
        rc = mg_buf_printf(b, err,
                           "%-16s %s %s in %s %s (a %s profile: no heap metrics to gate)\n",
                           "total", a, mg_profile_mode(p) == MG_MODE_COPY ? "bytes copied" : "units",
                           c, mg_profile_mode(p) == MG_MODE_COPY ? "copies" : "events",
                           mg_profile_mode_label(p));
    }
    return rc;
}

/* Short display of a hotspot: its frame (address and long paths trimmed) or its label. */
static void hotspot_name(const mg_hotspot *h, char *out, size_t size)
{
    size_t len;
    mg_frame_short(h->stack_len || !h->frame ? h->function : h->frame, 90, out, size);
    len = strlen(out);
    snprintf(out + len, size - len, "%s%s", h->flags & MG_HOTSPOT_CLONE ? " [clone]" : "",
             h->flags & MG_HOTSPOT_TEST ? " [test]" : "");
}

static const struct {
    const char *title, *col;
} rank_text[MG_RANK_COUNT] = {
    {"total bytes", "total"},
    {"bytes at t-gmax", "at t-gmax"},
    {"allocation count", "blocks"},
};

static int show_ranking(mg_buf *b, const mg_profile *p, enum mg_rank r, mg_error *err)
{
    size_t n, i;
    const mg_hotspot *h = mg_profile_ranking(p, r, &n);
    uint64_t whole;
    int rc;

    if (n == 0 || !mg_profile_hotspot_whole(p, r, &whole) || whole == 0)
        return 0;
    rc = mg_buf_printf(b, err,
                       "\ntop %zu allocation hotspots by %s (attribution: memgate "
                       "--help-hotspots)\n  #  %-10s share   %-11s  %-10s  function\n",
                       n, rank_text[r].title, rank_text[r].col,
                       r == MG_RANK_ALLOC_COUNT ? "total" : "blocks",
                       r == MG_RANK_PEAK_BYTES ? "total" : "at t-gmax");
    for (i = 0; rc == 0 && i < n; i++) {
        char a[32], c[32], g[32], name[160];
        const mg_hotspot *x = &h[i];
        if (r == MG_RANK_ALLOC_COUNT) {
            mg_format_count(x->total_blocks, a, sizeof(a));
            mg_format_size(x->total_bytes, c, sizeof(c));
        } else {
            mg_format_size(r == MG_RANK_PEAK_BYTES ? x->peak_bytes : x->total_bytes, a,
                           sizeof(a));
            mg_format_count(x->total_blocks, c, sizeof(c));
        }
        mg_format_size(r == MG_RANK_PEAK_BYTES ? x->total_bytes : x->peak_bytes, g, sizeof(g));
        hotspot_name(x, name, sizeof(name));
        rc = mg_buf_printf(b, err, "%3zu  %-10s %5.1f%%  %-11s  %-10s  %s\n", i + 1, a,
                           100.0 * x->share, c, g, name);
    }
    return rc;
}

/* check shows the ranking by total bytes; show all three. */
static int show_hotspots(mg_buf *b, const mg_profile *p, bool all, mg_error *err)
{
    int rc = show_ranking(b, p, MG_RANK_TOTAL_BYTES, err);
    if (rc == 0 && all)
        rc = show_ranking(b, p, MG_RANK_PEAK_BYTES, err);
    if (rc == 0 && all)
        rc = show_ranking(b, p, MG_RANK_ALLOC_COUNT, err);
    if (rc == 0 && mg_profile_excluded_pps(p))
        rc = mg_buf_printf(b, err, "(%llu program points with a frame in a test file left out)\n",
                           (unsigned long long)mg_profile_excluded_pps(p));
    return rc;
}

static int verdict_line(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    const char *word = v->overall == MG_STATUS_FAIL ? "FAIL" : v->overall == MG_STATUS_WARN ? "WARN" : "PASS";
    const char *col = v->overall == MG_STATUS_FAIL ? RED : v->overall == MG_STATUS_WARN ? YELLOW : GREEN;
    char detail[160];

    if (v->n_fail)
        snprintf(detail, sizeof(detail), "%u metric%s regressed past the limit", v->n_fail,
                 v->n_fail == 1 ? "" : "s");
    else if (v->n_warn)
        snprintf(detail, sizeof(detail), "%u metric%s over the warning level", v->n_warn,
                 v->n_warn == 1 ? "" : "s");
    else if (v->n_improved)
        snprintf(detail, sizeof(detail), "no regression; %u metric%s improved", v->n_improved,
                 v->n_improved == 1 ? "" : "s");
    else
        snprintf(detail, sizeof(detail), "no regression");
    return mg_buf_printf(b, err, "%s%smemgate: %s%s - %s (workload %s, baseline %s)\n",
                         in->color ? BOLD : "", in->color ? col : "", word, in->color ? RESET : "",
                         detail, in->workload ? in->workload : "default", in->baseline_path);
}

static int table_row(mg_buf *b, const mg_row *r, bool color, mg_error *err)
{
    char base[24] = "-", cur[24] = "absent", delta[24] = "-", pct[16] = "-", limit[64];
    char status[16];

    if (r->in_baseline)
        amount(r->metric, r->baseline, base, sizeof(base));
    if (r->in_current)
        amount(r->metric, r->current, cur, sizeof(cur));
    if (r->in_baseline && r->in_current) {
        char d[24];
        amount(r->metric, r->delta, d, sizeof(d));
        snprintf(delta, sizeof(delta), "%s%s", r->delta == 0 ? "" : r->negative ? "-" : "+", d);
    }
    if (r->has_pct && r->in_current)
        snprintf(pct, sizeof(pct), "%+.1f%%", r->delta_pct);
    mg_limit_format(&r->limit, r->metric, limit, sizeof(limit));
    snprintf(status, sizeof(status), "%s", mg_status_name(r->status));
    for (char *s = status; *s; s++)
        *s = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
    return mg_buf_printf(b, err, "%-23s %10s %10s %11s %8s  %-16s %s%s%s\n",
                         mg_metric_name(r->metric), base, cur, delta, pct, limit,
                         color ? status_color(r->status) : "", status, color ? RESET : "");
}

static int check_report(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    unsigned i;
    int rc = verdict_line(b, in, err);

    if (rc == 0)
        rc = profile_header(b, in, err);
    if (rc == 0 && (in->baseline_measured_at || in->baseline_commit))
        rc = mg_buf_printf(b, err, "baseline measured %s at commit %s\n",
                           in->baseline_measured_at ? in->baseline_measured_at : "?",
                           in->baseline_commit ? in->baseline_commit : "?");
    if (rc == 0)
        rc = mg_buf_printf(b, err, "\n%-23s %10s %10s %11s %8s  %-16s %s\n", "metric", "baseline",
                           "current", "delta", "delta %", "limit", "status");
    for (i = 0; rc == 0 && i < v->n_rows; i++)
        rc = table_row(b, &v->rows[i], in->color, err);
    for (i = 0; rc == 0 && i < v->n_rows; i++)
        if (v->rows[i].status == MG_STATUS_ABSENT)
            rc = mg_buf_printf(b, err, "note: %s %s but this %s profile does not measure it; "
                                       "it was skipped, not taken as zero\n",
                               mg_metric_name(v->rows[i].metric),
                               v->rows[i].in_baseline ? "is in the baseline" : "has a ceiling",
                               mg_profile_format(in->profile));
    if (rc == 0 && v->n_improved && !v->n_fail)
        rc = mg_buf_printf(b, err,
                           "improvement: lock it in after review with `memgate update-baseline "
                           "%s --approve`\n",
                           mg_profile_source(in->profile));
    return rc;
}

int mg_report_text(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    int rc;
    if (in->verdict) {
        rc = check_report(out, in, err);
    } else {
        rc = profile_header(out, in, err);
        if (rc == 0)
            rc = show_metrics(out, in->profile, err);
    }
    if (rc == 0)
        rc = show_hotspots(out, in->profile, !in->verdict, err);
    return rc;
}
