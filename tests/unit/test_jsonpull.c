/* jsonpull: tokens, strings and escapes, number grammar, limits, skip_value, exact positions. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_error.h"
#include "jsonpull.h"

#define CHUNK ((size_t)1 << 18) /* the reader's window: 256 KiB */

static void mem(mg_jp *jp, const char *text)
{
    mg_jp_init_mem(jp, text, strlen(text), "t.json");
}

static enum mg_jp_tok next(mg_jp *jp)
{
    enum mg_jp_tok tok = MG_JP_EOF;
    mg_error err;
    mg_error_init(&err);
    cr_assert_eq(mg_jp_next(jp, &tok, &err), 0, "%s (line %lu column %lu)", err.msg, err.line,
                 err.column);
    return tok;
}

/* Read tokens until one fails; expect that failure. */
#define fails(text, code, fragment, line, col)                                                     \
    do {                                                                                           \
        mg_jp jp_;                                                                                 \
        mg_error e_;                                                                               \
        enum mg_jp_tok t_ = MG_JP_NULL;                                                            \
        int rc_ = 0, n_ = 0;                                                                       \
        mg_error_init(&e_);                                                                        \
        mem(&jp_, (text));                                                                         \
        while (n_++ < 1000 && (rc_ = mg_jp_next(&jp_, &t_, &e_)) == 0 && t_ != MG_JP_EOF)          \
            ;                                                                                      \
        cr_expect_eq(rc_, -(int)(code), "no error reading <%s>", (text));                          \
        check_error(&e_, code, fragment, "t.json", line, col);                                     \
        mg_jp_release(&jp_);                                                                       \
    } while (0)

/* ---- tokens ---- */

Test(jsonpull, tokens_of_a_small_document)
{
    static const enum mg_jp_tok want[] = {
        MG_JP_OBJ_BEGIN, MG_JP_STRING,  MG_JP_COLON, MG_JP_ARR_BEGIN, MG_JP_NUMBER, MG_JP_COMMA,
        MG_JP_NUMBER,    MG_JP_COMMA,   MG_JP_TRUE,  MG_JP_COMMA,     MG_JP_FALSE,  MG_JP_COMMA,
        MG_JP_NULL,      MG_JP_ARR_END, MG_JP_COMMA, MG_JP_STRING,    MG_JP_COLON,  MG_JP_OBJ_BEGIN,
        MG_JP_OBJ_END,   MG_JP_OBJ_END, MG_JP_EOF};
    mg_jp jp;
    size_t i;
    mem(&jp, "{\"a\": [1, -2.5e3, true,false , null],\t\"b\":{}}");
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        enum mg_jp_tok t = next(&jp);
        cr_expect_eq(t, want[i], "token %zu is %s, expected %s", i, mg_jp_tok_name(t),
                     mg_jp_tok_name(want[i]));
        if (i == 1)
            cr_expect_str_eq(jp.str.data, "a");
        if (i == 6)
            cr_expect_str_eq(jp.num, "-2.5e3");
    }
    cr_expect_eq(jp.depth, 0);
    cr_expect_eq(next(&jp), MG_JP_EOF, "EOF again after EOF");
    mg_jp_release(&jp);
}

Test(jsonpull, empty_and_blank_input_is_eof)
{
    mg_jp jp;
    mem(&jp, "");
    cr_expect_eq(next(&jp), MG_JP_EOF);
    mg_jp_release(&jp);
    mem(&jp, " \t\r\n \n");
    cr_expect_eq(next(&jp), MG_JP_EOF);
    mg_jp_release(&jp);
}

Test(jsonpull, depth_follows_nesting)
{
    mg_jp jp;
    mem(&jp, "[{\"a\":[]}]");
    next(&jp);
    cr_expect_eq(jp.depth, 1);
    next(&jp);
    cr_expect_eq(jp.depth, 2);
    next(&jp);
    next(&jp);
    next(&jp);
    cr_expect_eq(jp.depth, 3);
    next(&jp);
    cr_expect_eq(jp.depth, 2);
    next(&jp);
    next(&jp);
    cr_expect_eq(jp.depth, 0);
    mg_jp_release(&jp);
}

Test(jsonpull, token_positions_are_one_based_line_and_byte_column)
{
    mg_jp jp;
    mem(&jp, "{\n  \"key\": [\n\t1,\n    true]\n}");
    next(&jp);
    cr_expect(jp.tok_line == 1 && jp.tok_col == 1);
    next(&jp);
    cr_expect(jp.tok_line == 2 && jp.tok_col == 3, "%llu:%llu", (unsigned long long)jp.tok_line,
              (unsigned long long)jp.tok_col);
    next(&jp); /* : */
    cr_expect(jp.tok_line == 2 && jp.tok_col == 8);
    next(&jp); /* [ */
    cr_expect(jp.tok_line == 2 && jp.tok_col == 10);
    next(&jp); /* 1: a tab is one column */
    cr_expect(jp.tok_line == 3 && jp.tok_col == 2);
    next(&jp); /* , */
    next(&jp); /* true */
    cr_expect(jp.tok_line == 4 && jp.tok_col == 5);
    next(&jp); /* ] */
    cr_expect(jp.tok_line == 4 && jp.tok_col == 9);
    next(&jp); /* } */
    cr_expect(jp.tok_line == 5 && jp.tok_col == 1);
    mg_jp_release(&jp);
}

Test(jsonpull, crlf_counts_one_line)
{
    mg_jp jp;
    mem(&jp, "[\r\n1,\r\n  2]");
    next(&jp);
    next(&jp);
    cr_expect(jp.tok_line == 2 && jp.tok_col == 1);
    next(&jp);
    next(&jp);
    cr_expect(jp.tok_line == 3 && jp.tok_col == 3, "%llu:%llu", (unsigned long long)jp.tok_line,
              (unsigned long long)jp.tok_col);
    mg_jp_release(&jp);
    fails("{\r\n  \"a\": x}", MG_E_INPUT, "unexpected character 'x'", 2, 8);
}

Test(jsonpull, utf8_bom_is_skipped_and_not_counted)
{
    mg_jp jp;
    mem(&jp, "\xEF\xBB\xBF{}");
    cr_expect_eq(next(&jp), MG_JP_OBJ_BEGIN);
    cr_expect(jp.tok_line == 1 && jp.tok_col == 1);
    mg_jp_release(&jp);
    fails("\xEF\xBB\xBF  @", MG_E_INPUT, "unexpected character '@'", 1, 3);
}

/* ---- strings ---- */

static void string_is(const char *json, const char *want, size_t want_len)
{
    mg_jp jp;
    mem(&jp, json);
    cr_assert_eq(next(&jp), MG_JP_STRING, "%s", json);
    cr_expect_eq(jp.str.len, want_len, "%s: length %zu", json, jp.str.len);
    cr_expect_eq(memcmp(jp.str.data, want, want_len), 0, "%s: wrong bytes", json);
    cr_expect_eq(jp.str.data[want_len], '\0', "decoded strings are NUL-terminated");
    mg_jp_release(&jp);
}

#define STRING_IS(json, want) string_is(json, want, sizeof(want) - 1)

Test(jsonpull, plain_and_empty_strings)
{
    STRING_IS("\"hello world\"", "hello world");
    STRING_IS("\"\"", "");
    STRING_IS("  \"x\"  ", "x");
}

Test(jsonpull, every_simple_escape)
{
    STRING_IS("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t");
    STRING_IS("\"a\\nb\"", "a\nb");
}

Test(jsonpull, unicode_escapes_become_utf8)
{
    STRING_IS("\"\\u0041\"", "A");
    STRING_IS("\"\\u00e9\\u00E9\"", "\xC3\xA9\xC3\xA9");
    STRING_IS("\"\\u07FF\"", "\xDF\xBF");
    STRING_IS("\"\\u0800\"", "\xE0\xA0\x80");
    STRING_IS("\"\\u20ac\"", "\xE2\x82\xAC");
    STRING_IS("\"\\uFFFF\"", "\xEF\xBF\xBF");
}

Test(jsonpull, surrogate_pairs_become_one_code_point)
{
    STRING_IS("\"\\ud834\\udd1e\"", "\xF0\x9D\x84\x9E"); /* U+1D11E */
    STRING_IS("\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80"); /* U+1F600 */
    STRING_IS("\"\\ud800\\udc00\"", "\xF0\x90\x80\x80"); /* U+10000 */
    STRING_IS("\"\\udbff\\udfff\"", "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
    STRING_IS("\"x\\ud834\\udd1ey\"", "x\xF0\x9D\x84\x9Ey");
}

Test(jsonpull, escaped_nul_is_kept_as_a_byte)
{
    string_is("\"a\\u0000b\"", "a\0b", 3);
}

/* Valgrind writes raw Latin-1 paths into frame strings: kept as they are, not rejected. */
Test(jsonpull, raw_bytes_from_0x80_are_kept)
{
    STRING_IS("\"/home/j\xF6rg/caf\xE9.c\"", "/home/j\xF6rg/caf\xE9.c");
    STRING_IS("\"\xC3\xA9\xFF\xFE\x80\"", "\xC3\xA9\xFF\xFE\x80");
    STRING_IS("\"del\x7f\"", "del\x7f");
}

Test(jsonpull, control_characters_are_rejected)
{
    fails("\"a\tb\"", MG_E_INPUT, "control character inside a string", 1, 3);
    fails("[\"ab\ncd\"]", MG_E_INPUT, "control character inside a string", 1, 5);
    fails("\"\x01\"", MG_E_INPUT, "control character inside a string", 1, 2);
    fails("\"\x1f\"", MG_E_INPUT, "control character inside a string", 1, 2);
}

Test(jsonpull, bad_escapes_point_at_the_escape)
{
    fails("\"\\x\"", MG_E_INPUT, "invalid escape in string", 1, 3);
    fails("\"ab\\U0041\"", MG_E_INPUT, "invalid escape in string", 1, 5);
    fails("\"\\'\"", MG_E_INPUT, "invalid escape in string", 1, 3);
}

Test(jsonpull, bad_hex_digits_point_at_the_digit)
{
    fails("\"\\u12G4\"", MG_E_INPUT, "expected four hex digits after \\u", 1, 6);
    fails("\"\\u12\"", MG_E_INPUT, "expected four hex digits", 1, 6);
    fails("\"\\u", MG_E_INPUT, "expected four hex digits", 1, 4);
}

/* An unpaired surrogate is reported at the backslash of the escape that has no partner. */
Test(jsonpull, unpaired_surrogates)
{
    fails("\"\\ud834x\"", MG_E_INPUT, "unpaired surrogate", 1, 2);
    fails("\"\\ud834\"", MG_E_INPUT, "unpaired surrogate", 1, 2);
    fails("\"\\ud834\\n\"", MG_E_INPUT, "unpaired surrogate", 1, 2);
    fails("\"\\ud834\\u0041\"", MG_E_INPUT, "unpaired surrogate", 1, 2);
    fails("\"\\ud834\\ud834\"", MG_E_INPUT, "unpaired surrogate", 1, 2);
    fails("\"ab\\udd1e\"", MG_E_INPUT, "unpaired surrogate", 1, 4);
    fails("[1,\n \"\\udfff\"]", MG_E_INPUT, "unpaired surrogate", 2, 3);
}

Test(jsonpull, unterminated_strings_end_at_end_of_file)
{
    fails("\"abc", MG_E_INPUT, "unterminated string", 1, 5);
    fails("\"ab\\", MG_E_INPUT, "unterminated string", 1, 5);
    fails("[\n\"", MG_E_INPUT, "unterminated string", 2, 2);
}

/* ---- the string length limit ---- */

/* "[ " + a string of n bytes of `fill` (repeated) + "]" */
static char *long_string_doc(const char *fill, size_t repeats, const char *tail)
{
    size_t fl = strlen(fill), tl = strlen(tail), i;
    char *doc = malloc(2 + 1 + fl * repeats + tl + 3);
    char *p = doc;
    cr_assert_not_null(doc);
    memcpy(p, "[ \"", 3);
    p += 3;
    for (i = 0; i < repeats; i++, p += fl)
        memcpy(p, fill, fl);
    memcpy(p, tail, tl);
    p += tl;
    memcpy(p, "\"]", 3);
    return doc;
}

static void long_string(const char *fill, size_t repeats, const char *tail, bool ok,
                        size_t want_len)
{
    char *doc = long_string_doc(fill, repeats, tail);
    mg_jp jp;
    mg_error err;
    enum mg_jp_tok tok;
    mg_error_init(&err);
    mem(&jp, doc);
    next(&jp);
    if (ok) {
        cr_expect_eq(mg_jp_next(&jp, &tok, &err), 0, "%s", err.msg);
        cr_expect_eq(jp.str.len, want_len);
    } else {
        cr_expect_eq(mg_jp_next(&jp, &tok, &err), -MG_E_INPUT);
        /* reported at the string's opening quote, however the excess was reached */
        check_error(&err, MG_E_INPUT, "string is longer than 1 MiB", "t.json", 1, 3);
    }
    mg_jp_release(&jp);
    free(doc);
}

Test(jsonpull, string_of_exactly_the_limit_is_accepted)
{
    long_string("a", MG_JP_MAX_STRING, "", true, MG_JP_MAX_STRING);
    long_string("a", MG_JP_MAX_STRING - 1, "\\n", true, MG_JP_MAX_STRING);
    long_string("a", MG_JP_MAX_STRING - 2, "\\u00e9", true, MG_JP_MAX_STRING);
}

Test(jsonpull, string_over_the_limit_is_refused)
{
    long_string("a", MG_JP_MAX_STRING + 1, "", false, 0);
}

Test(jsonpull, escapes_count_towards_the_limit)
{
    long_string("a", MG_JP_MAX_STRING, "\\n", false, 0);
    long_string("a", MG_JP_MAX_STRING, "\\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", false, 0);
    long_string("a", MG_JP_MAX_STRING - 1, "\\u00e9", false, 0);
    long_string("\\u0041", MG_JP_MAX_STRING + 1, "", false, 0);
}

/* ---- numbers ---- */

static void number_ok(const char *text)
{
    mg_jp jp;
    mem(&jp, text);
    cr_expect_eq(next(&jp), MG_JP_NUMBER, "%s", text);
    cr_expect_str_eq(jp.num, text);
    cr_expect_eq(next(&jp), MG_JP_EOF, "%s: number not read whole", text);
    mg_jp_release(&jp);
}

Test(jsonpull, numbers_that_follow_the_grammar)
{
    static const char *const ok[] = {
        "0",   "-0",  "7",    "-7",   "10",      "1.5",    "-0.25",        "0.0",
        "1e5", "1E5", "1e+5", "1e-5", "1.5E-05", "-0.0e0", "123456789012", "18446744073709551616"};
    size_t i;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        number_ok(ok[i]);
}

Test(jsonpull, numbers_against_the_grammar)
{
    fails("01", MG_E_INPUT, "malformed number '01'", 1, 1);
    fails("-", MG_E_INPUT, "malformed number '-'", 1, 1);
    fails("-a", MG_E_INPUT, "malformed number '-'", 1, 1);
    fails("--1", MG_E_INPUT, "malformed number '--1'", 1, 1);
    fails("1.", MG_E_INPUT, "malformed number '1.'", 1, 1);
    fails("1.e5", MG_E_INPUT, "malformed number", 1, 1);
    fails("1e", MG_E_INPUT, "malformed number '1e'", 1, 1);
    fails("1e+", MG_E_INPUT, "malformed number", 1, 1);
    fails("1.2.3", MG_E_INPUT, "malformed number '1.2.3'", 1, 1);
    fails("1-2", MG_E_INPUT, "malformed number", 1, 1);
    fails("-01", MG_E_INPUT, "malformed number", 1, 1);
    fails("[1, 2, 03]", MG_E_INPUT, "malformed number '03'", 1, 8);
    fails("+1", MG_E_INPUT, "unexpected character '+'", 1, 1);
    fails(".5", MG_E_INPUT, "unexpected character '.'", 1, 1);
}

Test(jsonpull, number_literal_length_limit)
{
    char text[80];
    memset(text, '7', 71);
    text[71] = '\0';
    number_ok(text); /* 71 digits: the longest literal kept */
    memset(text, '7', 72);
    text[72] = '\0';
    fails(text, MG_E_INPUT, "number literal is too long", 1, 1);
}

static void u64_of(const char *text, const char *key, int want_rc, uint64_t want, enum mg_code code,
                   const char *fragment)
{
    mg_jp jp;
    mg_error err;
    uint64_t v = 4242;
    mg_error_init(&err);
    mem(&jp, text);
    cr_assert_eq(next(&jp), MG_JP_NUMBER);
    cr_expect_eq(mg_jp_number_u64(&jp, key, &v, &err), want_rc, "%s: %s", text, err.msg);
    if (want_rc == 0) {
        cr_expect_eq(v, want, "%s", text);
    } else {
        check_error(&err, code, fragment, "t.json", 1, 1);
        cr_expect_eq(v, 4242);
    }
    mg_jp_release(&jp);
}

Test(jsonpull, number_as_u64)
{
    u64_of("0", "tb", 0, 0, MG_OK, NULL);
    u64_of("18446744073709551615", "tb", 0, UINT64_MAX, MG_OK, NULL);
    u64_of("-1", "tb", -MG_E_INPUT, 0, MG_E_INPUT, "'tb' is negative (-1), expected a count >= 0");
    u64_of("-0", "tb", -MG_E_INPUT, 0, MG_E_INPUT, "is negative");
    u64_of("1.0", "gb", -MG_E_INPUT, 0, MG_E_INPUT, "'gb' is 1.0, expected a whole number");
    u64_of("1e3", "gb", -MG_E_INPUT, 0, MG_E_INPUT, "expected a whole number");
    u64_of("18446744073709551616", "eb", -MG_E_OVERFLOW, 0, MG_E_OVERFLOW,
           "'eb' value 18446744073709551616 does not fit in 64 bits");
}

Test(jsonpull, number_as_u64_error_is_at_the_number)
{
    mg_jp jp;
    mg_error err;
    uint64_t v;
    mg_error_init(&err);
    mem(&jp, "{\n  \"tb\":   -12}");
    next(&jp);
    next(&jp);
    next(&jp);
    cr_assert_eq(next(&jp), MG_JP_NUMBER);
    cr_expect_eq(mg_jp_number_u64(&jp, "tb", &v, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "'tb' is negative", "t.json", 2, 11);
    mg_jp_release(&jp);
}

/* ---- literals and stray characters ---- */

Test(jsonpull, literals_must_be_whole)
{
    fails("tru", MG_E_INPUT, "expected a JSON value", 1, 1);
    fails("[trUe]", MG_E_INPUT, "expected a JSON value", 1, 2);
    fails("nul", MG_E_INPUT, "expected a JSON value", 1, 1);
    fails("  fals", MG_E_INPUT, "expected a JSON value", 1, 3);
    fails("falsey", MG_E_INPUT, "unexpected character 'y'", 1, 6);
}

Test(jsonpull, unexpected_characters)
{
    fails("@", MG_E_INPUT, "unexpected character '@'", 1, 1);
    fails("[1,\n 'a']", MG_E_INPUT, "unexpected character '''", 2, 2);
    fails("\x01", MG_E_INPUT, "unexpected byte 0x01", 1, 1);
    fails("\xC3\xA9", MG_E_INPUT, "unexpected byte 0xC3", 1, 1);
    fails("[1]//", MG_E_INPUT, "unexpected character '/'", 1, 4);
}

/* ---- nesting limit ---- */

static char *nested(const char *open, const char *close, unsigned levels)
{
    size_t ol = strlen(open), cl = strlen(close), i;
    char *s = malloc(levels * (ol + cl) + 2);
    char *p = s;
    cr_assert_not_null(s);
    for (i = 0; i < levels; i++, p += ol)
        memcpy(p, open, ol);
    *p++ = '0';
    for (i = 0; i < levels; i++, p += cl)
        memcpy(p, close, cl);
    *p = '\0';
    return s;
}

Test(jsonpull, nesting_up_to_the_limit_is_fine)
{
    char *s = nested("[", "]", MG_JP_MAX_DEPTH);
    mg_jp jp;
    enum mg_jp_tok t;
    unsigned max = 0;
    mem(&jp, s);
    while ((t = next(&jp)) != MG_JP_EOF)
        if (jp.depth > max)
            max = jp.depth;
    cr_expect_eq(max, MG_JP_MAX_DEPTH);
    cr_expect_eq(jp.depth, 0);
    mg_jp_release(&jp);
    free(s);
}

Test(jsonpull, nesting_past_the_limit_is_refused)
{
    char *s = nested("[", "]", MG_JP_MAX_DEPTH + 1);
    fails(s, MG_E_INPUT, "nesting deeper than 64 levels", 1, MG_JP_MAX_DEPTH + 1);
    free(s);
    /* objects count the same: each "{\"k\":" is 5 bytes */
    s = nested("{\"k\":", "}", MG_JP_MAX_DEPTH + 1);
    fails(s, MG_E_INPUT, "nesting deeper than 64 levels", 1, 5 * MG_JP_MAX_DEPTH + 1);
    free(s);
}

/* ---- expect, skip_value, names ---- */

Test(jsonpull, expect_names_both_tokens)
{
    mg_jp jp;
    mg_error err;
    mg_error_init(&err);
    mem(&jp, "\n  [");
    cr_expect_eq(mg_jp_expect(&jp, MG_JP_OBJ_BEGIN, "'{' at the start", &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "expected '{' at the start, found '['", "t.json", 2, 3);
    mg_jp_release(&jp);
    mem(&jp, "{");
    mg_error_init(&err);
    cr_expect_eq(mg_jp_expect(&jp, MG_JP_OBJ_BEGIN, "'{'", &err), 0);
    mg_jp_release(&jp);
}

Test(jsonpull, skip_value_skips_whole_containers)
{
    mg_jp jp;
    mg_error err;
    enum mg_jp_tok t;
    mg_error_init(&err);
    mem(&jp, "[{\"a\":[1,{\"b\":null},[]],\"c\":\"x\",\"d\":{}}, 5]");
    cr_assert_eq(next(&jp), MG_JP_ARR_BEGIN);
    t = next(&jp);
    cr_assert_eq(t, MG_JP_OBJ_BEGIN);
    cr_assert_eq(mg_jp_skip_value(&jp, t, &err), 0, "%s", err.msg);
    cr_expect_eq(jp.depth, 1);
    cr_expect_eq(next(&jp), MG_JP_COMMA);
    cr_expect_eq(next(&jp), MG_JP_NUMBER);
    cr_expect_str_eq(jp.num, "5");
    cr_expect_eq(next(&jp), MG_JP_ARR_END);
    cr_expect_eq(next(&jp), MG_JP_EOF);
    mg_jp_release(&jp);
}

Test(jsonpull, skip_value_of_scalars_and_empty_containers)
{
    mg_jp jp;
    mg_error err;
    enum mg_jp_tok t;
    mg_error_init(&err);
    mem(&jp, "\"s\" 1 true false null [] {} 9");
    while ((t = next(&jp)) != MG_JP_NUMBER || strcmp(jp.num, "9") != 0)
        cr_assert_eq(mg_jp_skip_value(&jp, t, &err), 0, "%s", err.msg);
    cr_expect_eq(jp.depth, 0);
    mg_jp_release(&jp);
}

#define skip_fails(text, fragment, line, col)                                                      \
    do {                                                                                           \
        mg_jp jp_;                                                                                 \
        mg_error e_;                                                                               \
        enum mg_jp_tok t_;                                                                         \
        mg_error_init(&e_);                                                                        \
        mem(&jp_, (text));                                                                         \
        t_ = next(&jp_);                                                                           \
        cr_expect_eq(mg_jp_skip_value(&jp_, t_, &e_), -MG_E_INPUT, "%s", (text));                  \
        check_error(&e_, MG_E_INPUT, fragment, "t.json", line, col);                               \
        mg_jp_release(&jp_);                                                                       \
    } while (0)

Test(jsonpull, skip_value_errors)
{
    skip_fails("]", "expected a JSON value, found ']'", 1, 1);
    skip_fails(",", "expected a JSON value, found ','", 1, 1);
    skip_fails("{\"a\" 1}", "expected ':', found a number", 1, 6);
    skip_fails("{1:2}", "expected an object key, found a number", 1, 2);
    skip_fails("[1 2]", "expected ',' or ']', found a number", 1, 4);
    skip_fails("[1,]", "expected a JSON value, found ']'", 1, 4);
    skip_fails("{\"a\":1,}", "expected an object key, found '}'", 1, 8);
    skip_fails("{\"a\":1]", "expected ',' or '}', found ']'", 1, 7);
    skip_fails("[1,2", "expected ',' or ']', found end of file", 1, 5);
    skip_fails("{\"a\":", "expected a JSON value, found end of file", 1, 6);
    skip_fails("[\n  [1, @]]", "unexpected character '@'", 2, 7);
}

Test(jsonpull, skip_value_respects_the_nesting_limit)
{
    char *s = nested("[", "]", MG_JP_MAX_DEPTH + 1);
    skip_fails(s, "nesting deeper than 64 levels", 1, MG_JP_MAX_DEPTH + 1);
    free(s);
}

Test(jsonpull, token_names)
{
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_EOF), "end of file");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_OBJ_BEGIN), "'{'");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_OBJ_END), "'}'");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_ARR_BEGIN), "'['");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_ARR_END), "']'");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_COLON), "':'");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_COMMA), "','");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_STRING), "a string");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_NUMBER), "a number");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_TRUE), "a boolean");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_FALSE), "a boolean");
    cr_expect_str_eq(mg_jp_tok_name(MG_JP_NULL), "null");
}

Test(jsonpull, error_helper_uses_the_last_token_position)
{
    mg_jp jp;
    mg_error err;
    mg_error_init(&err);
    mem(&jp, "[\n   42]");
    next(&jp);
    next(&jp);
    cr_expect_eq(mg_jp_error(&jp, &err, MG_E_OVERFLOW, "value %d", 42), -MG_E_OVERFLOW);
    check_error(&err, MG_E_OVERFLOW, "value 42", "t.json", 2, 4);
    mg_jp_release(&jp);
}

/* ---- streaming: the same tokens and positions across 256 KiB windows ---- */

struct tokrec {
    enum mg_jp_tok tok;
    uint64_t line, col;
    char text[40]; /* string or number text, truncated */
    size_t len;
};

/* Every token of doc (or up to the first error) with its position. */
static size_t tokens(mg_jp *jp, struct tokrec *out, size_t max, mg_error *err)
{
    size_t n = 0;
    enum mg_jp_tok t;
    while (n < max && mg_jp_next(jp, &t, err) == 0) {
        out[n].tok = t;
        out[n].line = jp->tok_line;
        out[n].col = jp->tok_col;
        out[n].len = t == MG_JP_STRING ? jp->str.len : t == MG_JP_NUMBER ? jp->num_len : 0;
        out[n].text[0] = '\0';
        if (t == MG_JP_STRING)
            memcpy(out[n].text, jp->str.data, jp->str.len < 39 ? jp->str.len + 1 : 39);
        else if (t == MG_JP_NUMBER)
            snprintf(out[n].text, sizeof(out[n].text), "%s", jp->num);
        out[n].text[39] = '\0';
        n++;
        if (t == MG_JP_EOF)
            break;
    }
    return n;
}

/* Open doc as the parsers do: `head_len` bytes already read, the rest from a FILE*. */
static FILE *stream_of(char *doc, size_t len, size_t head_len, mg_jp *jp)
{
    FILE *f = fmemopen(doc + head_len, len - head_len, "r");
    cr_assert_not_null(f);
    mg_jp_init_stream(jp, f, doc, head_len, "t.json");
    return f;
}

/* Compare streamed tokens (for several head sizes) with the in-memory reader's. */
static void same_in_stream(char *doc, size_t len, size_t max_tokens)
{
    static const size_t heads[] = {0, 1, 3, 65536, 100000, CHUNK - 1, CHUNK + 7};
    struct tokrec *want = calloc(max_tokens, sizeof(*want));
    struct tokrec *got = calloc(max_tokens, sizeof(*got));
    mg_error werr, gerr;
    size_t nw, ng, h, i;
    mg_jp jp;
    cr_assert(want && got);
    mg_error_init(&werr);
    mg_jp_init_mem(&jp, doc, len, "t.json");
    nw = tokens(&jp, want, max_tokens, &werr);
    mg_jp_release(&jp);
    for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
        FILE *f;
        if (heads[h] > len)
            continue;
        mg_error_init(&gerr);
        f = stream_of(doc, len, heads[h], &jp);
        ng = tokens(&jp, got, max_tokens, &gerr);
        mg_jp_release(&jp);
        fclose(f);
        cr_expect_eq(ng, nw, "head %zu: %zu tokens, expected %zu", heads[h], ng, nw);
        for (i = 0; i < nw && i < ng; i++)
            if (got[i].tok != want[i].tok || got[i].line != want[i].line ||
                got[i].col != want[i].col || got[i].len != want[i].len ||
                strcmp(got[i].text, want[i].text) != 0)
                break;
        if (i < nw && i < ng)
            cr_expect_fail("head %zu token %zu: %s %llu:%llu '%s', expected %s %llu:%llu '%s'",
                           heads[h], i, mg_jp_tok_name(got[i].tok), (unsigned long long)got[i].line,
                           (unsigned long long)got[i].col, got[i].text, mg_jp_tok_name(want[i].tok),
                           (unsigned long long)want[i].line, (unsigned long long)want[i].col,
                           want[i].text);
        cr_expect_eq(gerr.code, werr.code, "head %zu", heads[h]);
        cr_expect_str_eq(gerr.msg, werr.msg, "head %zu", heads[h]);
        cr_expect(gerr.line == werr.line && gerr.column == werr.column,
                  "head %zu: error at %lu:%lu, expected %lu:%lu", heads[h], gerr.line, gerr.column,
                  werr.line, werr.column);
    }
    free(want);
    free(got);
}

/*
 * "[\r\n" + pad spaces + token + "]": the token starts at offset 3 + pad, so
 * pad = CHUNK - 3 - k puts the first window boundary k bytes into the token.
 */
static char *doc_with_token_at(size_t pad, const char *token, size_t *len)
{
    size_t tl = strlen(token);
    char *doc = malloc(3 + pad + tl + 2);
    cr_assert_not_null(doc);
    memcpy(doc, "[\r\n", 3);
    memset(doc + 3, ' ', pad);
    memcpy(doc + 3 + pad, token, tl);
    memcpy(doc + 3 + pad + tl, "]", 2);
    *len = 3 + pad + tl + 1;
    return doc;
}

static void token_across_the_boundary(const char *token, enum mg_jp_tok want_tok,
                                      const char *want_text, size_t want_len)
{
    size_t k, tl = strlen(token);
    for (k = 0; k <= tl; k++) {
        size_t len, pad = CHUNK - 3 - k;
        char *doc = doc_with_token_at(pad, token, &len);
        mg_jp jp;
        FILE *f = stream_of(doc, len, 0, &jp);
        cr_assert_eq(next(&jp), MG_JP_ARR_BEGIN);
        cr_expect_eq(next(&jp), want_tok, "split %zu", k);
        cr_expect(jp.tok_line == 2 && jp.tok_col == pad + 1, "split %zu: at %llu:%llu", k,
                  (unsigned long long)jp.tok_line, (unsigned long long)jp.tok_col);
        if (want_tok == MG_JP_STRING) {
            cr_expect_eq(jp.str.len, want_len, "split %zu", k);
            cr_expect_eq(memcmp(jp.str.data, want_text, want_len), 0, "split %zu", k);
        } else if (want_tok == MG_JP_NUMBER) {
            cr_expect_str_eq(jp.num, want_text, "split %zu", k);
        }
        cr_expect_eq(next(&jp), MG_JP_ARR_END, "split %zu", k);
        cr_expect_eq(next(&jp), MG_JP_EOF, "split %zu", k);
        mg_jp_release(&jp);
        fclose(f);
        free(doc);
    }
}

Test(jsonpull, string_with_escapes_split_at_every_byte)
{
    static const char want[] = "ab\"\xC3\xA9\xF0\x9D\x84\x9E\n\xFFz";
    token_across_the_boundary("\"ab\\\"\\u00e9\\ud834\\udd1e\\n\xFFz\"", MG_JP_STRING, want,
                              sizeof(want) - 1);
}

Test(jsonpull, number_and_literals_split_at_every_byte)
{
    token_across_the_boundary("-1234.5e+67", MG_JP_NUMBER, "-1234.5e+67", 0);
    token_across_the_boundary("true", MG_JP_TRUE, NULL, 0);
    token_across_the_boundary("false", MG_JP_FALSE, NULL, 0);
    token_across_the_boundary("null", MG_JP_NULL, NULL, 0);
}

Test(jsonpull, error_past_the_boundary_has_its_column)
{
    size_t len, pad = CHUNK + 100;
    char *doc = doc_with_token_at(pad, "@", &len);
    mg_jp jp;
    mg_error err;
    enum mg_jp_tok t;
    FILE *f = stream_of(doc, len, 0, &jp);
    mg_error_init(&err);
    cr_assert_eq(next(&jp), MG_JP_ARR_BEGIN);
    cr_expect_eq(mg_jp_next(&jp, &t, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "unexpected character '@'", "t.json", 2, pad + 1);
    mg_jp_release(&jp);
    fclose(f);
    free(doc);
}

Test(jsonpull, crlf_split_by_the_boundary)
{
    /* "\r" is the last byte of the first window, "\n" the first of the second */
    size_t len = CHUNK + 8, i;
    char *doc = malloc(len + 1);
    mg_jp jp;
    FILE *f;
    cr_assert_not_null(doc);
    doc[0] = '[';
    for (i = 1; i < CHUNK - 1; i++)
        doc[i] = ' ';
    doc[CHUNK - 1] = '\r';
    memcpy(doc + CHUNK, "\n  7 ]\n", 8);
    doc[len] = '\0';
    len = strlen(doc);
    f = stream_of(doc, len, 0, &jp);
    next(&jp);
    cr_expect_eq(next(&jp), MG_JP_NUMBER);
    cr_expect(jp.tok_line == 2 && jp.tok_col == 3, "at %llu:%llu", (unsigned long long)jp.tok_line,
              (unsigned long long)jp.tok_col);
    mg_jp_release(&jp);
    fclose(f);
    free(doc);
}

/* A 700 KiB document of mixed lines: streaming must see exactly what the memory reader sees. */
Test(jsonpull, long_document_streams_like_memory)
{
    size_t cap = 720 * 1024, len = 0, i = 0;
    char *doc = malloc(cap);
    cr_assert_not_null(doc);
    len += (size_t)snprintf(doc, cap, "{\"pps\": [\r\n");
    while (len < cap - 200) {
        len += (size_t)snprintf(doc + len, cap - len,
                                "{\"tb\": %zu, \"f\": \"fr\\u00e9me %zu \\ud83d\\ude00\", "
                                "\"x\": [true, null, -%zu.5e-3]},%s",
                                i * 7919, i, i, i % 3 ? "\n" : "\r\n    ");
        i++;
    }
    len += (size_t)snprintf(doc + len, cap - len, "{}]}\n");
    same_in_stream(doc, len, 300000);
    free(doc);
}

Test(jsonpull, errors_stream_like_memory)
{
    size_t len;
    char *doc = doc_with_token_at(CHUNK - 10, "\"abc\\x\"", &len);
    same_in_stream(doc, len, 10);
    free(doc);
    doc = doc_with_token_at(CHUNK - 5, "\"abc", &len);
    doc[len - 1] = '\0'; /* drop the closing ']': the string runs to end of file */
    same_in_stream(doc, len - 1, 10);
    free(doc);
    doc = doc_with_token_at(CHUNK - 2, "\"\\ud834\\u0041\"", &len);
    same_in_stream(doc, len, 10);
    free(doc);
}

Test(jsonpull, long_string_error_streams_like_memory)
{
    char *doc = long_string_doc("abcdefgh", (MG_JP_MAX_STRING >> 3) + 1, "");
    same_in_stream(doc, strlen(doc), 10);
    free(doc);
}

Test(jsonpull, stream_bom_in_the_head_is_skipped)
{
    char doc[] = "\xEF\xBB\xBF{\n \"a\": 1}";
    mg_jp jp;
    FILE *f = stream_of(doc, strlen(doc), 5, &jp);
    cr_expect_eq(next(&jp), MG_JP_OBJ_BEGIN);
    cr_expect(jp.tok_line == 1 && jp.tok_col == 1);
    cr_expect_eq(next(&jp), MG_JP_STRING);
    cr_expect(jp.tok_line == 2 && jp.tok_col == 2);
    mg_jp_release(&jp);
    fclose(f);
}
