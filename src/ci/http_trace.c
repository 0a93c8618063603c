/* The --verbose HTTP trace: libcurl's debug callback, with every credential redacted. */
#include "ci/http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Request and response headers whose values are credentials (compared case-insensitively). */
static const char *const secret_headers[] = {
    "authorization",
    "proxy-authorization",
    "private-token",
    "job-token",
    "cookie",
    "set-cookie",
    NULL,
};

void mg_http_redact_edges(const char *token, char *s)
{
    size_t n = token ? strlen(token) : 0, len = strlen(s);
    size_t most = n > 0 ? (n - 1 < len ? n - 1 : len) : 0;
    /* libcurl hands bodies over in chunks: a token can end one and start the next */
    for (size_t k = most; k >= MG_REDACT_MIN_PART; k--) {
        if (memcmp(s + len - k, token, k) == 0) { /* the chunk ends with the token's start */
            memset(s + len - k, '*', k);
            break;
        }
    }
    for (size_t k = most; k >= MG_REDACT_MIN_PART; k--) {
        if (memcmp(s, token + n - k, k) == 0) { /* it starts with the token's end */
            memset(s, '*', k);
            break;
        }
    }
}

/* Bodies can be large (a 64 KiB comment); the trace shows their start only. */
#define TRACE_DATA_MAX 2048
#define TRACE_LINE_MAX 400

void mg_http_redact_token(const char *token, char *s)
{
    size_t n;
    char *p = s;

    if (!token || !*token || !s)
        return;
    n = strlen(token);
    while ((p = strstr(p, token)) != NULL) {
        memset(p, '*', n);
        p += n;
    }
}

/* "Authorization: Bearer x" -> "Authorization: [REDACTED]"; line is writable and large enough. */
static void redact_header(char *line)
{
    const char *colon = strchr(line, ':');
    size_t name_len;

    if (!colon)
        return;
    name_len = (size_t)(colon - line);
    for (const char *const *s = secret_headers; *s; s++) {
        if (strlen(*s) == name_len && strncasecmp(line, *s, name_len) == 0) {
            /* "[REDACTED]" can be longer than the value: the caller allocated room for it */
            memcpy(line + name_len, ": [REDACTED]", sizeof(": [REDACTED]"));
            return;
        }
    }
}

/* Control bytes would let a hostile server rewrite the terminal: show them as '.'. */
static void make_printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '.';
}

static void emit_line(const mg_http *h, const char *prefix, const char *data, size_t len,
                      bool header)
{
    /* room for the prefix, the whole line, and a redaction marker that may be longer */
    size_t cap = strlen(prefix) + len + sizeof(": [REDACTED]") + 8;
    char *line = malloc(cap);
    size_t plen = strlen(prefix);

    if (!line)
        return;
    memcpy(line, prefix, plen);
    memcpy(line + plen, data, len);
    line[plen + len] = '\0';
    /* redact before truncating, so a token cut in half is never shown in part */
    if (header)
        redact_header(line + plen);
    mg_http_redact_token(h->token, line);
    if (!header)
        mg_http_redact_edges(h->token, line + plen);
    make_printable(line);
    if (strlen(line) > TRACE_LINE_MAX)
        memcpy(line + TRACE_LINE_MAX - 3, "...", 4);
    h->opts.trace(h->opts.trace_ctx, line);
    free(line);
}

/* Emit whole lines that start within the first `limit` bytes (lines are cut only after redaction).
 */
static void emit_lines(const mg_http *h, const char *prefix, const char *data, size_t size,
                       size_t limit, bool header)
{
    size_t start = 0;
    for (size_t i = 0; i <= size && start < limit; i++) {
        if (i == size || data[i] == '\n') {
            size_t end = i;
            if (end > start && data[end - 1] == '\r')
                end--;
            if (end > start)
                emit_line(h, prefix, data + start, end - start, header);
            start = i + 1;
        }
    }
}

static int debug_cb(CURL *curl, curl_infotype type, char *data, size_t size, void *clientp)
{
    const mg_http *h = clientp;
    (void)curl;
    switch (type) {
    case CURLINFO_TEXT:
        /* libcurl's own notes never hold headers, but redact them as if they could */
        emit_lines(h, "* ", data, size, size, true);
        break;
    case CURLINFO_HEADER_OUT:
        emit_lines(h, "> ", data, size, size, true);
        break;
    case CURLINFO_HEADER_IN:
        emit_lines(h, "< ", data, size, size, true);
        break;
    case CURLINFO_DATA_OUT:
    case CURLINFO_DATA_IN:
        emit_lines(h, type == CURLINFO_DATA_OUT ? ">> " : "<< ", data, size, TRACE_DATA_MAX, false);
        break;
    default:
        break; /* TLS records: binary noise */
    }
    return 0;
}

void mg_http_trace_install(mg_http *h)
{
    if (!h->opts.trace)
        return;
    curl_easy_setopt(h->curl, CURLOPT_DEBUGFUNCTION, debug_cb);
    curl_easy_setopt(h->curl, CURLOPT_DEBUGDATA, h);
    /* VERBOSE only turns the callback on; without a callback libcurl would print raw headers */
    curl_easy_setopt(h->curl, CURLOPT_VERBOSE, 1L);
}
