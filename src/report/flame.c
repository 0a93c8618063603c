/* The flame tree: stacks merged by frame name, outermost first, with both sides' weights. */
#include "flame_int.h"

#include <stdlib.h>
#include <string.h>

int mg_flame_new(mg_flame **out, enum mg_weight w, mg_error *err)
{
    mg_flame *f = calloc(1, sizeof(*f));
    *out = NULL;
    if (!f)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    f->weight = w;
    mg_strmap_init(&f->label_ids);
    mg_strmap_init(&f->children);
    /* node 0 is the root, "all" */
    f->nodes = calloc(64, sizeof(*f->nodes));
    if (!f->nodes) {
        mg_flame_free(f);
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    }
    f->cap = 64;
    f->n = 1;
    f->nodes[0].first_child = FLAME_NONE;
    f->nodes[0].next_sibling = FLAME_NONE;
    f->nodes[0].cls = MG_FLAME_CLASS_ROOT;
    *out = f;
    return 0;
}

void mg_flame_free(mg_flame *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_labels; i++)
        free(f->labels[i]);
    free(f->labels);
    free(f->nodes);
    mg_strmap_release(&f->label_ids);
    mg_strmap_release(&f->children);
    free(f);
}

uint64_t mg_flame_total(const mg_flame *f, enum mg_flame_side side)
{
    return f->nodes[0].w[side];
}

static int label_id(mg_flame *f, const char *s, size_t len, uint32_t *out, mg_error *err)
{
    size_t id;
    int inserted;
    if (mg_strmap_upsert(&f->label_ids, s, len, f->n_labels, &id, &inserted, err) < 0)
        return -err->code;
    if (inserted) {
        if (f->n_labels == f->cap_labels) {
            size_t cap = f->cap_labels ? f->cap_labels * 2 : 256;
            char **l = realloc(f->labels, cap * sizeof(*l));
            if (!l)
                return mg_error_set(err, MG_E_NOMEM, "out of memory");
            f->labels = l;
            f->cap_labels = cap;
        }
        if (!(f->labels[f->n_labels] = strndup(s, len)))
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        f->n_labels++;
    }
    *out = (uint32_t)id;
    return 0;
}

/* The child of parent named label, made when absent. */
static int child(mg_flame *f, uint32_t parent, uint32_t label, enum mg_flame_class cls,
                 uint32_t *out, mg_error *err)
{
    unsigned char key[8];
    size_t id;
    int inserted;
    memcpy(key, &parent, 4);
    memcpy(key + 4, &label, 4);
    if (mg_strmap_upsert(&f->children, (const char *)key, sizeof(key), f->n, &id, &inserted, err) <
        0)
        return -err->code;
    if (inserted) {
        flame_node *n;
        if (f->n == f->cap) {
            flame_node *grown = realloc(f->nodes, f->cap * 2 * sizeof(*grown));
            if (!grown)
                return mg_error_set(err, MG_E_NOMEM, "out of memory");
            f->nodes = grown;
            f->cap *= 2;
        }
        n = &f->nodes[f->n++];
        memset(n, 0, sizeof(*n));
        n->label = label;
        n->cls = cls;
        n->first_child = FLAME_NONE;
        n->next_sibling = f->nodes[parent].first_child;
        f->nodes[parent].first_child = (uint32_t)id;
    }
    *out = (uint32_t)id;
    return 0;
}

int flame_add_path(mg_flame *f, enum mg_flame_side side, const flame_frame *frames, size_t depth,
                   uint64_t w, mg_error *err)
{
    uint32_t at = 0;
    f->nodes[0].w[side] += w;
    /* frames are innermost first: the tree grows from the outermost */
    for (size_t i = depth; i-- > 0;) {
        uint32_t label = 0;
        int rc = label_id(f, frames[i].label, strlen(frames[i].label), &label, err);
        if (rc == 0)
            rc = child(f, at, label, frames[i].cls, &at, err);
        if (rc < 0)
            return rc;
        f->nodes[at].w[side] += w;
    }
    return 0;
}

bool mg_flame_weight_from_name(const char *name, enum mg_weight *out)
{
    static const struct {
        const char *name;
        enum mg_weight w;
    } names[] = {{"total", MG_W_TOTAL}, {"peak", MG_W_PEAK}, {"count", MG_W_COUNT}};
    for (size_t i = 0; i < 3; i++) {
        if (!strcmp(name, names[i].name)) {
            *out = names[i].w;
            return true;
        }
    }
    return false;
}
