/*
 * Decimal digits eight at a time (SWAR), for readers that work on a zero-padded buffer: the dhat
 * JSON fast path, and the benchmark's floor (tests/bench/bare_scan.c), which must convert
 * numbers exactly as memgate does to be a fair floor.
 */
#ifndef MEMGATE_SWAR_DIGITS_H
#define MEMGATE_SWAR_DIGITS_H

#include <stdint.h>
#include <string.h>

/*
 * Up to 8 decimal digits at p at once: returns how many of the 8 bytes are leading digits and
 * stores their value (nothing when there are none). Reads 8 bytes: the caller's buffer must be
 * padded.
 */
static inline __attribute__((always_inline)) unsigned mg_digits8(const char *p, uint64_t *val)
{
    uint64_t x, t, nd;
    unsigned n;
    memcpy(&x, p, 8);
    t = x - 0x3030303030303030ull;
    nd = ((t + 0x7676767676767676ull) | t) & 0x8080808080808080ull;
    n = nd ? (unsigned)__builtin_ctzll(nd) >> 3 : 8;
    if (n == 0)
        return 0;
    t <<= 8 * (8 - n);
    /* pairs, quads, then the eight: each step one multiply (digit-pair weights 10 and 1 in
       one constant) and one shift */
    t = (t * (1 + (10 << 8))) >> 8;
    t = ((t & 0x00FF00FF00FF00FFull) * (1 + (100ull << 16))) >> 16;
    t = ((t & 0x0000FFFF0000FFFFull) * (1 + (10000ull << 32))) >> 32;
    *val = t;
    return n;
}

#endif
