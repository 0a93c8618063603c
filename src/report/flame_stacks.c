/* Feeding the flame tree: a profile's stacks or a baseline's stored ones, classed by attribution.
 */
#include <stdlib.h>
#include <string.h>

#include "flame_int.h"

/* Libraries whose frames are the language runtime rather than anyone's code. */
static bool runtime_library(const char *lib)
{
    static const char *const names[] = {"std",
                                        "core",
                                        "alloc",
                                        "hashbrown",
                                        "dhat",
                                        "backtrace",
                                        "compiler_builtins",
                                        "libc.so",
                                        "ld-linux",
                                        "libstdc++",
                                        "libgcc_s",
                                        "libpthread",
                                        "vgpreload",
                                        NULL};
    for (const char *const *n = names; lib && *n; n++)
        if (!strncmp(lib, *n, strlen(*n)) &&
            (lib[strlen(*n)] == '\0' || lib[strlen(*n)] == '.' || lib[strlen(*n)] == '-'))
            return true;
    return false;
}

static enum mg_flame_class classify(const mg_attributor *a, const mg_stacks *s, uint32_t id)
{
    mg_frame fr;
    char lib[256];
    if (mg_attributor_is_own(a, id))
        return MG_FLAME_CLASS_OWN;
    if (mg_attributor_is_machinery(a, id))
        return MG_FLAME_CLASS_RUNTIME;
    mg_stacks_frame(s, id, &fr);
    return runtime_library(mg_frame_library(&fr, lib, sizeof(lib))) ? MG_FLAME_CLASS_RUNTIME
                                                                    : MG_FLAME_CLASS_OTHER;
}

/* Labels and classes of every frame of a stacks object, built once. */
struct frame_table {
    flame_frame *frames;
    char *text; /* every label, NUL-separated */
    size_t n;
};

static void table_release(struct frame_table *t)
{
    free(t->frames);
    free(t->text);
}

static int table_build(struct frame_table *t, const mg_stacks *s, const mg_attributor *a,
                       mg_error *err)
{
    size_t n = mg_stacks_frame_count(s), used = 0, cap = 4096;
    memset(t, 0, sizeof(*t));
    t->frames = calloc(n ? n : 1, sizeof(*t->frames));
    t->text = malloc(cap);
    if (!t->frames || !t->text)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    /* labels first (the text buffer moves while it grows), pointers after */
    size_t *offsets = calloc(n ? n : 1, sizeof(*offsets));
    if (!offsets)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mg_frame fr;
        char buf[1024];
        const char *label;
        size_t len;
        mg_stacks_frame(s, (uint32_t)i, &fr);
        label = mg_frame_label(&fr, buf, sizeof(buf));
        len = strlen(label) + 1;
        if (used + len > cap) {
            char *grown;
            while (used + len > cap)
                cap *= 2;
            if (!(grown = realloc(t->text, cap))) {
                free(offsets);
                return mg_error_set(err, MG_E_NOMEM, "out of memory");
            }
            t->text = grown;
        }
        memcpy(t->text + used, label, len);
        offsets[i] = used;
        used += len;
        t->frames[i].cls = classify(a, s, (uint32_t)i);
    }
    for (size_t i = 0; i < n; i++)
        t->frames[i].label = t->text + offsets[i];
    free(offsets);
    t->n = n;
    return 0;
}

/* One stack's frames as labels; cut at the attributed frame when asked. */
static int add_stack(mg_flame *f, enum mg_flame_side side, const struct frame_table *t,
                     const mg_attributor *a, const mg_stack *st, uint64_t w, bool cut,
                     flame_frame *path, mg_error *err)
{
    size_t depth = st->depth;
    if (cut) {
        mg_attr_result r;
        mg_attribute(a, st->frames, st->depth, &r);
        if (r.frame >= 0)
            depth = (size_t)r.frame + 1;
    }
    for (size_t i = 0; i < depth; i++)
        path[i] = t->frames[st->frames[i]];
    return flame_add_path(f, side, path, depth, w, err);
}

static int add_stacks(mg_flame *f, enum mg_flame_side side, const mg_stacks *s,
                      const mg_attr_options *o, bool cut, mg_error *err)
{
    mg_attributor *a = NULL;
    struct frame_table t;
    flame_frame *path = NULL;
    size_t max_depth = 1;
    uint64_t dropped[MG_W_COUNT_];
    int rc = mg_attributor_new(&a, s, o, err);

    memset(&t, 0, sizeof(t));
    for (size_t i = 0; rc == 0 && i < mg_stacks_count(s); i++) {
        mg_stack st;
        mg_stacks_get(s, i, &st);
        max_depth = st.depth > max_depth ? st.depth : max_depth;
    }
    if (rc == 0 && !(path = calloc(max_depth, sizeof(*path))))
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    if (rc == 0)
        rc = table_build(&t, s, a, err);
    for (size_t i = 0; rc == 0 && i < mg_stacks_count(s); i++) {
        mg_stack st;
        mg_stacks_get(s, i, &st);
        if (st.w[f->weight])
            rc = add_stack(f, side, &t, a, &st, st.w[f->weight], cut, path, err);
    }
    /* what the store dropped to stay bounded still counts, as one frame of its own */
    if (rc == 0 && mg_stacks_dropped(s, dropped) && dropped[f->weight]) {
        flame_frame fr = {"[lighter stacks not kept]", MG_FLAME_CLASS_ROOT};
        rc = flame_add_path(f, side, &fr, 1, dropped[f->weight], err);
    }
    free(path);
    table_release(&t);
    mg_attributor_free(a);
    return rc;
}

int mg_flame_add_profile(mg_flame *f, enum mg_flame_side side, const mg_profile *p,
                         const mg_attr_options *o, bool cut, mg_error *err)
{
    const mg_stacks *s = mg_profile_stacks(p);
    if (!s || mg_stacks_count(s) == 0)
        return mg_error_set_at(err, MG_E_INPUT, mg_profile_source(p), 0, 0,
                               "no call stacks to draw: this %s profile records none",
                               mg_profile_format(p));
    return add_stacks(f, side, s, o, cut, err);
}

static uint64_t stored_weight(const mg_stored_stack *s, enum mg_weight w)
{
    return w == MG_W_PEAK ? s->peak_bytes : w == MG_W_COUNT ? s->total_blocks : s->total_bytes;
}

int mg_flame_add_stored(mg_flame *f, enum mg_flame_side side, const mg_stored_stacks *s,
                        const mg_attr_options *o, mg_error *err)
{
    mg_stacks *st = NULL;
    uint32_t next = 0, *ids = NULL;
    size_t max_depth = 1;
    int rc = mg_stacks_new(&st, err);

    /* the stored frame texts go through the stack store, so names split as the profile's do */
    for (size_t i = 0; i < s->n; i++)
        max_depth = s->items[i].n_frames > max_depth ? s->items[i].n_frames : max_depth;
    if (rc == 0 && !(ids = calloc(max_depth, sizeof(*ids))))
        rc = mg_error_set(err, MG_E_NOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < s->n; i++) {
        const mg_stored_stack *ss = &s->items[i];
        uint64_t w[MG_W_COUNT_] = {0};
        for (size_t k = 0; rc == 0 && k < ss->n_frames; k++) {
            rc = mg_stacks_add_frame(st, ss->frames[k], strlen(ss->frames[k]), err);
            ids[k] = next++;
        }
        w[MG_W_TOTAL] = ss->total_bytes;
        w[MG_W_PEAK] = ss->peak_bytes;
        w[MG_W_COUNT] = ss->total_blocks;
        if (rc == 0 && ss->n_frames)
            rc = mg_stacks_add(st, ids, ss->n_frames, w, err);
    }
    if (rc == 0)
        rc = add_stacks(f, side, st, o, false, err);
    if (rc == 0) {
        mg_stored_stack other = {NULL, 0, s->other_total_bytes, s->other_total_blocks,
                                 s->other_peak_bytes};
        flame_frame fr = {"[stacks the baseline leaves out]", MG_FLAME_CLASS_ROOT};
        if (stored_weight(&other, f->weight))
            rc = flame_add_path(f, side, &fr, 1, stored_weight(&other, f->weight), err);
    }
    free(ids);
    mg_stacks_free(st);
    return rc;
}
