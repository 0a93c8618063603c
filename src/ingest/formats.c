/* The input-format registry, in detection order: the most specific signatures first. */
#include "ingest/ingest.h"

const mg_format *const mg_formats[] = {
    &mg_format_dhat_json,
    &mg_format_dhat_text,
    NULL,
};
