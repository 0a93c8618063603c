/* GitHub: sticky PR comment, commit statuses, check runs, job files (docs/posting.md). */
#include "ci/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ci/ci_env.h"
#include "ci/sticky.h"
#include "ci/gha.h"
#include "report/render.h"

/* Check run summaries are capped at 65,535 characters by the API. */
#define CHECK_SUMMARY_MAX 65000

static const char *const gh_headers[] = {
    "Accept: application/vnd.github+json",
    "X-GitHub-Api-Version: 2022-11-28", /* pinned: also what GHES supports */
    NULL,
};

/* Comments written with the Actions GITHUB_TOKEN carry this author (docs/posting.md, "GitHub:
 * REST"). */
#define ACTIONS_BOT "github-actions[bot]"

typedef struct gh {
    mg_post_run *run;
    mg_gh_ctx ctx;
    char login[128]; /* the token's own identity: only its comments are memgate's */
} gh;

static json_t *parse_body(const mg_http_response *resp)
{
    return resp->body.len ? json_loadb(resp->body.data, resp->body.len, 0, NULL) : NULL;
}

/* Remember the comment's web address for the notes and $GITHUB_OUTPUT. */
static void take_html_url(gh *g, const mg_http_response *resp)
{
    json_t *o = parse_body(resp);
    const char *u = json_string_value(json_object_get(o, "html_url"));
    if (u && strlen(u) < sizeof(g->run->out->comment_url) && strncmp(u, "http", 4) == 0 &&
        !strpbrk(u, " \r\n\t"))
        snprintf(g->run->out->comment_url, sizeof(g->run->out->comment_url), "%s", u);
    json_decref(o);
}

static int gh_find(void *vctx, const char *marker, int64_t *id, char **body, mg_error *err)
{
    gh *g = vctx;
    mg_sticky_list l = {g->run->http, g->ctx.api, g->login, "comment", NULL, NULL};
    char url[2048];

    snprintf(url, sizeof(url), "%s/repos/%s/%s/issues/%llu/comments?per_page=100", g->ctx.api,
             g->ctx.owner, g->ctx.repo, (unsigned long long)g->ctx.pr);
    return mg_sticky_find(&l, url, marker, id, body, err);
}

static char *comment_json(const char *body)
{
    json_t *o = json_pack("{ss}", "body", body);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

static int gh_write(gh *g, const char *method, const char *url, const char *body, unsigned flags,
                    mg_http_response *resp, mg_error *err)
{
    char *json = comment_json(body);
    int rc = json ? mg_http_request(g->run->http, method, url, json, flags, resp, err)
                  : mg_error_set(err, MG_E_NOMEM, "out of memory");
    free(json);
    if (rc == 0)
        take_html_url(g, resp);
    return rc;
}

static int gh_create(void *vctx, const char *body, mg_http_response *resp, mg_error *err)
{
    gh *g = vctx;
    char url[1024];
    snprintf(url, sizeof(url), "%s/repos/%s/%s/issues/%llu/comments", g->ctx.api, g->ctx.owner,
             g->ctx.repo, (unsigned long long)g->ctx.pr);
    return gh_write(g, "POST", url, body, MG_HTTP_NOT_IDEMPOTENT, resp, err);
}

static int gh_update(void *vctx, int64_t id, const char *body, mg_http_response *resp,
                     mg_error *err)
{
    gh *g = vctx;
    char url[1024];
    snprintf(url, sizeof(url), "%s/repos/%s/%s/issues/comments/%lld", g->ctx.api, g->ctx.owner,
             g->ctx.repo, (long long)id);
    return gh_write(g, "PATCH", url, body, 0, resp, err);
}

static const mg_sticky_ops gh_ops = {gh_find, gh_create, gh_update};

/*
 * In a workflow_run job the PR number may come from an artifact the PR's own code
 * wrote: post only if that PR's head really is the commit the trusted event names.
 */
static int verify_pr(gh *g, mg_error *err)
{
    char url[1024];
    mg_http_response resp;
    json_t *o = NULL;
    const char *head;
    int rc;

    if (strcmp(g->ctx.event, "workflow_run") != 0 || g->ctx.pr_from_event)
        return 0;
    if (!g->ctx.sha[0])
        return mg_error_set(err, MG_E_POST, "cannot verify PR #%llu: no head commit in the event",
                            (unsigned long long)g->ctx.pr);
    snprintf(url, sizeof(url), "%s/repos/%s/%s/pulls/%llu", g->ctx.api, g->ctx.owner, g->ctx.repo,
             (unsigned long long)g->ctx.pr);
    mg_http_response_init(&resp);
    rc = mg_http_request(g->run->http, "GET", url, NULL, 0, &resp, err);
    if (rc == 0) {
        o = parse_body(&resp);
        head = json_string_value(json_object_get(json_object_get(o, "head"), "sha"));
        if (!head || strcasecmp(head, g->ctx.sha) != 0)
            rc = mg_error_set(err, MG_E_POST,
                              "PR #%llu does not have head commit %.12s of the triggering run: "
                              "not posting (stale or forged PR number)",
                              (unsigned long long)g->ctx.pr, g->ctx.sha);
    }
    json_decref(o);
    mg_http_response_release(&resp);
    return rc;
}

/*
 * The token's identity. A personal or app-user token may read GET /user; the Actions
 * GITHUB_TOKEN (an installation token) is refused there with 403 and writes as the
 * Actions bot. Anything else (a server error, a login missing) stops the comment:
 * without knowing who we are, someone else's marked comment could be taken for ours.
 */
static int whoami(gh *g, mg_error *err)
{
    char url[1024];
    mg_http_response resp;
    mg_error e;
    json_t *o;
    const char *login;
    int rc;

    mg_error_init(&e);
    mg_http_response_init(&resp);
    snprintf(url, sizeof(url), "%s/user", g->ctx.api);
    rc = mg_http_request(g->run->http, "GET", url, NULL, 0, &resp, &e);
    if (rc < 0 && resp.status == 403) {
        snprintf(g->login, sizeof(g->login), "%s", ACTIONS_BOT);
        rc = 0;
    } else if (rc < 0) {
        rc = mg_error_set(err, e.code, "%s", e.msg);
    } else {
        o = parse_body(&resp);
        login = json_string_value(json_object_get(o, "login"));
        if (login && *login && strlen(login) < sizeof(g->login))
            snprintf(g->login, sizeof(g->login), "%s", login);
        else
            rc = mg_error_set(err, MG_E_POST, "GET /user: the answer names no login");
        json_decref(o);
    }
    mg_http_response_release(&resp);
    return rc;
}

static void post_comment(gh *g)
{
    char where[64];
    mg_error e;

    mg_error_init(&e);
    if (verify_pr(g, &e) < 0 || whoami(g, &e) < 0) {
        mg_post_failed(g->run, "posting the PR comment", &e);
        return;
    }
    snprintf(where, sizeof(where), "PR #%llu comment", (unsigned long long)g->ctx.pr);
    mg_post_sticky(g->run, &gh_ops, g, g->ctx.sha, g->ctx.run_url, MG_GITHUB_COMMENT_MAX,
                   "PR comment", where);
}

static const char *status_state(const mg_publish_request *req, const mg_publish_workload *w)
{
    if (!strcmp(w->verdict, "fail") && !(req->flags & MG_PUBLISH_INFORMATIONAL))
        return "failure";
    return "success";
}

static int post_json(gh *g, const char *url, json_t *o, mg_error *err)
{
    char *json = o ? json_dumps(o, JSON_COMPACT) : NULL;
    mg_http_response resp;
    int rc;

    mg_http_response_init(&resp);
    rc = json ? mg_http_request(g->run->http, "POST", url, json, 0, &resp, err)
              : mg_error_set(err, MG_E_NOMEM, "out of memory");
    mg_http_response_release(&resp);
    free(json);
    json_decref(o);
    return rc;
}

static void post_status(gh *g, const mg_publish_workload *w)
{
    char url[1024], context[100], desc[141];
    json_t *o;
    mg_error e;

    mg_error_init(&e);
    mg_post_context(w, context, sizeof(context));
    mg_post_description(g->run->req, w, desc, sizeof(desc));
    snprintf(url, sizeof(url), "%s/repos/%s/%s/statuses/%s", g->ctx.api, g->ctx.owner, g->ctx.repo,
             g->ctx.sha);
    o = json_pack("{ss ss ss}", "state", status_state(g->run->req, w), "context", context,
                  "description", desc);
    if (o && g->ctx.run_url[0])
        json_object_set_new(o, "target_url", json_string(g->ctx.run_url));
    if (post_json(g, url, o, &e) < 0) {
        mg_post_failed(g->run, "posting the commit status", &e);
        return;
    }
    g->run->out->n_posted++;
    mg_post_note(g->run, "status %s on %.12s: %s", context, g->ctx.sha, desc);
}

static const char *conclusion(const mg_publish_request *req, const mg_publish_workload *w)
{
    if (!strcmp(w->verdict, "fail"))
        return (req->flags & MG_PUBLISH_INFORMATIONAL) ? "neutral" : "failure";
    return !strcmp(w->verdict, "warn") ? "neutral" : "success";
}

static void post_check_run(gh *g, const mg_publish_workload *w)
{
    mg_publish_request one = *g->run->req;
    char url[1024], name[100], title[141];
    mg_buf summary;
    json_t *o = NULL;
    mg_error e;

    mg_error_init(&e);
    mg_buf_init(&summary, 0);
    one.workloads = w;
    one.n_workloads = 1;
    mg_post_context(w, name, sizeof(name));
    mg_post_description(g->run->req, w, title, sizeof(title));
    snprintf(url, sizeof(url), "%s/repos/%s/%s/check-runs", g->ctx.api, g->ctx.owner, g->ctx.repo);
    if (mg_md_body(&summary, &one, g->ctx.sha, &e) == 0) {
        mg_md_cap(&summary, CHECK_SUMMARY_MAX, "_memgate: truncated._");
        o = json_pack("{ss ss ss ss s{ss ss}}", "name", name, "head_sha", g->ctx.sha, "status",
                      "completed", "conclusion", conclusion(g->run->req, w), "output", "title",
                      title, "summary", summary.data);
        if (o && g->ctx.run_url[0])
            json_object_set_new(o, "details_url", json_string(g->ctx.run_url));
    }
    if (post_json(g, url, o, &e) < 0) {
        mg_post_failed(g->run, "creating the check run (needs checks: write)", &e);
    } else {
        g->run->out->n_posted++;
        mg_post_note(g->run, "check run %s: %s", name, conclusion(g->run->req, w));
    }
    mg_buf_release(&summary);
}

/* Annotations and the step summary need no token: they work even in read-only fork PR runs. */
static void job_files(gh *g)
{
    mg_post_run *run = g->run;
    mg_buf md;
    mg_error e;

    mg_error_init(&e);
    mg_buf_init(&md, 0);
    if (mg_gha_annotations(&run->out->stdout_text, run->req, &e) < 0 ||
        mg_md_body(&md, run->req, g->ctx.sha, &e) < 0 ||
        mg_md_footer(&md, g->ctx.run_url, &e) < 0 || mg_gha_step_summary(md.data, &e) < 0)
        mg_post_failed(run, "writing the job summary", &e);
    mg_buf_release(&md);
}

static void api_steps(gh *g, const char *token)
{
    mg_post_run *run = g->run;
    mg_error e;

    mg_error_init(&e);
    if (mg_post_http(run, token, gh_headers, true, &e) < 0) {
        mg_post_failed(run, "setting up HTTP", &e);
        return;
    }
    if (!g->ctx.pr)
        mg_post_note(run, "not a pull request: no PR comment");
    else if (run->req->comment != MG_COMMENT_NEVER)
        post_comment(g);
    if (!g->ctx.sha[0] &&
        (!(run->req->flags & MG_PUBLISH_NO_STATUS) || (run->req->flags & MG_PUBLISH_CHECK_RUN)))
        mg_post_note(run, "no head commit known: no commit status (pass --sha)");
    for (size_t i = 0; g->ctx.sha[0] && i < run->req->n_workloads; i++) {
        if (!(run->req->flags & MG_PUBLISH_NO_STATUS))
            post_status(g, &run->req->workloads[i]);
        if (run->req->flags & MG_PUBLISH_CHECK_RUN)
            post_check_run(g, &run->req->workloads[i]);
    }
}

int mg_github_publish(mg_post_run *run)
{
    gh g = {.run = run};
    const char *token = NULL;
    bool files = !(run->req->flags & MG_PUBLISH_NO_JOB_FILES);
    mg_error e;

    mg_error_init(&e);
    if (mg_gh_ctx_load(&g.ctx, run->req->number, run->req->sha, &e) < 0) {
        mg_post_failed(run, "reading the GitHub Actions environment", &e);
    } else {
        if (files)
            job_files(&g);
        if (mg_ci_token(MG_POST_GITHUB, &token, &e) < 0)
            mg_post_failed(run, "posting to GitHub", &e);
        else
            api_steps(&g, token);
    }
    mg_error_init(&e);
    if (files && mg_gha_outputs(run->req, run->out->comment_url, &e) < 0)
        mg_post_failed(run, "writing the step outputs", &e);
    return 0;
}
