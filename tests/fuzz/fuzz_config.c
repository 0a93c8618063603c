/* Fuzz the .pmat.yaml `memgate:` section reader and every accessor over what it read. */
#include <stdint.h>

#include "fuzz_common.h"
#include "memgate/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"baseline", "history", "accept.trailer", "accept.label",
                                       "drift.anchor"};
    mg_config *c = NULL;
    mg_policy pol;
    mg_hotspot_settings hs;
    mg_error err;
    const char *where;
    size_t n, i;
    int rc;

    mg_error_init(&err);
    rc = mg_config_parse(&c, (const char *)data, size, ".pmat.yaml", &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, NULL);
        FUZZ_CHECK(c == NULL, "config left behind on failure");
        return 0;
    }
    mg_policy_defaults(&pol);
    mg_config_apply(c, NULL, &pol);
    mg_config_apply(c, "fuzz", &pol);
    (void)mg_config_has_workload(c, "fuzz");
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = mg_config_string(c, keys[i], "fuzz", &where);
        FUZZ_CHECK(!v || where, "'%s' set without saying where", keys[i]);
    }
    (void)mg_config_branches(c, &n);
    (void)mg_config_accept_allowed(c);
    mg_config_hotspots(c, &hs);
    mg_config_free(c);
    return 0;
}
