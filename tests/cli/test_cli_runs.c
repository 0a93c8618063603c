/*
 * Several runs, one verdict: real Valgrind DHAT runs of a threaded program
 * (testdata/runs) whose t-gmax peak moves with scheduling.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static char *dir;
static char base_path[4200];
static char paths[8][4200];

static void setup(void)
{
    dir = mg_tempdir();
    cr_assert_not_null(dir);
    snprintf(base_path, sizeof(base_path), "%s/base.json", dir);
}

static void teardown(void)
{
    mg_remove_tempdir(dir);
    dir = NULL;
}

TestSuite(runs, .init = setup, .fini = teardown);

/* The run's own numbers, summed from its program points (independently of memgate). */
static uint64_t dhat_sum(const char *rel, const char *key)
{
    json_t *j = json_load_file(mg_testdata(rel), 0, NULL), *pp;
    uint64_t sum = 0;
    size_t i;
    cr_assert_not_null(j, "%s", rel);
    json_array_foreach(json_object_get(j, "pps"), i, pp) sum +=
        (uint64_t)json_integer_value(json_object_get(pp, key));
    json_decref(j);
    return sum;
}

/* argv: cmd, the runs, --baseline, base, --no-config, extra...; returns the run. */
static mg_run memgate(const char *cmd, const char *const *runs, const char *const *extra)
{
    const char *argv[32] = {cmd};
    size_t n = 1, i;
    for (i = 0; runs[i]; i++) {
        snprintf(paths[i], sizeof(paths[i]), "%s", mg_testdata(runs[i]));
        argv[n++] = paths[i];
    }
    argv[n++] = "--baseline";
    argv[n++] = base_path;
    argv[n++] = "--no-config";
    for (; extra && *extra; extra++)
        argv[n++] = *extra;
    return mg_run_memgate(argv, NULL, NULL);
}

static const char *const baseline_runs[] = {
    "runs/vgdhat-threads-baseline-run1.json", "runs/vgdhat-threads-baseline-run2.json",
    "runs/vgdhat-threads-baseline-run3.json", "runs/vgdhat-threads-baseline-run4.json",
    "runs/vgdhat-threads-baseline-run5.json", NULL};
static const char *const regressed_runs[] = {"runs/vgdhat-threads-regressed-run1.json",
                                             "runs/vgdhat-threads-regressed-run2.json",
                                             "runs/vgdhat-threads-regressed-run3.json", NULL};

static void record_baseline_runs(void)
{
    const char *approve[] = {"--approve", NULL};
    mg_run r = memgate("update-baseline", baseline_runs, approve);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

static json_t *json_check(const char *const *runs, const char *const *extra, int *status)
{
    const char *args[8] = {"--format", "json"};
    size_t n = 2;
    mg_run r;
    json_t *j;
    for (; extra && *extra; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    r = memgate("check", runs, args);
    *status = r.status;
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "exit %d: %s", r.status, r.err);
    mg_run_release(&r);
    return j;
}

static uint64_t metric(json_t *j, const char *where, const char *name)
{
    json_t *m = json_object_get(json_object_get(j, where), "metrics");
    return (uint64_t)json_integer_value(json_object_get(m, name));
}

static const char *notice_text(json_t *j, const char *kind, char *out, size_t size)
{
    json_t *n, *l;
    size_t i, k;
    out[0] = '\0';
    json_array_foreach(json_object_get(j, "notices"), i, n)
    {
        if (strcmp(json_string_value(json_object_get(n, "kind")), kind) != 0)
            continue;
        json_array_foreach(json_object_get(n, "lines"), k, l)
        {
            strncat(out, json_string_value(l), size - strlen(out) - 2);
            strcat(out, "\n");
        }
    }
    return out;
}

Test(runs, update_baseline_records_the_minimum_peak_and_the_runs)
{
    uint64_t want = UINT64_MAX, most = 0;
    size_t i;
    json_t *b;
    /* the committed runs do differ: the point of combining */
    for (i = 0; baseline_runs[i]; i++) {
        uint64_t p = dhat_sum(baseline_runs[i], "gb");
        want = p < want ? p : want;
        most = p > most ? p : most;
    }
    cr_assert_lt(want, most, "the captures show scheduler noise");
    record_baseline_runs();
    b = json_load_file(base_path, 0, NULL);
    cr_assert_not_null(b);
    cr_expect_eq((uint64_t)json_integer_value(json_object_get(b, "peak_memory_bytes")), want);
    cr_expect_eq((uint64_t)json_integer_value(json_object_get(b, "total_allocations_bytes")),
                 dhat_sum(baseline_runs[0], "tb"));
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(b, "runs"), "count")), "5");
    json_decref(b);
}

Test(runs, check_combines_reports_the_spread_and_fails_a_real_regression)
{
    char text[4096];
    int status;
    json_t *j;
    uint64_t lo = UINT64_MAX;
    size_t i;

    record_baseline_runs();
    j = json_check(baseline_runs, NULL, &status);
    cr_expect_eq(status, 0);
    cr_expect_str_eq(json_string_value(json_object_get(j, "verdict")), "pass");
    notice_text(j, "runs", text, sizeof(text));
    cr_expect(strstr(text, "spread") != NULL && strstr(text, "peak_memory_bytes") != NULL, "%s",
              text);
    cr_expect(strstr(text, "total_allocations_bytes 4.00 MiB in every run") != NULL, "%s", text);
    json_decref(j);

    for (i = 0; regressed_runs[i]; i++) {
        uint64_t p = dhat_sum(regressed_runs[i], "gb");
        lo = p < lo ? p : lo;
    }
    j = json_check(regressed_runs, NULL, &status);
    cr_expect_eq(status, 1, "every regressed run keeps 24 buffers per thread, not 16");
    cr_expect_eq(metric(j, "profile", "peak_memory_bytes"), lo, "the minimum of the runs");
    json_decref(j);
}

Test(runs, confirm_fails_only_when_every_run_is_past_the_limit)
{
    const char *mixed[] = {"runs/vgdhat-threads-baseline-run1.json",
                           "runs/vgdhat-threads-regressed-run1.json",
                           "runs/vgdhat-threads-regressed-run2.json", NULL};
    const char *confirm[] = {"--confirm", NULL};
    const char *max[] = {"--combine", "max", NULL};
    int status;
    json_t *j;

    record_baseline_runs();
    j = json_check(mixed, confirm, &status);
    cr_expect_eq(status, 0, "one run is within the limit");
    json_decref(j);
    j = json_check(mixed, max, &status);
    cr_expect_eq(status, 1, "the worst run is past it");
    json_decref(j);
    j = json_check(regressed_runs, confirm, &status);
    cr_expect_eq(status, 1, "every run is past it");
    json_decref(j);
}

Test(runs, deterministic_metrics_that_differ_are_flagged)
{
    const char *two[] = {"runs/vgdhat-threads-baseline-run1.json",
                         "runs/vgdhat-threads-3threads.json", NULL};
    char text[4096];
    int status;
    json_t *j;
    record_baseline_runs();
    j = json_check(two, NULL, &status);
    notice_text(j, "runs", text, sizeof(text));
    cr_expect(strstr(text, "total_allocations_bytes") != NULL &&
                  strstr(text, "differs between runs (3.00 MiB to 4.00 MiB)") != NULL,
              "%s", text);
    cr_expect(strstr(text, "allocation_count") != NULL &&
                  strstr(text, "differs between runs (363 to 484)") != NULL,
              "%s", text);
    json_decref(j);
}

Test(runs, a_bad_combine_is_a_usage_error)
{
    const char *bad[] = {"--combine", "mean", NULL};
    mg_run r = memgate("check", baseline_runs, bad);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "--combine must be min, median or max, not 'mean'") != NULL, "%s",
              r.err);
    mg_run_release(&r);
}
