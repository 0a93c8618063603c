/*
 * Private: byte scanners with SSE2 and AVX2 versions, chosen once at run time
 * from the CPU (__builtin_cpu_supports), never from -march: the binary runs on
 * any x86-64 (SSE2 is part of it) and elsewhere falls back to plain C. All
 * versions give the same answer; MEMGATE_SIMD=scalar|sse2|avx2 caps the level
 * so tests can compare them.
 */
#ifndef MEMGATE_SIMD_H
#define MEMGATE_SIMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mg_simd_level { MG_SIMD_SCALAR, MG_SIMD_SSE2, MG_SIMD_AVX2 };

/* The level in use (decided on the first call of any scanner, or here). */
enum mg_simd_level mg_simd_level(void);
const char *mg_simd_level_name(enum mg_simd_level l); /* "scalar", "sse2", "avx2" */

/*
 * Use level l from now on (tests compare the levels in one process); false,
 * and nothing changes, when this CPU or build does not have it.
 */
bool mg_simd_use(enum mg_simd_level l);

/* First byte in [p, end) that ends a JSON string run: '"', '\\' or a control byte (< 0x20). */
const char *mg_simd_string_stop(const char *p, const char *end);

/*
 * A bit per byte of the 64 bytes at p: bit i set when p[i] == c. The 64 bytes
 * must be readable (the caller's buffer is padded).
 */
uint64_t mg_simd_eq64(const char *p, char c);

#endif
