/* Shared report wording: amounts, verdict words, the sentence explaining each row, text fitting. */
#include <stdio.h>
#include <string.h>

#include "memgate/num.h"
#include "memgate/stacks.h"
#include "report_int.h"

void rep_amount(enum mg_metric m, uint64_t v, char *out, size_t size)
{
    mg_metric_format(m, v, out, size);
}

void rep_signed(enum mg_metric m, bool negative, uint64_t v, char *out, size_t size)
{
    char a[32];
    rep_amount(m, v, a, sizeof(a));
    snprintf(out, size, "%s%s", v == 0 ? "" : negative ? "-" : "+", a);
}

const char *rep_verdict_word(const mg_verdict *v)
{
    if (v->needs_review && !v->n_fail)
        return "NEEDS REVIEW";
    return v->overall == MG_STATUS_FAIL ? "FAIL" : v->overall == MG_STATUS_WARN ? "WARN" : "PASS";
}

static const char *plural(unsigned n)
{
    return n == 1 ? "" : "s";
}

void rep_verdict_detail(const mg_verdict *v, char *out, size_t size)
{
    if (v->no_baseline)
        snprintf(out, size, "no baseline to compare with");
    else if (v->n_fail)
        snprintf(out, size, "%u metric%s regressed past the limit%s", v->n_fail, plural(v->n_fail),
                 v->needs_review ? " of the merge base" : "");
    else if (v->n_env_softened)
        snprintf(out, size,
                 "%u metric%s past the fail limit, a warning because the environment changed",
                 v->n_env_softened, plural(v->n_env_softened));
    else if (v->needs_review)
        snprintf(out, size,
                 "this change edits the baseline or limits it is judged by; against "
                 "the merge base's: %s",
                 v->n_warn ? "over the warning level" : "no regression");
    else if (v->n_accepted)
        snprintf(out, size, "%u regression%s accepted as a reviewed exception", v->n_accepted,
                 plural(v->n_accepted));
    else if (v->n_warn)
        snprintf(out, size, "%u metric%s over the warning level", v->n_warn, plural(v->n_warn));
    else if (v->n_improved)
        snprintf(out, size, "no regression; %u metric%s improved", v->n_improved,
                 plural(v->n_improved));
    else
        snprintf(out, size, "no regression");
}

/* "+14.4 MiB (+441.5%)" */
static void change_text(const mg_row *r, char *out, size_t size)
{
    char d[32];
    rep_signed(r->metric, r->negative, r->delta, d, sizeof(d));
    if (r->has_pct)
        snprintf(out, size, "%s (%+.1f%%)", d, r->delta_pct);
    else
        snprintf(out, size, "%s", d);
}

/* The sentence for a row that tripped its fail or warn level. */
static void tripped(const mg_row *r, const mg_limit *l, const char *level, char *out, size_t size)
{
    char lim[64], cur[32], ch[64];
    if (r->cause_ceiling) {
        rep_amount(r->metric, r->current, cur, sizeof(cur));
        mg_limit_format_part(l, r->metric, MG_PART_CEILING, lim, sizeof(lim));
        snprintf(out, size, "is %s, above the %s ceiling %s", cur, level, lim);
        return;
    }
    /* the increase terms only: the ceiling was not what tripped */
    mg_limit_format_part(l, r->metric, MG_PART_INCREASE, lim, sizeof(lim));
    change_text(r, ch, sizeof(ch));
    snprintf(out, size, "grew %s, more than the %s limit %s", ch, level, lim);
}

static void drift_text(const mg_row *r, const mg_verdict *v, char *out, size_t size)
{
    char d[32], lim[64];
    rep_signed(r->metric, r->drift_negative, r->drift, d, sizeof(d));
    mg_limit_format(&r->drift_limit, r->metric, lim, sizeof(lim));
    if (r->has_drift_pct)
        snprintf(out, size, "drifted %s (%+.1f%%) since the anchor %s, past the drift budget %s", d,
                 r->drift_pct, v->anchor_label, lim);
    else
        snprintf(out, size, "drifted %s since the anchor %s, past the drift budget %s", d,
                 v->anchor_label, lim);
}

/* What made the row fail or warn (before any exception): its own level, or the drift budget. */
static void failing_text(const mg_row *r, const mg_verdict *v, char *out, size_t size)
{
    if (r->cause == MG_LEVEL_DRIFT)
        drift_text(r, v, out, size);
    else if (r->cause == MG_LEVEL_WARN)
        tripped(r, &r->warn_limit, "warning", out, size);
    else
        tripped(r, &r->limit, "fail", out, size);
}

void rep_row_reason(const mg_row *r, const mg_verdict *v, char *out, size_t size)
{
    char ch[64], inner[200];
    out[0] = '\0';
    switch (r->status) {
    case MG_STATUS_FAIL:
    case MG_STATUS_WARN:
        failing_text(r, v, out, size);
        if (r->env_softened)
            snprintf(out + strlen(out), size - strlen(out),
                     "; a warning, not a failure: the environment changed since the baseline");
        break;
    case MG_STATUS_ACCEPTED:
        failing_text(r, v, inner, sizeof(inner));
        snprintf(out, size, "%s; accepted: %s", inner, v->accept_reason);
        break;
    case MG_STATUS_IMPROVED:
        change_text(r, ch, sizeof(ch));
        snprintf(out, size, "dropped %s, past the improvement hint", ch + (ch[0] == '-'));
        break;
    case MG_STATUS_ABSENT:
        snprintf(out, size, "%s but this profile does not measure it; skipped, not taken as zero",
                 r->in_baseline ? "is in the baseline" : "has a ceiling");
        break;
    case MG_STATUS_OK:
        if (r->reason[0])
            snprintf(out, size, "%s", r->reason);
        break;
    }
}

void rep_nobreak(const char *s, char *out, size_t size)
{
    size_t i;
    if (size == 0)
        return;
    for (i = 0; s[i] && i + 1 < size; i++)
        out[i] = s[i] == ' ' ? REP_NOBREAK : s[i];
    out[i] = '\0';
}

int rep_wrap(mg_buf *b, unsigned indent, const char *text, mg_error *err)
{
    const size_t width = 78;
    const char *p = text;
    int rc = 0;

    while (rc == 0 && *p) {
        size_t room = width - indent, n = strlen(p), cut, len, start, i;
        if (n <= room) {
            cut = n;
        } else {
            for (cut = room; cut > 0 && p[cut] != ' '; cut--)
                ;
            if (cut == 0) /* one long word: let it run over rather than break it */
                cut = strcspn(p, " ");
        }
        for (len = cut; len > 0 && p[len - 1] == ' '; len--)
            ; /* no trailing blanks where two spaces met the break */
        rc = mg_buf_printf(b, err, "%*s", (int)indent, "");
        start = b->len;
        if (rc == 0)
            rc = mg_buf_append(b, p, len, err);
        for (i = start; rc == 0 && i < b->len; i++)
            if (b->data[i] == REP_NOBREAK)
                b->data[i] = ' ';
        if (rc == 0)
            rc = mg_buf_printf(b, err, "\n");
        p += cut;
        while (*p == ' ')
            p++;
        indent = indent < 4 ? indent + 2 : indent; /* continuation lines hang under the text */
    }
    return rc;
}

bool rep_ratchet(const mg_report_input *in)
{
    const mg_verdict *v = in->verdict;
    return in->ratchet_command && v && v->n_improved && !v->n_fail && !v->n_accepted &&
           !v->n_drift && !v->no_baseline;
}

int rep_notices_text(mg_buf *b, const mg_report_input *in, mg_error *err)
{
    size_t i, j;
    int rc = 0;
    for (i = 0; rc == 0 && i < in->n_notices; i++) {
        const mg_report_notice *n = &in->notices[i];
        rc = mg_buf_printf(b, err, "\n");
        if (rc == 0)
            rc = rep_wrap(b, 0, n->title, err);
        for (j = 0; rc == 0 && j < n->n_lines; j++) {
            char line[600];
            snprintf(line, sizeof(line), "- %s", n->lines[j]);
            rc = rep_wrap(b, 2, line, err);
        }
    }
    return rc;
}

const char *rep_attribution_label(enum mg_attribution a)
{
    return a == MG_ATTR_OWN ? "own code" : mg_attribution_name(a);
}
