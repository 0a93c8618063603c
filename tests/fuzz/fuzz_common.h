/* Shared helpers for the libFuzzer targets: oracles that compare two ways of reading one input. */
#ifndef MEMGATE_FUZZ_COMMON_H
#define MEMGATE_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memgate/error.h"
#include "memgate/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop the run with a message: libFuzzer saves the input that got here as a crash. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz check failed: %s: ", #cond);                                     \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A cheap deterministic hash: lets a target derive a split point without a config prefix. */
static inline uint64_t fuzz_hash(const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ULL;
    return h;
}

/* Every failure must carry a code, a message and (for input errors) the file it was about. */
static inline void fuzz_check_error(const mg_error *err, int rc, const char *source)
{
    FUZZ_CHECK(rc < 0 && err->code != MG_OK && -rc == (int)err->code, "rc %d code %d", rc,
               (int)err->code);
    FUZZ_CHECK(err->msg[0] != '\0', "empty error message");
    if (source && (err->code == MG_E_INPUT || err->code == MG_E_OVERFLOW))
        FUZZ_CHECK(strcmp(err->source, source) == 0, "error source '%s', want '%s' (%s)",
                   err->source, source, err->msg);
}

/* Two successful parses of the same bytes must agree on everything a report shows. */
static inline void fuzz_same_profile(const mg_profile *a, const mg_profile *b)
{
    const mg_metrics *ma = mg_profile_metrics(a), *mb = mg_profile_metrics(b);
    const mg_hotspot *ha, *hb;
    size_t na, nb, i;

    for (i = 0; i < MG_METRIC_COUNT; i++) {
        FUZZ_CHECK(ma->present[i] == mb->present[i], "metric %zu presence differs", i);
        FUZZ_CHECK(!ma->present[i] || ma->value[i] == mb->value[i], "metric %zu differs", i);
    }
    FUZZ_CHECK(mg_profile_mode(a) == mg_profile_mode(b), "mode differs");
    ha = mg_profile_hotspots(a, &na);
    hb = mg_profile_hotspots(b, &nb);
    FUZZ_CHECK(na == nb, "hotspot count %zu vs %zu", na, nb);
    for (i = 0; i < na; i++) {
        FUZZ_CHECK(strcmp(ha[i].function, hb[i].function) == 0, "hotspot %zu name differs", i);
        FUZZ_CHECK(ha[i].total_bytes == hb[i].total_bytes && ha[i].peak_bytes == hb[i].peak_bytes &&
                       ha[i].total_blocks == hb[i].total_blocks &&
                       ha[i].end_bytes == hb[i].end_bytes &&
                       ha[i].program_points == hb[i].program_points,
                   "hotspot %zu numbers differ", i);
    }
}

/* Two failed parses of the same bytes must report the same error at the same place. */
static inline void fuzz_same_error(const mg_error *a, const mg_error *b)
{
    FUZZ_CHECK(a->code == b->code, "code %d vs %d ('%s' vs '%s')", (int)a->code, (int)b->code,
               a->msg, b->msg);
    FUZZ_CHECK(strcmp(a->msg, b->msg) == 0, "'%s' vs '%s'", a->msg, b->msg);
    FUZZ_CHECK(a->line == b->line && a->column == b->column, "'%s' at %lu:%lu vs %lu:%lu", a->msg,
               a->line, a->column, b->line, b->column);
}

/* Hotspot names and other strings that reach reports must be valid UTF-8 without NUL games. */
static inline void fuzz_check_profile_strings(const mg_profile *p)
{
    const mg_hotspot *h;
    size_t n, i;
    h = mg_profile_hotspots(p, &n);
    for (i = 0; i < n; i++)
        FUZZ_CHECK(h[i].function != NULL, "hotspot %zu has no name", i);
    FUZZ_CHECK(mg_profile_format(p) != NULL, "no format name");
    FUZZ_CHECK(mg_profile_source(p) != NULL, "no source");
}

#endif
