/* Fuzz the baseline history reader (.pmat-metrics/memory-history.jsonl, which a PR can edit). */
#include <stdint.h>

#include "fuzz_common.h"
#include "memgate/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mg_history h;
    mg_error err;
    size_t i;
    int rc;

    mg_history_init(&h);
    mg_error_init(&err);
    rc = mg_history_parse(&h, (const char *)data, size, "memory-history.jsonl", &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, "memory-history.jsonl");
    } else {
        for (i = 0; i < h.n; i++) {
            FUZZ_CHECK(h.entries[i].workload != NULL, "entry %zu without a workload", i);
            FUZZ_CHECK(h.entries[i].line >= 1, "entry %zu without a line", i);
        }
    }
    mg_history_release(&h);
    return 0;
}
