/* The baseline reader's JSON helpers, below both baseline.c and baseline_stacks.c (which share
 * them through baseline_int.h): finding a workload's object, counts, and errors that name the
 * line and column of the offending value. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "baseline_int.h"
#include "jsonpull.h"

/*
 * Find where `key` (inside workload `workload`, or at top level) sits in the
 * text so an error about its value can name line and column.
 */
static void locate(const mg_baseline *b, const char *workload, const char *key, unsigned long *line,
                   unsigned long *col)
{
    mg_jp jp;
    mg_error e;
    enum mg_jp_tok tok;
    bool in_workloads = false, in_target = workload == NULL;
    unsigned target_depth = workload ? 3 : 1;
    char last_key[128] = "";

    *line = *col = 0;
    if (!b->text)
        return;
    mg_error_init(&e);
    mg_jp_init_mem(&jp, b->text, b->text_len, b->source);
    while (mg_jp_next(&jp, &tok, &e) == 0 && tok != MG_JP_EOF) {
        if (tok != MG_JP_STRING || mg_jp_next(&jp, &tok, &e) < 0)
            continue;
        if (tok != MG_JP_COLON)
            continue;
        /* jp.depth is the depth of the object holding this key */
        snprintf(last_key, sizeof(last_key), "%s", jp.str.data ? jp.str.data : "");
        if (jp.depth == 1)
            in_workloads = !strcmp(last_key, "workloads");
        if (workload && jp.depth == 2)
            in_target = in_workloads && !strcmp(last_key, workload);
        if (in_target && jp.depth == target_depth && !strcmp(last_key, key)) {
            if (mg_jp_next(&jp, &tok, &e) == 0) {
                *line = (unsigned long)jp.tok_line;
                *col = (unsigned long)jp.tok_col;
            }
            break;
        }
    }
    mg_jp_release(&jp);
}

int mg_bl_value_error(const mg_baseline *b, const char *workload, const char *key, const char *what,
                      mg_error *err)
{
    unsigned long line, col;
    locate(b, workload, key, &line, &col);
    return mg_error_set_at(err, MG_E_INPUT, b->source, line, col, "'%s' %s", key, what);
}

json_t *mg_bl_workload(const mg_baseline *b, const char *workload)
{
    json_t *wl;
    if (!workload || !strcmp(workload, "default"))
        return b->root;
    wl = json_object_get(b->root, "workloads");
    return json_is_object(wl) ? json_object_get(wl, workload) : NULL;
}

bool mg_bl_count_ok(json_t *v)
{
    return json_is_integer(v) && json_integer_value(v) >= 0;
}

int mg_bl_set_new(json_t *obj, const char *key, json_t *v, mg_error *err)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    return 0;
}

json_t *mg_bl_target(mg_baseline *b, const char *workload, mg_error *err)
{
    json_t *wls, *obj;
    if (!workload || !strcmp(workload, "default"))
        return b->root;
    wls = json_object_get(b->root, "workloads");
    if (!wls && mg_bl_set_new(b->root, "workloads", json_object(), err) < 0)
        return NULL;
    wls = json_object_get(b->root, "workloads");
    obj = json_object_get(wls, workload);
    if (!obj && mg_bl_set_new(wls, workload, json_object(), err) < 0)
        return NULL;
    return json_object_get(wls, workload);
}

json_t *mg_bl_count_json(uint64_t v)
{
    return json_integer((json_int_t)(v > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : v));
}
