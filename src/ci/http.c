/* The HTTP client: libcurl easy handle, safe defaults, retries with backoff, clean errors. */
#include "ci/http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ci/http_internal.h"
#include "memgate/num.h"

#define RESPONSE_CAP ((size_t)32 << 20)

/* ---- options ------------------------------------------------------------------------------ */

static int env_u64(const char *name, uint64_t max, uint64_t *v, mg_error *err)
{
    const char *s = getenv(name);
    mg_error e;
    uint64_t x;

    if (!s || !*s)
        return 0;
    mg_error_init(&e);
    if (mg_parse_u64(s, max, &x, &e) < 0)
        return mg_error_set(err, MG_E_USAGE, "environment variable %s: %s", name, e.msg);
    *v = x;
    return 0;
}

int mg_http_options_from_env(mg_http_options *out, mg_error *err)
{
    uint64_t connect_ms = 10000, total_ms = 30000, attempts = 4;
    const uint64_t day_ms = 86400000;
    const char *ca = getenv("MEMGATE_CA_FILE");

    *out = (mg_http_options){0};
    out->min_wait_ms = 1000;
    out->max_wait_ms = 120000;
    out->budget_ms = 300000;
    out->rate_limit_wait_ms = 60000;
    if (env_u64("MEMGATE_HTTP_CONNECT_TIMEOUT_MS", day_ms, &connect_ms, err) < 0 ||
        env_u64("MEMGATE_HTTP_TIMEOUT_MS", day_ms, &total_ms, err) < 0 ||
        env_u64("MEMGATE_HTTP_ATTEMPTS", 20, &attempts, err) < 0 ||
        env_u64("MEMGATE_HTTP_MIN_WAIT_MS", day_ms, &out->min_wait_ms, err) < 0 ||
        env_u64("MEMGATE_HTTP_MAX_WAIT_MS", day_ms, &out->max_wait_ms, err) < 0 ||
        env_u64("MEMGATE_HTTP_WAIT_BUDGET_MS", day_ms, &out->budget_ms, err) < 0 ||
        env_u64("MEMGATE_HTTP_RATE_LIMIT_WAIT_MS", day_ms, &out->rate_limit_wait_ms, err) < 0)
        return -MG_E_USAGE;
    out->connect_timeout_ms = (long)connect_ms;
    out->timeout_ms = (long)total_ms;
    out->max_attempts = attempts ? (unsigned)attempts : 1;
    out->ca_file = ca && *ca ? ca : NULL;
    return 0;
}

/* ---- URLs --------------------------------------------------------------------------------- */

static bool is_loopback(const char *host)
{
    unsigned octets = 0, value = 0, digits = 0;
    const char *p;

    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
        strcmp(host, "::1") == 0)
        return true;
    if (strncmp(host, "127.", 4) != 0)
        return false;
    /* the whole of 127.0.0.0/8, written as a plain dotted quad */
    for (p = host;; p++) {
        if (*p >= '0' && *p <= '9') {
            value = value * 10 + (unsigned)(*p - '0');
            if (++digits > 3 || value > 255)
                return false;
        } else if ((*p == '.' || *p == '\0') && digits) {
            octets++;
            value = digits = 0;
            if (*p == '\0')
                break;
        } else {
            return false;
        }
    }
    return octets == 4;
}

typedef struct url_parts {
    char *scheme, *host, *port, *path;
} url_parts;

static bool url_split(const char *url, url_parts *out)
{
    CURLU *u = curl_url();
    bool ok = false;

    *out = (url_parts){0};
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto done;
    if (curl_url_get(u, CURLUPART_SCHEME, &out->scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &out->host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &out->port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &out->path, 0) != CURLUE_OK)
        goto done;
    ok = true;
done:
    curl_url_cleanup(u);
    return ok;
}

static void url_parts_release(url_parts *p)
{
    curl_free(p->scheme);
    curl_free(p->host);
    curl_free(p->port);
    curl_free(p->path);
}

bool mg_http_url_allowed(const char *url)
{
    url_parts p;
    bool ok = false;

    if (url_split(url, &p)) {
        if (strcasecmp(p.scheme, "https") == 0)
            ok = true;
        else if (strcasecmp(p.scheme, "http") == 0)
            ok = is_loopback(p.host);
    }
    url_parts_release(&p);
    return ok;
}

bool mg_http_same_origin(const char *a, const char *b)
{
    url_parts pa, pb;
    bool oka = url_split(a, &pa), okb = url_split(b, &pb);
    bool same = oka && okb && strcasecmp(pa.scheme, pb.scheme) == 0 &&
                strcasecmp(pa.host, pb.host) == 0 && strcmp(pa.port, pb.port) == 0;

    url_parts_release(&pa);
    url_parts_release(&pb);
    return same;
}

bool mg_http_link_next(const char *link, char *out, size_t size)
{
    const char *p = link;

    /* <URL>; rel="next", <URL>; rel="last" -- rel may list several words, any case */
    while (p && (p = strchr(p, '<')) != NULL) {
        const char *end = strchr(p, '>');
        const char *stop;
        if (!end)
            return false;
        stop = strchr(end, ',');
        if (!stop)
            stop = end + strlen(end);
        for (const char *q = end; q + 10 <= stop; q++) {
            if (strncasecmp(q, "rel=\"next\"", 10) == 0 || strncasecmp(q, "rel=next", 8) == 0) {
                size_t n = (size_t)(end - p - 1);
                if (n + 1 > size)
                    return false;
                memcpy(out, p + 1, n);
                out[n] = '\0';
                return true;
            }
        }
        p = end;
    }
    return false;
}

/* ---- response capture --------------------------------------------------------------------- */

void mg_http_response_init(mg_http_response *r)
{
    memset(r, 0, sizeof(*r));
    mg_buf_init(&r->body, RESPONSE_CAP);
}

void mg_http_response_release(mg_http_response *r)
{
    if (!r)
        return;
    mg_buf_release(&r->body);
    free(r->link);
    r->link = NULL;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
    mg_buf *b = userp;
    /* returning less than given aborts the transfer: an over-cap body is an error */
    return mg_buf_append(b, data, size * nmemb, NULL) == 0 ? size * nmemb : 0;
}

static void seen_reset(http_seen *s)
{
    free(s->link);
    *s = (http_seen){.retry_after_s = -1, .reset_epoch = -1};
}

static int64_t header_int(const char *v)
{
    uint64_t x;
    return mg_parse_u64(v, INT64_MAX, &x, NULL) == 0 ? (int64_t)x : -1;
}

static void take_header(http_seen *s, const char *name, const char *value)
{
    if (strcasecmp(name, "retry-after") == 0) {
        s->retry_after_s = header_int(value);
        if (s->retry_after_s < 0) { /* an HTTP date; a date in the past means "now" */
            time_t t = curl_getdate(value, NULL), now = time(NULL);
            if (t != -1)
                s->retry_after_s = t > now ? (int64_t)(t - now) : 0;
        }
    } else if (strcasecmp(name, "x-ratelimit-reset") == 0 ||
               strcasecmp(name, "ratelimit-reset") == 0) {
        s->reset_epoch = header_int(value);
    } else if (strcasecmp(name, "x-ratelimit-remaining") == 0) {
        s->remaining_zero = strcmp(value, "0") == 0;
    } else if (strcasecmp(name, "link") == 0) {
        free(s->link);
        s->link = strdup(value);
    } else if (strcasecmp(name, "x-next-page") == 0) {
        snprintf(s->next_page, sizeof(s->next_page), "%s", value);
    }
}

static size_t header_cb(char *data, size_t size, size_t nmemb, void *userp)
{
    mg_http *h = userp;
    size_t len = size * nmemb;
    char line[4096];
    char *colon, *value, *end;

    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        seen_reset(&h->seen); /* a new response: a redirect's headers do not count */
        return len;
    }
    if (len >= sizeof(line))
        return len; /* no header memgate reads is that long */
    memcpy(line, data, len);
    line[len] = '\0';
    colon = strchr(line, ':');
    if (!colon)
        return len;
    *colon = '\0';
    value = colon + 1;
    while (*value == ' ' || *value == '\t')
        value++;
    end = value + strlen(value);
    while (end > value && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        *--end = '\0';
    take_header(&h->seen, line, value);
    return len;
}

/* ---- client ------------------------------------------------------------------------------- */

/* A header value with CR, LF or other control bytes would smuggle extra headers. */
static bool header_safe(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

/* The fixed header list; with_json adds the Content-Type of request bodies. */
static struct curl_slist *build_list(const mg_http_options *opts, const char *auth, bool with_json)
{
    struct curl_slist *l = NULL, *n;

    /* libcurl adds Expect: 100-continue above 1 MiB, which some proxies and fakes mishandle */
    l = curl_slist_append(l, "Expect:");
    for (const char *const *x = opts->headers; l && x && *x; x++)
        l = (n = curl_slist_append(l, *x)) ? n : (curl_slist_free_all(l), NULL);
    if (l && with_json)
        l = (n = curl_slist_append(l, "Content-Type: application/json"))
                ? n
                : (curl_slist_free_all(l), NULL);
    if (l && auth)
        l = (n = curl_slist_append(l, auth)) ? n : (curl_slist_free_all(l), NULL);
    return l;
}

static int build_headers(mg_http *h, const mg_http_options *opts, mg_error *err)
{
    mg_buf auth;
    int rc = 0;

    for (const char *const *x = opts->headers; x && *x; x++)
        if (!header_safe(*x))
            return mg_error_set(err, MG_E_USAGE, "invalid HTTP header");
    mg_buf_init(&auth, 64 * 1024);
    if (h->token && mg_buf_printf(&auth, err, "Authorization: Bearer %s", h->token) < 0)
        return -MG_E_NOMEM;
    h->headers = build_list(opts, auth.data, false);
    h->headers_json = build_list(opts, auth.data, true);
    if (!h->headers || !h->headers_json)
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    if (auth.data)
        memset(auth.data, 0, auth.len);
    mg_buf_release(&auth);
    return rc;
}

static void set_fixed_options(mg_http *h)
{
    CURL *c = h->curl;
    curl_easy_setopt(c, CURLOPT_USERAGENT, "memgate/" MEMGATE_VERSION);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->opts.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    /* redirects: renamed repositories and moved GitLab projects answer 301/307 */
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
    /* Authorization is never sent to another host after a redirect (the libcurl default) */
    curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    if (h->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
    /* no CURLOPT_FAILONERROR: the body of a 4xx is the message the user needs */
    mg_http_trace_install(h);
}

int mg_http_new(mg_http **out, const mg_http_options *opts, mg_error *err)
{
    mg_http *h = NULL;
    int rc = 0;

    *out = NULL;
    if (opts->token && !header_safe(opts->token))
        return mg_error_set(err, MG_E_USAGE, "the API token contains control characters");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return mg_error_set(err, MG_E_POST, "cannot initialise libcurl");
    h = calloc(1, sizeof(*h));
    if (!h) {
        curl_global_cleanup();
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    h->opts = *opts;
    h->opts.headers = NULL;
    h->token = opts->token && *opts->token ? strdup(opts->token) : NULL;
    h->ca_file = opts->ca_file ? strdup(opts->ca_file) : NULL;
    h->opts.token = h->token;
    h->opts.ca_file = h->ca_file;
    h->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
    h->seen = (http_seen){.retry_after_s = -1, .reset_epoch = -1};
    h->curl = curl_easy_init();
    if (!h->curl || (opts->token && *opts->token && !h->token) || (opts->ca_file && !h->ca_file))
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    if (rc == 0)
        rc = build_headers(h, opts, err);
    if (rc < 0) {
        mg_http_free(h);
        return rc;
    }
    set_fixed_options(h);
    *out = h;
    return 0;
}

/* The slist strings hold the token: overwrite them before they go back to the allocator. */
static void wipe_headers(struct curl_slist *l)
{
    for (; l; l = l->next)
        memset(l->data, 0, strlen(l->data));
}

void mg_http_free(mg_http *h)
{
    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    wipe_headers(h->headers);
    curl_slist_free_all(h->headers);
    wipe_headers(h->headers_json);
    curl_slist_free_all(h->headers_json);
    if (h->token)
        memset(h->token, 0, strlen(h->token));
    free(h->token);
    free(h->ca_file);
    seen_reset(&h->seen);
    free(h);
    curl_global_cleanup();
}

void mg_http_redact(const mg_http *h, char *s)
{
    if (h)
        mg_http_redact_token(h->token, s);
}

/* ---- one request -------------------------------------------------------------------------- */

static void trace(const mg_http *h, const char *line)
{
    if (h->opts.trace)
        h->opts.trace(h->opts.trace_ctx, line);
}

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static uint64_t jitter(mg_http *h, uint64_t base)
{
    /* xorshift: spreads simultaneous matrix jobs apart; not security relevant */
    h->rng ^= h->rng << 13;
    h->rng ^= h->rng >> 7;
    h->rng ^= h->rng << 17;
    return base ? h->rng % (base / 4 + 1) : 0;
}

static int set_method(mg_http *h, const char *method, const char *url, const char *body)
{
    CURL *c = h->curl;
    /*
     * http only where the URL itself is loopback (checked by the caller); a redirect
     * may not leave https otherwise. From a loopback test server a redirect may go to
     * http, but libcurl never carries the Authorization header to another host or port.
     */
    const char *protos = strncasecmp(url, "https:", 6) == 0 ? "https" : "http,https";

    if (curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protos) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, protos) != CURLE_OK)
        return -1;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, body ? h->headers_json : h->headers);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        if (strcmp(method, "GET") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    return 0;
}

/* Copy s into out, keeping it to one printable line. */
static void one_line(char *out, size_t size, const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < size; i++)
        out[n++] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? ' ' : s[i];
    out[n] = '\0';
}

/*
 * one_line, with the token redacted in the whole text before it is cut: a server
 * echoing the token at the cut would otherwise show its first part.
 */
static void one_line_redacted(const mg_http *h, char *out, size_t size, const char *s, size_t len)
{
    char *full = malloc(len + 1);
    if (!full) {
        out[0] = '\0';
        return;
    }
    one_line(full, len + 1, s, len);
    mg_http_redact_token(h->token, full);
    one_line(out, size, full, strlen(full));
    free(full);
}

/*
 * The server's own words: GitHub and GitLab put them in "message" (GitLab sometimes
 * as an object of field errors), GitHub adds errors[].message on 422. A 429 from
 * GitLab is plain text.
 */
static void server_message(const mg_http *h, const mg_buf *body, char *out, size_t size)
{
    json_t *root = NULL, *msg, *errs;
    char *dumped = NULL;

    out[0] = '\0';
    if (!body->len)
        return;
    root = json_loadb(body->data, body->len, 0, NULL);
    if (!json_is_object(root)) {
        one_line_redacted(h, out, size < 161 ? size : 161, body->data, body->len);
        goto done;
    }
    msg = json_object_get(root, "message");
    errs = json_object_get(root, "errors");
    if (json_is_array(errs) && json_is_string(json_object_get(json_array_get(errs, 0), "message")))
        msg = json_object_get(json_array_get(errs, 0), "message");
    if (json_is_string(msg)) {
        one_line_redacted(h, out, size, json_string_value(msg), json_string_length(msg));
    } else if (msg && (dumped = json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL) {
        one_line_redacted(h, out, size, dumped, strlen(dumped));
    }
done:
    free(dumped);
    json_decref(root);
}

static int fail(mg_http *h, const char *method, const char *url, const http_wait *w,
                unsigned attempts, const mg_http_response *resp, mg_error *err)
{
    url_parts p;
    char detail[200] = "";
    char msg[sizeof(err->msg)];

    if (resp->status && !(resp->status >= 200 && resp->status < 300))
        server_message(h, &resp->body, detail, sizeof(detail));
    else if (h->errbuf[0])
        one_line(detail, sizeof(detail), h->errbuf, strlen(h->errbuf));
    url_split(url, &p);
    /* "POST /repos/o/r/statuses/x: HTTP 503 (unavailable), gave up after 3 attempts" */
    snprintf(msg, sizeof(msg), "%s %s: %s%s%s%s%s%s", method, p.path ? p.path : "?", w->why,
             detail[0] ? " (" : "", detail, detail[0] ? ")" : "", w->stop[0] ? ", " : "", w->stop);
    url_parts_release(&p);
    if (attempts > 1) {
        size_t n = strlen(msg);
        snprintf(msg + n, sizeof(msg) - n, " after %u attempts", attempts);
    }
    /* a server could echo the token back; never let it into a message */
    mg_http_redact(h, msg);
    return mg_error_set(err, MG_E_POST, "%s", msg);
}

static void fill_attempt(mg_http *h, CURLcode code, const mg_http_response *resp, http_attempt *a)
{
    *a = (http_attempt){.curl_code = code, .status = resp->status};
    a->retry_after_s = h->seen.retry_after_s;
    a->reset_epoch = h->seen.reset_epoch;
    a->remaining_zero = h->seen.remaining_zero;
    a->secondary_text = resp->body.data && strcasestr(resp->body.data, "secondary rate limit");
}

static void keep_headers(mg_http *h, mg_http_response *resp)
{
    free(resp->link);
    resp->link = h->seen.link; /* ownership moves to the response */
    h->seen.link = NULL;
    snprintf(resp->next_page, sizeof(resp->next_page), "%s", h->seen.next_page);
}

int mg_http_request(mg_http *h, const char *method, const char *url, const char *body,
                    unsigned flags, mg_http_response *resp, mg_error *err)
{
    uint64_t waited = 0;
    http_wait w = {0};
    http_attempt a;
    unsigned attempt;
    char line[160];

    if (!mg_http_url_allowed(url))
        return mg_error_set(err, MG_E_POST,
                            "refusing to send the API token to '%.120s': only https URLs are "
                            "allowed (plain http only to a loopback host)",
                            url);
    if (set_method(h, method, url, body) < 0)
        return mg_error_set(err, MG_E_POST, "libcurl lacks http or https support");
    curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &resp->body);
    for (attempt = 1;; attempt++) {
        CURLcode code;
        resp->status = 0;
        resp->body.len = 0;
        if (resp->body.data)
            resp->body.data[0] = '\0';
        h->errbuf[0] = '\0';
        seen_reset(&h->seen);
        code = curl_easy_perform(h->curl);
        curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
        keep_headers(h, resp);
        if (code == CURLE_OK && resp->status >= 200 && resp->status < 300)
            return 0;
        fill_attempt(h, code, resp, &a);
        mg_http_decide(&h->opts, &a, attempt, flags, (int64_t)time(NULL),
                       jitter(h, h->opts.min_wait_ms), &w);
        if (w.retry && waited + w.wait_ms > h->opts.budget_ms) {
            w.retry = false;
            snprintf(w.stop, sizeof(w.stop), "waiting %llu s more would exceed the %llu s budget",
                     (unsigned long long)(w.wait_ms / 1000),
                     (unsigned long long)(h->opts.budget_ms / 1000));
        }
        if (!w.retry)
            break;
        snprintf(line, sizeof(line), "* memgate: %s %s; retrying in %llu ms", method, w.why,
                 (unsigned long long)w.wait_ms);
        trace(h, line);
        sleep_ms(w.wait_ms);
        waited += w.wait_ms;
    }
    resp->maybe_sent = w.maybe_sent;
    return fail(h, method, url, &w, attempt, resp, err);
}
