/* show --format folded: collapsed stacks whose weights sum exactly to the profile's totals. */
#include <criterion/criterion.h>
#include <jansson.h>
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
