/* dhat JSON reader: keys given twice, keys with NUL bytes, empty stacks. */
#include <criterion/criterion.h>
#include <string.h>

#include "memgate/profile.h"

/* the allocation-site rule: these tests are about reading, not about own-code attribution */
static const mg_load_options json_opts = {.format = MG_FORMAT_DHAT_JSON,
                                          .attribution = MG_ATTR_ALLOC_SITE};

#define HEAD "{\"dhatFileVersion\":2,\"mode\":\"heap\",\"bklt\":false,"
#define FTBL "\"ftbl\":[\"[root]\",\"0x1: main (a.c:1)\"]"

static int parse(const char *text, mg_profile **p, mg_error *err)
{
    mg_error_init(err);
    return mg_profile_parse(p, text, strlen(text), "t.json", &json_opts, err);
}

static void expect_error(const char *text, const char *fragment, unsigned long col)
{
    mg_profile *p = NULL;
    mg_error err;
    cr_assert_lt(parse(text, &p, &err), 0, "accepted: %s", text);
    cr_expect_null(p);
    cr_expect_eq(err.code, MG_E_INPUT);
    cr_expect(strstr(err.msg, fragment) != NULL, "'%s' not in '%s'", fragment, err.msg);
    cr_expect_str_eq(err.source, "t.json");
    cr_expect_eq(err.line, 1);
    cr_expect_eq(err.column, col, "column %lu, want %lu", err.column, col);
}

/* A second pps or ftbl used to be read on top of the first: counts and frames doubled. */
Test(dhat_json, duplicate_top_level_keys_are_errors)
{
    expect_error(HEAD "\"pps\":[{\"tb\":1,\"tbk\":1,\"fs\":[1]}],\"pps\":[]," FTBL "}",
                 "duplicate key 'pps'", 83);
    expect_error(HEAD "\"pps\":[]," FTBL "," FTBL "}", "duplicate key 'ftbl'", 96);
    expect_error("{\"dhatFileVersion\":2,\"dhatFileVersion\":2}", "duplicate key 'dhatFileVersion'",
                 22);
}

Test(dhat_json, duplicate_program_point_keys_are_errors)
{
    expect_error(HEAD "\"pps\":[{\"tb\":1,\"tbk\":1,\"fs\":[1],\"fs\":[1]}]," FTBL "}",
                 "duplicate key 'fs' in a program point", 81);
    expect_error(HEAD "\"pps\":[{\"tb\":1,\"tb\":2,\"tbk\":1,\"fs\":[1]}]," FTBL "}",
                 "duplicate key 'tb' in a program point", 64);
}

/* "tb\u0000x" is not "tb": it was read as its prefix and replaced the real count. */
Test(dhat_json, key_with_nul_is_not_a_known_key)
{
    mg_profile *p = NULL;
    mg_error err;
    cr_assert_eq(parse(HEAD "\"pps\":[{\"tb\":7,\"tb\\u0000x\":99,\"tbk\":1,\"fs\":[1]}]," FTBL "}",
                       &p, &err),
                 0, "%s", err.msg);
    cr_expect_eq(mg_profile_metrics(p)->value[MG_TOTAL_BYTES], 7);
    mg_profile_free(p);
}

/* An empty stack before any frame index was stored (NULL + 0 under UBSan before). */
Test(dhat_json, empty_stack_is_root)
{
    mg_profile *p = NULL;
    mg_error err;
    const mg_hotspot *h;
    size_t n;
    cr_assert_eq(parse(HEAD FTBL ",\"pps\":[{\"tb\":5,\"tbk\":1,\"fs\":[]}]}", &p, &err), 0, "%s",
                 err.msg);
    h = mg_profile_hotspots(p, &n);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(h[0].function, "[root]");
    cr_expect_eq(h[0].total_bytes, 5);
    mg_profile_free(p);
}

/* A frame name or command holding "\n::error::" or ESC reaches reports as U+FFFD, not as a line. */
Test(dhat_json, control_characters_in_names_are_replaced)
{
    mg_profile *p = NULL;
    mg_error err;
    const mg_hotspot *h;
    size_t n;
    cr_assert_eq(parse("{\"dhatFileVersion\":2,\"mode\":\"heap\",\"bklt\":false,"
                       "\"cmd\":\"app\\n::error::spoofed\\u001b[31m\","
                       "\"pps\":[{\"tb\":5,\"tbk\":1,\"fs\":[1]}],"
                       "\"ftbl\":[\"[root]\",\"0x1: evil\\n::warning::x\\u0007 (a.c:1)\"]}",
                       &p, &err),
                 0, "%s", err.msg);
    cr_expect_str_eq(mg_profile_command(p), "app\xEF\xBF\xBD::error::spoofed\xEF\xBF\xBD[31m");
    h = mg_profile_hotspots(p, &n);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(h[0].function, "evil\xEF\xBF\xBD::warning::x\xEF\xBF\xBD");
    mg_profile_free(p);
}
