/* Approval of baseline writes: an explicit --approve, or CI on an allowed branch outside a PR/MR.
 */
#include "cli_approval.h"

#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/ci_env.h"

json_t *cli_github_event(void)
{
    const char *path = mg_ci_var(MG_CI_GH_EVENT_PATH);
    return path ? json_load_file(path, 0, NULL) : NULL;
}

/* GitHub keeps the default branch only in the event payload. */
static char *github_default_branch(void)
{
    json_t *ev = cli_github_event(), *db;
    char *out = NULL;
    if (!ev)
        return NULL;
    db = json_object_get(json_object_get(ev, "repository"), "default_branch");
    if (json_is_string(db))
        out = strdup(json_string_value(db));
    json_decref(ev);
    return out;
}

/* Branch names or fnmatch(3) globs, e.g. release-star matches "release-1.2". */
static bool branch_allowed(const struct cli_approval *a, const char *branch, const char *dflt)
{
    size_t i;
    if (!branch || !*branch)
        return false;
    if (a->n_branches == 0)
        return dflt && !strcmp(branch, dflt);
    for (i = 0; i < a->n_branches; i++)
        if (!strcmp(branch, a->branches[i]) || fnmatch(a->branches[i], branch, 0) == 0)
            return true;
    return false;
}

static bool github_approved(const struct cli_approval *a, char *why, size_t size)
{
    const char *ev = mg_ci_var(MG_CI_GH_EVENT_NAME), *ref = mg_ci_var(MG_CI_GH_REF);
    const char *name = mg_ci_var(MG_CI_GH_REF_NAME);
    char *dflt;
    bool ok;
    if (ev && !strncmp(ev, "pull_request", 12)) {
        snprintf(why, size, "this GitHub Actions run is a pull request (%s)", ev);
        return false;
    }
    dflt = github_default_branch();
    ok = ref && !strncmp(ref, "refs/heads/", 11) && branch_allowed(a, name, dflt);
    snprintf(why, size,
             "GitHub Actions branch '%s' is not the default branch '%s' or an allowed "
             "branch",
             name ? name : "?", dflt ? dflt : "?");
    free(dflt);
    return ok;
}

static bool gitlab_approved(const struct cli_approval *a, char *why, size_t size)
{
    const char *source = mg_ci_var(MG_CI_GL_PIPELINE_SOURCE);
    const char *branch = mg_ci_var(MG_CI_GL_COMMIT_BRANCH),
               *dflt = mg_ci_var(MG_CI_GL_DEFAULT_BRANCH);
    if (mg_ci_var(MG_CI_GL_MR_IID) || (source && !strcmp(source, "merge_request_event"))) {
        snprintf(why, size, "this GitLab pipeline is for a merge request");
        return false;
    }
    snprintf(why, size, "GitLab branch '%s' is not the default branch '%s' or an allowed branch",
             branch ? branch : "?", dflt ? dflt : "?");
    return branch_allowed(a, branch, dflt);
}

bool cli_approved(const struct cli_approval *a, char *why, size_t size)
{
    if (a->approve)
        return true;
    switch (mg_ci_detect(MG_POST_AUTO)) {
    case MG_POST_GITHUB:
        return github_approved(a, why, size);
    case MG_POST_GITLAB:
        return gitlab_approved(a, why, size);
    default:
        break;
    }
    snprintf(why, size, "not running in CI");
    return false;
}
