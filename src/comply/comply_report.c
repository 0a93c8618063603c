/* The CB-141 report: storage, score and the read-only accessors. */
#include "comply/comply_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memgate/buf.h"

/* the attribute makes clang's -Wformat-nonliteral check callers instead of this vasprintf */
static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;
    return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

const char *report_text(mg_comply_report *r, mg_error *err, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    s = vformat(fmt, ap);
    va_end(ap);
    return strlist_take(&r->text, s, err);
}

int report_note(mg_comply_report *r, mg_error *err, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    s = vformat(fmt, ap);
    va_end(ap);
    if (s && strlist_has(&r->notes, s)) { /* the same note from two places says nothing new */
        free(s);
        return 0;
    }
    return strlist_take(&r->notes, s, err) ? 0 : -(int)MG_E_NOMEM;
}

/* Items point into found_list's array, so they are re-pointed after every growth. */
int report_found(mg_comply_report *r, enum mg_comply_piece piece, const char *file,
                 unsigned long line, const char *what, mg_error *err)
{
    found_list *l = &r->found[piece];
    mg_comply_found *f;

    if (mg_grow_array((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v), 4, err) < 0)
        return -err->code;
    f = &l->v[l->n];
    f->line = line;
    f->file = report_text(r, err, "%s", file);
    f->what = report_text(r, err, "%s", what);
    if (!f->file || !f->what)
        return -(int)MG_E_NOMEM;
    l->n++;
    r->items[piece].found = l->v;
    r->items[piece].n_found = l->n;
    r->items[piece].present = true;
    r->items[piece].penalty = 0;
    return 0;
}

int report_missing(mg_comply_report *r, enum mg_comply_piece piece, const char *problem,
                   const char *fix, mg_error *err)
{
    static const int penalty[MG_COMPLY_PIECES] = {-5, -3, -2};
    mg_comply_item *it = &r->items[piece];

    if (!problem || !fix) /* a report_text() argument that ran out of memory */
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    it->present = false;
    it->penalty = penalty[piece];
    it->problem = report_text(r, err, "%s", problem);
    it->fix = report_text(r, err, "%s", fix);
    return it->problem && it->fix ? 0 : -(int)MG_E_NOMEM;
}

void mg_comply_report_free(mg_comply_report *r)
{
    size_t i;
    if (!r)
        return;
    for (i = 0; i < MG_COMPLY_PIECES; i++)
        free(r->found[i].v);
    strlist_release(&r->manifests);
    strlist_release(&r->notes);
    strlist_release(&r->text);
    free(r->dir);
    free(r);
}

const mg_cb141_config *mg_comply_config(const mg_comply_report *r)
{
    return &r->config;
}

const char *mg_comply_dir(const mg_comply_report *r)
{
    return r->dir;
}

int mg_comply_score(const mg_comply_report *r)
{
    int score = 0;
    size_t i;
    for (i = 0; r->checked && i < MG_COMPLY_PIECES; i++)
        score += r->items[i].penalty;
    return score;
}

bool mg_comply_failed(const mg_comply_report *r)
{
    return r->checked && r->config.severity == MG_CB141_ERROR && mg_comply_score(r) < 0;
}

const mg_comply_item *mg_comply_item_get(const mg_comply_report *r, enum mg_comply_piece piece)
{
    return r->checked && (unsigned)piece < MG_COMPLY_PIECES ? &r->items[piece] : NULL;
}

size_t mg_comply_manifest_count(const mg_comply_report *r)
{
    return r->manifests.n;
}

const char *mg_comply_manifest(const mg_comply_report *r, size_t i)
{
    return i < r->manifests.n ? r->manifests.v[i] : NULL;
}

size_t mg_comply_note_count(const mg_comply_report *r)
{
    return r->notes.n;
}

const char *mg_comply_note(const mg_comply_report *r, size_t i)
{
    return i < r->notes.n ? r->notes.v[i] : NULL;
}
