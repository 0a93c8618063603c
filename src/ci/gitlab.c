/* GitLab: sticky MR note and commit statuses (docs/posting.md, "GitLab"). */
#include "ci/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ci/ci_env.h"
#include "ci/sticky.h"
#include "report/render.h"
#include "memgate/num.h"

static const char *const gl_headers[] = {"Accept: application/json", NULL};

typedef struct gl {
    mg_post_run *run;
    mg_gl_ctx ctx;
    char username[256]; /* the token's own user: only its notes are memgate's */
} gl;

static void notes_url(const gl *g, char *out, size_t size)
{
    snprintf(out, size, "%s/projects/%s/merge_requests/%llu/notes", g->ctx.api, g->ctx.mr_project,
             (unsigned long long)g->ctx.mr);
}

/* The next page's URL: x-next-page (empty on the last page), else a rel="next" link. */
static bool next_url(const void *ctx, const mg_http_response *resp, char *url, size_t size)
{
    const gl *g = ctx;
    uint64_t page;
    char base[1024];

    if (resp->next_page[0] && mg_parse_u64(resp->next_page, 1000000, &page, NULL) == 0) {
        notes_url(g, base, sizeof(base));
        snprintf(url, size, "%s?sort=asc&order_by=created_at&per_page=100&page=%llu", base,
                 (unsigned long long)page);
        return true;
    }
    return resp->link && mg_http_link_next(resp->link, url, size);
}

static int gl_find(void *vctx, const char *marker, int64_t *id, char **body, mg_error *err)
{
    gl *g = vctx;
    mg_sticky_list l = {g->run->http, g->ctx.api, g->username, "note", next_url, g};
    char url[2048], base[1024];

    notes_url(g, base, sizeof(base));
    /* ascending: the oldest marked note is the one kept up to date */
    snprintf(url, sizeof(url), "%s?sort=asc&order_by=created_at&per_page=100", base);
    return mg_sticky_find(&l, url, marker, id, body, err);
}

static int gl_write(gl *g, const char *method, const char *url, const char *body, unsigned flags,
                    mg_http_response *resp, mg_error *err)
{
    json_t *o = json_pack("{ss}", "body", body);
    char *json = o ? json_dumps(o, JSON_COMPACT) : NULL;
    int rc = json ? mg_http_request(g->run->http, method, url, json, flags, resp, err)
                  : mg_error_set(err, MG_E_NOMEM, "out of memory");
    free(json);
    json_decref(o);
    return rc;
}

static int gl_create(void *vctx, const char *body, mg_http_response *resp, mg_error *err)
{
    gl *g = vctx;
    char url[1024];
    notes_url(g, url, sizeof(url));
    return gl_write(g, "POST", url, body, MG_HTTP_NOT_IDEMPOTENT, resp, err);
}

static int gl_update(void *vctx, int64_t id, const char *body, mg_http_response *resp,
                     mg_error *err)
{
    gl *g = vctx;
    char url[1200], base[1024];
    notes_url(g, base, sizeof(base));
    snprintf(url, sizeof(url), "%s/%lld", base, (long long)id);
    return gl_write(g, "PUT", url, body, 0, resp, err);
}

static const mg_sticky_ops gl_ops = {gl_find, gl_create, gl_update};

/* The token's user (GET /user works for personal, project and group access tokens). */
static int whoami(gl *g, mg_error *err)
{
    char url[1024];
    mg_http_response resp;
    json_t *o;
    const char *name;
    int rc;

    mg_http_response_init(&resp);
    snprintf(url, sizeof(url), "%s/user", g->ctx.api);
    rc = mg_http_request(g->run->http, "GET", url, NULL, 0, &resp, err);
    if (rc == 0) {
        o = resp.body.len ? json_loadb(resp.body.data, resp.body.len, 0, NULL) : NULL;
        name = json_string_value(json_object_get(o, "username"));
        if (name && *name && strlen(name) < sizeof(g->username))
            snprintf(g->username, sizeof(g->username), "%s", name);
        else
            rc = mg_error_set(err, MG_E_POST, "GET /user: the answer names no username");
        json_decref(o);
    }
    mg_http_response_release(&resp);
    return rc;
}

static void post_note(gl *g)
{
    char where[64];
    mg_error e;

    mg_error_init(&e);
    if (whoami(g, &e) < 0) {
        mg_post_failed(g->run, "posting the MR note", &e);
        return;
    }
    snprintf(where, sizeof(where), "MR !%llu note", (unsigned long long)g->ctx.mr);
    mg_post_sticky(g->run, &gl_ops, g, g->ctx.sha, g->ctx.job_url, MG_GITLAB_NOTE_MAX, "MR note",
                   where);
}

static void post_status(gl *g, const mg_publish_workload *w)
{
    const mg_publish_request *req = g->run->req;
    bool failed = !strcmp(w->verdict, "fail") && !(req->flags & MG_PUBLISH_INFORMATIONAL);
    char url[1024], name[100], desc[256];
    mg_http_response resp;
    json_t *o;
    char *json = NULL;
    mg_error e;
    int rc;

    mg_error_init(&e);
    mg_post_context(w, name, sizeof(name));
    mg_post_description(req, w, desc, sizeof(desc));
    snprintf(url, sizeof(url), "%s/projects/%s/statuses/%s", g->ctx.api, g->ctx.project,
             g->ctx.sha);
    o = json_pack("{ss ss ss}", "state", failed ? "failed" : "success", "name", name, "description",
                  desc);
    if (o && g->ctx.job_url[0])
        json_object_set_new(o, "target_url", json_string(g->ctx.job_url));
    if (o && g->ctx.ref[0])
        json_object_set_new(o, "ref", json_string(g->ctx.ref));
    if (o && g->ctx.pipeline_id)
        json_object_set_new(o, "pipeline_id", json_integer((json_int_t)g->ctx.pipeline_id));
    json = o ? json_dumps(o, JSON_COMPACT) : NULL;
    mg_http_response_init(&resp);
    /* 409: another update for this commit is in flight; it clears quickly */
    rc = json ? mg_http_request(g->run->http, "POST", url, json, MG_HTTP_RETRY_CONFLICT, &resp, &e)
              : mg_error_set(&e, MG_E_NOMEM, "out of memory");
    if (rc < 0) {
        mg_post_failed(g->run, "posting the commit status", &e);
    } else {
        g->run->out->n_posted++;
        mg_post_note(g->run, "status %s on %.12s: %s", name, g->ctx.sha, desc);
    }
    mg_http_response_release(&resp);
    free(json);
    json_decref(o);
}

int mg_gitlab_publish(mg_post_run *run)
{
    gl g = {.run = run};
    const char *token = NULL;
    mg_error e;

    mg_error_init(&e);
    if (mg_gl_ctx_load(&g.ctx, run->req->number, run->req->sha, &e) < 0) {
        mg_post_failed(run, "reading the GitLab CI environment", &e);
        return 0;
    }
    if (mg_ci_token(MG_POST_GITLAB, &token, &e) < 0) {
        mg_post_failed(run, "posting to GitLab", &e);
        return 0;
    }
    if (mg_post_http(run, token, gl_headers, false, &e) < 0) {
        mg_post_failed(run, "setting up HTTP", &e);
        return 0;
    }
    if (!g.ctx.mr)
        mg_post_note(run, "not a merge request pipeline: no MR note");
    else if (run->req->comment != MG_COMMENT_NEVER)
        post_note(&g);
    if (run->req->flags & MG_PUBLISH_NO_STATUS)
        return 0;
    if (!g.ctx.sha[0])
        mg_post_note(run, "no commit SHA known: no commit status (pass --sha)");
    for (size_t i = 0; g.ctx.sha[0] && i < run->req->n_workloads; i++)
        post_status(&g, &run->req->workloads[i]);
    return 0;
}
