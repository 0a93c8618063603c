/* String-keyed hash map (FNV-1a, linear probing); used to group hotspots and frames. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void mg_strmap_init(mg_strmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
}

void mg_strmap_release(mg_strmap *m)
{
    size_t i;
    if (!m)
        return;
    for (i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    mg_strmap_init(m);
}

static mg_strmap_entry *probe(const mg_strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1);
    for (;;) {
        mg_strmap_entry *e = &m->slots[i];
        if (!e->key || (e->hash == h && e->key_len == len && memcmp(e->key, key, len) == 0))
            return e;
        i = (i + 1) & (m->cap - 1);
    }
}

static int grow(mg_strmap *m, mg_error *err)
{
    size_t ncap = m->cap ? m->cap * 2 : 64, i;
    mg_strmap old = *m;
    mg_strmap_entry *slots = calloc(ncap, sizeof(*slots));
    if (!slots)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    m->slots = slots;
    m->cap = ncap;
    for (i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            *probe(m, old.slots[i].key, old.slots[i].key_len, old.slots[i].hash) = old.slots[i];
    free(old.slots);
    return 0;
}

int mg_strmap_upsert(mg_strmap *m, const char *key, size_t len, size_t value_if_new,
                     size_t *value_out, int *inserted, mg_error *err)
{
    uint64_t h = fnv1a(key, len);
    mg_strmap_entry *e;

    if ((m->count + 1) * 4 > m->cap * 3 && grow(m, err) < 0)
        return -err->code;
    e = probe(m, key, len, h);
    if (e->key) {
        *value_out = e->value;
        *inserted = 0;
        return 0;
    }
    e->key = malloc(len + 1);
    if (!e->key)
        return mg_error_set(err, MG_E_NOMEM, "out of memory");
    memcpy(e->key, key, len);
    e->key[len] = '\0';
    e->key_len = len;
    e->hash = h;
    e->value = value_if_new;
    m->count++;
    *value_out = value_if_new;
    *inserted = 1;
    return 0;
}

int mg_strmap_get(const mg_strmap *m, const char *key, size_t len, size_t *value_out)
{
    mg_strmap_entry *e;
    if (!m->cap)
        return 0;
    e = probe(m, key, len, fnv1a(key, len));
    if (!e->key)
        return 0;
    *value_out = e->value;
    return 1;
}
