/* memgate init: the plan, --write, --profile, --force, workspaces; then memgate comply scores 0. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

#define PROFILE "profiles/dhatrs-wordfreq-baseline-release.json"

static char *project; /* a fresh temporary project directory per test */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    if (project)
        nftw(project, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(project);
    project = NULL;
}

static const char *path_in(const char *rel)
{
    static char buf[4][1024];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof(buf[0]), "%s/%s", project, rel);
    return p;
}

static void put(const char *rel, const char *text)
{
    char dir[1024], *slash;
    snprintf(dir, sizeof(dir), "%s", path_in(rel));
    for (slash = strchr(dir + strlen(project) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(dir, 0755);
        *slash = '/';
    }
    cr_assert_eq(mg_spit(path_in(rel), text), 0, "cannot write %s", rel);
}

static char *get(const char *rel)
{
    return mg_slurp(path_in(rel), NULL);
}

/* A library crate with nothing of CB-141 in place. */
static void new_crate(void)
{
    project = mg_tempdir();
    cr_assert_not_null(project);
    put("Cargo.toml", "[package]\nname = \"word-freq\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
                      "\n[dependencies]\nregex = \"1\"\n");
    put("src/lib.rs", "pub fn run() {}\n");
}

/* Run memgate with the project directory as the last argument. */
static mg_run run5(const char *a, const char *b, const char *c, const char *d, const char *e)
{
    const char *argv[7] = {0};
    int n = 0;
    const char *const args[] = {a, b, c, d, e};
    for (int i = 0; i < 5; i++)
        if (args[i])
            argv[n++] = args[i];
    argv[n++] = project;
    return mg_run_memgate(argv, NULL, NULL);
}

static mg_run run(const char *a, const char *b, const char *c, const char *d)
{
    return run5(a, b, c, d, NULL);
}

static int comply_score(void)
{
    mg_run r = run("comply", "--format", "json", NULL);
    json_t *root = json_loads(r.out, 0, NULL);
    int score;
    cr_assert_not_null(root, "comply: %s", r.err);
    score = (int)json_integer_value(json_object_get(root, "score"));
    json_decref(root);
    mg_run_release(&r);
    return score;
}

TestSuite(init, .fini = cleanup);

Test(init, without_write_prints_the_plan_and_touches_nothing)
{
    char *before, *after;
    mg_run r;

    new_crate();
    before = get("Cargo.toml");
    r = run("init", NULL, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[add]   dhat dev-dependency: Cargo.toml: add it to "
                            "[dev-dependencies]") != NULL,
              "%s", r.out);
    cr_assert(strstr(r.out, "        dhat = \"0.3\"\n") != NULL);
    cr_assert(strstr(r.out, "        static ALLOC: dhat::Alloc = dhat::Alloc;\n") != NULL);
    cr_assert(strstr(r.out, "for example `word_freq::run(input)`") != NULL);
    cr_assert(strstr(r.out, "        name = \"dhat_profile\"\n") != NULL);
    cr_assert(strstr(r.out, "[todo]  baseline") != NULL);
    cr_assert(strstr(r.out, "nothing was written") != NULL);
    cr_assert(strstr(r.out, "CB-141 score as it stands: -10") != NULL);
    after = get("Cargo.toml");
    cr_assert_str_eq(after, before);
    cr_assert_not(access(path_in("examples"), F_OK) == 0);
    free(before);
    free(after);
    mg_run_release(&r);
}

Test(init, write_then_profile_makes_comply_score_zero)
{
    char *manifest;
    mg_run r;

    new_crate();
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[wrote] dhat dev-dependency: Cargo.toml: added to "
                            "[dev-dependencies] on line 10") != NULL,
              "%s", r.out);
    cr_assert(strstr(r.out, "[wrote] profile example: examples/dhat_profile.rs: created") != NULL);
    cr_assert(strstr(r.out, "CB-141 score now: -2") != NULL, "%s", r.out);
    mg_run_release(&r);
    manifest = get("Cargo.toml");
    cr_assert_str_eq(manifest, "[package]\nname = \"word-freq\"\nversion = \"0.1.0\"\n"
                               "edition = \"2021\"\n\n[dependencies]\nregex = \"1\"\n"
                               "\n[dev-dependencies]\ndhat = \"0.3\"\n"
                               "\n[[example]]\nname = \"dhat_profile\"\n"
                               "path = \"examples/dhat_profile.rs\"\n"
                               "\n[profile.release]\ndebug = 1\n");
    free(manifest);
    cr_assert_eq(comply_score(), -2);

    /* the profile run would write dhat-heap.json; a captured one stands in for it */
    r = run("init", "--profile", mg_testdata(PROFILE), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[wrote] baseline: .pmat-metrics/memory-baseline.json: from ") != NULL,
              "%s", r.out);
    cr_assert(strstr(r.out, "CB-141 score as it stands: 0\n") != NULL, "%s", r.out);
    mg_run_release(&r);
    cr_assert_eq(comply_score(), 0);
    r = run("comply", NULL, NULL, NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "score: 0 (all 3 pieces in place)") != NULL, "%s", r.out);
    mg_run_release(&r);
}

Test(init, one_run_with_write_and_profile)
{
    json_t *b;
    mg_run r;

    new_crate();
    r = run("init", "--write", "--profile", mg_testdata(PROFILE));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "CB-141 score now: 0\n") != NULL, "%s", r.out);
    mg_run_release(&r);
    b = json_load_file(path_in(".pmat-metrics/memory-baseline.json"), 0, NULL);
    cr_assert_not_null(b);
    cr_assert_eq(json_integer_value(json_object_get(b, "total_allocations_bytes")), 6300564);
    cr_assert_eq(json_integer_value(json_object_get(b, "peak_memory_bytes")), 3434884);
    cr_assert_eq(json_integer_value(json_object_get(b, "allocation_count")), 498233);
    cr_assert(json_is_string(json_object_get(b, "measured_at")));
    json_decref(b);
    cr_assert_eq(comply_score(), 0);
}

/* An empty GITHUB_SHA (or CI_COMMIT_SHA) is no commit: no "commit": "" in the baseline. */
Test(init, an_empty_ci_commit_is_not_recorded)
{
    const char *env[] = {"GITHUB_ACTIONS=true", "GITHUB_SHA=", "CI_COMMIT_SHA=", NULL};
    const char *argv[] = {"init", "--profile", mg_testdata(PROFILE), project, NULL};
    json_t *b;
    mg_run r;

    new_crate();
    argv[3] = project;
    r = mg_run_memgate(argv, env, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    b = json_load_file(path_in(".pmat-metrics/memory-baseline.json"), 0, NULL);
    cr_assert_not_null(b);
    cr_expect_null(json_object_get(b, "commit"), "an empty commit was recorded: \"%s\"",
                   json_string_value(json_object_get(b, "commit")));
    json_decref(b);
}

Test(init, a_second_write_changes_nothing)
{
    char *first, *second;
    mg_run r;

    new_crate();
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 0);
    mg_run_release(&r);
    first = get("Cargo.toml");
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[ok]    dhat dev-dependency: Cargo.toml: Cargo.toml line 10") != NULL,
              "%s", r.out);
    cr_assert(strstr(r.out, "[ok]    profile binary: examples/dhat_profile.rs") != NULL);
    cr_assert_null(strstr(r.out, "[wrote]"));
    second = get("Cargo.toml");
    cr_assert_str_eq(first, second);
    free(first);
    free(second);
    mg_run_release(&r);
}

Test(init, dependency_goes_under_the_existing_header)
{
    char *manifest;
    mg_run r;

    new_crate();
    put("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n"
                      "[dev-dependencies] # test-only crates\ncriterion = \"0.5\"\n\n"
                      "[features]\nfast = []");
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    manifest = get("Cargo.toml");
    cr_assert_str_eq(manifest, "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n"
                               "[dev-dependencies] # test-only crates\ndhat = \"0.3\"\n"
                               "criterion = \"0.5\"\n\n[features]\nfast = []\n"
                               "\n[[example]]\nname = \"dhat_profile\"\n"
                               "path = \"examples/dhat_profile.rs\"\n"
                               "\n[profile.release]\ndebug = 1\n");
    free(manifest);
}

Test(init, crlf_manifest_keeps_its_line_endings_and_mode)
{
    char *manifest;
    struct stat st;
    mg_run r;

    new_crate();
    put("Cargo.toml", "[package]\r\nname = \"x\"\r\nversion = \"0.1.0\"\r\n");
    chmod(path_in("Cargo.toml"), 0600);
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    manifest = get("Cargo.toml");
    cr_assert_str_eq(manifest, "[package]\r\nname = \"x\"\r\nversion = \"0.1.0\"\r\n"
                               "\r\n[dev-dependencies]\r\ndhat = \"0.3\"\r\n"
                               "\r\n[[example]]\r\nname = \"dhat_profile\"\r\n"
                               "path = \"examples/dhat_profile.rs\"\r\n"
                               "\r\n[profile.release]\r\ndebug = 1\r\n");
    free(manifest);
    cr_assert_eq(stat(path_in("Cargo.toml"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(comply_score(), -2);
}

Test(init, inline_dev_dependencies_get_a_subtable)
{
    char *manifest;
    mg_run r;

    new_crate();
    /* dotted keys define dev-dependencies: no [dev-dependencies] header may follow */
    put("Cargo.toml", "dev-dependencies.criterion = \"0.5\"\n"
                      "[package]\nname = \"x\"\nversion = \"0.1.0\"\n");
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    manifest = get("Cargo.toml");
    cr_assert(strstr(manifest, "\n[dev-dependencies.dhat]\nversion = \"0.3\"\n") != NULL, "%s",
              manifest);
    free(manifest);
    cr_assert_eq(comply_score(), -2);
}

Test(init, an_uneditable_manifest_is_refused_untouched)
{
    char *before, *after;
    mg_run r;

    new_crate();
    put("Cargo.toml", "package = { name = \"x\", version = \"0.1.0\" }\n"
                      "dev-dependencies = { criterion = \"0.5\" }\n");
    before = get("Cargo.toml");
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 2, "%d %s", r.status, r.out);
    cr_assert(strstr(r.err, "add 'dhat = \"0.3\"' by hand") != NULL, "%s", r.err);
    after = get("Cargo.toml");
    cr_assert_str_eq(after, before);
    cr_assert_not(access(path_in("examples/dhat_profile.rs"), F_OK) == 0);
    free(before);
    free(after);
    mg_run_release(&r);
}

Test(init, an_existing_example_is_not_overwritten_without_force)
{
    char *body;
    mg_run r;

    new_crate();
    put("examples/dhat_profile.rs", "fn main() { println!(\"mine\"); }\n");
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "'examples/dhat_profile.rs': exists but does not install "
                            "dhat::Alloc") != NULL,
              "%s", r.err);
    mg_run_release(&r);
    body = get("examples/dhat_profile.rs");
    cr_assert_str_eq(body, "fn main() { println!(\"mine\"); }\n");
    free(body);

    r = run("init", "--write", "--force", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "examples/dhat_profile.rs: replaced (--force)") != NULL, "%s", r.out);
    mg_run_release(&r);
    cr_assert_eq(comply_score(), -2);
}

Test(init, a_valid_baseline_is_kept_without_force)
{
    char *before, *after;
    mg_run r;

    new_crate();
    put(".pmat-metrics/memory-baseline.json",
        "{\"total_allocations_bytes\": 1, \"peak_memory_bytes\": 2, \"allocation_count\": 3}\n");
    before = get(".pmat-metrics/memory-baseline.json");
    r = run("init", "--profile", mg_testdata(PROFILE), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[kept]  baseline") != NULL, "%s", r.out);
    mg_run_release(&r);
    after = get(".pmat-metrics/memory-baseline.json");
    cr_assert_str_eq(after, before);
    free(after);

    r = run("init", "--force", "--profile", mg_testdata(PROFILE));
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    after = get(".pmat-metrics/memory-baseline.json");
    cr_assert(strstr(after, "6300564") != NULL);
    free(before);
    free(after);
}

Test(init, an_invalid_baseline_is_refused_without_force)
{
    mg_run r;

    new_crate();
    put(".pmat-metrics/memory-baseline.json", "{\"peak_memory_bytes\": 2}\n");
    r = run("init", "--profile", mg_testdata(PROFILE), NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "exists but is not a valid baseline") != NULL, "%s", r.err);
    mg_run_release(&r);
}

Test(init, baseline_path_from_pmat_yaml)
{
    mg_run r;

    new_crate();
    put(".pmat.yaml", "comply:\n  checks:\n    cb-141:\n      options:\n"
                      "        baseline_path: perf/heap.json\n");
    r = run("init", "--write", "--profile", mg_testdata(PROFILE));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[wrote] baseline: perf/heap.json") != NULL, "%s", r.out);
    mg_run_release(&r);
    cr_assert_eq(access(path_in("perf/heap.json"), F_OK), 0);
    cr_assert_eq(comply_score(), 0);
}

Test(init, a_profile_without_heap_metrics_is_refused)
{
    mg_run r;

    new_crate();
    r = run("init", "--profile", mg_testdata("profiles/dhatrs-cachesim-adhoc-debug.json"), NULL);
    cr_assert_eq(r.status, 3, "%d %s", r.status, r.err);
    cr_assert(strstr(r.err, "has no total_allocations_bytes") != NULL, "%s", r.err);
    cr_assert_not(access(path_in(".pmat-metrics"), F_OK) == 0);
    mg_run_release(&r);
}

Test(init, virtual_workspace_needs_a_member)
{
    char *manifest;
    mg_run r;

    project = mg_tempdir();
    put("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n\n"
                      "[workspace.dependencies]\ndhat = \"0.3.3\"\n");
    put("crates/app/Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\n");
    put("crates/app/src/main.rs", "fn main() {}\n");
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "virtual workspace manifest: name the member crate") != NULL, "%s",
              r.err);
    mg_run_release(&r);

    r = run("init", "--write", "--member", "crates/app");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "crates/app/examples/dhat_profile.rs: created") != NULL, "%s", r.out);
    mg_run_release(&r);
    manifest = get("crates/app/Cargo.toml");
    cr_assert(strstr(manifest, "[dev-dependencies]\ndhat = { workspace = true }\n") != NULL, "%s",
              manifest);
    free(manifest);
    r = run5("init", "--member", "crates/app", "--profile", mg_testdata(PROFILE));
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    cr_assert_eq(comply_score(), 0);
}

Test(init, other_profilers_are_not_set_up)
{
    mg_run r;

    new_crate();
    put(".pmat.yaml", "comply: {checks: {cb-141: {options: {profiler: jemalloc}}}}\n");
    r = run("init", NULL, NULL, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "selects profiler 'jemalloc'; memgate init sets up dhat only") != NULL,
              "%s", r.err);
    mg_run_release(&r);
}

Test(init, malformed_manifest)
{
    mg_run r;

    new_crate();
    put("Cargo.toml", "[package]\nname = \"x\"\n[package]\n");
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "Cargo.toml' line 3 column 1: table 'package' is defined twice") !=
                  NULL,
              "%s", r.err);
    mg_run_release(&r);
}

Test(init, help)
{
    const char *argv[] = {"init", "--help", NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "usage: memgate init [OPTIONS] [DIR]") != NULL);
    cr_assert(strstr(r.out, "--force") != NULL);
    mg_run_release(&r);
}

Test(init, the_untouched_example_profile_is_not_a_baseline)
{
    /* the example before any code of the crate is added allocates nothing */
    mg_run r;
    new_crate();
    r = run("init", "--write", "--profile", mg_testdata("runs/vgdhat-threads-empty.json"));
    cr_assert_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "an empty profile (peak_memory_bytes 0, total_allocations_bytes 0, "
                            "allocation_count 0") != NULL,
              "%s", r.err);
    cr_expect(strstr(r.err, "vgdhat-threads-empty.json") != NULL, "%s", r.err);
    mg_run_release(&r);
    cr_expect_neq(access(path_in(".pmat-metrics/memory-baseline.json"), F_OK), 0,
                  "no baseline written");
}

/* ---- debug info for the profiled release build (issue 16 part 8) ---- */

/* An existing [profile.release] gets debug = 1 under its header; its other settings stay. */
Test(init, release_profile_gets_line_tables_without_clobbering)
{
    char *manifest;
    mg_run r;

    new_crate();
    put("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n"
                      "[profile.release] # fast\nopt-level = 3\nlto = true\n");
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[wrote] release debug info: Cargo.toml: added debug = 1 to "
                            "[profile.release]") != NULL,
              "%s", r.out);
    mg_run_release(&r);
    manifest = get("Cargo.toml");
    cr_assert_str_eq(manifest, "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n"
                               "[profile.release] # fast\ndebug = 1\nopt-level = 3\nlto = true\n"
                               "\n[dev-dependencies]\ndhat = \"0.3\"\n"
                               "\n[[example]]\nname = \"dhat_profile\"\n"
                               "path = \"examples/dhat_profile.rs\"\n");
    free(manifest);
}

/* A debug setting the project chose is never overruled: on is [ok], off is a [todo]. */
Test(init, an_existing_debug_setting_is_left_alone)
{
    static const char off[] = "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n"
                              "[profile.release]\ndebug = false\n";
    char *manifest;
    mg_run r;

    new_crate();
    put("Cargo.toml", off);
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[todo]  release debug info: Cargo.toml: line 6: [profile.release] "
                            "turns debug info off") != NULL,
              "%s", r.out);
    mg_run_release(&r);
    manifest = get("Cargo.toml");
    cr_assert(strncmp(manifest, off, sizeof(off) - 1) == 0, "%s", manifest);
    cr_assert_null(strstr(manifest, "debug = 1"), "%s", manifest);
    free(manifest);

    put("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n"
                      "[profile.release]\ndebug = \"line-tables-only\"\n");
    r = run("init", NULL, NULL, NULL);
    cr_assert(strstr(r.out, "[ok]    release debug info: Cargo.toml: line 6: [profile.release] "
                            "sets debug") != NULL,
              "%s", r.out);
    mg_run_release(&r);
}

/* profile.release written as dotted keys cannot take a header: the rest is still done. */
Test(init, a_dotted_release_profile_is_a_todo_not_a_refusal)
{
    char *manifest;
    mg_run r;

    new_crate();
    put("Cargo.toml", "profile.release.lto = true\n[package]\nname = \"x\"\nversion = \"0.1.0\"\n");
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[todo]  release debug info: Cargo.toml: [profile.release] is not a "
                            "table init can add to") != NULL,
              "%s", r.out);
    cr_assert(strstr(r.out, "[wrote] dhat dev-dependency") != NULL, "%s", r.out);
    mg_run_release(&r);
    manifest = get("Cargo.toml");
    cr_assert(strncmp(manifest, "profile.release.lto = true\n", 27) == 0, "%s", manifest);
    free(manifest);
}

/* Cargo reads profiles from the workspace root only: a member's manifest is not edited. */
Test(init, a_workspace_member_gets_a_todo_for_the_root_profile)
{
    char *member;
    mg_run r;

    project = mg_tempdir();
    put("Cargo.toml", "[workspace]\nmembers = [\"crates/app\"]\n");
    put("crates/app/Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\n");
    put("crates/app/src/main.rs", "fn main() {}\n");
    r = run("init", "--write", "--member", "crates/app");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "[todo]  release debug info: Cargo.toml: add line tables to the "
                            "workspace's release profile") != NULL,
              "%s", r.out);
    mg_run_release(&r);
    member = get("crates/app/Cargo.toml");
    cr_assert_null(strstr(member, "[profile"), "%s", member);
    free(member);
}

/*
 * What init leaves in the project: exactly its files and the baseline. The update lock is a
 * flock on the baseline's directory, so there is no lock file (nor a temporary file) for
 * .gitignore to hide, and init writes no .gitignore.
 */
Test(init, leaves_no_lock_or_temporary_file_behind)
{
    char *names;
    mg_run r;
    FILE *ls;
    char cmd[1200], line[512];
    size_t used = 0;

    new_crate();
    r = run("init", "--write", "--profile", mg_testdata(PROFILE));
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    snprintf(cmd, sizeof(cmd), "cd '%s' && find . -mindepth 1 | LC_ALL=C sort", project);
    names = calloc(1, 4096);
    cr_assert_not_null(ls = popen(cmd, "r"));
    while (fgets(line, sizeof(line), ls) && used + strlen(line) < 4096) {
        strcpy(names + used, line);
        used += strlen(line);
    }
    pclose(ls);
    /* the history line is part of recording a baseline (as update-baseline does) */
    cr_assert_str_eq(names, "./.pmat-metrics\n./.pmat-metrics/memory-baseline.json\n"
                            "./.pmat-metrics/memory-history.jsonl\n./Cargo.toml\n./examples\n./"
                            "examples/dhat_profile.rs\n./src\n"
                            "./src/lib.rs\n");
    free(names);
}

/*
 * The manifest init writes is one Cargo accepts: `cargo metadata --no-deps --offline` parses it
 * (the [[example]], [profile.release] debug = 1, the dev-dependency) without fetching dhat.
 * Cargo comes from ci/setup.sh.
 */
Test(init, cargo_accepts_the_written_manifest)
{
    char cmd[1200];
    mg_run r;

    new_crate();
    r = run("init", "--write", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && cargo metadata --no-deps --offline --format-version 1 >/dev/null",
             project);
    cr_assert_eq(system(cmd), 0, "cargo rejected the manifest init wrote: %s", cmd);
}
