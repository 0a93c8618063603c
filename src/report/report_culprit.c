/* The culprit line every failing verdict leads with, worded once for every format. */
#include <stdio.h>
#include <string.h>

#include "report_int.h"

static void share_text(double share, char *out, size_t size)
{
    if (share > 0 && share < 0.005)
        snprintf(out, size, "<1%%");
    else
        snprintf(out, size, "%.0f%%", 100.0 * share);
}

/* "wordfreq::count_words (src/bin/wordfreq.rs:27)" */
static size_t part_text(const mg_culprit_part *p, char *out, size_t size)
{
    int n = p->where[0] ? snprintf(out, size, "%s (%s)", p->function, p->where)
                        : snprintf(out, size, "%s", p->function);
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* Append a (with the separator sep before it when out is not empty). */
static size_t add(char *out, size_t size, size_t used, const char *sep, const char *a)
{
    int n;
    if (used >= size)
        return used;
    n = snprintf(out + used, size - used, "%s%s", used ? sep : "", a);
    return n < 0 ? used : used + (size_t)n < size ? used + (size_t)n : size - 1;
}

void rep_culprit_cause(const mg_culprit *c, char *out, size_t size)
{
    char share[16], who[1100], amount[32], piece[1200];
    size_t used = 0;
    unsigned i;

    out[0] = '\0';
    switch (c->state) {
    case MG_CULPRIT_NO_STACKS:
        snprintf(out, size, "cannot be attributed (no stacks in this format)");
        return;
    case MG_CULPRIT_NO_BASE_STACKS:
        snprintf(out, size,
                 "cannot be attributed (the baseline holds no stacks; "
                 "update-baseline records them)");
        return;
    case MG_CULPRIT_NOT_PER_STACK:
        snprintf(out, size, "cannot be attributed (not measured per stack)");
        return;
    case MG_CULPRIT_NO_CHANGE:
        snprintf(out, size,
                 "cannot be attributed (no stack changed that way; the change is in "
                 "stacks the baseline leaves out)");
        return;
    case MG_CULPRIT_FOUND:
        break;
    }
    for (i = 0; i < c->n_parts; i++) {
        share_text(c->parts[i].share, share, sizeof(share));
        part_text(&c->parts[i], who, sizeof(who));
        snprintf(piece, sizeof(piece), "%s from %s", share, who);
        used = add(out, size, used, ", ", piece);
    }
    if (c->unattributed >= 0.05) {
        share_text(c->unattributed, share, sizeof(share));
        snprintf(piece, sizeof(piece), "%s in stacks that never reach the program's code", share);
        used = add(out, size, used, "; ", piece);
    }
    if (c->has_offset) {
        rep_signed(c->metric, !c->negative, c->offset.delta, amount, sizeof(amount));
        part_text(&c->offset, who, sizeof(who));
        snprintf(piece, sizeof(piece), "offset by %s %s", who, amount);
        add(out, size, used, "; ", piece);
    }
}

void rep_culprit_line(const mg_culprit *c, char *out, size_t size)
{
    char delta[32], cause[1800];
    rep_signed(c->metric, c->negative, c->delta, delta, sizeof(delta));
    rep_culprit_cause(c, cause, sizeof(cause));
    snprintf(out, size, "%s %s: %s", mg_metric_name(c->metric), delta, cause);
}

const mg_culprit *rep_culprit_of(const mg_report_input *in, enum mg_metric m)
{
    size_t i;
    for (i = 0; in->culprits && i < in->culprits->n; i++)
        if (in->culprits->items[i].metric == m)
            return &in->culprits->items[i];
    return NULL;
}
