/* profile: metric names and aliases, format selection, and loading files through the registry. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_error.h"
#include "memgate/profile.h"
#include "run.h"

#define DHATRS                                                                                     \
    "dhat: Total:     6,300,564 bytes in 498,233 blocks\n"                                         \
    "dhat: At t-gmax: 3,434,884 bytes in 3,862 blocks\n"                                           \
    "dhat: At t-end:  1,024 bytes in 1 blocks\n"

Test(profile, metric_names_are_the_baseline_keys)
{
    cr_expect_str_eq(mg_metric_name(MG_PEAK_BYTES), "peak_memory_bytes");
    cr_expect_str_eq(mg_metric_name(MG_PEAK_BLOCKS), "peak_blocks");
    cr_expect_str_eq(mg_metric_name(MG_TOTAL_BYTES), "total_allocations_bytes");
    cr_expect_str_eq(mg_metric_name(MG_ALLOC_COUNT), "allocation_count");
    cr_expect_str_eq(mg_metric_name(MG_END_BYTES), "end_bytes");
    cr_expect_str_eq(mg_metric_name(MG_END_BLOCKS), "end_blocks");
    cr_expect_str_eq(mg_metric_name(MG_RUNTIME_US), "runtime_us");
    cr_expect_str_eq(mg_metric_name(MG_PEAK_RSS), "peak_rss_bytes");
    cr_expect_str_eq(mg_metric_name(MG_METRIC_COUNT), "unknown");
}

Test(profile, names_round_trip)
{
    unsigned m;
    for (m = 0; m < MG_METRIC_COUNT; m++) {
        enum mg_metric got = MG_METRIC_COUNT;
        cr_expect(mg_metric_from_name(mg_metric_name((enum mg_metric)m), &got));
        cr_expect_eq(got, m);
    }
}

Test(profile, aliases)
{
    static const struct {
        const char *alias;
        enum mg_metric m;
    } cases[] = {
        {"peak", MG_PEAK_BYTES},       {"peak-blocks", MG_PEAK_BLOCKS}, {"total", MG_TOTAL_BYTES},
        {"count", MG_ALLOC_COUNT},     {"allocs", MG_ALLOC_COUNT},      {"end", MG_END_BYTES},
        {"end-blocks", MG_END_BLOCKS}, {"runtime", MG_RUNTIME_US},      {"rss", MG_PEAK_RSS}};
    size_t i;
    enum mg_metric got;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        got = MG_METRIC_COUNT;
        cr_expect(mg_metric_from_name(cases[i].alias, &got), "%s", cases[i].alias);
        cr_expect_eq(got, cases[i].m, "%s", cases[i].alias);
    }
    got = MG_PEAK_RSS;
    cr_expect_not(mg_metric_from_name("Peak", &got), "names are case-sensitive");
    cr_expect_not(mg_metric_from_name("", &got));
    cr_expect_not(mg_metric_from_name("peak_memory", &got));
    cr_expect_eq(got, MG_PEAK_RSS, "untouched when unknown");
}

Test(profile, which_metrics_count_bytes)
{
    cr_expect(mg_metric_is_bytes(MG_PEAK_BYTES));
    cr_expect(mg_metric_is_bytes(MG_TOTAL_BYTES));
    cr_expect(mg_metric_is_bytes(MG_END_BYTES));
    cr_expect(mg_metric_is_bytes(MG_PEAK_RSS));
    cr_expect_not(mg_metric_is_bytes(MG_PEAK_BLOCKS));
    cr_expect_not(mg_metric_is_bytes(MG_ALLOC_COUNT));
    cr_expect_not(mg_metric_is_bytes(MG_END_BLOCKS));
    cr_expect_not(mg_metric_is_bytes(MG_RUNTIME_US));
}

Test(profile, metrics_set_marks_present)
{
    mg_metrics m;
    memset(&m, 0, sizeof(m));
    mg_metrics_set(&m, MG_END_BYTES, 0);
    cr_expect(m.present[MG_END_BYTES], "zero is present, not absent");
    cr_expect_eq(m.value[MG_END_BYTES], 0);
    cr_expect_not(m.present[MG_PEAK_BYTES]);
}

/* ---- mg_profile_parse: choosing the format ---- */

#define parse_bad(text, len, opts, code, fragment, line, col)                                      \
    check_profile_error(text, len, "in.txt", opts, code, fragment, line, col)

Test(profile, detects_text_and_json_by_content)
{
    static const char json[] = "\n  {\n \"dhatFileVersion\": 2, \"mode\": \"heap\", "
                               "\"pps\": [], \"ftbl\": []}";
    mg_profile *p = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_profile_parse(&p, DHATRS, strlen(DHATRS), "a.json", NULL, &err), 0, "%s",
                 err.msg);
    cr_expect_str_eq(mg_profile_format(p), MG_FORMAT_DHAT_TEXT, "the name does not decide");
    mg_profile_free(p);
    cr_assert_eq(mg_profile_parse(&p, json, strlen(json), "a.txt", NULL, &err), 0, "%s", err.msg);
    cr_expect_str_eq(mg_profile_format(p), MG_FORMAT_DHAT_JSON);
    mg_profile_free(p);
    mg_profile_free(NULL);
}

Test(profile, explicit_auto_is_detection)
{
    mg_load_options o = {.format = MG_FORMAT_AUTO, .summary_index = 0, .top_n = 0};
    mg_profile *p = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_profile_parse(&p, DHATRS, strlen(DHATRS), "a", &o, &err), 0, "%s", err.msg);
    cr_expect_str_eq(mg_profile_format(p), MG_FORMAT_DHAT_TEXT);
    mg_profile_free(p);
}

/* A usage error about the flag, not about the file: no source. */
Test(profile, unknown_format_name)
{
    mg_load_options o = {.format = "tcmalloc", .summary_index = 0, .top_n = 0};
    mg_profile *p = (mg_profile *)1;
    mg_error err;
    mg_error_init(&err);
    cr_expect_eq(mg_profile_parse(&p, DHATRS, strlen(DHATRS), "in.txt", &o, &err), -MG_E_USAGE);
    cr_expect_null(p);
    check_error(&err, MG_E_USAGE,
                "unknown --input-format 'tcmalloc' (known: auto, heaptrack, dhat-json, "
                "jemalloc-json, pprof, massif, ms-print, heaptrack-print, dhat-text, time)",
                "", 0, 0);
}

Test(profile, forced_format_that_does_not_fit)
{
    mg_load_options o = {.format = MG_FORMAT_DHAT_JSON, .summary_index = 0, .top_n = 0};
    parse_bad(DHATRS, strlen(DHATRS), &o, MG_E_INPUT, "unexpected character 'd'", 1, 1);
}

Test(profile, empty_input)
{
    parse_bad("", 0, NULL, MG_E_INPUT, "file is empty, expected a profile", 0, 0);
}

Test(profile, unrecognised_input_shows_its_first_line)
{
    parse_bad("Hello\tworld\x01\nsecond line\n", 26, NULL, MG_E_INPUT,
              "it starts with \"Hello.world.\"", 1, 1);
    parse_bad("x", 1, NULL, MG_E_INPUT,
              "tried heaptrack, dhat-json, jemalloc-json, pprof, massif, ms-print, "
              "heaptrack-print, dhat-text, time",
              1, 1);
}

/* Only len bytes are the input, even when the memory after them looks like a profile. */
Test(profile, detection_stays_within_len)
{
    static const char buf[] = "hello\n" DHATRS;
    parse_bad(buf, 6, NULL, MG_E_INPUT, "no profile found", 1, 1);
}

Test(profile, input_need_not_be_nul_terminated)
{
    /* no "dhat: Total:" in it, so a search for that would run to the end and past it */
    static const char vg[] = "==1== DHAT, a dynamic heap analysis tool\n"
                             "==1== Total:     300 bytes in 3 blocks\n"
                             "==1== At t-gmax: 200 bytes in 2 blocks\n"
                             "==1== At t-end:  100 bytes in 1 blocks\n";
    size_t len = sizeof(vg) - 1;
    char *copy = malloc(len);
    mg_profile *p = NULL;
    mg_error err;
    cr_assert_not_null(copy);
    memcpy(copy, vg, len); /* no terminator: the sanitizer build checks nothing reads on */
    mg_error_init(&err);
    cr_assert_eq(mg_profile_parse(&p, copy, len, "a", NULL, &err), 0, "%s", err.msg);
    cr_expect_eq(mg_profile_metrics(p)->value[MG_PEAK_BYTES], 200);
    cr_expect_str_eq(mg_profile_producer(p), "valgrind-dhat");
    mg_profile_free(p);
    free(copy);
}

/* A summary deep inside a long CI log is still found. */
Test(profile, summary_after_64_KiB_of_log)
{
    size_t pad = 100000, len = pad + strlen(DHATRS), i;
    char *log = malloc(len + 1);
    mg_profile *p = NULL;
    mg_error err;
    cr_assert_not_null(log);
    for (i = 0; i < pad; i++)
        log[i] = (i % 80 == 79) ? '\n' : 'x';
    memcpy(log + pad, DHATRS, strlen(DHATRS) + 1);
    mg_error_init(&err);
    cr_assert_eq(mg_profile_parse(&p, log, len, "ci.log", NULL, &err), 0, "%s", err.msg);
    cr_expect_eq(mg_profile_metrics(p)->value[MG_TOTAL_BYTES], 6300564);
    mg_profile_free(p);
    free(log);
}

/* ---- mg_profile_load ---- */

Test(profile, load_a_real_capture)
{
    mg_profile *p = NULL;
    mg_error err;
    size_t n = 0;
    const mg_hotspot *h;
    mg_error_init(&err);
    cr_assert_eq(mg_profile_load(&p, mg_testdata("profiles/vgdhat-sort.json"),
                                 &(mg_load_options){.attribution = MG_ATTR_ALLOC_SITE}, &err),
                 0, "%s", err.msg);
    /* values from vgdhat-sort.expected.json (README) */
    cr_expect_eq(mg_profile_metrics(p)->value[MG_TOTAL_BYTES], 153090283);
    cr_expect_eq(mg_profile_metrics(p)->value[MG_ALLOC_COUNT], 221);
    cr_expect_eq(mg_profile_metrics(p)->value[MG_PEAK_BYTES], 153078812);
    cr_expect_eq(mg_profile_metrics(p)->value[MG_PEAK_BLOCKS], 156);
    cr_expect_eq(mg_profile_metrics(p)->value[MG_END_BYTES], 192);
    cr_expect_eq(mg_profile_metrics(p)->value[MG_END_BLOCKS], 14);
    h = mg_profile_hotspots(p, &n);
    cr_assert_geq(n, 1);
    cr_expect_str_eq(h[0].function, "???");
    cr_expect_eq(h[0].total_bytes, 153062720);
    cr_expect_str_eq(mg_profile_source(p), mg_testdata("profiles/vgdhat-sort.json"));
    mg_profile_free(p);
}

Test(profile, load_errors_name_the_file)
{
    mg_profile *p = (mg_profile *)1;
    mg_error err;
    char dir[4096];
    mg_error_init(&err);
    cr_expect_eq(mg_profile_load(&p, "/nonexistent/p.json", NULL, &err), -MG_E_INPUT);
    cr_expect_null(p);
    check_error(&err, MG_E_INPUT, "cannot open", "/nonexistent/p.json", 0, 0);
    snprintf(dir, sizeof(dir), "%s", mg_testdata("malformed"));
    mg_error_init(&err);
    cr_expect_eq(mg_profile_load(&p, dir, NULL, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "is a directory", dir, 0, 0);
}

Test(profile, load_positions_in_a_malformed_file)
{
    mg_profile *p = NULL;
    mg_error err;
    char path[4096];
    snprintf(path, sizeof(path), "%s", mg_testdata("malformed/negative-dhat.json"));
    mg_error_init(&err);
    cr_expect_eq(mg_profile_load(&p, path, NULL, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "is negative", path, 11, 18);
}

Test(profile, hotspot_rule_text_for_help)
{
    cr_expect(strstr(mg_hotspot_rule_text, "allocator machinery") != NULL);
}
