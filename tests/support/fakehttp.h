/*
 * Test support: a real HTTP/1.1 server on 127.0.0.1 (ephemeral port) that imitates the
 * GitHub and GitLab endpoints memgate uses, records every request, and can be scripted
 * to answer errors, rate limits, slow or dropped responses.
 */
#ifndef MEMGATE_TEST_FAKEHTTP_H
#define MEMGATE_TEST_FAKEHTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fh_hdr {
    char *name;
    char *value;
} fh_hdr;

typedef struct fh_request {
    char *method;
    char *target; /* path and query as sent */
    char *path;   /* without the query */
    char *query;  /* after '?', "" when none */
    fh_hdr *headers;
    size_t n_headers;
    char *body; /* NUL-terminated */
    size_t body_len;
    unsigned conn; /* connection number, to see reuse */
} fh_request;

typedef struct fh_server fh_server;

/* Start listening on 127.0.0.1; aborts the test on failure. */
fh_server *fh_start(void);
/* Stop, join every thread, free everything (recorded requests included). */
void fh_stop(fh_server *s);
int fh_port(const fh_server *s);
/* "http://127.0.0.1:PORT" */
const char *fh_base(const fh_server *s);

/*
 * Scripted answer for the next `times` requests (-1 = all) whose method matches and
 * whose path starts with path_prefix (method NULL = any). Rules are tried in the order
 * added; a used-up rule is skipped. status 0 closes the connection without answering.
 * headers: "Name: value\r\n" lines; "{BASE}" in headers or body becomes fh_base().
 * delay_ms: sleep before answering (a slow server).
 */
void fh_script(fh_server *s, const char *method, const char *path_prefix, int times, int status,
               const char *headers, const char *body, unsigned delay_ms);

/* Emulated state: comments (GitHub) / notes (GitLab) share one list. */
void fh_add_comment(fh_server *s, int64_t id, const char *body, const char *login, bool system);
size_t fh_comment_count(fh_server *s);
const char *fh_comment_body(fh_server *s, size_t i); /* borrowed */
int64_t fh_comment_id(fh_server *s, size_t i);
/*
 * The token's identity: GitHub GET /user answers github_login (NULL: 403 as for the
 * Actions GITHUB_TOKEN, whose comments are github-actions[bot]'s); GitLab GET /user
 * answers gitlab_username (default "project_42_bot"; NULL keeps it). New comments
 * are written by that identity.
 */
void fh_set_user(fh_server *s, const char *github_login, const char *gitlab_username);
/* The head SHA GET /repos/o/r/pulls/N answers with. */
void fh_set_pr_head(fh_server *s, const char *sha);

/* Recorded requests, in arrival order (borrowed, valid until fh_stop). */
size_t fh_count(fh_server *s);
const fh_request *fh_get(fh_server *s, size_t i);
/* Number of requests with this method (NULL = any) and path prefix. */
size_t fh_count_matching(fh_server *s, const char *method, const char *path_prefix);
/* The nth (0-based) such request, or NULL. */
const fh_request *fh_find(fh_server *s, const char *method, const char *path_prefix, size_t nth);
/* Header value (case-insensitive name) or NULL. */
const char *fh_header(const fh_request *r, const char *name);

#endif
