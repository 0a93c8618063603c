/*
 * The input-format registry, in detection order (docs/formats.md, "Detection order"):
 * the most specific signatures first, log-style markers last. gzip and zstd
 * are unwrapped by the loader before detection. Lookups by name and detection
 * walk it here.
 */
#include <string.h>

#include "ingest/ingest.h"

const mg_format *const mg_formats[] = {
    &mg_format_heaptrack,
    &mg_format_unsupported_heaptrack_raw,
    &mg_format_dhat_json,
    &mg_format_jemalloc,
    &mg_format_pprof,
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

static const mg_format *find_format(const char *name)
{
    size_t i;
    for (i = 0; mg_formats[i]; i++)
        if (strcmp(mg_formats[i]->name, name) == 0)
            return mg_formats[i];
    return NULL;
}

void mg_format_list(char *out, size_t size, bool all)
{
    size_t i, n = 0;
    out[0] = '\0';
    for (i = 0; mg_formats[i]; i++) {
        if (!all && mg_formats[i]->unsupported)
            continue;
        strncat(out, n++ ? ", " : "", size - strlen(out) - 1);
        strncat(out, mg_formats[i]->name, size - strlen(out) - 1);
    }
}

static int unknown_format(const char *name, mg_error *err)
{
    char list[512];
    mg_format_list(list, sizeof(list), false);
    return mg_error_set(err, MG_E_USAGE, "unknown --input-format '%s' (known: auto, %s)", name,
                        list);
}

int mg_format_chosen(const mg_load_options *opts, const mg_format **fmt, mg_error *err)
{
    *fmt = NULL;
    if (!opts->format || strcmp(opts->format, MG_FORMAT_AUTO) == 0)
        return 0;
    if (!(*fmt = find_format(opts->format)))
        return unknown_format(opts->format, err);
    return 0;
}

const mg_format *mg_format_detect(const char *head, size_t len)
{
    size_t i;
    for (i = 0; mg_formats[i]; i++)
        if (mg_formats[i]->detect(head, len))
            return mg_formats[i];
    return NULL;
}
