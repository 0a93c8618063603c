/* Fuzz the Rust source scanner that finds a #[global_allocator] of dhat's type. */
#include <stdint.h>

#include "comply/rustscan.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const crates[] = {"dhat", NULL};
    unsigned long line = 0, lines = 1;
    mg_error err;
    size_t i;
    int rc;

    mg_error_init(&err);
    rc = rust_find_global_allocator((const char *)data, size, crates, "Alloc", &line, &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, NULL);
        return 0;
    }
    for (i = 0; i < size; i++)
        lines += data[i] == '\n';
    FUZZ_CHECK(line <= lines, "line %lu past the end (%lu lines)", line, lines);
    return 0;
}
