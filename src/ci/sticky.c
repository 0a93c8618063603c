/* The sticky comment: one per marker, found by listing, updated in place, created once. */
#include "ci/post.h"

#include <stdlib.h>
#include <string.h>

#include "ci/render.h"

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
