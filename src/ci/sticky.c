/* The sticky comment: one per marker, found by listing, updated in place, created once. */
#include "ci/sticky.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/render.h"

/* Bodies differ only in the footer (the run link) when nothing else changed. */
static bool same_report(const char *a, const char *b)
{
    const char *fa = strstr(a, MG_MD_FOOTER_MARK), *fb = strstr(b, MG_MD_FOOTER_MARK);
    size_t la = fa ? (size_t)(fa - a) : strlen(a), lb = fb ? (size_t)(fb - b) : strlen(b);
    return la == lb && memcmp(a, b, la) == 0;
}

int mg_sticky_post(const mg_sticky_ops *ops, void *ctx, const char *marker, const char *body,
                   bool may_create, enum mg_sticky_done *done, mg_http_response *resp,
                   mg_error *err)
{
    /* a create that timed out is checked by listing again, at most this often */
    for (int round = 0; round < 3; round++) {
        int64_t id = 0;
        char *old = NULL;
        int rc = ops->find(ctx, marker, &id, &old, err);
        if (rc < 0)
            return rc;
        if (id) {
            bool same = old && same_report(old, body);
            free(old);
            *done = same ? MG_STICKY_UNCHANGED : MG_STICKY_UPDATED;
            return same ? 0 : ops->update(ctx, id, body, resp, err);
        }
        free(old);
        if (!may_create) {
            *done = MG_STICKY_SKIPPED;
            return 0;
        }
        *done = MG_STICKY_CREATED;
        {
            mg_error e;
            mg_error_init(&e);
            rc = ops->create(ctx, body, resp, &e);
            if (rc == 0)
                return 0;
            if (!resp->maybe_sent) {
                mg_error_set(err, e.code, "%s", e.msg);
                return rc;
            }
            if (round == 2) {
                mg_error_set(err, e.code, "%s", e.msg);
                return rc;
            }
        }
    }
    return -MG_E_POST; /* not reached */
}

void mg_post_sticky(mg_post_run *run, const mg_sticky_ops *ops, void *ctx, const char *sha,
                    const char *run_url, size_t max, const char *kind, const char *where)
{
    enum mg_sticky_done done = MG_STICKY_SKIPPED;
    mg_http_response resp;
    char key[80], marker[128];
    mg_buf body;
    mg_error e;

    mg_error_init(&e);
    mg_buf_init(&body, 0);
    mg_http_response_init(&resp);
    mg_md_sticky_key(run->req, key, sizeof(key));
    mg_md_marker(key, marker, sizeof(marker));
    if (mg_post_comment_body(&body, run->req, sha, run_url, max, &e) < 0 ||
        mg_sticky_post(ops, ctx, marker, body.data, mg_post_may_create(run->req), &done, &resp,
                       &e) < 0) {
        char what[64];
        snprintf(what, sizeof(what), "posting the %s", kind);
        mg_post_failed(run, what, &e);
    } else if (done == MG_STICKY_SKIPPED) {
        mg_post_note(run, "verdict passed: no %s created (comment mode not-pass)", kind);
    } else if (done == MG_STICKY_UNCHANGED) {
        mg_post_note(run, "%s is up to date", where);
    } else {
        run->out->n_posted++;
        mg_post_note(run, "%s %s%s%s", done == MG_STICKY_CREATED ? "created" : "updated", where,
                     run->out->comment_url[0] ? " " : "", run->out->comment_url);
    }
    mg_http_response_release(&resp);
    mg_buf_release(&body);
}

/* The comment's author: GitHub's user.login, GitLab's author.username. */
static const char *comment_author(const json_t *c)
{
    const char *gh = json_string_value(json_object_get(json_object_get(c, "user"), "login"));
    return gh ? gh : json_string_value(json_object_get(json_object_get(c, "author"), "username"));
}

bool mg_sticky_scan_page(const mg_http_response *resp, const char *marker, const char *author,
                         const char *what, int64_t *id, char **body, mg_error *err, int *rc)
{
    json_t *arr = resp->body.len ? json_loadb(resp->body.data, resp->body.len, 0, NULL) : NULL;
    json_t *c;
    size_t i;
    bool found = false;

    *rc = 0;
    if (!json_is_array(arr)) {
        *rc = mg_error_set(err, MG_E_POST, "listing %s: the answer is not a JSON array", what);
        json_decref(arr);
        return false;
    }
    json_array_foreach(arr, i, c)
    {
        const json_t *idv = json_object_get(c, "id");
        const char *b = json_string_value(json_object_get(c, "body"));
        const char *who = comment_author(c);
        if (json_is_true(json_object_get(c, "system")))
            continue;
        /* anyone can write the marker: only the token's own comments are memgate's */
        if (!who || strcmp(who, author) != 0)
            continue;
        /* at the start only: a person quoting memgate's comment does not make it ours */
        if (json_is_integer(idv) && json_integer_value(idv) > 0 && b &&
            strncmp(b, marker, strlen(marker)) == 0) {
            *id = (int64_t)json_integer_value(idv);
            *body = strdup(b);
            found = true;
            break;
        }
    }
    json_decref(arr);
    return found;
}

int mg_sticky_find(const mg_sticky_list *l, const char *first_url, const char *marker, int64_t *id,
                   char **body, mg_error *err)
{
    char url[2048], what[32];
    int rc = 0;

    *id = 0;
    *body = NULL;
    snprintf(url, sizeof(url), "%s", first_url);
    snprintf(what, sizeof(what), "%ss", l->item);
    for (int page = 0; page < MG_MAX_PAGES; page++) {
        mg_http_response resp;
        bool found, more;
        mg_http_response_init(&resp);
        rc = mg_http_request(l->http, "GET", url, NULL, 0, &resp, err);
        found = rc == 0 && mg_sticky_scan_page(&resp, marker, l->author, what, id, body, err, &rc);
        more = rc == 0 && !found &&
               (l->next ? l->next(l->ctx, &resp, url, sizeof(url))
                        : resp.link && mg_http_link_next(resp.link, url, sizeof(url)));
        mg_http_response_release(&resp);
        if (rc < 0 || !more)
            return rc;
        /* the token goes wherever the link points: only ever to the API host itself */
        if (!mg_http_same_origin(url, l->api))
            return mg_error_set(err, MG_E_POST,
                                "refusing to follow a pagination link to another host");
    }
    /* pages left unread may hold memgate's comment: posting another would make two */
    return mg_error_set(err, MG_E_POST,
                        "could not find memgate's %s: more than %d pages of %s; not posting a "
                        "second one",
                        l->item, MG_MAX_PAGES, what);
}
