/* blame: sums by function and line, the changes for total and peak, and the culprit of a metric. */
#include <criterion/criterion.h>
#include <string.h>

#include "memgate/blame.h"

static mg_site site(const char *fn, const char *file, unsigned line, uint64_t total, uint64_t peak,
                    uint64_t count, bool own)
{
    mg_site s;
    memset(&s, 0, sizeof(s));
    s.function = fn;
    s.file = file;
    s.line = line;
    s.w[MG_BLAME_TOTAL] = total;
    s.w[MG_BLAME_PEAK] = peak;
    s.w[MG_BLAME_COUNT] = count;
    s.own = own;
    return s;
}

static mg_row row(enum mg_metric m, uint64_t before, uint64_t after)
{
    mg_row r;
    memset(&r, 0, sizeof(r));
    r.metric = m;
    r.in_baseline = r.in_current = true;
    r.baseline = before;
    r.current = after;
    r.negative = after < before;
    r.delta = r.negative ? before - after : after - before;
    r.status = r.negative ? MG_STATUS_IMPROVED : MG_STATUS_FAIL;
    return r;
}

static const mg_blame_fn *fn_named(const mg_blame *b, const char *name)
{
    size_t i;
    for (i = 0; i < b->n; i++)
        if (!strcmp(b->fns[i].function, name))
            return &b->fns[i];
    return NULL;
}

/* The earlier run: gen_text and count_words; the later one: count_words grew on two lines. */
static void wordfreq_like(mg_blame *b)
{
    mg_site before[] = {
        site("memwl::gen_text", "wl/src/lib.rs", 28, 3000, 3000, 2, true),
        site("wordfreq::count_words", "src/bin/wordfreq.rs", 16, 1000, 100, 50, true),
        site("alloc::fmt::format::{{closure}}", "alloc/src/fmt.rs", 659, 500, 400, 5, false),
    };
    mg_site after[] = {
        site("memwl::gen_text", "wl/src/lib.rs", 28, 3000, 3000, 2, true),
        site("wordfreq::count_words", "src/bin/wordfreq.rs", 27, 24000, 12000, 18, true),
        site("wordfreq::count_words::{{closure}}", "src/bin/wordfreq.rs", 27, 2000, 2000, 40, true),
        site("wordfreq::count_words", "src/bin/wordfreq.rs", 32, 1000, 0, 30, true),
        site("wordfreq::count_words", "src/bin/wordfreq.rs", 16, 1000, 100, 50, true),
        site("alloc::fmt::format::{{closure}}", "alloc/src/fmt.rs", 659, 500, 400, 5, false),
    };
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_blame_compute(b, before, 3, NULL, after, 6, &err), 0, "%s", err.msg);
}

Test(blame, closures_count_as_their_function_and_lines_stay_apart)
{
    mg_blame b;
    const mg_blame_fn *f;
    size_t i;
    bool saw27 = false;
    wordfreq_like(&b);
    f = fn_named(&b, "wordfreq::count_words");
    cr_assert_not_null(f);
    cr_expect_null(fn_named(&b, "wordfreq::count_words::{{closure}}"));
    cr_expect_eq(f->before[MG_BLAME_TOTAL], 1000);
    cr_expect_eq(f->after[MG_BLAME_TOTAL], 28000);
    cr_expect_eq(f->after[MG_BLAME_PEAK], 14100);
    cr_expect_eq(f->n_lines, 3);
    for (i = 0; i < f->n_lines; i++)
        if (!strcmp(f->lines[i].where, "src/bin/wordfreq.rs:27")) {
            saw27 = true;
            cr_expect_eq(f->lines[i].after[MG_BLAME_TOTAL], 26000, "closure and body on line 27");
        }
    cr_expect(saw27);
    /* any closure folds into the function that defines it */
    cr_expect_not_null(fn_named(&b, "alloc::fmt::format"));
    mg_blame_release(&b);
}

Test(blame, culprit_names_the_function_and_its_heaviest_line)
{
    mg_blame b;
    mg_culprit c;
    mg_row r = row(MG_PEAK_BYTES, 3500, 17500);
    wordfreq_like(&b);
    mg_blame_culprit(&b, MG_CULPRIT_NO_STACKS, &r, &c);
    cr_assert_eq(c.state, MG_CULPRIT_FOUND);
    cr_assert_eq(c.n_parts, 1, "one function carries it all");
    cr_expect_str_eq(c.parts[0].function, "wordfreq::count_words");
    cr_expect_str_eq(c.parts[0].where, "src/bin/wordfreq.rs:27");
    cr_expect_float_eq(c.parts[0].share, 1.0, 1e-9);
    cr_expect_eq(c.parts[0].delta, 14000);
    mg_blame_release(&b);
}

Test(blame, several_functions_share_it_top_three)
{
    mg_site before[] = {site("p::a", "a.rs", 1, 100, 0, 0, true)};
    mg_site after[] = {
        site("p::a", "a.rs", 1, 500, 0, 0, true), site("p::b", "b.rs", 2, 300, 0, 0, true),
        site("p::c", "c.rs", 3, 200, 0, 0, true), site("p::d", "d.rs", 4, 100, 0, 0, true),
        site("p::e", "e.rs", 5, 10, 0, 0, true),
    };
    mg_row r = row(MG_TOTAL_BYTES, 100, 1110);
    mg_blame b;
    mg_culprit c;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_blame_compute(&b, before, 1, NULL, after, 5, &err), 0);
    mg_blame_culprit(&b, MG_CULPRIT_NO_STACKS, &r, &c);
    cr_assert_eq(c.n_parts, 3);
    cr_expect_str_eq(c.parts[0].function, "p::a");
    cr_expect_str_eq(c.parts[1].function, "p::b");
    cr_expect_str_eq(c.parts[2].function, "p::c");
    cr_expect_float_eq(c.parts[0].share, 400.0 / 1010.0, 1e-9);
    mg_blame_release(&b);
}

Test(blame, shrink_names_what_shrank_and_what_moved_the_other_way)
{
    mg_site before[] = {site("w::normalize", "w.rs", 9, 2500, 15, 490, true),
                        site("w::count_words", "w.rs", 16, 100, 10, 1, true)};
    mg_site after[] = {site("w::count_words", "w.rs", 44, 1300, 900, 50, true)};
    mg_row r = row(MG_TOTAL_BYTES, 2600, 1300);
    mg_blame b;
    mg_culprit c;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_blame_compute(&b, before, 2, NULL, after, 1, &err), 0);
    mg_blame_culprit(&b, MG_CULPRIT_NO_STACKS, &r, &c);
    cr_assert_eq(c.state, MG_CULPRIT_FOUND);
    cr_expect_str_eq(c.parts[0].function, "w::normalize");
    cr_expect_str_eq(c.parts[0].where, "w.rs:9");
    cr_assert(c.has_offset, "count_words grew by 1200 of the 2500 that went");
    cr_expect_str_eq(c.offset.function, "w::count_words");
    cr_expect_str_eq(c.offset.where, "w.rs:44");
    mg_blame_release(&b);
}

Test(blame, cut_stacks_are_reported_apart_from_own_code)
{
    mg_site before[] = {site("serde_json::de::from_trait", NULL, 0, 900, 900, 9, false),
                        site("j::round_trip", "j.rs", 43, 500, 500, 5, true)};
    mg_site after[] = {site("j::round_trip", "j.rs", 68, 300, 300, 3, true)};
    mg_row r = row(MG_PEAK_BYTES, 1400, 300);
    mg_blame b;
    mg_culprit c;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_blame_compute(&b, before, 2, NULL, after, 1, &err), 0);
    mg_blame_culprit(&b, MG_CULPRIT_NO_STACKS, &r, &c);
    cr_assert_eq(c.n_parts, 1);
    cr_expect_str_eq(c.parts[0].function, "j::round_trip", "own code first");
    cr_expect_str_eq(c.parts[0].where, "j.rs:43");
    cr_expect_float_eq(c.unattributed, 900.0 / 1100.0, 1e-9);
    mg_blame_release(&b);
}

Test(blame, metrics_without_stacks_say_why)
{
    mg_row rt = row(MG_RUNTIME_US, 100, 900), pk = row(MG_PEAK_BYTES, 100, 900);
    mg_culprit c;
    mg_blame_culprit(NULL, MG_CULPRIT_NO_STACKS, &rt, &c);
    cr_expect_eq(c.state, MG_CULPRIT_NOT_PER_STACK);
    mg_blame_culprit(NULL, MG_CULPRIT_NO_STACKS, &pk, &c);
    cr_expect_eq(c.state, MG_CULPRIT_NO_STACKS);
    mg_blame_culprit(NULL, MG_CULPRIT_NO_BASE_STACKS, &pk, &c);
    cr_expect_eq(c.state, MG_CULPRIT_NO_BASE_STACKS);
}

Test(blame, changes_list_total_and_peak_with_lines)
{
    mg_blame b;
    mg_hsdiff d;
    mg_hsdiff_options o = {10, 100, 0, 0};
    mg_error err;
    mg_error_init(&err);
    wordfreq_like(&b);
    cr_assert_eq(mg_blame_changes(&b, &o, &d, &err), 0);
    cr_assert_eq(d.n, 1, "only count_words moved");
    cr_expect_str_eq(d.items[0].function, "wordfreq::count_words");
    cr_expect_eq(d.items[0].kind, MG_HS_GREW);
    cr_expect(d.items[0].has_peak);
    cr_expect_eq(d.items[0].delta, 27000);
    cr_expect_eq(d.items[0].peak_delta, 14000);
    cr_assert_eq(d.items[0].n_lines, 2, "line 16 did not move");
    cr_expect_str_eq(d.items[0].lines[0].where, "src/bin/wordfreq.rs:27");
    cr_expect_str_eq(d.items[0].lines[1].where, "src/bin/wordfreq.rs:32");
    mg_hsdiff_release(&d);
    mg_blame_release(&b);
}

Test(blame, a_peak_only_change_is_listed)
{
    /* same bytes allocated, but now kept alive at the peak: a peak regression without churn */
    mg_site before[] = {site("p::hold", "p.rs", 5, 1000000, 0, 10, true)};
    mg_site after[] = {site("p::hold", "p.rs", 5, 1000000, 900000, 10, true)};
    mg_hsdiff_options o = {10, 100, 4096, 0};
    mg_blame b;
    mg_hsdiff d;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_blame_compute(&b, before, 1, NULL, after, 1, &err), 0);
    cr_assert_eq(mg_blame_changes(&b, &o, &d, &err), 0);
    cr_assert_eq(d.n, 1);
    cr_expect_eq(d.items[0].delta, 0);
    cr_expect_eq(d.items[0].peak_delta, 900000);
    mg_hsdiff_release(&d);
    mg_blame_release(&b);
}
