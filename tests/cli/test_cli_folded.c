/* show --format folded: collapsed stacks whose weights sum exactly to the profile's totals. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static unsigned long long folded_sum(const char *path, const char *weight, size_t *lines)
{
    const char *argv[] = {"show", "--format", "folded", "--weight", weight, path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    unsigned long long sum = 0;
    const char *line;
    cr_assert_eq(r.status, 0, "%s: %s", path, r.err);
    *lines = 0;
    for (line = r.out; *line; line += strcspn(line, "\n") + 1) {
        const char *sp = NULL, *p;
        for (p = line; *p && *p != '\n'; p++)
            if (*p == ' ')
                sp = p;
        cr_assert_not_null(sp, "no count: %.80s", line);
        sum += strtoull(sp + 1, NULL, 10);
        (*lines)++;
        if (!*p)
            break;
    }
    mg_run_release(&r);
    return sum;
}

static json_int_t metric(const char *path, const char *key)
{
    const char *argv[] = {"show", "--format", "json", path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    json_t *j = json_loads(r.out, 0, NULL);
    json_int_t v;
    cr_assert_not_null(j);
    v = json_integer_value(
        json_object_get(json_object_get(json_object_get(j, "profile"), "metrics"), key));
    json_decref(j);
    mg_run_release(&r);
    return v;
}

Test(folded, sums_to_the_profile_totals_for_each_weight)
{
    static const char *const names[] = {"dhatrs-wordfreq-regressed-debug.json",
                                        "dhatrs-exprtree-untrimmed-debug.json", "vgdhat-sort.json",
                                        "vgdhat-jq-filter.json"};
    size_t i, n;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", mg_testdata("profiles"), names[i]);
        cr_expect_eq((json_int_t)folded_sum(path, "total", &n),
                     metric(path, "total_allocations_bytes"), "%s total", names[i]);
        cr_expect_gt(n, 1, "%s: one line per stack", names[i]);
        cr_expect_eq((json_int_t)folded_sum(path, "peak", &n), metric(path, "peak_memory_bytes"),
                     "%s peak", names[i]);
        cr_expect_eq((json_int_t)folded_sum(path, "count", &n), metric(path, "allocation_count"),
                     "%s count", names[i]);
    }
}

Test(folded, a_format_without_stacks_says_so)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s", mg_testdata("profiles/timev-sort.txt"));
    const char *argv[] = {"show", "--format", "folded", path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_neq(r.status, 0);
    cr_expect(strstr(r.err, "records no stacks") != NULL, "%s", r.err);
    mg_run_release(&r);
}

/* diff --format folded: "stack OLD NEW" per line; each column sums to its profile's total. */
static void folded_diff_sums(const char *a, const char *b, const char *weight, const char *key,
                             bool same_producer)
{
    const char *argv[] = {"diff", "--format", "folded", "--weight", weight, a, b, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    unsigned long long sa = 0, sb = 0;
    size_t lines = 0, both = 0;
    const char *line;
    cr_assert(r.status == 0 || r.status == 1, "%s %s: %s", a, b, r.err);
    for (line = r.out; *line;) {
        const char *end = strchr(line, '\n'), *p, *s1 = NULL, *s2 = NULL;
        unsigned long long va, vb;
        cr_assert_not_null(end, "every line ends");
        for (p = line; p < end; p++)
            if (*p == ' ')
                s1 = s2, s2 = p;
        cr_assert(s1 && s2, "two weights: %.80s", line);
        va = strtoull(s1 + 1, NULL, 10);
        vb = strtoull(s2 + 1, NULL, 10);
        cr_assert(va || vb, "a line with no weight: %.80s", line);
        sa += va;
        sb += vb;
        both += va && vb;
        lines++;
        line = end + 1;
    }
    cr_expect_eq((json_int_t)sa, metric(a, key), "%s: OLD's %s", weight, key);
    cr_expect_eq((json_int_t)sb, metric(b, key), "%s: NEW's %s", weight, key);
    if (same_producer) /* dhat-rs and Valgrind name the same frames differently */
        cr_expect_gt(both, 0, "stacks of both runs are matched by their frames (%zu lines)", lines);
    mg_run_release(&r);
}

Test(folded, diff_has_two_columns_that_sum_to_each_profiles_totals)
{
    static const char *const pairs[][2] = {
        {"dhatrs-wordfreq-baseline-debug.json", "dhatrs-wordfreq-regressed-debug.json"},
        {"dhatrs-jsondoc-baseline-release.json", "dhatrs-jsondoc-optimized-release.json"},
        {"dhatrs-pipeline-baseline-debug.json", "vgdhat-pipeline-baseline-debug.json"}};
    size_t i;
    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        char a[4096], b[4096];
        snprintf(a, sizeof(a), "%s/%s", mg_testdata("profiles"), pairs[i][0]);
        snprintf(b, sizeof(b), "%s/%s", mg_testdata("profiles"), pairs[i][1]);
        folded_diff_sums(a, b, "total", "total_allocations_bytes", i < 2);
        folded_diff_sums(a, b, "peak", "peak_memory_bytes", i < 2);
        folded_diff_sums(a, b, "count", "allocation_count", i < 2);
    }
}
