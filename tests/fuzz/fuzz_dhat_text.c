/* Fuzz the dhat summary text reader (dhat-rs and Valgrind stderr, also inside CI logs). */
#include <stdint.h>

#include "fuzz_common.h"

#define SOURCE "fuzz.txt"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* which summary to take: the last (0) or one picked by the input's hash */
    mg_load_options opts = {.format = MG_FORMAT_DHAT_TEXT,
                            .summary_index = (unsigned)(fuzz_hash(data, size) % 4)};
    mg_profile *p = NULL;
    mg_error err;
    int rc;

    mg_error_init(&err);
    rc = mg_profile_parse(&p, (const char *)data, size, SOURCE, &opts, &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, SOURCE);
        return 0;
    }
    fuzz_check_profile_strings(p);
    mg_profile_free(p);
    return 0;
}
