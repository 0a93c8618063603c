/* dhat JSON (dhatFileVersion 2) through mg_profile_parse: metrics, modes, hotspots, every error. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_error.h"
#include "memgate/profile.h"

/* Valgrind DHAT header, one line. */
#define VG_HEAD                                                                                    \
    "{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"verb\": \"Allocated\", \"bklt\": true, "       \
    "\"bkacc\": false, \"tu\": \"instrs\", \"Mtu\": \"instr\", \"tuth\": 500, "                    \
    "\"cmd\": \"./prog arg\", \"pid\": 24802, \"te\": 999, \"tg\": 500,\n"

/* dhat-rs header: microseconds, so te is a runtime. */
#define RS_HEAD                                                                                    \
    "{\"dhatFileVersion\": 2, \"mode\": \"rust-heap\", \"verb\": \"Allocated\", \"bklt\": true, "  \
    "\"bkacc\": false, \"tu\": \"\xC2\xB5s\", \"Mtu\": \"s\", \"tuth\": 10, "                      \
    "\"cmd\": \"wordfreq 3\", \"pid\": 23265, \"tg\": 2763871, \"te\": 2766863,\n"

/*
 * Three program points. Frame 1 is malloc and 4 xmalloc (machinery); 2 and 5
 * are main at two lines, 3 is helper. pp1 -> main, pp2 -> helper (after two
 * machinery frames), pp3 -> main.
 */
#define PPS                                                                                        \
    "\"pps\": [\n"                                                                                 \
    "{\"tb\": 100, \"tbk\": 2, \"tl\": 5, \"mb\": 100, \"mbk\": 2, \"gb\": 60, \"gbk\": 1, "       \
    "\"eb\": 10, \"ebk\": 1, \"fs\": [1, 2]},\n"                                                   \
    "{\"fs\": [1, 4, 3, 2], \"tb\": 300, \"tbk\": 3, \"tl\": 5, \"mb\": 300, \"mbk\": 3, "         \
    "\"gb\": 200, \"gbk\": 2, \"eb\": 0, \"ebk\": 0, \"acc\": [-5, 3, 1], \"rb\": 7, \"wb\": "     \
    "9},\n"                                                                                        \
    "{\"tb\": 50, \"tbk\": 1, \"tl\": 5, \"mb\": 50, \"mbk\": 1, \"gb\": 0, \"gbk\": 0, "          \
    "\"eb\": 50, \"ebk\": 1, \"fs\": [5]}\n"                                                       \
    "]"

#define FTBL                                                                                       \
    "\"ftbl\": [\n"                                                                                \
    "\"[root]\",\n"                                                                                \
    "\"0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)\",\n"            \
    "\"0x10: main (m.c:3)\",\n"                                                                    \
    "\"0x20: helper (m.c:9)\",\n"                                                                  \
    "\"0x30: xmalloc (util.c:1)\",\n"                                                              \
    "\"0x11: main (m.c:4)\"\n"                                                                     \
    "]"

static mg_profile *parse_opts(const char *text, const mg_load_options *opts)
{
    mg_profile *p = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_profile_parse(&p, text, strlen(text), "p.json", opts, &err), 0,
                 "%s (line %lu column %lu)", err.msg, err.line, err.column);
    cr_assert_not_null(p);
    cr_expect_str_eq(mg_profile_format(p), "dhat-json");
    return p;
}

/* the allocation-site rule: these tests are about reading, not about own-code attribution */
static mg_profile *parse(const char *text)
{
    static const mg_load_options alloc_site = {.attribution = MG_ATTR_ALLOC_SITE};
    return parse_opts(text, &alloc_site);
}

static const mg_load_options forced = {
    .format = MG_FORMAT_DHAT_JSON, .summary_index = 0, .top_n = 0};

#define parse_bad_opts(text, opts, code, fragment, line, col)                                      \
    check_profile_error(text, strlen(text), "p.json", opts, code, fragment, line, col)

#define parse_bad(text, code, fragment, line, col)                                                 \
    parse_bad_opts(text, NULL, code, fragment, line, col)

static void expect_sums(const mg_profile *p)
{
    cr_expect_eq(present_metric(p, MG_TOTAL_BYTES), 450);
    cr_expect_eq(present_metric(p, MG_ALLOC_COUNT), 6);
    cr_expect_eq(present_metric(p, MG_PEAK_BYTES), 260);
    cr_expect_eq(present_metric(p, MG_PEAK_BLOCKS), 3);
    cr_expect_eq(present_metric(p, MG_END_BYTES), 60);
    cr_expect_eq(present_metric(p, MG_END_BLOCKS), 2);
}

static void expect_hotspots(const mg_profile *p)
{
    size_t n = 0;
    const mg_hotspot *h = mg_profile_hotspots(p, &n);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(h[0].function, "helper");
    cr_expect_eq(h[0].total_bytes, 300);
    cr_expect_eq(h[0].total_blocks, 3);
    cr_expect_eq(h[0].peak_bytes, 200);
    cr_expect_eq(h[0].end_bytes, 0);
    cr_expect_eq(h[0].program_points, 1);
    /* two frames of main at different lines are one function */
    cr_expect_str_eq(h[1].function, "main");
    cr_expect_eq(h[1].total_bytes, 150);
    cr_expect_eq(h[1].total_blocks, 3);
    cr_expect_eq(h[1].peak_bytes, 60);
    cr_expect_eq(h[1].end_bytes, 60);
    cr_expect_eq(h[1].program_points, 2);
}

Test(dhat_json, valgrind_heap_profile)
{
    mg_profile *p = parse(VG_HEAD PPS ",\n" FTBL "\n}\n");
    uint64_t a, c;
    expect_sums(p);
    expect_hotspots(p);
    cr_expect_str_eq(mg_profile_producer(p), "valgrind-dhat");
    cr_expect_eq(mg_profile_mode(p), MG_MODE_HEAP);
    cr_expect_str_eq(mg_profile_mode_label(p), "heap");
    cr_expect_str_eq(mg_profile_command(p), "./prog arg");
    cr_expect_str_eq(mg_profile_source(p), "p.json");
    /* Valgrind's times are instruction counts, not a runtime */
    cr_expect_not(mg_profile_metrics(p)->present[MG_RUNTIME_US]);
    cr_expect_not(mg_profile_metrics(p)->present[MG_PEAK_RSS]);
    cr_expect_not(mg_profile_raw_total(p, &a, &c));
    cr_expect_null(mg_profile_note(p));
    mg_profile_free(p);
}

Test(dhat_json, dhat_rs_heap_profile_has_a_runtime)
{
    mg_profile *p = parse(RS_HEAD PPS ",\n" FTBL "\n}\n");
    expect_sums(p);
    cr_expect_str_eq(mg_profile_producer(p), "dhat-rs");
    cr_expect_str_eq(mg_profile_mode_label(p), "rust-heap");
    cr_expect_eq(mg_profile_mode(p), MG_MODE_HEAP);
    cr_expect_eq(present_metric(p, MG_RUNTIME_US), 2766863);
    cr_expect_str_eq(mg_profile_command(p), "wordfreq 3");
    mg_profile_free(p);
}

/* Frame indices are private to a file: the frame table may come before or after the pps. */
Test(dhat_json, ftbl_before_or_after_pps_gives_the_same_hotspots)
{
    mg_profile *before = parse(VG_HEAD FTBL ",\n" PPS "\n}\n");
    mg_profile *after = parse(VG_HEAD PPS ",\n" FTBL "\n}\n");
    expect_sums(before);
    expect_hotspots(before);
    expect_hotspots(after);
    mg_profile_free(before);
    mg_profile_free(after);
}

Test(dhat_json, keys_in_any_order_and_unknown_keys_skipped)
{
    mg_profile *p = parse("{\"dhatFileVersion\": 2, \"extra\": {\"a\": [1, {\"b\": null}], "
                          "\"c\": \"d\"}, " FTBL ", \"bklt\": true, " PPS
                          ", \"future\": [true, false], \"mode\": \"heap\"}");
    expect_sums(p);
    expect_hotspots(p);
    cr_expect_null(mg_profile_command(p));
    mg_profile_free(p);
}

Test(dhat_json, empty_pps)
{
    mg_profile *p = parse("{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"bklt\": true, "
                          "\"pps\": [], \"ftbl\": [\"[root]\"]}");
    size_t n = 99;
    cr_expect_eq(present_metric(p, MG_TOTAL_BYTES), 0, "a heap profile that allocated nothing");
    cr_expect_eq(present_metric(p, MG_PEAK_BYTES), 0);
    cr_expect_null(mg_profile_hotspots(p, &n));
    cr_expect_eq(n, 0);
    mg_profile_free(p);
    /* nothing interned at all: ranking an empty table (sanitizer build: qsort(NULL, 0)) */
    p = parse("{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"pps\": [], \"ftbl\": []}");
    cr_expect_null(mg_profile_hotspots(p, &n));
    cr_expect_eq(n, 0);
    mg_profile_free(p);
}

Test(dhat_json, utf8_bom)
{
    mg_profile *p = parse("\xEF\xBB\xBF" VG_HEAD PPS ",\n" FTBL "\n}\n");
    expect_sums(p);
    mg_profile_free(p);
}

Test(dhat_json, top_n_limits_the_hotspots)
{
    mg_load_options o = {.format = NULL, .summary_index = 0, .top_n = 1};
    mg_profile *p = parse_opts(VG_HEAD PPS ",\n" FTBL "\n}\n", &o);
    size_t n = 0;
    const mg_hotspot *h = mg_profile_hotspots(p, &n);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(h[0].function, "helper");
    mg_profile_free(p);
}

#define ONE_PP(fs)                                                                                 \
    "\"pps\": [{\"tb\": 8, \"tbk\": 1, \"gb\": 8, \"gbk\": 1, \"eb\": 0, \"ebk\": 0, \"fs\": " fs  \
    "}]"

Test(dhat_json, empty_stack_is_root_and_all_machinery_is_named_so)
{
    mg_profile *p = parse(
        "{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"bklt\": true, " ONE_PP("[]") ", " FTBL "}");
    size_t n = 0;
    const mg_hotspot *h = mg_profile_hotspots(p, &n);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(h[0].function, "[root]");
    mg_profile_free(p);
    p = parse("{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"bklt\": true, " ONE_PP(
        "[1, 4]") ", " FTBL "}");
    h = mg_profile_hotspots(p, &n);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(h[0].function, "[all-frames-allocator]");
    mg_profile_free(p);
}

Test(dhat_json, raw_latin1_frame_names_become_valid_utf8)
{
    mg_profile *p = parse("{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"bklt\": true, " ONE_PP(
        "[0]") ", \"ftbl\": [\"0x1: caf\xE9 (/home/j\xF6rg/a.c:1)\"]}");
    size_t n = 0;
    const mg_hotspot *h = mg_profile_hotspots(p, &n);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(h[0].function, "caf\xEF\xBF\xBD");
    mg_profile_free(p);
}

/* ---- modes ---- */

#define COUNTS_ONLY                                                                                \
    "\"pps\": [{\"tb\": 2347472, \"tbk\": 100, \"fs\": [1]}, {\"tb\": 3, \"tbk\": 2, \"fs\": "     \
    "[1]}], \"ftbl\": [\"[root]\", \"0x1: read_block (b.c:7)\"]}"

Test(dhat_json, copy_mode_gives_raw_totals_not_heap_metrics)
{
    mg_profile *p = parse("{\"dhatFileVersion\": 2, \"mode\": \"copy\", \"verb\": \"Copied\", "
                          "\"bklt\": false, \"bkacc\": false, \"tu\": \"instrs\", " COUNTS_ONLY);
    uint64_t a = 0, c = 0;
    unsigned m;
    cr_expect_eq(mg_profile_mode(p), MG_MODE_COPY);
    cr_expect_str_eq(mg_profile_mode_label(p), "copy");
    cr_assert(mg_profile_raw_total(p, &a, &c));
    cr_expect_eq(a, 2347475);
    cr_expect_eq(c, 102);
    for (m = 0; m < MG_METRIC_COUNT; m++)
        cr_expect_not(mg_profile_metrics(p)->present[m], "%s", mg_metric_name(m));
    mg_profile_free(p);
}

Test(dhat_json, ad_hoc_modes)
{
    mg_profile *p = parse("{\"dhatFileVersion\": 2, \"mode\": \"ad-hoc\", \"bklt\": false, "
                          "\"tu\": \"instrs\", " COUNTS_ONLY);
    uint64_t a = 0, c = 0;
    size_t n = 0;
    cr_expect_eq(mg_profile_mode(p), MG_MODE_AD_HOC);
    cr_expect_str_eq(mg_profile_producer(p), "valgrind-dhat");
    cr_assert(mg_profile_raw_total(p, &a, &c));
    cr_expect_eq(a, 2347475);
    cr_expect_not(mg_profile_metrics(p)->present[MG_TOTAL_BYTES]);
    cr_expect_str_eq(mg_profile_hotspots(p, &n)[0].function, "read_block");
    mg_profile_free(p);
    p = parse("{\"dhatFileVersion\": 2, \"mode\": \"rust-ad-hoc\", \"bklt\": false, "
              "\"tu\": \"\xC2\xB5s\", " COUNTS_ONLY);
    cr_expect_eq(mg_profile_mode(p), MG_MODE_AD_HOC);
    cr_expect_str_eq(mg_profile_producer(p), "dhat-rs");
    mg_profile_free(p);
}

Test(dhat_json, unknown_mode_is_classified_by_bklt)
{
    mg_profile *p = parse("{\"dhatFileVersion\": 2, \"mode\": \"weird\", \"bklt\": true, " ONE_PP(
        "[2]") ", " FTBL "}");
    cr_expect_eq(mg_profile_mode(p), MG_MODE_HEAP);
    cr_expect_eq(present_metric(p, MG_PEAK_BYTES), 8);
    mg_profile_free(p);
    p = parse("{\"dhatFileVersion\": 2, \"mode\": \"weird\", \"bklt\": false, " COUNTS_ONLY);
    cr_expect_eq(mg_profile_mode(p), MG_MODE_OTHER);
    cr_expect_not(mg_profile_metrics(p)->present[MG_TOTAL_BYTES]);
    mg_profile_free(p);
}

/* ---- missing keys ---- */

/* "dhat file lacks ..." is reported at the closing brace: the last byte of these one-line docs. */
static void lacks(const char *doc, const char *key)
{
    char frag[64];
    snprintf(frag, sizeof(frag), "dhat file lacks the key '%s'", key);
    parse_bad_opts(doc, &forced, MG_E_INPUT, frag, 1, strlen(doc));
}

Test(dhat_json, missing_top_level_keys)
{
    lacks("{\"mode\": \"heap\", \"pps\": [], \"ftbl\": []}", "dhatFileVersion");
    lacks("{\"dhatFileVersion\": 2, \"pps\": [], \"ftbl\": []}", "mode");
    lacks("{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"ftbl\": []}", "pps");
    lacks("{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"pps\": []}", "ftbl");
}

Test(dhat_json, program_point_missing_a_key)
{
    /* the pp's closing brace is alone on line 2 */
    parse_bad("{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"bklt\": true, \"pps\": "
              "[{\"tbk\": 1, \"gb\": 0, \"gbk\": 0, \"eb\": 0, \"ebk\": 0, \"fs\": []\n}], "
              "\"ftbl\": []}",
              MG_E_INPUT, "program point lacks the key 'tb'", 2, 1);
    parse_bad("{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"bklt\": true, \"pps\": "
              "[{\"tb\": 1, \"tbk\": 1, \"gbk\": 0, \"eb\": 0, \"ebk\": 0, \"fs\": []\n}], "
              "\"ftbl\": []}",
              MG_E_INPUT, "program point lacks the key 'gb'", 2, 1);
    parse_bad("{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"bklt\": true, \"pps\": "
              "[{\"tb\": 1, \"tbk\": 1, \"gb\": 0, \"gbk\": 0, \"eb\": 0, \"ebk\": 0\n}], "
              "\"ftbl\": []}",
              MG_E_INPUT, "program point lacks the key 'fs'", 2, 1);
}

Test(dhat_json, without_bklt_only_totals_are_required)
{
    mg_profile *p = parse("{\"dhatFileVersion\": 2, \"mode\": \"heap\", "
                          "\"pps\": [{\"tb\": 5, \"tbk\": 1, \"fs\": []}], \"ftbl\": []}");
    cr_expect_eq(present_metric(p, MG_TOTAL_BYTES), 5);
    cr_expect_not(mg_profile_metrics(p)->present[MG_PEAK_BYTES], "no lifetimes, no peak");
    mg_profile_free(p);
}

/* ---- bad values ---- */

#define TOP "{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"bklt\": true,\n"

Test(dhat_json, unknown_file_version)
{
    parse_bad("{\"dhatFileVersion\": 3, \"mode\": \"heap\"}", MG_E_INPUT,
              "unknown dhatFileVersion 3, expected 2", 1, 21);
    parse_bad("{\"dhatFileVersion\": \"2\"}", MG_E_INPUT,
              "'dhatFileVersion' must be a number, found a string", 1, 21);
}

Test(dhat_json, negative_count)
{
    parse_bad(TOP "\"pps\": [{\"tb\": -5, \"tbk\": 1}]}", MG_E_INPUT, "'tb' is negative (-5)", 2,
              16);
}

Test(dhat_json, fraction_where_a_count_is_expected)
{
    parse_bad(TOP "\"pps\": [{\"tb\": 5, \"tbk\": 1.5}]}", MG_E_INPUT,
              "'tbk' is 1.5, expected a whole number", 2, 26);
}

Test(dhat_json, count_past_2_to_the_64)
{
    parse_bad(TOP "\"pps\": [{\"gb\": 18446744073709551616}]}", MG_E_OVERFLOW,
              "'gb' value 18446744073709551616 does not fit in 64 bits", 2, 16);
}

Test(dhat_json, sum_past_2_to_the_64)
{
    /* the sum is checked when the second program point closes: its '}' ends line 3 */
    static const char pp[] = "{\"tb\": 18446744073709551615, \"tbk\": 1, \"fs\": []}";
    parse_bad("{\"dhatFileVersion\": 2, \"mode\": \"heap\",\n"
              "\"pps\": [{\"tb\": 18446744073709551615, \"tbk\": 1, \"fs\": []},\n"
              "{\"tb\": 18446744073709551615, \"tbk\": 1, \"fs\": []}\n], \"ftbl\": []}",
              MG_E_OVERFLOW, "does not fit in 64 bits", 3, sizeof(pp) - 1);
}

Test(dhat_json, values_of_the_wrong_type)
{
    parse_bad(TOP "\"pps\": [{\"tb\": \"5\"}]}", MG_E_INPUT,
              "'tb' must be a number, found a string", 2, 16);
    /* not TOP: it sets bklt already, and a second bklt is a duplicate key */
    parse_bad("{\"dhatFileVersion\": 2, \"mode\": \"heap\",\n\"bklt\": 1}", MG_E_INPUT,
              "'bklt' must be true or false, found a number", 2, 9);
    parse_bad(TOP "\"bklt\": 1}", MG_E_INPUT, "duplicate key 'bklt'", 2, 1);
    parse_bad("{\"dhatFileVersion\": 2, \"mode\": 5}", MG_E_INPUT,
              "value of 'mode': expected a string, found a number", 1, 32);
    parse_bad(TOP "\"te\": null}", MG_E_INPUT, "'te' must be a number, found null", 2, 7);
    parse_bad(TOP "\"pps\": {}}", MG_E_INPUT, "'pps' must be an array, found '{'", 2, 8);
    parse_bad(TOP "\"pps\": [5]}", MG_E_INPUT, "expected a program point object, found a number", 2,
              9);
    parse_bad(TOP "\"ftbl\": [5]}", MG_E_INPUT, "'ftbl' entries must be strings, found a number", 2,
              10);
    parse_bad(TOP "\"pps\": [{\"fs\": [\"a\"]}]}", MG_E_INPUT,
              "'fs' entries must be frame indices, found a string", 2, 17);
    parse_bad(TOP "\"pps\": [{\"fs\": [4294967296]}]}", MG_E_INPUT,
              "frame index 4294967296 is out of range", 2, 17);
}

Test(dhat_json, frame_index_out_of_range_names_the_program_point_line)
{
    /* ftbl first: found while reading the pp on line 4 */
    parse_bad(TOP "\"ftbl\": [\"[root]\", \"0x1: f (a.c:1)\"],\n\"pps\": [\n"
                  "{\"tb\": 1, \"tbk\": 1, \"gb\": 0, \"gbk\": 0, \"eb\": 0, \"ebk\": 0, \"fs\": "
                  "[1, 9]}]}",
              MG_E_INPUT, "program point refers to frame 9, but 'ftbl' has 2 entries", 4, 0);
    /* ftbl last: found when the pending pps are attributed, still naming the pp's line */
    parse_bad(TOP "\"pps\": [\n"
                  "{\"tb\": 1, \"tbk\": 1, \"gb\": 0, \"gbk\": 0, \"eb\": 0, \"ebk\": 0, \"fs\": "
                  "[9]}],\n\"ftbl\": [\"[root]\", \"0x1: f (a.c:1)\"]}",
              MG_E_INPUT, "program point refers to frame 9, but 'ftbl' has 2 entries", 3, 0);
}

/* ---- syntax ---- */

Test(dhat_json, structure_errors)
{
    parse_bad_opts("[1]", &forced, MG_E_INPUT,
                   "expected '{' at the start of a dhat JSON file, found '['", 1, 1);
    parse_bad("{\"dhatFileVersion\": 2 \"mode\": \"heap\"}", MG_E_INPUT,
              "expected ',' or '}', found a string", 1, 23);
    parse_bad("{\"dhatFileVersion\": 2, 5: 1}", MG_E_INPUT, "expected a key, found a number", 1,
              24);
    parse_bad(TOP "\"pps\": [{\"tb\": 1 \"tbk\": 1}]}", MG_E_INPUT,
              "expected ',' or '}' in a program point, found a string", 2, 18);
    parse_bad("{\"dhatFileVersion\": 2, \"mode\": \"heap\",\n"
              "\"pps\": [{\"tb\": 1, \"tbk\": 1, \"fs\": []} {}]}",
              MG_E_INPUT, "expected ',' or ']' in 'pps', found '{'", 2, 39);
}

Test(dhat_json, trailing_garbage_after_the_object)
{
    parse_bad("{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"pps\": [], \"ftbl\": []}\n{}",
              MG_E_INPUT, "expected end of file after the top-level object, found '{'", 2, 1);
}

Test(dhat_json, truncated_file)
{
    static const char doc[] = "{\"dhatFileVersion\": 2, \"mode\": \"heap\", \"pps\": [";
    parse_bad(doc, MG_E_INPUT, "expected a program point object, found end of file", 1,
              sizeof(doc));
    parse_bad("{\"dhatFileVersion\": 2, \"mode\": \"he", MG_E_INPUT, "unterminated string", 1, 35);
}
