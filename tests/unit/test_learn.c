/* mg_learn_resolve: the window, the minimum sample count, the fallback, the levels. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memgate/gate.h"
#include "memgate/learn.h"

static mg_history h;

static void load(const uint64_t *peaks, size_t n, const char *other_workload_peak)
{
    char text[8192];
    size_t used = 0;
    mg_error e;
    for (size_t i = 0; i < n; i++) {
        used += (size_t)snprintf(text + used, sizeof(text) - used,
                                 "{\"workload\":\"default\",\"peak_memory_bytes\":%llu}\n",
                                 (unsigned long long)peaks[i]);
        if (other_workload_peak) /* another workload's lines never count */
            used += (size_t)snprintf(text + used, sizeof(text) - used,
                                     "{\"workload\":\"other\",\"peak_memory_bytes\":%s}\n",
                                     other_workload_peak);
    }
    mg_history_init(&h);
    mg_error_init(&e);
    cr_assert_eq(mg_history_parse(&h, text, used, "test", &e), 0, "%s", e.msg);
}

static void fini(void)
{
    mg_history_release(&h);
}

TestSuite(learn, .fini = fini);

static double mean_of(const uint64_t *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)v[i];
    return s / (double)n;
}

static double sd_of(const uint64_t *v, size_t n)
{
    double m = mean_of(v, n), s = 0;
    for (size_t i = 0; i < n; i++)
        s += ((double)v[i] - m) * ((double)v[i] - m);
    return sqrt(s / (double)(n - 1));
}

Test(learn, the_window_takes_the_newest_entries_of_the_workload)
{
    const uint64_t peaks[] = {9000, 100, 200, 300, 400, 500}; /* the oldest falls outside */
    mg_learn_settings s;
    mg_learned out[4];
    mg_policy p;
    mg_error e;
    size_t n;

    load(peaks, 6, "77777777");
    mg_learn_defaults(&s);
    s.window = 5;
    mg_policy_defaults(&p);
    mg_error_init(&e);
    cr_assert_eq(mg_policy_apply(&p, "peak=3sigma&<=1MB", false, MG_SRC_FLAG, &e), 0);
    cr_assert_eq(mg_policy_apply(&p, "peak=iqr", true, MG_SRC_FLAG, &e), 0);
    n = mg_learn_resolve(&p, &h, NULL, &s, out, 4);
    cr_assert_eq(n, 2);
    cr_expect_eq(out[0].level, MG_LEVEL_FAIL);
    cr_expect_eq(out[0].n, 5);
    cr_expect_eq(out[0].bound, (uint64_t)ceil(mean_of(peaks + 1, 5) + 3 * sd_of(peaks + 1, 5)));
    cr_expect(p.fail[MG_PEAK_BYTES].has_learned);
    cr_expect_eq(p.fail[MG_PEAK_BYTES].learned_max, out[0].bound);
    cr_expect(p.fail[MG_PEAK_BYTES].has_max && p.fail[MG_PEAK_BYTES].max == 1000000,
              "the ceiling stays");
    /* sorted 100..500: type-7 quartiles are the 2nd and 4th values exactly */
    cr_expect_eq(out[1].level, MG_LEVEL_WARN);
    cr_expect_eq(out[1].q1, 200.0);
    cr_expect_eq(out[1].median, 300.0);
    cr_expect_eq(out[1].q3, 400.0);
    cr_expect_eq(out[1].bound, 400 + 300);
    cr_expect(mg_limit_trips(&p.fail[MG_PEAK_BYTES], false, 0, out[0].bound + 1));
    cr_expect_not(mg_limit_trips(&p.fail[MG_PEAK_BYTES], false, 0, out[0].bound));
}

Test(learn, too_few_samples_fall_back_and_keep_the_ceiling)
{
    const uint64_t peaks[] = {100, 200, 300};
    mg_learn_settings s;
    mg_learned out[2];
    mg_policy p;
    mg_error e;
    load(peaks, 3, NULL);
    mg_learn_defaults(&s);
    mg_policy_defaults(&p);
    mg_error_init(&e);
    cr_assert_eq(mg_policy_apply(&p, "peak=auto&<=2MB", false, MG_SRC_FLAG, &e), 0);
    cr_assert_eq(mg_learn_resolve(&p, &h, NULL, &s, out, 2), 1);
    cr_expect(out[0].fallback);
    cr_expect_eq(out[0].n, 3);
    /* the built-in peak limit: +10% & +64 KiB, and the ceiling given with auto */
    cr_expect(p.fail[MG_PEAK_BYTES].has_rel && p.fail[MG_PEAK_BYTES].rel_bp == 1000);
    cr_expect(p.fail[MG_PEAK_BYTES].has_abs && p.fail[MG_PEAK_BYTES].abs == 64 * 1024);
    cr_expect(p.fail[MG_PEAK_BYTES].has_max && p.fail[MG_PEAK_BYTES].max == 2000000);
    cr_expect_eq(p.fail[MG_PEAK_BYTES].learn, MG_LEARN_NONE);
    /* learn.fallback instead */
    mg_policy_defaults(&p);
    cr_assert_eq(mg_policy_apply(&p, "peak=auto", false, MG_SRC_FLAG, &e), 0);
    s.has_fallback = true;
    cr_assert_eq(mg_limit_parse("+50%&<=9MB", &s.fallback, &e), 0);
    mg_learn_resolve(&p, &h, NULL, &s, out, 2);
    cr_expect(p.fail[MG_PEAK_BYTES].has_rel && p.fail[MG_PEAK_BYTES].rel_bp == 5000);
    cr_expect_not(p.fail[MG_PEAK_BYTES].has_abs);
    cr_expect_not(p.fail[MG_PEAK_BYTES].has_max, "the fallback brings no ceiling of its own");
    /* min_samples 3 is enough */
    mg_policy_defaults(&p);
    cr_assert_eq(mg_policy_apply(&p, "peak=2sigma", false, MG_SRC_FLAG, &e), 0);
    s.min_samples = 3;
    mg_learn_resolve(&p, &h, NULL, &s, out, 2);
    cr_expect_not(out[0].fallback);
    cr_expect_eq(out[0].bound, (uint64_t)ceil(mean_of(peaks, 3) + 2 * sd_of(peaks, 3)));
}
