/* mg_error: first error wins, NULL is a no-op, prefixes, exit codes and rendering. */
#include <criterion/criterion.h>
#include <string.h>

#include "check_error.h"
#include "memgate/error.h"

Test(error, init_clears_everything)
{
    mg_error err;
    memset(&err, 0x5a, sizeof(err));
    mg_error_init(&err);
    cr_expect_eq(err.code, MG_OK);
    cr_expect_str_eq(err.msg, "");
    cr_expect_str_eq(err.source, "");
    cr_expect_eq(err.line, 0);
    cr_expect_eq(err.column, 0);
    mg_error_init(NULL); /* must not crash */
}

Test(error, set_records_code_and_formatted_message)
{
    mg_error err;
    mg_error_init(&err);
    cr_expect_eq(mg_error_set(&err, MG_E_INPUT, "expected %s, found '%c'", "a digit", 'x'),
                 -MG_E_INPUT);
    check_error(&err, MG_E_INPUT, "expected a digit, found 'x'", "", 0, 0);
}

Test(error, set_returns_negated_code_for_every_code)
{
    static const enum mg_code codes[] = {MG_E_USAGE, MG_E_INPUT, MG_E_OVERFLOW, MG_E_IO,
                                         MG_E_NOMEM, MG_E_POST,  MG_E_REFUSED};
    size_t i;
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        mg_error err;
        mg_error_init(&err);
        cr_expect_eq(mg_error_set(&err, codes[i], "x"), -(int)codes[i]);
        cr_expect_eq(err.code, codes[i]);
    }
}

Test(error, first_error_wins)
{
    mg_error err;
    mg_error_init(&err);
    mg_error_set_at(&err, MG_E_OVERFLOW, "a.json", 3, 7, "root cause");
    /* later errors still return their own code but change nothing */
    cr_expect_eq(mg_error_set(&err, MG_E_IO, "consequence"), -MG_E_IO);
    cr_expect_eq(mg_error_set_at(&err, MG_E_INPUT, "b.json", 9, 9, "other"), -MG_E_INPUT);
    check_error(&err, MG_E_OVERFLOW, "root cause", "a.json", 3, 7);
    cr_expect_null(strstr(err.msg, "consequence"));
}

Test(error, null_err_is_a_no_op_that_still_returns_the_code)
{
    char out[16] = "untouched";
    cr_expect_eq(mg_error_set(NULL, MG_E_IO, "x %d", 1), -MG_E_IO);
    cr_expect_eq(mg_error_set_at(NULL, MG_E_INPUT, "f", 1, 2, "x"), -MG_E_INPUT);
    mg_error_prefix(NULL, "context");
    cr_expect_eq(mg_error_exit_code(NULL), 0);
    mg_error_format(NULL, out, sizeof(out));
    cr_expect_str_eq(out, "untouched");
}

Test(error, set_at_records_position_and_tolerates_null_source)
{
    mg_error err;
    mg_error_init(&err);
    mg_error_set_at(&err, MG_E_INPUT, NULL, 4, 2, "bad");
    check_error(&err, MG_E_INPUT, "bad", "", 4, 2);
}

Test(error, long_source_and_message_are_truncated_not_overflowed)
{
    char longsrc[5000], longmsg[1500];
    mg_error err;
    memset(longsrc, 's', sizeof(longsrc) - 1);
    longsrc[sizeof(longsrc) - 1] = '\0';
    memset(longmsg, 'm', sizeof(longmsg) - 1);
    longmsg[sizeof(longmsg) - 1] = '\0';
    mg_error_init(&err);
    mg_error_set_at(&err, MG_E_INPUT, longsrc, 1, 1, "%s", longmsg);
    cr_expect_eq(strlen(err.source), sizeof(err.source) - 1);
    cr_expect_eq(strlen(err.msg), sizeof(err.msg) - 1);
    cr_expect_eq(strncmp(err.source, longsrc, sizeof(err.source) - 1), 0);
}

Test(error, prefix_adds_context_in_front)
{
    mg_error err;
    mg_error_init(&err);
    mg_error_set_at(&err, MG_E_INPUT, "b.json", 2, 5, "expected integer");
    mg_error_prefix(&err, "reading %s", "baseline");
    mg_error_prefix(&err, "check");
    check_error(&err, MG_E_INPUT, "", "b.json", 2, 5);
    cr_expect_str_eq(err.msg, "check: reading baseline: expected integer");
}

Test(error, prefix_without_an_error_does_nothing)
{
    mg_error err;
    mg_error_init(&err);
    mg_error_prefix(&err, "context");
    cr_expect_eq(err.code, MG_OK);
    cr_expect_str_eq(err.msg, "");
}

Test(error, prefix_keeps_the_message_bounded)
{
    char longmsg[sizeof(((mg_error *)0)->msg) + 50];
    mg_error err;
    memset(longmsg, 'm', sizeof(longmsg) - 1);
    longmsg[sizeof(longmsg) - 1] = '\0';
    mg_error_init(&err);
    mg_error_set(&err, MG_E_INPUT, "%s", longmsg);
    mg_error_prefix(&err, "ctx");
    cr_expect_eq(strlen(err.msg), sizeof(err.msg) - 1);
    cr_expect_eq(strncmp(err.msg, "ctx: mmm", 8), 0);
}

static int exit_for(enum mg_code code)
{
    mg_error err;
    mg_error_init(&err);
    if (code != MG_OK)
        mg_error_set(&err, code, "x");
    return mg_error_exit_code(&err);
}

/* The table from --help and the style guide: 2 usage, 3 bad input, 4 I/O, 5 API. */
Test(error, exit_codes_follow_the_documented_table)
{
    cr_expect_eq(exit_for(MG_OK), 0);
    cr_expect_eq(exit_for(MG_E_USAGE), 2);
    cr_expect_eq(exit_for(MG_E_REFUSED), 2);
    cr_expect_eq(exit_for(MG_E_INPUT), 3);
    cr_expect_eq(exit_for(MG_E_OVERFLOW), 3);
    cr_expect_eq(exit_for(MG_E_IO), 4);
    cr_expect_eq(exit_for(MG_E_NOMEM), 4);
    cr_expect_eq(exit_for(MG_E_POST), 5);
}

Test(error, exit_code_is_never_1_which_means_regression)
{
    int c;
    for (c = MG_E_USAGE; c <= MG_E_REFUSED; c++)
        cr_expect_neq(exit_for((enum mg_code)c), 1, "code %d", c);
}

static const char *render(const char *source, unsigned long line, unsigned long col)
{
    static char out[512];
    mg_error err;
    mg_error_init(&err);
    mg_error_set_at(&err, MG_E_INPUT, source, line, col, "expected integer");
    mg_error_format(&err, out, sizeof(out));
    return out;
}

Test(error, format_with_line_and_column)
{
    cr_expect_str_eq(render("x.json", 3, 7), "'x.json' line 3 column 7: expected integer");
}

Test(error, format_with_line_only)
{
    cr_expect_str_eq(render("x.massif", 42, 0), "'x.massif' line 42: expected integer");
}

Test(error, format_with_source_only)
{
    cr_expect_str_eq(render("x.json", 0, 0), "'x.json': expected integer");
}

Test(error, format_without_source_is_the_message)
{
    cr_expect_str_eq(render(NULL, 0, 0), "expected integer");
    /* a position without a file name has nothing to attach to */
    cr_expect_str_eq(render("", 3, 7), "expected integer");
}

Test(error, format_truncates_to_the_buffer)
{
    char out[10];
    mg_error err;
    mg_error_init(&err);
    mg_error_set_at(&err, MG_E_INPUT, "file.json", 1, 1, "message");
    mg_error_format(&err, out, sizeof(out));
    cr_expect_str_eq(out, "'file.jso");
}

Test(error, format_into_zero_bytes_writes_nothing)
{
    char out[4] = "abc";
    mg_error err;
    mg_error_init(&err);
    mg_error_set(&err, MG_E_INPUT, "message");
    mg_error_format(&err, out, 0);
    cr_expect_str_eq(out, "abc");
}

/* Messages quote input; the line printed to stderr stays one line with no escapes in it. */
Test(error, format_replaces_control_characters)
{
    mg_error err;
    char out[128];
    mg_error_init(&err);
    mg_error_set_at(&err, MG_E_INPUT, "a\nb.json", 2, 0, "bad '%s'", "x\n::error::y\x1b[1m");
    mg_error_format(&err, out, sizeof(out));
    cr_expect_str_eq(out, "'a?b.json' line 2: bad 'x?::error::y?[1m'");
}
