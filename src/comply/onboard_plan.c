/* The plan's own strings and its steps, below onboard.c (Rust) and onboard_c.c (C/C++), which
 * both add to it. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "comply/onboard_int.h"

const char *onboard_text(onboard_ctx *c, const char *fmt, ...)
{
    va_list ap;
    const char *s;
    va_start(ap, fmt);
    s = strlist_vprintf(&c->plan->text, c->err, fmt, ap);
    va_end(ap);
    return s;
}

/*
 * Add a step; file, detail and snippet are copied into the plan (they often
 * point into the project or the comply report, which the run frees).
 */
size_t onboard_add_step(onboard_ctx *c, const char *title, const char *file,
                        enum mg_onboard_action action, const char *detail, const char *snippet)
{
    mg_onboard_step *s = &c->plan->steps[c->plan->n];
    s->title = title;
    s->action = action;
    s->file = file ? strlist_take(&c->plan->text, strdup(file), c->err) : NULL;
    s->detail = detail ? strlist_take(&c->plan->text, strdup(detail), c->err) : NULL;
    s->snippet = snippet ? strlist_take(&c->plan->text, strdup(snippet), c->err) : NULL;
    if ((file && !s->file) || (detail && !s->detail) || (snippet && !s->snippet))
        c->oom = true;
    return c->plan->n++;
}
