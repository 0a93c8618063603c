/*
 * Markdown report: the check's verdict through the one renderer the PR comment and
 * `memgate post` use (render_md.c, render_workload.c), so a local preview is what the PR shows.
 */
#include "memgate/report.h"
#include "report/render.h"

int mg_report_markdown(mg_buf *out, const mg_report_input *in, mg_error *err)
{
    mg_report_view view;
    mg_publish_request req = {0};

    if (!in->verdict)
        return mg_error_set(err, MG_E_USAGE, "the markdown report needs a verdict (check or diff)");
    mg_report_view_build(&view, in);
    req.workloads = &view.w;
    req.n_workloads = 1;
    return mg_md_body(out, &req, req.sha, err);
}
