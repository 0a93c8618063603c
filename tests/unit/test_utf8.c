/* utf8: which byte sequences are valid, and that repair replaces each bad byte with U+FFFD. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define FFFD "\xEF\xBF\xBD"

static bool valid(const char *s)
{
    return mg_utf8_valid(s, strlen(s));
}

Test(utf8, valid_sequences_of_each_length)
{
    cr_expect(valid(""));
    cr_expect(valid("plain ascii"));
    cr_expect(valid("\xC3\xA9"));         /* U+00E9 */
    cr_expect(valid("\xC2\x80"));         /* U+0080, smallest 2-byte */
    cr_expect(valid("\xDF\xBF"));         /* U+07FF */
    cr_expect(valid("\xE0\xA0\x80"));     /* U+0800, smallest 3-byte */
    cr_expect(valid("\xE2\x82\xAC"));     /* U+20AC euro */
    cr_expect(valid("\xED\x9F\xBF"));     /* U+D7FF, just below the surrogates */
    cr_expect(valid("\xEE\x80\x80"));     /* U+E000, just above them */
    cr_expect(valid("\xEF\xBF\xBF"));     /* U+FFFF */
    cr_expect(valid("\xF0\x90\x80\x80")); /* U+10000, smallest 4-byte */
    cr_expect(valid("\xF0\x9D\x84\x9E")); /* U+1D11E */
    cr_expect(valid("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last code point */
    cr_expect(valid("std::vec::Vec<\xC3\xA9> \xE2\x82\xAC"));
}

Test(utf8, nul_byte_is_valid_utf8)
{
    cr_expect(mg_utf8_valid("a\0b", 3));
}

Test(utf8, overlong_forms_are_invalid)
{
    cr_expect_not(valid("\xC0\x80"));         /* NUL as two bytes */
    cr_expect_not(valid("\xC1\xBF"));         /* U+007F as two bytes */
    cr_expect_not(valid("\xE0\x80\x80"));     /* U+0000 as three */
    cr_expect_not(valid("\xE0\x9F\xBF"));     /* U+07FF as three */
    cr_expect_not(valid("\xF0\x80\x80\x80")); /* U+0000 as four */
    cr_expect_not(valid("\xF0\x8F\xBF\xBF")); /* U+FFFF as four */
}

Test(utf8, surrogates_are_invalid)
{
    cr_expect_not(valid("\xED\xA0\x80")); /* U+D800 */
    cr_expect_not(valid("\xED\xAF\xBF")); /* U+DBFF */
    cr_expect_not(valid("\xED\xB0\x80")); /* U+DC00 */
    cr_expect_not(valid("\xED\xBF\xBF")); /* U+DFFF */
    /* CESU-8 style pair for U+10000 */
    cr_expect_not(valid("\xED\xA0\x80\xED\xB0\x80"));
}

Test(utf8, beyond_u10ffff_is_invalid)
{
    cr_expect_not(valid("\xF4\x90\x80\x80")); /* U+110000 */
    cr_expect_not(valid("\xF5\x80\x80\x80"));
    cr_expect_not(valid("\xF7\xBF\xBF\xBF"));
    cr_expect_not(valid("\xF8\x88\x80\x80\x80")); /* old 5-byte form */
    cr_expect_not(valid("\xFC\x84\x80\x80\x80\x80"));
    cr_expect_not(valid("\xFE"));
    cr_expect_not(valid("\xFF"));
}

Test(utf8, truncated_and_stray_bytes_are_invalid)
{
    cr_expect_not(valid("\xC3"));
    cr_expect_not(valid("\xE2\x82"));
    cr_expect_not(valid("\xF0\x9D\x84"));
    cr_expect_not(valid("\x80")); /* lone continuation byte */
    cr_expect_not(valid("a\xBF"));
    cr_expect_not(valid("\xC3\x28")); /* lead byte, then not a continuation */
    cr_expect_not(valid("\xE2\x28\xA1"));
    cr_expect_not(valid("caf\xE9")); /* Latin-1 e-acute, as Valgrind writes paths */
}

Test(utf8, length_bounds_the_check)
{
    /* a valid 2-byte sequence cut by len */
    cr_expect_not(mg_utf8_valid("\xC3\xA9", 1));
    cr_expect(mg_utf8_valid("ab\xFF", 2));
}

static void sanitizes_to(const char *in, size_t len, const char *want)
{
    char *out = mg_utf8_sanitize(in, len);
    cr_assert_not_null(out);
    cr_expect_str_eq(out, want);
    cr_expect(mg_utf8_valid(out, strlen(out)), "result must be valid UTF-8");
    free(out);
}

Test(utf8, sanitize_keeps_valid_text_unchanged)
{
    const char *s = "f\xC3\xA9 \xE2\x82\xAC \xF0\x9D\x84\x9E";
    sanitizes_to(s, strlen(s), s);
    sanitizes_to("", 0, "");
}

Test(utf8, sanitize_replaces_each_bad_byte)
{
    sanitizes_to("caf\xE9", 4, "caf" FFFD);
    sanitizes_to("/home/j\xF6rg/x.c", 14, "/home/j" FFFD "rg/x.c");
    sanitizes_to("\xFF\xFE", 2, FFFD FFFD);
    /* a truncated 3-byte sequence is two bad bytes, the next character survives */
    sanitizes_to("\xE2\x82"
                 "A",
                 3, FFFD FFFD "A");
    /* overlong and surrogate forms: every byte of them is replaced */
    sanitizes_to("\xC0\x80", 2, FFFD FFFD);
    sanitizes_to("\xED\xA0\x80", 3, FFFD FFFD FFFD);
    sanitizes_to("\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD);
}

Test(utf8, sanitize_recovers_at_the_next_valid_sequence)
{
    sanitizes_to("\x80\xC3\xA9\x80", 4, FFFD "\xC3\xA9" FFFD);
}

Test(utf8, sanitize_replaces_nul_so_the_result_is_a_whole_c_string)
{
    sanitizes_to("a\0b", 3, "a" FFFD "b");
}

Test(utf8, sanitize_reads_only_len_bytes)
{
    sanitizes_to("abc\xFF", 3, "abc");
}
