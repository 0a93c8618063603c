/* Text report: the verdict line first, then an aligned metric table and the hotspots. */
#include <stdio.h>
#include <string.h>

#include "memgate/num.h"
#include "memgate/report.h"
#include "memgate/stacks.h"
#include "report_int.h"
#include "utf8.h"

#define RED "\x1b[31m"
#define GREEN "\x1b[32m"
#define YELLOW "\x1b[33m"
#define BOLD "\x1b[1m"
#define RESET "\x1b[0m"

static const char *status_color(enum mg_status s)
{
    switch (s) {
    case MG_STATUS_FAIL:
        return RED;
    case MG_STATUS_WARN:
    case MG_STATUS_ABSENT:
        return YELLOW;
    case MG_STATUS_IMPROVED:
    case MG_STATUS_ACCEPTED:
        return GREEN;
    case MG_STATUS_OK:
        return "";
    }
    return "";
}

static int profile_header(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_profile *p = in->profile;
    char line[4400], path[4096];
    int rc;
    rep_nobreak(mg_profile_source(p), path, sizeof(path));
    snprintf(line, sizeof(line), "profile  %s (%s, %s, mode %s)", path, mg_profile_format(p),
             mg_profile_producer(p), mg_profile_mode_label(p) ? mg_profile_mode_label(p) : "?");
    rc = rep_wrap(b, 0, line, err);
    if (rc == 0 && mg_profile_command(p)) {
        snprintf(line, sizeof(line), "command  %s", mg_profile_command(p));
        rc = rep_wrap(b, 0, line, err);
    }
    if (rc == 0 && mg_profile_note(p)) {
        snprintf(line, sizeof(line), "note     %s", mg_profile_note(p));
        rc = rep_wrap(b, 0, line, err);
    }
    if (rc == 0 && mg_profile_gate_note(p)) {
        snprintf(line, sizeof(line), "gating   %s", mg_profile_gate_note(p));
        rc = rep_wrap(b, 0, line, err);
    }
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
        rc = mg_buf_printf(
            b, err, "%-16s %s %s in %s %s (a %s profile: no heap metrics to gate)\n", "total", a,
            mg_profile_mode(p) == MG_MODE_COPY ? "bytes copied" : "units", c,
            mg_profile_mode(p) == MG_MODE_COPY ? "copies" : "events", mg_profile_mode_label(p));
    }
    return rc;
}

/* Where to break a long name at most max bytes in: before a "::" or a space, else at max. */
static size_t name_break(const char *s, size_t max)
{
    size_t i, best = 0;
    for (i = 1; i < max && s[i]; i++)
        if ((s[i] == ':' && s[i - 1] == ':' && i + 1 < max) || s[i] == ' ')
            best = s[i] == ' ' ? i : i - 1;
    return best > max / 2 ? best : mg_utf8_prefix(s, strnlen(s, max));
}

/*
 * A function name at the end of a table row: on the row when it fits, else
 * below it, whole (people grep for it), broken at "::" to stay in 80 columns.
 */
static int function_cell(mg_buf *b, const char *fn, size_t room, mg_error *err)
{
    size_t indent = strlen(fn) <= 74 ? 6 : 2; /* under the row when it fits there */
    int rc;
    if (strlen(fn) <= room)
        return mg_buf_printf(b, err, "  %s\n", fn);
    while (b->len && b->data[b->len - 1] == ' ')
        b->len--; /* the row's padding: no trailing blanks */
    rc = mg_buf_printf(b, err, "\n");
    while (rc == 0 && *fn) {
        size_t n = strlen(fn) <= 80 - indent ? strlen(fn) : name_break(fn, 80 - indent);
        rc = mg_buf_printf(b, err, "%*s%.*s\n", (int)indent, "", (int)n, fn);
        fn += n;
        if (*fn == ' ')
            fn++; /* the line ends where the blank was */
        indent = 4;
    }
    return rc;
}

/*
 * Display of a hotspot: its frame with the address and long paths trimmed (the
 * function name stays whole; JSON keeps the full frame), or its stack label.
 */
static void hotspot_name(const mg_hotspot *h, char *out, size_t size)
{
    size_t len, fl = strlen(h->function);
    /* labels that are no frame text: stripped code named by its object, cut stacks */
    bool label = !strncmp(h->function, "??? in ", 7);
    bool cut = fl > 12 && !strcmp(h->function + fl - 12, " [truncated]");
    /* with its lines shown below, the function's name alone says it */
    mg_frame_short(h->stack_len || !h->frame || label || h->n_lines ? h->function : h->frame, 0,
                   out, size);
    len = strlen(out);
    if (cut && !label && !strstr(out, " [truncated]")) {
        snprintf(out + len, size - len, " [truncated]");
        len = strlen(out);
    }
    snprintf(out + len, size - len, "%s%s", h->flags & MG_HOTSPOT_CLONE ? " [clone]" : "",
             h->flags & MG_HOTSPOT_TEST ? " [test]" : "");
}

/* A line's place for terminals: an object by its file name, a source path by its last three parts.
 */
static const char *short_path(const char *where)
{
    const char *p = where, *s;
    int keep = 3;
    if (!strncmp(where, "in ", 3))
        return (s = strrchr(where, '/')) ? s + 1 : where + 3;
    for (s = where + strlen(where); s > where; s--)
        if (s[-1] == '/' && --keep == 0) {
            p = s;
            break;
        }
    return p;
}

/* Under a hotspot: its heaviest lines, the chain to the allocation site, the library. */
static int hotspot_details(mg_buf *b, const mg_hotspot *h, enum mg_rank r, mg_error *err)
{
    size_t i;
    int rc = 0;
    char line[700], size[32];
    for (i = 0; rc == 0 && i < h->n_lines; i++) {
        const mg_hotspot_line *l = &h->lines[i];
        if (!strncmp(l->where, "in ", 3) && strstr(h->function, l->where))
            continue; /* "??? in /usr/bin/sort" already names it */
        mg_format_size(r == MG_RANK_PEAK_BYTES ? l->peak_bytes : l->total_bytes, size,
                       sizeof(size));
        snprintf(line, sizeof(line), "%s%s  %s", strncmp(l->where, "in ", 3) ? "" : "in ",
                 short_path(l->where), size);
        rc = rep_wrap(b, 8, line, err);
    }
    if (rc == 0 && h->chain) {
        /* terminals and CI logs get ASCII arrows: column counts stay byte counts */
        size_t o = (size_t)snprintf(line, sizeof(line), "<- ");
        const char *c;
        for (c = h->chain; *c && o + 4 < sizeof(line); c++) {
            if (!strncmp(c, "\xE2\x86\x90", 3)) {
                memcpy(line + o, "<-", 2), o += 2, c += 2;
            } else if (!strncmp(c, "\xE2\x80\xA6", 3)) {
                memcpy(line + o, "...", 3), o += 3, c += 2;
            } else {
                line[o++] = *c;
            }
        }
        line[o] = '\0';
        rc = rep_wrap(b, 8, line, err);
    }
    if (rc == 0 && h->library && h->library_share >= 0.01) {
        snprintf(line, sizeof(line), "through %s (%.0f%%)", h->library, 100.0 * h->library_share);
        rc = rep_wrap(b, 8, line, err);
    }
    return rc;
}

static const struct {
    const char *title, *col;
} rank_text[MG_RANK_COUNT] = {
    {"total bytes", "total"},
    {"bytes at t-gmax", "at t-gmax"},
    {"allocation count", "blocks"},
};

static int show_ranking(mg_buf *b, const mg_profile *p, enum mg_rank r, unsigned top, mg_error *err)
{
    size_t n, i;
    const mg_hotspot *h = mg_profile_ranking(p, r, &n);
    const mg_metrics *m = mg_profile_metrics(p);
    uint64_t whole;
    bool cut = false;
    int rc;

    if (top && n > top)
        n = top;
    if (n == 0 || !mg_profile_hotspot_whole(p, r, &whole) || whole == 0)
        return 0;
    if (mg_profile_group_by(p) == MG_GROUP_CRATE)
        rc = mg_buf_printf(b, err,
                           "\ntop %zu libraries by %s (crate, Go module or shared object)\n"
                           "  #  %-10s share   %-11s  %-10s  library\n",
                           n, rank_text[r].title, rank_text[r].col,
                           r == MG_RANK_ALLOC_COUNT ? "total" : "blocks",
                           r == MG_RANK_PEAK_BYTES ? "total" : "at t-gmax");
    else
        rc = mg_buf_printf(b, err,
                           "\ntop %zu allocation hotspots by %s, attribution: %s\n"
                           "  #  %-10s share   %-11s  %-10s  function\n",
                           n, rank_text[r].title, rep_attribution_label(mg_profile_attribution(p)),
                           rank_text[r].col, r == MG_RANK_ALLOC_COUNT ? "total" : "blocks",
                           r == MG_RANK_PEAK_BYTES ? "total" : "at t-gmax");
    for (i = 0; rc == 0 && i < n; i++) {
        char a[32], c[32], g[32], name[1100];
        const mg_hotspot *x = &h[i];
        if (r == MG_RANK_ALLOC_COUNT) {
            mg_format_count(x->total_blocks, a, sizeof(a));
            mg_format_size(x->total_bytes, c, sizeof(c));
        } else {
            mg_format_size(r == MG_RANK_PEAK_BYTES ? x->peak_bytes : x->total_bytes, a, sizeof(a));
            mg_format_count(x->total_blocks, c, sizeof(c));
        }
        mg_format_size(r == MG_RANK_PEAK_BYTES ? x->total_bytes : x->peak_bytes, g, sizeof(g));
        /* a weight the format does not record (massif: totals, counts) is no zero */
        if (!m->present[MG_TOTAL_BYTES])
            snprintf(r == MG_RANK_ALLOC_COUNT ? c : g, 32, "-");
        if (!m->present[MG_ALLOC_COUNT] && r != MG_RANK_ALLOC_COUNT)
            snprintf(c, sizeof(c), "-");
        hotspot_name(x, name, sizeof(name));
        rc = mg_buf_printf(b, err, "%3zu  %-10s %5.1f%%  %-11s  %-10s", i + 1, a, 100.0 * x->share,
                           c, g);
        if (rc == 0)
            rc = function_cell(b, name, 80 - 49, err);
        if (rc == 0 && r != MG_RANK_ALLOC_COUNT)
            rc = hotspot_details(b, x, r, err);
        cut |= x->how == MG_ATTR_HOW_TRUNCATED;
    }
    if (rc == 0 && cut && r == MG_RANK_TOTAL_BYTES)
        rc = rep_wrap(b, 0,
                      "[truncated]: its recorded stack stops before the program's own code. "
                      "Record deeper stacks: dhat-rs Profiler::builder().trim_backtraces(None), "
                      "valgrind --num-callers=64.",
                      err);
    return rc;
}

/* check shows the ranking by total bytes; show all three. */
static int show_hotspots(mg_buf *b, const mg_profile *p, bool all, unsigned top, mg_error *err)
{
    int rc = show_ranking(b, p, MG_RANK_TOTAL_BYTES, top, err);
    if (rc == 0 && all)
        rc = show_ranking(b, p, MG_RANK_PEAK_BYTES, top, err);
    if (rc == 0 && all)
        rc = show_ranking(b, p, MG_RANK_ALLOC_COUNT, top, err);
    if (rc == 0 && mg_profile_excluded_pps(p))
        rc = mg_buf_printf(b, err, "(%llu program points with a frame in a test file left out)\n",
                           (unsigned long long)mg_profile_excluded_pps(p));
    return rc;
}

static int verdict_line(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    const char *word = rep_verdict_word(v);
    const char *col = v->overall == MG_STATUS_FAIL   ? RED
                      : v->overall == MG_STATUS_WARN ? YELLOW
                                                     : GREEN;
    char detail[160], line[4400], path[4096], label[4200];
    const char *at;
    int rc;

    rep_verdict_detail(v, detail, sizeof(detail));
    rep_nobreak(in->baseline_path ? in->baseline_path : "", path, sizeof(path));
    if (in->baseline_label && in->baseline_path &&
        (at = strstr(in->baseline_label, in->baseline_path)) != NULL)
        snprintf(label, sizeof(label), "%.*s%s%s", (int)(at - in->baseline_label),
                 in->baseline_label, path, at + strlen(in->baseline_path));
    else
        snprintf(label, sizeof(label), "%s", in->baseline_label ? in->baseline_label : path);
    rc = mg_buf_printf(b, err, "%s%smemgate: %s%s - %s\n", in->color ? BOLD : "",
                       in->color ? col : "", word, in->color ? RESET : "", detail);
    /* the answer first: who carries each change (docs/baseline.md, "The culprit line") */
    for (size_t i = 0; rc == 0 && in->culprits && i < in->culprits->n; i++) {
        rep_culprit_line(&in->culprits->items[i], line, sizeof(line));
        rc = rep_wrap(b, 2, line, err);
    }
    snprintf(line, sizeof(line), "workload %s, baseline %s",
             in->workload ? in->workload : "default", label);
    return rc == 0 ? rep_wrap(b, 0, line, err) : rc;
}

/* metric 23, baseline 9, current 9, change 8, limit 17, status 8: 79 columns. */
#define ROW_FMT "%-23s %9s %9s %8s %-17s %s%s%s\n"

/* Length of the longest run of whole " & " terms of s that fits width (at least one term). */
static size_t fit_terms(const char *s, size_t width)
{
    size_t n = strlen(s), best = 0;
    const char *amp;
    if (n <= width)
        return n;
    for (amp = strstr(s, " & "); amp; amp = strstr(amp + 3, " & ")) {
        if (best && (size_t)(amp - s) > width)
            break;
        best = (size_t)(amp - s);
    }
    return best ? best : n;
}

/*
 * The row, with a limit wider than its column continued on lines of their own under it
 * ("& <=500 MB"), so a ceiling next to the increase terms keeps the table in 80 columns.
 */
static int limit_rows(mg_buf *b, const mg_row *r, const char *base, const char *cur,
                      const char *pct, const char *limit, const char *status, bool color,
                      mg_error *err)
{
    const size_t width = 17, column = 53; /* ROW_FMT's limit cell */
    size_t n = fit_terms(limit, width);
    int rc = mg_buf_printf(b, err, "%-23s %9s %9s %8s %-17.*s %s%s%s\n", mg_metric_name(r->metric),
                           base, cur, pct, (int)n, limit, color ? status_color(r->status) : "",
                           status, color ? RESET : "");
    for (limit += n; rc == 0 && *limit; limit += n) {
        limit += strspn(limit, " "); /* the next line starts "& <=500 MB" */
        n = 2 + fit_terms(limit + 2, width - 2);
        rc = mg_buf_printf(b, err, "%*s%.*s\n", (int)column, "", (int)n, limit);
    }
    return rc;
}

static int table_row(mg_buf *b, const mg_row *r, bool color, mg_error *err)
{
    char base[24] = "-", cur[24] = "absent", pct[16] = "-", limit[64], status[16];

    if (r->in_baseline)
        rep_amount(r->metric, r->baseline, base, sizeof(base));
    if (r->in_current)
        rep_amount(r->metric, r->current, cur, sizeof(cur));
    if (r->has_pct && r->in_current)
        snprintf(pct, sizeof(pct),
                 r->delta_pct < 1000 && r->delta_pct > -1000 ? "%+.1f%%" : "%+.0f%%", r->delta_pct);
    else if (r->in_baseline && r->in_current)
        rep_signed(r->metric, r->negative, r->delta, pct, sizeof(pct));
    mg_limit_format(&r->limit, r->metric, limit, sizeof(limit));
    snprintf(status, sizeof(status), "%s", mg_status_name(r->status));
    for (char *s = status; *s; s++)
        *s = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
    return limit_rows(b, r, base, cur, pct, limit, status, color, err);
}

/* One line per row that is not plainly ok: what happened, in words. */
static int row_notes(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    unsigned i;
    int rc = 0;
    for (i = 0; rc == 0 && i < v->n_rows; i++) {
        const mg_row *r = &v->rows[i];
        char why[400], line[480];
        if (r->status == MG_STATUS_OK)
            continue;
        rep_row_reason(r, v, why, sizeof(why));
        snprintf(line, sizeof(line), "%s %s", mg_metric_name(r->metric), why);
        rc = rep_wrap(b, 2, line, err);
    }
    return rc;
}

/* Kind, change and percent of one hotspot change, as the text and Markdown tables show them. */
static void change_cells(const mg_hsdiff *d, const mg_hs_change *c, char *kind, char *delta,
                         char *pct, size_t size)
{
    snprintf(kind, size, "%s", mg_hs_kind_name(c->kind));
    pct[0] = '\0';
    if (c->kind == MG_HS_ENTERED) {
        /* it was somewhere below the stored top N: only the new amount is known */
        snprintf(kind, size, "new in top %u", d->top);
        rep_amount(MG_TOTAL_BYTES, c->after, delta, size);
        return;
    }
    rep_signed(MG_TOTAL_BYTES, c->negative, c->delta, delta, size);
    if (c->has_pct)
        snprintf(pct, size, "%+.1f%%", c->pct);
    else if (c->kind == MG_HS_APPEARED)
        snprintf(pct, size, "new");
}

/* Compared from stacks: the peak's change beside the total's, and the lines under each function. */
static int stack_change(mg_buf *b, const mg_hsdiff *d, const mg_hs_change *c, mg_error *err)
{
    char kind[32], delta[32], pct[32], peak[32];
    size_t k;
    int rc;
    change_cells(d, c, kind, delta, pct, sizeof(kind));
    rep_signed(MG_PEAK_BYTES, c->peak_negative, c->peak_delta, peak, sizeof(peak));
    rc = mg_buf_printf(b, err, "  %-9s %11s %7s %11s", kind, delta, pct, peak);
    if (rc == 0)
        rc = function_cell(b, c->function, 80 - 45, err);
    for (k = 0; rc == 0 && k < c->n_lines; k++) {
        const mg_hs_line *l = &c->lines[k];
        bool tneg = l->after < l->before, pneg = l->after_peak < l->before_peak;
        rep_signed(MG_TOTAL_BYTES, tneg, tneg ? l->before - l->after : l->after - l->before, delta,
                   sizeof(delta));
        rep_signed(MG_PEAK_BYTES, pneg,
                   pneg ? l->before_peak - l->after_peak : l->after_peak - l->before_peak, peak,
                   sizeof(peak));
        rc = mg_buf_printf(b, err, "  %-9s %11s %7s %11s", "", delta, "", peak);
        if (rc == 0)
            rc = function_cell(b, l->where, 80 - 45, err);
    }
    return rc;
}

static int hotspot_changes(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_hsdiff *d = in->hotspot_changes;
    const char *gap = in->hotspot_note ? "" : "\n";
    size_t i;
    int rc;

    if (in->hotspot_note) {
        char line[480];
        snprintf(line, sizeof(line), "hotspots: %s", in->hotspot_note);
        rc = mg_buf_printf(b, err, "\n");
        if (rc == 0)
            rc = rep_wrap(b, 0, line, err);
    } else {
        rc = 0;
    }
    if (!d || rc < 0)
        return rc;
    if (d->n == 0)
        return mg_buf_printf(b, err, "%shotspots: no function changed past the thresholds\n", gap);
    if (d->items[0].has_peak && d->by_library)
        rc = mg_buf_printf(b, err,
                           "%swhere memory changed (by library: crate, Go module or shared "
                           "object):\n"
                           "  %-9s %11s %7s %11s  %s\n",
                           gap, "change", "total", "", "at t-gmax", "library");
    else if (d->items[0].has_peak)
        rc = mg_buf_printf(b, err,
                           "%swhere memory changed (by function, then its lines):\n"
                           "  %-9s %11s %7s %11s  %s\n",
                           gap, "change", "total", "", "at t-gmax", "function / line");
    else
        rc = mg_buf_printf(b, err,
                           "%shotspot changes (total bytes by function; memgate "
                           "--help-hotspots):\n",
                           gap);
    for (i = 0; rc == 0 && i < d->n; i++) {
        char kind[32], delta[32], pct[32];
        if (d->items[i].has_peak) {
            rc = stack_change(b, d, &d->items[i], err);
            continue;
        }
        change_cells(d, &d->items[i], kind, delta, pct, sizeof(kind));
        rc = mg_buf_printf(b, err, "  %-13s %11s %9s", kind, delta, pct);
        if (rc == 0)
            rc = function_cell(b, d->items[i].function, 80 - 41, err);
    }
    if (rc == 0 && d->n_significant > d->n)
        rc = mg_buf_printf(b, err, "  (%zu more)\n", d->n_significant - d->n);
    return rc;
}

static int ratchet(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    char line[1024] = "new baseline:";
    size_t used = strlen(line);
    unsigned i, n = 0;
    int rc;

    if (!rep_ratchet(in))
        return 0;
    rc = mg_buf_printf(b, err, "\nimprovement: lock it in (a ratchet) after review with\n  %s\n",
                       in->ratchet_command);
    for (i = 0; i < v->n_rows && used < sizeof(line); i++) {
        const mg_row *r = &v->rows[i];
        char cur[32];
        /* the gated numbers, in the units the table shows (the file gets every exact value) */
        if (!r->in_current || (!mg_limit_is_set(&r->limit) && !mg_limit_is_set(&r->warn_limit)))
            continue;
        rep_amount(r->metric, r->current, cur, sizeof(cur));
        used += (size_t)snprintf(line + used, sizeof(line) - used, "%s %s %s", n++ ? "," : "",
                                 mg_metric_name(r->metric), cur);
    }
    return rc == 0 ? rep_wrap(b, 0, line, err) : rc;
}

static int context_lines(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    int rc = profile_header(b, in, err);
    if (rc == 0 && (in->baseline_measured_at || in->baseline_commit))
        rc = mg_buf_printf(b, err, "baseline measured %s at commit %s\n",
                           in->baseline_measured_at ? in->baseline_measured_at : "?",
                           in->baseline_commit ? in->baseline_commit : "?");
    if (rc == 0 && v->has_anchor)
        rc = mg_buf_printf(b, err, "anchor   %s, for the drift budget\n", v->anchor_label);
    if (rc == 0 && v->accept_reason[0])
        rc = mg_buf_printf(b, err, "accepted %s (from %s)\n", v->accept_reason, v->accept_source);
    return rc;
}

static int check_report(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    unsigned i;
    int rc = verdict_line(b, in, err);

    if (rc == 0)
        rc = context_lines(b, in, err);
    if (rc == 0)
        rc = rep_notices_text(b, in, err);
    if (rc == 0)
        rc = mg_buf_printf(b, err, "\n%-23s %9s %9s %8s %-17s %s\n", "metric", "baseline",
                           "current", "change", "limit", "status");
    for (i = 0; rc == 0 && i < v->n_rows; i++)
        rc = table_row(b, &v->rows[i], in->color, err);
    if (rc == 0)
        rc = row_notes(b, in, err);
    if (rc == 0)
        rc = hotspot_changes(b, in, err);
    if (rc == 0)
        rc = ratchet(b, in, err);
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
        rc = show_hotspots(out, in->profile, !in->verdict, in->top_n, err);
    return rc;
}
