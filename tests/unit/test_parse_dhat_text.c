/* dhat summary text (dhat-rs "dhat: " and Valgrind "==PID== ") through mg_profile_parse. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "check_error.h"
#include "memgate/profile.h"

#define DHATRS                                                                                     \
    "dhat: Total:     6,300,564 bytes in 498,233 blocks\n"                                         \
    "dhat: At t-gmax: 3,434,884 bytes in 3,862 blocks\n"                                           \
    "dhat: At t-end:  1,024 bytes in 1 blocks\n"                                                   \
    "dhat: The data has been saved to dhat-heap.json, and is viewable with dhat/dh_view.html\n"

#define VGBANNER                                                                                   \
    "==24802== DHAT, a dynamic heap analysis tool\n"                                               \
    "==24802== Copyright (C) 2010-2018, and GNU GPL'd, by Mozilla Foundation\n"                    \
    "==24802== Command: sort words.txt\n"                                                          \
    "==24802== \n"

#define VGSUMMARY                                                                                  \
    "==24802== Total:     153,090,283 bytes in 221 blocks\n"                                       \
    "==24802== At t-gmax: 153,078,812 bytes in 156 blocks\n"                                       \
    "==24802== At t-end:  192 bytes in 14 blocks\n"                                                \
    "==24802== Reads:     155,247,181 bytes\n"

static mg_profile *parse_opts(const char *text, const mg_load_options *opts)
{
    mg_profile *p = NULL;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_profile_parse(&p, text, strlen(text), "log.txt", opts, &err), 0,
                 "%s (line %lu column %lu)", err.msg, err.line, err.column);
    cr_assert_not_null(p);
    cr_expect_str_eq(mg_profile_format(p), "dhat-text");
    cr_expect_str_eq(mg_profile_source(p), "log.txt");
    return p;
}

static mg_profile *parse(const char *text)
{
    return parse_opts(text, NULL);
}

#define parse_bad_opts(text, opts, code, fragment, line, col)                                      \
    check_profile_error(text, strlen(text), "log.txt", opts, code, fragment, line, col)

#define parse_bad(text, code, fragment, line, col)                                                 \
    parse_bad_opts(text, NULL, code, fragment, line, col)

static void expect_wordfreq(const mg_profile *p)
{
    cr_expect_eq(present_metric(p, MG_TOTAL_BYTES), 6300564);
    cr_expect_eq(present_metric(p, MG_ALLOC_COUNT), 498233);
    cr_expect_eq(present_metric(p, MG_PEAK_BYTES), 3434884);
    cr_expect_eq(present_metric(p, MG_PEAK_BLOCKS), 3862);
    cr_expect_eq(present_metric(p, MG_END_BYTES), 1024);
    cr_expect_eq(present_metric(p, MG_END_BLOCKS), 1);
}

Test(dhat_text, dhat_rs_summary)
{
    mg_profile *p = parse(DHATRS);
    size_t n = 99;
    uint64_t a, c;
    expect_wordfreq(p);
    cr_expect_not(mg_profile_metrics(p)->present[MG_RUNTIME_US], "text has no runtime");
    cr_expect_not(mg_profile_metrics(p)->present[MG_PEAK_RSS]);
    cr_expect_str_eq(mg_profile_producer(p), "dhat-rs");
    cr_expect_eq(mg_profile_mode(p), MG_MODE_HEAP);
    cr_expect_str_eq(mg_profile_mode_label(p), "heap");
    cr_expect_null(mg_profile_note(p), "one summary, nothing to note");
    cr_expect_null(mg_profile_command(p));
    cr_expect_not(mg_profile_raw_total(p, &a, &c));
    cr_expect_null(mg_profile_hotspots(p, &n));
    cr_expect_eq(n, 0, "text summaries have no hotspots");
    mg_profile_free(p);
}

Test(dhat_text, valgrind_summary)
{
    mg_profile *p = parse(VGBANNER VGSUMMARY "==24802== \n");
    cr_expect_eq(present_metric(p, MG_TOTAL_BYTES), 153090283);
    cr_expect_eq(present_metric(p, MG_ALLOC_COUNT), 221);
    cr_expect_eq(present_metric(p, MG_PEAK_BYTES), 153078812);
    cr_expect_eq(present_metric(p, MG_PEAK_BLOCKS), 156);
    cr_expect_eq(present_metric(p, MG_END_BYTES), 192);
    cr_expect_eq(present_metric(p, MG_END_BLOCKS), 14);
    cr_expect_str_eq(mg_profile_producer(p), "valgrind-dhat");
    cr_expect_eq(mg_profile_mode(p), MG_MODE_HEAP);
    mg_profile_free(p);
}

Test(dhat_text, summary_inside_program_output)
{
    mg_profile *p = parse("processed 120000 lines, 18211 distinct words\n"
                          "warning: something unrelated\n" DHATRS "exit status 0\n");
    expect_wordfreq(p);
    mg_profile_free(p);
}

Test(dhat_text, crlf_line_endings)
{
    mg_profile *p = parse("dhat: Total:     6,300,564 bytes in 498,233 blocks\r\n"
                          "dhat: At t-gmax: 3,434,884 bytes in 3,862 blocks\r\n"
                          "dhat: At t-end:  1,024 bytes in 1 blocks\r\n");
    expect_wordfreq(p);
    mg_profile_free(p);
}

Test(dhat_text, no_final_newline)
{
    mg_profile *p = parse("dhat: Total:     6,300,564 bytes in 498,233 blocks\n"
                          "dhat: At t-gmax: 3,434,884 bytes in 3,862 blocks\n"
                          "dhat: At t-end:  1,024 bytes in 1 blocks");
    expect_wordfreq(p);
    mg_profile_free(p);
}

Test(dhat_text, ansi_colour_codes)
{
    mg_profile *p =
        parse("\x1b[1m\x1b[33mdhat: Total:\x1b[0m     6,300,564 bytes in 498,233 blocks\n"
              "dhat: At t-gmax: \x1b[1m3,434,884\x1b[0m bytes in 3,862 blocks\n"
              "dhat: At t-end:  1,024 bytes in 1 blocks\x1b[0m\x1b[K\n");
    expect_wordfreq(p);
    mg_profile_free(p);
}

Test(dhat_text, github_actions_timestamps)
{
    mg_profile *p =
        parse("2026-11-25T19:02:12.0000000Z ##[group]Run cargo run --release\n"
              "2026-11-25T19:02:12.0035710Z    \x1b[1m\x1b[32mCompiling\x1b[0m dhat v0.3.3\n"
              "2026-11-25T19:02:12.0214260Z dhat: Total:     6,300,564 bytes in 498,233 blocks\n"
              "2026-11-25T19:02:12.0249970Z dhat: At t-gmax: 3,434,884 bytes in 3,862 blocks\n"
              "2026-11-25T19:02:12.0285680Z dhat: At t-end:  1,024 bytes in 1 blocks\n"
              "2026-11-25T19:02:12.0357100Z ##[endgroup]\n");
    expect_wordfreq(p);
    mg_profile_free(p);
}

Test(dhat_text, gitlab_sections_with_carriage_returns)
{
    mg_profile *p = parse("\x1b[0Ksection_start:1764097332:step_script\r\x1b[0K\x1b[0K\x1b[36;1m"
                          "Executing step\x1b[0;m\r\n"
                          "$ cargo run --release\r\n"
                          "dhat: Total:     6,300,564 bytes in 498,233 blocks\r\n"
                          "dhat: At t-gmax: 3,434,884 bytes in 3,862 blocks\r\n"
                          "dhat: At t-end:  1,024 bytes in 1 blocks\r\n"
                          "section_end:1764097340:step_script\r\x1b[0K\r\n");
    expect_wordfreq(p);
    mg_profile_free(p);
}

Test(dhat_text, valgrind_inside_a_shell_trace)
{
    mg_profile *p = parse("+ valgrind --tool=dhat sort words.txt\n" VGBANNER
                          "+ echo done\n" VGSUMMARY "==24802== \n+ exit 0\n");
    cr_expect_eq(present_metric(p, MG_PEAK_BYTES), 153078812);
    mg_profile_free(p);
}

Test(dhat_text, utf8_bom)
{
    mg_profile *p = parse("\xEF\xBB\xBF" DHATRS);
    expect_wordfreq(p);
    mg_profile_free(p);
}

/* ---- several summaries ---- */

#define TWO                                                                                        \
    "dhat: Total:     100 bytes in 1 blocks\n"                                                     \
    "dhat: At t-gmax: 50 bytes in 1 blocks\n"                                                      \
    "dhat: At t-end:  0 bytes in 0 blocks\n"                                                       \
    "second run:\n"                                                                                \
    "dhat: Total:     200 bytes in 2 blocks\n"                                                     \
    "dhat: At t-gmax: 150 bytes in 2 blocks\n"                                                     \
    "dhat: At t-end:  10 bytes in 1 blocks\n"

Test(dhat_text, several_summaries_default_to_the_last_with_a_note)
{
    mg_profile *p = parse(TWO);
    cr_expect_eq(present_metric(p, MG_TOTAL_BYTES), 200);
    cr_expect_eq(present_metric(p, MG_PEAK_BYTES), 150);
    cr_expect_eq(present_metric(p, MG_END_BYTES), 10);
    cr_assert_not_null(mg_profile_note(p));
    cr_expect_str_eq(mg_profile_note(p),
                     "2 dhat summaries found; used #2 (line 5); choose with --summary N");
    mg_profile_free(p);
}

Test(dhat_text, summary_index_picks_one)
{
    mg_load_options o = {.format = NULL, .summary_index = 1, .top_n = 0};
    mg_profile *p = parse_opts(TWO, &o);
    cr_expect_eq(present_metric(p, MG_TOTAL_BYTES), 100);
    cr_expect_eq(present_metric(p, MG_PEAK_BYTES), 50);
    cr_expect_eq(present_metric(p, MG_END_BLOCKS), 0);
    cr_expect_str_eq(mg_profile_note(p),
                     "2 dhat summaries found; used #1 (line 1); choose with --summary N");
    mg_profile_free(p);
    o.summary_index = 2;
    p = parse_opts(TWO, &o);
    cr_expect_eq(present_metric(p, MG_TOTAL_BYTES), 200);
    mg_profile_free(p);
}

Test(dhat_text, summary_index_one_of_one_has_no_note)
{
    mg_load_options o = {.format = NULL, .summary_index = 1, .top_n = 0};
    mg_profile *p = parse_opts(DHATRS, &o);
    expect_wordfreq(p);
    cr_expect_null(mg_profile_note(p));
    mg_profile_free(p);
}

Test(dhat_text, summary_index_past_the_end)
{
    mg_load_options o = {.format = NULL, .summary_index = 3, .top_n = 0};
    parse_bad_opts(TWO, &o, MG_E_USAGE, "--summary 3 asked for, but 'log.txt' holds only 2", 0, 0);
}

/* ---- copy and ad hoc modes ---- */

Test(dhat_text, valgrind_copy_mode_has_only_a_total)
{
    mg_profile *p = parse(VGBANNER "==24815== Total:     3,751,038 bytes in 150,609 blocks\n"
                                   "==24815== Reads:     1 bytes\n");
    uint64_t a = 0, c = 0;
    unsigned m;
    cr_expect_eq(mg_profile_mode(p), MG_MODE_COPY);
    cr_expect_str_eq(mg_profile_mode_label(p), "copy");
    cr_assert(mg_profile_raw_total(p, &a, &c));
    cr_expect_eq(a, 3751038);
    cr_expect_eq(c, 150609);
    /* bytes copied are not heap metrics: nothing to gate on */
    for (m = 0; m < MG_METRIC_COUNT; m++)
        cr_expect_not(mg_profile_metrics(p)->present[m], "%s", mg_metric_name(m));
    mg_profile_free(p);
}

Test(dhat_text, ad_hoc_units_and_events)
{
    mg_profile *p = parse(VGBANNER "==24711== Total:     45,999,086 units in 6,362 events\n");
    uint64_t a = 0, c = 0;
    cr_expect_eq(mg_profile_mode(p), MG_MODE_AD_HOC);
    cr_expect_str_eq(mg_profile_mode_label(p), "ad-hoc");
    cr_assert(mg_profile_raw_total(p, &a, &c));
    cr_expect_eq(a, 45999086);
    cr_expect_eq(c, 6362);
    cr_expect_not(mg_profile_metrics(p)->present[MG_TOTAL_BYTES]);
    mg_profile_free(p);
    p = parse("dhat: Total:     1,000 units in 10 events\n");
    cr_expect_eq(mg_profile_mode(p), MG_MODE_AD_HOC);
    cr_expect_str_eq(mg_profile_producer(p), "dhat-rs");
    mg_profile_free(p);
}

/* ---- broken summaries: code, message and position ---- */

Test(dhat_text, orphan_t_gmax)
{
    parse_bad("dhat: At t-gmax: 1 bytes in 1 blocks\n" DHATRS, MG_E_INPUT,
              "'At t-gmax:' line without a 'Total:' line before it", 1, 1);
}

Test(dhat_text, orphan_t_end)
{
    parse_bad("noise\ndhat: At t-end: 1 bytes in 1 blocks\n" DHATRS, MG_E_INPUT,
              "'At t-end:' line without a 'Total:' line before it", 2, 1);
}

Test(dhat_text, repeated_t_gmax_is_an_orphan)
{
    parse_bad("dhat: Total:     100 bytes in 1 blocks\n"
              "dhat: At t-gmax: 50 bytes in 1 blocks\n"
              "dhat: At t-gmax: 50 bytes in 1 blocks\n",
              MG_E_INPUT, "'At t-gmax:' line without a 'Total:'", 3, 1);
}

Test(dhat_text, lines_of_different_producers_do_not_pair)
{
    parse_bad(VGBANNER "dhat: Total:     100 bytes in 1 blocks\n"
                       "==1== At t-gmax: 50 bytes in 1 blocks\n",
              MG_E_INPUT, "'At t-gmax:' line without a 'Total:'", 6, 1);
}

Test(dhat_text, summary_missing_a_line_is_incomplete)
{
    parse_bad("x\ndhat: Total:     100 bytes in 1 blocks\n"
              "dhat: At t-gmax: 50 bytes in 1 blocks\n",
              MG_E_INPUT, "summary is incomplete", 2, 1);
    parse_bad("dhat: Total:     100 bytes in 1 blocks\n", MG_E_INPUT,
              "expected 'At t-gmax:' and 'At t-end:'", 1, 1);
    parse_bad("dhat: Total:     100 bytes in 1 blocks\n"
              "dhat: At t-end:  0 bytes in 0 blocks\n",
              MG_E_INPUT, "summary is incomplete", 1, 1);
}

Test(dhat_text, bad_thousands_separator_with_column)
{
    /* "dhat: Total: " is 13 bytes: the number starts in column 14 */
    parse_bad("dhat: Total: 1,00 bytes in 1 blocks\n", MG_E_INPUT,
              "misplaced thousands separator in '1,00'", 1, 14);
    parse_bad("dhat: Total: 100 bytes in 1 blocks\ndhat: At t-gmax: 12,3456 bytes in 1 blocks\n",
              MG_E_INPUT, "misplaced thousands separator", 2, 18);
}

Test(dhat_text, column_counts_the_original_bytes)
{
    /* 29 bytes of timestamp and 4 of colour code before "dhat: " */
    parse_bad("2026-11-25T19:02:12.0214260Z \x1b[1mdhat: Total: 1,00 bytes in 1 blocks\r\n",
              MG_E_INPUT, "misplaced thousands separator", 1, 47);
    parse_bad("dhat: Total: \x1b[1m1,00\x1b[0m bytes in 1 blocks\n", MG_E_INPUT,
              "misplaced thousands separator", 1, 18);
}

Test(dhat_text, number_past_2_to_the_64)
{
    parse_bad("dhat: Total: 18,446,744,073,709,551,616 bytes in 1 blocks\n", MG_E_OVERFLOW,
              "does not fit in 64 bits", 1, 14);
    parse_bad("==1== DHAT, a dynamic heap analysis tool\n"
              "==1== Total: 5 bytes in 99999999999999999999 blocks\n",
              MG_E_OVERFLOW, "does not fit in 64 bits", 2, 25);
}

Test(dhat_text, missing_number)
{
    parse_bad("dhat: Total: many bytes in 1 blocks\n", MG_E_INPUT, "expected a number", 1, 14);
    parse_bad("dhat: Total: 5 bytes in x blocks\n", MG_E_INPUT, "expected a number", 1, 25);
}

/* A line that ends where a number or word should follow points just past its last byte. */
Test(dhat_text, line_ending_early)
{
    parse_bad("dhat: Total:\n", MG_E_INPUT, "expected a number", 1, 13);
    parse_bad("dhat: Total:\r\n", MG_E_INPUT, "expected a number", 1, 13);
    parse_bad("dhat: Total: 5\n", MG_E_INPUT, "expected 'bytes in ' or 'units in '", 1, 15);
    parse_bad("dhat: Total: 100 bytes in 1 blocks\ndhat: At t-gmax: 50 bytes in 1\x1b[0m\n",
              MG_E_INPUT, "expected 'blocks'", 2, 31);
}

Test(dhat_text, wrong_words)
{
    parse_bad("dhat: Total: 5 byte in 1 blocks\n", MG_E_INPUT,
              "expected 'bytes in ' or 'units in '", 1, 15);
    parse_bad("dhat: Total: 5 bytes in 1 events\n", MG_E_INPUT, "expected 'blocks'", 1, 26);
    parse_bad("dhat: Total: 5 units in 1 blocks\n", MG_E_INPUT, "expected 'events'", 1, 26);
}

/* ---- detection ---- */

Test(dhat_text, no_summary_at_all)
{
    parse_bad("hello\nworld\n", MG_E_INPUT, "no profile found", 1, 1);
    parse_bad("hello\nworld\n", MG_E_INPUT, "it starts with \"hello\"", 1, 1);
}

Test(dhat_text, valgrind_total_without_the_banner_is_not_detected)
{
    parse_bad(VGSUMMARY, MG_E_INPUT, "no profile found", 1, 1);
}

Test(dhat_text, forced_format_reads_valgrind_lines_without_the_banner)
{
    mg_load_options o = {.format = MG_FORMAT_DHAT_TEXT, .summary_index = 0, .top_n = 0};
    mg_profile *p = parse_opts(VGSUMMARY, &o);
    cr_expect_eq(present_metric(p, MG_PEAK_BYTES), 153078812);
    mg_profile_free(p);
}

Test(dhat_text, forced_format_on_text_without_a_summary)
{
    mg_load_options o = {.format = MG_FORMAT_DHAT_TEXT, .summary_index = 0, .top_n = 0};
    parse_bad_opts("nothing here\n", &o, MG_E_INPUT, "no dhat summary found", 0, 0);
}
