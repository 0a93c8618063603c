/*
 * Fuzz every report renderer with a profile read from the input (any format)
 * gated against a baseline made from the same numbers shifted: the text,
 * markdown (PR comment and job summary), JUnit, OpenMetrics and JSON outputs
 * must be valid UTF-8 without control bytes (tab, CR, LF aside), whatever
 * names the profile holds.
 */
#include <stdint.h>

#include "fuzz_common.h"
#include "memgate/gate.h"
#include "memgate/report.h"
#include "utf8.h"

static void check_output(const mg_buf *b, const char *what)
{
    size_t i;
    if (!b->len)
        return;
    FUZZ_CHECK(mg_utf8_valid(b->data, b->len), "%s output is not UTF-8", what);
    for (i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];
        FUZZ_CHECK(c >= 0x20 || c == '\n' || c == '\t' || c == '\r',
                   "%s output holds control byte 0x%02x", what, c);
    }
}

typedef int (*render_fn)(mg_buf *, const mg_report_input *, mg_error *);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        const char *name;
        render_fn fn;
    } renderers[] = {{"text", mg_report_text},
                     {"markdown", mg_report_markdown},
                     {"junit", mg_report_junit},
                     {"openmetrics", mg_report_openmetrics},
                     {"json", mg_report_json}};
    static const mg_load_options opts = {.top_n = 5};
    mg_profile *p = NULL;
    mg_metrics base;
    mg_policy pol;
    mg_verdict v;
    mg_report_input in;
    mg_error err;
    uint64_t h = fuzz_hash(data, size);
    size_t i;

    mg_error_init(&err);
    if (mg_profile_parse(&p, (const char *)data, size, "fuzz-profile", &opts, &err) < 0)
        return 0;
    /* a baseline a little above or below the profile, so every status shows up */
    base = *mg_profile_metrics(p);
    for (i = 0; i < MG_METRIC_COUNT; i++)
        if (base.present[i])
            base.value[i] = (h >> i) & 1 ? base.value[i] / 2 : base.value[i] + base.value[i] / 3;
    mg_policy_defaults(&pol);
    mg_gate_evaluate(&v, &base, mg_profile_metrics(p), &pol);
    memset(&in, 0, sizeof(in));
    in.command = "check";
    in.profile = p;
    in.verdict = &v;
    in.baseline_path = ".pmat-metrics/memory-baseline.json";
    in.baseline_metrics = &base;
    in.workload = "default";
    for (i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++) {
        mg_buf out;
        mg_buf_init(&out, 0);
        mg_error_init(&err);
        if (renderers[i].fn(&out, &in, &err) < 0)
            fuzz_check_error(&err, -(int)err.code, NULL);
        else
            check_output(&out, renderers[i].name);
        mg_buf_release(&out);
    }
    mg_profile_free(p);
    return 0;
}
