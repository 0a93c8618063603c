/* TOML documents: keys, tables, arrays of tables, arrays and inline tables (see toml.h). */
#include "comply/toml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comply/toml_int.h"
#include "utf8.h"

/* ---- input validation ---- */

/* TOML is UTF-8 without NUL; checking once up front lets the parser trust every byte. */
static int validate_utf8(toml_parser *p)
{
    while (p->pos < p->len) {
        const unsigned char *s = (const unsigned char *)p->s + p->pos;
        size_t n = mg_utf8_seq_len(s, p->len - p->pos);
        if (n == 0)
            return toml_fail(p, "invalid UTF-8 (byte 0x%02X)", s[0]);
        if (s[0] == 0)
            return toml_fail(p, "NUL character in the document");
        while (n--)
            toml_advance(p);
    }
    p->pos = 0;
    p->line = p->col = 1;
    return 0;
}

/* ---- white space, comments, newlines ---- */

static void skip_blanks(toml_parser *p)
{
    while (toml_peek(p) == ' ' || toml_peek(p) == '\t')
        toml_advance(p);
}

static bool at_newline(const toml_parser *p)
{
    return toml_peek(p) == '\n' || (toml_peek(p) == '\r' && toml_peek_at(p, 1) == '\n');
}

static void skip_newline(toml_parser *p)
{
    if (toml_peek(p) == '\r')
        toml_advance(p);
    toml_advance(p);
}

static int skip_comment(toml_parser *p)
{
    if (toml_peek(p) != '#')
        return 0;
    for (toml_advance(p); p->pos < p->len && !at_newline(p); toml_advance(p)) {
        unsigned char c = (unsigned char)toml_peek(p);
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return toml_fail(p, "control character U+%04X is not allowed in a comment", c);
    }
    return 0;
}

/* Blanks, comments and newlines, as allowed between array items. */
static int skip_space(toml_parser *p)
{
    for (;;) {
        skip_blanks(p);
        if (skip_comment(p) < 0)
            return -(int)p->err->code;
        if (!at_newline(p))
            return 0;
        skip_newline(p);
    }
}

/* After a statement: blanks, an optional comment, then a newline or the end. */
static int end_of_line(toml_parser *p, const char *after)
{
    char what[32];

    skip_blanks(p);
    if (skip_comment(p) < 0)
        return -(int)p->err->code;
    if (p->pos >= p->len)
        return 0;
    if (!at_newline(p))
        return toml_fail(p, "expected the end of the line after %s, found %s", after,
                         toml_describe(p, what, sizeof(what)));
    skip_newline(p);
    return 0;
}

/* ---- keys ---- */

typedef struct key_part {
    char *s; /* owned */
    size_t len;
    unsigned long line, col;
} key_part;

/* Keys longer than this many dotted parts are refused (keeps key_path small on the stack). */
#define TOML_MAX_KEY_PARTS 32

typedef struct key_path {
    key_part part[TOML_MAX_KEY_PARTS];
    size_t n;
} key_path;

static void key_path_release(key_path *k)
{
    while (k->n)
        free(k->part[--k->n].s);
}

/* "a.b.c" for messages: the first upto parts (bytes after a NUL are not shown). */
static const char *key_display(const key_path *k, size_t upto, char *buf, size_t size)
{
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < upto && used + 1 < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? "." : "", k->part[i].s);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}

static bool is_bare_key_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static int read_key_part(toml_parser *p, key_part *part)
{
    char what[32];
    mg_buf buf;
    char c = toml_peek(p);

    part->line = p->line;
    part->col = p->col;
    mg_buf_init(&buf, MG_TOML_MAX_BYTES);
    if (c == '"' || c == '\'') {
        if (toml_read_string(p, false, &buf) < 0) {
            mg_buf_release(&buf);
            return -(int)p->err->code;
        }
    } else if (is_bare_key_char(c)) {
        size_t start = p->pos;
        while (is_bare_key_char(toml_peek(p)))
            toml_advance(p);
        if (mg_buf_append(&buf, p->s + start, p->pos - start, p->err) < 0) {
            mg_buf_release(&buf);
            return -(int)p->err->code;
        }
    } else {
        return toml_fail(p, "expected a key, found %s", toml_describe(p, what, sizeof(what)));
    }
    part->s = buf.data; /* taken over from the buffer */
    part->len = buf.len;
    return 0;
}

/* A simple or dotted key; blanks are allowed around the dots. */
static int read_key(toml_parser *p, key_path *k)
{
    for (;;) {
        skip_blanks(p);
        if (k->n == TOML_MAX_KEY_PARTS)
            return toml_fail(p, "key has more than %d dotted parts", TOML_MAX_KEY_PARTS);
        if (read_key_part(p, &k->part[k->n]) < 0)
            return -(int)p->err->code;
        k->n++;
        skip_blanks(p);
        if (toml_peek(p) != '.')
            return 0;
        toml_advance(p);
    }
}

/* ---- values ---- */

static int read_value(toml_parser *p, mg_toml_value **out);
static int read_keyval(toml_parser *p, mg_toml_value *table);

static const char *type_name(const mg_toml_value *v)
{
    switch (v->type) {
    case MG_TOML_TABLE:
        return "a table";
    case MG_TOML_ARRAY:
        return v->aot ? "an array of tables" : "an array";
    default:
        return "a value";
    }
}

/* What an existing key holds, for "it is already ..." messages. */
static const char *holds(const mg_toml_value *v)
{
    if (v->type != MG_TOML_TABLE)
        return type_name(v);
    switch (v->origin) {
    case MG_TOML_INLINE:
        return "an inline table";
    case MG_TOML_DOTTED:
        return "a table defined by dotted keys";
    default:
        return "a table defined by a [header]";
    }
}

static int read_string_value(toml_parser *p, mg_toml_value **out)
{
    mg_buf buf;

    *out = toml_value_new(MG_TOML_STRING, p->line, p->col);
    if (!*out)
        return mg_error_set(p->err, MG_E_NOMEM, "out of memory");
    mg_buf_init(&buf, MG_TOML_MAX_BYTES);
    if (toml_read_string(p, true, &buf) < 0) {
        mg_buf_release(&buf);
        return -(int)p->err->code;
    }
    (*out)->u.str.ptr = buf.data;
    (*out)->u.str.len = buf.len;
    return 0;
}

static int read_array(toml_parser *p, mg_toml_value **out)
{
    char what[32];

    *out = toml_value_new(MG_TOML_ARRAY, p->line, p->col);
    if (!*out)
        return mg_error_set(p->err, MG_E_NOMEM, "out of memory");
    toml_advance(p); /* [ */
    for (;;) {
        mg_toml_value *item = NULL;
        if (skip_space(p) < 0)
            return -(int)p->err->code;
        if (toml_peek(p) == ']')
            break;
        if (read_value(p, &item) < 0) {
            mg_toml_free(item);
            return -(int)p->err->code;
        }
        if (toml_array_push(*out, item, p->err) < 0 || skip_space(p) < 0)
            return -(int)p->err->code;
        if (toml_peek(p) == ']')
            break;
        if (toml_peek(p) != ',')
            return toml_fail(p, "expected ',' or ']' in an array, found %s",
                             toml_describe(p, what, sizeof(what)));
        toml_advance(p);
    }
    toml_advance(p); /* ] */
    return 0;
}

/*
 * { k = v, ... }. TOML 1.0 wants it on one line without a trailing comma;
 * Cargo's parser also takes TOML 1.1's newlines, comments and trailing comma,
 * so this does too.
 */
static int read_inline_table(toml_parser *p, mg_toml_value **out)
{
    char what[32];

    *out = toml_value_new(MG_TOML_TABLE, p->line, p->col);
    if (!*out)
        return mg_error_set(p->err, MG_E_NOMEM, "out of memory");
    (*out)->origin = MG_TOML_INLINE;
    toml_advance(p); /* { */
    for (;;) {
        if (skip_space(p) < 0)
            return -(int)p->err->code;
        if (toml_peek(p) == '}')
            break;
        if (read_keyval(p, *out) < 0 || skip_space(p) < 0)
            return -(int)p->err->code;
        if (toml_peek(p) == '}')
            break;
        if (toml_peek(p) != ',')
            return toml_fail(p, "expected ',' or '}' in an inline table, found %s",
                             toml_describe(p, what, sizeof(what)));
        toml_advance(p);
    }
    toml_advance(p); /* } */
    return 0;
}

/* On failure *out may hold a partial value; the caller frees it. */
static int read_value(toml_parser *p, mg_toml_value **out)
{
    char c = toml_peek(p);
    int rc;

    *out = NULL;
    if (c == '"' || c == '\'')
        return read_string_value(p, out);
    if (c != '[' && c != '{')
        return toml_read_scalar(p, out);
    if (p->depth == TOML_MAX_DEPTH)
        return toml_fail(p, "arrays and inline tables nested more than %d deep", TOML_MAX_DEPTH);
    p->depth++;
    rc = c == '[' ? read_array(p, out) : read_inline_table(p, out);
    p->depth--;
    return rc;
}

/* ---- placing keys ---- */

static int add_table(toml_parser *p, mg_toml_value *parent, const key_part *part,
                     enum mg_toml_origin origin, mg_toml_value **out)
{
    mg_toml_value *t = toml_value_new(MG_TOML_TABLE, part->line, part->col);
    if (!t)
        return mg_error_set(p->err, MG_E_NOMEM, "out of memory");
    t->origin = origin;
    *out = t;
    return toml_table_add(parent, part->s, part->len, t, p->err);
}

/*
 * Descend through the dotted key's leading parts from table, creating the
 * missing ones. A dotted key may only extend tables that dotted keys created
 * in this same table: not a [header] table, an inline table or an array.
 */
static int walk_dotted(toml_parser *p, mg_toml_value *table, const key_path *k, mg_toml_value **out)
{
    char name[160];
    size_t i;

    for (i = 0; i + 1 < k->n; i++) {
        const key_part *part = &k->part[i];
        mg_toml_entry *e = toml_table_find(table, part->s, part->len);
        if (!e) {
            if (add_table(p, table, part, MG_TOML_DOTTED, &table) < 0)
                return -(int)p->err->code;
            continue;
        }
        if (e->value->type != MG_TOML_TABLE || e->value->origin != MG_TOML_DOTTED)
            return toml_fail_at(p, part->line, part->col,
                                "cannot add to '%s' with a dotted key: it is already %s",
                                key_display(k, i + 1, name, sizeof(name)), holds(e->value));
        table = e->value;
    }
    *out = table;
    return 0;
}

static int read_keyval(toml_parser *p, mg_toml_value *table)
{
    key_path k = {.n = 0};
    mg_toml_value *value = NULL;
    const key_part *last;
    char what[32], name[160];
    int rc;

    if ((rc = read_key(p, &k)) < 0)
        goto done;
    if (toml_peek(p) != '=') {
        rc = toml_fail(p, "expected '=' after the key, found %s",
                       toml_describe(p, what, sizeof(what)));
        goto done;
    }
    toml_advance(p);
    skip_blanks(p);
    if ((rc = read_value(p, &value)) < 0 || (rc = walk_dotted(p, table, &k, &table)) < 0)
        goto done;
    last = &k.part[k.n - 1];
    if (toml_table_find(table, last->s, last->len)) {
        rc = toml_fail_at(p, last->line, last->col, "duplicate key '%s'",
                          key_display(&k, k.n, name, sizeof(name)));
        goto done;
    }
    rc = toml_table_add(table, last->s, last->len, value, p->err);
    value = NULL; /* taken over */
done:
    mg_toml_free(value);
    key_path_release(&k);
    return rc;
}

/* ---- table headers ---- */

/* [a.b.c]: the parent of the last part, creating implicit tables on the way. */
static int walk_header(toml_parser *p, mg_toml_value *root, const key_path *k, mg_toml_value **out)
{
    char name[160];
    mg_toml_value *t = root;
    size_t i;

    for (i = 0; i + 1 < k->n; i++) {
        const key_part *part = &k->part[i];
        mg_toml_entry *e = toml_table_find(t, part->s, part->len);
        mg_toml_value *v = e ? e->value : NULL;
        if (!v) {
            if (add_table(p, t, part, MG_TOML_IMPLICIT, &t) < 0)
                return -(int)p->err->code;
            continue;
        }
        if (v->type == MG_TOML_ARRAY && v->aot) /* the most recent [[...]] element */
            v = v->u.arr.items[v->u.arr.len - 1];
        if (v->type != MG_TOML_TABLE || v->origin == MG_TOML_INLINE)
            return toml_fail_at(p, part->line, part->col,
                                "cannot define a table under '%s': it is already %s",
                                key_display(k, i + 1, name, sizeof(name)), holds(v));
        t = v;
    }
    *out = t;
    return 0;
}

/* [a.b]: define the table, or adopt one that an earlier header created implicitly. */
static int define_table(toml_parser *p, mg_toml_value *parent, const key_path *k,
                        unsigned long line, unsigned long col, mg_toml_value **out)
{
    char name[160];
    const key_part *last = &k->part[k->n - 1];
    mg_toml_entry *e = toml_table_find(parent, last->s, last->len);

    if (!e) {
        if (add_table(p, parent, last, MG_TOML_HEADER, out) < 0)
            return -(int)p->err->code;
    } else if (e->value->type == MG_TOML_TABLE && e->value->origin == MG_TOML_IMPLICIT) {
        *out = e->value;
        e->value->origin = MG_TOML_HEADER;
    } else {
        key_display(k, k->n, name, sizeof(name));
        if (e->value->type == MG_TOML_TABLE && e->value->origin == MG_TOML_HEADER)
            return toml_fail_at(p, line, col, "table '%s' is defined twice", name);
        return toml_fail_at(p, line, col, "cannot define table '%s': it is already %s", name,
                            holds(e->value));
    }
    (*out)->line = line;
    (*out)->column = col;
    return 0;
}

/* [[a.b]]: append a new table to the array of tables, creating the array. */
static int append_table(toml_parser *p, mg_toml_value *parent, const key_path *k,
                        unsigned long line, unsigned long col, mg_toml_value **out)
{
    char name[160];
    const key_part *last = &k->part[k->n - 1];
    mg_toml_entry *e = toml_table_find(parent, last->s, last->len);
    mg_toml_value *array, *t;

    if (e && !(e->value->type == MG_TOML_ARRAY && e->value->aot))
        return toml_fail_at(p, line, col, "cannot append to '%s' with [[...]]: it is already %s",
                            key_display(k, k->n, name, sizeof(name)), holds(e->value));
    if (e) {
        array = e->value;
    } else {
        array = toml_value_new(MG_TOML_ARRAY, line, col);
        if (!array)
            return mg_error_set(p->err, MG_E_NOMEM, "out of memory");
        array->aot = true;
        if (toml_table_add(parent, last->s, last->len, array, p->err) < 0)
            return -(int)p->err->code;
    }
    t = toml_value_new(MG_TOML_TABLE, line, col);
    if (!t)
        return mg_error_set(p->err, MG_E_NOMEM, "out of memory");
    t->origin = MG_TOML_HEADER;
    *out = t;
    return toml_array_push(array, t, p->err);
}

static int read_header(toml_parser *p, mg_toml_value *root, mg_toml_value **current)
{
    key_path k = {.n = 0};
    unsigned long line = p->line, col = p->col;
    bool aot = toml_peek_at(p, 1) == '[';
    mg_toml_value *parent = NULL;
    char what[32];
    int rc;

    toml_advance(p);
    if (aot)
        toml_advance(p);
    if ((rc = read_key(p, &k)) < 0)
        goto done;
    if (toml_peek(p) != ']' || (aot && toml_peek_at(p, 1) != ']')) {
        rc = toml_fail(p, "expected '%s' to close the table header, found %s", aot ? "]]" : "]",
                       toml_describe(p, what, sizeof(what)));
        goto done;
    }
    toml_advance(p);
    if (aot)
        toml_advance(p);
    if ((rc = walk_header(p, root, &k, &parent)) < 0)
        goto done;
    rc = aot ? append_table(p, parent, &k, line, col, current)
             : define_table(p, parent, &k, line, col, current);
done:
    key_path_release(&k);
    return rc;
}

/* ---- documents ---- */

static int read_document(toml_parser *p, mg_toml_value *root)
{
    mg_toml_value *current = root;

    /* A byte order mark is not part of the document (nor of column counts). */
    if (p->len >= 3 && memcmp(p->s, "\xEF\xBB\xBF", 3) == 0) {
        p->pos = 3;
        p->col = 1;
    }
    for (;;) {
        skip_blanks(p);
        if (p->pos >= p->len)
            return 0;
        if (toml_peek(p) == '#' || at_newline(p)) {
            if (end_of_line(p, "a comment") < 0)
                return -(int)p->err->code;
        } else if (toml_peek(p) == '[') {
            if (read_header(p, root, &current) < 0 || end_of_line(p, "the table header") < 0)
                return -(int)p->err->code;
        } else if (read_keyval(p, current) < 0 || end_of_line(p, "the value") < 0) {
            return -(int)p->err->code;
        }
    }
}

int mg_toml_parse(mg_toml_value **out, const char *text, size_t len, const char *source,
                  mg_error *err)
{
    toml_parser p = {.s = text, .len = len, .line = 1, .col = 1, .source = source, .err = err};
    mg_toml_value *root = NULL;
    mg_error local;

    *out = NULL;
    if (!err) { /* the parser reads err->code, so give it somewhere to write */
        mg_error_init(&local);
        p.err = &local;
    }
    if (len > MG_TOML_MAX_BYTES)
        return mg_error_set_at(p.err, MG_E_USAGE, source, 0, 0,
                               "larger than the limit of %zu MiB for a manifest",
                               MG_TOML_MAX_BYTES >> 20);
    if (validate_utf8(&p) < 0)
        return -(int)p.err->code;
    root = toml_value_new(MG_TOML_TABLE, 0, 0);
    if (!root)
        return mg_error_set(p.err, MG_E_NOMEM, "out of memory");
    if (read_document(&p, root) < 0) {
        mg_toml_free(root);
        return -(int)p.err->code;
    }
    *out = root;
    return 0;
}

int mg_toml_load(mg_toml_value **out, const char *path, mg_error *err)
{
    mg_buf buf;
    mg_error local;
    int rc;

    *out = NULL;
    mg_buf_init(&buf, MG_TOML_MAX_BYTES);
    mg_error_init(&local);
    if (mg_buf_read_file(&buf, path, &local) < 0) {
        /* A manifest is configuration: an unreadable one is a usage problem (exit 2). */
        rc = mg_error_set_at(err, local.code == MG_E_NOMEM ? MG_E_NOMEM : MG_E_USAGE, local.source,
                             local.line, local.column, "%s", local.msg);
        goto done;
    }
    rc = mg_toml_parse(out, buf.data ? buf.data : "", buf.len, path, err);
done:
    mg_buf_release(&buf);
    return rc;
}
