/* Private: what the GitHub and GitLab posters share (post.c): notes, failures, texts, body. */
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

#endif
