/* num: checked arithmetic, the bounded number parsers, sizes, percentages and their display. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "check_error.h"
#include "memgate/num.h"

/* ---- checked arithmetic ---- */

Test(num, add_at_and_past_the_edge)
{
    uint64_t r = 7;
    cr_expect(mg_u64_add(UINT64_MAX - 1, 1, &r));
    cr_expect_eq(r, UINT64_MAX);
    cr_expect(mg_u64_add(0, 0, &r));
    cr_expect_eq(r, 0);
    r = 7;
    cr_expect_not(mg_u64_add(UINT64_MAX, 1, &r));
    cr_expect_eq(r, 7, "out must be left alone on overflow");
    cr_expect_not(mg_u64_add(1ULL << 63, 1ULL << 63, &r));
    cr_expect_eq(r, 7);
}

Test(num, mul_at_and_past_the_edge)
{
    uint64_t r = 7;
    cr_expect(mg_u64_mul(UINT64_MAX, 1, &r));
    cr_expect_eq(r, UINT64_MAX);
    cr_expect(mg_u64_mul(UINT64_MAX, 0, &r));
    cr_expect_eq(r, 0);
    cr_expect(mg_u64_mul(1ULL << 32, (1ULL << 32) - 1, &r));
    cr_expect_eq(r, (1ULL << 32) * ((1ULL << 32) - 1));
    r = 7;
    cr_expect_not(mg_u64_mul(1ULL << 32, 1ULL << 32, &r));
    cr_expect_eq(r, 7);
    cr_expect_not(mg_u64_mul(UINT64_MAX / 10 + 1, 10, &r));
    cr_expect_eq(r, 7);
    cr_expect(mg_u64_mul(UINT64_MAX / 10, 10, &r));
    cr_expect_eq(r, 18446744073709551610ULL);
}

/* ---- mg_parse_u64 / mg_parse_hex_u64 ---- */

static uint64_t u64_ok(const char *s)
{
    mg_error err;
    uint64_t v = 12345;
    mg_error_init(&err);
    cr_assert_eq(mg_parse_u64(s, UINT64_MAX, &v, &err), 0, "'%s': %s", s, err.msg);
    cr_expect_eq(err.code, MG_OK);
    return v;
}

static void u64_bad(const char *s, uint64_t max, enum mg_code code, const char *fragment)
{
    mg_error err;
    uint64_t v = 12345;
    mg_error_init(&err);
    cr_expect_eq(mg_parse_u64(s, max, &v, &err), -(int)code, "'%s'", s);
    check_error(&err, code, fragment, "", 0, 0);
    cr_expect_eq(v, 12345, "'%s': out must be untouched on error", s);
}

Test(num, parse_u64_accepts_plain_decimals)
{
    cr_expect_eq(u64_ok("0"), 0);
    cr_expect_eq(u64_ok("42"), 42);
    cr_expect_eq(u64_ok("007"), 7);
    cr_expect_eq(u64_ok("18446744073709551615"), UINT64_MAX);
}

Test(num, parse_u64_rejects_empty_and_null)
{
    u64_bad("", UINT64_MAX, MG_E_INPUT, "found nothing");
    u64_bad(NULL, UINT64_MAX, MG_E_INPUT, "found nothing");
}

Test(num, parse_u64_rejects_signs)
{
    /* strtoull would turn "-1" into UINT64_MAX */
    u64_bad("-1", UINT64_MAX, MG_E_INPUT, "found '-'");
    u64_bad("+1", UINT64_MAX, MG_E_INPUT, "found '+'");
    u64_bad("-0", UINT64_MAX, MG_E_INPUT, "found '-'");
}

Test(num, parse_u64_rejects_spaces)
{
    u64_bad(" 1", UINT64_MAX, MG_E_INPUT, "found ' '");
    u64_bad("1 ", UINT64_MAX, MG_E_INPUT, "found ' '");
    u64_bad("1 2", UINT64_MAX, MG_E_INPUT, "found ' '");
    u64_bad("\t1", UINT64_MAX, MG_E_INPUT, "expected a decimal digit");
}

Test(num, parse_u64_rejects_junk)
{
    u64_bad("12a", UINT64_MAX, MG_E_INPUT, "expected a decimal digit, found 'a'");
    u64_bad("1.0", UINT64_MAX, MG_E_INPUT, "found '.'");
    u64_bad("1,000", UINT64_MAX, MG_E_INPUT, "found ','");
    u64_bad("0x10", UINT64_MAX, MG_E_INPUT, "found 'x'");
    u64_bad("ff", UINT64_MAX, MG_E_INPUT, "found 'f'");
}

Test(num, parse_u64_rejects_2_to_the_64)
{
    u64_bad("18446744073709551616", UINT64_MAX, MG_E_OVERFLOW, "too large");
    u64_bad("99999999999999999999999", UINT64_MAX, MG_E_OVERFLOW, "too large");
}

Test(num, parse_u64_honours_max)
{
    mg_error err;
    uint64_t v = 0;
    mg_error_init(&err);
    cr_expect_eq(mg_parse_u64("1000", 1000, &v, &err), 0);
    cr_expect_eq(v, 1000);
    u64_bad("1001", 1000, MG_E_OVERFLOW, "maximum 1000");
}

Test(num, parse_hex_both_cases)
{
    mg_error err;
    uint64_t v = 0;
    mg_error_init(&err);
    cr_expect_eq(mg_parse_hex_u64("ff", UINT64_MAX, &v, &err), 0);
    cr_expect_eq(v, 255);
    cr_expect_eq(mg_parse_hex_u64("DeadBeef", UINT64_MAX, &v, &err), 0);
    cr_expect_eq(v, 0xdeadbeefULL);
    cr_expect_eq(mg_parse_hex_u64("ffffffffffffffff", UINT64_MAX, &v, &err), 0);
    cr_expect_eq(v, UINT64_MAX);
    cr_expect_eq(err.code, MG_OK);
}

Test(num, parse_hex_errors)
{
    mg_error err;
    uint64_t v = 99;
    mg_error_init(&err);
    cr_expect_eq(mg_parse_hex_u64("0x1f", UINT64_MAX, &v, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "expected a hexadecimal digit, found 'x'", "", 0, 0);
    mg_error_init(&err);
    cr_expect_eq(mg_parse_hex_u64("1g", UINT64_MAX, &v, &err), -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "found 'g'", "", 0, 0);
    mg_error_init(&err);
    cr_expect_eq(mg_parse_hex_u64("10000000000000000", UINT64_MAX, &v, &err), -MG_E_OVERFLOW);
    check_error(&err, MG_E_OVERFLOW, "too large", "", 0, 0);
    mg_error_init(&err);
    cr_expect_eq(mg_parse_hex_u64("", UINT64_MAX, &v, &err), -MG_E_INPUT);
    cr_expect_eq(v, 99);
}

/* ---- mg_parse_grouped_u64 ---- */

static uint64_t grouped_ok(const char *s)
{
    mg_error err;
    uint64_t v = 12345;
    mg_error_init(&err);
    cr_assert_eq(mg_parse_grouped_u64(s, strlen(s), &v, &err), 0, "'%s': %s", s, err.msg);
    return v;
}

static void grouped_bad(const char *s, enum mg_code code, const char *fragment)
{
    mg_error err;
    uint64_t v = 12345;
    mg_error_init(&err);
    cr_expect_eq(mg_parse_grouped_u64(s, strlen(s), &v, &err), -(int)code, "'%s': %s", s, err.msg);
    check_error(&err, code, fragment, "", 0, 0);
    cr_expect_eq(v, 12345);
}

Test(num, grouped_accepts_grouped_and_plain)
{
    cr_expect_eq(grouped_ok("6,300,564"), 6300564);
    cr_expect_eq(grouped_ok("999"), 999);
    cr_expect_eq(grouped_ok("1,000"), 1000);
    cr_expect_eq(grouped_ok("12,345"), 12345);
    cr_expect_eq(grouped_ok("123,456"), 123456);
    cr_expect_eq(grouped_ok("6300564"), 6300564);
    cr_expect_eq(grouped_ok("0"), 0);
    cr_expect_eq(grouped_ok("18,446,744,073,709,551,615"), UINT64_MAX);
    cr_expect_eq(grouped_ok("18446744073709551615"), UINT64_MAX);
}

Test(num, grouped_reads_only_len_bytes)
{
    mg_error err;
    uint64_t v = 0;
    mg_error_init(&err);
    /* the text parser hands over a slice of a longer line */
    cr_expect_eq(mg_parse_grouped_u64("1,024 bytes", 5, &v, &err), 0);
    cr_expect_eq(v, 1024);
}

Test(num, grouped_rejects_bad_groupings)
{
    grouped_bad("1,00", MG_E_INPUT, "misplaced thousands separator in '1,00'");
    grouped_bad("1,0000", MG_E_INPUT, "misplaced thousands separator");
    grouped_bad("1234,567", MG_E_INPUT, "misplaced thousands separator in '1234,567'");
    grouped_bad("12,34,567", MG_E_INPUT, "misplaced thousands separator");
    grouped_bad("1,,000", MG_E_INPUT, "misplaced thousands separator");
    grouped_bad("1,000,00", MG_E_INPUT, "misplaced thousands separator");
}

Test(num, grouped_rejects_leading_and_trailing_separators)
{
    grouped_bad(",1", MG_E_INPUT, "expected a number");
    grouped_bad("1,", MG_E_INPUT, "expected a number");
    grouped_bad(",", MG_E_INPUT, "expected a number");
    grouped_bad("", MG_E_INPUT, "expected a number");
}

Test(num, grouped_rejects_junk)
{
    grouped_bad("1,0a0", MG_E_INPUT, "expected a digit, found 'a'");
    grouped_bad("-1", MG_E_INPUT, "expected a digit, found '-'");
    grouped_bad("1.5", MG_E_INPUT, "found '.'");
}

Test(num, grouped_rejects_overflow)
{
    grouped_bad("18,446,744,073,709,551,616", MG_E_OVERFLOW, "does not fit in 64 bits");
    grouped_bad("18446744073709551616", MG_E_OVERFLOW, "does not fit in 64 bits");
}

/* ---- mg_parse_size ---- */

static uint64_t size_ok(const char *s)
{
    mg_error err;
    uint64_t v = 12345;
    mg_error_init(&err);
    cr_assert_eq(mg_parse_size(s, &v, &err), 0, "'%s': %s", s, err.msg);
    return v;
}

static void size_bad(const char *s, enum mg_code code, const char *fragment)
{
    mg_error err;
    uint64_t v = 12345;
    mg_error_init(&err);
    cr_expect_eq(mg_parse_size(s, &v, &err), -(int)code, "'%s': %s", s, err.msg);
    check_error(&err, code, fragment, "", 0, 0);
    cr_expect_eq(v, 12345);
}

Test(num, size_plain_and_bytes)
{
    cr_expect_eq(size_ok("0"), 0);
    cr_expect_eq(size_ok("100"), 100);
    cr_expect_eq(size_ok("100B"), 100);
    cr_expect_eq(size_ok("100 B"), 100);
}

Test(num, size_decimal_units_are_powers_of_1000)
{
    cr_expect_eq(size_ok("1KB"), 1000);
    cr_expect_eq(size_ok("500MB"), 500000000);
    cr_expect_eq(size_ok("1GB"), 1000000000);
    cr_expect_eq(size_ok("2TB"), 2000000000000ULL);
    cr_expect_eq(size_ok("1k"), 1000);
    cr_expect_eq(size_ok("1kb"), 1000);
    cr_expect_eq(size_ok("3M"), 3000000);
}

Test(num, size_binary_units_are_powers_of_1024)
{
    cr_expect_eq(size_ok("64KiB"), 65536);
    cr_expect_eq(size_ok("1MiB"), 1048576);
    cr_expect_eq(size_ok("1GiB"), 1073741824);
    cr_expect_eq(size_ok("1TiB"), 1099511627776ULL);
    cr_expect_eq(size_ok("2kib"), 2048);
}

Test(num, size_decimals)
{
    cr_expect_eq(size_ok("1.5MiB"), 1572864);
    cr_expect_eq(size_ok("0.5KiB"), 512);
    cr_expect_eq(size_ok("2.5GB"), 2500000000ULL);
    cr_expect_eq(size_ok("1.001KB"), 1001);
    /* rounded down to whole bytes */
    cr_expect_eq(size_ok("1.5"), 1);
    cr_expect_eq(size_ok("1.999B"), 1);
    cr_expect_eq(size_ok("0.001KiB"), 1); /* 1.024 bytes */
}

Test(num, size_errors)
{
    size_bad("", MG_E_USAGE, "expected a size");
    size_bad(NULL, MG_E_USAGE, "expected a size");
    size_bad("MB", MG_E_USAGE, "expected a number");
    size_bad("5XB", MG_E_USAGE, "unknown unit");
    size_bad("5 MBs", MG_E_USAGE, "unknown unit");
    size_bad("5KIB", MG_E_USAGE, "unknown unit"); /* the 'i' of binary units is lower case */
    size_bad("-5MB", MG_E_USAGE, "expected a number");
    size_bad("1.2345KB", MG_E_USAGE, "too many decimals");
    size_bad("5MB ", MG_E_USAGE, "unknown unit");
}

/*
 * Sizes come from flags, .pmat.yaml and MEMORY_THRESHOLD, so one that is too
 * large is a usage error (exit 2), however it overflows.
 */
Test(num, size_overflow_is_a_usage_error)
{
    size_bad("20000000TB", MG_E_USAGE, "too large");
    size_bad("99999999999999999999", MG_E_USAGE, "too large");
    size_bad("18446744073709551616B", MG_E_USAGE, "too large");
}

Test(num, size_error_names_the_input)
{
    size_bad("1.2345KB", MG_E_USAGE, "size '1.2345KB'");
    size_bad("5XB", MG_E_USAGE, "size '5XB'");
}

/* ---- mg_parse_percent ---- */

static uint64_t pct_ok(const char *s)
{
    mg_error err;
    uint64_t v = 12345;
    mg_error_init(&err);
    cr_assert_eq(mg_parse_percent(s, &v, &err), 0, "'%s': %s", s, err.msg);
    return v;
}

static void pct_bad(const char *s, enum mg_code code, const char *fragment)
{
    mg_error err;
    uint64_t v = 12345;
    mg_error_init(&err);
    cr_expect_eq(mg_parse_percent(s, &v, &err), -(int)code, "'%s': %s", s, err.msg);
    check_error(&err, code, fragment, "", 0, 0);
    cr_expect_eq(v, 12345);
}

Test(num, percent_in_basis_points)
{
    cr_expect_eq(pct_ok("5"), 500);
    cr_expect_eq(pct_ok("5%"), 500);
    cr_expect_eq(pct_ok("2.5%"), 250);
    cr_expect_eq(pct_ok("2.55%"), 255);
    cr_expect_eq(pct_ok("0.01%"), 1);
    cr_expect_eq(pct_ok("0"), 0);
    cr_expect_eq(pct_ok("150%"), 15000);
}

Test(num, percent_errors)
{
    pct_bad("2.555%", MG_E_USAGE, "too many decimals (at most 2)");
    pct_bad("", MG_E_USAGE, "expected a percentage");
    pct_bad("%", MG_E_USAGE, "expected a number");
    pct_bad("-5%", MG_E_USAGE, "expected a number");
    pct_bad("5%%", MG_E_USAGE, "trailing characters");
    pct_bad("5 %", MG_E_USAGE, "trailing characters");
    pct_bad("5x", MG_E_USAGE, "percentage '5x'");
    pct_bad("99999999999999999999%", MG_E_USAGE, "too large");
}

/* ---- display ---- */

static const char *fsize(uint64_t b)
{
    static char out[32];
    mg_format_size(b, out, sizeof(out));
    return out;
}

Test(num, format_size_bytes_below_1_KiB)
{
    cr_expect_str_eq(fsize(0), "0 B");
    cr_expect_str_eq(fsize(512), "512 B");
    cr_expect_str_eq(fsize(1023), "1023 B");
}

Test(num, format_size_three_significant_digits)
{
    cr_expect_str_eq(fsize(1024), "1.00 KiB");
    cr_expect_str_eq(fsize(1536), "1.50 KiB");
    cr_expect_str_eq(fsize(10240), "10.0 KiB");
    cr_expect_str_eq(fsize(65536), "64.0 KiB");
    cr_expect_str_eq(fsize(102400), "100 KiB");
    cr_expect_str_eq(fsize(3434884), "3.28 MiB");  /* 3.2757 MiB */
    cr_expect_str_eq(fsize(153078812), "146 MiB"); /* 145.99 MiB */
    cr_expect_str_eq(fsize(1073741824), "1.00 GiB");
    cr_expect_str_eq(fsize(1099511627776ULL), "1.00 TiB");
    cr_expect_str_eq(fsize(UINT64_MAX), "16.0 EiB");
}

/* Rounding to three digits must not print four: 1048575 B is 0.99999905 MiB. */
Test(num, format_size_rounding_carries_into_the_next_unit)
{
    cr_expect_str_eq(fsize(1048575), "1.00 MiB");
    cr_expect_str_eq(fsize(10239), "10.0 KiB"); /* 9.999 KiB */
    cr_expect_str_eq(fsize(102399), "100 KiB"); /* 99.999 KiB */
    cr_expect_str_eq(fsize(1073741823), "1.00 GiB");
}

Test(num, format_size_truncates_to_the_buffer)
{
    char out[4];
    mg_format_size(1536, out, sizeof(out));
    cr_expect_str_eq(out, "1.5");
}

static const char *fcount(uint64_t n)
{
    static char out[48];
    mg_format_count(n, out, sizeof(out));
    return out;
}

Test(num, format_count_groups_by_three)
{
    cr_expect_str_eq(fcount(0), "0");
    cr_expect_str_eq(fcount(7), "7");
    cr_expect_str_eq(fcount(999), "999");
    cr_expect_str_eq(fcount(1000), "1,000");
    cr_expect_str_eq(fcount(12345), "12,345");
    cr_expect_str_eq(fcount(123456), "123,456");
    cr_expect_str_eq(fcount(1000000), "1,000,000");
    cr_expect_str_eq(fcount(6300564), "6,300,564");
    cr_expect_str_eq(fcount(UINT64_MAX), "18,446,744,073,709,551,615");
}

Test(num, format_count_round_trips_through_the_grouped_parser)
{
    static const uint64_t samples[] = {0,      1,       999,     1000,          1001,
                                       999999, 1000000, 4200000, 2680000000ULL, UINT64_MAX};
    size_t i;
    for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
        cr_expect_eq(grouped_ok(fcount(samples[i])), samples[i]);
}

Test(num, format_count_truncates_to_the_buffer)
{
    char out[4];
    mg_format_count(1234567, out, sizeof(out));
    cr_expect_str_eq(out, "1,2");
}
