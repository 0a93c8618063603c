/* Editing Cargo.toml text: where the new lines go, line endings, and refusing what it cannot do. */
#include <criterion/criterion.h>
#include <string.h>

#include "comply/manifest_edit.h"

static const manifest_edit both = {
    "dhat", "\"0.3\"", "version = \"0.3\"", "dhat_profile", "examples/dhat_profile.rs", false};
static const manifest_edit dep_only = {"dhat", "\"0.3\"", "version = \"0.3\"", NULL, NULL, false};

static char *apply(const char *text, const manifest_edit *e, unsigned long *line)
{
    mg_buf out;
    mg_error err;
    unsigned long l = 0;
    mg_buf_init(&out, 0);
    mg_error_init(&err);
    cr_assert_eq(manifest_apply(text, strlen(text), "Cargo.toml", e, &out, &l, &err), 0, "%s",
                 err.msg);
    if (line)
        *line = l;
    return out.data; /* the buffer's memory, now the caller's */
}

Test(manifest_edit, after_the_header)
{
    unsigned long line;
    char *s =
        apply("[package]\nname = \"x\"\n\n[dev-dependencies]\nrand = \"0.8\"\n", &dep_only, &line);
    cr_assert_str_eq(s, "[package]\nname = \"x\"\n\n[dev-dependencies]\ndhat = \"0.3\"\n"
                        "rand = \"0.8\"\n");
    cr_assert_eq(line, 5);
    free(s);
}

Test(manifest_edit, header_on_the_last_line_without_newline)
{
    char *s = apply("[package]\nname = \"x\"\n[dev-dependencies]", &dep_only, NULL);
    cr_assert_str_eq(s, "[package]\nname = \"x\"\n[dev-dependencies]\ndhat = \"0.3\"\n");
    free(s);
}

Test(manifest_edit, new_table_and_example_appended)
{
    unsigned long line;
    char *s = apply("[package]\nname = \"x\"", &both, &line);
    cr_assert_str_eq(
        s, "[package]\nname = \"x\"\n\n[dev-dependencies]\ndhat = \"0.3\"\n"
           "\n[[example]]\nname = \"dhat_profile\"\npath = \"examples/dhat_profile.rs\"\n");
    cr_assert_eq(line, 5);
    free(s);
}

Test(manifest_edit, implicit_table_is_defined_by_a_new_header)
{
    char *s = apply("[dev-dependencies.rand]\nversion = \"0.8\"\n", &dep_only, NULL);
    cr_assert_str_eq(s, "[dev-dependencies.rand]\nversion = \"0.8\"\n\n[dev-dependencies]\n"
                        "dhat = \"0.3\"\n");
    free(s);
}

Test(manifest_edit, crlf_files_stay_crlf)
{
    char *s =
        apply("[package]\r\nname = \"x\"\r\n[dev-dependencies]\r\nrand = \"1\"\r\n", &both, NULL);
    cr_assert_str_eq(s, "[package]\r\nname = \"x\"\r\n[dev-dependencies]\r\ndhat = \"0.3\"\r\n"
                        "rand = \"1\"\r\n\r\n[[example]]\r\nname = \"dhat_profile\"\r\n"
                        "path = \"examples/dhat_profile.rs\"\r\n");
    free(s);
}

Test(manifest_edit, workspace_inheritance_form)
{
    static const manifest_edit ws = {"dhat", "{ workspace = true }", "workspace = true", NULL, NULL,
                                     false};
    char *s = apply("[package]\nname = \"x\"\n", &ws, NULL);
    cr_assert_str_eq(s, "[package]\nname = \"x\"\n\n[dev-dependencies]\ndhat = { workspace = true "
                        "}\n");
    free(s);
}

Test(manifest_edit, refuses_what_only_a_rewrite_could_do)
{
    static const char inline_deps[] = "dev-dependencies = { rand = \"1\" }\n";
    static const char static_examples[] = "example = []\n";
    mg_buf out;
    mg_error err;
    unsigned long line;

    mg_buf_init(&out, 0);
    mg_error_init(&err);
    cr_assert_eq(manifest_apply(inline_deps, strlen(inline_deps), "Cargo.toml", &dep_only, &out,
                                &line, &err),
                 -MG_E_REFUSED);
    cr_assert(strstr(err.msg, "add 'dhat = \"0.3\"' by hand") != NULL, "%s", err.msg);
    cr_assert_str_eq(err.source, "Cargo.toml");
    mg_error_init(&err);
    cr_assert_eq(manifest_apply(static_examples, strlen(static_examples), "Cargo.toml",
                                &(manifest_edit){NULL, NULL, NULL, "dhat_profile", "x.rs", false},
                                &out, &line, &err),
                 -MG_E_REFUSED);
    cr_assert(strstr(err.msg, "[[example]]") != NULL, "%s", err.msg);
    mg_buf_release(&out);
}

Test(manifest_edit, a_malformed_manifest_is_a_usage_error)
{
    mg_buf out;
    mg_error err;
    unsigned long line;
    mg_buf_init(&out, 0);
    mg_error_init(&err);
    cr_assert_eq(manifest_apply("[a\n", 3, "Cargo.toml", &dep_only, &out, &line, &err),
                 -MG_E_USAGE);
    cr_assert_eq(err.line, 1);
    cr_assert_eq(err.column, 3);
    mg_buf_release(&out);
}

/* debug = 1 and the dependency both go under their headers, in file order, whichever comes
 * first. */
Test(manifest_edit, release_debug_and_dependency_under_their_headers)
{
    static const manifest_edit all = {"dhat", "\"0.3\"", "version = \"0.3\"", NULL, NULL, true};
    char *s =
        apply("[profile.release]\nlto = true\n\n[dev-dependencies]\nrand = \"1\"\n", &all, NULL);
    cr_assert_str_eq(s, "[profile.release]\ndebug = 1\nlto = true\n\n[dev-dependencies]\n"
                        "dhat = \"0.3\"\nrand = \"1\"\n");
    free(s);
    s = apply("[dev-dependencies]\nrand = \"1\"\n[profile.release]\nlto = true", &all, NULL);
    cr_assert_str_eq(s, "[dev-dependencies]\ndhat = \"0.3\"\nrand = \"1\"\n[profile.release]\n"
                        "debug = 1\nlto = true\n");
    free(s);
}

Test(manifest_edit, release_debug_refused_for_dotted_profile_keys)
{
    static const char dotted[] = "profile.release.lto = true\n";
    static const manifest_edit dbg = {NULL, NULL, NULL, NULL, NULL, true};
    mg_buf out;
    mg_error err;
    unsigned long line;

    mg_buf_init(&out, 0);
    mg_error_init(&err);
    cr_assert_eq(manifest_apply(dotted, strlen(dotted), "Cargo.toml", &dbg, &out, &line, &err),
                 -MG_E_REFUSED);
    cr_assert(strstr(err.msg, "add it by hand") != NULL, "%s", err.msg);
    mg_buf_release(&out);
}
