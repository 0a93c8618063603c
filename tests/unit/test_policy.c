/* policy: defaults, the limit grammar, applying METRIC=SPEC with aliases, merging, formatting. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "check_error.h"
#include "memgate/policy.h"

static mg_limit parse_ok(const char *spec)
{
    mg_limit l;
    mg_error err;
    memset(&l, 0x5a, sizeof(l));
    mg_error_init(&err);
    cr_assert_eq(mg_limit_parse(spec, &l, &err), 0, "'%s': %s", spec, err.msg);
    return l;
}

static void parse_bad(const char *spec, const char *fragment)
{
    mg_limit l = {true, 1, true, 2, true, 3, MG_LEARN_NONE, 0, false, 0};
    mg_error err;
    mg_error_init(&err);
    cr_expect_eq(mg_limit_parse(spec, &l, &err), -MG_E_USAGE, "'%s'", spec);
    check_error(&err, MG_E_USAGE, fragment, "", 0, 0);
    /* *out is written only on success */
    cr_expect(l.has_rel && l.rel_bp == 1 && l.has_abs && l.abs == 2 && l.has_max && l.max == 3,
              "'%s' changed the output on error", spec);
}

static bool same(const mg_limit *a, const mg_limit *b)
{
    return a->has_rel == b->has_rel && (!a->has_rel || a->rel_bp == b->rel_bp) &&
           a->has_abs == b->has_abs && (!a->has_abs || a->abs == b->abs) &&
           a->has_max == b->has_max && (!a->has_max || a->max == b->max);
}

#define expect_limit(got, ...)                                                                     \
    do {                                                                                           \
        struct limit6_ {                                                                           \
            bool has_rel;                                                                          \
            uint64_t rel_bp;                                                                       \
            bool has_abs;                                                                          \
            uint64_t abs;                                                                          \
            bool has_max;                                                                          \
            uint64_t max;                                                                          \
        } w_ = __VA_ARGS__;                                                                        \
        mg_limit want_ = {w_.has_rel, w_.rel_bp,     w_.has_abs, w_.abs, w_.has_max,               \
                          w_.max,     MG_LEARN_NONE, 0,          false,  0};                       \
        mg_limit got_ = (got);                                                                     \
        cr_expect(same(&got_, &want_), "got rel %d/%llu abs %d/%llu max %d/%llu", got_.has_rel,    \
                  (unsigned long long)got_.rel_bp, got_.has_abs, (unsigned long long)got_.abs,     \
                  got_.has_max, (unsigned long long)got_.max);                                     \
    } while (0)

/* ---- grammar ---- */

Test(policy, relative_increase)
{
    expect_limit(parse_ok("+5%"), {true, 500, false, 0, false, 0});
    expect_limit(parse_ok("+2.5%"), {true, 250, false, 0, false, 0});
    expect_limit(parse_ok("5%"), {true, 500, false, 0, false, 0});
    expect_limit(parse_ok("+0%"), {true, 0, false, 0, false, 0});
}

Test(policy, absolute_increase)
{
    expect_limit(parse_ok("+64KiB"), {false, 0, true, 65536, false, 0});
    expect_limit(parse_ok("+1000"), {false, 0, true, 1000, false, 0});
    expect_limit(parse_ok("+1MB"), {false, 0, true, 1000000, false, 0});
}

Test(policy, ceiling_in_every_spelling)
{
    expect_limit(parse_ok("<=500MB"), {false, 0, false, 0, true, 500000000});
    expect_limit(parse_ok("max=1GB"), {false, 0, false, 0, true, 1000000000});
    expect_limit(parse_ok("max:1GiB"), {false, 0, false, 0, true, 1073741824});
    expect_limit(parse_ok("<=1.5GiB"), {false, 0, false, 0, true, 1610612736});
}

Test(policy, terms_combine_with_ampersand)
{
    expect_limit(parse_ok("+5%&+64KiB&<=500MB"), {true, 500, true, 65536, true, 500000000});
    expect_limit(parse_ok(" +5% & +64KiB "), {true, 500, true, 65536, false, 0});
    expect_limit(parse_ok("<=1GB&+10%"), {true, 1000, false, 0, true, 1000000000});
}

Test(policy, none_and_off_mean_no_limit)
{
    expect_limit(parse_ok("none"), {false, 0, false, 0, false, 0});
    expect_limit(parse_ok("off"), {false, 0, false, 0, false, 0});
    /* terms after none add to the empty limit; none after terms empties it */
    expect_limit(parse_ok("none&<=1GB"), {false, 0, false, 0, true, 1000000000});
    expect_limit(parse_ok("+5%&none"), {false, 0, false, 0, false, 0});
}

Test(policy, bad_terms)
{
    parse_bad("5", "cannot read limit term '5': expected +N%, +SIZE or <=SIZE");
    parse_bad("bogus", "cannot read limit term 'bogus'");
    parse_bad("=5MB", "cannot read limit term '=5MB'");
    parse_bad("=5%", "percentage '=5%': expected a number");
    parse_bad("+5x", "unknown unit");
    parse_bad("-5%", "expected a number");
    parse_bad("+2.555%", "too many decimals");
    parse_bad("<=", "expected a size");
    parse_bad("+", "expected a size");
    parse_bad("max=lots", "expected a number");
}

Test(policy, bad_term_error_names_the_whole_limit)
{
    parse_bad("+5%&+64KiB&oops", "limit '+5%&+64KiB&oops': cannot read limit term 'oops'");
}

Test(policy, empty_terms_are_errors)
{
    parse_bad("+5%&", "cannot read limit term ''");
    parse_bad("&+5%", "cannot read limit term ''");
    parse_bad("+5%&&+64KiB", "cannot read limit term ''");
    parse_bad(" ", "cannot read limit term ''");
}

Test(policy, empty_or_overlong_spec)
{
    char longspec[300];
    parse_bad("", "empty or overlong limit");
    parse_bad(NULL, "empty or overlong limit");
    memset(longspec, '1', sizeof(longspec) - 1);
    longspec[0] = '+';
    longspec[sizeof(longspec) - 1] = '\0';
    parse_bad(longspec, "empty or overlong limit");
}

/* ---- defaults ---- */

Test(policy, defaults_gate_peak_total_count_and_rss)
{
    mg_policy p;
    unsigned m;
    memset(&p, 0x5a, sizeof(p));
    mg_policy_defaults(&p);
    /* documented: peak +10% & +64KiB, RSS +10% & +1MiB */
    expect_limit(p.fail[MG_PEAK_BYTES], {true, 1000, true, 65536, false, 0});
    expect_limit(p.fail[MG_PEAK_RSS], {true, 1000, true, 1048576, false, 0});
    /* documented: total bytes and allocation count +2% plus a small absolute floor */
    cr_expect(p.fail[MG_TOTAL_BYTES].has_rel && p.fail[MG_TOTAL_BYTES].rel_bp == 200);
    cr_expect(p.fail[MG_TOTAL_BYTES].has_abs && p.fail[MG_TOTAL_BYTES].abs > 0 &&
              p.fail[MG_TOTAL_BYTES].abs <= 65536);
    cr_expect(p.fail[MG_ALLOC_COUNT].has_rel && p.fail[MG_ALLOC_COUNT].rel_bp == 200);
    cr_expect(p.fail[MG_ALLOC_COUNT].has_abs && p.fail[MG_ALLOC_COUNT].abs > 0 &&
              p.fail[MG_ALLOC_COUNT].abs <= 1000);
    cr_expect_not(p.fail[MG_PEAK_BYTES].has_max, "no built-in ceiling");
    /* the rest are reported, not gated; nothing warns by default */
    cr_expect_not(mg_limit_is_set(&p.fail[MG_PEAK_BLOCKS]));
    cr_expect_not(mg_limit_is_set(&p.fail[MG_END_BYTES]));
    cr_expect_not(mg_limit_is_set(&p.fail[MG_END_BLOCKS]));
    cr_expect_not(mg_limit_is_set(&p.fail[MG_RUNTIME_US]));
    for (m = 0; m < MG_METRIC_COUNT; m++) {
        cr_expect_not(mg_limit_is_set(&p.warn[m]), "warn %u", m);
        cr_expect_eq(p.fail_src[m], MG_SRC_DEFAULT);
        cr_expect_eq(p.warn_src[m], MG_SRC_DEFAULT);
    }
    cr_expect_eq(p.improvement_bp, 500, "improvement hint 5%%");
}

Test(policy, is_set_and_source_names)
{
    mg_limit none = {false, 0, false, 0, false, 0, MG_LEARN_NONE, 0, false, 0},
             rel = {.has_rel = true}, abs = {.has_abs = true}, max = {.has_max = true};
    cr_expect_not(mg_limit_is_set(&none));
    cr_expect(mg_limit_is_set(&rel));
    cr_expect(mg_limit_is_set(&abs));
    cr_expect(mg_limit_is_set(&max));
    cr_expect_str_eq(mg_limit_source_name(MG_SRC_DEFAULT), "default");
    cr_expect_str_eq(mg_limit_source_name(MG_SRC_CONFIG), ".pmat.yaml");
    cr_expect_str_eq(mg_limit_source_name(MG_SRC_ENV), "MEMORY_THRESHOLD");
    cr_expect_str_eq(mg_limit_source_name(MG_SRC_FLAG), "command line");
}

/* ---- merge ---- */

Test(policy, merge_increase_terms_replace_together)
{
    mg_limit dst = {true, 1000, true, 65536, true, 1000, MG_LEARN_NONE, 0, false, 0};
    mg_limit src = {true, 500, false, 0, false, 0, MG_LEARN_NONE, 0, false, 0};
    mg_limit_merge(&dst, &src, false);
    /* the older absolute floor must not survive next to the newer relative bound */
    expect_limit(dst, {true, 500, false, 0, true, 1000});
    src = (mg_limit){false, 0, true, 4096, false, 0, MG_LEARN_NONE, 0, false, 0};
    mg_limit_merge(&dst, &src, false);
    expect_limit(dst, {false, 0, true, 4096, true, 1000});
}

Test(policy, merge_ceiling_separately)
{
    mg_limit dst = {true, 1000, true, 65536, false, 0, MG_LEARN_NONE, 0, false, 0};
    mg_limit src = {false, 0, false, 0, true, 500, MG_LEARN_NONE, 0, false, 0};
    mg_limit_merge(&dst, &src, false);
    expect_limit(dst, {true, 1000, true, 65536, true, 500});
    src.max = 700;
    mg_limit_merge(&dst, &src, false);
    expect_limit(dst, {true, 1000, true, 65536, true, 700});
}

Test(policy, merge_of_an_empty_limit_changes_nothing)
{
    mg_limit dst = {true, 1000, true, 65536, true, 9, MG_LEARN_NONE, 0, false, 0};
    mg_limit src = {false, 0, false, 0, false, 0, MG_LEARN_NONE, 0, false, 0};
    mg_limit_merge(&dst, &src, false);
    expect_limit(dst, {true, 1000, true, 65536, true, 9});
}

Test(policy, merge_with_clear_starts_from_nothing)
{
    mg_limit dst = {true, 1000, true, 65536, true, 9, MG_LEARN_NONE, 0, false, 0};
    mg_limit src = {false, 0, false, 0, false, 0, MG_LEARN_NONE, 0, false, 0};
    mg_limit_merge(&dst, &src, true);
    expect_limit(dst, {false, 0, false, 0, false, 0});
    dst = (mg_limit){true, 1000, true, 65536, true, 9, MG_LEARN_NONE, 0, false, 0};
    src = (mg_limit){false, 0, false, 0, true, 5, MG_LEARN_NONE, 0, false, 0};
    mg_limit_merge(&dst, &src, true);
    expect_limit(dst, {false, 0, false, 0, true, 5});
}

/* ---- apply ---- */

static void apply_ok(mg_policy *p, const char *a, bool warn, enum mg_limit_source src)
{
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_policy_apply(p, a, warn, src, &err), 0, "'%s': %s", a, err.msg);
}

static void apply_bad(const char *a, const char *fragment)
{
    mg_policy p, before;
    mg_error err;
    mg_policy_defaults(&p);
    before = p;
    mg_error_init(&err);
    cr_expect_eq(mg_policy_apply(&p, a, false, MG_SRC_FLAG, &err), -MG_E_USAGE, "'%s'", a);
    check_error(&err, MG_E_USAGE, fragment, "", 0, 0);
    cr_expect_eq(memcmp(&p, &before, sizeof(p)), 0, "'%s' changed the policy on error", a);
}

Test(policy, apply_replaces_the_default_increase_terms)
{
    mg_policy p;
    mg_policy_defaults(&p);
    apply_ok(&p, "peak=+5%", false, MG_SRC_FLAG);
    expect_limit(p.fail[MG_PEAK_BYTES], {true, 500, false, 0, false, 0});
    cr_expect_eq(p.fail_src[MG_PEAK_BYTES], MG_SRC_FLAG);
    /* other metrics and the warn level are untouched */
    expect_limit(p.fail[MG_PEAK_RSS], {true, 1000, true, 1048576, false, 0});
    cr_expect_not(mg_limit_is_set(&p.warn[MG_PEAK_BYTES]));
    cr_expect_eq(p.warn_src[MG_PEAK_BYTES], MG_SRC_DEFAULT);
}

Test(policy, apply_ceiling_keeps_the_increase_terms)
{
    mg_policy p;
    mg_policy_defaults(&p);
    apply_ok(&p, "peak=<=500MB", false, MG_SRC_ENV);
    expect_limit(p.fail[MG_PEAK_BYTES], {true, 1000, true, 65536, true, 500000000});
    cr_expect_eq(p.fail_src[MG_PEAK_BYTES], MG_SRC_ENV);
}

Test(policy, apply_aliases_and_canonical_names)
{
    static const struct {
        const char *name;
        enum mg_metric m;
    } cases[] = {
        {"peak", MG_PEAK_BYTES},
        {"total", MG_TOTAL_BYTES},
        {"count", MG_ALLOC_COUNT},
        {"allocs", MG_ALLOC_COUNT},
        {"rss", MG_PEAK_RSS},
        {"runtime", MG_RUNTIME_US},
        {"end", MG_END_BYTES},
        {"peak-blocks", MG_PEAK_BLOCKS},
        {"end-blocks", MG_END_BLOCKS},
        {"peak_memory_bytes", MG_PEAK_BYTES},
        {"total_allocations_bytes", MG_TOTAL_BYTES},
        {"allocation_count", MG_ALLOC_COUNT},
        {"peak_rss_bytes", MG_PEAK_RSS},
        {"runtime_us", MG_RUNTIME_US},
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mg_policy p;
        char a[64];
        unsigned m;
        mg_policy_defaults(&p);
        snprintf(a, sizeof(a), "%s=<=12345", cases[i].name);
        apply_ok(&p, a, false, MG_SRC_CONFIG);
        for (m = 0; m < MG_METRIC_COUNT; m++)
            cr_expect_eq(p.fail[m].has_max && p.fail[m].max == 12345, m == cases[i].m,
                         "'%s' set metric %u", a, m);
        cr_expect_eq(p.fail_src[cases[i].m], MG_SRC_CONFIG);
    }
}

Test(policy, apply_to_the_warn_level)
{
    mg_policy p;
    mg_policy_defaults(&p);
    apply_ok(&p, "total=+1%&+1KiB", true, MG_SRC_FLAG);
    expect_limit(p.warn[MG_TOTAL_BYTES], {true, 100, true, 1024, false, 0});
    cr_expect_eq(p.warn_src[MG_TOTAL_BYTES], MG_SRC_FLAG);
    cr_expect(p.fail[MG_TOTAL_BYTES].rel_bp == 200, "fail level untouched");
    cr_expect_eq(p.fail_src[MG_TOTAL_BYTES], MG_SRC_DEFAULT);
}

Test(policy, later_sources_override_earlier_ones)
{
    mg_policy p;
    mg_policy_defaults(&p);
    apply_ok(&p, "peak=+20%&<=1GB", false, MG_SRC_CONFIG);
    apply_ok(&p, "peak=<=2GB", false, MG_SRC_ENV);
    apply_ok(&p, "peak=+1%&+1MiB", false, MG_SRC_FLAG);
    expect_limit(p.fail[MG_PEAK_BYTES], {true, 100, true, 1048576, true, 2000000000});
    cr_expect_eq(p.fail_src[MG_PEAK_BYTES], MG_SRC_FLAG);
}

Test(policy, apply_none_clears_everything)
{
    mg_policy p;
    mg_policy_defaults(&p);
    apply_ok(&p, "peak=<=1GB", false, MG_SRC_CONFIG);
    apply_ok(&p, "peak=none", false, MG_SRC_FLAG);
    cr_expect_not(mg_limit_is_set(&p.fail[MG_PEAK_BYTES]));
    cr_expect_eq(p.fail_src[MG_PEAK_BYTES], MG_SRC_FLAG);
}

/* "off" is accepted as a synonym of "none", so it must switch the gate off just the same. */
Test(policy, apply_off_clears_everything_too)
{
    mg_policy p;
    mg_policy_defaults(&p);
    apply_ok(&p, "peak=off", false, MG_SRC_FLAG);
    cr_expect_not(mg_limit_is_set(&p.fail[MG_PEAK_BYTES]), "default limit survived 'off'");
    apply_ok(&p, "count= off ", false, MG_SRC_FLAG);
    cr_expect_not(mg_limit_is_set(&p.fail[MG_ALLOC_COUNT]));
}

Test(policy, apply_none_then_a_ceiling)
{
    mg_policy p;
    mg_policy_defaults(&p);
    apply_ok(&p, "peak=none&<=1GB", false, MG_SRC_FLAG);
    expect_limit(p.fail[MG_PEAK_BYTES], {false, 0, false, 0, true, 1000000000});
}

Test(policy, apply_errors_leave_the_policy_unchanged)
{
    apply_bad("bogus=+5%", "unknown metric 'bogus'");
    apply_bad("Peak=+5%", "unknown metric 'Peak'");
    apply_bad("peak", "expected METRIC=LIMIT, found 'peak'");
    apply_bad("=+5%", "expected METRIC=LIMIT");
    apply_bad("peak=", "empty or overlong limit");
    apply_bad("peak=+5x", "limit '+5x'");
    apply_bad("peak=+5%&", "cannot read limit term ''");
}

Test(policy, apply_refuses_an_overlong_metric_name)
{
    char a[200];
    memset(a, 'p', 100);
    memcpy(a + 100, "=+5%", 5);
    apply_bad(a, "expected METRIC=LIMIT");
}

/* ---- format ---- */

static const char *fmt(mg_limit l, enum mg_metric m)
{
    static char out[128];
    mg_limit_format(&l, m, out, sizeof(out));
    return out;
}

Test(policy, format_unset_is_a_dash)
{
    cr_expect_str_eq(
        fmt((mg_limit){false, 0, false, 0, false, 0, MG_LEARN_NONE, 0, false, 0}, MG_PEAK_BYTES),
        "-");
}

Test(policy, format_relative_with_needed_decimals_only)
{
    cr_expect_str_eq(
        fmt((mg_limit){true, 1000, false, 0, false, 0, MG_LEARN_NONE, 0, false, 0}, MG_PEAK_BYTES),
        "+10%");
    cr_expect_str_eq(
        fmt((mg_limit){true, 250, false, 0, false, 0, MG_LEARN_NONE, 0, false, 0}, MG_PEAK_BYTES),
        "+2.5%");
    cr_expect_str_eq(
        fmt((mg_limit){true, 255, false, 0, false, 0, MG_LEARN_NONE, 0, false, 0}, MG_PEAK_BYTES),
        "+2.55%");
    cr_expect_str_eq(
        fmt((mg_limit){true, 5, false, 0, false, 0, MG_LEARN_NONE, 0, false, 0}, MG_PEAK_BYTES),
        "+0.05%");
    cr_expect_str_eq(
        fmt((mg_limit){true, 0, false, 0, false, 0, MG_LEARN_NONE, 0, false, 0}, MG_PEAK_BYTES),
        "+0%");
}

Test(policy, format_amounts_in_the_metric_unit)
{
    /* bytes in binary units (three significant digits), counts grouped */
    cr_expect_str_eq(fmt((mg_limit){true, 1000, true, 65536, false, 0, MG_LEARN_NONE, 0, false, 0},
                         MG_PEAK_BYTES),
                     "+10% & +64.0 KiB");
    cr_expect_str_eq(
        fmt((mg_limit){true, 200, true, 16, false, 0, MG_LEARN_NONE, 0, false, 0}, MG_ALLOC_COUNT),
        "+2% & +16");
    cr_expect_str_eq(
        fmt((mg_limit){false, 0, true, 1000, false, 0, MG_LEARN_NONE, 0, false, 0}, MG_ALLOC_COUNT),
        "+1,000");
    /* a ceiling in the unit it was written in: 500 MB (476.8 MiB) as 500 MB, 2^30 as 1 GiB */
    cr_expect_str_eq(
        fmt((mg_limit){false, 0, false, 0, true, 1073741824, MG_LEARN_NONE, 0, false, 0},
            MG_PEAK_RSS),
        "<=1 GiB");
    cr_expect_str_eq(
        fmt((mg_limit){false, 0, false, 0, true, 500000000, MG_LEARN_NONE, 0, false, 0},
            MG_PEAK_BYTES),
        "<=500 MB");
    cr_expect_str_eq(
        fmt((mg_limit){false, 0, false, 0, true, 1500000000, MG_LEARN_NONE, 0, false, 0},
            MG_PEAK_BYTES),
        "<=1.5 GB");
    cr_expect_str_eq(fmt((mg_limit){false, 0, false, 0, true, 1572864, MG_LEARN_NONE, 0, false, 0},
                         MG_PEAK_BYTES),
                     "<=1.5 MiB");
    /* typed as a plain number of bytes: no unit fits exactly, so shown like any amount */
    cr_expect_str_eq(
        fmt((mg_limit){false, 0, false, 0, true, 123456789, MG_LEARN_NONE, 0, false, 0},
            MG_PEAK_BYTES),
        "<=118 MiB");
    cr_expect_str_eq(fmt((mg_limit){false, 0, false, 0, true, 1000000, MG_LEARN_NONE, 0, false, 0},
                         MG_PEAK_BLOCKS),
                     "<=1,000,000");
}

Test(policy, format_all_three_terms)
{
    cr_expect_str_eq(
        fmt((mg_limit){true, 500, true, 65536, true, 500000000, MG_LEARN_NONE, 0, false, 0},
            MG_TOTAL_BYTES),
        "+5% & +64.0 KiB & <=500 MB");
    cr_expect_str_eq(
        fmt((mg_limit){false, 0, true, 512, true, 1024, MG_LEARN_NONE, 0, false, 0}, MG_END_BYTES),
        "+512 B & <=1 KiB");
}

Test(policy, format_truncates_to_the_buffer)
{
    char out[8];
    mg_limit l = {true, 500, true, 65536, true, 500000000, MG_LEARN_NONE, 0, false, 0};
    mg_limit_format(&l, MG_PEAK_BYTES, out, sizeof(out));
    cr_expect_eq(strlen(out), 7);
    cr_expect_eq(strncmp(out, "+5% & +", 7), 0, "%s", out);
}

/* What a parsed limit shows is what was asked for. */
Test(policy, parse_then_format)
{
    cr_expect_str_eq(fmt(parse_ok("+5%&+64KiB&<=1GiB"), MG_PEAK_BYTES),
                     "+5% & +64.0 KiB & <=1 GiB");
    cr_expect_str_eq(fmt(parse_ok("none"), MG_PEAK_BYTES), "-");
}

Test(policy, learned_terms_parse_merge_and_format)
{
    mg_limit l, dst;
    mg_error e;
    char text[64];
    mg_error_init(&e);
    cr_assert_eq(mg_limit_parse("2.5sigma&<=1MB", &l, &e), 0, "%s", e.msg);
    cr_expect_eq(l.learn, MG_LEARN_SIGMA);
    cr_expect_eq(l.sigma_x100, 250);
    cr_expect(l.has_max && l.max == 1000000);
    mg_limit_format(&l, MG_PEAK_BYTES, text, sizeof(text));
    cr_expect_str_eq(text, "2.5sigma & <=1 MB");
    l.has_learned = true;
    l.learned_max = 2048;
    mg_limit_format(&l, MG_PEAK_BYTES, text, sizeof(text));
    cr_expect_str_eq(text, "2.5sigma (<=2.00 KiB) & <=1 MB");
    cr_assert_eq(mg_limit_parse("iqr", &l, &e), 0);
    cr_expect_eq(l.learn, MG_LEARN_IQR);
    cr_assert_eq(mg_limit_parse("auto", &l, &e), 0);
    cr_expect_eq(l.learn, MG_LEARN_AUTO);
    /* a learned term is the increase part: it replaces +N% and +SIZE, keeps the ceiling */
    cr_assert_eq(mg_limit_parse("+10%&+64KiB&<=5MB", &dst, &e), 0);
    mg_limit_merge(&dst, &l, false);
    cr_expect(!dst.has_rel && !dst.has_abs && dst.has_max && dst.learn == MG_LEARN_AUTO);
    cr_expect_lt(mg_limit_parse("3sigma&+5%", &l, &e), 0);
    mg_error_init(&e);
    cr_expect_lt(mg_limit_parse("0sigma", &l, &e), 0);
    mg_error_init(&e);
    cr_expect_lt(mg_limit_parse("xsigma", &l, &e), 0);
}
