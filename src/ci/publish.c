/* mg_publish_verdict: pick the platform, then post everything, one failure never stopping the rest.
 */
#include "memgate/publish.h"

#include <string.h>

#include "ci/ci_env.h"
#include "ci/platform.h"
#include "report/render.h"

int mg_post_target_parse(const char *name, enum mg_post_target *out, mg_error *err)
{
    static const char *const names[] = {"auto", "github", "gitlab", "none"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum mg_post_target)i;
            return 0;
        }
    }
    return mg_error_set(err, MG_E_USAGE, "--post must be auto, github, gitlab or none, not '%.40s'",
                        name);
}

const char *mg_post_target_name(enum mg_post_target t)
{
    switch (t) {
    case MG_POST_AUTO:
        return "auto";
    case MG_POST_GITHUB:
        return "github";
    case MG_POST_GITLAB:
        return "gitlab";
    case MG_POST_NONE:
        break;
    }
    return "none";
}

void mg_publish_outcome_init(mg_publish_outcome *o)
{
    memset(o, 0, sizeof(*o));
    o->platform = MG_POST_NONE;
    mg_buf_init(&o->stdout_text, 4 << 20);
    mg_buf_init(&o->notes, 1 << 20);
}

void mg_publish_outcome_release(mg_publish_outcome *o)
{
    if (!o)
        return;
    mg_buf_release(&o->stdout_text);
    mg_buf_release(&o->notes);
}

int mg_publish_render(mg_buf *out, const mg_publish_request *req, mg_error *err)
{
    if (!req->n_workloads)
        return mg_error_set(err, MG_E_USAGE, "nothing to publish: no workloads");
    return mg_md_body(out, req, req->sha, err);
}

int mg_publish_verdict(mg_publish_outcome *out, const mg_publish_request *req, mg_error *err)
{
    mg_post_run run = {req, out, err, NULL};
    enum mg_post_target t = mg_ci_detect(req->target);
    int rc = 0;

    out->platform = t;
    if (!req->n_workloads)
        return mg_error_set(err, MG_E_USAGE, "nothing to publish: no workloads");
    if (t == MG_POST_GITHUB)
        rc = mg_github_publish(&run);
    else if (t == MG_POST_GITLAB)
        rc = mg_gitlab_publish(&run);
    /* auto outside CI posts nothing, silently: a developer's terminal is not a failure */
    mg_http_free(run.http);
    return out->n_failed ? -MG_E_POST : rc;
}
