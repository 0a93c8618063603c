/* A threaded HTTP/1.1 fake of the GitHub and GitLab REST endpoints memgate calls, on loopback. */
#include "fakehttp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define MAX_CONNS 64
#define MAX_REQUEST ((size_t)8 << 20)

typedef struct rule {
    char *method, *prefix, *headers, *body;
    int times, status;
    unsigned delay_ms;
} rule;

typedef struct comment {
    int64_t id;
    char *body, *login;
    bool system;
} comment;

typedef struct conn {
    fh_server *srv;
    int fd;
    unsigned id;
    pthread_t thread;
} conn;

struct fh_server {
    int listen_fd;
    int port;
    char base[64];
    volatile int stopping;
    pthread_t acceptor;
    pthread_mutex_t mu;
    conn *conns[MAX_CONNS];
    unsigned n_conns;
    fh_request **reqs;
    size_t n_reqs, cap_reqs;
    rule *rules;
    size_t n_rules;
    comment *comments;
    size_t n_comments;
    int64_t next_id;
    int64_t next_status_id;
    char pr_head[64];
    char *gh_user; /* GET /user's login; NULL: 403 like the Actions GITHUB_TOKEN */
    char *gl_user; /* GET /api/v4/user's username */
};

/* ---- small helpers ------------------------------------------------------------------------ */

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *dup0(const char *s)
{
    return s ? dupn(s, strlen(s)) : NULL;
}

/* Leading decimal digits of s as a number (0 when none); the fake trusts its client. */
static long long digits_value(const char *s)
{
    long long v = 0;
    for (; *s >= '0' && *s <= '9' && v < 1000000000000000LL; s++)
        v = v * 10 + (*s - '0');
    return v;
}

/* Replace every "{BASE}" with the server's base URL; returns a malloc'd string. */
static char *expand(const fh_server *s, const char *in)
{
    size_t blen = strlen(s->base), n = 0;
    char *out;
    const char *p;

    if (!in)
        return dup0("");
    for (p = in; (p = strstr(p, "{BASE}")); p += 6)
        n++;
    out = malloc(strlen(in) + n * blen + 1);
    n = 0;
    for (p = in; *p;) {
        if (strncmp(p, "{BASE}", 6) == 0) {
            memcpy(out + n, s->base, blen);
            n += blen;
            p += 6;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    return out;
}

static void sleep_ms_interruptible(fh_server *s, unsigned ms)
{
    while (ms && !s->stopping) {
        unsigned step = ms < 20 ? ms : 20;
        struct timespec ts = {0, (long)step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static int send_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = send(fd, data, len, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 307:
        return "Temporary Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 409:
        return "Conflict";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

static int respond(int fd, int status, const char *headers, const char *body)
{
    char head[1024];
    size_t blen = body ? strlen(body) : 0;
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                     "Content-Length: %zu\r\n",
                     status, reason(status), blen);
    if (send_all(fd, head, (size_t)n) < 0 || send_all(fd, headers, strlen(headers)) < 0 ||
        send_all(fd, "\r\n", 2) < 0 || send_all(fd, body ? body : "", blen) < 0)
        return -1;
    return 0;
}

/* ---- request parsing ---------------------------------------------------------------------- */

const char *fh_header(const fh_request *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

static void request_free(fh_request *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->method);
    free(r->target);
    free(r->path);
    free(r->query);
    free(r->body);
    free(r);
}

static void parse_header_line(fh_request *r, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    const char *v;
    size_t vlen;
    if (!colon)
        return;
    v = colon + 1;
    while (v < line + len && (*v == ' ' || *v == '\t'))
        v++;
    vlen = (size_t)(line + len - v);
    r->headers = realloc(r->headers, (r->n_headers + 1) * sizeof(*r->headers));
    r->headers[r->n_headers].name = dupn(line, (size_t)(colon - line));
    r->headers[r->n_headers].value = dupn(v, vlen);
    r->n_headers++;
}

/* Parse the head (request line + headers, without the blank line). */
static fh_request *parse_head(const char *head, size_t len)
{
    fh_request *r = calloc(1, sizeof(*r));
    const char *eol = memchr(head, '\n', len), *sp1, *sp2, *q, *p;
    size_t line_len = eol ? (size_t)(eol - head) : len;

    if (line_len && head[line_len - 1] == '\r')
        line_len--;
    sp1 = memchr(head, ' ', line_len);
    sp2 = sp1 ? memchr(sp1 + 1, ' ', line_len - (size_t)(sp1 + 1 - head)) : NULL;
    if (!sp1 || !sp2) {
        request_free(r);
        return NULL;
    }
    r->method = dupn(head, (size_t)(sp1 - head));
    r->target = dupn(sp1 + 1, (size_t)(sp2 - sp1 - 1));
    q = strchr(r->target, '?');
    r->path = q ? dupn(r->target, (size_t)(q - r->target)) : dup0(r->target);
    r->query = dup0(q ? q + 1 : "");
    for (p = eol ? eol + 1 : head + len; p < head + len;) {
        const char *e = memchr(p, '\n', (size_t)(head + len - p));
        size_t l = e ? (size_t)(e - p) : (size_t)(head + len - p);
        if (l && p[l - 1] == '\r')
            l--;
        if (l)
            parse_header_line(r, p, l);
        p = e ? e + 1 : head + len;
    }
    return r;
}

/* Read one request; NULL on EOF, error or stop. */
static fh_request *read_request(conn *c, char **pending, size_t *npending)
{
    fh_server *s = c->srv;
    char *buf = *pending;
    size_t len = *npending, cap = len + 65536, need = 0;
    fh_request *r = NULL;
    size_t head_len = 0; /* an offset, not a pointer: buf moves when it grows */

    buf = realloc(buf, cap);
    *pending = NULL;
    *npending = 0;
    for (;;) {
        const char *headend;
        if (!r && (headend = memmem(buf, len, "\r\n\r\n", 4)) != NULL) {
            const char *cl, *ex;
            head_len = (size_t)(headend - buf);
            r = parse_head(buf, head_len);
            if (!r)
                break;
            cl = fh_header(r, "content-length");
            need = head_len + 4 + (cl ? (size_t)digits_value(cl) : 0);
            ex = fh_header(r, "expect");
            if (ex && strcasecmp(ex, "100-continue") == 0)
                send_all(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        }
        if (r && len >= need)
            break;
        if (len + 65536 > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        if (cap > MAX_REQUEST * 2)
            goto fail;
        {
            struct pollfd pf = {c->fd, POLLIN, 0};
            ssize_t n;
            int pr = poll(&pf, 1, 50);
            if (s->stopping)
                goto fail;
            if (pr <= 0)
                continue;
            n = recv(c->fd, buf + len, cap - len, 0);
            if (n <= 0)
                goto fail;
            len += (size_t)n;
        }
    }
    if (!r)
        goto fail;
    {
        size_t hl = head_len + 4;
        r->body_len = need - hl;
        r->body = dupn(buf + hl, r->body_len);
        r->conn = c->id;
        if (len > need) { /* pipelined bytes belong to the next request */
            *npending = len - need;
            *pending = dupn(buf + need, *npending);
        }
    }
    free(buf);
    return r;
fail:
    request_free(r);
    free(buf);
    return NULL;
}

/* ---- routing ------------------------------------------------------------------------------ */

typedef struct answer {
    int status; /* 0 = drop the connection */
    char *headers;
    char *body;
    unsigned delay_ms;
} answer;

/* Split "/a/b/c" into at most 12 segments; returns the count. */
static size_t segments(const char *path, char seg[][128], size_t max)
{
    size_t n = 0;
    const char *p = path;
    while (*p == '/' && n < max) {
        const char *e = strchr(p + 1, '/');
        size_t l = e ? (size_t)(e - p - 1) : strlen(p + 1);
        if (l >= 128)
            l = 127;
        memcpy(seg[n], p + 1, l);
        seg[n][l] = '\0';
        n++;
        if (!e)
            break;
        p = e;
    }
    return n;
}

static long query_int(const char *query, const char *key, long dflt)
{
    size_t kl = strlen(key);
    for (const char *p = query; p && *p;) {
        if (strncmp(p, key, kl) == 0 && p[kl] == '=')
            return (long)digits_value(p + kl + 1);
        p = strchr(p, '&');
        if (p)
            p++;
    }
    return dflt;
}

static char *json_out(json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    return s;
}

static const char *body_string(const fh_request *r, const char *key, json_t **hold)
{
    *hold = json_loadb(r->body, r->body_len, 0, NULL);
    return json_string_value(json_object_get(*hold, key));
}

static json_t *comment_json(const fh_server *s, const comment *c, bool gitlab)
{
    char url[256];
    snprintf(url, sizeof(url), "%s/acme/app/pull/7#issuecomment-%lld", s->base, (long long)c->id);
    if (gitlab)
        return json_pack("{sI ss sb s{ss}}", "id", (json_int_t)c->id, "body", c->body, "system",
                         c->system, "author", "username", c->login);
    return json_pack("{sI ss ss s{ss ss}}", "id", (json_int_t)c->id, "body", c->body, "html_url",
                     url, "user", "login", c->login, "type",
                     strstr(c->login, "[bot]") ? "Bot" : "User");
}

static comment *find_comment(fh_server *s, int64_t id)
{
    for (size_t i = 0; i < s->n_comments; i++)
        if (s->comments[i].id == id)
            return &s->comments[i];
    return NULL;
}

static void list_comments(fh_server *s, const fh_request *r, bool gitlab, answer *a)
{
    long per = query_int(r->query, "per_page", gitlab ? 20 : 30);
    long page = query_int(r->query, "page", 1);
    size_t first = (size_t)((page - 1) * per), pages;
    json_t *arr = json_array();
    char hdr[1024];

    if (per < 1)
        per = 1;
    pages = (s->n_comments + (size_t)per - 1) / (size_t)per;
    for (size_t i = first; i < s->n_comments && i < first + (size_t)per; i++)
        json_array_append_new(arr, comment_json(s, &s->comments[i], gitlab));
    hdr[0] = '\0';
    if (gitlab) {
        /* GitLab leaves x-next-page empty on the last page */
        char next[32] = "";
        if ((size_t)page < pages)
            snprintf(next, sizeof(next), "%ld", page + 1);
        snprintf(hdr, sizeof(hdr), "x-page: %ld\r\nx-per-page: %ld\r\nx-next-page: %s\r\n", page,
                 per, next);
    } else if ((size_t)page < pages) {
        snprintf(hdr, sizeof(hdr),
                 "link: <%s%s?per_page=%ld&page=%ld>; rel=\"next\", <%s%s?per_page=%ld&page=%zu>; "
                 "rel=\"last\"\r\n",
                 s->base, r->path, per, page + 1, s->base, r->path, per, pages);
    }
    a->status = 200;
    a->headers = dup0(hdr);
    a->body = json_out(arr);
}

static void create_comment(fh_server *s, const fh_request *r, bool gitlab, answer *a)
{
    json_t *hold = NULL;
    const char *body = body_string(r, "body", &hold);
    comment *c;
    char hdr[256];

    if (!body) {
        a->status = 400;
        a->body = dup0("{\"message\":\"body is missing\"}");
    } else if (!gitlab && strlen(body) > 65536) {
        a->status = 422;
        a->body = dup0("{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":"
                       "\"IssueComment\",\"code\":\"unprocessable\",\"field\":\"data\",\"message\":"
                       "\"Body is too long (maximum is 65536 characters)\"}]}");
    } else {
        s->comments = realloc(s->comments, (s->n_comments + 1) * sizeof(*s->comments));
        c = &s->comments[s->n_comments++];
        c->id = s->next_id++;
        c->body = dup0(body);
        c->login = dup0(gitlab ? s->gl_user : s->gh_user ? s->gh_user : "github-actions[bot]");
        c->system = false;
        snprintf(hdr, sizeof(hdr), "Location: %s/repos/acme/app/issues/comments/%lld\r\n", s->base,
                 (long long)c->id);
        a->status = 201;
        a->headers = dup0(hdr);
        a->body = json_out(comment_json(s, c, gitlab));
    }
    json_decref(hold);
}

static void update_comment(fh_server *s, const fh_request *r, const char *id, bool gitlab,
                           answer *a)
{
    json_t *hold = NULL;
    const char *body = body_string(r, "body", &hold);
    comment *c = find_comment(s, digits_value(id));

    if (!c) {
        a->status = 404;
        a->body = dup0("{\"message\":\"Not Found\"}");
    } else if (!body) {
        a->status = 400;
        a->body = dup0("{\"message\":\"body is missing\"}");
    } else {
        free(c->body);
        c->body = dup0(body);
        a->status = 200;
        a->body = json_out(comment_json(s, c, gitlab));
    }
    json_decref(hold);
}

static void create_status(fh_server *s, const fh_request *r, const char *sha, answer *a)
{
    json_t *hold = NULL;
    const char *state = body_string(r, "state", &hold);
    a->status = state ? 201 : 422;
    a->body = json_out(json_pack("{sI ss ss}", "id", (json_int_t)s->next_status_id++, "sha", sha,
                                 "state", state ? state : "?"));
    json_decref(hold);
}

/* The GitHub and GitLab endpoints memgate uses, kept as state. */
static void emulate(fh_server *s, const fh_request *r, answer *a)
{
    char seg[12][128];
    size_t n = segments(r->path, seg, 12);
    bool get = strcmp(r->method, "GET") == 0, post = strcmp(r->method, "POST") == 0;
    bool patch = strcmp(r->method, "PATCH") == 0, put = strcmp(r->method, "PUT") == 0;
    bool gitlab = n >= 2 && strcmp(seg[0], "api") == 0 && strcmp(seg[1], "v4") == 0;
    char *sg[12];

    for (size_t i = 0; i < 12; i++)
        sg[i] = seg[i];
    a->status = 404;
    if (!gitlab && !fh_header(r, "user-agent")) {
        a->status = 403; /* like GitHub */
        a->body = dup0("{\"message\":\"Request forbidden by administrative rules. Please make "
                       "sure your request has a User-Agent header\"}");
        return;
    }
    if (gitlab && !get && fh_header(r, "job-token")) {
        a->body = dup0("{\"message\":\"404 Not Found\"}");
        return;
    }
    if (!gitlab && n == 1 && !strcmp(sg[0], "user") && get) {
        if (s->gh_user) {
            a->status = 200;
            a->body = json_out(json_pack("{ss ss}", "login", s->gh_user, "type", "User"));
        } else { /* an installation token such as GITHUB_TOKEN */
            a->status = 403;
            a->body = dup0("{\"message\":\"Resource not accessible by integration\"}");
        }
        return;
    }
    if (gitlab && n == 3 && !strcmp(sg[2], "user") && get) {
        a->status = 200;
        a->body = json_out(json_pack("{sI ss}", "id", (json_int_t)4242, "username", s->gl_user));
        return;
    }
    if (!gitlab && n == 6 && !strcmp(sg[0], "repos") && !strcmp(sg[3], "issues") &&
        !strcmp(sg[5], "comments")) {
        if (get) {
            list_comments(s, r, false, a);
            return;
        }
        if (post) {
            create_comment(s, r, false, a);
            return;
        }
    }
    if (!gitlab && n == 6 && !strcmp(sg[0], "repos") && !strcmp(sg[3], "issues") &&
        !strcmp(sg[4], "comments") && patch) {
        update_comment(s, r, sg[5], false, a);
        return;
    }
    if (!gitlab && n == 5 && !strcmp(sg[0], "repos") && !strcmp(sg[3], "statuses") && post) {
        create_status(s, r, sg[4], a);
        return;
    }
    if (!gitlab && n == 4 && !strcmp(sg[0], "repos") && !strcmp(sg[3], "check-runs") && post) {
        a->status = 201;
        a->body = json_out(json_pack("{sI ss}", "id", (json_int_t)s->next_status_id++, "html_url",
                                     "http://checks.invalid/1"));
        return;
    }
    if (!gitlab && n == 5 && !strcmp(sg[0], "repos") && !strcmp(sg[3], "pulls") && get) {
        a->status = 200;
        a->body = json_out(json_pack("{sI s{ss}}", "number", (json_int_t)digits_value(sg[4]),
                                     "head", "sha", s->pr_head));
        return;
    }
    /* GitLab: /api/v4/projects/:id/merge_requests/:iid/notes[/:note_id], /statuses/:sha */
    if (gitlab && n == 7 && !strcmp(sg[2], "projects") && !strcmp(sg[4], "merge_requests") &&
        !strcmp(sg[6], "notes")) {
        if (get) {
            list_comments(s, r, true, a);
            return;
        }
        if (post) {
            create_comment(s, r, true, a);
            return;
        }
    }
    if (gitlab && n == 8 && !strcmp(sg[6], "notes") && put) {
        update_comment(s, r, sg[7], true, a);
        return;
    }
    if (gitlab && n == 6 && !strcmp(sg[2], "projects") && !strcmp(sg[4], "statuses") && post) {
        create_status(s, r, sg[5], a);
        return;
    }
    a->body = dup0("{\"message\":\"Not Found\"}");
}

static void route(fh_server *s, const fh_request *r, answer *a)
{
    *a = (answer){0};
    for (size_t i = 0; i < s->n_rules; i++) {
        rule *ru = &s->rules[i];
        if (ru->times == 0 || (ru->method && strcmp(ru->method, r->method) != 0) ||
            strncmp(r->path, ru->prefix, strlen(ru->prefix)) != 0)
            continue;
        if (ru->times > 0)
            ru->times--;
        a->status = ru->status;
        a->headers = expand(s, ru->headers);
        a->body = expand(s, ru->body);
        a->delay_ms = ru->delay_ms;
        return;
    }
    emulate(s, r, a);
    if (!a->headers)
        a->headers = dup0("");
    if (!a->body)
        a->body = dup0("");
}

/* ---- threads ------------------------------------------------------------------------------ */

static void *conn_main(void *arg)
{
    conn *c = arg;
    fh_server *s = c->srv;
    char *pending = NULL;
    size_t npending = 0;

    while (!s->stopping) {
        fh_request *r = read_request(c, &pending, &npending);
        answer a;
        int rc = -1;
        if (!r)
            break;
        pthread_mutex_lock(&s->mu);
        if (s->n_reqs == s->cap_reqs) {
            s->cap_reqs = s->cap_reqs ? s->cap_reqs * 2 : 16;
            s->reqs = realloc(s->reqs, s->cap_reqs * sizeof(*s->reqs));
        }
        s->reqs[s->n_reqs++] = r;
        route(s, r, &a);
        pthread_mutex_unlock(&s->mu);
        sleep_ms_interruptible(s, a.delay_ms);
        if (a.status && !s->stopping)
            rc = respond(c->fd, a.status, a.headers, a.body);
        free(a.headers);
        free(a.body);
        if (rc < 0)
            break; /* status 0: drop the connection without an answer */
    }
    free(pending);
    shutdown(c->fd, SHUT_RDWR);
    close(c->fd);
    return NULL;
}

static void *accept_main(void *arg)
{
    fh_server *s = arg;
    while (!s->stopping) {
        struct pollfd pf = {s->listen_fd, POLLIN, 0};
        int fd;
        conn *c;
        if (poll(&pf, 1, 50) <= 0)
            continue;
        fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_mutex_lock(&s->mu);
        if (s->n_conns == MAX_CONNS) {
            pthread_mutex_unlock(&s->mu);
            close(fd);
            continue;
        }
        c = calloc(1, sizeof(*c));
        c->srv = s;
        c->fd = fd;
        c->id = s->n_conns;
        s->conns[s->n_conns++] = c;
        pthread_create(&c->thread, NULL, conn_main, c);
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

fh_server *fh_start(void)
{
    fh_server *s = calloc(1, sizeof(*s));
    struct sockaddr_in addr = {0};
    socklen_t alen = sizeof(addr);
    int one = 1;

    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->listen_fd < 0)
        abort();
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never anything but 127.0.0.1 */
    addr.sin_port = 0;
    if (bind(s->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        listen(s->listen_fd, 16) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&addr, &alen) != 0)
        abort();
    s->port = ntohs(addr.sin_port);
    snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
    s->next_id = 3000000001LL; /* above 2^31, as real comment ids are */
    s->gl_user = dup0("project_42_bot");
    s->next_status_id = 1;
    snprintf(s->pr_head, sizeof(s->pr_head), "%s", "1111111111111111111111111111111111111111");
    pthread_mutex_init(&s->mu, NULL);
    if (pthread_create(&s->acceptor, NULL, accept_main, s) != 0)
        abort();
    return s;
}

void fh_stop(fh_server *s)
{
    if (!s)
        return;
    s->stopping = 1;
    pthread_join(s->acceptor, NULL);
    for (unsigned i = 0; i < s->n_conns; i++) {
        pthread_join(s->conns[i]->thread, NULL);
        free(s->conns[i]);
    }
    close(s->listen_fd);
    for (size_t i = 0; i < s->n_reqs; i++)
        request_free(s->reqs[i]);
    free(s->reqs);
    for (size_t i = 0; i < s->n_rules; i++) {
        free(s->rules[i].method);
        free(s->rules[i].prefix);
        free(s->rules[i].headers);
        free(s->rules[i].body);
    }
    free(s->rules);
    for (size_t i = 0; i < s->n_comments; i++) {
        free(s->comments[i].body);
        free(s->comments[i].login);
    }
    free(s->comments);
    free(s->gh_user);
    free(s->gl_user);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int fh_port(const fh_server *s)
{
    return s->port;
}

const char *fh_base(const fh_server *s)
{
    return s->base;
}

void fh_script(fh_server *s, const char *method, const char *path_prefix, int times, int status,
               const char *headers, const char *body, unsigned delay_ms)
{
    rule *r;
    pthread_mutex_lock(&s->mu);
    s->rules = realloc(s->rules, (s->n_rules + 1) * sizeof(*s->rules));
    r = &s->rules[s->n_rules++];
    r->method = dup0(method);
    r->prefix = dup0(path_prefix ? path_prefix : "");
    r->headers = dup0(headers ? headers : "");
    r->body = dup0(body ? body : "");
    r->times = times;
    r->status = status;
    r->delay_ms = delay_ms;
    pthread_mutex_unlock(&s->mu);
}

void fh_add_comment(fh_server *s, int64_t id, const char *body, const char *login, bool system)
{
    comment *c;
    pthread_mutex_lock(&s->mu);
    s->comments = realloc(s->comments, (s->n_comments + 1) * sizeof(*s->comments));
    c = &s->comments[s->n_comments++];
    c->id = id;
    c->body = dup0(body);
    c->login = dup0(login);
    c->system = system;
    if (id >= s->next_id)
        s->next_id = id + 1;
    pthread_mutex_unlock(&s->mu);
}

size_t fh_comment_count(fh_server *s)
{
    size_t n;
    pthread_mutex_lock(&s->mu);
    n = s->n_comments;
    pthread_mutex_unlock(&s->mu);
    return n;
}

const char *fh_comment_body(fh_server *s, size_t i)
{
    return i < s->n_comments ? s->comments[i].body : NULL;
}

int64_t fh_comment_id(fh_server *s, size_t i)
{
    return i < s->n_comments ? s->comments[i].id : -1;
}

void fh_set_user(fh_server *s, const char *github_login, const char *gitlab_username)
{
    pthread_mutex_lock(&s->mu);
    free(s->gh_user);
    s->gh_user = github_login ? dup0(github_login) : NULL;
    if (gitlab_username) {
        free(s->gl_user);
        s->gl_user = dup0(gitlab_username);
    }
    pthread_mutex_unlock(&s->mu);
}

void fh_set_pr_head(fh_server *s, const char *sha)
{
    pthread_mutex_lock(&s->mu);
    snprintf(s->pr_head, sizeof(s->pr_head), "%s", sha);
    pthread_mutex_unlock(&s->mu);
}

size_t fh_count(fh_server *s)
{
    size_t n;
    pthread_mutex_lock(&s->mu);
    n = s->n_reqs;
    pthread_mutex_unlock(&s->mu);
    return n;
}

const fh_request *fh_get(fh_server *s, size_t i)
{
    const fh_request *r;
    pthread_mutex_lock(&s->mu);
    r = i < s->n_reqs ? s->reqs[i] : NULL;
    pthread_mutex_unlock(&s->mu);
    return r;
}

size_t fh_count_matching(fh_server *s, const char *method, const char *path_prefix)
{
    size_t n = 0;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->n_reqs; i++)
        if ((!method || strcmp(method, s->reqs[i]->method) == 0) &&
            strncmp(s->reqs[i]->path, path_prefix, strlen(path_prefix)) == 0)
            n++;
    pthread_mutex_unlock(&s->mu);
    return n;
}

const fh_request *fh_find(fh_server *s, const char *method, const char *path_prefix, size_t nth)
{
    const fh_request *r = NULL;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->n_reqs && !r; i++)
        if ((!method || strcmp(method, s->reqs[i]->method) == 0) &&
            strncmp(s->reqs[i]->path, path_prefix, strlen(path_prefix)) == 0 && nth-- == 0)
            r = s->reqs[i];
    pthread_mutex_unlock(&s->mu);
    return r;
}
