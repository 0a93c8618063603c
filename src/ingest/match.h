/*
 * Private: matching short literal needles in the length-bounded strings of frame names, for
 * the frame rules (frames.c) and the attribution rules (attribution.c). Inline, so that the
 * length of a literal needle is known at compile time; the first byte is compared before
 * anything is measured, because these run against lists of names for every frame of tables of
 * 10^5+ entries, and most names differ there.
 */
#ifndef MEMGATE_INGEST_MATCH_H
#define MEMGATE_INGEST_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* s (n bytes) contains needle; memchr finds its first byte (glibc memmem is slow to start). */
static inline __attribute__((always_inline)) bool has(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    const char *p = s, *end = s + n;
    while (k && (size_t)(end - p) >= k && (p = memchr(p, needle[0], (size_t)(end - p - k + 1)))) {
        if (!memcmp(p, needle, k))
            return true;
        p++;
    }
    return false;
}

static inline __attribute__((always_inline)) bool starts(const char *s, size_t n, const char *p)
{
    size_t k;
    if (!*p)
        return true;
    if (!n || *s != *p)
        return false;
    k = strlen(p);
    return n >= k && memcmp(s, p, k) == 0;
}

static inline __attribute__((always_inline)) bool equals(const char *s, size_t n, const char *w)
{
    if (!n)
        return !*w;
    return *s == *w && strlen(w) == n && memcmp(s, w, n) == 0;
}

static inline __attribute__((always_inline)) bool ends(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

#endif
