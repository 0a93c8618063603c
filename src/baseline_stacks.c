/* The baseline's stacks: strict reading, and writing in an order that keeps update diffs small. */
#include <stdlib.h>
#include <string.h>

#include "baseline_int.h"

static const char *const weight_keys[] = {"total_bytes", "total_blocks", "peak_bytes"};

static int check_stack(const mg_baseline *b, const char *wl, json_t *s, mg_error *err)
{
    json_t *frames = json_object_get(s, "frames"), *f;
    size_t i;

    if (!json_is_object(s) || !json_is_array(frames) || json_array_size(frames) == 0)
        return mg_bl_value_error(b, wl, "stacks",
                                 "entries need 'frames', a non-empty list of "
                                 "strings",
                                 err);
    json_array_foreach(frames, i, f)
    {
        if (!json_is_string(f))
            return mg_bl_value_error(b, wl, "stacks", "entries' frames must be strings", err);
    }
    for (i = 0; i < 3; i++)
        if (!mg_bl_count_ok(json_object_get(s, weight_keys[i])))
            return mg_bl_value_error(b, wl, "stacks",
                                     "entries need total_bytes, total_blocks and peak_bytes, "
                                     "whole numbers >= 0",
                                     err);
    return 0;
}

int mg_bl_check_stacks(const mg_baseline *b, const char *wl, json_t *obj, mg_error *err)
{
    json_t *st = json_object_get(obj, "stacks"), *other = json_object_get(obj, "stacks_other"), *s;
    json_t *attr = json_object_get(obj, "attribution");
    size_t i;
    int rc;

    if (attr && !json_is_string(attr))
        return mg_bl_value_error(b, wl, "attribution", "must be a string (own, skip-std, ...)",
                                 err);
    if (other) {
        if (!json_is_object(other))
            return mg_bl_value_error(b, wl, "stacks_other",
                                     "must be an object {total_bytes, total_blocks, peak_bytes}",
                                     err);
        for (i = 0; i < 3; i++)
            if (json_object_get(other, weight_keys[i]) &&
                !mg_bl_count_ok(json_object_get(other, weight_keys[i])))
                return mg_bl_value_error(b, wl, "stacks_other", "counts must be whole numbers >= 0",
                                         err);
    }
    if (!st)
        return 0;
    if (!json_is_array(st))
        return mg_bl_value_error(b, wl, "stacks", "must be a list of {frames, total_bytes, ...}",
                                 err);
    json_array_foreach(st, i, s)
    {
        if ((rc = check_stack(b, wl, s, err)) < 0)
            return rc;
    }
    return 0;
}

void mg_stored_stacks_release(mg_stored_stacks *s)
{
    size_t i, k;
    if (!s)
        return;
    for (i = 0; i < s->n; i++) {
        for (k = 0; k < s->items[i].n_frames; k++)
            free(s->items[i].frames[k]);
        free(s->items[i].frames);
    }
    free(s->items);
    free(s->attribution);
    memset(s, 0, sizeof(*s));
}

static uint64_t count_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

static int read_stack(json_t *s, mg_stored_stack *out)
{
    json_t *frames = json_object_get(s, "frames"), *f;
    size_t i;
    if (!(out->frames = calloc(json_array_size(frames), sizeof(*out->frames))))
        return -1;
    json_array_foreach(frames, i, f)
    {
        if (!(out->frames[i] = strdup(json_string_value(f))))
            return -1;
        out->n_frames = i + 1;
    }
    out->total_bytes = count_of(s, "total_bytes");
    out->total_blocks = count_of(s, "total_blocks");
    out->peak_bytes = count_of(s, "peak_bytes");
    return 0;
}

int mg_baseline_stacks(const mg_baseline *b, const char *workload, mg_stored_stacks *out,
                       mg_error *err)
{
    json_t *obj = mg_bl_workload(b, workload), *st, *other, *s;
    const char *attr;
    size_t i;

    memset(out, 0, sizeof(*out));
    st = obj ? json_object_get(obj, "stacks") : NULL;
    if (!json_is_array(st))
        return 0;
    out->present = true;
    attr = json_string_value(json_object_get(obj, "attribution"));
    if (attr && !(out->attribution = strdup(attr)))
        goto nomem;
    other = json_object_get(obj, "stacks_other");
    out->other_total_bytes = count_of(other, "total_bytes");
    out->other_total_blocks = count_of(other, "total_blocks");
    out->other_peak_bytes = count_of(other, "peak_bytes");
    if (json_array_size(st) && !(out->items = calloc(json_array_size(st), sizeof(*out->items))))
        goto nomem;
    json_array_foreach(st, i, s)
    {
        out->n = i + 1;
        if (read_stack(s, &out->items[i]) < 0)
            goto nomem;
    }
    return 0;
nomem:
    mg_stored_stacks_release(out);
    return mg_error_set(err, MG_E_NOMEM, "out of memory");
}

/* Outermost stored frame first (the program's own frame), then inwards; then the shorter. */
static int by_frames(const void *a, const void *b)
{
    const mg_stored_stack *x = *(const mg_stored_stack *const *)a;
    const mg_stored_stack *y = *(const mg_stored_stack *const *)b;
    size_t i;
    for (i = 0; i < x->n_frames && i < y->n_frames; i++) {
        int c = strcmp(x->frames[x->n_frames - 1 - i], y->frames[y->n_frames - 1 - i]);
        if (c)
            return c;
    }
    return x->n_frames < y->n_frames ? -1 : x->n_frames > y->n_frames;
}

static json_t *stack_json(const mg_stored_stack *s)
{
    json_t *o = json_object(), *frames = json_array();
    size_t i;
    int bad = !o || !frames;
    for (i = 0; !bad && i < s->n_frames; i++)
        bad = json_array_append_new(frames, json_string(s->frames[i])) != 0;
    if (bad) {
        json_decref(o);
        json_decref(frames);
        return NULL;
    }
    /* the weights first: a reviewer reads what moved, then where */
    json_object_set_new(o, "total_bytes", mg_bl_count_json(s->total_bytes));
    json_object_set_new(o, "total_blocks", mg_bl_count_json(s->total_blocks));
    json_object_set_new(o, "peak_bytes", mg_bl_count_json(s->peak_bytes));
    json_object_set_new(o, "frames", frames);
    return o;
}

static json_t *other_json(const mg_stored_stacks *s)
{
    return json_pack("{s:o, s:o, s:o}", "total_bytes", mg_bl_count_json(s->other_total_bytes),
                     "total_blocks", mg_bl_count_json(s->other_total_blocks), "peak_bytes",
                     mg_bl_count_json(s->other_peak_bytes));
}

int mg_baseline_set_stacks(mg_baseline *b, const char *workload, const mg_stored_stacks *s,
                           mg_error *err)
{
    json_t *obj = mg_bl_target(b, workload, err), *a = NULL, *other = NULL;
    const mg_stored_stack **order = NULL;
    size_t i;
    int bad;

    if (!obj)
        return -(int)err->code;
    order = malloc((s->n ? s->n : 1) * sizeof(*order));
    a = json_array();
    other = other_json(s);
    bad = !order || !a || !other;
    for (i = 0; !bad && i < s->n; i++)
        order[i] = &s->items[i];
    if (!bad && s->n > 1)
        qsort(order, s->n, sizeof(*order), by_frames);
    for (i = 0; !bad && i < s->n; i++)
        bad = json_array_append_new(a, stack_json(order[i])) != 0;
    free(order);
    if (!bad && s->attribution)
        bad = json_object_set_new(obj, "attribution", json_string(s->attribution)) != 0;
    if (bad) {
        json_decref(a);
        json_decref(other);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    /* set_new takes the reference whether or not it succeeds */
    bad = json_object_set_new(obj, "stacks_other", other) != 0;
    bad = json_object_set_new(obj, "stacks", a) != 0 || bad;
    return bad ? mg_error_set(err, MG_E_NOMEM, "out of memory") : 0;
}
