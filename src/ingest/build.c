/*
 * Building an mg_profile: the constructor the loader uses, the setters the
 * parsers use, and the destructor. The layer that fills a profile owns its
 * lifetime; profile.c at the root only reads it.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/hotspot.h"
#include "ingest/ingest.h"
#include "utf8.h"

int mg_profile_set_str(char **field, const char *value, mg_error *err)
{
    char *copy = NULL;
    /* every such string ends up in a report or a PR comment: valid UTF-8, no control bytes */
    if (value && !(copy = mg_utf8_sanitize_display(value, strlen(value))))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    free(*field);
    *field = copy;
    return 0;
}

int mg_profile_new(mg_profile **out, const char *source, mg_error *err)
{
    mg_profile *p = calloc(1, sizeof(*p));
    if (!p)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    if (mg_profile_set_str(&p->source, source, err) < 0) {
        free(p);
        return -err->code;
    }
    *out = p;
    return 0;
}

void mg_profile_add_extra(mg_profile *p, const char *key, uint64_t value, const char *unit,
                          const char *label)
{
    if (p->n_extras < MG_MAX_EXTRAS)
        p->extras[p->n_extras++] = (mg_profile_extra){key, value, unit, label};
}

void mg_profile_free(mg_profile *p)
{
    if (!p)
        return;
    for (int r = 0; r < MG_RANK_COUNT; r++)
        mg_hotspots_free(p->rank[r], p->n_rank[r]);
    mg_stacks_free(p->stacks);
    free(p->gate_note);
    free(p->source);
    free(p->format);
    free(p->producer);
    free(p->mode_label);
    free(p->command);
    free(p->note);
    free(p);
}
