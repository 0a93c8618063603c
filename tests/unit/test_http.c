/* HTTP client: headers, retries, rate limits, give-up, redirects, URL policy and redaction. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ci/http.h"
#include "ci/http_internal.h"
#include "fakehttp.h"

#define TOKEN "ghp_TESTTOKEN0123456789abcdefSECRET"

static fh_server *srv;

static void setup(void)
{
    srv = fh_start();
}

static void teardown(void)
{
    fh_stop(srv);
}

static mg_http_options fast_options(void)
{
    mg_http_options o;
    cr_assert_eq(mg_http_options_from_env(&o, NULL), 0);
    o.token = TOKEN;
    o.min_wait_ms = 5;
    o.max_wait_ms = 5000;
    o.budget_ms = 10000;
    o.rate_limit_wait_ms = 20;
    o.timeout_ms = 3000;
    o.connect_timeout_ms = 2000;
    o.github_rate_limits = true;
    return o;
}

static char *url(const char *path)
{
    static char buf[4][256];
    static int i;
    char *b = buf[i++ % 4];
    snprintf(b, 256, "%s%s", fh_base(srv), path);
    return b;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct run {
    int rc;
    long status;
    mg_error err;
    char body[512];
} run;

static run do_request(const mg_http_options *o, const char *method, const char *path,
                      const char *body, unsigned flags)
{
    mg_http *h = NULL;
    mg_http_response resp;
    run r = {0};

    mg_error_init(&r.err);
    cr_assert_eq(mg_http_new(&h, o, &r.err), 0);
    mg_http_response_init(&resp);
    r.rc = mg_http_request(h, method, url(path), body, flags, &resp, &r.err);
    r.status = resp.status;
    snprintf(r.body, sizeof(r.body), "%s", resp.body.data ? resp.body.data : "");
    mg_http_response_release(&resp);
    mg_http_free(h);
    return r;
}

TestSuite(http, .init = setup, .fini = teardown);

Test(http, get_sends_user_agent_bearer_and_extra_headers)
{
    const char *hdrs[] = {"Accept: application/vnd.github+json", "X-GitHub-Api-Version: 2022-11-28",
                          NULL};
    mg_http_options o = fast_options();
    const fh_request *q;
    run r;

    o.headers = hdrs;
    fh_script(srv, "GET", "/x", 1, 200, "", "{\"ok\":true}", 0);
    r = do_request(&o, "GET", "/x", NULL, 0);
    cr_assert_eq(r.rc, 0, "%s", r.err.msg);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.body, "{\"ok\":true}");
    q = fh_get(srv, 0);
    cr_assert_str_eq(q->method, "GET");
    cr_assert_str_eq(fh_header(q, "User-Agent"), "memgate/" MEMGATE_VERSION);
    cr_assert_str_eq(fh_header(q, "Authorization"), "Bearer " TOKEN);
    cr_assert_str_eq(fh_header(q, "Accept"), "application/vnd.github+json");
    cr_assert_str_eq(fh_header(q, "X-GitHub-Api-Version"), "2022-11-28");
    cr_assert_null(fh_header(q, "Content-Type"));
    cr_assert_null(fh_header(q, "Expect"));
}

Test(http, patch_sends_json_body_with_content_type)
{
    mg_http_options o = fast_options();
    const fh_request *q;
    run r;

    fh_script(srv, "PATCH", "/c/1", 1, 200, "", "{}", 0);
    r = do_request(&o, "PATCH", "/c/1", "{\"body\":\"hi\"}", 0);
    cr_assert_eq(r.rc, 0, "%s", r.err.msg);
    q = fh_get(srv, 0);
    cr_assert_str_eq(q->method, "PATCH");
    cr_assert_str_eq(fh_header(q, "Content-Type"), "application/json");
    cr_assert_str_eq(q->body, "{\"body\":\"hi\"}");
}

Test(http, server_error_then_success_is_retried)
{
    mg_http_options o = fast_options();
    run r;

    fh_script(srv, "POST", "/s", 1, 502, "", "<html>bad gateway</html>", 0);
    fh_script(srv, "POST", "/s", 1, 201, "", "{\"id\":1}", 0);
    r = do_request(&o, "POST", "/s", "{}", 0);
    cr_assert_eq(r.rc, 0, "%s", r.err.msg);
    cr_assert_eq(r.status, 201);
    cr_assert_eq(fh_count_matching(srv, "POST", "/s"), 2);
}

Test(http, gives_up_after_max_attempts)
{
    mg_http_options o = fast_options();
    run r;

    o.max_attempts = 3;
    fh_script(srv, NULL, "/s", -1, 503, "", "{\"message\":\"try later\"}", 0);
    r = do_request(&o, "POST", "/s", "{}", 0);
    cr_assert_eq(r.rc, -MG_E_POST);
    cr_assert_eq(r.err.code, MG_E_POST);
    cr_assert_eq(fh_count(srv), 3);
    cr_assert(strstr(r.err.msg, "HTTP 503"), "%s", r.err.msg);
    cr_assert(strstr(r.err.msg, "try later"), "%s", r.err.msg);
    cr_assert(strstr(r.err.msg, "3 attempts"), "%s", r.err.msg);
    cr_assert(strstr(r.err.msg, "POST /s"), "%s", r.err.msg);
}

Test(http, permission_error_is_not_retried_and_quotes_the_server)
{
    mg_http_options o = fast_options();
    run r;

    fh_script(
        srv, NULL, "/s", -1, 403, "",
        "{\"message\":\"Resource not accessible by integration\",\"documentation_url\":\"x\"}", 0);
    r = do_request(&o, "POST", "/s", "{}", 0);
    cr_assert_eq(r.err.code, MG_E_POST);
    cr_assert_eq(r.status, 403);
    cr_assert_eq(fh_count(srv), 1);
    cr_assert(strstr(r.err.msg, "HTTP 403"), "%s", r.err.msg);
    cr_assert(strstr(r.err.msg, "Resource not accessible by integration"), "%s", r.err.msg);
}

Test(http, validation_error_shows_the_field_message)
{
    mg_http_options o = fast_options();
    run r;

    fh_script(srv, NULL, "/s", -1, 422, "",
              "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Status\",\"code\":"
              "\"custom\",\"field\":\"description\",\"message\":\"description is too long "
              "(maximum is 140 characters)\"}]}",
              0);
    r = do_request(&o, "POST", "/s", "{}", 0);
    cr_assert(strstr(r.err.msg, "description is too long"), "%s", r.err.msg);
}

Test(http, retry_after_is_honoured)
{
    mg_http_options o = fast_options();
    double t0 = now_s();
    run r;

    fh_script(srv, NULL, "/s", 1, 429, "Retry-After: 1\r\n", "Retry later", 0);
    fh_script(srv, NULL, "/s", 1, 201, "", "{}", 0);
    r = do_request(&o, "POST", "/s", "{}", MG_HTTP_NOT_IDEMPOTENT);
    cr_assert_eq(r.rc, 0, "%s", r.err.msg);
    cr_assert_geq(now_s() - t0, 0.95);
    cr_assert_eq(fh_count(srv), 2);
}

Test(http, primary_rate_limit_waits_for_reset)
{
    mg_http_options o = fast_options();
    char hdr[128];
    double t0 = now_s();
    run r;

    snprintf(hdr, sizeof(hdr), "x-ratelimit-remaining: 0\r\nx-ratelimit-reset: %lld\r\n",
             (long long)time(NULL) + 1);
    fh_script(srv, NULL, "/s", 1, 403, hdr, "{\"message\":\"API rate limit exceeded\"}", 0);
    fh_script(srv, NULL, "/s", 1, 200, "", "{}", 0);
    r = do_request(&o, "GET", "/s", NULL, 0);
    cr_assert_eq(r.rc, 0, "%s", r.err.msg);
    cr_assert_eq(fh_count(srv), 2);
    cr_assert_geq(now_s() - t0, 0.0);
}

Test(http, secondary_rate_limit_without_headers_waits_the_minimum)
{
    mg_http_options o = fast_options();
    double t0 = now_s();
    run r;

    o.rate_limit_wait_ms = 300;
    fh_script(srv, NULL, "/s", 1, 403, "",
              "{\"message\":\"You have exceeded a secondary rate limit. Please wait.\"}", 0);
    fh_script(srv, NULL, "/s", 1, 201, "", "{}", 0);
    r = do_request(&o, "POST", "/s", "{}", 0);
    cr_assert_eq(r.rc, 0, "%s", r.err.msg);
    cr_assert_geq(now_s() - t0, 0.29);
}

Test(http, a_wait_beyond_the_budget_gives_up_at_once)
{
    mg_http_options o = fast_options();
    double t0 = now_s();
    run r;

    o.budget_ms = 2000;
    fh_script(srv, NULL, "/s", -1, 429, "Retry-After: 3600\r\n", "Retry later", 0);
    r = do_request(&o, "POST", "/s", "{}", 0);
    cr_assert_eq(r.err.code, MG_E_POST);
    cr_assert_eq(fh_count(srv), 1);
    cr_assert_lt(now_s() - t0, 1.0);
    cr_assert(strstr(r.err.msg, "rate limited"), "%s", r.err.msg);
}

Test(http, slow_server_times_out_with_bounded_retries)
{
    mg_http_options o = fast_options();
    run r;

    o.timeout_ms = 200;
    o.max_attempts = 2;
    fh_script(srv, NULL, "/slow", -1, 200, "", "{}", 1000);
    r = do_request(&o, "GET", "/slow", NULL, 0);
    cr_assert_eq(r.err.code, MG_E_POST);
    cr_assert_eq(fh_count(srv), 2);
    cr_assert(strstr(r.err.msg, "2 attempts"), "%s", r.err.msg);
}

Test(http, timed_out_post_is_not_repeated_blindly)
{
    mg_http_options o = fast_options();
    mg_http *h = NULL;
    mg_http_response resp;
    mg_error err;

    o.timeout_ms = 200;
    fh_script(srv, NULL, "/slow", -1, 201, "", "{}", 1000);
    mg_error_init(&err);
    cr_assert_eq(mg_http_new(&h, &o, &err), 0);
    mg_http_response_init(&resp);
    cr_assert_lt(
        mg_http_request(h, "POST", url("/slow"), "{}", MG_HTTP_NOT_IDEMPOTENT, &resp, &err), 0);
    cr_assert(resp.maybe_sent);
    cr_assert_eq(fh_count(srv), 1);
    mg_http_response_release(&resp);
    mg_http_free(h);
}

Test(http, dropped_connection_is_retried)
{
    mg_http_options o = fast_options();
    run r;

    fh_script(srv, NULL, "/d", 1, 0, "", "", 0);
    fh_script(srv, NULL, "/d", 1, 200, "", "{}", 0);
    r = do_request(&o, "GET", "/d", NULL, 0);
    cr_assert_eq(r.rc, 0, "%s", r.err.msg);
    cr_assert_eq(fh_count(srv), 2);
}

Test(http, conflict_is_retried_only_when_asked)
{
    mg_http_options o = fast_options();
    run r;

    fh_script(srv, NULL, "/st", 1, 409, "", "{\"message\":\"busy\"}", 0);
    fh_script(srv, NULL, "/st", 1, 201, "", "{}", 0);
    r = do_request(&o, "POST", "/st", "{}", MG_HTTP_RETRY_CONFLICT);
    cr_assert_eq(r.rc, 0, "%s", r.err.msg);
    fh_script(srv, NULL, "/nc", 1, 409, "", "{\"message\":\"busy\"}", 0);
    r = do_request(&o, "POST", "/nc", "{}", 0);
    cr_assert_eq(r.err.code, MG_E_POST);
}

Test(http, redirect_to_another_port_does_not_carry_the_token)
{
    fh_server *other = fh_start();
    mg_http_options o = fast_options();
    char hdr[256];
    run r;

    snprintf(hdr, sizeof(hdr), "Location: %s/landed\r\n", fh_base(other));
    fh_script(srv, NULL, "/moved", 1, 302, hdr, "", 0);
    fh_script(other, NULL, "/landed", 1, 200, "", "{}", 0);
    r = do_request(&o, "GET", "/moved", NULL, 0);
    cr_assert_eq(r.rc, 0, "%s", r.err.msg);
    cr_assert_eq(fh_count(other), 1);
    cr_assert_null(fh_header(fh_get(other, 0), "Authorization"));
    cr_assert_not_null(fh_header(fh_get(srv, 0), "Authorization"));
    fh_stop(other);
}

Test(http, plain_http_is_refused_for_other_hosts)
{
    mg_http_options o = fast_options();
    mg_http *h = NULL;
    mg_http_response resp;
    mg_error err;

    mg_error_init(&err);
    cr_assert_eq(mg_http_new(&h, &o, &err), 0);
    mg_http_response_init(&resp);
    /* refused before any connection is attempted: no traffic leaves the machine */
    cr_assert_eq(mg_http_request(h, "GET", "http://example.invalid/x", NULL, 0, &resp, &err),
                 -MG_E_POST);
    cr_assert(strstr(err.msg, "only https"), "%s", err.msg);
    mg_http_response_release(&resp);
    mg_http_free(h);
}

Test(http, url_policy)
{
    cr_assert(mg_http_url_allowed("https://api.github.com/repos"));
    cr_assert(mg_http_url_allowed("http://127.0.0.1:8080/x"));
    cr_assert(mg_http_url_allowed("http://127.5.6.7/x"));
    cr_assert(mg_http_url_allowed("http://localhost:1/x"));
    cr_assert(mg_http_url_allowed("http://[::1]:9/x"));
    cr_assert_not(mg_http_url_allowed("http://api.github.com/x"));
    cr_assert_not(mg_http_url_allowed("http://127.0.0.1.evil.example/x"));
    cr_assert_not(mg_http_url_allowed("http://128.0.0.1/x"));
    cr_assert_not(mg_http_url_allowed("ftp://127.0.0.1/x"));
    cr_assert_not(mg_http_url_allowed("not a url"));
}

Test(http, same_origin)
{
    cr_assert(mg_http_same_origin("https://api.github.com/a?x=1", "https://API.github.com/b"));
    cr_assert(mg_http_same_origin("https://h/a", "https://h:443/b"));
    cr_assert_not(mg_http_same_origin("https://h/a", "https://h:444/b"));
    cr_assert_not(mg_http_same_origin("https://h/a", "http://h/b"));
    cr_assert_not(mg_http_same_origin("https://h/a", "https://evil/b"));
    cr_assert_not(mg_http_same_origin("https://h/a", "::"));
}

Test(http, link_next)
{
    char out[256];
    cr_assert(mg_http_link_next("<https://h/r?page=2>; rel=\"next\", <https://h/r?page=5>; "
                                "rel=\"last\"",
                                out, sizeof(out)));
    cr_assert_str_eq(out, "https://h/r?page=2");
    cr_assert(mg_http_link_next("<https://h/r?page=1>; rel=\"prev\", <https://h/r?page=3>; "
                                "REL=\"NEXT\"",
                                out, sizeof(out)));
    cr_assert_str_eq(out, "https://h/r?page=3");
    cr_assert_not(mg_http_link_next("<https://h/r?page=1>; rel=\"prev\"", out, sizeof(out)));
    cr_assert_not(mg_http_link_next("", out, sizeof(out)));
    cr_assert_not(mg_http_link_next("<https://h/very-long>; rel=\"next\"", out, 5));
}

typedef struct trace_log {
    char text[65536];
    size_t len;
} trace_log;

static void collect(void *ctx, const char *line)
{
    trace_log *t = ctx;
    int n = snprintf(t->text + t->len, sizeof(t->text) - t->len, "%s\n", line);
    if (n > 0 && t->len + (size_t)n < sizeof(t->text))
        t->len += (size_t)n;
}

Test(http, trace_is_redacted)
{
    static trace_log t;
    mg_http_options o = fast_options();
    run r;

    o.trace = collect;
    o.trace_ctx = &t;
    fh_script(srv, NULL, "/t", 1, 200, "Set-Cookie: session=abc\r\n", "{\"echo\":\"" TOKEN "\"}",
              0);
    r = do_request(&o, "POST", "/t", "{\"body\":\"x\"}", 0);
    cr_assert_eq(r.rc, 0, "%s", r.err.msg);
    cr_assert(strstr(t.text, "> POST /t"), "%s", t.text);
    cr_assert(strstr(t.text, "Authorization: [REDACTED]"), "%s", t.text);
    cr_assert(strstr(t.text, "Set-Cookie: [REDACTED]"), "%s", t.text);
    cr_assert_null(strstr(t.text, TOKEN), "%s", t.text);
    cr_assert_null(strstr(t.text, "TESTTOKEN"), "%s", t.text);
}

Test(http, token_echoed_in_an_error_is_redacted)
{
    mg_http_options o = fast_options();
    run r;

    fh_script(srv, NULL, "/e", 1, 401, "", "{\"message\":\"bad credentials " TOKEN "\"}", 0);
    r = do_request(&o, "GET", "/e", NULL, 0);
    cr_assert_eq(r.err.code, MG_E_POST);
    cr_assert(strstr(r.err.msg, "bad credentials"), "%s", r.err.msg);
    cr_assert_null(strstr(r.err.msg, "TESTTOKEN"), "%s", r.err.msg);
}

Test(http, token_with_newline_is_rejected)
{
    mg_http_options o = fast_options();
    mg_http *h = NULL;
    mg_error err;

    o.token = "abc\r\nX-Evil: 1";
    mg_error_init(&err);
    cr_assert_eq(mg_http_new(&h, &o, &err), -MG_E_USAGE);
    cr_assert_null(h);
}

Test(http, env_options_are_validated)
{
    mg_http_options o;
    mg_error err;

    setenv("MEMGATE_HTTP_MIN_WAIT_MS", "12", 1);
    mg_error_init(&err);
    cr_assert_eq(mg_http_options_from_env(&o, &err), 0);
    cr_assert_eq(o.min_wait_ms, 12);
    setenv("MEMGATE_HTTP_ATTEMPTS", "-1", 1);
    cr_assert_eq(mg_http_options_from_env(&o, &err), -MG_E_USAGE);
    cr_assert(strstr(err.msg, "MEMGATE_HTTP_ATTEMPTS"), "%s", err.msg);
    unsetenv("MEMGATE_HTTP_ATTEMPTS");
    unsetenv("MEMGATE_HTTP_MIN_WAIT_MS");
}

/* ---- the pure retry policy ---------------------------------------------------------------- */

static http_wait decide(const http_attempt *a, unsigned attempt, unsigned flags)
{
    mg_http_options o = fast_options();
    http_wait w;
    o.min_wait_ms = 1000;
    o.max_wait_ms = 120000;
    o.rate_limit_wait_ms = 60000;
    o.max_attempts = 4;
    mg_http_decide(&o, a, attempt, flags, 1000, 0, &w);
    return w;
}

Test(http_policy, backoff_doubles)
{
    http_attempt a = {.status = 502, .retry_after_s = -1, .reset_epoch = -1};
    cr_assert_eq(decide(&a, 1, 0).wait_ms, 1000);
    cr_assert_eq(decide(&a, 2, 0).wait_ms, 2000);
    cr_assert_eq(decide(&a, 3, 0).wait_ms, 4000);
    cr_assert_not(decide(&a, 4, 0).retry);
}

Test(http_policy, rate_limit_sources_in_order)
{
    http_attempt a = {.status = 429, .retry_after_s = 7, .reset_epoch = 1030};
    cr_assert_eq(decide(&a, 1, 0).wait_ms, 7000);
    a.retry_after_s = -1;
    cr_assert_eq(decide(&a, 1, 0).wait_ms, 30000);
    a.reset_epoch = -1;
    cr_assert_eq(decide(&a, 1, 0).wait_ms, 60000);
}

Test(http_policy, plain_403_is_final)
{
    http_attempt a = {.status = 403, .retry_after_s = -1, .reset_epoch = 1030};
    cr_assert_not(decide(&a, 1, 0).retry);
    a.remaining_zero = true;
    cr_assert(decide(&a, 1, 0).retry);
    cr_assert_eq(decide(&a, 1, 0).wait_ms, 30000);
}

Test(http_policy, too_long_a_wait_gives_up)
{
    http_attempt a = {.status = 429, .retry_after_s = 3600, .reset_epoch = -1};
    http_wait w = decide(&a, 1, 0);
    cr_assert_not(w.retry);
    cr_assert(strstr(w.stop, "longer wait"), "%s", w.stop);
}

Test(http_policy, non_idempotent_gateway_error_is_left_to_the_caller)
{
    http_attempt a = {.status = 502, .retry_after_s = -1, .reset_epoch = -1};
    http_wait w = decide(&a, 1, MG_HTTP_NOT_IDEMPOTENT);
    cr_assert_not(w.retry);
    cr_assert(w.maybe_sent);
    a = (http_attempt){.curl_code = CURLE_COULDNT_CONNECT, .retry_after_s = -1, .reset_epoch = -1};
    cr_assert(decide(&a, 1, MG_HTTP_NOT_IDEMPOTENT).retry);
    a.curl_code = CURLE_COULDNT_RESOLVE_HOST;
    cr_assert_not(decide(&a, 1, 0).retry);
}

/* A token cut between two trace chunks: each chunk hides its piece (issue 13 #8). */
Test(http, redaction_hides_a_token_cut_between_chunks)
{
    const char *token = "ghs_SECRETtoken0123456789";
    char a[] = "{\"echo\":\"ghs_SECRETtok", b[] = "en0123456789\"}", c[] = "no token here: ghs";
    char d[] = "a ghs_ b";
    mg_http_redact_edges(token, a);
    mg_http_redact_edges(token, b);
    mg_http_redact_edges(token, c);
    mg_http_redact_edges(token, d);
    cr_assert_str_eq(a, "{\"echo\":\"*************");
    cr_assert_str_eq(b, "************\"}");
    cr_assert_str_eq(c, "no token here: ghs", "3 bytes are below the minimum");
    cr_assert_str_eq(d, "a ghs_ b", "a piece inside the text is not at an edge");
    mg_http_redact_edges(NULL, d);
    mg_http_redact_edges("", d);
}
