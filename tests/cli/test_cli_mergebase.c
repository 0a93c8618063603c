/*
 * check in a pull/merge request judges by the baseline and limits of the
 * merge base: scripted git repositories (upstream + a CI-like clone) where a
 * PR raises its own baseline or loosens its own limits.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define BASE "profiles/dhatrs-wordfreq-baseline-debug.json"
#define REGRESSED "profiles/dhatrs-wordfreq-regressed-debug.json"

static char *root;

/* A shell command in the current directory; only fixed words and hex SHAs go into it. */
static void sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    cr_assert_eq(system(cmd), 0, "failed: %s", cmd);
}

static void sha_of(const char *rev, char *out, size_t size)
{
    char cmd[256];
    FILE *p;
    snprintf(cmd, sizeof(cmd), "git rev-parse %s", rev);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    cr_assert_not_null(fgets(out, (int)size, p));
    out[strcspn(out, "\n")] = '\0';
    pclose(p);
}

static char prof[4096];
static const char *profile(const char *rel)
{
    snprintf(prof, sizeof(prof), "%s", mg_testdata(rel));
    return prof;
}

static void record(const char *rel)
{
    const char *argv[] = {"update-baseline", profile(rel), "--approve", "--allow-regression", NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

/* upstream: main with baseline B0 (the baseline profile) and limits L0 (peak +10%). */
static void setup(void)
{
    root = mg_tempdir();
    cr_assert_not_null(root);
    cr_assert_eq(chdir(root), 0);
    setenv("GIT_AUTHOR_NAME", "t", 1);
    setenv("GIT_AUTHOR_EMAIL", "t@example.invalid", 1);
    setenv("GIT_COMMITTER_NAME", "t", 1);
    setenv("GIT_COMMITTER_EMAIL", "t@example.invalid", 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    sh("git init -q -b main upstream");
    cr_assert_eq(chdir("upstream"), 0);
    cr_assert_eq(mg_spit(".pmat.yaml", "memgate:\n  limits:\n    peak: +10%\n"), 0);
    record(BASE);
    sh("git add -A && git commit -qm 'B0 and L0'");
    sh("git checkout -qb pr");
}

static void teardown(void)
{
    if (chdir("/") != 0)
        cr_log_warn("could not leave %s", root);
    mg_remove_tempdir(root);
    root = NULL;
}

TestSuite(mergebase, .init = setup, .fini = teardown);

/* Commit the PR on upstream, then check out a shallow CI clone of it (depth 1: no main). */
static void ci_clone(void)
{
    sh("git commit -qam 'PR'");
    cr_assert_eq(chdir(".."), 0);
    sh("git clone -q --depth 1 --branch pr file://\"$PWD/upstream\" ci");
    cr_assert_eq(chdir("ci"), 0);
}

static json_t *check(const char *rel, const char *const *env, const char *const *extra, int *status,
                     char **err_out)
{
    const char *argv[16] = {"check", profile(rel), "--format", "json"};
    size_t n = 4;
    mg_run r;
    json_t *j;
    for (; extra && *extra; extra++)
        argv[n++] = *extra;
    r = mg_run_memgate(argv, env, NULL);
    *status = r.status;
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "no JSON (exit %d): %s", r.status, r.err);
    if (err_out)
        *err_out = strdup(r.err);
    mg_run_release(&r);
    return j;
}

/* The lines of the notice of this kind, joined by newlines ("" when there is none). */
static void notice(json_t *j, const char *kind, char *out, size_t size)
{
    json_t *n, *line;
    size_t i, k;
    out[0] = '\0';
    json_array_foreach(json_object_get(j, "notices"), i, n)
    {
        if (strcmp(json_string_value(json_object_get(n, "kind")), kind) != 0)
            continue;
        snprintf(out, size, "%s\n", json_string_value(json_object_get(n, "title")));
        json_array_foreach(json_object_get(n, "lines"), k, line)
        {
            size_t used = strlen(out);
            snprintf(out + used, size - used, "%s\n", json_string_value(line));
        }
    }
}

static const char *str(json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "(null)";
}

Test(mergebase, pr_raising_its_own_baseline_fails_against_the_merge_base_github)
{
    const char *gh[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request",
                        "GITHUB_BASE_REF=main", NULL};
    char text[4096];
    int status;
    json_t *j;

    record(REGRESSED); /* the PR raises the baseline to pass its regressed profile */
    ci_clone();

    /* outside a PR pipeline the raised baseline is what check sees: it passes */
    j = check(REGRESSED, NULL, NULL, &status, NULL);
    cr_expect_eq(status, 0);
    cr_expect_str_eq(str(j, "verdict"), "pass");
    json_decref(j);

    j = check(REGRESSED, gh, NULL, &status, NULL);
    cr_expect_eq(status, 1, "judged by B0 the regression fails");
    cr_expect_str_eq(str(j, "verdict"), "fail");
    cr_expect_str_eq(str(j, "status"), "fail");
    cr_expect(json_is_true(json_object_get(j, "needs_review")));
    notice(j, "baseline_change", text, sizeof(text));
    cr_expect(strstr(text, "this PR changes the baseline") != NULL, "%s", text);
    cr_expect(strstr(text, "peak_memory_bytes 3.28 MiB → 17.7 MiB (+442%)") != NULL, "%s", text);
    {
        /* the merge base's peak: the baseline profile's, as computed independently */
        json_t *want = json_load_file(mg_testdata("profiles/dhatrs-wordfreq-baseline-debug."
                                                  "expected.json"),
                                      0, NULL);
        cr_assert_not_null(want);
        cr_expect_eq(
            json_integer_value(json_object_get(
                json_object_get(json_object_get(j, "baseline"), "metrics"), "peak_memory_bytes")),
            json_integer_value(json_object_get(want, "peak_bytes")));
        json_decref(want);
    }
    json_decref(j);
}

Test(mergebase, pr_loosening_its_own_limits_fails_against_the_merge_base_gitlab)
{
    char sha[64], env_sha[128], text[4096];
    const char *gl[] = {"GITLAB_CI=true", "CI_MERGE_REQUEST_IID=4", env_sha, NULL};
    int status;
    json_t *j;

    sha_of("main", sha, sizeof(sha));
    snprintf(env_sha, sizeof(env_sha), "CI_MERGE_REQUEST_DIFF_BASE_SHA=%s", sha);
    cr_assert_eq(mg_spit(".pmat.yaml", "memgate:\n  limits:\n    peak: +500%\n"
                                       "    total: +600%\n    count: +300%\n"
                                       "  drift:\n    severity: warn\n"),
                 0);
    ci_clone(); /* depth 1: the merge base is fetched */

    j = check(REGRESSED, NULL, NULL, &status, NULL);
    cr_expect_eq(status, 0, "the loosened limits pass it outside an MR pipeline");
    json_decref(j);

    j = check(REGRESSED, gl, NULL, &status, NULL);
    cr_expect_eq(status, 1);
    cr_expect_str_eq(str(j, "verdict"), "fail");
    notice(j, "limits_change", text, sizeof(text));
    cr_expect(strstr(text, "loosens the peak_memory_bytes fail limit +10% → +500%") != NULL, "%s",
              text);
    cr_expect(strstr(text, "loosens the total_allocations_bytes fail limit") != NULL, "%s", text);
    notice(j, "baseline_change", text, sizeof(text));
    cr_expect_str_eq(text, "", "the baseline itself is unchanged");
    json_decref(j);
}

Test(mergebase, a_harmless_change_needs_review_and_can_be_required)
{
    const char *gh[] = {"GITHUB_BASE_REF=main", NULL};
    const char *req[] = {"--require-review", NULL};
    const char *req_ok[] = {"--require-review", "--accept", "lowered after the arena change", NULL};
    int status;
    json_t *j;

    char text[4096];
    /* the PR tightens its limits; its profile passes L0 anyway */
    cr_assert_eq(mg_spit(".pmat.yaml", "memgate:\n  limits:\n    peak: +5%\n"), 0);
    ci_clone();
    j = check(BASE, gh, NULL, &status, NULL);
    cr_expect_eq(status, 0);
    cr_expect_str_eq(str(j, "status"), "needs_review");
    cr_expect_str_eq(str(j, "verdict"), "warn");
    notice(j, "limits_change", text, sizeof(text));
    cr_expect(strstr(text, "tightens the peak_memory_bytes fail limit +10% → +5%") != NULL, "%s",
              text);
    json_decref(j);

    j = check(BASE, gh, req, &status, NULL);
    cr_expect_eq(status, 1, "--require-review fails it until reviewed");
    cr_expect_str_eq(str(j, "status"), "needs_review");
    json_decref(j);

    j = check(BASE, gh, req_ok, &status, NULL);
    cr_expect_eq(status, 0, "a reviewed exception satisfies it");
    json_decref(j);
}

Test(mergebase, text_and_markdown_name_the_change)
{
    const char *gh[] = {"GITHUB_BASE_REF=main", NULL};
    const char *argv[] = {"check",    profile(REGRESSED), "--format", "text",
                          "--format", "markdown",         NULL};
    mg_run r;
    record(REGRESSED);
    ci_clone();
    r = mg_run_memgate(argv, gh, NULL);
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect(strstr(r.out, "memgate: FAIL - 3 metrics regressed past the limit of the merge "
                            "base") != NULL,
              "%s", r.out);
    cr_expect(strstr(r.out, "- peak_memory_bytes 3.28 MiB → 17.7 MiB (+442%)") != NULL, "%s",
              r.out);
    cr_expect(strstr(r.out, "> **this PR changes the baseline; the verdict uses the merge "
                            "base") != NULL,
              "%s", r.out);
    mg_run_release(&r);
}

Test(mergebase, off_with_none_and_a_clear_error_without_the_commit)
{
    const char *gh[] = {"GITHUB_BASE_REF=main", NULL};
    const char *none[] = {"--baseline-ref", "none", NULL};
    const char *bad[] = {"CI_MERGE_REQUEST_DIFF_BASE_SHA=0123456789abcdef0123456789abcdef01234567",
                         NULL};
    char *err = NULL;
    int status;
    json_t *j;

    record(REGRESSED);
    ci_clone();
    j = check(REGRESSED, gh, none, &status, NULL);
    cr_expect_eq(status, 0, "--baseline-ref none: the PR's own files");
    json_decref(j);

    {
        const char *argv[] = {"check", profile(REGRESSED), NULL};
        mg_run r = mg_run_memgate(argv, bad, NULL);
        cr_expect_eq(r.status, 3, "%s", r.err);
        cr_expect(strstr(r.err, "merge base 0123456789ab is not in this checkout") != NULL, "%s",
                  r.err);
        cr_expect(strstr(r.err, "fetch-depth: 0") != NULL, "%s", r.err);
        mg_run_release(&r);
    }
    free(err);
}

Test(mergebase, a_pr_switching_to_a_learned_limit_is_named_as_such)
{
    const char *ref[] = {"--baseline-ref", "main", NULL};
    char text[4096];
    int status;
    json_t *j;

    /* a fixed limit replaced by a learned one: neither is plainly looser */
    cr_assert_eq(mg_spit(".pmat.yaml", "memgate:\n  limits:\n    peak: 3sigma\n"), 0);
    sh("git commit -qam 'learn the peak limit'");
    j = check(BASE, NULL, ref, &status, NULL);
    notice(j, "limits_change", text, sizeof(text));
    cr_expect(strstr(text, "changes the peak_memory_bytes fail limit +10% → 3sigma") != NULL, "%s",
              text);
    json_decref(j);

    /* main learns with 3sigma; a PR that widens it to 6sigma loosens it */
    sh("git checkout -q main && git merge -q --ff-only pr && git checkout -q pr");
    cr_assert_eq(mg_spit(".pmat.yaml", "memgate:\n  limits:\n    peak: 6sigma\n"), 0);
    sh("git commit -qam 'widen it'");
    j = check(BASE, NULL, ref, &status, NULL);
    notice(j, "limits_change", text, sizeof(text));
    cr_expect(strstr(text, "loosens the peak_memory_bytes fail limit 3sigma → 6sigma") != NULL,
              "%s", text);
    json_decref(j);
}
