/* Private: find a #[global_allocator] static of a given type in Rust source text. */
#ifndef MEMGATE_COMPLY_RUSTSCAN_H
#define MEMGATE_COMPLY_RUSTSCAN_H

#include <stddef.h>

#include "memgate/error.h"

/*
 * Look for
 *     #[global_allocator]            (other #[...] attributes may follow it)
 *     [pub[(...)]] static NAME: TYPE = ...;
 * where TYPE is `CRATE::TYPE_NAME` or `::CRATE::TYPE_NAME` for one of the
 * crate identifiers (a NULL-terminated list, e.g. {"dhat", NULL}), or a bare
 * `TYPE_NAME` that the file imports with `use CRATE::TYPE_NAME;` or
 * `use CRATE::{..., TYPE_NAME, ...};`. Comments, strings (also raw and byte
 * strings), character literals and lifetimes are skipped, so a commented-out
 * allocator does not count.
 *
 * Returns the 1-based line of the static's `static` keyword, or 0 when there
 * is none. Fails only with MG_E_NOMEM.
 */
int rust_find_global_allocator(const char *src, size_t len, const char *const *crates,
                               const char *type_name, unsigned long *line_out, mg_error *err);

#endif
