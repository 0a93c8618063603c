/*
 * Fuzz the baseline reader. A baseline that loads must survive the update
 * path: record new metrics, serialise, and read back the same numbers, with
 * every unknown key kept.
 */
#include <stdint.h>

#include "fuzz_common.h"
#include "memgate/baseline.h"

#define SOURCE "fuzz-baseline.json"

/* Strings read from a baseline reach reports: no control character may survive reading. */
static void check_displayable(const char *s, const char *what)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        FUZZ_CHECK(c >= 0x20 && c != 0x7f, "%s keeps control byte 0x%02x", what, c);
        FUZZ_CHECK(!(c == 0xC2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9F),
                   "%s keeps a C1 control", what);
    }
}

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
    check_displayable(mg_baseline_string(b, NULL, "measured_at"), "measured_at");
    check_displayable(mg_baseline_string(b, "default", "commit"), "commit");
    {
        const char *names[16];
        size_t n = mg_baseline_workloads(b, names, 16);
        for (size_t i = 0; i < n && i < 16; i++)
            check_displayable(names[i], "a workload name");
    }
    {
        mg_hotspot *hs = NULL;
        size_t n = 0;
        bool complete;
        mg_error_init(&err);
        if (mg_baseline_hotspots(b, NULL, &hs, &n, &complete, &err) == 0) {
            for (size_t i = 0; i < n; i++)
                check_displayable(hs[i].function, "a hotspot name");
            mg_hotspots_free(hs, n);
        }
    }
    mg_error_init(&err);
    if (mg_baseline_metrics(b, "fuzz", &m, &err) < 0)
        fuzz_check_error(&err, -(int)err.code, NULL);
    round_trip(b, (fuzz_hash(data, size) & 1) ? "fuzz" : NULL, fuzz_hash(data, size));
    mg_baseline_free(b);
    return 0;
}
