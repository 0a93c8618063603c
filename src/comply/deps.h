/* Private: where a crate appears among a package's dependencies, workspace inheritance resolved. */
#ifndef MEMGATE_COMPLY_DEPS_H
#define MEMGATE_COMPLY_DEPS_H

#include "comply/cargo.h"

enum dep_kind { DEP_NORMAL = 1u << 0, DEP_DEV = 1u << 1, DEP_BUILD = 1u << 2 };

typedef struct dep_hit {
    enum dep_kind kind;
    const char *table;   /* "[dev-dependencies]", "[target.'cfg(unix)'.dev-dependencies]" */
    const char *key;     /* the name in the manifest, which is what Rust code calls the crate */
    const char *package; /* the crate it resolves to ("dhat"), after `package = ...` renames */
    const char *inherited_from; /* manifest of [workspace.dependencies] for workspace = true */
    const char *problem; /* set when workspace = true cannot be resolved; then it does not count */
    unsigned long line;
} dep_hit;

typedef struct dep_hits {
    dep_hit *v;
    size_t n, cap;
    strlist text; /* owns every string the hits point to */
} dep_hits;

void dep_hits_init(dep_hits *h);
void dep_hits_release(dep_hits *h);

/*
 * Append to out every dependency of pkg (in [dependencies], [dev-dependencies],
 * [build-dependencies], their underscore spellings and the same under
 * [target.<cfg>]) that resolves to one of packages (NULL-terminated).
 * `workspace = true` is resolved through the project's workspace root.
 */
int deps_find(cargo_project *proj, const cargo_pkg *pkg, const char *const *packages, dep_hits *out,
              mg_error *err);

#endif
