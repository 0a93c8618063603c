/* Private to the flame graph files: the tree, and one path added to it. */
#ifndef MEMGATE_FLAME_INT_H
#define MEMGATE_FLAME_INT_H

#include <stdint.h>

#include "memgate/flame.h"
#include "util/strmap.h"

#define FLAME_NONE UINT32_MAX

enum mg_flame_class {
    MG_FLAME_CLASS_OWN,     /* the program's own code: highlighted */
    MG_FLAME_CLASS_OTHER,   /* libraries, third-party crates */
    MG_FLAME_CLASS_RUNTIME, /* the language runtime and allocator machinery: muted */
    MG_FLAME_CLASS_ROOT,    /* "all", and the pseudo-frames memgate adds */
};

typedef struct flame_node {
    uint32_t label; /* index into labels */
    uint32_t first_child, next_sibling;
    uint8_t cls;
    uint64_t w[2]; /* inclusive weight, before and after */
} flame_node;

struct mg_flame {
    enum mg_weight weight;
    flame_node *nodes; /* 0 is the root */
    size_t n, cap;
    char **labels;
    size_t n_labels, cap_labels;
    mg_strmap label_ids; /* label -> index */
    mg_strmap children;  /* (parent, label) -> node */
};

typedef struct flame_frame {
    const char *label; /* NUL-terminated */
    enum mg_flame_class cls;
} flame_frame;

/* Add w under the path frames[0..depth) (innermost first) and to every node on it. */
int flame_add_path(mg_flame *f, enum mg_flame_side side, const flame_frame *frames, size_t depth,
                   uint64_t w, mg_error *err);

#endif
