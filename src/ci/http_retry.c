/* When to retry an HTTP request and how long to wait: docs/posting.md, "Retries". */
#include "ci/http_internal.h"

#include <stdio.h>

static bool transient_transport(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return true;
    default:
        return false; /* DNS, TLS verification, bad URL: retrying will not help */
    }
}

static bool server_error(long status)
{
    return status == 500 || status == 502 || status == 503 || status == 504;
}

/* 429 always; a GitHub 403 only with the signs GitHub documents for its limits. */
static bool rate_limited(const mg_http_options *o, const http_attempt *a)
{
    if (a->status == 429)
        return true;
    if (a->status != 403 || !o->github_rate_limits)
        return false;
    return a->remaining_zero || a->retry_after_s >= 0 || a->secondary_text;
}

static uint64_t backoff_ms(const mg_http_options *o, unsigned attempt, uint64_t jitter_ms)
{
    uint64_t w = o->min_wait_ms ? o->min_wait_ms : 1;
    for (unsigned i = 1; i < attempt && w < o->max_wait_ms; i++)
        w *= 2;
    w += jitter_ms;
    return w > o->max_wait_ms ? o->max_wait_ms : w;
}

/*
 * Server-named wait: Retry-After first; else the reset epoch when the quota is
 * spent (GitHub) or the answer is a 429 (GitLab's RateLimit-Reset); else the
 * documented minimum for a limit that names no time.
 */
static uint64_t rate_limit_ms(const mg_http_options *o, const http_attempt *a, int64_t now)
{
    uint64_t w;
    if (a->retry_after_s >= 0)
        w = (uint64_t)a->retry_after_s * 1000;
    else if (a->reset_epoch > 0 && (a->remaining_zero || a->status == 429))
        w = a->reset_epoch > now ? (uint64_t)(a->reset_epoch - now) * 1000 : 0;
    else
        w = o->rate_limit_wait_ms;
    return w < o->min_wait_ms ? o->min_wait_ms : w;
}

static void give_up(http_wait *out, const char *why)
{
    out->retry = false;
    snprintf(out->stop, sizeof(out->stop), "%s", why);
}

void mg_http_decide(const mg_http_options *o, const http_attempt *a, unsigned attempt,
                    unsigned flags, int64_t now, uint64_t jitter_ms, http_wait *out)
{
    *out = (http_wait){0};
    if (a->curl_code != CURLE_OK) {
        snprintf(out->why, sizeof(out->why), "%s", curl_easy_strerror(a->curl_code));
        if (!transient_transport(a->curl_code))
            return;
        /* a refused connection never reached the server; anything later might have */
        if ((flags & MG_HTTP_NOT_IDEMPOTENT) && a->curl_code != CURLE_COULDNT_CONNECT) {
            out->maybe_sent = true;
            return;
        }
        out->retry = true;
        out->wait_ms = backoff_ms(o, attempt, jitter_ms);
    } else if (rate_limited(o, a)) {
        /* a rate-limited request was not processed, so even a POST may be repeated */
        snprintf(out->why, sizeof(out->why), "HTTP %ld: rate limited", a->status);
        out->retry = out->rate_limited = true;
        out->wait_ms = rate_limit_ms(o, a, now);
    } else if (server_error(a->status) || (a->status == 409 && (flags & MG_HTTP_RETRY_CONFLICT))) {
        snprintf(out->why, sizeof(out->why), "HTTP %ld", a->status);
        if ((flags & MG_HTTP_NOT_IDEMPOTENT) && a->status != 409 && a->status != 503) {
            /* a gateway error may hide a comment that was created: the caller re-lists */
            out->maybe_sent = true;
            return;
        }
        out->retry = true;
        out->wait_ms = backoff_ms(o, attempt, jitter_ms);
        if (a->retry_after_s >= 0 && (uint64_t)a->retry_after_s * 1000 > out->wait_ms)
            out->wait_ms = (uint64_t)a->retry_after_s * 1000;
    } else {
        snprintf(out->why, sizeof(out->why), "HTTP %ld", a->status);
        return;
    }
    if (attempt >= o->max_attempts)
        give_up(out, "gave up");
    else if (out->wait_ms > o->max_wait_ms)
        give_up(out, "the server asks for a longer wait than allowed");
}
