/* Chart axes: y from zero, ticks at 1, 2 or 5 x 10^n in the metric's unit, x labels by date. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "report/chart.h"

static void assert_nice(enum mg_metric m, uint64_t max)
{
    mg_axis a;
    double mant, ticks;
    mg_axis_nice(&a, m, max);
    mant = a.step / pow(10.0, floor(log10(a.step) + 1e-9));
    cr_assert(fabs(mant - 1) < 1e-6 || fabs(mant - 2) < 1e-6 || fabs(mant - 5) < 1e-6,
              "max %llu: step %g is not 1, 2 or 5 x 10^n", (unsigned long long)max, a.step);
    cr_assert_geq(a.top * a.unit * (1 + 1e-9), (double)max, "max %llu above the top %g %s",
                  (unsigned long long)max, a.top, a.unit_name);
    ticks = a.top / a.step;
    cr_assert(fabs(ticks - round(ticks)) < 1e-6, "top %g is not a multiple of step %g", a.top,
              a.step);
    cr_assert(ticks >= 1 && ticks <= 10, "max %llu: %g intervals", (unsigned long long)max, ticks);
    /* the axis does not waste more than half of itself above the data */
    if (max > 10)
        cr_assert_leq(a.top - a.step, (double)max / a.unit, "max %llu: top %g step %g",
                      (unsigned long long)max, a.top, a.step);
}

Test(chart, ticks_are_one_two_or_five_times_a_power_of_ten)
{
    uint64_t v = 1;
    for (int i = 0; i < 200; i++) {
        assert_nice(MG_PEAK_BYTES, v);
        assert_nice(MG_ALLOC_COUNT, v);
        assert_nice(MG_RUNTIME_US, v);
        v = v * 13 / 7 + 3; /* a spread of magnitudes and mantissas */
        if (v > ((uint64_t)1 << 50))
            break;
    }
}

Test(chart, the_metric_unit_and_labels)
{
    mg_axis a;
    char l[32];
    mg_axis_nice(&a, MG_PEAK_BYTES, 18600624); /* 17.7 MiB */
    cr_expect_str_eq(a.unit_name, "MiB");
    cr_expect_float_eq(a.step, 5.0, 1e-9);
    cr_expect_float_eq(a.top, 20.0, 1e-9);
    mg_axis_label(&a, 15, l, sizeof(l));
    cr_expect_str_eq(l, "15 MiB");
    mg_axis_nice(&a, MG_ALLOC_COUNT, 1479407);
    cr_expect_str_eq(a.unit_name, "");
    mg_axis_label(&a, a.top, l, sizeof(l));
    cr_expect_str_eq(l, "1,500,000");
    mg_axis_nice(&a, MG_RUNTIME_US, 7839532);
    cr_expect_str_eq(a.unit_name, "s");
    mg_axis_label(&a, a.top, l, sizeof(l));
    cr_expect_str_eq(l, "8 s");
    mg_axis_nice(&a, MG_PEAK_BYTES, 1536 * 1024); /* 1.5 MiB: steps below one unit */
    mg_axis_label(&a, 0.2, l, sizeof(l));
    cr_expect_str_eq(l, "0.2 MiB");
    mg_axis_nice(&a, MG_PEAK_BYTES, 0);
    cr_expect_gt(a.top, 0.0);
}

Test(chart, x_labels_name_entries_by_date)
{
    char l[32];
    mg_chart_x_label("aaaa1111bbbb", "2026-12-01T10:00:00Z", 0, l, sizeof(l));
    cr_expect_str_eq(l, "12-01 aaaa111");
    mg_chart_x_label(NULL, "2026-12-01T10:00:00Z", 0, l, sizeof(l));
    cr_expect_str_eq(l, "2026-12-01");
    mg_chart_x_label("abc\"def", NULL, 3, l, sizeof(l));
    cr_expect_str_eq(l, "abc");
    mg_chart_x_label(NULL, "yesterday", 3, l, sizeof(l));
    cr_expect_str_eq(l, "#4");
}
