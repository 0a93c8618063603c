/* GitHub Actions and GitLab CI variables and the GitHub event payload (docs/posting.md). */
#include "ci/ci_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "memgate/num.h"

/* Event payloads of big PRs are large, but not this large. */
#define EVENT_MAX_BYTES ((off_t)64 << 20)

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static bool env_true(const char *name)
{
    const char *v = env(name);
    return v && strcmp(v, "true") == 0;
}

const char *mg_ci_var(enum mg_ci_var v)
{
    static const char *const names[] = {
        [MG_CI_GH_EVENT_NAME] = "GITHUB_EVENT_NAME",
        [MG_CI_GH_EVENT_PATH] = "GITHUB_EVENT_PATH",
        [MG_CI_GH_REF] = "GITHUB_REF",
        [MG_CI_GH_REF_NAME] = "GITHUB_REF_NAME",
        [MG_CI_GH_BASE_REF] = "GITHUB_BASE_REF",
        [MG_CI_GH_STEP_SUMMARY] = "GITHUB_STEP_SUMMARY",
        [MG_CI_GH_OUTPUT] = "GITHUB_OUTPUT",
        [MG_CI_GL_PIPELINE_SOURCE] = "CI_PIPELINE_SOURCE",
        [MG_CI_GL_COMMIT_BRANCH] = "CI_COMMIT_BRANCH",
        [MG_CI_GL_DEFAULT_BRANCH] = "CI_DEFAULT_BRANCH",
        [MG_CI_GL_MR_IID] = "CI_MERGE_REQUEST_IID",
        [MG_CI_GL_MR_LABELS] = "CI_MERGE_REQUEST_LABELS",
        [MG_CI_GL_MR_DIFF_BASE_SHA] = "CI_MERGE_REQUEST_DIFF_BASE_SHA",
        [MG_CI_GL_SERVER_CA_FILE] = "CI_SERVER_TLS_CA_FILE",
    };
    return (size_t)v < sizeof(names) / sizeof(names[0]) ? env(names[v]) : NULL;
}

enum mg_post_target mg_ci_detect(enum mg_post_target requested)
{
    if (requested != MG_POST_AUTO)
        return requested;
    if (env_true("GITHUB_ACTIONS"))
        return MG_POST_GITHUB;
    if (env_true("GITLAB_CI"))
        return MG_POST_GITLAB;
    return MG_POST_NONE;
}

int mg_ci_token(enum mg_post_target platform, const char **out, mg_error *err)
{
    const char *t;

    *out = NULL;
    if (platform == MG_POST_GITHUB) {
        t = env("MEMGATE_GITHUB_TOKEN") ? env("MEMGATE_GITHUB_TOKEN") : env("GITHUB_TOKEN");
        if (!t)
            return mg_error_set(err, MG_E_POST,
                                "no GitHub token: set GITHUB_TOKEN (env: GITHUB_TOKEN: "
                                "${{ github.token }}) or MEMGATE_GITHUB_TOKEN");
    } else {
        t = env("MEMGATE_GITLAB_TOKEN") ? env("MEMGATE_GITLAB_TOKEN") : env("GITLAB_TOKEN");
        /* the job token can read notes but never write notes or statuses (docs/posting.md, "GitLab:
         * variables, REST and tokens") */
        if (t && env("CI_JOB_TOKEN") && strcmp(t, env("CI_JOB_TOKEN")) == 0)
            t = NULL;
        if (!t && env("CI_JOB_TOKEN"))
            return mg_error_set(err, MG_E_POST,
                                "CI_JOB_TOKEN cannot post merge request notes or commit statuses: "
                                "create a project access token (scope api, role Developer) and "
                                "store it as a masked CI/CD variable MEMGATE_GITLAB_TOKEN");
        if (!t)
            return mg_error_set(err, MG_E_POST,
                                "no GitLab token: set MEMGATE_GITLAB_TOKEN (or GITLAB_TOKEN) to a "
                                "project access token with the api scope");
    }
    *out = t;
    return 0;
}

bool mg_ci_sha_ok(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
              (s[n] >= 'A' && s[n] <= 'F')))
            return false;
    return n == 40 || n == 64;
}

/* owner and repository names go into URL paths: GitHub allows only these characters */
static bool gh_name_ok(const char *s, size_t len)
{
    if (len == 0 || len > 100)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
            return false;
    return !(len <= 2 && s[0] == '.'); /* "." and ".." would change the path */
}

static int copy_url(char *out, size_t size, const char *url, const char *what, mg_error *err)
{
    size_t n = strlen(url);
    while (n && url[n - 1] == '/')
        n--;
    if (n + 1 > size)
        return mg_error_set(err, MG_E_POST, "%s is too long", what);
    memcpy(out, url, n);
    out[n] = '\0';
    return 0;
}

static void take_sha(char *out, size_t size, const json_t *v)
{
    const char *s = json_string_value(v);
    if (s && mg_ci_sha_ok(s))
        snprintf(out, size, "%s", s);
}

static void take_number(uint64_t *out, bool *trusted, const json_t *v)
{
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *out = (uint64_t)json_integer_value(v);
        *trusted = true;
    }
}

/* PR number and head commit from the webhook payload (every field treated as optional). */
static int read_event(mg_gh_ctx *ctx, mg_error *err)
{
    const char *path = env("GITHUB_EVENT_PATH");
    json_t *ev, *pr, *run;
    json_error_t je;
    struct stat st;

    if (!path)
        return 0;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > EVENT_MAX_BYTES)
        return mg_error_set_at(err, MG_E_POST, path, 0, 0, "cannot read the event payload");
    ev = json_load_file(path, 0, &je);
    if (!json_is_object(ev)) {
        json_decref(ev);
        return mg_error_set_at(err, MG_E_POST, path, (unsigned long)je.line, 0,
                               "the event payload is not a JSON object");
    }
    pr = json_object_get(ev, "pull_request");
    run = json_object_get(ev, "workflow_run");
    if (json_is_object(pr)) { /* pull_request, pull_request_target, review events */
        take_number(&ctx->pr, &ctx->pr_from_event, json_object_get(pr, "number"));
        take_sha(ctx->sha, sizeof(ctx->sha), json_object_get(json_object_get(pr, "head"), "sha"));
    } else if (json_is_object(run)) {
        /* empty for fork PRs: then the number must be given and is verified against head_sha */
        const json_t *prs = json_object_get(run, "pull_requests");
        take_number(&ctx->pr, &ctx->pr_from_event,
                    json_object_get(json_array_get(prs, 0), "number"));
        take_sha(ctx->sha, sizeof(ctx->sha), json_object_get(run, "head_sha"));
    } else if (!strcmp(ctx->event, "push")) {
        take_sha(ctx->sha, sizeof(ctx->sha), json_object_get(ev, "after"));
    }
    json_decref(ev);
    return 0;
}

static void run_url(mg_gh_ctx *ctx)
{
    const char *server = env("GITHUB_SERVER_URL"), *repo = env("GITHUB_REPOSITORY");
    const char *id = env("GITHUB_RUN_ID");
    uint64_t n;

    if (server && repo && id && mg_parse_u64(id, UINT64_MAX, &n, NULL) == 0 &&
        strlen(server) < 256 && strlen(repo) < 202)
        snprintf(ctx->run_url, sizeof(ctx->run_url), "%s/%s/actions/runs/%s", server, repo, id);
}

int mg_gh_ctx_load(mg_gh_ctx *ctx, uint64_t pr, const char *sha, mg_error *err)
{
    const char *repo = env("GITHUB_REPOSITORY"), *slash;
    const char *api = env("GITHUB_API_URL") ? env("GITHUB_API_URL") : "https://api.github.com";
    int rc;

    memset(ctx, 0, sizeof(*ctx));
    if (copy_url(ctx->api, sizeof(ctx->api), api, "GITHUB_API_URL", err) < 0)
        return -MG_E_POST;
    slash = repo ? strchr(repo, '/') : NULL;
    if (!slash || !gh_name_ok(repo, (size_t)(slash - repo)) ||
        !gh_name_ok(slash + 1, strlen(slash + 1)))
        return mg_error_set(err, MG_E_POST, "GITHUB_REPOSITORY must be set to OWNER/REPO");
    snprintf(ctx->owner, sizeof(ctx->owner), "%.*s", (int)(slash - repo), repo);
    snprintf(ctx->repo, sizeof(ctx->repo), "%s", slash + 1);
    snprintf(ctx->event, sizeof(ctx->event), "%s",
             env("GITHUB_EVENT_NAME") ? env("GITHUB_EVENT_NAME") : "");
    if ((rc = read_event(ctx, err)) < 0)
        return rc;
    if (!ctx->sha[0] && strncmp(ctx->event, "pull_request", 12) != 0 && env("GITHUB_SHA") &&
        mg_ci_sha_ok(env("GITHUB_SHA")))
        snprintf(ctx->sha, sizeof(ctx->sha), "%s", env("GITHUB_SHA")); /* never the merge commit */
    if (pr) {
        ctx->pr = pr;
        ctx->pr_from_event = false;
    }
    if (sha) {
        if (!mg_ci_sha_ok(sha))
            return mg_error_set(err, MG_E_USAGE, "--sha must be 40 or 64 hexadecimal digits");
        snprintf(ctx->sha, sizeof(ctx->sha), "%s", sha);
    }
    run_url(ctx);
    return 0;
}

const char *mg_ci_commit(char *buf, size_t size)
{
    const char *event = env("GITHUB_EVENT_NAME"), *v;

    buf[0] = '\0';
    if (event && !strncmp(event, "pull_request", 12)) {
        /* GITHUB_SHA is the merge commit here: the PR head from the payload, or nothing */
        mg_gh_ctx ctx;
        mg_error ignore;
        memset(&ctx, 0, sizeof(ctx));
        mg_error_init(&ignore);
        snprintf(ctx.event, sizeof(ctx.event), "%s", event);
        if (read_event(&ctx, &ignore) == 0 && ctx.sha[0])
            snprintf(buf, size, "%s", ctx.sha);
        return buf[0] ? buf : NULL;
    }
    if (!(v = env("GITHUB_SHA")) && !(v = env("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")))
        v = env("CI_COMMIT_SHA");
    if (v)
        snprintf(buf, size, "%s", v);
    return buf[0] ? buf : NULL;
}

/* "group/sub/project" -> "group%2Fsub%2Fproject"; only characters GitLab allows in paths. */
static int encode_project(char *out, size_t size, const char *path, mg_error *err)
{
    size_t n = 0;
    for (const char *p = path; *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.';
        if (!plain && *p != '/')
            return mg_error_set(err, MG_E_POST, "CI_PROJECT_PATH holds an unexpected character");
        if (n + 4 > size)
            return mg_error_set(err, MG_E_POST, "CI_PROJECT_PATH is too long");
        if (plain) {
            out[n++] = *p;
        } else {
            memcpy(out + n, "%2F", 3);
            n += 3;
        }
    }
    out[n] = '\0';
    return 0;
}

static bool digits(const char *s, uint64_t *out)
{
    return s && mg_parse_u64(s, UINT64_MAX, out, NULL) == 0;
}

int mg_gl_ctx_load(mg_gl_ctx *ctx, uint64_t mr, const char *sha, mg_error *err)
{
    const char *api = env("CI_API_V4_URL");
    const char *id = env("CI_PROJECT_ID"), *mr_id = env("CI_MERGE_REQUEST_PROJECT_ID");
    const char *src = env("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"), *commit = env("CI_COMMIT_SHA");
    uint64_t n;

    memset(ctx, 0, sizeof(*ctx));
    if (!api)
        return mg_error_set(err, MG_E_POST, "CI_API_V4_URL is not set (not in a GitLab job?)");
    if (copy_url(ctx->api, sizeof(ctx->api), api, "CI_API_V4_URL", err) < 0)
        return -MG_E_POST;
    if (digits(id, &n))
        snprintf(ctx->project, sizeof(ctx->project), "%llu", (unsigned long long)n);
    else if (!env("CI_PROJECT_PATH"))
        return mg_error_set(err, MG_E_POST, "CI_PROJECT_ID or CI_PROJECT_PATH must be set");
    else if (encode_project(ctx->project, sizeof(ctx->project), env("CI_PROJECT_PATH"), err) < 0)
        return -MG_E_POST;
    if (digits(mr_id, &n))
        snprintf(ctx->mr_project, sizeof(ctx->mr_project), "%llu", (unsigned long long)n);
    else
        snprintf(ctx->mr_project, sizeof(ctx->mr_project), "%s", ctx->project);
    if (digits(env("CI_MERGE_REQUEST_IID"), &n))
        ctx->mr = n;
    if (mr)
        ctx->mr = mr;
    /* merged-results pipelines build a temporary merge commit: annotate the source head */
    if (src && mg_ci_sha_ok(src))
        snprintf(ctx->sha, sizeof(ctx->sha), "%s", src);
    else if (commit && mg_ci_sha_ok(commit))
        snprintf(ctx->sha, sizeof(ctx->sha), "%s", commit);
    if (sha) {
        if (!mg_ci_sha_ok(sha))
            return mg_error_set(err, MG_E_USAGE, "--sha must be 40 or 64 hexadecimal digits");
        snprintf(ctx->sha, sizeof(ctx->sha), "%s", sha);
    }
    if (env("CI_COMMIT_REF_NAME") && strlen(env("CI_COMMIT_REF_NAME")) < sizeof(ctx->ref))
        snprintf(ctx->ref, sizeof(ctx->ref), "%s", env("CI_COMMIT_REF_NAME"));
    if (env("CI_JOB_URL") && strlen(env("CI_JOB_URL")) < sizeof(ctx->job_url))
        snprintf(ctx->job_url, sizeof(ctx->job_url), "%s", env("CI_JOB_URL"));
    if (digits(env("CI_PIPELINE_ID"), &n))
        ctx->pipeline_id = n;
    return 0;
}
