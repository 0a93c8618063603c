/* memgate comply on the fixture projects in testdata/comply: scores, exit codes, reports, errors.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

/*
 * Every test runs in testdata/comply (Criterion forks a process per test, so
 * the chdir stays inside it) and names the project relatively, which keeps
 * the reports free of machine-specific paths.
 */
static void in_fixtures(void)
{
    cr_assert_eq(chdir(mg_testdata("comply")), 0, "no testdata/comply");
}

static mg_run comply(const char *const *argv)
{
    in_fixtures();
    return mg_run_memgate(argv, NULL, NULL);
}

/* Run --format json on a case and return the parsed report (caller decrefs). */
static json_t *comply_json(const char *dir, int want_status)
{
    const char *argv[] = {"comply", "--format", "json", dir, NULL};
    mg_run r = comply(argv);
    json_error_t je;
    json_t *root;

    cr_assert_eq(r.status, want_status, "%s: exit %d, expected %d\nstderr: %s", dir, r.status,
                 want_status, r.err);
    cr_assert_str_empty(r.err, "%s: unexpected stderr: %s", dir, r.err);
    root = json_loads(r.out, 0, &je);
    cr_assert_not_null(root, "%s: not JSON (%s): %s", dir, je.text, r.out);
    mg_run_release(&r);
    return root;
}

static json_t *item(json_t *root, const char *id)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(root, "items"), i,
                       it) if (!strcmp(json_string_value(json_object_get(it, "id")), id)) return it;
    cr_assert_fail("no item '%s'", id);
    return NULL;
}

static bool present(json_t *root, const char *id)
{
    return json_is_true(json_object_get(item(root, id), "present"));
}

/* The expected score, exit status and which pieces are present. */
static void expect_case(const char *dir, int status, int score, bool dep, bool bin, bool base)
{
    json_t *root = comply_json(dir, status);
    cr_assert_str_eq(json_string_value(json_object_get(root, "schema")), "memgate/comply/v1");
    cr_assert_str_eq(json_string_value(json_object_get(root, "check")), "CB-141");
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), score, "%s: score %lld", dir,
                 (long long)json_integer_value(json_object_get(root, "score")));
    cr_assert_eq(present(root, "dependency"), dep, "%s: dependency", dir);
    cr_assert_eq(present(root, "profile_binary"), bin, "%s: profile binary", dir);
    cr_assert_eq(present(root, "baseline"), base, "%s: baseline", dir);
    cr_assert_eq(json_is_true(json_object_get(root, "compliant")), score == 0);
    json_decref(root);
}

/* stdout of `memgate comply ARGS` must equal testdata/comply-expected/NAME byte for byte. */
static void expect_golden(const char *dir, const char *golden, int status)
{
    const char *argv[] = {"comply", dir, NULL};
    char *want = mg_slurp(mg_testdata(golden), NULL);
    mg_run r;

    cr_assert_not_null(want, "no %s", golden);
    r = comply(argv);
    cr_assert_eq(r.status, status, "exit %d\nstderr: %s", r.status, r.err);
    cr_assert_str_eq(r.out, want, "%s differs from %s:\n%s", dir, golden, r.out);
    free(want);
    mg_run_release(&r);
}

/* Malformed input: exit 2, nothing on stdout, and the message names file, line and column. */
static void expect_config_error(const char *dir, const char *fragment)
{
    const char *argv[] = {"comply", dir, NULL};
    mg_run r = comply(argv);
    cr_assert_eq(r.status, 2, "exit %d\nstdout: %s\nstderr: %s", r.status, r.out, r.err);
    cr_assert_str_empty(r.out);
    cr_assert(strstr(r.err, fragment) != NULL, "stderr lacks '%s': %s", fragment, r.err);
    mg_run_release(&r);
}

/* ---- scores of the fixture projects ---- */

Test(comply, single_crate_has_everything)
{
    expect_case("single", 0, 0, true, true, true);
}

Test(comply, workspace_members_by_glob)
{
    json_t *root = comply_json("workspace", 0);
    json_t *found = json_object_get(item(root, "profile_binary"), "found");
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), 0);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(found, 0), "file")),
                     "crates/app/examples/heap/main.rs");
    /* crates/scratch is excluded (its broken manifest is never read); crates/docs has none */
    cr_assert_eq(json_array_size(json_object_get(root, "manifests")), 2);
    cr_assert(strstr(json_string_value(json_array_get(json_object_get(root, "notes"), 0)),
                     "'crates/docs'") != NULL);
    json_decref(root);
}

Test(comply, dependency_inherited_from_the_workspace)
{
    json_t *root = comply_json("inherited", 0);
    json_t *f = json_array_get(json_object_get(item(root, "dependency"), "found"), 0);
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), 0);
    cr_assert_str_eq(json_string_value(json_object_get(f, "file")), "app/Cargo.toml");
    cr_assert_eq(json_integer_value(json_object_get(f, "line")), 9);
    cr_assert(strstr(json_string_value(json_object_get(f, "what")),
                     "workspace = true, from Cargo.toml") != NULL);
    /* the bench imports Alloc with `use dhat::{Alloc, Profiler}`; a commented-out one and one
       inside a string literal come before it and must not count */
    f = json_array_get(json_object_get(item(root, "profile_binary"), "found"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(f, "file")), "app/benches/alloc.rs");
    cr_assert_eq(json_integer_value(json_object_get(f, "line")), 5);
    json_decref(root);
}

Test(comply, member_directory_finds_its_workspace_root_above)
{
    json_t *root = comply_json("inherited/app", 0);
    json_t *f = json_array_get(json_object_get(item(root, "dependency"), "found"), 0);
    /* the baseline is looked for relative to the directory checked, so it is missing here */
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), -2);
    cr_assert(strstr(json_string_value(json_object_get(f, "what")), "from ../Cargo.toml") != NULL);
    json_decref(root);
}

Test(comply, inherited_dependency_missing_from_the_root)
{
    json_t *root = comply_json("inherited-broken", 0);
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), -5);
    cr_assert(strstr(json_string_value(json_object_get(item(root, "dependency"), "problem")),
                     "[workspace.dependencies] in 'Cargo.toml' has no 'dhat'") != NULL);
    json_decref(root);
}

Test(comply, target_specific_dev_dependency)
{
    json_t *root = comply_json("target-specific", 0);
    json_t *f = json_array_get(json_object_get(item(root, "dependency"), "found"), 0);
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), -2);
    cr_assert_str_eq(json_string_value(json_object_get(f, "what")),
                     "[target.'cfg(target_os = \"linux\")'.dev-dependencies] dhat");
    cr_assert(present(root, "profile_binary")); /* src/bin, pub(crate), ::dhat::Alloc */
    cr_assert_not(present(root, "baseline"));
    json_decref(root);
}

Test(comply, table_form_and_listed_example_without_path)
{
    expect_case("table-form", 0, 0, true, true, true);
}

Test(comply, renamed_dependency)
{
    expect_case("renamed", 0, 0, true, true, true);
}

Test(comply, nothing_in_place)
{
    json_t *root = comply_json("missing", 0);
    json_t *notes = json_object_get(root, "notes");
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), -10);
    cr_assert_eq(json_integer_value(json_object_get(item(root, "dependency"), "penalty")), -5);
    cr_assert_eq(json_integer_value(json_object_get(item(root, "profile_binary"), "penalty")), -3);
    cr_assert_eq(json_integer_value(json_object_get(item(root, "baseline"), "penalty")), -2);
    cr_assert(strstr(json_string_value(json_array_get(notes, 0)),
                     "dhat is in [dependencies], but CB-141 counts it only in "
                     "[dev-dependencies]") != NULL);
    cr_assert(strstr(json_string_value(json_array_get(notes, 1)), "benches/gone.rs") != NULL);
    json_decref(root);
}

Test(comply, custom_baseline_path)
{
    json_t *root = comply_json("custom-baseline", 0);
    json_t *f = json_array_get(json_object_get(item(root, "baseline"), "found"), 0);
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), 0);
    cr_assert_str_eq(json_string_value(json_object_get(f, "file")), "metrics/memory.json");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "config"), "file")),
                     "custom-baseline/.pmat.yaml");
    json_decref(root);
}

Test(comply, severity_error_fails_the_run)
{
    json_t *root = comply_json("severity-error", 1);
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), -2);
    cr_assert(json_is_true(json_object_get(root, "failed")));
    json_decref(root);
}

Test(comply, severity_warning_never_fails)
{
    expect_case("missing", 0, -10, false, false, false);
}

Test(comply, baseline_without_a_required_key)
{
    json_t *root = comply_json("bad-baseline", 0);
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), -2);
    cr_assert_str_eq(json_string_value(json_object_get(item(root, "baseline"), "problem")),
                     "'.pmat-metrics/memory-baseline.json' lacks allocation_count");
    json_decref(root);
}

Test(comply, baseline_with_a_negative_count)
{
    json_t *root = comply_json("negative-baseline", 0);
    const char *problem = json_string_value(json_object_get(item(root, "baseline"), "problem"));
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), -2);
    cr_assert(strstr(problem, "line 3 column 24: 'peak_memory_bytes' is negative") != NULL, "%s",
              problem);
    json_decref(root);
}

Test(comply, jemalloc_profiler)
{
    json_t *root = comply_json("jemalloc", 0);
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), 0);
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(root, "config"), "profiler")),
        "jemalloc");
    cr_assert_str_eq(json_string_value(json_object_get(item(root, "dependency"), "title")),
                     "jemalloc allocator dependency");
    json_decref(root);
}

Test(comply, jemalloc_profiler_does_not_accept_dhat)
{
    const char *argv[] = {"comply", "--format", "json", "--config", "jemalloc/.pmat.yaml",
                          "single", NULL};
    mg_run r = comply(argv);
    json_t *root = json_loads(r.out, 0, NULL);
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(root, "%s", r.err);
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), -8);
    json_decref(root);
    mg_run_release(&r);
}

Test(comply, heaptrack_profiler)
{
    json_t *root = comply_json("heaptrack", 0);
    json_t *dep = item(root, "dependency");
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), -2);
    cr_assert(json_is_false(json_object_get(dep, "applicable")));
    cr_assert(json_is_true(json_object_get(dep, "present")));
    cr_assert_str_eq(
        json_string_value(json_object_get(
            json_array_get(json_object_get(item(root, "profile_binary"), "found"), 0), "file")),
        "scripts/memory-profile.sh");
    json_decref(root);
}

Test(comply, disabled_checks_nothing)
{
    json_t *root = comply_json("disabled", 0);
    cr_assert(json_is_false(json_object_get(root, "checked")));
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), 0);
    cr_assert_eq(json_array_size(json_object_get(root, "items")), 0);
    json_decref(root);
}

/* ---- reports ---- */

Test(comply_report, text_all_present)
{
    expect_golden("single", "comply-expected/single.txt", 0);
}

Test(comply_report, text_what_is_missing_and_how_to_fix_it)
{
    expect_golden("missing", "comply-expected/missing.txt", 0);
}

Test(comply_report, text_workspace)
{
    expect_golden("workspace", "comply-expected/workspace.txt", 0);
}

Test(comply_report, text_heaptrack)
{
    expect_golden("heaptrack", "comply-expected/heaptrack.txt", 0);
}

Test(comply_report, text_disabled)
{
    expect_golden("disabled", "comply-expected/disabled.txt", 0);
}

Test(comply_report, text_inherited_broken)
{
    expect_golden("inherited-broken", "comply-expected/inherited-broken.txt", 0);
}

/* The JSON schema is stable: the whole document, minus the tool version, is pinned. */
Test(comply_report, json_schema_pinned)
{
    json_t *got = comply_json("missing", 0);
    json_t *want = json_load_file(mg_testdata("comply-expected/missing.json"), 0, NULL);
    char *dump;
    cr_assert_not_null(want);
    json_object_del(got, "tool");
    json_object_del(want, "tool");
    dump = json_dumps(got, JSON_INDENT(2));
    cr_assert(json_equal(got, want), "JSON differs from comply-expected/missing.json:\n%s", dump);
    free(dump);
    json_decref(got);
    json_decref(want);
}

Test(comply_report, text_and_json_to_files)
{
    char *dir = mg_tempdir(), txt[512], js[512];
    const char *argv[] = {"comply", "--format", "text", "--output", txt, "--format",
                          "json",   "--output", js,     "single",   NULL};
    mg_run r;
    char *t, *j;

    snprintf(txt, sizeof(txt), "%s/out.txt", dir);
    snprintf(js, sizeof(js), "%s/out.json", dir);
    r = comply(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_empty(r.out);
    t = mg_slurp(txt, NULL);
    j = mg_slurp(js, NULL);
    cr_assert(t && strstr(t, "score: 0 (all 3 pieces in place)"));
    cr_assert(j && strstr(j, "\"score\": 0"));
    free(t);
    free(j);
    remove(txt);
    remove(js);
    rmdir(dir);
    free(dir);
    mg_run_release(&r);
}

Test(comply_report, help_says_what_is_accepted)
{
    const char *argv[] = {"comply", "--help", NULL};
    mg_run r = comply(argv);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "usage: memgate comply [OPTIONS] [DIR]") != NULL);
    cr_assert(strstr(r.out, "examples/*/main.rs") != NULL);
    cr_assert(strstr(r.out, "tikv-jemallocator") != NULL);
    cr_assert(strstr(r.out, "a script that runs heaptrack") != NULL);
    mg_run_release(&r);
}

/* ---- errors: exit 2 with file, line and column ---- */

Test(comply_error, malformed_cargo_toml)
{
    expect_config_error("malformed-cargo", "memgate comply: 'malformed-cargo/Cargo.toml' line 6 "
                                           "column 12: unterminated string");
}

Test(comply_error, malformed_pmat_yaml)
{
    expect_config_error("malformed-yaml", "'malformed-yaml/.pmat.yaml' line 6 column 1: "
                                          "malformed YAML: did not find expected ',' or ']' "
                                          "(while parsing a flow sequence at line 5 column 17)");
}

Test(comply_error, wrong_value_in_pmat_yaml)
{
    expect_config_error("bad-severity", "'bad-severity/.pmat.yaml' line 5 column 17: expected "
                                        "warning or error for 'severity'");
}

Test(comply_error, no_cargo_toml)
{
    expect_config_error("no-cargo",
                        "'no-cargo': no Cargo.toml, CMakeLists.txt, meson.build or Makefile here");
}

Test(comply_error, missing_config_file_named_on_the_command_line)
{
    const char *argv[] = {"comply", "--config", "nope.yaml", "single", NULL};
    mg_run r = comply(argv);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "'nope.yaml'") != NULL, "%s", r.err);
    mg_run_release(&r);
}

Test(comply_error, bad_options)
{
    const char *two[] = {"comply", "single", "missing", NULL};
    const char *fmt[] = {"comply", "--format", "xml", "single", NULL};
    mg_run r = comply(two);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "at most one DIR") != NULL);
    mg_run_release(&r);
    r = comply(fmt);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "unknown report format 'xml'") != NULL);
    mg_run_release(&r);
}

Test(comply_error, unwritable_output)
{
    const char *argv[] = {"comply", "--output", "/nonexistent/dir/out.txt", "single", NULL};
    mg_run r = comply(argv);
    cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
    mg_run_release(&r);
}

/* Regression: empty target directories (an empty listing was once handed to qsort as NULL). */
Test(comply, empty_target_directories)
{
    char *dir = mg_tempdir(), path[600];
    const char *argv[] = {"comply", "--format", "json", dir, NULL};
    mg_run r;

    snprintf(path, sizeof(path), "%s/Cargo.toml", dir);
    mg_spit(path, "[package]\nname = \"x\"\nversion = \"0.1.0\"\n");
    snprintf(path, sizeof(path), "%s/examples", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/benches", dir);
    mkdir(path, 0755);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "the project has no example, bin or bench sources") != NULL, "%s",
              r.out);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/examples", dir);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/Cargo.toml", dir);
    remove(path);
    rmdir(dir);
    free(dir);
    mg_run_release(&r);
}

Test(comply, pinned_in_the_workspace_but_used_by_no_package)
{
    json_t *root = comply_json("pinned-unused", 0);
    cr_assert_eq(json_integer_value(json_object_get(root, "score")), -10);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(root, "notes"), 0)),
                     "Cargo.toml lists dhat in [workspace.dependencies], but no package uses it: "
                     "add dhat.workspace = true to a member's [dev-dependencies]");
    json_decref(root);
}

/* ---- hostile workspaces (issue 13 #7) ---- */

static char *hostile_workspace(const char *members)
{
    char *dir = mg_tempdir(), path[4200];
    cr_assert_not_null(dir);
    snprintf(path, sizeof(path), "%s/Cargo.toml", dir);
    cr_assert_eq(mg_spit(path, members), 0);
    snprintf(path, sizeof(path), "%s/crates", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/crates/a", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/crates/a/Cargo.toml", dir);
    cr_assert_eq(mg_spit(path, "[package]\nname = \"a\"\nversion = \"0.1.0\"\n"), 0);
    return dir;
}

/* A glob does not follow directory symlinks: a link loop cannot multiply the walk. */
Test(comply_hostile, globs_do_not_follow_directory_symlinks)
{
    char *dir = hostile_workspace("[workspace]\nmembers = [\"crates/*\", "
                                  "\"crates/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*\"]\n");
    char link[4200];
    const char *argv[] = {"comply", "--format", "json", dir, NULL};
    json_t *root;
    mg_run r;

    snprintf(link, sizeof(link), "%s/crates/b", dir);
    cr_assert_eq(symlink("a", link), 0);
    snprintf(link, sizeof(link), "%s/crates/loop", dir);
    cr_assert_eq(symlink(".", link), 0);
    r = mg_run_memgate(argv, NULL, NULL);
    root = json_loads(r.out, 0, NULL);
    cr_assert_not_null(root, "%s", r.err);
    /* crates/a only: crates/b (a link to it) and everything through crates/loop are not walked */
    cr_expect_eq(json_array_size(json_object_get(root, "manifests")), 1, "%s", r.out);
    json_decref(root);
    mg_run_release(&r);
    free(dir);
}

/* One members entry visits a bounded number of directories. */
Test(comply_hostile, glob_expansion_is_capped)
{
    char *dir = hostile_workspace("[workspace]\nmembers = [\"crates/*\"]\n");
    char path[4200];
    const char *argv[] = {"comply", dir, NULL};
    mg_run r;

    for (int i = 0; i < 10001; i++) {
        snprintf(path, sizeof(path), "%s/crates/d%05d", dir, i);
        cr_assert_eq(mkdir(path, 0755), 0);
    }
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "visits more than 10000 directories"), "%s", r.err);
    mg_run_release(&r);
    free(dir);
}
