/* SSE2/AVX2 byte scanners with a plain-C fallback, dispatched once per process (simd.h). */
#include "simd.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MG_X86 1
#endif

/* ---- plain C ---- */

static const char *string_stop_scalar(const char *p, const char *end)
{
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\' || c < 0x20)
            break;
        p++;
    }
    return p;
}

static uint64_t eq64_scalar(const char *p, char c)
{
    uint64_t m = 0;
    unsigned i;
    for (i = 0; i < 64; i++)
        m |= (uint64_t)(p[i] == c) << i;
    return m;
}

#ifdef MG_X86
/* ---- SSE2 (every x86-64) ---- */

static const char *string_stop_sse2(const char *p, const char *end)
{
    const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* x < 0x20 as unsigned bytes: min(x, 0x1f) == x */
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bs)),
                                   _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return p + __builtin_ctz(m);
        p += 16;
    }
    return string_stop_scalar(p, end);
}

static uint64_t eq64_sse2(const char *p, char c)
{
    const __m128i v = _mm_set1_epi8(c);
    uint64_t m = 0;
    unsigned i;
    for (i = 0; i < 4; i++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, v)) << (16 * i);
    }
    return m;
}

/* ---- AVX2, compiled for it but only called when the CPU has it ---- */

__attribute__((target("avx2"))) static const char *string_stop_avx2(const char *p, const char *end)
{
    const __m256i quote = _mm256_set1_epi8('"'), bs = _mm256_set1_epi8('\\'),
                  ctl = _mm256_set1_epi8(0x1f);
    while (end - p >= 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
        __m256i hit =
            _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x, quote), _mm256_cmpeq_epi8(x, bs)),
                            _mm256_cmpeq_epi8(_mm256_min_epu8(x, ctl), x));
        unsigned m = (unsigned)_mm256_movemask_epi8(hit);
        if (m)
            return p + __builtin_ctz(m);
        p += 32;
    }
    return string_stop_sse2(p, end);
}

__attribute__((target("avx2"))) static uint64_t eq64_avx2(const char *p, char c)
{
    const __m256i v = _mm256_set1_epi8(c);
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
    return (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, v)) |
           (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, v)) << 32;
}
#endif

/* ---- dispatch ---- */

struct impl {
    enum mg_simd_level level;
    const char *(*string_stop)(const char *, const char *);
    uint64_t (*eq64)(const char *, char);
};

static const struct impl impls[] = {
    {MG_SIMD_SCALAR, string_stop_scalar, eq64_scalar},
#ifdef MG_X86
    {MG_SIMD_SSE2, string_stop_sse2, eq64_sse2},
    {MG_SIMD_AVX2, string_stop_avx2, eq64_avx2},
#endif
};

static bool cpu_has(enum mg_simd_level l)
{
#ifdef MG_X86
    __builtin_cpu_init();
    return l != MG_SIMD_AVX2 || __builtin_cpu_supports("avx2");
#else
    return l == MG_SIMD_SCALAR;
#endif
}

/* index into impls + 1; 0 = not chosen yet. Threads racing here all store the same value. */
static int chosen;

static const struct impl *pick(void)
{
    int c = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (c == 0) {
        const char *cap = getenv("MEMGATE_SIMD");
        int best = cpu_has(MG_SIMD_AVX2) ? 2 : cpu_has(MG_SIMD_SSE2) ? 1 : 0;
        if (cap && !strcmp(cap, "scalar"))
            best = 0;
        else if (cap && !strcmp(cap, "sse2") && best > 1)
            best = 1;
        c = best + 1;
        __atomic_store_n(&chosen, c, __ATOMIC_RELAXED);
    }
    return &impls[c - 1];
}

bool mg_simd_use(enum mg_simd_level l)
{
    if (!cpu_has(l))
        return false;
    __atomic_store_n(&chosen, (int)l + 1, __ATOMIC_RELAXED);
    return true;
}

enum mg_simd_level mg_simd_level(void)
{
    return pick()->level;
}

const char *mg_simd_level_name(enum mg_simd_level l)
{
    return l == MG_SIMD_AVX2 ? "avx2" : l == MG_SIMD_SSE2 ? "sse2" : "scalar";
}

const char *mg_simd_string_stop(const char *p, const char *end)
{
    return pick()->string_stop(p, end);
}

uint64_t mg_simd_eq64(const char *p, char c)
{
    return pick()->eq64(p, c);
}
