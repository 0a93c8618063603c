/* Private to toml*.c: the tree's layout and the parser state shared by its files. */
#ifndef MEMGATE_COMPLY_TOML_INT_H
#define MEMGATE_COMPLY_TOML_INT_H

#include "comply/toml.h"
#include "memgate/buf.h"
#include "strmap.h"

typedef struct mg_toml_entry {
    char *key; /* owned, NUL-terminated; may hold NUL bytes (quoted keys with \u0000) */
    size_t key_len;
    mg_toml_value *value; /* owned */
} mg_toml_entry;

struct mg_toml_value {
    enum mg_toml_type type;
    enum mg_toml_origin origin; /* tables only */
    bool aot;                   /* arrays only: built by [[...]], so [[...]] may append */
    unsigned long line, column;
    union {
        struct {
            char *ptr; /* owned, NUL-terminated */
            size_t len;
        } str; /* MG_TOML_STRING and MG_TOML_DATETIME */
        int64_t i;
        double f;
        bool b;
        struct {
            mg_toml_value **items;
            size_t len, cap;
        } arr;
        struct {
            mg_toml_entry *ents; /* document order */
            size_t len, cap;
            mg_strmap index; /* key -> entry index; built once the table is large */
        } tbl;
    } u;
};

/* Tables with more entries than this get a hash index instead of a linear scan. */
#define TOML_INDEX_AFTER 16
/* Arrays and inline tables nested deeper than this are refused (recursion bound). */
#define TOML_MAX_DEPTH 128

typedef struct toml_parser {
    const char *s; /* the document; validated UTF-8 without NUL bytes */
    size_t len;
    size_t pos;
    unsigned long line, col; /* of s[pos], 1-based; col counts characters */
    const char *source;
    mg_error *err;
    unsigned depth;
} toml_parser;

/* toml_value.c: building the tree. */
mg_toml_value *toml_value_new(enum mg_toml_type type, unsigned long line, unsigned long col);
/* Find key in table; returns the entry or NULL. */
mg_toml_entry *toml_table_find(const mg_toml_value *table, const char *key, size_t len);
/* Add key (copied) -> value (taken over, also on failure). The key must be absent. */
int toml_table_add(mg_toml_value *table, const char *key, size_t len, mg_toml_value *value,
                   mg_error *err);
/* Append value (taken over, also on failure). */
int toml_array_push(mg_toml_value *array, mg_toml_value *value, mg_error *err);

/* toml_cursor.c: the cursor, used by the structure (toml.c) and the scalar readers. */
char toml_peek(const toml_parser *p);
char toml_peek_at(const toml_parser *p, size_t ahead);
void toml_advance(toml_parser *p);
/* Raise MG_E_USAGE at the cursor (or at line/col) and return its negative code. */
int toml_fail(toml_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int toml_fail_at(toml_parser *p, unsigned long line, unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* What the cursor sees, for "found ..." in messages: "'x'", "end of line", "end of file". */
const char *toml_describe(const toml_parser *p, char *buf, size_t size);

/* toml_scalar.c: strings, numbers, booleans and dates. */
/*
 * A string at the cursor (', ", ''' or """). Multi-line forms only when
 * allow_multiline (keys are single-line). The contents go into out (bytes,
 * NUL-terminated, may hold NUL from \u0000).
 */
int toml_read_string(toml_parser *p, bool allow_multiline, mg_buf *out);
/* Any non-string, non-array, non-table value at the cursor into a new value. */
int toml_read_scalar(toml_parser *p, mg_toml_value **out);

#endif
