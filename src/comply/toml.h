/* Private: a small TOML reader for Cargo manifests, and the read-only tree it builds. */
#ifndef MEMGATE_COMPLY_TOML_H
#define MEMGATE_COMPLY_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memgate/error.h"

/*
 * What it reads: TOML 1.0 (tables, arrays of tables, dotted and quoted keys,
 * inline tables, the four string kinds, integers in every base, floats,
 * booleans, arrays with newlines, comments and trailing commas). Dates and
 * times are checked for shape and kept as their text. Like Cargo's own parser
 * it also takes TOML 1.1's newlines and trailing comma inside inline tables,
 * so a manifest Cargo builds is never refused here.
 *
 * Errors are MG_E_USAGE (a broken manifest is a configuration problem, exit 2)
 * with the source, line and 1-based column (in characters) of the offending
 * spot, or MG_E_NOMEM. Input larger than MG_TOML_MAX_BYTES is refused.
 */
#define MG_TOML_MAX_BYTES ((size_t)16 << 20)

enum mg_toml_type {
    MG_TOML_NONE, /* what the accessors report for a NULL (absent) value */
    MG_TOML_STRING,
    MG_TOML_INTEGER,
    MG_TOML_FLOAT,
    MG_TOML_BOOL,
    MG_TOML_DATETIME, /* offset/local date-time, local date or local time, as text */
    MG_TOML_ARRAY,
    MG_TOML_TABLE,
};

/* How a table came to be; decides what may still be added to it. */
enum mg_toml_origin {
    MG_TOML_ROOT,
    MG_TOML_HEADER,   /* [a.b] or [[a.b]]: line is the header's */
    MG_TOML_IMPLICIT, /* a parent created by a header ([a] for [a.b]), not defined yet */
    MG_TOML_DOTTED,   /* created by a dotted key (a.b = 1 creates table a) */
    MG_TOML_INLINE,   /* { ... }: closed once written */
};

typedef struct mg_toml_value mg_toml_value;

/*
 * Parse a whole document. source names the input in error messages. The
 * caller owns *out (mg_toml_free); *out is NULL on failure.
 */
int mg_toml_parse(mg_toml_value **out, const char *text, size_t len, const char *source,
                  mg_error *err);

/* Read and parse a file; a missing or unreadable file is MG_E_USAGE with the path as source. */
int mg_toml_load(mg_toml_value **out, const char *path, mg_error *err);

/* Free a tree returned by mg_toml_parse/mg_toml_load; NULL is a no-op. */
void mg_toml_free(mg_toml_value *v);

/* Everything below borrows from the tree and accepts NULL (returning "absent"). */

enum mg_toml_type mg_toml_type(const mg_toml_value *v);
bool mg_toml_is(const mg_toml_value *v, enum mg_toml_type type);

/* 1-based position of the value (for a table: its header or first key). 0 for the root. */
unsigned long mg_toml_line(const mg_toml_value *v);
unsigned long mg_toml_column(const mg_toml_value *v);
enum mg_toml_origin mg_toml_origin(const mg_toml_value *v);

/* A table's value for one key (exact bytes), or NULL. */
const mg_toml_value *mg_toml_get(const mg_toml_value *table, const char *key);

/*
 * Walk nested tables: mg_toml_path(root, "workspace", "dependencies", "dhat", NULL).
 * NULL when any step is missing or not a table.
 */
const mg_toml_value *mg_toml_path(const mg_toml_value *table, ...);

/* Entries of a table or items of an array; 0 for anything else. */
size_t mg_toml_len(const mg_toml_value *v);
/* Item i of an array, or the value of entry i of a table (in document order). */
const mg_toml_value *mg_toml_at(const mg_toml_value *v, size_t i);
/* Key of entry i of a table (NUL-terminated; *len gets its length, keys may hold NUL). */
const char *mg_toml_key_at(const mg_toml_value *table, size_t i, size_t *len);

/* String (or date-time text) contents, NUL-terminated; NULL for other types. */
const char *mg_toml_string(const mg_toml_value *v, size_t *len);
/* Typed reads; return false (and leave *out alone) when v is not of that type. */
bool mg_toml_integer(const mg_toml_value *v, int64_t *out);
bool mg_toml_float(const mg_toml_value *v, double *out);
bool mg_toml_bool(const mg_toml_value *v, bool *out);

#endif
