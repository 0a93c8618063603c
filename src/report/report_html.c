/*
 * --format html: one self-contained page (no script, no fetch): the verdict banner, culprit
 * lines, metrics, hotspots, the (differential) flame graph and the history chart with its
 * limit lines, and what to do next. Made to be uploaded as a CI artifact and linked from
 * the PR/MR comment. Every string from a profile or baseline is escaped.
 */
#include <stdio.h>
#include <string.h>

#include "report/render.h"
#include "memgate/num.h"
#include "memgate/report.h"
#include "report_int.h"
#include "report_xml.h"

static const char style[] =
    "<style>\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1f2328;"
    "background:#fff}\n"
    "main{max-width:1240px;margin:0 auto;padding:0 16px 32px}\n"
    ".banner{padding:18px 20px;color:#fff;font-size:22px;margin:0 0 12px}\n"
    ".banner.fail{background:#cf222e}.banner.warn,.banner.needs-review{background:#9a6700}\n"
    ".banner.pass{background:#1a7f37}.banner.accepted{background:#0969da}\n"
    ".banner .word{font-weight:700;text-transform:uppercase;letter-spacing:.04em}\n"
    "h2{font-size:17px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:28px}\n"
    "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;"
    "padding:4px 10px}th{background:#f6f8fa;text-align:left}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}\n"
    "tr.fail td{background:#ffebe9}tr.warn td{background:#fff8c5}tr.accepted td{background:"
    "#ddf4ff}tr.improved td{background:#dafbe1}\n"
    "code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}\n"
    "pre{background:#f6f8fa;padding:8px 12px;overflow-x:auto}\n"
    ".culprit{font-size:15px}.notice{border-left:4px solid #9a6700;padding:4px 12px;"
    "background:#fff8c5}\n"
    ".picture{overflow-x:auto;border:1px solid #d0d7de;margin:8px 0}"
    ".picture svg{display:block}\n"
    ".muted{color:#59636e}\n"
    "</style>\n";

static int esc(mg_buf *b, const char *s, mg_error *err)
{
    return rep_xml(b, s ? s : "", err);
}

static int head(mg_buf *b, const mg_publish_workload *w, const char *word, mg_error *err)
{
    int rc =
        mg_buf_printf(b, err,
                      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>memgate: %s, workload ",
                      word);
    if (rc == 0)
        rc = esc(b, w->name, err);
    if (rc == 0)
        rc = mg_buf_printf(b, err, "</title>\n%s</head>\n<body>\n", style);
    return rc;
}

static int banner(mg_buf *b, const mg_publish_workload *w, const char *word, mg_error *err)
{
    const char *what = !strcmp(word, "fail")           ? "heap memory regressed"
                       : !strcmp(word, "warn")         ? "heap memory needs a look"
                       : !strcmp(word, "accepted")     ? "a regression accepted after review"
                       : !strcmp(word, "needs review") ? "this change edits its own baseline"
                                                       : "heap memory within limits";
    char cls[16];
    int rc;
    snprintf(cls, sizeof(cls), "%s", !strcmp(word, "needs review") ? "needs-review" : word);
    rc = mg_buf_printf(b, err,
                       "<header id=\"verdict\" class=\"banner %s\"><span class=\"icon\">%s</span> "
                       "<span class=\"word\">%s</span> &#183; memgate: %s in <code>",
                       cls, mg_md_badge(word), word, what);
    if (rc == 0)
        rc = esc(b, w->name, err);
    if (rc == 0)
        rc = mg_buf_printf(b, err, "</code></header>\n<main>\n<p class=\"muted\">profile <code>");
    if (rc == 0)
        rc = esc(b, w->profile, err);
    if (rc == 0 && w->baseline) {
        rc = mg_buf_printf(b, err, "</code>, baseline <code>");
        if (rc == 0)
            rc = esc(b, w->baseline, err);
    }
    if (rc == 0 && w->baseline_commit) {
        rc = mg_buf_printf(b, err, "</code> at <code>");
        if (rc == 0)
            rc = esc(b, w->baseline_commit, err);
    }
    return rc == 0 ? mg_buf_printf(b, err, "</code></p>\n") : rc;
}

static int culprits(mg_buf *b, const mg_publish_workload *w, mg_error *err)
{
    bool any = false;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < w->n_metrics; i++) {
        if (!w->metrics[i].culprit)
            continue;
        rc = mg_buf_printf(b, err, "%s<li>",
                           any ? ""
                               : "<section id=\"culprit\"><h2>Culprit</h2>"
                                 "<ul class=\"culprit\">");
        any = true;
        if (rc == 0)
            rc = esc(b, w->metrics[i].culprit, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "</li>\n");
    }
    return rc == 0 && any ? mg_buf_printf(b, err, "</ul></section>\n") : rc;
}

static int notices(mg_buf *b, const mg_publish_workload *w, mg_error *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < w->n_notices; i++) {
        rc = mg_buf_printf(b, err, "<div class=\"notice\"><strong>");
        if (rc == 0)
            rc = esc(b, w->notices[i].title, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "</strong><ul>");
        for (size_t j = 0; rc == 0 && j < w->notices[i].n_lines; j++) {
            rc = mg_buf_printf(b, err, "<li>");
            if (rc == 0)
                rc = esc(b, w->notices[i].lines[j], err);
            if (rc == 0)
                rc = mg_buf_printf(b, err, "</li>");
        }
        if (rc == 0)
            rc = mg_buf_printf(b, err, "</ul></div>\n");
    }
    return rc;
}

static int severity(const char *status)
{
    static const char *const order[] = {"fail", "warn", "accepted", "absent", "improved", "ok"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(status, order[i]))
            return i;
    return 6;
}

static void cell_value(const char *metric, bool has, uint64_t v, char *out, size_t size)
{
    char count[48], human[32];
    size_t n = strlen(metric);
    if (!has) {
        snprintf(out, size, "&#8212;");
        return;
    }
    mg_format_count(v, count, sizeof(count));
    if (n > 6 && !strcmp(metric + n - 6, "_bytes") && v >= 1024) {
        mg_format_size(v, human, sizeof(human));
        snprintf(out, size, "%s <span class=\"muted\">(%s)</span>", human, count);
    } else {
        snprintf(out, size, "%s", count);
    }
}

static int metrics(mg_buf *b, const mg_publish_workload *w, mg_error *err)
{
    int rc = mg_buf_printf(b, err,
                           "<section id=\"metrics\"><h2>Metrics</h2>\n<table>\n<tr><th>"
                           "status</th><th>metric</th><th>baseline</th><th>current</th>"
                           "<th>change</th><th>limit</th></tr>\n");
    for (int level = 0; level <= 6; level++) {
        for (size_t i = 0; rc == 0 && i < w->n_metrics; i++) {
            const mg_publish_metric *m = &w->metrics[i];
            char base[128], cur[128], ch[32] = "&#8212;";
            if (severity(m->status) != level)
                continue;
            cell_value(m->name, m->has_baseline, m->baseline, base, sizeof(base));
            cell_value(m->name, m->has_current, m->current, cur, sizeof(cur));
            if (m->has_delta_pct)
                snprintf(ch, sizeof(ch), "%+.1f%%", m->delta_pct);
            rc =
                mg_buf_printf(b, err,
                              "<tr class=\"%s\"><td>%s %s</td><td><code>%s</code></td><td "
                              "class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                              "<td>",
                              m->status, mg_md_badge(m->status), m->status, m->name, base, cur, ch);
            if (rc == 0)
                rc = esc(b, m->limit ? m->limit : "-", err);
            if (rc == 0)
                rc = mg_buf_printf(b, err, "</td></tr>\n");
        }
    }
    if (rc == 0)
        rc = mg_buf_printf(b, err, "</table>\n<ul>\n");
    for (int level = 0; level < 5; level++) {
        for (size_t i = 0; rc == 0 && i < w->n_metrics; i++) {
            const mg_publish_metric *m = &w->metrics[i];
            if (severity(m->status) != level || !m->reason)
                continue;
            rc = mg_buf_printf(b, err, "<li><code>%s</code> ", m->name);
            if (rc == 0)
                rc = esc(b, m->reason, err);
            if (rc == 0)
                rc = mg_buf_printf(b, err, "</li>\n");
        }
    }
    if (rc == 0 && w->accept_reason) {
        rc = mg_buf_printf(b, err, "<li><strong>Accepted</strong> as a reviewed exception (");
        if (rc == 0)
            rc = esc(b, w->accept_source, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "): ");
        if (rc == 0)
            rc = esc(b, w->accept_reason, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "</li>\n");
    }
    return rc == 0 ? mg_buf_printf(b, err, "</ul></section>\n") : rc;
}

static int hotspots(mg_buf *b, const mg_publish_workload *w, mg_error *err)
{
    bool changes = w->n_hotspots && w->hotspots[0].change;
    int rc;
    if (!w->n_hotspots)
        return 0;
    rc =
        mg_buf_printf(b, err,
                      changes ? "<section id=\"hotspots\"><h2>Hotspot changes</h2>\n<table>\n"
                                "<tr><th>change</th><th>total bytes</th><th>%%</th><th>function"
                                "</th></tr>\n"
                              : "<section id=\"hotspots\"><h2>Top allocation sites</h2>\n<table>"
                                "\n<tr><th>total bytes</th><th>share</th><th>function</th></tr>\n");
    for (size_t i = 0; rc == 0 && i < w->n_hotspots; i++) {
        const mg_publish_hotspot *h = &w->hotspots[i];
        char size[32], pct[32] = "";
        mg_format_size(h->bytes, size, sizeof(size));
        if (changes) {
            if (h->has_pct)
                snprintf(pct, sizeof(pct), "%+.1f%%", h->pct);
            rc = mg_buf_printf(b, err,
                               "<tr><td>%s</td><td class=\"n\">%s%s</td><td class=\"n\">"
                               "%s</td><td><code>",
                               /* a source line of the function row above */
                               h->is_line ? "\xE2\x86\xB3 line" : h->change,
                               strcmp(h->change, "entered_top") ? h->negative ? "-" : "+" : "",
                               size, pct);
        } else {
            snprintf(pct, sizeof(pct), "%.1f%%", 100.0 * h->share);
            rc = mg_buf_printf(b, err,
                               "<tr><td class=\"n\">%s</td><td class=\"n\">%s</td><td>"
                               "<code>",
                               size, pct);
        }
        if (rc == 0)
            rc = esc(b, h->function, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "</code></td></tr>\n");
    }
    return rc == 0 ? mg_buf_printf(b, err, "</table></section>\n") : rc;
}

/* An SVG document inline: its XML declaration dropped. */
static int inline_svg(mg_buf *b, const mg_buf *svg, mg_error *err)
{
    const char *start = strstr(svg->data, "<svg");
    if (!start)
        return 0;
    return mg_buf_append(b, start, svg->len - (size_t)(start - svg->data), err);
}

/*
 * The differential flame graph (against the baseline's stacks or the compared profile);
 * without either, this run's own flame graph; a format without stacks says so.
 */
static int flame(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    mg_report_input fi = *in;
    mg_buf svg;
    mg_error e;
    bool against = in->before_profile || (in->base_stacks && in->base_stacks->present);
    int rc;

    if (!against)
        fi.command = "show";
    mg_buf_init(&svg, 0);
    mg_error_init(&e);
    rc = mg_buf_printf(b, err, "<section id=\"flamegraph\"><h2>%s</h2>\n",
                       against ? "Where the bytes changed (differential flame graph)"
                               : "Where the bytes come from (flame graph)");
    if (rc == 0 && mg_report_flamegraph(&svg, &fi, &e) == 0) {
        rc = mg_buf_printf(b, err,
                           "<p class=\"muted\">%s Hover a frame for its exact numbers."
                           "</p>\n<div class=\"picture\">",
                           against ? "Widths from this run; red grew, blue shrank." : "");
        if (rc == 0)
            rc = inline_svg(b, &svg, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "</div>\n");
    } else if (rc == 0) {
        rc = mg_buf_printf(b, err, "<p class=\"muted\">No flame graph: ");
        if (rc == 0)
            rc = esc(b, e.msg, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "</p>\n");
    }
    mg_buf_release(&svg);
    return rc == 0 ? mg_buf_printf(b, err, "</section>\n") : rc;
}

/* The history chart with each metric's fail limit as a line. */
static int history(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    mg_metrics limits;
    mg_buf svg;
    int rc;
    if (!in->n_history)
        return 0;
    memset(&limits, 0, sizeof(limits));
    for (unsigned i = 0; i < in->verdict->n_rows; i++) {
        const mg_row *r = &in->verdict->rows[i];
        limits.present[r->metric] = rep_fail_above(r, &limits.value[r->metric]);
    }
    mg_buf_init(&svg, 0);
    rc = mg_report_trend_svg(&svg, in->history, in->n_history, in->workload,
                             mg_profile_metrics(in->profile), &limits, err);
    if (rc == 0)
        rc = mg_buf_printf(b, err,
                           "<section id=\"history\"><h2>Baseline history and this run"
                           "</h2>\n<p class=\"muted\">Dashed red: the fail limit. Black: "
                           "this run.</p>\n<div class=\"picture\">");
    if (rc == 0)
        rc = inline_svg(b, &svg, err);
    if (rc == 0)
        rc = mg_buf_printf(b, err, "</div></section>\n");
    mg_buf_release(&svg);
    return rc;
}

static int next_steps(mg_buf *b, const mg_publish_workload *w, const char *word, mg_error *err)
{
    mg_next_steps next;
    int rc;
    if (!mg_md_next_steps(w, word, &next))
        return 0;
    rc = mg_buf_printf(b, err, "<section id=\"next\"><h2>What now</h2>\n<ul>\n");
    if (rc == 0 && next.failing)
        rc = mg_buf_printf(b, err,
                           "<li><strong>Not intended?</strong> Fix the code: the culprit "
                           "and the flame graph show where the extra bytes are "
                           "allocated.</li>\n");
    if (rc == 0 && next.failing && w->accept_trailer) {
        rc = mg_buf_printf(b, err,
                           "<li><strong>Intended?</strong> Accept it with the commit "
                           "trailer <code>");
        if (rc == 0)
            rc = esc(b, w->accept_trailer, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, ": &lt;who reviewed it and why&gt;</code>");
        if (rc == 0 && w->accept_label) {
            rc = mg_buf_printf(b, err, " or the label <code>");
            if (rc == 0)
                rc = esc(b, w->accept_label, err);
            if (rc == 0)
                rc = mg_buf_printf(b, err, "</code> on the pull/merge request");
        }
        if (rc == 0)
            rc = mg_buf_printf(b, err, ".</li>\n");
    }
    if (rc == 0 && next.record_title) {
        rc = mg_buf_printf(b, err, "<li><strong>%s</strong> %s the new baseline after review:<pre>",
                           next.record_title, next.record_text);
        if (rc == 0)
            rc = esc(b, w->update_command, err);
        if (rc == 0)
            rc = mg_buf_printf(b, err, "</pre></li>\n");
    }
    return rc == 0 ? mg_buf_printf(b, err, "</ul></section>\n") : rc;
}

int mg_report_html(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    mg_report_view view;
    const char *word;
    int rc;

    if (!in->verdict)
        return mg_error_set(err, MG_E_USAGE, "the HTML report needs a verdict (check or diff)");
    mg_report_view_build(&view, in);
    word = mg_md_verdict_word(&view.w);
    rc = head(out, &view.w, word, err);
    if (rc == 0)
        rc = banner(out, &view.w, word, err);
    if (rc == 0)
        rc = culprits(out, &view.w, err);
    if (rc == 0)
        rc = notices(out, &view.w, err);
    if (rc == 0)
        rc = metrics(out, &view.w, err);
    if (rc == 0)
        rc = hotspots(out, &view.w, err);
    if (rc == 0)
        rc = flame(out, in, err);
    if (rc == 0)
        rc = history(out, in, err);
    if (rc == 0)
        rc = next_steps(out, &view.w, word, err);
    if (rc == 0)
        rc = mg_buf_printf(
            out, err,
            "</main>\n<footer class=\"muted\" style=\"text-align:center\">memgate " MEMGATE_VERSION
            "</footer>\n</body>\n</html>\n");
    return rc;
}
