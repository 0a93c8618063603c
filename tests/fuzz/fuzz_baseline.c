/*
 * Fuzz the baseline reader. A baseline that loads must survive the update
 * path: record new metrics, serialise, and read back the same numbers, with
 * every unknown key kept.
 */
#include <stdint.h>

#include "fuzz_common.h"
#include "memgate/baseline.h"

#define SOURCE "fuzz-baseline.json"

static void round_trip(mg_baseline *b, const char *workload, uint64_t seed)
{
    mg_metrics cur, back;
    mg_baseline_meta meta = {"2026-01-01T00:00:00Z", "abc123", "dhat-json", "memgate fuzz"};
    mg_baseline *again = NULL;
    mg_error err;
    char *text;
    size_t len, i;
    int rc;

    memset(&cur, 0, sizeof(cur));
    for (i = 0; i < MG_METRIC_COUNT; i++)
        if (seed & (1u << i))
            mg_metrics_set(&cur, (enum mg_metric)i, (seed >> 8) * (i + 1) & INT64_MAX);
    mg_error_init(&err);
    rc = mg_baseline_update(b, workload, &cur, &meta, &err);
    FUZZ_CHECK(rc == 0, "update of a valid baseline failed: %s", err.msg);
    text = mg_baseline_dump(b, &err);
    FUZZ_CHECK(text != NULL, "dump failed: %s", err.msg);
    len = strlen(text);
    rc = mg_baseline_parse(&again, text, len, "dumped", &err);
    FUZZ_CHECK(rc == 0, "a dumped baseline does not load: %s at %lu:%lu", err.msg, err.line,
               err.column);
    rc = mg_baseline_metrics(again, workload, &back, &err);
    FUZZ_CHECK(rc == 0, "workload lost in the round trip: %s", err.msg);
    for (i = 0; i < MG_METRIC_COUNT; i++) {
        FUZZ_CHECK(back.present[i] == cur.present[i], "metric %zu presence lost", i);
        FUZZ_CHECK(!cur.present[i] || back.value[i] == cur.value[i], "metric %zu changed", i);
    }
    mg_baseline_free(again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mg_baseline *b = NULL;
    mg_metrics m;
    mg_error err;
    int rc;

    mg_error_init(&err);
    rc = mg_baseline_parse(&b, (const char *)data, size, SOURCE, &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, SOURCE);
        return 0;
    }
    mg_error_init(&err);
    FUZZ_CHECK(mg_baseline_metrics(b, NULL, &m, &err) == 0, "default workload: %s", err.msg);
    (void)mg_baseline_string(b, NULL, "measured_at");
    (void)mg_baseline_string(b, "default", "commit");
    mg_error_init(&err);
    if (mg_baseline_metrics(b, "fuzz", &m, &err) < 0)
        fuzz_check_error(&err, -(int)err.code, NULL);
    round_trip(b, (fuzz_hash(data, size) & 1) ? "fuzz" : NULL, fuzz_hash(data, size));
    mg_baseline_free(b);
    return 0;
}
