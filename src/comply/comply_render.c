/* CB-141 report rendering: text for people, JSON (memgate/comply/v1) for tools. */
#include "memgate/comply.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "comply/comply_int.h"

/* Text continuation lines start under the item's text. */
#define INDENT "           "

static int put(mg_buf *out, mg_error *err, const char *s)
{
    return mg_buf_append(out, s, strlen(s), err);
}

/* Text whose later lines get an extra prefix (multi-line fixes keep their code indented). */
static int put_indented(mg_buf *out, mg_error *err, const char *first, const char *text,
                        const char *cont)
{
    const char *line = text, *nl;
    int rc = put(out, err, first);

    while (rc == 0 && line) {
        nl = strchr(line, '\n');
        rc = mg_buf_append(out, line, nl ? (size_t)(nl - line + 1) : strlen(line), err);
        line = nl ? nl + 1 : NULL;
        if (rc == 0 && line)
            rc = put(out, err, cont);
    }
    return rc == 0 ? put(out, err, "\n") : rc;
}

static bool is_c(const mg_comply_report *r)
{
    return r->kind && strcmp(r->kind, "rust") != 0;
}

static int render_item(const mg_comply_report *r, const mg_comply_item *it, mg_buf *out,
                       mg_error *err)
{
    const char *profiler = mg_cb141_profiler_name(r->config.profiler);
    size_t i;
    int rc;

    if (!it->applicable)
        return mg_buf_printf(
            out, err,
            "[n/a]      %s\n" INDENT "%s needs no %s: it profiles "
            "any binary from outside\n",
            it->title, is_c(r) && r->config.profiler == MG_CB141_DHAT ? "Valgrind DHAT" : profiler,
            is_c(r) ? "library" : "crate");
    if (!it->present) {
        rc = mg_buf_printf(out, err, "[missing]  %s (%d)\n" INDENT "%s\n", it->title, it->penalty,
                           it->problem);
        return rc == 0 ? put_indented(out, err, INDENT "fix: ", it->fix, INDENT "     ") : rc;
    }
    rc = mg_buf_printf(out, err, "[ok]       %s\n", it->title);
    for (i = 0; rc == 0 && i < it->n_found; i++) {
        const mg_comply_found *f = &it->found[i];
        rc = f->line
                 ? mg_buf_printf(out, err, INDENT "%s line %lu: %s\n", f->file, f->line, f->what)
                 : mg_buf_printf(out, err, INDENT "%s: %s\n", f->file, f->what);
    }
    return rc;
}

/* The last line says what the score means for the run, so CI logs explain their exit status. */
static int render_summary(const mg_comply_report *r, mg_buf *out, mg_error *err)
{
    int score = mg_comply_score(r);
    size_t i, missing = 0, applicable = 0;

    for (i = 0; i < MG_COMPLY_PIECES; i++) {
        applicable += r->items[i].applicable;
        missing += !r->items[i].present;
    }
    if (score == 0)
        return mg_buf_printf(out, err, "\nscore: 0 (all %zu pieces in place)\n", applicable);
    return mg_buf_printf(out, err, "\nscore: %d (%zu of %zu pieces missing; severity %s%s)\n",
                         score, missing, applicable, mg_cb141_severity_name(r->config.severity),
                         mg_comply_failed(r) ? ": this fails the run, exit status 1"
                                             : ", so this does not fail the run");
}

int mg_comply_render_text(const mg_comply_report *r, mg_buf *out, mg_error *err)
{
    const mg_cb141_config *c = &r->config;
    size_t i;
    int rc;

    rc =
        mg_buf_printf(out, err, "memgate comply: CB-141 memory profiling set-up in '%s'\n", r->dir);
    if (rc == 0 && !r->checked)
        return mg_buf_printf(out, err,
                             "CB-141 is disabled (enabled: false in %s): nothing checked\n"
                             "\nscore: 0 (disabled)\n",
                             c->source);
    if (rc == 0)
        rc = mg_buf_printf(out, err, "profiler %s, severity %s, settings from %s\n",
                           mg_cb141_profiler_name(c->profiler), mg_cb141_severity_name(c->severity),
                           c->source[0] ? c->source : "the defaults (no .pmat.yaml)");
    if (rc == 0 && is_c(r))
        rc = mg_buf_printf(out, err,
                           "C/C++ project (%s): CB-141 is written for Rust; here it checks a CI "
                           "step\n"
                           "or script that runs %s over the program, and the baseline\n",
                           r->marker,
                           r->config.profiler == MG_CB141_HEAPTRACK ? "heaptrack"
                                                                    : "valgrind --tool=dhat");
    for (i = 0; rc == 0 && i < r->manifests.n; i++)
        rc = mg_buf_printf(out, err, "%s%s%s", i ? ", " : "manifests: ", r->manifests.v[i],
                           i + 1 == r->manifests.n ? "\n" : "");
    if (rc == 0)
        rc = put(out, err, "\n");
    for (i = 0; rc == 0 && i < MG_COMPLY_PIECES; i++)
        rc = render_item(r, &r->items[i], out, err);
    for (i = 0; rc == 0 && i < r->notes.n; i++)
        rc = mg_buf_printf(out, err, "%snote: %s\n", i ? "" : "\n", r->notes.v[i]);
    return rc == 0 ? render_summary(r, out, err) : rc;
}

/* ---- JSON ---- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *string_array(const strlist *l)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

/* null, not 0 or "", for what does not apply: consumers can tell "absent" from a value. */
static json_t *item_json(const mg_comply_item *it)
{
    json_t *found = json_array();
    size_t i;

    for (i = 0; found && i < it->n_found; i++)
        json_array_append_new(
            found,
            json_pack("{s:s, s:o, s:s}", "file", it->found[i].file, "line",
                      it->found[i].line ? json_integer((json_int_t)it->found[i].line) : json_null(),
                      "what", it->found[i].what));
    return json_pack("{s:s, s:s, s:b, s:b, s:i, s:o, s:o, s:o}", "id", it->id, "title", it->title,
                     "applicable", it->applicable, "present", it->present, "penalty", it->penalty,
                     "found", found, "problem", str_or_null(it->problem), "fix",
                     str_or_null(it->fix));
}

static json_t *report_json(const mg_comply_report *r)
{
    const mg_cb141_config *c = &r->config;
    json_t *items = json_array();
    size_t i;

    for (i = 0; items && r->checked && i < MG_COMPLY_PIECES; i++)
        json_array_append_new(items, item_json(&r->items[i]));
    return json_pack(
        "{s:s, s:{s:s, s:s}, s:s, s:s, s:o, s:{s:o, s:b, s:s, s:s, s:s}, s:b, s:i, s:b, s:b, "
        "s:o, s:o, s:o}",
        "schema", "memgate/comply/v1", "tool", "name", "memgate", "version", MEMGATE_VERSION,
        "check", "CB-141", "project", r->dir, "project_kind", str_or_null(r->kind), "config",
        "file", c->source[0] ? json_string(c->source) : json_null(), "enabled", c->enabled,
        "severity", mg_cb141_severity_name(c->severity), "profiler",
        mg_cb141_profiler_name(c->profiler), "baseline_path", c->baseline_path, "checked",
        r->checked, "score", mg_comply_score(r), "compliant", mg_comply_score(r) == 0, "failed",
        mg_comply_failed(r), "manifests", string_array(&r->manifests), "items", items, "notes",
        string_array(&r->notes));
}

int mg_comply_render_json(const mg_comply_report *r, mg_buf *out, mg_error *err)
{
    json_t *root = report_json(r);
    char *text = root ? json_dumps(root, JSON_INDENT(2)) : NULL;
    int rc;

    if (!text) {
        json_decref(root);
        return mg_error_set(err, MG_E_NOMEM, "cannot build the JSON report");
    }
    rc = mg_buf_append(out, text, strlen(text), err);
    if (rc == 0)
        rc = put(out, err, "\n");
    free(text);
    json_decref(root);
    return rc;
}
