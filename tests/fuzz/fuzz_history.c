/* Fuzz the baseline history reader (.pmat-metrics/memory-history.jsonl, which a PR can edit). */
#include <stdint.h>

#include "fuzz_common.h"

/* Strings read from the history reach reports: no control character may survive reading. */
static void check_displayable(const char *s, size_t entry)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        FUZZ_CHECK(c >= 0x20 && c != 0x7f, "entry %zu keeps control byte 0x%02x", entry, c);
        FUZZ_CHECK(!(c == 0xC2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9F),
                   "entry %zu keeps a C1 control", entry);
    }
}
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
            check_displayable(h.entries[i].workload, i);
            check_displayable(h.entries[i].commit, i);
            check_displayable(h.entries[i].measured_at, i);
            check_displayable(h.entries[i].accepted, i);
        }
    }
    mg_history_release(&h);
    return 0;
}
