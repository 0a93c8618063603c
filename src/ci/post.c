/* What the GitHub and GitLab posters share: notes, failures, HTTP set-up, status texts, the comment
 * body. */
#include "ci/post.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/ci_env.h"
#include "report/render.h"

void mg_post_note(mg_post_run *run, const char *fmt, ...)
{
    va_list ap;
    mg_buf_printf(&run->out->notes, NULL, "memgate: ");
    va_start(ap, fmt);
    mg_buf_vprintf(&run->out->notes, NULL, fmt, ap);
    va_end(ap);
    mg_buf_printf(&run->out->notes, NULL, "\n");
}

void mg_post_failed(mg_post_run *run, const char *what, const mg_error *step)
{
    char text[MG_ERROR_TEXT_MAX];
    mg_error_format(step, text, sizeof(text));
    run->out->n_failed++;
    mg_post_note(run, "%s failed: %s", what, text);
    mg_error_set(run->err, MG_E_POST, "%s failed: %s", what, text);
}

int mg_post_http(mg_post_run *run, const char *token, const char *const *headers, bool github,
                 mg_error *err)
{
    mg_http_options o;
    int rc = mg_http_options_from_env(&o, err);
    if (rc < 0)
        return rc;
    o.token = token;
    o.headers = headers;
    o.github_rate_limits = github;
    o.trace = run->req->trace;
    o.trace_ctx = run->req->trace_ctx;
    if (!github && !o.ca_file)
        o.ca_file = mg_ci_var(MG_CI_GL_SERVER_CA_FILE); /* a self-managed GitLab's own CA */
    return mg_http_new(&run->http, &o, err);
}

bool mg_post_may_create(const mg_publish_request *req)
{
    if (req->comment == MG_COMMENT_NEVER)
        return false;
    return req->comment != MG_COMMENT_NOT_PASS || strcmp(mg_md_overall(req), "pass") != 0;
}

void mg_post_context(const mg_publish_workload *w, char *out, size_t size)
{
    snprintf(out, size, "memgate/%.64s", w->name);
}

static const mg_publish_metric *first_with(const mg_publish_workload *w, const char *status,
                                           unsigned *count)
{
    const mg_publish_metric *first = NULL;
    *count = 0;
    for (size_t i = 0; i < w->n_metrics; i++) {
        if (strcmp(w->metrics[i].status, status) == 0) {
            if (!first)
                first = &w->metrics[i];
            (*count)++;
        }
    }
    return first;
}

void mg_post_description(const mg_publish_request *req, const mg_publish_workload *w, char *out,
                         size_t max)
{
    const char *worst = !strcmp(w->verdict, "fail") ? "fail" : "warn";
    unsigned n = 0;
    const mg_publish_metric *m = first_with(w, worst, &n);
    const char *prefix = (req->flags & MG_PUBLISH_INFORMATIONAL) && !strcmp(w->verdict, "fail")
                             ? "informational, would fail"
                             : w->verdict;
    char pct[32] = "", limit[41];

    if (!strcmp(w->verdict, "pass") || !m) {
        snprintf(out, max, "%s: %zu metric%s within limits", prefix, w->n_metrics,
                 w->n_metrics == 1 ? "" : "s");
        return;
    }
    if (m->has_delta_pct && isfinite(m->delta_pct))
        snprintf(pct, sizeof(pct), " %+.2f%%", m->delta_pct);
    /* cut on a UTF-8 boundary: half a character makes the JSON body invalid */
    snprintf(limit, sizeof(limit), "%s", m->limit ? m->limit : "");
    limit[mg_utf8_prefix(limit, strlen(limit))] = '\0';
    /* GitHub rejects descriptions over 140 characters with a 422 */
    snprintf(out, max, "%s: %s%s%s%s%s%s", prefix, m->name, pct, m->limit ? " (limit " : "", limit,
             m->limit ? ")" : "", n > 1 ? " and more" : "");
    out[mg_utf8_prefix(out, strlen(out))] = '\0';
}

int mg_post_comment_body(mg_buf *out, const mg_publish_request *req, const char *sha,
                         const char *run_url, size_t max, mg_error *err)
{
    char key[80], marker[128];
    mg_buf footer;
    int rc;

    mg_md_sticky_key(req, key, sizeof(key));
    mg_md_marker(key, marker, sizeof(marker));
    mg_buf_init(&footer, 0);
    rc = mg_buf_printf(out, err, "%s\n", marker);
    if (rc == 0)
        rc = mg_md_body(out, req, sha, err);
    if (rc == 0)
        rc = mg_md_footer(&footer, run_url, err);
    if (rc == 0) {
        mg_md_cap(out, max > footer.len ? max - footer.len : 0,
                  "_memgate: report truncated to fit the comment size limit; the job summary "
                  "has all of it._");
        rc = mg_buf_append(out, footer.data, footer.len, err);
    }
    mg_buf_release(&footer);
    return rc;
}
