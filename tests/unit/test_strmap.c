/* strmap: insert-or-find, lookups, growth past many keys, keys compared by length and bytes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "strmap.h"

static void upsert(mg_strmap *m, const char *key, size_t len, size_t value, size_t *got,
                   int *inserted)
{
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_strmap_upsert(m, key, len, value, got, inserted, &err), 0, "%s", err.msg);
}

Test(strmap, empty_map_finds_nothing)
{
    mg_strmap m;
    size_t v = 77;
    mg_strmap_init(&m);
    cr_expect_eq(mg_strmap_get(&m, "a", 1, &v), 0);
    cr_expect_eq(v, 77);
    cr_expect_eq(m.count, 0);
    mg_strmap_release(&m);
}

Test(strmap, upsert_inserts_once_then_finds)
{
    mg_strmap m;
    size_t v = 0;
    int ins = -1;
    mg_strmap_init(&m);
    upsert(&m, "malloc", 6, 10, &v, &ins);
    cr_expect_eq(ins, 1);
    cr_expect_eq(v, 10);
    /* a second upsert keeps the first value and reports it */
    upsert(&m, "malloc", 6, 99, &v, &ins);
    cr_expect_eq(ins, 0);
    cr_expect_eq(v, 10);
    cr_expect_eq(m.count, 1);
    v = 0;
    cr_expect_eq(mg_strmap_get(&m, "malloc", 6, &v), 1);
    cr_expect_eq(v, 10);
    cr_expect_eq(mg_strmap_get(&m, "calloc", 6, &v), 0);
    mg_strmap_release(&m);
}

Test(strmap, keys_are_copied)
{
    mg_strmap m;
    char key[8] = "abc";
    size_t v = 0;
    int ins;
    mg_strmap_init(&m);
    upsert(&m, key, 3, 1, &v, &ins);
    memcpy(key, "xyz", 4);
    cr_expect_eq(mg_strmap_get(&m, "abc", 3, &v), 1);
    cr_expect_eq(mg_strmap_get(&m, "xyz", 3, &v), 0);
    mg_strmap_release(&m);
}

Test(strmap, prefixes_and_length_make_different_keys)
{
    mg_strmap m;
    size_t v;
    int ins;
    mg_strmap_init(&m);
    upsert(&m, "ab", 2, 1, &v, &ins);
    upsert(&m, "abc", 3, 2, &v, &ins);
    upsert(&m, "a", 1, 3, &v, &ins);
    upsert(&m, "", 0, 4, &v, &ins);
    cr_expect_eq(ins, 1, "the empty key is a key too");
    cr_expect_eq(m.count, 4);
    cr_expect(mg_strmap_get(&m, "abcdef", 2, &v) && v == 1, "only len bytes are the key");
    cr_expect(mg_strmap_get(&m, "abc", 3, &v) && v == 2);
    cr_expect(mg_strmap_get(&m, "a", 1, &v) && v == 3);
    cr_expect(mg_strmap_get(&m, "", 0, &v) && v == 4);
    mg_strmap_release(&m);
}

/* Frame strings are raw bytes: Valgrind's Latin-1 paths, and "\u0000" decoded from JSON. */
Test(strmap, keys_with_high_and_nul_bytes)
{
    mg_strmap m;
    size_t v;
    int ins;
    mg_strmap_init(&m);
    upsert(&m, "caf\xE9", 4, 1, &v, &ins);
    upsert(&m, "caf\xC3\xA9", 5, 2, &v, &ins);
    upsert(&m, "a\0b", 3, 3, &v, &ins);
    upsert(&m, "a\0c", 3, 4, &v, &ins);
    upsert(&m, "a", 1, 5, &v, &ins);
    upsert(&m, "\xFF\xFE\x01", 3, 6, &v, &ins);
    cr_expect_eq(m.count, 6);
    cr_expect(mg_strmap_get(&m, "caf\xE9", 4, &v) && v == 1);
    cr_expect(mg_strmap_get(&m, "caf\xC3\xA9", 5, &v) && v == 2);
    cr_expect(mg_strmap_get(&m, "a\0b", 3, &v) && v == 3);
    cr_expect(mg_strmap_get(&m, "a\0c", 3, &v) && v == 4);
    cr_expect(mg_strmap_get(&m, "a", 1, &v) && v == 5);
    cr_expect(mg_strmap_get(&m, "\xFF\xFE\x01", 3, &v) && v == 6);
    cr_expect_not(mg_strmap_get(&m, "a\0d", 3, &v));
    mg_strmap_release(&m);
}

Test(strmap, grows_past_many_keys_and_keeps_every_value)
{
    enum { N = 20000 };
    mg_strmap m;
    char key[32];
    size_t i, v;
    int ins;
    mg_strmap_init(&m);
    for (i = 0; i < N; i++) {
        int n = snprintf(key, sizeof(key), "fn_%zu", i);
        upsert(&m, key, (size_t)n, i * 3, &v, &ins);
        cr_assert_eq(ins, 1, "key %s inserted twice", key);
    }
    cr_expect_eq(m.count, N);
    cr_expect_geq(m.cap * 3, m.count * 4, "load factor stays at most 3/4");
    cr_expect_eq(m.cap & (m.cap - 1), 0, "capacity is a power of two");
    for (i = 0; i < N; i++) {
        int n = snprintf(key, sizeof(key), "fn_%zu", i);
        cr_assert(mg_strmap_get(&m, key, (size_t)n, &v), "lost %s", key);
        cr_assert_eq(v, i * 3, "wrong value for %s", key);
    }
    /* upserting an existing key after growth finds it, does not duplicate it */
    upsert(&m, "fn_12345", 8, 0, &v, &ins);
    cr_expect_eq(ins, 0);
    cr_expect_eq(v, 12345 * 3);
    cr_expect_eq(m.count, N);
    cr_expect_not(mg_strmap_get(&m, "fn_20000", 8, &v));
    mg_strmap_release(&m);
}

Test(strmap, release_resets_and_the_map_is_reusable)
{
    mg_strmap m;
    size_t v;
    int ins;
    mg_strmap_init(&m);
    upsert(&m, "x", 1, 1, &v, &ins);
    mg_strmap_release(&m);
    cr_expect_eq(m.count, 0);
    cr_expect_eq(m.cap, 0);
    cr_expect_null(m.slots);
    cr_expect_not(mg_strmap_get(&m, "x", 1, &v));
    upsert(&m, "x", 1, 2, &v, &ins);
    cr_expect_eq(ins, 1);
    mg_strmap_release(&m);
    mg_strmap_release(&m);
    mg_strmap_release(NULL);
}
