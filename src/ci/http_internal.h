/* Private to src/ci/http*.c: the client struct, the retry decision and the trace hook. */
#ifndef MEMGATE_CI_HTTP_INTERNAL_H
#define MEMGATE_CI_HTTP_INTERNAL_H

#include <curl/curl.h>
#include <stdint.h>

#include "ci/http.h"

/* Response headers memgate acts on, captured per response (a redirect resets them). */
typedef struct http_seen {
    int64_t retry_after_s; /* Retry-After in seconds, -1 when absent */
    int64_t reset_epoch;   /* x-ratelimit-reset (GitHub) or RateLimit-Reset (GitLab), -1 absent */
    bool remaining_zero;   /* x-ratelimit-remaining: 0 */
    char *link;
    char next_page[24];
} http_seen;

struct mg_http {
    CURL *curl;
    /* both hold the Authorization line: wiped before they are freed */
    struct curl_slist *headers;      /* for GET */
    struct curl_slist *headers_json; /* for requests with a JSON body */
    char *token;
    char *ca_file;
    mg_http_options opts; /* token/headers/ca_file point at the copies above or are NULL */
    char errbuf[CURL_ERROR_SIZE];
    uint64_t rng; /* jitter for backoff; no need for good randomness */
    http_seen seen;
    int hop; /* responses seen in this transfer, to reset `seen` on a redirect */
};

/* What one attempt produced, as the retry policy sees it. */
typedef struct http_attempt {
    CURLcode curl_code;
    long status;
    int64_t retry_after_s;
    int64_t reset_epoch;
    bool remaining_zero;
    bool secondary_text; /* the body says "secondary rate limit" */
} http_attempt;

typedef struct http_wait {
    bool retry;
    bool rate_limited;
    bool maybe_sent; /* gave up on a request the server may have processed */
    uint64_t wait_ms;
    char why[96];  /* the cause: "HTTP 429: rate limited", "Timeout was reached" */
    char stop[96]; /* why retrying stopped, "" when it was never an option */
} http_wait;

/*
 * The retry policy, a pure function for the unit tests: whether to try again after
 * attempt number `attempt` (1-based) and how long to wait first. now is epoch
 * seconds; jitter_ms is added to exponential backoff (not to server-named waits).
 */
void mg_http_decide(const mg_http_options *o, const http_attempt *a, unsigned attempt,
                    unsigned flags, int64_t now, uint64_t jitter_ms, http_wait *out);

/* Install the redacting CURLOPT_DEBUGFUNCTION when the options ask for a trace. */
void mg_http_trace_install(mg_http *h);

/* Overwrite every occurrence of token in s with '*' (token NULL or empty: no-op). */
void mg_http_redact_token(const char *token, char *s);

/* The shortest piece of a token that mg_http_redact_edges hides. */
#define MG_REDACT_MIN_PART 4

/*
 * Overwrite a start of the token at the end of s and an end of the token at its
 * start (at least MG_REDACT_MIN_PART bytes): what a token cut between two trace
 * chunks leaves in each.
 */
void mg_http_redact_edges(const char *token, char *s);

#endif
