/* Private: what the CI environment tells memgate (platform, repository, PR/MR, commit, token). */
#ifndef MEMGATE_CI_ENV_H
#define MEMGATE_CI_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/error.h"
#include "memgate/publish.h"

/* AUTO -> GITHUB when GITHUB_ACTIONS=true, GITLAB when GITLAB_CI=true, else NONE. */
enum mg_post_target mg_ci_detect(enum mg_post_target requested);

/*
 * The API token for a platform, from the environment only. Borrowed from environ.
 * GitHub: MEMGATE_GITHUB_TOKEN, then GITHUB_TOKEN. GitLab: MEMGATE_GITLAB_TOKEN, then
 * GITLAB_TOKEN; CI_JOB_TOKEN is refused with a message naming the variable to set.
 * MG_E_POST when there is none.
 */
int mg_ci_token(enum mg_post_target platform, const char **out, mg_error *err);

typedef struct mg_gh_ctx {
    char api[512]; /* GITHUB_API_URL without a trailing '/', default https://api.github.com */
    char owner[101];
    char repo[101];
    char event[64];     /* GITHUB_EVENT_NAME */
    uint64_t pr;        /* 0 = not a pull request */
    bool pr_from_event; /* the number came from the trusted event payload */
    char sha[65];       /* the commit to annotate: the PR head, never the merge commit */
    char run_url[512];  /* link to the workflow run, "" when unknown */
} mg_gh_ctx;

/*
 * Fill ctx from GITHUB_* variables and the event payload at GITHUB_EVENT_PATH.
 * pr and sha override what the environment says (0/NULL = no override); they are
 * validated (digits; 40 or 64 hex digits) like everything read from files.
 */
int mg_gh_ctx_load(mg_gh_ctx *ctx, uint64_t pr, const char *sha, mg_error *err);

typedef struct mg_gl_ctx {
    char api[512];        /* CI_API_V4_URL without a trailing '/' */
    char project[300];    /* the pipeline's project: numeric id or URL-encoded path */
    char mr_project[300]; /* the MR's project (CI_MERGE_REQUEST_PROJECT_ID), else project */
    uint64_t mr;          /* MR iid; 0 = not an MR pipeline */
    char sha[65];         /* CI_MERGE_REQUEST_SOURCE_BRANCH_SHA if set, else CI_COMMIT_SHA */
    char ref[256];        /* CI_COMMIT_REF_NAME */
    char job_url[256];    /* CI_JOB_URL */
    uint64_t pipeline_id; /* CI_PIPELINE_ID, 0 = unknown */
} mg_gl_ctx;

int mg_gl_ctx_load(mg_gl_ctx *ctx, uint64_t mr, const char *sha, mg_error *err);

/*
 * The commit a recorded baseline names, from the CI: on GitHub GITHUB_SHA,
 * except in pull_request events, where it is the merge commit and the PR head
 * from the event payload is taken instead; on GitLab the MR source branch's
 * commit, else CI_COMMIT_SHA. Empty variables count as unset. NULL (buf
 * empty) when the CI names none: the caller asks git.
 */
const char *mg_ci_commit(char *buf, size_t size);

/*
 * The runner image and machine the CI names (GitHub ImageOS, ImageVersion,
 * RUNNER_OS, RUNNER_ARCH; GitLab CI_JOB_IMAGE, CI_RUNNER_DESCRIPTION,
 * CI_RUNNER_VERSION, CI_RUNNER_EXECUTABLE_ARCH) as fingerprint keys
 * ("runner.image", ...) and values borrowed from environ; empty variables
 * count as unset. Returns how many pairs (at most max) were filled.
 */
size_t mg_ci_runner(const char **names, const char **values, size_t max);

/*
 * The other CI variables memgate reads, by what they mean; read only here so one
 * list says what memgate takes from the CI. Tokens are not among them (mg_ci_token).
 */
enum mg_ci_var {
    MG_CI_GH_EVENT_NAME,       /* GITHUB_EVENT_NAME: "push", "pull_request", ... */
    MG_CI_GH_EVENT_PATH,       /* GITHUB_EVENT_PATH: the event payload (JSON) */
    MG_CI_GH_REF,              /* GITHUB_REF: "refs/heads/main" */
    MG_CI_GH_REF_NAME,         /* GITHUB_REF_NAME: "main" */
    MG_CI_GH_BASE_REF,         /* GITHUB_BASE_REF: a PR's target branch */
    MG_CI_GH_STEP_SUMMARY,     /* GITHUB_STEP_SUMMARY: the job summary file */
    MG_CI_GH_OUTPUT,           /* GITHUB_OUTPUT: the step outputs file */
    MG_CI_GL_PIPELINE_SOURCE,  /* CI_PIPELINE_SOURCE: "merge_request_event", ... */
    MG_CI_GL_COMMIT_BRANCH,    /* CI_COMMIT_BRANCH (unset in MR pipelines) */
    MG_CI_GL_DEFAULT_BRANCH,   /* CI_DEFAULT_BRANCH */
    MG_CI_GL_MR_IID,           /* CI_MERGE_REQUEST_IID */
    MG_CI_GL_MR_LABELS,        /* CI_MERGE_REQUEST_LABELS: "a,b" */
    MG_CI_GL_MR_DIFF_BASE_SHA, /* CI_MERGE_REQUEST_DIFF_BASE_SHA: the MR's merge base */
    MG_CI_GL_SERVER_CA_FILE,   /* CI_SERVER_TLS_CA_FILE: a self-managed GitLab's CA */
};

/* The variable's value; NULL when it is unset or empty. Borrowed from environ. */
const char *mg_ci_var(enum mg_ci_var v);

/* 40 or 64 lower- or upper-case hex digits. */
bool mg_ci_sha_ok(const char *s);

#endif
