/* Private: what the GitHub and GitLab posters share (sticky algorithm, notes, texts). */
#ifndef MEMGATE_CI_POST_H
#define MEMGATE_CI_POST_H

#include <stdbool.h>
#include <stdint.h>

#include "ci/http.h"
#include "memgate/publish.h"

/* GitHub's comment limit is 65,536 characters; bytes >= characters, so this is always safe. */
#define MG_GITHUB_COMMENT_MAX 65000
/* GitLab notes may hold 1,000,000 characters. */
#define MG_GITLAB_NOTE_MAX 999000
/* Comment pages walked at most (100 per page): a PR with more is not a place for a bot. */
#define MG_MAX_PAGES 100

/* One posting run: the request, where to report, and the first failure. */
typedef struct mg_post_run {
    const mg_publish_request *req;
    mg_publish_outcome *out;
    mg_error *err; /* the first failure; later ones only go to notes */
    mg_http *http;
} mg_post_run;

/* Append "memgate: <text>\n" to the notes. */
void mg_post_note(mg_post_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record a failed step: a note, n_failed++, and err when it is the first. */
void mg_post_failed(mg_post_run *run, const char *what, const mg_error *step);

/* HTTP options from the environment plus token, headers and the request's trace hook. */
int mg_post_http(mg_post_run *run, const char *token, const char *const *headers, bool github,
                 mg_error *err);

/* The platform's comment storage, as the sticky algorithm needs it. */
typedef struct mg_sticky_ops {
    /* find the oldest comment whose body starts with marker: *id 0 when none; *body owned */
    int (*find)(void *ctx, const char *marker, int64_t *id, char **body, mg_error *err);
    /* create; on a transport failure resp->maybe_sent tells whether it may exist anyway */
    int (*create)(void *ctx, const char *body, mg_http_response *resp, mg_error *err);
    int (*update)(void *ctx, int64_t id, const char *body, mg_http_response *resp, mg_error *err);
} mg_sticky_ops;

enum mg_sticky_done {
    MG_STICKY_CREATED,
    MG_STICKY_UPDATED,
    MG_STICKY_UNCHANGED,
    MG_STICKY_SKIPPED
};

/*
 * List, then update the oldest marked comment, or create one when there is none
 * (and may_create). An unchanged body (ignoring the footer) is not edited. A create
 * that may have reached the server is followed by a fresh list, never a blind retry,
 * so a timeout cannot leave two copies. resp receives the last write's answer.
 */
int mg_sticky_post(const mg_sticky_ops *ops, void *ctx, const char *marker, const char *body,
                   bool may_create, enum mg_sticky_done *done, mg_http_response *resp,
                   mg_error *err);

/*
 * The whole sticky comment of one platform: its body (capped at max bytes),
 * find-then-update-or-create, and a note of what happened (or a failure).
 * kind: "PR comment"; where: "PR #12 comment".
 */
void mg_post_sticky(mg_post_run *run, const mg_sticky_ops *ops, void *ctx, const char *sha,
                    const char *run_url, size_t max, const char *kind, const char *where);

/*
 * One page of a comment listing (a JSON array): the oldest comment written by
 * author (the token's own identity) whose body starts with marker, as *id and an
 * owned *body. A marked comment by anyone else is not memgate's: editing it would
 * let its author rewrite the verdict later. GitLab's system notes ("changed the
 * description") never count. what names the list in errors ("comments").
 */
bool mg_sticky_scan_page(const mg_http_response *resp, const char *marker, const char *author,
                         const char *what, int64_t *id, char **body, mg_error *err, int *rc);

/* Whether a new comment may be created under the request's comment mode. */
bool mg_post_may_create(const mg_publish_request *req);

/* A commit-status description of at most max bytes: "fail: peak_memory_bytes +12.30% (limit +5%)".
 */
void mg_post_description(const mg_publish_request *req, const mg_publish_workload *w, char *out,
                         size_t max);

/* "memgate/WORKLOAD" with the name cut to keep the context short. */
void mg_post_context(const mg_publish_workload *w, char *out, size_t size);

/* The sticky comment: marker, body, footer; capped at max bytes. */
int mg_post_comment_body(mg_buf *out, const mg_publish_request *req, const char *sha,
                         const char *run_url, size_t max, mg_error *err);

int mg_github_publish(mg_post_run *run);
int mg_gitlab_publish(mg_post_run *run);

#endif
