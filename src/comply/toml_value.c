/* The TOML tree: construction for the parser, read-only accessors for everyone else. */
#include "comply/toml.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "comply/toml_int.h"

mg_toml_value *toml_value_new(enum mg_toml_type type, unsigned long line, unsigned long col)
{
    mg_toml_value *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    v->type = type;
    v->origin = MG_TOML_ROOT;
    v->line = line;
    v->column = col;
    if (type == MG_TOML_TABLE)
        mg_strmap_init(&v->u.tbl.index);
    return v;
}

void mg_toml_free(mg_toml_value *v)
{
    size_t i;

    if (!v)
        return;
    switch (v->type) {
    case MG_TOML_STRING:
    case MG_TOML_DATETIME:
        free(v->u.str.ptr);
        break;
    case MG_TOML_ARRAY:
        for (i = 0; i < v->u.arr.len; i++)
            mg_toml_free(v->u.arr.items[i]);
        free(v->u.arr.items);
        break;
    case MG_TOML_TABLE:
        for (i = 0; i < v->u.tbl.len; i++) {
            free(v->u.tbl.ents[i].key);
            mg_toml_free(v->u.tbl.ents[i].value);
        }
        free(v->u.tbl.ents);
        mg_strmap_release(&v->u.tbl.index);
        break;
    default:
        break;
    }
    free(v);
}

mg_toml_entry *toml_table_find(const mg_toml_value *table, const char *key, size_t len)
{
    size_t i;

    if (!table || table->type != MG_TOML_TABLE)
        return NULL;
    if (table->u.tbl.index.count) {
        size_t at;
        if (!mg_strmap_get(&table->u.tbl.index, key, len, &at))
            return NULL;
        return &table->u.tbl.ents[at];
    }
    for (i = 0; i < table->u.tbl.len; i++) {
        mg_toml_entry *e = &table->u.tbl.ents[i];
        if (e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
    }
    return NULL;
}

/* Index every entry once the table outgrows a linear scan (a huge table stays O(n)). */
static int index_entry(mg_toml_value *table, size_t at, mg_error *err)
{
    size_t stored;
    int inserted;
    const mg_toml_entry *e = &table->u.tbl.ents[at];
    return mg_strmap_upsert(&table->u.tbl.index, e->key, e->key_len, at, &stored, &inserted, err);
}

static int grow_entries(mg_toml_value *table, mg_error *err)
{
    size_t ncap = table->u.tbl.cap ? table->u.tbl.cap * 2 : 8;
    mg_toml_entry *n;

    if (ncap > SIZE_MAX / sizeof(*n))
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    n = realloc(table->u.tbl.ents, ncap * sizeof(*n));
    if (!n)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    table->u.tbl.ents = n;
    table->u.tbl.cap = ncap;
    return 0;
}

/* The caller has checked the key is new: TOML forbids duplicates, and the parser reports them. */
int toml_table_add(mg_toml_value *table, const char *key, size_t len, mg_toml_value *value,
                   mg_error *err)
{
    mg_toml_entry *e;
    char *copy = NULL;
    size_t i;

    if (table->u.tbl.len == table->u.tbl.cap && grow_entries(table, err) < 0)
        goto fail;
    copy = malloc(len + 1);
    if (!copy) {
        mg_error_set(err, MG_E_NOMEM, "out of memory");
        goto fail;
    }
    memcpy(copy, key, len);
    copy[len] = '\0';
    e = &table->u.tbl.ents[table->u.tbl.len++];
    e->key = copy;
    e->key_len = len;
    e->value = value;
    if (table->u.tbl.index.count) {
        if (index_entry(table, table->u.tbl.len - 1, err) < 0)
            return -(int)err->code;
    } else if (table->u.tbl.len > TOML_INDEX_AFTER) {
        for (i = 0; i < table->u.tbl.len; i++)
            if (index_entry(table, i, err) < 0)
                return -(int)err->code;
    }
    return 0;
fail:
    mg_toml_free(value);
    return -(int)(err ? err->code : MG_E_NOMEM);
}

int toml_array_push(mg_toml_value *array, mg_toml_value *value, mg_error *err)
{
    if (array->u.arr.len == array->u.arr.cap) {
        size_t ncap = array->u.arr.cap ? array->u.arr.cap * 2 : 4;
        mg_toml_value **n = NULL;
        if (ncap <= SIZE_MAX / sizeof(*n))
            n = realloc(array->u.arr.items, ncap * sizeof(*n));
        if (!n) {
            mg_toml_free(value);
            return mg_error_set(err, MG_E_NOMEM, "out of memory");
        }
        array->u.arr.items = n;
        array->u.arr.cap = ncap;
    }
    array->u.arr.items[array->u.arr.len++] = value;
    return 0;
}

enum mg_toml_type mg_toml_type(const mg_toml_value *v)
{
    return v ? v->type : MG_TOML_NONE;
}

bool mg_toml_is(const mg_toml_value *v, enum mg_toml_type type)
{
    return v && v->type == type;
}

unsigned long mg_toml_line(const mg_toml_value *v)
{
    return v ? v->line : 0;
}

unsigned long mg_toml_column(const mg_toml_value *v)
{
    return v ? v->column : 0;
}

enum mg_toml_origin mg_toml_origin(const mg_toml_value *v)
{
    return v && v->type == MG_TOML_TABLE ? v->origin : MG_TOML_ROOT;
}

const mg_toml_value *mg_toml_get(const mg_toml_value *table, const char *key)
{
    const mg_toml_entry *e = toml_table_find(table, key, strlen(key));
    return e ? e->value : NULL;
}

const mg_toml_value *mg_toml_path(const mg_toml_value *table, ...)
{
    va_list ap;
    const char *key;
    const mg_toml_value *v = table;

    va_start(ap, table);
    while (v && (key = va_arg(ap, const char *)) != NULL)
        v = mg_toml_is(v, MG_TOML_TABLE) ? mg_toml_get(v, key) : NULL;
    va_end(ap);
    return v;
}

size_t mg_toml_len(const mg_toml_value *v)
{
    if (mg_toml_is(v, MG_TOML_ARRAY))
        return v->u.arr.len;
    if (mg_toml_is(v, MG_TOML_TABLE))
        return v->u.tbl.len;
    return 0;
}

const mg_toml_value *mg_toml_at(const mg_toml_value *v, size_t i)
{
    if (i >= mg_toml_len(v))
        return NULL;
    return v->type == MG_TOML_ARRAY ? v->u.arr.items[i] : v->u.tbl.ents[i].value;
}

const char *mg_toml_key_at(const mg_toml_value *table, size_t i, size_t *len)
{
    if (!mg_toml_is(table, MG_TOML_TABLE) || i >= table->u.tbl.len)
        return NULL;
    if (len)
        *len = table->u.tbl.ents[i].key_len;
    return table->u.tbl.ents[i].key;
}

const char *mg_toml_string(const mg_toml_value *v, size_t *len)
{
    if (!v || (v->type != MG_TOML_STRING && v->type != MG_TOML_DATETIME))
        return NULL;
    if (len)
        *len = v->u.str.len;
    return v->u.str.ptr;
}

bool mg_toml_integer(const mg_toml_value *v, int64_t *out)
{
    if (!mg_toml_is(v, MG_TOML_INTEGER))
        return false;
    *out = v->u.i;
    return true;
}

bool mg_toml_float(const mg_toml_value *v, double *out)
{
    if (!mg_toml_is(v, MG_TOML_FLOAT))
        return false;
    *out = v->u.f;
    return true;
}

bool mg_toml_bool(const mg_toml_value *v, bool *out)
{
    if (!mg_toml_is(v, MG_TOML_BOOL))
        return false;
    *out = v->u.b;
    return true;
}
