/*
 * Limits learned from the history (issue 15 part 5): peak=Nsigma, iqr, auto
 * from the newest entries of a history built by real update-baseline runs of
 * noisy Valgrind DHAT captures (testdata/runs). Every number memgate reports
 * is checked against Python's statistics module, fed the values this test
 * reads from the history file itself.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static char *dir;
static char base_path[4200], hist_path[4200], cfg_path[4200], prof_path[4200];

static void setup(void)
{
    dir = mg_tempdir();
    cr_assert_not_null(dir);
    snprintf(base_path, sizeof(base_path), "%s/base.json", dir);
    snprintf(hist_path, sizeof(hist_path), "%s/memory-history.jsonl", dir);
    snprintf(cfg_path, sizeof(cfg_path), "%s/pmat.yaml", dir);
}

static void teardown(void)
{
    mg_remove_tempdir(dir);
    dir = NULL;
}

TestSuite(learn, .init = setup, .fini = teardown);

static const char *const baseline_runs[] = {
    "runs/vgdhat-threads-baseline-run1.json", "runs/vgdhat-threads-baseline-run2.json",
    "runs/vgdhat-threads-baseline-run3.json", "runs/vgdhat-threads-baseline-run4.json",
    "runs/vgdhat-threads-baseline-run5.json", NULL};
/* a main branch where the program changed: five runs before, three after */
static const char *const stepped_runs[] = {"runs/vgdhat-threads-baseline-run1.json",
                                           "runs/vgdhat-threads-baseline-run2.json",
                                           "runs/vgdhat-threads-baseline-run3.json",
                                           "runs/vgdhat-threads-baseline-run4.json",
                                           "runs/vgdhat-threads-baseline-run5.json",
                                           "runs/vgdhat-threads-regressed-run1.json",
                                           "runs/vgdhat-threads-regressed-run2.json",
                                           "runs/vgdhat-threads-regressed-run3.json",
                                           NULL};

/* memgate CMD PROFILE --baseline B --config C|--no-config extra... */
static mg_run memgate(const char *cmd, const char *profile, const char *const *extra, bool config)
{
    const char *argv[32] = {cmd, NULL, "--baseline", base_path};
    size_t n = 4;
    snprintf(prof_path, sizeof(prof_path), "%s", mg_testdata(profile));
    argv[1] = prof_path;
    argv[n++] = config ? "--config" : "--no-config";
    if (config)
        argv[n++] = cfg_path;
    for (; extra && *extra; extra++)
        argv[n++] = *extra;
    return mg_run_memgate(argv, NULL, NULL);
}

/* One update-baseline per run, as a main branch's CI would: the history is theirs. */
static void build_history(const char *const *runs)
{
    const char *args[] = {"--approve", "--allow-regression", NULL};
    for (; *runs; runs++) {
        mg_run r = memgate("update-baseline", *runs, args, false);
        cr_assert_eq(r.status, 0, "%s: %s", *runs, r.err);
        mg_run_release(&r);
    }
}

/* The peak of each history line, read from the file (not from memgate's report). */
static size_t history_peaks(uint64_t *out, size_t max)
{
    FILE *f = fopen(hist_path, "r");
    char line[4096];
    size_t n = 0;
    cr_assert_not_null(f, "%s", hist_path);
    while (n < max && fgets(line, sizeof(line), f)) {
        json_t *j = json_loads(line, 0, NULL);
        cr_assert_not_null(j);
        out[n++] = (uint64_t)json_integer_value(json_object_get(j, "peak_memory_bytes"));
        json_decref(j);
    }
    fclose(f);
    return n;
}

/* Python's answer for values: mean, sd, q1, median, q3, ceil(mean+k*sd), ceil(q3+1.5iqr). */
static void python_stats(const uint64_t *v, size_t n, double k, double out[7])
{
    char cmd[8192];
    size_t used;
    FILE *p;
    used =
        (size_t)snprintf(cmd, sizeof(cmd),
                         "python3 -c 'import math,statistics as s,sys\n"
                         "v=[int(x) for x in sys.argv[2:]]; k=float(sys.argv[1])\n"
                         "m=s.mean(v); sd=s.stdev(v); q=s.quantiles(v,n=4,method=\"inclusive\")\n"
                         "print(m, sd, q[0], q[1], q[2], math.ceil(m+k*sd), "
                         "math.ceil(q[2]+1.5*(q[2]-q[0])))' %g",
                         k);
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(cmd + used, sizeof(cmd) - used, " %llu", (unsigned long long)v[i]);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    cr_assert_eq(fscanf(p, "%lf %lf %lf %lf %lf %lf %lf", &out[0], &out[1], &out[2], &out[3],
                        &out[4], &out[5], &out[6]),
                 7, "python3 statistics");
    cr_assert_eq(pclose(p), 0);
}

static json_t *check_json(const char *profile, const char *const *extra, bool config, int *status)
{
    /* no drift budget: the learned limit alone decides */
    const char *args[16] = {"--format", "json", "--drift", "peak=none"};
    size_t n = 4;
    mg_run r;
    json_t *j;
    for (; extra && *extra; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    r = memgate("check", profile, args, config);
    *status = r.status;
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "exit %d: %s", r.status, r.err);
    mg_run_release(&r);
    return j;
}

static json_t *learned_peak(json_t *j)
{
    json_t *l = json_object_get(j, "learned"), *e;
    size_t i;
    json_array_foreach(l, i, e) if (!strcmp(json_string_value(json_object_get(e, "metric")),
                                            "peak_memory_bytes")) return e;
    cr_assert_fail("no learned limit for peak in the report");
    return NULL;
}

static double num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static uint64_t current_peak(json_t *j)
{
    return (uint64_t)json_integer_value(json_object_get(
        json_object_get(json_object_get(j, "profile"), "metrics"), "peak_memory_bytes"));
}

/* memgate's numbers for rule against Python's over the newest `window` history peaks. */
static void expect_rule(const char *rule, double k, int which, size_t window, const char *profile)
{
    char limit[64];
    const char *extra[] = {"--limit", limit, NULL};
    uint64_t all[64], *v;
    size_t n = history_peaks(all, 64), used = n < window ? n : window;
    double py[7];
    json_t *j, *l;
    int status;

    snprintf(limit, sizeof(limit), "peak=%s", rule);
    v = all + (n - used);
    python_stats(v, used, k, py);
    j = check_json(profile, extra, false, &status);
    l = learned_peak(j);
    cr_expect_str_eq(json_string_value(json_object_get(l, "rule")), rule);
    cr_expect_eq((size_t)json_integer_value(json_object_get(l, "samples")), used);
    cr_expect(json_is_false(json_object_get(l, "fallback")));
    cr_expect(fabs(num(l, "mean") - py[0]) < 1e-6 * py[0], "mean %f vs %f", num(l, "mean"), py[0]);
    cr_expect(fabs(num(l, "sd") - py[1]) < 1e-6 * (py[1] + 1), "sd %f vs %f", num(l, "sd"), py[1]);
    cr_expect(fabs(num(l, "q1") - py[2]) < 1e-6 * py[2]);
    cr_expect(fabs(num(l, "median") - py[3]) < 1e-6 * py[3]);
    cr_expect(fabs(num(l, "q3") - py[4]) < 1e-6 * py[4]);
    {
        uint64_t want = which == 5   ? (uint64_t)py[5]
                        : which == 6 ? (uint64_t)py[6]
                                     : (uint64_t)fmax(py[5], py[6]);
        uint64_t got = (uint64_t)json_integer_value(json_object_get(l, "limit"));
        cr_expect_eq(got, want, "%s: limit %llu, python %llu", rule, (unsigned long long)got,
                     (unsigned long long)want);
        /* and the verdict follows it */
        cr_expect_eq(status, current_peak(j) > want ? 1 : 0, "%s: current %llu, limit %llu", rule,
                     (unsigned long long)current_peak(j), (unsigned long long)want);
    }
    json_decref(j);
}

Test(learn, sigma_iqr_and_auto_match_python_over_a_stable_history)
{
    build_history(baseline_runs);
    expect_rule("3sigma", 3, 5, 20, "runs/vgdhat-threads-regressed-run1.json");
    expect_rule("2.5sigma", 2.5, 5, 20, "runs/vgdhat-threads-baseline-run2.json");
    expect_rule("iqr", 3, 6, 20, "runs/vgdhat-threads-regressed-run1.json");
    expect_rule("auto", 3, 7, 20, "runs/vgdhat-threads-baseline-run1.json");
}

Test(learn, a_stepped_history_and_the_window)
{
    build_history(stepped_runs);
    expect_rule("3sigma", 3, 5, 20, "runs/vgdhat-threads-regressed-run2.json");
    expect_rule("iqr", 3, 6, 20, "runs/vgdhat-threads-regressed-run3.json");
    /* the newest 6 entries only: memgate.learn.window */
    cr_assert_eq(mg_spit(cfg_path, "memgate:\n  learn:\n    window: 6\n"), 0);
    {
        const char *extra[] = {"--limit", "peak=auto", NULL};
        uint64_t all[64];
        size_t n = history_peaks(all, 64);
        double py[7];
        int status;
        json_t *j = check_json("runs/vgdhat-threads-regressed-run1.json", extra, true, &status);
        json_t *l = learned_peak(j);
        python_stats(all + n - 6, 6, 3, py);
        cr_expect_eq(json_integer_value(json_object_get(l, "samples")), 6);
        cr_expect_eq(json_integer_value(json_object_get(l, "window")), 6);
        cr_expect_eq((uint64_t)json_integer_value(json_object_get(l, "limit")),
                     (uint64_t)fmax(py[5], py[6]));
        json_decref(j);
    }
}

Test(learn, too_short_a_history_uses_the_fallback)
{
    const char *extra[] = {"--limit", "peak=3sigma", NULL};
    json_t *j, *l;
    int status;
    build_history(baseline_runs + 2); /* three entries */
    /* built-in default for peak: +10% & +64 KiB; the regressed run grew +59.9% */
    j = check_json("runs/vgdhat-threads-regressed-run1.json", extra, false, &status);
    l = learned_peak(j);
    cr_expect_eq(json_integer_value(json_object_get(l, "samples")), 3);
    cr_expect(json_is_true(json_object_get(l, "fallback")));
    cr_expect_str_eq(json_string_value(json_object_get(l, "fallback_limit")), "+10% & +64.0 KiB");
    cr_expect_eq(status, 1);
    json_decref(j);
    /* learn.fallback and learn.min_samples from .pmat.yaml */
    cr_assert_eq(mg_spit(cfg_path, "memgate:\n  learn:\n    fallback: +70%\n"), 0);
    j = check_json("runs/vgdhat-threads-regressed-run1.json", extra, true, &status);
    cr_expect_str_eq(json_string_value(json_object_get(learned_peak(j), "fallback_limit")), "+70%");
    cr_expect_eq(status, 0, "+59.9%% is within the +70%% fallback");
    json_decref(j);
    cr_assert_eq(mg_spit(cfg_path, "memgate:\n  learn:\n    min_samples: 3\n"), 0);
    j = check_json("runs/vgdhat-threads-regressed-run1.json", extra, true, &status);
    cr_expect(json_is_false(json_object_get(learned_peak(j), "fallback")));
    cr_expect_eq(status, 1);
    json_decref(j);
}

Test(learn, explain_shows_the_numbers_and_the_yaml_form_works)
{
    const char *extra[] = {"--explain", "--format", "json", "--output", "/dev/null", NULL};
    uint64_t v[16];
    size_t n;
    double py[7];
    char want[128], *text;
    mg_run r;
    build_history(baseline_runs);
    n = history_peaks(v, 16);
    python_stats(v, n, 3, py);
    cr_assert_eq(mg_spit(cfg_path, "memgate:\n  limits:\n    peak: 3sigma\n"), 0);
    r = memgate("check", "runs/vgdhat-threads-regressed-run1.json", extra, true);
    cr_expect_eq(r.status, 1, "%s", r.err);
    text = r.out;
    cr_expect(strstr(text, "learned from the history (window 20, min_samples 5):"), "%s", text);
    snprintf(want, sizeof(want), "peak_memory_bytes fail 3sigma: %zu samples, mean %.1f, sd %.1f",
             n, py[0], py[1]);
    cr_expect(strstr(text, want), "want '%s' in:\n%s", want, text);
    {
        /* the limit, with thousands separators as memgate prints counts */
        char digits[32], grouped[48];
        size_t len, k = 0;
        snprintf(digits, sizeof(digits), "%llu", (unsigned long long)py[5]);
        len = strlen(digits);
        for (size_t i = 0; i < len; i++) {
            grouped[k++] = digits[i];
            if ((len - i - 1) % 3 == 0 && i + 1 < len)
                grouped[k++] = ',';
        }
        grouped[k] = '\0';
        snprintf(want, sizeof(want), "(%s B)", grouped);
    }
    cr_expect(strstr(text, want), "want '%s' in:\n%s", want, text);
    mg_run_release(&r);
}

Test(learn, a_bad_learned_term_is_a_usage_error)
{
    const char *mixed[] = {"--limit", "peak=3sigma&+5%", NULL};
    const char *zero[] = {"--limit", "peak=0sigma", NULL};
    mg_run r = memgate("check", "runs/vgdhat-threads-baseline-run1.json", mixed, false);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "combines only with a ceiling"), "%s", r.err);
    mg_run_release(&r);
    r = memgate("check", "runs/vgdhat-threads-baseline-run1.json", zero, false);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "Nsigma"), "%s", r.err);
    mg_run_release(&r);
}
