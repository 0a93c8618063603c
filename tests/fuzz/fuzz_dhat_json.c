/*
 * Fuzz the dhat JSON reader both ways it runs: over a buffer in memory, and
 * streamed from a FILE* (fmemopen) after a head of already-read bytes, as
 * mg_profile_load does. The fuzz build shrinks the stream window (MG_JP_CHUNK)
 * so tokens straddle refills. Both paths must agree byte for byte: same
 * metrics and hotspots, or the same error at the same line and column.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "ingest/ingest.h"
#include "utf8.h"

#define SOURCE "fuzz.json"

static const mg_load_options json_opts = {.format = MG_FORMAT_DHAT_JSON, .top_n = 3};

static int parse_streamed(const uint8_t *data, size_t size, size_t head_len, mg_profile **out,
                          mg_error *err)
{
    mg_profile *p = calloc(1, sizeof(*p));
    /* the head in its own buffer followed by zero bytes, as mg_profile_load passes it
       (stream readers may look a few bytes past the end: 64 covers MG_JP_PAD) */
    char *head = calloc(1, head_len + 64);
    FILE *f;
    int rc;

    *out = NULL;
    FUZZ_CHECK(p && head && (p->source = strdup(SOURCE)), "out of memory");
    memcpy(head, data, head_len);
    /* glibc's fmemopen refuses a zero-length buffer; an empty stream is /dev/null */
    f = size > head_len ? fmemopen((void *)(data + head_len), size - head_len, "rb")
                        : fopen("/dev/null", "rb");
    FUZZ_CHECK(f != NULL, "cannot open the stream");
    rc = mg_format_dhat_json.parse_stream(p, f, head, head_len, &json_opts, err);
    fclose(f);
    free(head);
    if (rc < 0) {
        mg_profile_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

static void check_utf8(const mg_profile *p)
{
    const mg_hotspot *h;
    size_t n, i;
    h = mg_profile_hotspots(p, &n);
    for (i = 0; i < n; i++)
        FUZZ_CHECK(mg_utf8_valid(h[i].function, strlen(h[i].function)),
                   "hotspot name is not UTF-8");
    if (mg_profile_command(p))
        FUZZ_CHECK(mg_utf8_valid(mg_profile_command(p), strlen(mg_profile_command(p))),
                   "command is not UTF-8");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mg_profile *mem = NULL, *streamed = NULL;
    mg_error e1, e2;
    size_t head_len;
    int r1, r2;

    mg_error_init(&e1);
    mg_error_init(&e2);
    r1 = mg_profile_parse(&mem, (const char *)data, size, SOURCE, &json_opts, &e1);
    if (r1 < 0)
        fuzz_check_error(&e1, r1, SOURCE);
    else
        check_utf8(mem);

    /* compressed bytes are decompressed by the loader before any reader sees them (fuzz_profile
       covers that); handing them to the JSON stream reader itself would compare different inputs */
    if (size >= 4 && ((data[0] == 0x1F && data[1] == 0x8B) ||
                      (data[0] == 0x28 && data[1] == 0xB5 && data[2] == 0x2F && data[3] == 0xFD))) {
        mg_profile_free(mem);
        return 0;
    }

    /* the real head is all of a short file; any split at or after a BOM must read the same */
    head_len = size < 3 ? size : 3 + (size_t)(fuzz_hash(data, size) % (size - 2));
    r2 = parse_streamed(data, size, head_len, &streamed, &e2);
    FUZZ_CHECK((r1 < 0) == (r2 < 0), "memory rc %d ('%s') vs stream rc %d ('%s'), head %zu", r1,
               e1.msg, r2, e2.msg, head_len);
    if (r1 < 0)
        fuzz_same_error(&e1, &e2);
    else
        fuzz_same_profile(mem, streamed);
    mg_profile_free(mem);
    mg_profile_free(streamed);
    return 0;
}
