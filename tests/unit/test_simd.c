/* The SSE2 and AVX2 scanners give the plain-C answer on every input (src/util/simd.h). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util/simd.h"

static unsigned long long state = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state % n);
}

/* Mostly plain text with a few stop bytes (and bytes >= 0x80, which are no stop). */
static void fill(char *b, size_t n)
{
    static const char stops[] = {'"', '\\', '\n', '\0', 0x1f, '\t'};
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned r = rnd(200);
        b[i] = r < 3    ? stops[rnd(sizeof(stops))]
               : r < 20 ? (char)(0x80 + rnd(128))
                        : (char)(0x20 + rnd(95));
        if (b[i] == '"' || b[i] == '\\')
            b[i] = r < 3 ? b[i] : 'x';
    }
}

static const enum mg_simd_level levels[] = {MG_SIMD_SCALAR, MG_SIMD_SSE2, MG_SIMD_AVX2};

Test(simd, string_stop_agrees_across_levels)
{
    char *buf = malloc(4096 + 64);
    size_t round, used = 0;
    cr_assert_not_null(buf);
    for (round = 0; round < 3000; round++) {
        size_t len = rnd(300), off = rnd(64), k;
        const char *want;
        fill(buf, 4096 + 64);
        cr_assert(mg_simd_use(MG_SIMD_SCALAR));
        want = mg_simd_string_stop(buf + off, buf + off + len);
        cr_assert(want >= buf + off && want <= buf + off + len);
        for (k = 1; k < 3; k++) {
            if (!mg_simd_use(levels[k]))
                continue;
            used |= 1u << k;
            cr_assert_eq(mg_simd_string_stop(buf + off, buf + off + len), want,
                         "%s: length %zu offset %zu", mg_simd_level_name(levels[k]), len, off);
        }
    }
#if defined(__x86_64__)
    cr_expect(used & 2, "SSE2 is part of x86-64: it must have been compared");
#endif
    free(buf);
}

Test(simd, eq64_agrees_across_levels)
{
    char buf[128];
    size_t round, k;
    for (round = 0; round < 2000; round++) {
        char c = "\n,\"x"[rnd(4)];
        uint64_t want;
        fill(buf, sizeof(buf));
        cr_assert(mg_simd_use(MG_SIMD_SCALAR));
        want = mg_simd_eq64(buf + 3, c);
        for (k = 1; k < 3; k++)
            if (mg_simd_use(levels[k]))
                cr_assert_eq(mg_simd_eq64(buf + 3, c), want, "%s", mg_simd_level_name(levels[k]));
    }
}

Test(simd, stop_bytes_each_found)
{
    char buf[96];
    const char stops[] = {'"', '\\', '\n', '\0', 0x01, 0x1f};
    size_t s, at, k;
    for (s = 0; s < sizeof(stops); s++)
        for (at = 0; at < 80; at++)
            for (k = 0; k < 3; k++) {
                if (!mg_simd_use(levels[k]))
                    continue;
                memset(buf, 'a', sizeof(buf));
                buf[at] = stops[s];
                buf[at + 1] = (char)0xC3; /* high bytes are not stops */
                cr_assert_eq(mg_simd_string_stop(buf, buf + 90), buf + at, "%s stop %d at %zu",
                             mg_simd_level_name(levels[k]), stops[s], at);
                cr_assert_eq(mg_simd_string_stop(buf, buf + at), buf + at);
            }
}
