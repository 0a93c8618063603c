/* Private: the one place memgate talks HTTP (libcurl), with timeouts, retries and redaction. */
#ifndef MEMGATE_CI_HTTP_H
#define MEMGATE_CI_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/buf.h"
#include "memgate/error.h"

/* Receives one line of the --verbose trace, already redacted (no token, no auth header value). */
typedef void (*mg_http_trace_fn)(void *ctx, const char *line);

typedef struct mg_http_options {
    const char *token;           /* sent as "Authorization: Bearer"; NULL = none; copied */
    const char *const *headers;  /* extra "Name: value" headers, NULL-terminated; copied */
    long connect_timeout_ms;     /* connect phase incl. DNS and TLS */
    long timeout_ms;             /* whole transfer */
    unsigned max_attempts;       /* total tries per request, >= 1 */
    uint64_t min_wait_ms;        /* first backoff step; also the floor of every wait */
    uint64_t max_wait_ms;        /* longest single wait; a server asking for more is given up on */
    uint64_t budget_ms;          /* total waiting allowed per request */
    uint64_t rate_limit_wait_ms; /* wait for a rate limit that names no reset time (GitHub: 60 s) */
    bool github_rate_limits;     /* a 403 can be a rate limit (x-ratelimit-remaining: 0, text) */
    const char *ca_file;         /* CURLOPT_CAINFO, NULL = libcurl's default bundle */
    mg_http_trace_fn trace;      /* NULL = no trace */
    void *trace_ctx;
} mg_http_options;

/*
 * Defaults (10 s connect, 30 s total, 4 attempts, waits 1 s..120 s, 300 s budget,
 * 60 s rate-limit wait), then overrides from the environment so CI and tests can
 * tune them: MEMGATE_HTTP_CONNECT_TIMEOUT_MS, MEMGATE_HTTP_TIMEOUT_MS,
 * MEMGATE_HTTP_ATTEMPTS, MEMGATE_HTTP_MIN_WAIT_MS, MEMGATE_HTTP_MAX_WAIT_MS,
 * MEMGATE_HTTP_WAIT_BUDGET_MS, MEMGATE_HTTP_RATE_LIMIT_WAIT_MS, and the CA file from
 * MEMGATE_CA_FILE. A malformed value is MG_E_USAGE naming the variable.
 */
int mg_http_options_from_env(mg_http_options *out, mg_error *err);

enum mg_http_flags {
    MG_HTTP_RETRY_CONFLICT = 1u << 0, /* 409 is transient (GitLab commit statuses) */
    MG_HTTP_NOT_IDEMPOTENT = 1u << 1, /* no retry once the request may have reached the server */
};

typedef struct mg_http_response {
    long status;        /* 0 when no HTTP response was received */
    mg_buf body;        /* the body of the last response (capped at 32 MiB) */
    char *link;         /* raw "link" header, or NULL */
    char next_page[24]; /* GitLab "x-next-page", "" when absent or empty */
    bool maybe_sent;    /* a transport error after the request could have been processed */
} mg_http_response;

void mg_http_response_init(mg_http_response *r);
void mg_http_response_release(mg_http_response *r);

typedef struct mg_http mg_http;

/* A client reusing one connection for a run's sequential requests. Owns copies of options. */
int mg_http_new(mg_http **out, const mg_http_options *opts, mg_error *err);
void mg_http_free(mg_http *h);

/*
 * Send one request and retry it as the options allow. method is "GET", "POST",
 * "PATCH" or "PUT"; body is JSON or NULL. Returns 0 for a 2xx answer. Anything
 * else is MG_E_POST with a message naming the method, path, status and the
 * server's own message; resp still holds the last status and body. The URL
 * must be https, or http to a loopback host (127.0.0.0/8, ::1, localhost).
 */
int mg_http_request(mg_http *h, const char *method, const char *url, const char *body,
                    unsigned flags, mg_http_response *resp, mg_error *err);

/* Replace every occurrence of the client's token in s (in place) with "[REDACTED]"-like stars. */
void mg_http_redact(const mg_http *h, char *s);

/* Copy the rel="next" URL of a "link" header into out; false when there is none or it is too long.
 */
bool mg_http_link_next(const char *link, char *out, size_t size);

/* True when a and b have the same scheme, host and port (the token may go to both). */
bool mg_http_same_origin(const char *a, const char *b);

/* True for http(s) URLs whose host is loopback; https URLs are always allowed. */
bool mg_http_url_allowed(const char *url);

#endif
