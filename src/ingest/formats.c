/*
 * The input-format registry, in detection order (profile-formats.md section 7):
 * the most specific signatures first, log-style markers last. gzip and zstd
 * are unwrapped by the loader before detection.
 */
#include "ingest/ingest.h"

const mg_format *const mg_formats[] = {
    &mg_format_heaptrack,
    &mg_format_unsupported_heaptrack_raw,
    &mg_format_dhat_json,
    &mg_format_jemalloc,
    &mg_format_massif,
    &mg_format_ms_print,
    &mg_format_heaptrack_print,
    &mg_format_dhat_text,
    &mg_format_time,
    &mg_format_unsupported_jemalloc_text,
    &mg_format_unsupported_exp_dhat,
    &mg_format_unsupported_jeprof,
    &mg_format_unsupported_massif_stderr,
    &mg_format_unsupported_ms_print_refusal,
    NULL,
};
