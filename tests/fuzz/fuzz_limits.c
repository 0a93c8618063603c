/*
 * Fuzz the small grammars: sizes, percents, limits ("+5%&+64KiB&<=500MB"),
 * METRIC=LIMIT assignments, plain, hex and grouped counts. The input is one
 * string (cut at the first NUL). Parsed values are formatted back so the
 * table renderers see every value the grammar can produce.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "memgate/num.h"
#include "memgate/learn.h"
#include "memgate/policy.h"

/* A learned term (3sigma, iqr, auto) resolved over a small history shaped by the input. */
static void learned(mg_policy *pol, const char *s)
{
    static mg_history_entry e[7];
    mg_history h = {e, 7, false};
    mg_learned out[2 * MG_METRIC_COUNT];
    mg_learn_settings ls;
    char text[128];
    for (size_t i = 0; i < 7; i++) {
        memset(&e[i], 0, sizeof(e[i]));
        e[i].workload = (char *)"default";
        for (unsigned m = 0; m < MG_METRIC_COUNT; m++) {
            e[i].metrics.present[m] = true;
            e[i].metrics.value[m] = (uint64_t)(unsigned char)s[i % (strlen(s) + 1)] << (i * 8);
        }
    }
    mg_learn_defaults(&ls);
    ls.min_samples = (unsigned)(s[0] & 7);
    mg_learn_resolve(pol, &h, NULL, &ls, out, 2 * MG_METRIC_COUNT);
    for (unsigned m = 0; m < MG_METRIC_COUNT; m++)
        mg_limit_format(&pol->fail[m], (enum mg_metric)m, text, sizeof(text));
}

static void limits(const char *s)
{
    mg_policy pol;
    mg_limit l;
    mg_error err;
    char out[128];
    int rc;

    mg_error_init(&err);
    rc = mg_limit_parse(s, &l, &err);
    if (rc < 0) {
        fuzz_check_error(&err, rc, NULL);
    } else {
        for (unsigned m = 0; m < MG_METRIC_COUNT; m++)
            mg_limit_format(&l, (enum mg_metric)m, out, sizeof(out));
        mg_limit_merge(&l, &l, false);
    }
    mg_policy_defaults(&pol);
    mg_error_init(&err);
    rc = mg_policy_apply(&pol, s, s[0] & 1, MG_SRC_FLAG, &err);
    if (rc < 0)
        fuzz_check_error(&err, rc, NULL);
    else
        learned(&pol, s);
}

static void numbers(const char *s, size_t len)
{
    mg_error err;
    uint64_t v;
    char out[64];
    int rc;

    mg_error_init(&err);
    if ((rc = mg_parse_size(s, &v, &err)) == 0)
        mg_format_size(v, out, sizeof(out));
    else
        fuzz_check_error(&err, rc, NULL);
    mg_error_init(&err);
    if ((rc = mg_parse_percent(s, &v, &err)) < 0)
        fuzz_check_error(&err, rc, NULL);
    mg_error_init(&err);
    if ((rc = mg_parse_u64(s, UINT64_MAX / 3, &v, &err)) < 0)
        fuzz_check_error(&err, rc, NULL);
    mg_error_init(&err);
    if ((rc = mg_parse_hex_u64(s, UINT64_MAX, &v, &err)) < 0)
        fuzz_check_error(&err, rc, NULL);
    mg_error_init(&err);
    if ((rc = mg_parse_grouped_u64(s, len, &v, &err)) == 0) {
        char again[64];
        uint64_t w;
        /* a grouped count formats back into something that parses to the same value */
        mg_format_count(v, again, sizeof(again));
        mg_error_init(&err);
        FUZZ_CHECK(mg_parse_grouped_u64(again, strlen(again), &w, &err) == 0 && w == v,
                   "'%s' does not read back as %llu", again, (unsigned long long)v);
    } else {
        fuzz_check_error(&err, rc, NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    size_t len;
    FUZZ_CHECK(s != NULL, "out of memory");
    memcpy(s, data, size);
    s[size] = '\0';
    len = strlen(s);
    numbers(s, len);
    limits(s);
    free(s);
    return 0;
}
