/* JUnit XML for GitLab's test widget: one test case per metric of the workload. */
#include <stdio.h>
#include <string.h>

#include "memgate/report.h"
#include "report_int.h"
#include "report_xml.h"

/* "baseline 3434884, current 18600624, change +15165740 (+441.5%), limit +10% & +64.0 KiB" */
static void detail(const mg_row *r, char *out, size_t size)
{
    char lim[64], warn[64], base[32] = "none", cur[32] = "absent", ch[64] = "-";
    mg_limit_format(&r->limit, r->metric, lim, sizeof(lim));
    mg_limit_format(&r->warn_limit, r->metric, warn, sizeof(warn));
    if (r->in_baseline)
        snprintf(base, sizeof(base), "%llu", (unsigned long long)r->baseline);
    if (r->in_current)
        snprintf(cur, sizeof(cur), "%llu", (unsigned long long)r->current);
    if (r->in_baseline && r->in_current && r->has_pct)
        snprintf(ch, sizeof(ch), "%s%llu (%+.1f%%)", r->negative ? "-" : "+",
                 (unsigned long long)r->delta, r->delta_pct);
    else if (r->in_baseline && r->in_current)
        snprintf(ch, sizeof(ch), "%s%llu", r->negative ? "-" : "+", (unsigned long long)r->delta);
    snprintf(out, size, "baseline %s, current %s, change %s, limit %s, warn %s", base, cur, ch, lim,
             warn);
}

static int attr_line(mg_buf *b, const char *open, const char *text, const char *close,
                     mg_error *err)
{
    int rc = mg_buf_printf(b, err, "%s", open);
    if (rc == 0)
        rc = rep_xml(b, text, err);
    return rc == 0 ? mg_buf_printf(b, err, "%s", close) : rc;
}

static int testcase(mg_buf *b, const mg_report_input *in, const mg_row *r, const char *wl,
                    mg_error *err)
{
    char why[400], det[320];
    int rc;
    rep_row_reason(r, in->verdict, why, sizeof(why));
    detail(r, det, sizeof(det));
    rc = mg_buf_printf(b, err, "    <testcase name=\"%s\" classname=\"memgate.",
                       mg_metric_name(r->metric));
    if (rc == 0)
        rc = attr_line(b, "", wl, "\">\n", err);
    if (rc == 0 && r->status == MG_STATUS_FAIL) {
        /* the message leads with the culprit: what a reviewer acts on */
        const mg_culprit *c = rep_culprit_of(in, r->metric);
        char msg[2400];
        if (c) {
            rep_culprit_cause(c, msg, sizeof(msg));
            snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "; %s", why);
        } else {
            snprintf(msg, sizeof(msg), "%s", why);
        }
        rc = attr_line(b, "      <failure type=\"regression\" message=\"", msg, "\">", err);
        if (rc == 0)
            rc = attr_line(b, "", det, "</failure>\n", err);
    } else if (rc == 0 && r->status == MG_STATUS_ABSENT) {
        rc = attr_line(b, "      <skipped message=\"", why, "\"/>\n", err);
    } else if (rc == 0) {
        char out[760];
        snprintf(out, sizeof(out), "%s: %s%s%s", mg_status_name(r->status), det, why[0] ? "; " : "",
                 why);
        rc = attr_line(b, "      <system-out>", out, "</system-out>\n", err);
    }
    return rc == 0 ? mg_buf_printf(b, err, "    </testcase>\n") : rc;
}

/* The suite's one <system-out>: the exception, then each notice (environment, pairing, ...). */
static int suite_out(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    mg_buf text;
    int rc = 0;
    mg_buf_init(&text, MG_BUF_DEFAULT_CAP);
    if (v->accept_reason[0])
        rc = mg_buf_printf(&text, err, "accepted (%s): %s\n", v->accept_source, v->accept_reason);
    for (size_t i = 0; rc == 0 && i < in->n_notices; i++) {
        rc = mg_buf_printf(&text, err, "%s\n", in->notices[i].title);
        for (size_t j = 0; rc == 0 && j < in->notices[i].n_lines; j++)
            rc = mg_buf_printf(&text, err, "  %s\n", in->notices[i].lines[j]);
    }
    if (rc == 0)
        rc = attr_line(out, "    <system-out>", text.data ? text.data : "", "</system-out>\n", err);
    mg_buf_release(&text);
    return rc;
}

int mg_report_junit(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    const mg_verdict *v = in->verdict;
    const char *wl = in->workload ? in->workload : "default";
    unsigned i;
    int rc;

    if (!v)
        return mg_error_set(err, MG_E_USAGE, "the junit report needs a verdict (check or diff)");
    rc = mg_buf_printf(out, err,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"memgate\" tests=\"%u\" failures=\"%u\" errors=\"0\" "
                       "skipped=\"%u\">\n  <testsuite name=\"memgate.",
                       v->n_rows, v->n_fail, v->n_absent);
    if (rc == 0)
        rc = attr_line(out, "", wl, "", err);
    if (rc == 0)
        rc = mg_buf_printf(out, err,
                           "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\">\n",
                           v->n_rows, v->n_fail, v->n_absent);
    for (i = 0; rc == 0 && i < v->n_rows; i++)
        rc = testcase(out, in, &v->rows[i], wl, err);
    if (rc == 0 && (v->accept_reason[0] || in->n_notices))
        rc = suite_out(out, in, err);
    return rc == 0 ? mg_buf_printf(out, err, "  </testsuite>\n</testsuites>\n") : rc;
}
