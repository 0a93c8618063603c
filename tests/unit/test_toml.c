/* The Cargo-manifest TOML reader: every construct it reads, and every way it refuses input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "comply/toml.h"

static mg_toml_value *parse_len(const char *text, size_t len)
{
    mg_toml_value *v = NULL;
    mg_error err;
    int rc;

    mg_error_init(&err);
    rc = mg_toml_parse(&v, text, len, "t.toml", &err);
    cr_assert_eq(rc, 0, "unexpected error: %s (line %lu column %lu)", err.msg, err.line,
                 err.column);
    cr_assert_not_null(v);
    return v;
}

static mg_toml_value *parse(const char *text)
{
    return parse_len(text, strlen(text));
}

/* Like jansson's check_error: code, message fragment, source, line and column. */
static void fails_len(const char *text, size_t len, const char *fragment, unsigned long line,
                      unsigned long col)
{
    mg_toml_value *v = (mg_toml_value *)1;
    mg_error err;
    int rc;

    mg_error_init(&err);
    rc = mg_toml_parse(&v, text, len, "t.toml", &err);
    cr_assert_eq(rc, -MG_E_USAGE, "expected a usage error for <%s>, got %d", text, rc);
    cr_assert_eq(err.code, MG_E_USAGE);
    cr_assert_null(v);
    cr_assert(strstr(err.msg, fragment) != NULL, "message '%s' lacks '%s'", err.msg, fragment);
    cr_assert_str_eq(err.source, "t.toml");
    cr_assert_eq(err.line, line, "line %lu, expected %lu (%s)", err.line, line, err.msg);
    cr_assert_eq(err.column, col, "column %lu, expected %lu (%s)", err.column, col, err.msg);
}

static void fails(const char *text, const char *fragment, unsigned long line, unsigned long col)
{
    fails_len(text, strlen(text), fragment, line, col);
}

static const char *str_at(const mg_toml_value *t, const char *key)
{
    const char *s = mg_toml_string(mg_toml_get(t, key), NULL);
    cr_assert_not_null(s, "no string '%s'", key);
    return s;
}

static int64_t int_at(const mg_toml_value *t, const char *key)
{
    int64_t i = 0;
    cr_assert(mg_toml_integer(mg_toml_get(t, key), &i), "no integer '%s'", key);
    return i;
}

static double float_at(const mg_toml_value *t, const char *key)
{
    double d = 0;
    cr_assert(mg_toml_float(mg_toml_get(t, key), &d), "no float '%s'", key);
    return d;
}

/* ---- documents, comments, keys ---- */

Test(toml, empty_and_comment_only_documents)
{
    mg_toml_value *v = parse("");
    cr_assert_eq(mg_toml_type(v), MG_TOML_TABLE);
    cr_assert_eq(mg_toml_len(v), 0);
    mg_toml_free(v);
    v = parse("# only a comment\n\n   # another\t\n");
    cr_assert_eq(mg_toml_len(v), 0);
    mg_toml_free(v);
}

Test(toml, bare_quoted_and_dotted_keys)
{
    mg_toml_value *v = parse("key = 1\nbare_key-2 = 2\n1234 = 3\n\"127.0.0.1\" = 4\n"
                             "'quoted \"value\"' = 5\n\"\" = 6\n"
                             "name . first = \"a\"\nname.'last' = \"b\"\n"
                             "3.14159 = \"pi\"\n\"\\u00e9t\\u00e9\" = 7 # comment\n");
    cr_assert_eq(int_at(v, "key"), 1);
    cr_assert_eq(int_at(v, "bare_key-2"), 2);
    cr_assert_eq(int_at(v, "1234"), 3);
    cr_assert_eq(int_at(v, "127.0.0.1"), 4);
    cr_assert_eq(int_at(v, "quoted \"value\""), 5);
    cr_assert_eq(int_at(v, ""), 6);
    cr_assert_str_eq(mg_toml_string(mg_toml_path(v, "name", "first", NULL), NULL), "a");
    cr_assert_str_eq(mg_toml_string(mg_toml_path(v, "name", "last", NULL), NULL), "b");
    cr_assert_eq(mg_toml_origin(mg_toml_get(v, "name")), MG_TOML_DOTTED);
    cr_assert_str_eq(mg_toml_string(mg_toml_path(v, "3", "14159", NULL), NULL), "pi");
    cr_assert_eq(int_at(v, "\xc3\xa9t\xc3\xa9"), 7);
    mg_toml_free(v);
}

Test(toml, entries_keep_document_order)
{
    mg_toml_value *v = parse("b = 1\na = 2\nc = 3\n");
    size_t len;
    cr_assert_str_eq(mg_toml_key_at(v, 0, &len), "b");
    cr_assert_eq(len, 1);
    cr_assert_str_eq(mg_toml_key_at(v, 1, NULL), "a");
    cr_assert_str_eq(mg_toml_key_at(v, 2, NULL), "c");
    cr_assert_null(mg_toml_key_at(v, 3, NULL));
    cr_assert_eq(mg_toml_line(mg_toml_at(v, 1)), 2);
    cr_assert_eq(mg_toml_column(mg_toml_at(v, 1)), 5);
    mg_toml_free(v);
}

/* ---- strings ---- */

Test(toml, basic_string_escapes)
{
    mg_toml_value *v = parse("s = \"tab\\t nl\\n quote\\\" back\\\\ \\b\\f\\r\"\n"
                             "u = \"\\u00E9 \\U0001F600\"\n"
                             "raw = \"tab\there\"\n");
    cr_assert_str_eq(str_at(v, "s"), "tab\t nl\n quote\" back\\ \b\f\r");
    cr_assert_str_eq(str_at(v, "u"), "\xc3\xa9 \xf0\x9f\x98\x80");
    cr_assert_str_eq(str_at(v, "raw"), "tab\there");
    mg_toml_free(v);
}

Test(toml, escaped_nul_keeps_the_length)
{
    mg_toml_value *v = parse("s = \"a\\u0000b\"\n");
    size_t len = 0;
    const char *s = mg_toml_string(mg_toml_get(v, "s"), &len);
    cr_assert_eq(len, 3);
    cr_assert_eq(memcmp(s, "a\0b", 3), 0);
    mg_toml_free(v);
}

Test(toml, literal_strings_take_backslashes_as_they_are)
{
    mg_toml_value *v = parse("path = 'C:\\Users\\nodejs\\templates'\n"
                             "regex = '<\\i\\c*\\s*>'\nquoted = 'Tom \"Dubs\" Preston'\n");
    cr_assert_str_eq(str_at(v, "path"), "C:\\Users\\nodejs\\templates");
    cr_assert_str_eq(str_at(v, "regex"), "<\\i\\c*\\s*>");
    cr_assert_str_eq(str_at(v, "quoted"), "Tom \"Dubs\" Preston");
    mg_toml_free(v);
}

Test(toml, multiline_basic_strings)
{
    mg_toml_value *v =
        parse("a = \"\"\"\nRoses are red\nViolets are blue\"\"\"\n"
              "b = \"\"\"\\\n   The quick brown \\\n\n   fox.\\\n   \"\"\"\n"
              "c = \"\"\"Here are two quotation marks: \"\". Simple.\"\"\"\n"
              "d = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"\n"
              "e = \"\"\"trailing \\  \t\n  x\"\"\"\n"
              "f = \"\"\"\"\"\"\n");
    cr_assert_str_eq(str_at(v, "a"), "Roses are red\nViolets are blue");
    cr_assert_str_eq(str_at(v, "b"), "The quick brown fox.");
    cr_assert_str_eq(str_at(v, "c"), "Here are two quotation marks: \"\". Simple.");
    cr_assert_str_eq(str_at(v, "d"), "\"This,\" she said, \"is just a pointless statement.\"");
    cr_assert_str_eq(str_at(v, "e"), "trailing x");
    cr_assert_str_eq(str_at(v, "f"), "");
    mg_toml_free(v);
}

Test(toml, multiline_literal_strings)
{
    mg_toml_value *v =
        parse("regex2 = '''I [dw]on't need \\d{2} apples'''\n"
              "lines = '''\nThe first newline is\ntrimmed in raw strings.\n'''\n"
              "q = '''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''\n"
              "apos = ''''That,' she said, 'is still pointless.''''\n");
    cr_assert_str_eq(str_at(v, "regex2"), "I [dw]on't need \\d{2} apples");
    cr_assert_str_eq(str_at(v, "lines"), "The first newline is\ntrimmed in raw strings.\n");
    cr_assert_str_eq(str_at(v, "q"),
                     "Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"");
    cr_assert_str_eq(str_at(v, "apos"), "'That,' she said, 'is still pointless.'");
    mg_toml_free(v);
}

Test(toml, crlf_line_endings_and_bom)
{
    mg_toml_value *v =
        parse("\xEF\xBB\xBF[package]\r\nname = \"x\" # c\r\ns = \"\"\"\r\na\r\nb\"\"\"\r\n");
    cr_assert_str_eq(mg_toml_string(mg_toml_path(v, "package", "name", NULL), NULL), "x");
    cr_assert_str_eq(mg_toml_string(mg_toml_path(v, "package", "s", NULL), NULL), "a\nb");
    cr_assert_eq(mg_toml_line(mg_toml_get(v, "package")), 1);
    cr_assert_eq(mg_toml_column(mg_toml_get(v, "package")), 1);
    mg_toml_free(v);
}

/* ---- numbers, booleans, dates ---- */

Test(toml, integers_in_every_base)
{
    mg_toml_value *v = parse("a = +99\nb = 42\nc = 0\nd = -17\ne = 1_000\nf = 5_349_221\n"
                             "g = 0xDEADBEEF\nh = 0xdead_beef\ni = 0o755\nj = 0b11010110\n"
                             "k = 9223372036854775807\nl = -9223372036854775808\nm = +0\nn = -0\n"
                             "o = 0x00FF\n");
    cr_assert_eq(int_at(v, "a"), 99);
    cr_assert_eq(int_at(v, "b"), 42);
    cr_assert_eq(int_at(v, "c"), 0);
    cr_assert_eq(int_at(v, "d"), -17);
    cr_assert_eq(int_at(v, "e"), 1000);
    cr_assert_eq(int_at(v, "f"), 5349221);
    cr_assert_eq(int_at(v, "g"), 0xDEADBEEF);
    cr_assert_eq(int_at(v, "h"), 0xdeadbeef);
    cr_assert_eq(int_at(v, "i"), 0755);
    cr_assert_eq(int_at(v, "j"), 214);
    cr_assert_eq(int_at(v, "k"), INT64_MAX);
    cr_assert_eq(int_at(v, "l"), INT64_MIN);
    cr_assert_eq(int_at(v, "m"), 0);
    cr_assert_eq(int_at(v, "n"), 0);
    cr_assert_eq(int_at(v, "o"), 255);
    mg_toml_free(v);
}

Test(toml, floats)
{
    mg_toml_value *v = parse("a = +1.0\nb = 3.1415\nc = -0.01\nd = 5e+22\ne = 1e06\nf = -2E-2\n"
                             "g = 6.626e-34\nh = 224_617.445_991\ni = inf\nj = -inf\nk = nan\n"
                             "l = +nan\nm = 0.0\nn = 1e1_0\n");
    cr_assert_float_eq(float_at(v, "a"), 1.0, 1e-12);
    cr_assert_float_eq(float_at(v, "b"), 3.1415, 1e-12);
    cr_assert_float_eq(float_at(v, "c"), -0.01, 1e-12);
    cr_assert_float_eq(float_at(v, "d"), 5e22, 1e10);
    cr_assert_float_eq(float_at(v, "e"), 1e6, 1e-6);
    cr_assert_float_eq(float_at(v, "f"), -0.02, 1e-12);
    cr_assert_float_eq(float_at(v, "g"), 6.626e-34, 1e-40);
    cr_assert_float_eq(float_at(v, "h"), 224617.445991, 1e-6);
    cr_assert(isinf(float_at(v, "i")) && float_at(v, "i") > 0);
    cr_assert(isinf(float_at(v, "j")) && float_at(v, "j") < 0);
    cr_assert(isnan(float_at(v, "k")));
    cr_assert(isnan(float_at(v, "l")));
    cr_assert_float_eq(float_at(v, "m"), 0.0, 1e-12);
    cr_assert_float_eq(float_at(v, "n"), 1e10, 1e-3);
    mg_toml_free(v);
}

Test(toml, booleans)
{
    mg_toml_value *v = parse("t = true\nf = false\n");
    bool b = false;
    cr_assert(mg_toml_bool(mg_toml_get(v, "t"), &b) && b);
    cr_assert(mg_toml_bool(mg_toml_get(v, "f"), &b) && !b);
    cr_assert_not(mg_toml_bool(mg_toml_get(v, "missing"), &b));
    mg_toml_free(v);
}

Test(toml, dates_and_times_are_kept_as_text)
{
    mg_toml_value *v =
        parse("odt1 = 1979-05-27T07:32:00Z\nodt2 = 1979-05-27T00:32:00-07:00\n"
              "odt3 = 1979-05-27T00:32:00.999999+05:30\nodt4 = 1979-05-27 07:32:00Z\n"
              "ldt = 1979-05-27T07:32:00\nld = 2024-02-29\nlt = 07:32:00.5\n");
    cr_assert_eq(mg_toml_type(mg_toml_get(v, "odt1")), MG_TOML_DATETIME);
    cr_assert_str_eq(str_at(v, "odt1"), "1979-05-27T07:32:00Z");
    cr_assert_str_eq(str_at(v, "odt2"), "1979-05-27T00:32:00-07:00");
    cr_assert_str_eq(str_at(v, "odt3"), "1979-05-27T00:32:00.999999+05:30");
    cr_assert_str_eq(str_at(v, "odt4"), "1979-05-27 07:32:00Z");
    cr_assert_str_eq(str_at(v, "ldt"), "1979-05-27T07:32:00");
    cr_assert_str_eq(str_at(v, "ld"), "2024-02-29");
    cr_assert_str_eq(str_at(v, "lt"), "07:32:00.5");
    mg_toml_free(v);
}

/* ---- arrays ---- */

Test(toml, arrays_nested_mixed_multiline)
{
    mg_toml_value *v = parse("e = []\nints = [ 1, 2, 3 ]\nnested = [ [ 1, 2 ], ['a', \"b\"] ]\n"
                             "mixed = [ 0.1, \"x\", true, { a = 1 } ]\n"
                             "members = [\n  \"crates/*\", # the crates\n\n  'tools/x',\n]\n");
    const mg_toml_value *a;
    cr_assert_eq(mg_toml_len(mg_toml_get(v, "e")), 0);
    a = mg_toml_get(v, "ints");
    cr_assert_eq(mg_toml_type(a), MG_TOML_ARRAY);
    cr_assert_eq(mg_toml_len(a), 3);
    a = mg_toml_get(v, "nested");
    cr_assert_eq(mg_toml_len(mg_toml_at(a, 1)), 2);
    cr_assert_str_eq(mg_toml_string(mg_toml_at(mg_toml_at(a, 1), 0), NULL), "a");
    a = mg_toml_get(v, "mixed");
    cr_assert_eq(mg_toml_type(mg_toml_at(a, 3)), MG_TOML_TABLE);
    a = mg_toml_get(v, "members");
    cr_assert_eq(mg_toml_len(a), 2);
    cr_assert_str_eq(mg_toml_string(mg_toml_at(a, 0), NULL), "crates/*");
    cr_assert_str_eq(mg_toml_string(mg_toml_at(a, 1), NULL), "tools/x");
    cr_assert_null(mg_toml_at(a, 2));
    mg_toml_free(v);
}

/* ---- tables ---- */

Test(toml, tables_headers_and_implicit_parents)
{
    mg_toml_value *v = parse("[dependencies]\nserde = \"1\"\n"
                             "[ dev-dependencies . dhat ]\nversion = \"0.3\"\n"
                             "[dependencies.\"tokio.rs\"]\nversion = '1'\n"
                             "[x.y.z]\n[x]\nk = 1\n");
    const mg_toml_value *t = mg_toml_get(v, "dev-dependencies");
    cr_assert_eq(mg_toml_origin(t), MG_TOML_IMPLICIT);
    cr_assert_str_eq(
        mg_toml_string(mg_toml_path(v, "dev-dependencies", "dhat", "version", NULL), NULL), "0.3");
    cr_assert_eq(mg_toml_origin(mg_toml_get(t, "dhat")), MG_TOML_HEADER);
    cr_assert_eq(mg_toml_line(mg_toml_get(t, "dhat")), 3);
    cr_assert_str_eq(
        mg_toml_string(mg_toml_path(v, "dependencies", "tokio.rs", "version", NULL), NULL), "1");
    /* [x] defined after [x.y.z] created it implicitly: legal, and now a header table */
    cr_assert_eq(mg_toml_origin(mg_toml_get(v, "x")), MG_TOML_HEADER);
    cr_assert_eq(mg_toml_line(mg_toml_get(v, "x")), 8);
    cr_assert_eq(int_at(mg_toml_get(v, "x"), "k"), 1);
    mg_toml_free(v);
}

Test(toml, subtables_of_dotted_tables_may_get_headers)
{
    mg_toml_value *v = parse("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n"
                             "[fruit.apple.texture]\nsmooth = true\n");
    bool b = false;
    cr_assert(mg_toml_bool(mg_toml_path(v, "fruit", "apple", "texture", "smooth", NULL), &b));
    cr_assert(mg_toml_bool(mg_toml_path(v, "fruit", "apple", "taste", "sweet", NULL), &b));
    mg_toml_free(v);
}

Test(toml, arrays_of_tables)
{
    mg_toml_value *v = parse("[[bin]]\nname = \"a\"\n[[bin]]\nname = \"b\"\npath = \"src/b.rs\"\n"
                             "[bin.extra]\nk = 1\n[[bin.sub]]\nq = 2\n"
                             "[[example]]\nname = \"dhat_profile\"\n");
    const mg_toml_value *bins = mg_toml_get(v, "bin");
    cr_assert_eq(mg_toml_type(bins), MG_TOML_ARRAY);
    cr_assert_eq(mg_toml_len(bins), 2);
    cr_assert_str_eq(str_at(mg_toml_at(bins, 0), "name"), "a");
    cr_assert_str_eq(str_at(mg_toml_at(bins, 1), "path"), "src/b.rs");
    /* [bin.extra] and [[bin.sub]] belong to the most recent [[bin]] */
    cr_assert_eq(int_at(mg_toml_get(mg_toml_at(bins, 1), "extra"), "k"), 1);
    cr_assert_null(mg_toml_get(mg_toml_at(bins, 0), "extra"));
    cr_assert_eq(mg_toml_len(mg_toml_get(mg_toml_at(bins, 1), "sub")), 1);
    cr_assert_eq(mg_toml_line(mg_toml_at(bins, 1)), 3);
    cr_assert_eq(mg_toml_len(mg_toml_get(v, "example")), 1);
    mg_toml_free(v);
}

Test(toml, inline_tables)
{
    mg_toml_value *v = parse("name = { first = \"Tom\", last = \"Preston-Werner\" }\n"
                             "point = {x=1,y=2}\nempty = {}\n"
                             "dhat = { version = \"0.3\", features = [\"a\"], x.y = true }\n"
                             "nested = { a = { b = { c = 1 } } }\n"
                             "multi = {\n  version = \"1\", # TOML 1.1, accepted like Cargo\n"
                             "  optional = true,\n}\n");
    const mg_toml_value *t = mg_toml_get(v, "name");
    cr_assert_eq(mg_toml_origin(t), MG_TOML_INLINE);
    cr_assert_str_eq(str_at(t, "last"), "Preston-Werner");
    cr_assert_eq(int_at(mg_toml_get(v, "point"), "y"), 2);
    cr_assert_eq(mg_toml_len(mg_toml_get(v, "empty")), 0);
    cr_assert_not_null(mg_toml_path(v, "dhat", "x", "y", NULL));
    cr_assert_eq(int_at(mg_toml_path(v, "nested", "a", "b", NULL), "c"), 1);
    cr_assert_str_eq(str_at(mg_toml_get(v, "multi"), "version"), "1");
    mg_toml_free(v);
}

Test(toml, a_realistic_cargo_manifest)
{
    static const char manifest[] = "[package]\n"
                                   "name = \"wordfreq\"\n"
                                   "version = \"0.1.0\"\n"
                                   "edition = \"2021\"\n"
                                   "authors = [\"A <a@example.com>\"]\n"
                                   "description = \"\"\"\n"
                                   "Counts words.\"\"\"\n"
                                   "\n"
                                   "[dependencies]\n"
                                   "serde = { version = \"1.0\", features = [\"derive\"] }\n"
                                   "regex.workspace = true\n"
                                   "\n"
                                   "[target.'cfg(target_os = \"linux\")'.dev-dependencies]\n"
                                   "dhat = \"0.3.3\"\n"
                                   "\n"
                                   "[target.\"cfg(unix)\".dependencies.libc]\n"
                                   "version = \"0.2\"\n"
                                   "\n"
                                   "[profile.release]\n"
                                   "debug = 1\n"
                                   "lto = \"thin\"\n"
                                   "\n"
                                   "[[example]]\n"
                                   "name = \"dhat_profile\"\n"
                                   "path = \"examples/dhat_profile.rs\"\n"
                                   "required-features = []\n";
    mg_toml_value *v = parse(manifest);
    bool b = false;
    cr_assert_str_eq(mg_toml_string(mg_toml_path(v, "target", "cfg(target_os = \"linux\")",
                                                 "dev-dependencies", "dhat", NULL),
                                    NULL),
                     "0.3.3");
    cr_assert(mg_toml_bool(mg_toml_path(v, "dependencies", "regex", "workspace", NULL), &b) && b);
    cr_assert_str_eq(
        mg_toml_string(
            mg_toml_path(v, "target", "cfg(unix)", "dependencies", "libc", "version", NULL), NULL),
        "0.2");
    cr_assert_eq(int_at(mg_toml_path(v, "profile", "release", NULL), "debug"), 1);
    cr_assert_str_eq(str_at(mg_toml_path(v, "package", NULL), "description"), "Counts words.");
    mg_toml_free(v);
}

Test(toml, large_tables_are_indexed)
{
    char text[64 * 1024];
    size_t used = 0;
    char key[32];
    int i;
    mg_toml_value *v;

    for (i = 0; i < 2000; i++)
        used += (size_t)snprintf(text + used, sizeof(text) - used, "k%d = %d\n", i, i);
    v = parse(text);
    cr_assert_eq(mg_toml_len(v), 2000);
    for (i = 0; i < 2000; i += 37) {
        snprintf(key, sizeof(key), "k%d", i);
        cr_assert_eq(int_at(v, key), i);
    }
    cr_assert_null(mg_toml_get(v, "k2000"));
    mg_toml_free(v);
    fails("k0 = 1\nk1 = 1\nk2 = 1\nk3 = 1\nk4 = 1\nk5 = 1\nk6 = 1\nk7 = 1\nk8 = 1\nk9 = 1\n"
          "k10 = 1\nk11 = 1\nk12 = 1\nk13 = 1\nk14 = 1\nk15 = 1\nk16 = 1\nk17 = 1\nk3 = 2\n",
          "duplicate key 'k3'", 19, 1);
}

Test(toml, accessors_accept_null_and_wrong_types)
{
    mg_toml_value *v = parse("s = \"x\"\ni = 1\n");
    int64_t i = 7;
    double d = 0;
    cr_assert_eq(mg_toml_type(NULL), MG_TOML_NONE);
    cr_assert_null(mg_toml_get(NULL, "x"));
    cr_assert_null(mg_toml_path(NULL, "a", NULL));
    cr_assert_null(mg_toml_path(v, "s", "deeper", NULL));
    cr_assert_eq(mg_toml_len(NULL), 0);
    cr_assert_null(mg_toml_string(mg_toml_get(v, "i"), NULL));
    cr_assert_not(mg_toml_integer(mg_toml_get(v, "s"), &i));
    cr_assert_eq(i, 7);
    cr_assert_not(mg_toml_float(mg_toml_get(v, "i"), &d));
    cr_assert_eq(mg_toml_line(NULL), 0);
    mg_toml_free(v);
    mg_toml_free(NULL);
}

Test(toml, load_reads_a_file_and_reports_a_missing_one)
{
    mg_toml_value *v = NULL;
    mg_error err;
    char path[] = "/tmp/memgate-toml-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");

    fputs("[package]\nname = \"x\"\n", f);
    fclose(f);
    mg_error_init(&err);
    cr_assert_eq(mg_toml_load(&v, path, &err), 0, "%s", err.msg);
    cr_assert_str_eq(mg_toml_string(mg_toml_path(v, "package", "name", NULL), NULL), "x");
    mg_toml_free(v);
    remove(path);
    mg_error_init(&err);
    cr_assert_eq(mg_toml_load(&v, path, &err), -MG_E_USAGE);
    cr_assert_null(v);
    cr_assert_str_eq(err.source, path);
}

/* ---- malformed input: code, message, line and column ---- */

Test(toml_error, missing_equals)
{
    fails("a = 1\nb \"x\"\n", "expected '=' after the key, found '\"'", 2, 3);
}

Test(toml_error, missing_key)
{
    fails("= 1\n", "expected a key, found '='", 1, 1);
}

Test(toml_error, missing_value)
{
    fails("a =\n", "expected a value, found end of line", 1, 4);
    fails("a =", "expected a value, found end of file", 1, 4);
}

Test(toml_error, unknown_bare_value)
{
    fails("a = tru\n", "expected a value, found 'tru'", 1, 5);
    fails("a = yes\n", "expected a value, found 'yes'", 1, 5);
}

Test(toml_error, two_statements_on_one_line)
{
    fails("a = 1 b = 2\n", "expected the end of the line after the value, found 'b'", 1, 7);
    fails("[a] b = 1\n", "expected the end of the line after the table header, found 'b'", 1, 5);
}

Test(toml_error, unterminated_strings)
{
    fails("a = \"abc", "unterminated string", 1, 5);
    fails("a = \"abc\nb = 1\n", "expected the closing quote before the end of the line", 1, 9);
    fails("a = 'abc\n", "expected the closing quote before the end of the line", 1, 9);
    fails("x = 1\na = \"\"\"abc\n\n", "unterminated string", 2, 5);
    fails("a = '''abc", "unterminated string", 1, 5);
}

Test(toml_error, invalid_escapes)
{
    fails("a = \"\\q\"\n", "invalid escape '\\'q''", 1, 6);
    fails("a = \"\\u12\"\n", "expected 4 hexadecimal digits in a \\u escape", 1, 6);
    fails("a = \"\\uD800\"\n", "is not a Unicode scalar value", 1, 6);
    fails("a = \"\\U00110000\"\n", "is not a Unicode scalar value", 1, 6);
    fails("a = \"\"\"x\\ y\"\"\"\n", "invalid escape '\\a space'", 1, 9);
}

Test(toml_error, control_characters)
{
    fails("a = \"x\x01\"\n", "control character U+0001 must be escaped", 1, 7);
    fails("a = '\x7f'\n", "control character U+007F must be escaped", 1, 6);
    fails("# a\x01z\n", "control character U+0001 is not allowed in a comment", 1, 4);
    fails("a = 1\r b = 2\n", "found control character U+000D", 1, 6);
    fails_len("a = 1\n\0", 7, "NUL character", 2, 1);
}

Test(toml_error, invalid_utf8)
{
    fails("a = \"\xff\"\n", "invalid UTF-8 (byte 0xFF)", 1, 6);
    fails("a = 1\n# \xc3\n", "invalid UTF-8 (byte 0xC3)", 2, 3);
    fails("a = \"\xed\xa0\x80\"\n", "invalid UTF-8 (byte 0xED)", 1, 6); /* a surrogate */
}

Test(toml_error, columns_count_characters)
{
    fails("a = \"\xc3\xa9\" b\n", "found 'b'", 1, 9);
    fails("a = \"\xe2\x82\xac\" \xe2\x82\xac\n", "found '\xe2\x82\xac'", 1, 9);
}

Test(toml_error, multiline_string_as_key)
{
    fails("\"\"\"a\"\"\" = 1\n", "a key cannot be a multi-line string", 1, 1);
}

Test(toml_error, too_many_closing_quotes)
{
    fails("a = '''x''''''\n", "too many quotes", 1, 9);
}

Test(toml_error, invalid_numbers)
{
    fails("a = 012\n", "invalid number '012'", 1, 5);
    fails("a = 1__0\n", "invalid number '1__0'", 1, 5);
    fails("a = _1\n", "expected a value, found '_1'", 1, 5);
    fails("a = 1_\n", "invalid number '1_'", 1, 5);
    fails("a = 0x\n", "invalid number '0x'", 1, 5);
    fails("a = +0x1\n", "invalid number '+0x1'", 1, 5);
    fails("a = 0b102\n", "invalid number '0b102'", 1, 5);
    fails("a = 1.\n", "invalid number '1.'", 1, 5);
    fails("a = 1e\n", "invalid number '1e'", 1, 5);
    fails("a = 01.5\n", "invalid number '01.5'", 1, 5);
    fails("a = 1.2.3\n", "invalid number '1.2.3'", 1, 5);
    fails("a = .5\n", "expected a value, found '.5'", 1, 5);
}

Test(toml_error, integer_out_of_range)
{
    fails("a = 9223372036854775808\n", "does not fit in 64 bits", 1, 5);
    fails("a = -9223372036854775809\n", "does not fit in 64 bits", 1, 5);
    fails("a = 0x1_0000_0000_0000_0000\n", "does not fit in 64 bits", 1, 5);
}

Test(toml_error, invalid_dates)
{
    fails("a = 1979-13-01\n", "invalid date or time '1979-13-01'", 1, 5);
    fails("a = 2023-02-29\n", "invalid date or time", 1, 5);
    fails("a = 1979-05-27T25:00:00\n", "invalid date or time", 1, 5);
    fails("a = 07:32:00Z\n", "invalid date or time", 1, 5);
    fails("a = 1979-05-27T07:32:00+7\n", "invalid date or time", 1, 5);
}

Test(toml_error, duplicate_keys)
{
    fails("a = 1\na = 2\n", "duplicate key 'a'", 2, 1);
    fails("[t]\nx.y = 1\nx.y = 2\n", "duplicate key 'x.y'", 3, 3);
    fails("a = { b = 1, b = 2 }\n", "duplicate key 'b'", 1, 14);
    fails("\"a\" = 1\n'a' = 2\n", "duplicate key 'a'", 2, 1);
}

Test(toml_error, tables_defined_twice)
{
    fails("[a]\nx = 1\n[b]\n[a]\n", "table 'a' is defined twice", 4, 1);
    fails("[a.b]\n[a]\n[a]\n", "table 'a' is defined twice", 3, 1);
    fails("a.b = 1\n[a]\n", "cannot define table 'a': it is already a table defined by dotted keys",
          2, 1);
    fails("[a]\nb = 1\n[a.b]\n", "cannot define table 'a.b': it is already a value", 3, 1);
    fails("a = {}\n[a]\n", "cannot define table 'a': it is already an inline table", 2, 1);
    fails("[[a]]\n[a]\n", "cannot define table 'a': it is already an array of tables", 2, 1);
}

Test(toml_error, headers_through_values)
{
    fails("x = [1]\n[x.y]\n", "cannot define a table under 'x': it is already an array", 2, 2);
    fails("x = 1\n[x.y]\n", "cannot define a table under 'x': it is already a value", 2, 2);
    fails("x = {a = 1}\n[x.y]\n", "cannot define a table under 'x': it is already an inline table",
          2, 2);
}

Test(toml_error, arrays_of_tables_conflicts)
{
    fails("a = 1\n[[a]]\n", "cannot append to 'a' with [[...]]: it is already a value", 2, 1);
    fails("a = [{b = 1}]\n[[a]]\n", "cannot append to 'a' with [[...]]: it is already an array", 2,
          1);
    fails("[a]\n[[a]]\n", "it is already a table defined by a [header]", 2, 1);
}

Test(toml_error, dotted_keys_cannot_reopen_tables)
{
    fails("a = {b = 1}\na.c = 2\n",
          "cannot add to 'a' with a dotted key: it is already an inline "
          "table",
          2, 1);
    fails("[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n",
          "cannot add to 'b' with a dotted key: it is already a table defined by a [header]", 4, 1);
    fails("a = 1\na.b = 2\n", "cannot add to 'a' with a dotted key: it is already a value", 2, 1);
}

Test(toml_error, unclosed_arrays_and_tables)
{
    fails("a = [1, 2", "expected ',' or ']' in an array, found end of file", 1, 10);
    fails("a = [1 2]\n", "expected ',' or ']' in an array, found '2'", 1, 8);
    fails("a = [1,,2]\n", "expected a value, found ','", 1, 8);
    fails("a = { b = 1 c = 2 }\n", "expected ',' or '}' in an inline table, found 'c'", 1, 13);
    fails("a = { b = 1", "expected ',' or '}' in an inline table, found end of file", 1, 12);
    fails("a = { , }\n", "expected a key, found ','", 1, 7);
}

Test(toml_error, unclosed_headers)
{
    fails("[a", "expected ']' to close the table header, found end of file", 1, 3);
    fails("[[a]\nx = 1\n", "expected ']]' to close the table header, found ']'", 1, 4);
    fails("[]\n", "expected a key, found ']'", 1, 2);
    fails("[a.]\n", "expected a key, found ']'", 1, 4);
}

Test(toml_error, nesting_limit)
{
    char text[400];
    size_t i;
    memcpy(text, "a = ", 4);
    for (i = 0; i < 300; i++)
        text[4 + i] = '[';
    text[304] = '\0';
    fails(text, "nested more than 128 deep", 1, 133);
}

Test(toml_error, too_many_key_parts)
{
    char text[200];
    size_t used = 0;
    int i;
    for (i = 0; i < 40; i++)
        used += (size_t)snprintf(text + used, sizeof(text) - used, "%s", i ? ".k" : "k");
    snprintf(text + used, sizeof(text) - used, " = 1\n");
    fails(text, "more than 32 dotted parts", 1, 65);
}

Test(toml_error, no_error_pointer)
{
    mg_toml_value *v = NULL;
    cr_assert_eq(mg_toml_parse(&v, "a = ", 4, "t.toml", NULL), -MG_E_USAGE);
    cr_assert_null(v);
}
