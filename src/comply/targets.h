/* Private: the example, bin and bench sources of a package, as Cargo finds them. */
#ifndef MEMGATE_COMPLY_TARGETS_H
#define MEMGATE_COMPLY_TARGETS_H

#include "comply/cargo.h"

typedef struct rust_target {
    const char *kind; /* "example", "bin", "bench" (static) */
    char *name;
    char *rel; /* source file relative to the project, for messages */
    char *fs;  /* the same as a path to open */
} rust_target;

typedef struct target_list {
    rust_target *v;
    size_t n, cap;
} target_list;

void target_list_init(target_list *l);
void target_list_release(target_list *l);

/*
 * Collect pkg's target sources: Cargo's auto-discovery (src/main.rs,
 * src/bin/NAME.rs, src/bin/NAME/main.rs, examples/NAME.rs,
 * examples/NAME/main.rs, benches/NAME.rs, benches/NAME/main.rs) unless
 * package.autobins/autoexamples/autobenches is false, plus every [[bin]], [[example]] and [[bench]]
 * entry (its path, or the default path for its name). A listed source that does not exist adds a
 * note. Each file appears once.
 */
int targets_collect(const cargo_pkg *pkg, target_list *out, strlist *notes, mg_error *err);

#endif
