/* hsdiff: hotspot changes by function name, on synthetic lists and on real baseline/regressed
 * pairs. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "memgate/hsdiff.h"
#include "run.h"

static mg_hotspot hs(const char *fn, uint64_t tb)
{
    mg_hotspot h;
    memset(&h, 0, sizeof(h));
    h.function = (char *)fn;
    h.total_bytes = tb;
    return h;
}

static const mg_hs_change *find(const mg_hsdiff *d, const char *fn)
{
    size_t i;
    for (i = 0; i < d->n; i++)
        if (!strcmp(d->items[i].function, fn))
            return &d->items[i];
    return NULL;
}

static const mg_hsdiff_options all = {10, 0, 0, 0};

Test(hsdiff, grew_shrank_appeared_gone_by_name)
{
    mg_hotspot before[] = {hs("a", 1000000), hs("b", 500000), hs("c", 200000)};
    mg_hotspot after[] = {hs("b", 900000), hs("a", 400000), hs("d", 300000)};
    mg_hsdiff d;
    mg_error err;
    const mg_hs_change *c;
    mg_error_init(&err);
    cr_assert_eq(mg_hsdiff_compute(&d, before, 3, true, after, 3, true, &all, &err), 0);
    cr_expect_eq(d.n, 4);
    c = find(&d, "a");
    cr_assert_not_null(c);
    cr_expect_eq(c->kind, MG_HS_SHRANK);
    cr_expect(c->negative && c->delta == 600000);
    cr_expect_float_eq(c->pct, -60.0, 1e-9);
    c = find(&d, "b");
    cr_expect_eq(c->kind, MG_HS_GREW);
    cr_expect_eq(c->delta, 400000);
    c = find(&d, "c");
    cr_expect_eq(c->kind, MG_HS_GONE);
    cr_expect_eq(c->after, 0);
    c = find(&d, "d");
    cr_expect_eq(c->kind, MG_HS_APPEARED);
    cr_expect_not(c->has_pct);
    /* largest change first */
    cr_expect_str_eq(d.items[0].function, "a");
    cr_expect_str_eq(d.items[1].function, "b");
    mg_hsdiff_release(&d);
}

Test(hsdiff, incomplete_lists_do_not_claim_what_they_cannot_know)
{
    /* the earlier list is a top 2 whose smallest entry is 500000 */
    mg_hotspot before[] = {hs("a", 1000000), hs("b", 500000)};
    mg_hotspot after_top[] = {hs("a", 1000000), hs("x", 600000), hs("y", 400000)};
    mg_hsdiff d;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_hsdiff_compute(&d, before, 2, false, after_top, 3, false, &all, &err), 0);
    /* x > floor: it entered the top (from somewhere <= 500000); y may have been there all along;
       b is not in the later top list, which is not complete: say nothing about b */
    cr_expect_eq(d.n, 1);
    cr_expect_str_eq(d.items[0].function, "x");
    cr_expect_eq(d.items[0].kind, MG_HS_ENTERED);
    cr_expect_eq(d.floor, 500000);
    mg_hsdiff_release(&d);
}

Test(hsdiff, thresholds_both_must_be_exceeded)
{
    mg_hotspot before[] = {hs("big", 100000000), hs("small", 1000)};
    mg_hotspot after[] = {hs("big", 100500000), hs("small", 2000)};
    mg_hsdiff_options o = {10, 100, 4096, 0}; /* 1% and 4 KiB */
    mg_hsdiff d;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_hsdiff_compute(&d, before, 2, true, after, 2, true, &o, &err), 0);
    /* big: +500 KB but only +0.5%; small: +100% but only 1000 B */
    cr_expect_eq(d.n, 0);
    mg_hsdiff_release(&d);
    o.max_items = 1;
    o.min_change_bp = 0;
    o.min_bytes = 0;
    cr_assert_eq(mg_hsdiff_compute(&d, before, 2, true, after, 2, true, &o, &err), 0);
    cr_expect_eq(d.n, 1);
    cr_expect_eq(d.n_significant, 2);
    cr_expect_str_eq(d.items[0].function, "big");
    mg_hsdiff_release(&d);
}

/* ---- real pairs: expected deltas come from the independently computed sidecars ---- */

static json_t *top10(const char *name)
{
    char rel[256];
    json_t *j;
    snprintf(rel, sizeof(rel), "profiles/%s.expected.json", name);
    j = json_load_file(mg_testdata(rel), 0, NULL);
    cr_assert_not_null(j, "%s", rel);
    return j;
}

static json_int_t tb_of(json_t *sidecar, const char *fn)
{
    json_t *a = json_object_get(sidecar, "top10_functions_by_tb"), *x;
    size_t i;
    json_array_foreach(a, i,
                       x) if (!strcmp(json_string_value(json_object_get(x, "function")),
                                      fn)) return json_integer_value(json_object_get(x, "tb"));
    return -1;
}

static void real_pair(const char *base, const char *regressed)
{
    char pa[256], pb[256];
    mg_profile *a = NULL, *b = NULL;
    /* the sidecars rank by the allocation-site rule */
    mg_load_options lo = {.top_n = 1000, .attribution = MG_ATTR_ALLOC_SITE};
    mg_hsdiff d;
    mg_error err;
    size_t na, nb, i;
    const mg_hotspot *ha, *hb;
    json_t *ea = top10(base), *eb = top10(regressed), *x;
    unsigned changed = 0;

    mg_error_init(&err);
    snprintf(pa, sizeof(pa), "%s", mg_testdata("profiles/"));
    strncat(pa, base, sizeof(pa) - strlen(pa) - 6);
    strcat(pa, ".json");
    snprintf(pb, sizeof(pb), "%s", mg_testdata("profiles/"));
    strncat(pb, regressed, sizeof(pb) - strlen(pb) - 6);
    strcat(pb, ".json");
    cr_assert_eq(mg_profile_load(&a, pa, &lo, &err), 0, "%s", err.msg);
    cr_assert_eq(mg_profile_load(&b, pb, &lo, &err), 0, "%s", err.msg);
    ha = mg_profile_hotspots(a, &na);
    hb = mg_profile_hotspots(b, &nb);
    cr_assert_eq(mg_hsdiff_compute(&d, ha, na, true, hb, nb, true, &all, &err), 0, "%s", err.msg);
    /* every function of either sidecar: the change is exactly the difference of the sums */
    json_array_foreach(json_object_get(eb, "top10_functions_by_tb"), i, x)
    {
        const char *fn = json_string_value(json_object_get(x, "function"));
        json_int_t before = tb_of(ea, fn), after = json_integer_value(json_object_get(x, "tb"));
        const mg_hs_change *c = find(&d, fn);
        if (before < 0) {
            cr_assert_not_null(c, "%s appeared but is not listed", fn);
            cr_expect_eq(c->kind, MG_HS_APPEARED);
            cr_expect_eq((json_int_t)c->after, after);
            changed++;
            continue;
        }
        if (before == after) {
            cr_expect_null(c, "%s did not change but is listed", fn);
            continue;
        }
        cr_assert_not_null(c, "%s changed by %lld but is not listed", fn,
                           (long long)(after - before));
        cr_expect_eq(c->kind, after > before ? MG_HS_GREW : MG_HS_SHRANK, "%s", fn);
        cr_expect_eq((json_int_t)c->before, before, "%s", fn);
        cr_expect_eq((json_int_t)c->after, after, "%s", fn);
        cr_expect_eq(c->negative, after < before);
        cr_expect_eq((json_int_t)c->delta, after > before ? after - before : before - after);
        changed++;
    }
    json_array_foreach(json_object_get(ea, "top10_functions_by_tb"), i, x)
    {
        const char *fn = json_string_value(json_object_get(x, "function"));
        if (tb_of(eb, fn) < 0) {
            const mg_hs_change *c = find(&d, fn);
            cr_assert_not_null(c, "%s is gone but not listed", fn);
            cr_expect_eq(c->kind, MG_HS_GONE);
            changed++;
        }
    }
    cr_expect_eq(d.n, changed);
    mg_hsdiff_release(&d);
    mg_profile_free(a);
    mg_profile_free(b);
    json_decref(ea);
    json_decref(eb);
}

Test(hsdiff_real, wordfreq_baseline_vs_regressed)
{
    real_pair("dhatrs-wordfreq-baseline-debug", "dhatrs-wordfreq-regressed-debug");
}

Test(hsdiff_real, pipeline_baseline_vs_regressed)
{
    real_pair("dhatrs-pipeline-baseline-debug", "dhatrs-pipeline-regressed-debug");
}

Test(hsdiff_real, pipeline_baseline_vs_optimized)
{
    real_pair("dhatrs-pipeline-baseline-debug", "dhatrs-pipeline-optimized-debug");
}

Test(hsdiff_real, different_programs_have_appeared_and_gone_functions)
{
    /* wordfreq has hashbrown tables and no Vec::reserve; pipeline the other way round */
    real_pair("dhatrs-wordfreq-baseline-debug", "dhatrs-pipeline-baseline-debug");
}

Test(hsdiff_real, pipeline_regression_names_push_mut_and_append_elements)
{
    /* the numbers a reviewer sees: grew +9,436,896 B (+75.0%) and +8,519,615 B (+690.5%) */
    char pa[256], pb[256];
    mg_profile *a = NULL, *b = NULL;
    /* the sidecars rank by the allocation-site rule */
    mg_load_options lo = {.top_n = 1000, .attribution = MG_ATTR_ALLOC_SITE};
    mg_hsdiff_options o = {10, 100, 4096, 10};
    mg_hsdiff d;
    mg_error err;
    size_t na, nb;
    const mg_hotspot *ha, *hb;
    const mg_hs_change *c;

    mg_error_init(&err);
    snprintf(pa, sizeof(pa), "%s", mg_testdata("profiles/dhatrs-pipeline-baseline-debug.json"));
    snprintf(pb, sizeof(pb), "%s", mg_testdata("profiles/dhatrs-pipeline-regressed-debug.json"));
    cr_assert_eq(mg_profile_load(&a, pa, &lo, &err), 0, "%s", err.msg);
    cr_assert_eq(mg_profile_load(&b, pb, &lo, &err), 0, "%s", err.msg);
    ha = mg_profile_hotspots(a, &na);
    hb = mg_profile_hotspots(b, &nb);
    cr_assert_eq(mg_hsdiff_compute(&d, ha, na, true, hb, nb, true, &o, &err), 0);
    c = find(&d, "alloc::vec::Vec<T,A>::push_mut");
    cr_assert_not_null(c);
    cr_expect_eq(c->delta, 22019424 - 12582528);
    cr_expect_float_eq(c->pct, 75.0, 0.05);
    c = find(&d, "alloc::vec::Vec<T,A>::append_elements");
    cr_assert_not_null(c);
    cr_expect_eq(c->delta, 9753487 - 1233872);
    cr_expect_float_eq(c->pct, 690.5, 0.05);
    cr_expect_null(find(&d, "<alloc::vec::Vec<u8>>::reserve"), "unchanged: 15,410,996 both");
    mg_hsdiff_release(&d);
    mg_profile_free(a);
    mg_profile_free(b);
}
