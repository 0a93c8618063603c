/* The verdict words and badges every Markdown and HTML report shows, below the renderers that
 * use them (render_md.c, render_workload.c, report_html.c). */
#include <stdbool.h>
#include <string.h>

#include "report/render.h"

static int rank(const char *verdict)
{
    return !strcmp(verdict, "fail") ? 2 : !strcmp(verdict, "warn") ? 1 : 0;
}

const char *mg_md_verdict_word(const mg_publish_workload *w)
{
    if (w->needs_review && strcmp(w->verdict, "fail") != 0)
        return "needs review";
    if (w->needs_review) {
        /* failing because review is required, not because a metric failed */
        bool metric_failed = false;
        for (size_t i = 0; i < w->n_metrics; i++)
            metric_failed |= !strcmp(w->metrics[i].status, "fail");
        if (!metric_failed)
            return "needs review";
    }
    if (!strcmp(w->verdict, "pass"))
        for (size_t i = 0; i < w->n_metrics; i++)
            if (!strcmp(w->metrics[i].status, "accepted"))
                return "accepted";
    return w->verdict;
}

const char *mg_md_overall_word(const mg_publish_request *req)
{
    const char *overall = mg_md_overall(req);
    if (req->n_workloads == 1)
        return mg_md_verdict_word(&req->workloads[0]);
    if (strcmp(overall, "pass") != 0)
        return overall;
    for (size_t i = 0; i < req->n_workloads; i++)
        if (!strcmp(mg_md_verdict_word(&req->workloads[i]), "accepted"))
            return "accepted";
    return "pass";
}

const char *mg_md_badge(const char *word)
{
    if (!strcmp(word, "fail"))
        return "\xE2\x9D\x8C"; /* cross mark */
    if (!strcmp(word, "warn"))
        return "\xE2\x9A\xA0\xEF\xB8\x8F"; /* warning sign */
    if (!strcmp(word, "improved"))
        return "\xF0\x9F\x9F\xA2"; /* green circle */
    if (!strcmp(word, "absent"))
        return "\xE2\x9E\x96"; /* minus */
    if (!strcmp(word, "accepted"))
        return "\xE2\x98\x91\xEF\xB8\x8F"; /* ballot box with check: a reviewed exception */
    if (!strcmp(word, "needs review"))
        return "\xF0\x9F\x94\x8D"; /* magnifying glass */
    return "\xE2\x9C\x85";         /* check mark: pass, ok */
}

const char *mg_md_overall(const mg_publish_request *req)
{
    int worst = 0;
    for (size_t i = 0; i < req->n_workloads; i++)
        if (rank(req->workloads[i].verdict) > worst)
            worst = rank(req->workloads[i].verdict);
    return worst == 2 ? "fail" : worst == 1 ? "warn" : "pass";
}

bool mg_md_next_steps(const mg_publish_workload *w, const char *word, mg_next_steps *out)
{
    out->failing = !strcmp(word, "fail") || !strcmp(word, "warn") || !strcmp(word, "needs review");
    out->record_title = out->record_text = NULL;
    if (!out->failing && !w->ratchet && strcmp(word, "accepted") != 0)
        return false;
    if (w->update_command) {
        out->record_title = w->ratchet     ? "Improved?"
                            : out->failing ? "Intended for good?"
                                           : "Accepted:";
        out->record_text = w->ratchet     ? "Lock it in (a ratchet): record"
                           : out->failing ? "Record"
                                          : "once it lands, record";
    }
    return true;
}
