/*
 * One workload's verdict in Markdown: the single renderer behind `check --format markdown`,
 * the `check --post` comment and `memgate post` (docs/posting.md). Every string may come
 * from an untrusted result file and is escaped.
 */
#include "report/render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memgate/num.h"

static bool is_bytes(const char *metric)
{
    size_t n = strlen(metric);
    return n > 6 && strcmp(metric + n - 6, "_bytes") == 0;
}

static void format_value(const char *metric, bool has, uint64_t v, char *out, size_t size)
{
    char count[48], human[32];
    if (!has) {
        snprintf(out, size, "\xE2\x80\x94"); /* em dash */
        return;
    }
    mg_format_count(v, count, sizeof(count));
    if (is_bytes(metric) && v >= 1024) {
        mg_format_size(v, human, sizeof(human));
        snprintf(out, size, "%s (%s)", human, count);
    } else if (!strcmp(metric, "runtime_us")) {
        snprintf(out, size, "%s \xC2\xB5s", count);
    } else {
        snprintf(out, size, "%s", count);
    }
}

/* Failing rows first: what needs the reader's attention is at the top of the table. */
static int severity(const char *status)
{
    static const char *const order[] = {"fail", "warn", "accepted", "absent", "improved", "ok"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(status, order[i]))
            return i;
    return 6;
}

static int metric_row(mg_buf *out, const mg_publish_metric *m, mg_error *err)
{
    char base[96], cur[96], delta[32];
    bool loud = !strcmp(m->status, "fail") || !strcmp(m->status, "warn");
    int rc;

    format_value(m->name, m->has_baseline, m->baseline, base, sizeof(base));
    format_value(m->name, m->has_current, m->current, cur, sizeof(cur));
    if (m->has_delta_pct && isfinite(m->delta_pct))
        snprintf(delta, sizeof(delta), "%+.1f%%", m->delta_pct);
    else
        snprintf(delta, sizeof(delta), "\xE2\x80\x94");
    rc = mg_buf_printf(out, err, "| %s %s%s%s | ", mg_md_badge(m->status), loud ? "**" : "",
                       m->status, loud ? "**" : "");
    if (rc == 0)
        rc = mg_md_code(out, m->name, NAME_MAX_BYTES, true, err);
    if (rc == 0)
        rc = mg_buf_printf(out, err, " | %s | %s | %s | ", base, cur, delta);
    if (rc == 0)
        rc = m->limit ? mg_md_code(out, m->limit, NAME_MAX_BYTES, true, err)
                      : mg_buf_append(out, "\xE2\x80\x94", 3, err);
    if (rc == 0)
        rc = mg_buf_printf(out, err, " |\n");
    return rc;
}

static int metric_table(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    int rc = mg_buf_printf(out, err,
                           "| status | metric | baseline | current | change | limit |\n"
                           "|---|---|---:|---:|---:|---|\n");
    for (int level = 0; level <= 6; level++)
        for (size_t i = 0; rc == 0 && i < w->n_metrics; i++)
            if (severity(w->metrics[i].status) == level)
                rc = metric_row(out, &w->metrics[i], err);
    return rc;
}

/* Why each row that is not ok has its status, in the table's order. */
static int reasons(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    int rc = 0;
    bool any = false;
    for (int level = 0; level < 5; level++) {
        for (size_t i = 0; rc == 0 && i < w->n_metrics; i++) {
            const mg_publish_metric *m = &w->metrics[i];
            if (severity(m->status) != level || !m->reason || !*m->reason)
                continue;
            rc = mg_buf_printf(out, err, "%s- ", any ? "" : "\n");
            any = true;
            if (rc == 0)
                rc = mg_md_code(out, m->name, NAME_MAX_BYTES, false, err);
            if (rc == 0)
                rc = mg_buf_append(out, " ", 1, err);
            if (rc == 0)
                rc = mg_md_text(out, m->reason, TEXT_MAX_BYTES, err);
            if (rc == 0)
                rc = mg_buf_append(out, "\n", 1, err);
        }
    }
    return rc;
}

/* "workload `x`, profile `p`, baseline `b` at `c`": which numbers these are. */
static int context(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    int rc;
    if (!w->profile && !w->baseline)
        return 0;
    rc = mg_buf_printf(out, err, "workload ");
    if (rc == 0)
        rc = mg_md_code(out, w->name, NAME_MAX_BYTES, false, err);
    if (rc == 0 && w->profile) {
        rc = mg_buf_printf(out, err, ", profile ");
        if (rc == 0)
            rc = mg_md_code(out, w->profile, FUNCTION_MAX_BYTES, false, err);
    }
    if (rc == 0 && w->baseline) {
        rc = mg_buf_printf(out, err, ", baseline ");
        if (rc == 0)
            rc = mg_md_code(out, w->baseline, FUNCTION_MAX_BYTES, false, err);
    }
    if (rc == 0 && w->baseline_commit) {
        rc = mg_buf_printf(out, err, " at ");
        if (rc == 0)
            rc = mg_md_code(out, w->baseline_commit, 40, false, err);
    }
    return rc == 0 ? mg_buf_printf(out, err, "\n\n") : rc;
}

/*
 * "- **`peak_memory_bytes` +14.5 MiB**: 93% from wordfreq::count_words (src/x.rs:27)": the
 * culprit lines lead, before the table, in the table's order (failing metrics first).
 */
static int culprits(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    int rc = 0;
    bool any = false;
    for (int level = 0; level <= 6; level++) {
        for (size_t i = 0; rc == 0 && i < w->n_metrics; i++) {
            const mg_publish_metric *m = &w->metrics[i];
            const char *line = m->culprit, *colon = line ? strstr(line, ": ") : NULL;
            size_t nlen = strlen(m->name);
            if (severity(m->status) != level || !colon || strncmp(line, m->name, nlen) != 0 ||
                line[nlen] != ' ')
                continue;
            any = true;
            rc = mg_buf_printf(out, err, "- **");
            if (rc == 0)
                rc = mg_md_code(out, m->name, NAME_MAX_BYTES, false, err);
            if (rc == 0 && colon > line + nlen + 1) {
                char delta[48];
                snprintf(delta, sizeof(delta), "%.*s", (int)(colon - line - nlen - 1),
                         line + nlen + 1);
                rc = mg_buf_append(out, " ", 1, err);
                if (rc == 0)
                    rc = mg_md_text(out, delta, sizeof(delta), err);
            }
            if (rc == 0)
                rc = mg_buf_printf(out, err, "**: ");
            if (rc == 0)
                rc = mg_md_text(out, colon + 2, CULPRIT_MAX_BYTES, err);
            if (rc == 0)
                rc = mg_buf_append(out, "\n", 1, err);
        }
    }
    return rc == 0 && any ? mg_buf_append(out, "\n", 1, err) : rc;
}

static int exception_and_note(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    int rc = 0;
    if (w->accept_reason && *w->accept_reason) {
        rc = mg_buf_printf(out, err, "\n> **Accepted** as a reviewed exception (");
        if (rc == 0)
            rc = mg_md_text(out, w->accept_source ? w->accept_source : "?", NAME_MAX_BYTES, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, "): ");
        if (rc == 0)
            rc = mg_md_text(out, w->accept_reason, TEXT_MAX_BYTES, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, "\n");
    }
    if (rc == 0 && w->note && *w->note) {
        rc = mg_buf_printf(out, err, "\n> ");
        if (rc == 0)
            rc = mg_md_text(out, w->note, TEXT_MAX_BYTES, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, "\n");
    }
    return rc;
}

static const char *change_word(const char *change)
{
    return !strcmp(change, "entered_top") ? "new in top" : change;
}

/* "+14.5 MiB", "-121 KiB", "0 B" */
static void signed_size(bool negative, uint64_t v, char *out, size_t size)
{
    char s[32];
    mg_format_size(v, s, sizeof(s));
    snprintf(out, size, "%s%s", v ? negative ? "-" : "+" : "", s);
}

/* Compared from stacks: total and peak, and under each function its lines ("↳ file:line"). */
static int stack_row(mg_buf *out, const mg_publish_hotspot *h, mg_error *err)
{
    char total[48], peak[48], pct[32] = "";
    int rc;
    signed_size(h->negative, h->bytes, total, sizeof(total));
    signed_size(h->peak_negative, h->peak_bytes, peak, sizeof(peak));
    if (!h->is_line && h->has_pct && isfinite(h->pct))
        snprintf(pct, sizeof(pct), "%+.1f%%", h->pct);
    rc = mg_buf_printf(out, err, "| %s | %s | %s | %s | %s",
                       h->is_line ? "" : change_word(h->change), total, pct, peak,
                       h->is_line ? "\xE2\x86\xB3 " : "");
    if (rc == 0)
        rc = mg_md_code(out, h->function, FUNCTION_MAX_BYTES, true, err);
    return rc == 0 ? mg_buf_printf(out, err, " |\n") : rc;
}

static int hotspot_row(mg_buf *out, const mg_publish_hotspot *h, mg_error *err)
{
    char v[96], pct[32] = "";
    int rc;
    if (h->has_peak)
        return stack_row(out, h, err);
    if (h->change) {
        char size[32];
        mg_format_size(h->bytes, size, sizeof(size));
        snprintf(v, sizeof(v), "%s%s",
                 strcmp(h->change, "entered_top") ? h->negative ? "-" : "+" : "", size);
        if (h->has_pct && isfinite(h->pct))
            snprintf(pct, sizeof(pct), "%+.1f%%", h->pct);
        rc = mg_buf_printf(out, err, "| %s | %s | %s | ", change_word(h->change), v, pct);
    } else {
        format_value("x_bytes", true, h->bytes, v, sizeof(v));
        if (h->share > 0)
            snprintf(pct, sizeof(pct), "%.1f%%", 100.0 * h->share);
        rc = mg_buf_printf(out, err, "| %s | %s | ", v, pct);
    }
    if (rc == 0)
        rc = mg_md_code(out, h->function, FUNCTION_MAX_BYTES, true, err);
    return rc == 0 ? mg_buf_printf(out, err, " |\n") : rc;
}

static int hotspots(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    bool changes = w->n_hotspots && w->hotspots[0].change;
    bool stacks = changes && w->hotspots[0].has_peak;
    size_t limit = stacks ? 40 : changes ? 10 : HOTSPOTS_SHOWN;
    size_t n = w->n_hotspots < limit ? w->n_hotspots : limit;
    int rc = 0;

    if (w->hotspot_note && *w->hotspot_note) {
        rc = mg_buf_printf(out, err, "\n> hotspots: ");
        if (rc == 0)
            rc = mg_md_text(out, w->hotspot_note, TEXT_MAX_BYTES, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, "\n");
    }
    if (!n || rc < 0)
        return rc;
    if (stacks)
        rc = mg_buf_printf(out, err,
                           "\n#### Where memory changed\n\n| change | total bytes | %% | "
                           "at t-gmax | function / line |\n|---|--:|--:|--:|---|\n");
    else
        rc = changes ? mg_buf_printf(out, err,
                                     "\n#### Hotspot changes\n\n| change | total bytes | %% | "
                                     "function |\n|---|--:|--:|---|\n")
                     : mg_buf_printf(out, err,
                                     "\n#### Top allocation sites\n\n| total bytes | share | "
                                     "function |\n|--:|--:|---|\n");
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = hotspot_row(out, &w->hotspots[i], err);
    return rc;
}

/* A command in a fenced block: control bytes and backticks cannot end the fence. */
static int command_block(mg_buf *out, const char *cmd, mg_error *err)
{
    int rc = mg_buf_printf(out, err, "\n  ```sh\n  ");
    for (; rc == 0 && *cmd; cmd++) {
        char c = *cmd == '`' ? '\'' : ((unsigned char)*cmd < 0x20 || *cmd == 0x7f) ? ' ' : *cmd;
        rc = mg_buf_append(out, &c, 1, err);
    }
    return rc == 0 ? mg_buf_printf(out, err, "\n  ```\n") : rc;
}

static bool has_culprit(const mg_publish_workload *w)
{
    for (size_t i = 0; i < w->n_metrics; i++)
        if (w->metrics[i].culprit)
            return true;
    return false;
}

/* The reader's next step, with the exact trailer, label and command. */
static int what_now(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    mg_next_steps next;
    int rc = 0;

    if (!mg_md_next_steps(w, mg_md_verdict_word(w), &next))
        return 0;
    rc = mg_buf_printf(out, err, "\n#### What now\n\n");
    if (rc == 0 && next.failing)
        rc = mg_buf_printf(out, err,
                           "- **Not intended?** Fix the code: the %s above show where "
                           "the extra bytes are allocated.\n",
                           has_culprit(w) ? "culprit and hotspots" : "hotspots");
    if (rc == 0 && next.failing && w->accept_trailer) {
        char trailer[NAME_MAX_BYTES + 40];
        snprintf(trailer, sizeof(trailer), "%.64s: <who reviewed it and why>", w->accept_trailer);
        rc = mg_buf_printf(out, err,
                           "- **Intended?** Accept it in this change with the commit "
                           "trailer ");
        if (rc == 0)
            rc = mg_md_code(out, trailer, sizeof(trailer), false, err);
        if (rc == 0 && w->accept_label) {
            rc = mg_buf_printf(out, err, " or the label ");
            if (rc == 0)
                rc = mg_md_code(out, w->accept_label, NAME_MAX_BYTES, false, err);
            if (rc == 0)
                rc = mg_buf_printf(out, err, " on the pull/merge request");
        }
        if (rc == 0)
            rc = mg_buf_printf(out, err, ".\n");
    }
    if (rc == 0 && next.record_title) {
        rc =
            mg_buf_printf(out, err, "- **%s** %s the new baseline after review:", next.record_title,
                          next.record_text);
        if (rc == 0)
            rc = command_block(out, w->update_command, err);
    }
    return rc;
}

/* Each notice as a callout with a bold title and a list: reviewers see them before the table. */
static int notices(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < w->n_notices; i++) {
        const mg_publish_notice *n = &w->notices[i];
        rc = mg_buf_printf(out, err, "> [!WARNING]\n> **");
        if (rc == 0)
            rc = mg_md_text(out, n->title, TEXT_MAX_BYTES, err);
        if (rc == 0)
            rc = mg_buf_printf(out, err, "**\n");
        for (size_t j = 0; rc == 0 && j < n->n_lines; j++) {
            rc = mg_buf_printf(out, err, "> - ");
            if (rc == 0)
                rc = mg_md_text(out, n->lines[j], TEXT_MAX_BYTES, err);
            if (rc == 0)
                rc = mg_buf_printf(out, err, "\n");
        }
        if (rc == 0)
            rc = mg_buf_printf(out, err, "\n");
    }
    return rc;
}

/* A web address safe inside a Markdown link: http(s), no spaces, quotes or brackets. */
static bool safe_url(const char *u)
{
    if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
        return false;
    if (strlen(u) > 512)
        return false;
    for (; *u; u++)
        if ((unsigned char)*u <= 0x20 || (unsigned char)*u >= 0x7f || strchr("()<>[]\"'`\\", *u))
            return false;
    return true;
}

/* The uploaded HTML report, for every verdict: the pictures a comment cannot hold. */
static int report_link(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    if (!w->report_url || !*w->report_url)
        return 0;
    if (!safe_url(w->report_url)) {
        int rc = mg_buf_printf(out, err, "\nFull report (flame graph, history): ");
        if (rc == 0)
            rc = mg_md_code(out, w->report_url, TEXT_MAX_BYTES, false, err);
        return rc == 0 ? mg_buf_printf(out, err, "\n") : rc;
    }
    return mg_buf_printf(out, err, "\n[Full report](%s): flame graph, history and tables.\n",
                         w->report_url);
}

int mg_md_workload(mg_buf *out, const mg_publish_workload *w, mg_error *err)
{
    int rc = context(out, w, err);
    if (rc == 0)
        rc = notices(out, w, err);
    if (rc == 0)
        rc = culprits(out, w, err);
    if (rc == 0 && !w->n_metrics)
        return mg_buf_printf(out, err, "_No metrics to compare._\n");
    if (rc == 0)
        rc = metric_table(out, w, err);
    if (rc == 0)
        rc = reasons(out, w, err);
    if (rc == 0)
        rc = exception_and_note(out, w, err);
    if (rc == 0)
        rc = hotspots(out, w, err);
    if (rc == 0)
        rc = mg_md_charts(out, w, err);
    if (rc == 0)
        rc = what_now(out, w, err);
    if (rc == 0)
        rc = report_link(out, w, err);
    return rc;
}
