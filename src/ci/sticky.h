/* Private: the sticky comment (sticky.c), one per marker, over a platform's comment storage. */
#ifndef MEMGATE_CI_STICKY_H
#define MEMGATE_CI_STICKY_H

#include <stdbool.h>
#include <stdint.h>

#include "ci/post.h"

/* Comment pages walked at most (100 per page): a PR with more is not a place for a bot. */
#define MG_MAX_PAGES 100

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

/* Where a platform lists its comments, for mg_sticky_find. */
typedef struct mg_sticky_list {
    mg_http *http;
    const char *api;    /* the API's base URL: the token never follows a page link elsewhere */
    const char *author; /* the token's own identity: only its comments are memgate's */
    const char *item;   /* "comment", "note": named in errors */
    /* the next page's URL into url, false after the last page; NULL: the Link rel="next" */
    bool (*next)(const void *ctx, const mg_http_response *resp, char *url, size_t size);
    const void *ctx;
} mg_sticky_list;

/*
 * Walk the listing from first_url, page by page, for the oldest comment written
 * by l->author whose body starts with marker: *id (0 when none) and an owned
 * *body. A marked comment by anyone else is not memgate's: editing it would let
 * its author rewrite the verdict later. GitLab's system notes never count. More
 * than MG_MAX_PAGES pages is an error: the unread ones may hold the comment.
 */
int mg_sticky_find(const mg_sticky_list *l, const char *first_url, const char *marker, int64_t *id,
                   char **body, mg_error *err);

/*
 * One page of the listing (a JSON array, what names it in errors: "comments"):
 * the oldest comment by author that starts with marker, as for mg_sticky_find.
 * *rc < 0 when the page is not a JSON array.
 */
bool mg_sticky_scan_page(const mg_http_response *resp, const char *marker, const char *author,
                         const char *what, int64_t *id, char **body, mg_error *err, int *rc);

#endif
