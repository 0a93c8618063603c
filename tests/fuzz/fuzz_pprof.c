/*
 * Fuzz the pprof reader (src/ingest/pprof_proto.c's protobuf decoder and the heap
 * mapping) on raw, decompressed profile.proto bytes. Oracles: errors are well formed;
 * a profile that reads has no peak, and its hotspot wholes are exactly the sums the
 * metrics report (every sample is attributed, none twice).
 */
#include <stdint.h>

#include "fuzz_common.h"

#define SOURCE "fuzz.pb"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const mg_load_options opts = {.format = MG_FORMAT_PPROF, .top_n = 5};
    mg_profile *p = NULL;
    mg_error err;
    uint64_t whole;
    const mg_metrics *m;
    int rc;

    mg_error_init(&err);
    rc = mg_profile_parse(&p, (const char *)data, size, SOURCE, &opts, &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, SOURCE);
        return 0;
    }
    m = mg_profile_metrics(p);
    FUZZ_CHECK(!m->present[MG_PEAK_BYTES] && !m->present[MG_PEAK_BLOCKS], "pprof has no peak");
    if (mg_profile_hotspot_whole(p, MG_RANK_TOTAL_BYTES, &whole))
        FUZZ_CHECK(whole == (m->present[MG_TOTAL_BYTES] ? m->value[MG_TOTAL_BYTES] : 0),
                   "hotspot whole %llu vs total %llu", (unsigned long long)whole,
                   (unsigned long long)m->value[MG_TOTAL_BYTES]);
    if (mg_profile_hotspot_whole(p, MG_RANK_ALLOC_COUNT, &whole))
        FUZZ_CHECK(whole == (m->present[MG_ALLOC_COUNT] ? m->value[MG_ALLOC_COUNT] : 0),
                   "hotspot count whole %llu vs count %llu", (unsigned long long)whole,
                   (unsigned long long)m->value[MG_ALLOC_COUNT]);
    fuzz_check_profile_strings(p);
    mg_profile_free(p);
    return 0;
}
