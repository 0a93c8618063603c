/* memgate init's plan: accessors and the text people read. */
#include "memgate/onboard.h"

#include <string.h>

#include "comply/onboard_int.h"

size_t mg_onboard_step_count(const mg_onboard_plan *p)
{
    return p->n;
}

const mg_onboard_step *mg_onboard_step_at(const mg_onboard_plan *p, size_t i)
{
    return i < p->n ? &p->steps[i] : NULL;
}

int mg_onboard_score(const mg_onboard_plan *p)
{
    return p->score;
}

/* ---- text ---- */

static int put_snippet(mg_buf *out, const char *snippet, mg_error *err)
{
    const char *line = snippet, *nl;
    int rc = 0;

    while (rc == 0 && line && *line) {
        nl = strchr(line, '\n');
        rc = mg_buf_printf(out, err, "%s%.*s\n", "        ",
                           (int)(nl ? (size_t)(nl - line) : strlen(line)), line);
        line = nl ? nl + 1 : NULL;
    }
    return rc;
}

int mg_onboard_render_text(const mg_onboard_plan *p, mg_buf *out, mg_error *err)
{
    static const char *const label[] = {"[ok]   ", "[add]  ", "[wrote]", "[kept] ", "[todo] "};
    size_t i, pending = 0;
    int rc;

    rc = mg_buf_printf(out, err, "memgate init: CB-141 set-up for %s in '%s'\n\n", p->package,
                       p->dir);
    for (i = 0; rc == 0 && i < p->n; i++) {
        const mg_onboard_step *s = &p->steps[i];
        pending += s->action == MG_ONBOARD_ADD;
        rc = mg_buf_printf(out, err, "%s %s: %s: %s\n", label[s->action], s->title, s->file,
                           s->detail);
        /* a written file is on disk to read; snippets are for what is still to do */
        if (rc == 0 && s->snippet && (s->action == MG_ONBOARD_ADD || s->action == MG_ONBOARD_TODO))
            rc = put_snippet(out, s->snippet, err);
    }
    if (rc == 0 && pending)
        rc = mg_buf_printf(out, err,
                           "\nnothing was written: 'memgate init --write' makes these "
                           "changes (existing files are never replaced without "
                           "--force)\n");
    if (rc == 0)
        rc = mg_buf_printf(out, err, "\nCB-141 score %s: %d%s\n", p->write ? "now" : "as it stands",
                           p->score, p->score ? " (memgate comply shows what is missing)" : "");
    return rc;
}
