/* String-keyed hash map (keyed SipHash-1-3, linear probing); groups hotspots and frames. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/*
 * Keys come from untrusted profiles (frame names). An unkeyed hash such as
 * FNV-1a lets a file pick names that all share one probe chain, which makes
 * reading it quadratic (2^20 such frames: about 25 minutes). SipHash with a
 * secret per-map key, as Python and Rust use for their dicts, takes that away.
 * Iteration order is never exposed, so the random key does not change output.
 */
#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3)                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = ROTL(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = ROTL(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = ROTL(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = ROTL(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = ROTL(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = ROTL(v2, 32);                                                                         \
    } while (0)

static uint64_t load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;
    for (i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* SipHash-1-3: one compression round per 8-byte word, three finalisation rounds. */
static uint64_t siphash13(const mg_strmap *m, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t v0 = m->k0 ^ 0x736f6d6570736575ULL, v1 = m->k1 ^ 0x646f72616e646f6dULL;
    uint64_t v2 = m->k0 ^ 0x6c7967656e657261ULL, v3 = m->k1 ^ 0x7465646279746573ULL;
    uint64_t b = (uint64_t)len << 56, w;
    size_t i, tail = len & 7;

    for (i = 0; i + 8 <= len; i += 8) {
        w = load_le64(p + i);
        v3 ^= w;
        SIPROUND(v0, v1, v2, v3);
        v0 ^= w;
    }
    for (w = 0; tail > 0; tail--)
        w |= (uint64_t)p[i + tail - 1] << (8 * (tail - 1));
    b |= w;
    v3 ^= b;
    SIPROUND(v0, v1, v2, v3);
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t mg_strmap_hash(const mg_strmap *m, const void *data, size_t len)
{
    return siphash13(m, data, len);
}

void mg_strmap_init(mg_strmap *m)
{
    uint64_t key[2];
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
    if (getrandom(key, sizeof(key), GRND_NONBLOCK) != (ssize_t)sizeof(key)) {
        /* no entropy this early in boot: still unpredictable from inside a file */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        key[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)m;
        key[1] = (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&ts;
    }
    m->k0 = key[0];
    m->k1 = key[1];
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
    uint64_t h = siphash13(m, key, len);
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
    e = probe(m, key, len, siphash13(m, key, len));
    if (!e->key)
        return 0;
    *value_out = e->value;
    return 1;
}
