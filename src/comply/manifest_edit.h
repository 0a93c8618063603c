/* Private: add a dev-dependency, an [[example]] entry and release debug info to a Cargo.toml. */
#ifndef MEMGATE_COMPLY_MANIFEST_EDIT_H
#define MEMGATE_COMPLY_MANIFEST_EDIT_H

#include <stdbool.h>

#include "comply/toml.h"
#include "memgate/buf.h"
#include "memgate/error.h"

typedef struct manifest_edit {
    const char *dep_key;        /* "dhat"; NULL = no dependency to add */
    const char *dep_value;      /* right-hand side: "\"0.3\"" or "{ workspace = true }" */
    const char *dep_table_body; /* the same as [dev-dependencies.KEY] lines: "version = \"0.3\"" */
    const char *example_name;   /* NULL = no [[example]] to add */
    const char *example_path;
    bool release_debug; /* add debug = 1 to [profile.release] (which has no debug key) */
} manifest_edit;

/*
 * Write to out the manifest text with the edit applied, touching nothing
 * else: the dependency goes on the line after an existing [dev-dependencies]
 * header, else a [dev-dependencies] table (or, when that name is taken by a
 * form a header cannot extend, [dev-dependencies.KEY]) is appended; the
 * [[example]] entry is appended. debug = 1 goes on the line after an existing
 * [profile.release] header, else a [profile.release] table is appended.
 * Line endings follow the file's (LF or CRLF).
 * Every candidate is parsed again and must hold the new entries; when none
 * does, MG_E_REFUSED says what to add by hand. *dep_line gets the line the
 * dependency landed on.
 */
/* true when the manifest has an [[example]] entry with this name */
bool manifest_has_example(const mg_toml_value *root, const char *name);

int manifest_apply(const char *text, size_t len, const char *source, const manifest_edit *e,
                   mg_buf *out, unsigned long *dep_line, mg_error *err);

#endif
