/* Fuzz the .pmat.yaml reader (comply.checks.cb-141 settings; libyaml underneath). */
#include <stdint.h>

#include "fuzz_common.h"
#include "memgate/comply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mg_cb141_config c;
    mg_error err;
    int rc;

    mg_cb141_config_defaults(&c);
    mg_error_init(&err);
    rc = mg_cb141_config_parse(&c, (const char *)data, size, ".pmat.yaml", &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, NULL);
        return 0;
    }
    FUZZ_CHECK(mg_cb141_severity_name(c.severity) != NULL, "severity out of range");
    FUZZ_CHECK(mg_cb141_profiler_name(c.profiler) != NULL, "profiler out of range");
    return 0;
}
