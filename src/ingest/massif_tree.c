/* The peak snapshot's heap tree into the stack store (see massif_tree.h). */
#include "ingest/massif_tree.h"

#include <stdlib.h>
#include <string.h>

#include "memgate/buf.h"

void mg_massif_tree_init(mg_massif_tree *t, const char *source, const mg_load_options *opts)
{
    memset(t, 0, sizeof(*t));
    t->source = source;
    mg_hotspot_agg_init(&t->agg, opts);
    mg_strmap_init(&t->frames);
}

void mg_massif_tree_release(mg_massif_tree *t)
{
    mg_hotspot_agg_release(&t->agg);
    mg_strmap_release(&t->frames);
    free(t->path);
    free(t->fs);
    memset(t, 0, sizeof(*t));
}

/* The deepest node is complete: what its children leave is a stack of its own. */
static int pop(mg_massif_tree *t, mg_error *err)
{
    static const uint32_t none = 0;
    size_t d = t->depth - 1, k;
    const struct massif_node *n = &t->path[d];
    uint64_t rest = n->bytes > n->children ? n->bytes - n->children : 0;
    t->depth--;
    if (!rest)
        return 0;
    if (mg_grow_array((void **)&t->fs, &t->fs_cap, d + 1, sizeof(*t->fs), 64, err) < 0)
        return -err->code;
    for (k = 1; k <= d; k++)
        t->fs[k - 1] = t->path[k].frame;
    return mg_hotspot_agg_add_pp(&t->agg, d ? t->fs : &none, d, 0, 0, rest, 0, err);
}

int mg_massif_tree_node(mg_massif_tree *t, size_t depth, uint64_t bytes, const char *text,
                        size_t len, unsigned long no, mg_error *err)
{
    struct massif_node n;
    size_t id;
    int inserted, rc;
    if (depth > t->depth || (depth == 0) != !t->any)
        return mg_error_set_at(err, MG_E_INPUT, t->source, no, 1,
                               depth ? "heap tree entry deeper than its parent or without a root"
                                     : "second root in a heap tree");
    while (t->depth > depth)
        if ((rc = pop(t, err)) < 0)
            return rc;
    memset(&n, 0, sizeof(n));
    n.bytes = bytes;
    if (depth) {
        struct massif_node *parent = &t->path[depth - 1];
        if (parent->children + bytes < bytes)
            return mg_error_set_at(err, MG_E_OVERFLOW, t->source, no, 1,
                                   "heap tree bytes do not fit in 64 bits");
        parent->children += bytes;
        if (mg_strmap_upsert(&t->frames, text, len, t->frames.count, &id, &inserted, err) < 0)
            return -err->code;
        if (inserted && mg_hotspot_agg_add_frame(&t->agg, text, len, err) < 0)
            return -err->code;
        n.frame = (uint32_t)id;
    }
    if (mg_grow_array((void **)&t->path, &t->cap, depth + 1, sizeof(*t->path), 32, err) < 0)
        return -err->code;
    t->path[t->depth++] = n;
    t->any = true;
    return 0;
}

int mg_massif_tree_finish(mg_massif_tree *t, mg_profile *p, const mg_load_options *opts,
                          mg_error *err)
{
    int rc;
    if (!t->any)
        return 0;
    while (t->depth)
        if ((rc = pop(t, err)) < 0)
            return rc;
    return mg_hotspot_agg_finish(&t->agg, p, opts && opts->top_n ? opts->top_n : 10, err);
}
