/*
 * Blame from stacks: the baseline's stored stacks and the profile's stacks
 * attributed by one rule over one frame table (the profile's frames, then the
 * stored ones), so both runs name functions alike and the baseline's
 * recorded attribution does not matter: it is re-attributed from its stacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memgate/blame.h"
#include "memgate/stacks.h"
#include "strmap.h"

/* Sites borrow their strings from here: one label and one file per frame id. */
struct names {
    char **label, **cut, **file; /* cut: "NAME [truncated]", for stacks cut before own code */
    size_t n;
    bool by_library; /* --group-by crate: label[id] is the library frame id decided */
};

struct side {
    mg_site *sites;
    size_t n;
};

static int nomem(mg_error *err)
{
    return mg_error_set(err, MG_E_NOMEM, "out of memory");
}

/* --group-by crate: the site is the stack's library (mg_stack_library), without a line. */
static int library_site(const mg_stacks *all, const mg_attributor *a, struct names *nm,
                        const uint32_t *frames, size_t depth, mg_site *out, mg_error *err)
{
    char buf[300];
    long k = mg_stack_library(a, all, frames, depth, buf, sizeof(buf));
    char **slot = k >= 0 ? &nm->label[frames[k]] : NULL;
    if (!slot) {
        out->function = "[no library]";
        return 0;
    }
    if (!*slot && !(*slot = strdup(buf)))
        return nomem(err);
    out->function = *slot;
    return 0;
}

static int site_of(const mg_stacks *all, const mg_attributor *a, struct names *nm,
                   const uint32_t *frames, size_t depth, const uint64_t w[MG_W_COUNT_],
                   mg_site *out, mg_error *err)
{
    mg_attr_result res;
    mg_frame f;
    uint32_t id;
    char buf[1024];

    memset(out, 0, sizeof(*out));
    mg_attribute(a, frames, depth, &res);
    if (nm->by_library) {
        if (library_site(all, a, nm, frames, depth, out, err) < 0)
            return -err->code;
    } else if (res.frame < 0) {
        out->function = "[all-frames-allocator]";
    } else {
        bool cut = res.how == MG_ATTR_HOW_TRUNCATED;
        char **slot;
        id = frames[res.frame];
        mg_stacks_frame(all, id, &f);
        slot = cut ? &nm->cut[id] : &nm->label[id];
        if (!*slot) {
            size_t n = strlen(mg_frame_label(&f, buf, sizeof(buf)));
            snprintf(buf + n, sizeof(buf) - n, "%s", cut ? " [truncated]" : "");
            if (!(*slot = strdup(buf)))
                return nomem(err);
        }
        if (f.file_len && !nm->file[id] && !(nm->file[id] = strndup(f.file, f.file_len)))
            return nomem(err);
        out->function = *slot;
        out->file = nm->file[id];
        out->line = f.line;
    }
    out->w[MG_BLAME_TOTAL] = w[MG_W_TOTAL];
    out->w[MG_BLAME_PEAK] = w[MG_W_PEAK];
    out->w[MG_BLAME_COUNT] = w[MG_W_COUNT];
    out->own = res.how == MG_ATTR_HOW_OWN;
    return 0;
}

/* One frame table: the profile's frames (same ids), then each distinct stored frame. */
static int merged_table(const mg_stacks *ps, const mg_stored_stacks *base, mg_stacks **all,
                        uint32_t ***ids, mg_error *err)
{
    mg_strmap seen;
    size_t i, k, at, next = mg_stacks_frame_count(ps);
    int created, rc;

    if ((rc = mg_stacks_new(all, err)) < 0)
        return rc;
    for (i = 0; rc == 0 && i < mg_stacks_frame_count(ps); i++) {
        mg_frame f;
        mg_stacks_frame(ps, (uint32_t)i, &f);
        rc = mg_stacks_add_frame(*all, f.text, strlen(f.text), err);
    }
    if (rc == 0 && !(*ids = calloc(base->n ? base->n : 1, sizeof(**ids))))
        rc = nomem(err);
    mg_strmap_init(&seen);
    for (i = 0; rc == 0 && i < base->n; i++) {
        const mg_stored_stack *s = &base->items[i];
        if (!((*ids)[i] = calloc(s->n_frames, sizeof(uint32_t)))) {
            rc = nomem(err);
            break;
        }
        for (k = 0; rc == 0 && k < s->n_frames; k++) {
            size_t len = strlen(s->frames[k]);
            rc = mg_strmap_upsert(&seen, s->frames[k], len, next, &at, &created, err);
            if (rc == 0 && created && (rc = mg_stacks_add_frame(*all, s->frames[k], len, err)) == 0)
                next++;
            (*ids)[i][k] = (uint32_t)at;
        }
    }
    mg_strmap_release(&seen);
    return rc;
}

static int attribute_all(const mg_stacks *ps, const mg_stored_stacks *base, const mg_stacks *all,
                         uint32_t **ids, const mg_attributor *a, struct names *nm,
                         struct side *before, struct side *after, mg_error *err)
{
    size_t i, n = mg_stacks_count(ps);
    int rc = 0;
    if (!(before->sites = calloc(base->n ? base->n : 1, sizeof(mg_site))) ||
        !(after->sites = calloc(n ? n : 1, sizeof(mg_site))))
        return nomem(err);
    for (i = 0; rc == 0 && i < base->n; i++) {
        const mg_stored_stack *s = &base->items[i];
        uint64_t w[MG_W_COUNT_] = {0};
        w[MG_W_TOTAL] = s->total_bytes;
        w[MG_W_PEAK] = s->peak_bytes;
        w[MG_W_COUNT] = s->total_blocks;
        rc = site_of(all, a, nm, ids[i], s->n_frames, w, &before->sites[before->n++], err);
    }
    for (i = 0; rc == 0 && i < n; i++) {
        mg_stack st;
        mg_stacks_get(ps, i, &st);
        rc = site_of(all, a, nm, st.frames, st.depth, st.w, &after->sites[after->n++], err);
    }
    return rc;
}

int mg_blame_from_stacks(mg_blame *out, const mg_profile *p, const mg_stored_stacks *base,
                         const mg_attr_options *o, mg_error *err)
{
    const mg_stacks *ps = mg_profile_stacks(p);
    mg_stacks *all = NULL;
    mg_attributor *a = NULL;
    uint32_t **ids = NULL;
    struct names nm = {NULL, NULL, NULL, 0, o && o->by_library};
    struct side before = {NULL, 0}, after = {NULL, 0};
    uint64_t other[MG_BLAME_W];
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!ps)
        return mg_error_set(err, MG_E_USAGE, "blame needs a profile with stacks");
    rc = merged_table(ps, base, &all, &ids, err);
    if (rc == 0)
        rc = mg_attributor_new(&a, all, o, err);
    nm.n = all ? mg_stacks_frame_count(all) : 0;
    if (rc == 0 && (!(nm.label = calloc(nm.n ? nm.n : 1, sizeof(char *))) ||
                    !(nm.cut = calloc(nm.n ? nm.n : 1, sizeof(char *))) ||
                    !(nm.file = calloc(nm.n ? nm.n : 1, sizeof(char *)))))
        rc = nomem(err);
    if (rc == 0)
        rc = attribute_all(ps, base, all, ids, a, &nm, &before, &after, err);
    other[MG_BLAME_TOTAL] = base->other_total_bytes;
    other[MG_BLAME_PEAK] = base->other_peak_bytes;
    other[MG_BLAME_COUNT] = base->other_total_blocks;
    if (rc == 0)
        rc = mg_blame_compute(out, before.sites, before.n, other, after.sites, after.n, err);
    out->by_library = nm.by_library;
    for (i = 0; i < nm.n; i++) {
        free(nm.label ? nm.label[i] : NULL);
        free(nm.cut ? nm.cut[i] : NULL);
        free(nm.file ? nm.file[i] : NULL);
    }
    free(nm.label);
    free(nm.cut);
    free(nm.file);
    for (i = 0; ids && i < base->n; i++)
        free(ids[i]);
    free(ids);
    free(before.sites);
    free(after.sites);
    mg_attributor_free(a);
    mg_stacks_free(all);
    return rc;
}

/* Every stack of a profile, whole, as stored stacks (diff: the earlier side is a profile). */
static int all_stacks(const mg_profile *p, mg_stored_stacks *out, mg_error *err)
{
    const mg_stacks *s = mg_profile_stacks(p);
    size_t i, k, n = mg_stacks_count(s);
    memset(out, 0, sizeof(*out));
    out->present = true;
    if (n && !(out->items = calloc(n, sizeof(*out->items))))
        return nomem(err);
    for (i = 0; i < n; i++) {
        mg_stored_stack *o = &out->items[out->n++];
        mg_stack st;
        mg_stacks_get(s, i, &st);
        if (st.depth && !(o->frames = calloc(st.depth, sizeof(*o->frames))))
            return nomem(err);
        for (k = 0; k < st.depth; k++) {
            mg_frame f;
            mg_stacks_frame(s, st.frames[k], &f);
            if (!(o->frames[k] = strdup(f.text)))
                return nomem(err);
            o->n_frames = k + 1;
        }
        o->total_bytes = st.w[MG_W_TOTAL];
        o->total_blocks = st.w[MG_W_COUNT];
        o->peak_bytes = st.w[MG_W_PEAK];
    }
    {
        uint64_t dropped[MG_W_COUNT_];
        mg_stacks_dropped(s, dropped);
        out->other_total_bytes = dropped[MG_W_TOTAL];
        out->other_total_blocks = dropped[MG_W_COUNT];
        out->other_peak_bytes = dropped[MG_W_PEAK];
    }
    return 0;
}

int mg_blame_between(mg_blame *out, const mg_profile *before, const mg_profile *after,
                     const mg_attr_options *o, mg_error *err)
{
    mg_stored_stacks b;
    int rc;
    memset(out, 0, sizeof(*out));
    if (!mg_profile_stacks(before) || !mg_profile_stacks(after))
        return mg_error_set(err, MG_E_USAGE, "blame needs two profiles with stacks");
    rc = all_stacks(before, &b, err);
    if (rc == 0)
        rc = mg_blame_from_stacks(out, after, &b, o, err);
    mg_stored_stacks_release(&b);
    return rc;
}
