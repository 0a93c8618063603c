/* Markdown report: verdict first, metric table, hotspot changes, Mermaid chart of the history. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ci/render.h"
#include "memgate/num.h"
#include "memgate/report.h"
#include "report_int.h"

/*
 * Untrusted text (function names, paths, reasons) as an inline code span:
 * backticks become ', control bytes become spaces, '|' is escaped inside
 * tables. A code span neither links, mentions nor renders HTML.
 */
static int code(mg_buf *b, const char *s, bool in_table, mg_error *err)
{
    int rc = mg_buf_append(b, "`", 1, err);
    for (; rc == 0 && *s; s++) {
        char c = *s == '`' ? '\'' : ((unsigned char)*s < 0x20 || *s == 0x7f) ? ' ' : *s;
        if (c == '|' && in_table)
            rc = mg_buf_append(b, "\\|", 2, err);
        else
            rc = mg_buf_append(b, &c, 1, err);
    }
    return rc == 0 ? mg_buf_append(b, "`", 1, err) : rc;
}

/* Plain text outside code spans: the one escaper (no markup, links or mentions). */
static int text(mg_buf *b, const char *s, mg_error *err)
{
    return mg_md_text(b, s, SIZE_MAX, err);
}

static int heading(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    char detail[160];
    int rc;
    rep_verdict_detail(v, detail, sizeof(detail));
    if (in->embedded) {
        rc = text(b, detail, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "\n\nworkload ");
    } else {
        rc = mg_buf_printf(b, err, "### memgate: **%s** - ", rep_verdict_word(v));
        if (rc == 0)
            rc = text(b, detail, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "\n\nworkload ");
    }
    if (rc == 0)
        rc = code(b, in->workload ? in->workload : "default", false, err);
    if (rc == 0)
        rc = mg_buf_printf(b, err, ", profile ");
    if (rc == 0)
        rc = code(b, mg_profile_source(in->profile), false, err);
    if (rc == 0)
        rc = mg_buf_printf(b, err, ", baseline ");
    if (rc == 0)
        rc = code(b, in->baseline_label ? in->baseline_label : in->baseline_path, false, err);
    if (rc == 0 && in->baseline_commit) {
        rc = mg_buf_printf(b, err, " at ");
        if (rc == 0)
            rc = code(b, in->baseline_commit, false, err);
    }
    return rc == 0 ? mg_buf_printf(b, err, "\n\n") : rc;
}

/* "- **`peak_memory_bytes` +14.5 MiB**: 93% from `wordfreq::count_words` (`src/bin/wordfreq.rs:27`)" */
static int culprit_part(mg_buf *b, const mg_culprit_part *p, mg_error *err)
{
    int rc = code(b, p->function, false, err);
    if (rc == 0 && p->where[0]) {
        rc = mg_buf_printf(b, err, " (");
        if (rc == 0)
            rc = code(b, p->where, false, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, ")");
    }
    return rc;
}

static int culprit(mg_buf *b, const mg_culprit *c, mg_error *err)
{
    char delta[32], cause[1800];
    unsigned i;
    int rc;
    rep_signed(c->metric, c->negative, c->delta, delta, sizeof(delta));
    rc = mg_buf_printf(b, err, "- **`%s` %s**: ", mg_metric_name(c->metric), delta);
    if (rc == 0 && c->state != MG_CULPRIT_FOUND) {
        rep_culprit_cause(c, cause, sizeof(cause));
        rc = text(b, cause, err);
    }
    for (i = 0; rc == 0 && c->state == MG_CULPRIT_FOUND && i < c->n_parts; i++) {
        double pct = 100.0 * c->parts[i].share;
        rc = pct > 0 && pct < 0.5 ? mg_buf_printf(b, err, "%s<1%% from ", i ? ", " : "")
                                  : mg_buf_printf(b, err, "%s%.0f%% from ", i ? ", " : "", pct);
        if (rc == 0)
            rc = culprit_part(b, &c->parts[i], err);
    }
    if (rc == 0 && c->state == MG_CULPRIT_FOUND && c->unattributed >= 0.05)
        rc = mg_buf_printf(b, err, "; %.0f%% in stacks that never reach the program's code",
                           100.0 * c->unattributed);
    if (rc == 0 && c->state == MG_CULPRIT_FOUND && c->has_offset) {
        rep_signed(c->metric, !c->negative, c->offset.delta, delta, sizeof(delta));
        rc = mg_buf_printf(b, err, "; offset by ");
        if (rc == 0)
            rc = culprit_part(b, &c->offset, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, " %s", delta);
    }
    return rc == 0 ? mg_buf_printf(b, err, "\n") : rc;
}

/* The answer before the table: who carries each change. */
static int culprits(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    size_t i;
    int rc = 0;
    if (!in->culprits || !in->culprits->n)
        return 0;
    for (i = 0; rc == 0 && i < in->culprits->n; i++)
        rc = culprit(b, &in->culprits->items[i], err);
    return rc == 0 ? mg_buf_printf(b, err, "\n") : rc;
}

static int table(mg_buf *b, const mg_verdict *v, mg_error *err)
{
    unsigned i;
    int rc = mg_buf_printf(b, err, "| metric | baseline | current | change | limit | status |\n"
                                   "|---|--:|--:|--:|---|---|\n");
    for (i = 0; rc == 0 && i < v->n_rows; i++) {
        const mg_row *r = &v->rows[i];
        char base[32] = "-", cur[32] = "absent", ch[32] = "-", lim[64];
        bool loud = r->status == MG_STATUS_FAIL || r->status == MG_STATUS_WARN;
        if (r->in_baseline)
            rep_amount(r->metric, r->baseline, base, sizeof(base));
        if (r->in_current)
            rep_amount(r->metric, r->current, cur, sizeof(cur));
        if (r->has_pct && r->in_current)
            snprintf(ch, sizeof(ch), "%+.1f%%", r->delta_pct);
        else if (r->in_baseline && r->in_current)
            rep_signed(r->metric, r->negative, r->delta, ch, sizeof(ch));
        mg_limit_format(&r->limit, r->metric, lim, sizeof(lim));
        rc = mg_buf_printf(b, err, "| `%s` | %s | %s | %s | %s | %s%s%s |\n",
                           mg_metric_name(r->metric), base, cur, ch, lim, loud ? "**" : "",
                           mg_status_name(r->status), loud ? "**" : "");
    }
    return rc;
}

static int notes(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    unsigned i;
    int rc = mg_buf_printf(b, err, "\n");
    for (i = 0; rc == 0 && i < v->n_rows; i++) {
        char why[400];
        if (v->rows[i].status == MG_STATUS_OK)
            continue;
        rep_row_reason(&v->rows[i], v, why, sizeof(why));
        rc = mg_buf_printf(b, err, "- `%s` ", mg_metric_name(v->rows[i].metric));
        if (rc == 0)
            rc = text(b, why, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "\n");
    }
    if (rc == 0 && v->accept_reason[0]) {
        rc = mg_buf_printf(b, err, "\n> **Accepted** as a reviewed exception (");
        if (rc == 0)
            rc = text(b, v->accept_source, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "): ");
        if (rc == 0)
            rc = text(b, v->accept_reason, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "\n");
    }
    if (rc == 0 && in->note) {
        rc = mg_buf_printf(b, err, "\n> ");
        if (rc == 0)
            rc = text(b, in->note, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "\n");
    }
    return rc;
}

/* Without stored hotspots to compare with: where the bytes go now (at most 5 rows). */
static int top_sites(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    size_t n, i;
    const mg_hotspot *h = mg_profile_hotspots(in->profile, &n);
    int rc;
    if (n > 5)
        n = 5;
    if (in->top_n && n > in->top_n)
        n = in->top_n;
    if (n == 0)
        return 0;
    rc = mg_buf_printf(b, err, "\n#### Top allocation sites\n\n| total bytes | share | function |\n"
                               "|--:|--:|---|\n");
    for (i = 0; rc == 0 && i < n; i++) {
        char amount[32];
        rep_amount(MG_TOTAL_BYTES, h[i].total_bytes, amount, sizeof(amount));
        rc = mg_buf_printf(b, err, "| %s | %.1f%% | ", amount, 100.0 * h[i].share);
        if (rc == 0)
            rc = code(b, h[i].function, true, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "%s |\n", h[i].flags & MG_HOTSPOT_CLONE ? " (clone)" : "");
    }
    return rc;
}

static int signed_cell(mg_buf *b, enum mg_metric m, uint64_t before, uint64_t after,
                       mg_error *err)
{
    char v[32];
    rep_signed(m, after < before, after < before ? before - after : after - before, v, sizeof(v));
    return mg_buf_printf(b, err, " %s |", v);
}

/* Compared from stacks: total and peak by function, each function's lines below it. */
static int stack_changes(mg_buf *b, const mg_hsdiff *d, mg_error *err)
{
    size_t i, k;
    int rc = mg_buf_printf(b, err, "\n#### Where memory changed\n\n"
                                   "| change | total bytes | at t-gmax | function / line |\n"
                                   "|---|--:|--:|---|\n");
    for (i = 0; rc == 0 && i < d->n; i++) {
        const mg_hs_change *c = &d->items[i];
        rc = mg_buf_printf(b, err, "| %s |", mg_hs_kind_name(c->kind));
        if (rc == 0)
            rc = signed_cell(b, MG_TOTAL_BYTES, c->before, c->after, err);
        if (rc == 0)
            rc = signed_cell(b, MG_PEAK_BYTES, c->before_peak, c->after_peak, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, " ");
        if (rc == 0)
            rc = code(b, c->function, true, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, " |\n");
        for (k = 0; rc == 0 && k < c->n_lines; k++) {
            const mg_hs_line *l = &c->lines[k];
            rc = mg_buf_printf(b, err, "| |");
            if (rc == 0)
                rc = signed_cell(b, MG_TOTAL_BYTES, l->before, l->after, err);
            if (rc == 0)
                rc = signed_cell(b, MG_PEAK_BYTES, l->before_peak, l->after_peak, err);
            if (rc == 0)
                rc = mg_buf_printf(b, err, " \xE2\x86\xB3 "); /* the arrow: a line of the row above */
            if (rc == 0)
                rc = code(b, l->where, true, err);
            if (rc == 0)
                rc = mg_buf_printf(b, err, " |\n");
        }
    }
    return rc;
}

static int hotspots(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_hsdiff *d = in->hotspot_changes;
    size_t i;
    int rc;
    if (in->hotspot_note) {
        rc = mg_buf_printf(b, err, "\n> ");
        if (rc == 0)
            rc = text(b, in->hotspot_note, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "\n");
        if (rc < 0)
            return rc;
    }
    if (!d || d->n == 0)
        return top_sites(b, in, err);
    if (d->items[0].has_peak)
        return stack_changes(b, d, err);
    rc = mg_buf_printf(b, err, "\n#### Hotspot changes\n\n| change | total bytes | %% | function |\n"
                               "|---|--:|--:|---|\n");
    for (i = 0; rc == 0 && i < d->n; i++) {
        const mg_hs_change *c = &d->items[i];
        char delta[32], pct[32] = "";
        if (c->kind == MG_HS_ENTERED)
            rep_amount(MG_TOTAL_BYTES, c->after, delta, sizeof(delta));
        else
            rep_signed(MG_TOTAL_BYTES, c->negative, c->delta, delta, sizeof(delta));
        if (c->has_pct)
            snprintf(pct, sizeof(pct), "%+.1f%%", c->pct);
        rc = mg_buf_printf(b, err, "| %s | %s | %s | ",
                           c->kind == MG_HS_ENTERED ? "new in top" : mg_hs_kind_name(c->kind),
                           delta, pct);
        if (rc == 0)
            rc = code(b, c->function, true, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, " |\n");
    }
    return rc;
}

/* A label Mermaid can hold inside double quotes. */
static void axis_label(const char *s, char *out, size_t size)
{
    size_t i, n = 0;
    for (i = 0; s[i] && n + 1 < size && n < 12; i++)
        if (s[i] != '"' && s[i] != '\\' && (unsigned char)s[i] >= 0x20)
            out[n++] = s[i];
    out[n] = '\0';
}

/* One xychart-beta block: the metric over the history, then this run. */
static int chart(mg_buf *b, const mg_report_input *in, enum mg_metric m, mg_error *err)
{
    const double mib = 1024.0 * 1024.0;
    size_t i, n = 0;
    int rc;
    for (i = 0; i < in->n_history; i++)
        n += in->history[i]->metrics.present[m];
    if (n == 0 || !mg_profile_metrics(in->profile)->present[m])
        return 0;
    rc = mg_buf_printf(b, err, "\n```mermaid\nxychart-beta\n    title \"%s (MiB)\"\n    x-axis [",
                       mg_metric_name(m));
    for (i = 0, n = 0; rc == 0 && i < in->n_history; i++) {
        const mg_history_entry *e = in->history[i];
        char l[16];
        if (!e->metrics.present[m])
            continue;
        axis_label(e->commit ? e->commit : e->measured_at ? e->measured_at : "?", l, 8);
        rc = mg_buf_printf(b, err, "%s\"%zu %s\"", n++ ? ", " : "", i + 1, l);
    }
    if (rc == 0)
        rc = mg_buf_printf(b, err, ", \"this run\"]\n    y-axis \"MiB\"\n    line [");
    for (i = 0, n = 0; rc == 0 && i < in->n_history; i++)
        if (in->history[i]->metrics.present[m])
            rc = mg_buf_printf(b, err, "%s%.3f", n++ ? ", " : "",
                               (double)in->history[i]->metrics.value[m] / mib);
    if (rc == 0)
        rc = mg_buf_printf(b, err, ", %.3f]\n```\n",
                           (double)mg_profile_metrics(in->profile)->value[m] / mib);
    return rc;
}

static int history(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    int rc;
    if (in->n_history == 0)
        return 0;
    rc = mg_buf_printf(b, err, "\n#### Baseline history and this run\n");
    if (rc == 0)
        rc = chart(b, in, MG_PEAK_BYTES, err);
    if (rc == 0)
        rc = chart(b, in, MG_TOTAL_BYTES, err);
    return rc;
}

static int ratchet(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    unsigned i;
    int rc;
    if (!rep_ratchet(in))
        return 0;
    rc = mg_buf_printf(b, err, "\n#### Improvement\n\nLock it in (a ratchet) after review:\n\n"
                               "```sh\n%s\n```\n\nNew baseline:",
                       in->ratchet_command);
    for (i = 0; rc == 0 && i < v->n_rows; i++)
        if (v->rows[i].in_current)
            rc = mg_buf_printf(b, err, " `%s` %llu", mg_metric_name(v->rows[i].metric),
                               (unsigned long long)v->rows[i].current);
    return rc == 0 ? mg_buf_printf(b, err, "\n") : rc;
}

/* Each notice as a bold title and a list: reviewers see them before the table. */
static int notices(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    size_t i, j;
    int rc = 0;
    for (i = 0; rc == 0 && i < in->n_notices; i++) {
        const mg_report_notice *n = &in->notices[i];
        rc = mg_buf_printf(b, err, "> [!WARNING]\n> **");
        if (rc == 0)
            rc = text(b, n->title, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "**\n");
        for (j = 0; rc == 0 && j < n->n_lines; j++) {
            rc = mg_buf_printf(b, err, "> - ");
            if (rc == 0)
                rc = text(b, n->lines[j], err);
            if (rc == 0)
                rc = mg_buf_printf(b, err, "\n");
        }
        if (rc == 0)
            rc = mg_buf_printf(b, err, "\n");
    }
    return rc;
}

int mg_report_markdown(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    int rc;
    if (!in->verdict)
        return mg_error_set(err, MG_E_USAGE, "the markdown report needs a verdict (check or diff)");
    rc = heading(out, in, err);
    if (rc == 0)
        rc = culprits(out, in, err);
    if (rc == 0)
        rc = notices(out, in, err);
    if (rc == 0)
        rc = table(out, in->verdict, err);
    if (rc == 0)
        rc = notes(out, in, err);
    if (rc == 0)
        rc = hotspots(out, in, err);
    if (rc == 0)
        rc = history(out, in, err);
    if (rc == 0)
        rc = ratchet(out, in, err);
    return rc;
}
