/* strmap: lookups stay fast on keys crafted to collide (hash flooding from a hostile profile). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "strmap.h"

/*
 * Each pair of 6-byte blocks drives unseeded FNV-1a from the same state to the
 * same low 32 bits, and the low bits of FNV-1a never depend on higher ones: so
 * "f" followed by any choice of one block per pair gives 2^16 keys that all
 * land in one probe chain of a table indexed by the low bits of FNV-1a. A dhat
 * frame table of such names (7 MB) took 6 s to read with that hash, 2^20 of
 * them about 25 minutes.
 */
static const char *const pairs[][2] = {
    {"ek2g4o", "ctc4hn"}, {"rl9ov2", "wg60hj"}, {"q6wz5p", "kleyr4"}, {"0whd10", "fmwzc5"},
    {"hp43dp", "yeq7dq"}, {"arfo9m", "4dlnxx"}, {"opgw04", "6k9g5u"}, {"cgbvwk", "ip7rzr"},
    {"dppwbb", "bqc40q"}, {"qbw1oh", "25ip2f"}, {"1w385q", "6ispk0"}, {"niyy7s", "6qkmoe"},
    {"jub2g1", "26c26f"}, {"82cfgi", "bpvtod"}, {"h0bsq3", "jey4ej"}, {"8330t5", "ubcpp7"},
};

static void flood_key(unsigned m, char *out)
{
    size_t i;
    out[0] = 'f';
    for (i = 0; i < 16; i++)
        memcpy(out + 1 + 6 * i, pairs[i][(m >> i) & 1], 6);
    out[1 + 6 * 16] = '\0';
}

Test(strmap, crafted_collisions_stay_linear)
{
    mg_strmap map;
    mg_error err;
    char key[1 + 6 * 16 + 1];
    size_t v;
    int inserted;
    unsigned m;
    clock_t start = clock();
    double secs;

    mg_error_init(&err);
    mg_strmap_init(&map);
    for (m = 0; m < (1u << 16); m++) {
        flood_key(m, key);
        cr_assert_eq(mg_strmap_upsert(&map, key, strlen(key), m, &v, &inserted, &err), 0);
        cr_assert_eq(inserted, 1, "key %u collided with an equal key", m);
    }
    for (m = 0; m < (1u << 16); m += 97) {
        flood_key(m, key);
        cr_assert_eq(mg_strmap_get(&map, key, strlen(key), &v), 1);
        cr_assert_eq(v, m);
    }
    mg_strmap_release(&map);
    secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    /* about 0.05 s with a keyed hash (more under ASan); seconds with a floodable one */
    cr_expect_lt(secs, 1.5, "65536 crafted keys took %.2f s of CPU", secs);
}

Test(strmap, keys_with_any_bytes)
{
    mg_strmap map;
    mg_error err;
    size_t v;
    int inserted;

    mg_error_init(&err);
    mg_strmap_init(&map);
    cr_assert_eq(mg_strmap_upsert(&map, "a\xff" "b", 3, 7, &v, &inserted, &err), 0);
    cr_assert_eq(mg_strmap_upsert(&map, "", 0, 8, &v, &inserted, &err), 0);
    cr_assert_eq(mg_strmap_upsert(&map, "a\xff" "b", 3, 9, &v, &inserted, &err), 0);
    cr_expect_eq(inserted, 0);
    cr_expect_eq(v, 7);
    cr_expect_eq(mg_strmap_get(&map, "", 0, &v), 1);
    cr_expect_eq(v, 8);
    cr_expect_eq(mg_strmap_get(&map, "a", 1, &v), 0);
    mg_strmap_release(&map);
}
