/* Private: a string-keyed open-addressing hash map to small integer values. */
#ifndef MEMGATE_STRMAP_H
#define MEMGATE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "memgate/error.h"

typedef struct mg_strmap_entry {
    char *key; /* owned copy plus a NUL; compared by length, so any byte (NUL too) may occur */
    size_t key_len;
    uint64_t hash;
    size_t value;
} mg_strmap_entry;

typedef struct mg_strmap {
    uint64_t k0, k1; /* random hash key: a hostile file cannot predict collisions */
    mg_strmap_entry *slots;
    size_t cap; /* power of two */
    size_t count;
} mg_strmap;

void mg_strmap_init(mg_strmap *m);
void mg_strmap_release(mg_strmap *m);

/*
 * Find key; when absent insert it with value `value_if_new`. *value_out gets
 * the stored value, *inserted tells which happened.
 */
int mg_strmap_upsert(mg_strmap *m, const char *key, size_t len, size_t value_if_new,
                     size_t *value_out, int *inserted, mg_error *err);

/* Returns 1 and the value when found, 0 when absent. */
int mg_strmap_get(const mg_strmap *m, const char *key, size_t len, size_t *value_out);

/* The map's keyed hash of any bytes, for other tables that must resist crafted collisions. */
uint64_t mg_strmap_hash(const mg_strmap *m, const void *data, size_t len);

#endif
