/*
 * Rules a one-line edit could break without another test failing (issue 13 #9): who may write
 * the baseline in CI, a failed write to standard output, and what the machine-read reports
 * (OpenMetrics, JUnit) count in a run that only warns.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"
#include "run.h"

#define BASE "profiles/dhatrs-wordfreq-baseline-debug.json"
#define REGRESSED "profiles/dhatrs-wordfreq-regressed-debug.json"

static void enter_tempdir(void)
{
    mg_enter_tempdir();
    cr_assert_eq(mg_spit(".pmat.yaml", "memgate:\n  update:\n    branches: [main]\n"), 0);
}

TestSuite(pinned, .init = enter_tempdir, .fini = mg_leave_tempdir);

static int update(const char *const *env)
{
    const char *argv[] = {"update-baseline", mg_testdata(BASE), NULL};
    mg_run r = mg_run_memgate(argv, env, NULL);
    int status = r.status;
    mg_run_release(&r);
    unlink(".pmat-metrics/memory-baseline.json");
    unlink(".pmat-metrics/memory-history.jsonl");
    return status;
}

/* Every pull_request* event is refused, pull_request_target included (a prefix rule). */
Test(pinned, github_pull_request_target_never_writes_the_baseline)
{
    const char *push[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push",
                          "GITHUB_REF=refs/heads/main", "GITHUB_REF_NAME=main", NULL};
    const char *target[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request_target",
                            "GITHUB_REF=refs/heads/main", "GITHUB_REF_NAME=main", NULL};
    cr_assert_eq(update(push), 0, "the control run (a push to main) must be approved");
    cr_assert_eq(update(target), 2);
}

/* Only a branch ref counts: a tag named like an allowed branch does not. */
Test(pinned, github_only_branch_refs_are_approved)
{
    const char *tag[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push",
                         "GITHUB_REF=refs/tags/main", "GITHUB_REF_NAME=main", NULL};
    cr_assert_eq(update(tag), 2);
}

/* An allowed branch name is the whole name (or a glob), never a prefix: "main" does not allow
   "main-experiment". */
Test(pinned, allowed_branch_is_a_whole_name_not_a_prefix)
{
    const char *gh[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push",
                        "GITHUB_REF=refs/heads/main-experiment", "GITHUB_REF_NAME=main-experiment",
                        NULL};
    const char *gl[] = {"GITLAB_CI=true", "CI_COMMIT_BRANCH=main-experiment",
                        "CI_DEFAULT_BRANCH=main", "CI_PIPELINE_SOURCE=push", NULL};
    cr_assert_eq(update(gh), 2);
    cr_assert_eq(update(gl), 2);
}

/* A merge request pipeline is refused even with a full, otherwise approved environment. */
Test(pinned, gitlab_merge_request_never_writes_the_baseline)
{
    const char *branch[] = {"GITLAB_CI=true", "CI_COMMIT_BRANCH=main", "CI_DEFAULT_BRANCH=main",
                            "CI_PIPELINE_SOURCE=push", NULL};
    const char *mr[] = {"GITLAB_CI=true",         "CI_COMMIT_BRANCH=main",
                        "CI_DEFAULT_BRANCH=main", "CI_PIPELINE_SOURCE=push",
                        "CI_MERGE_REQUEST_IID=5", NULL};
    const char *mr_event[] = {"GITLAB_CI=true", "CI_COMMIT_BRANCH=main", "CI_DEFAULT_BRANCH=main",
                              "CI_PIPELINE_SOURCE=merge_request_event", NULL};
    cr_assert_eq(update(branch), 0, "the control run (a push to main) must be approved");
    cr_assert_eq(update(mr), 2);
    cr_assert_eq(update(mr_event), 2);
}

/* A report that cannot be written to standard output is an error (exit 4), never exit 0. */
Test(pinned, failed_write_to_stdout_exits_non_zero)
{
    char cmd[8192];
    int status;
    snprintf(cmd, sizeof(cmd), "'%s' show '%s' > /dev/full 2>/dev/null", MEMGATE_BIN,
             mg_testdata(BASE));
    status = system(cmd);
    cr_assert(WIFEXITED(status));
    cr_assert_eq(WEXITSTATUS(status), 4, "exit %d", WEXITSTATUS(status));
}

/* Help and version text (printed with stdio, not the report writer) too: checked at exit. */
Test(pinned, failed_write_of_help_or_version_exits_non_zero)
{
    static const char *const args[] = {"--version", "--help", "check --help"};
    for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
        char cmd[8192];
        int status;
        snprintf(cmd, sizeof(cmd), "'%s' %s > /dev/full 2>/dev/null", MEMGATE_BIN, args[i]);
        status = system(cmd);
        cr_assert(WIFEXITED(status));
        cr_expect_eq(WEXITSTATUS(status), 4, "%s: exit %d", args[i], WEXITSTATUS(status));
    }
}

/*
 * A run that only warns: the regressed profile against the baseline with every fail limit and
 * drift budget off, and warn levels of +10% on peak, total and count (all three grew 3-5x).
 */
static mg_run warn_only_check(const char *format)
{
    char base[4200], regressed[4200];
    const char *ub[] = {"update-baseline", base, "--approve", NULL};
    const char *argv[] = {"check",   regressed,    "--limit",  "peak=none", "--limit", "total=none",
                          "--limit", "count=none", "--drift",  "peak=none", "--drift", "total=none",
                          "--drift", "count=none", "--warn",   "peak=+10%", "--warn",  "total=+10%",
                          "--warn",  "count=+10%", "--format", format,      NULL};
    mg_run r;
    snprintf(base, sizeof(base), "%s", mg_testdata(BASE)); /* mg_testdata: one static buffer */
    snprintf(regressed, sizeof(regressed), "%s", mg_testdata(REGRESSED));
    r = mg_run_memgate(ub, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "a warning passes the gate: %s", r.err);
    return r;
}

/* The numbers of a profile, from its independently computed expected.json. */
static json_t *expected(const char *profile)
{
    char path[4200];
    json_error_t jerr;
    json_t *j;
    snprintf(path, sizeof(path), "%s", mg_testdata(profile));
    snprintf(strstr(path, ".json"), 64, ".expected.json");
    j = json_load_file(path, 0, &jerr);
    cr_assert_not_null(j, "%s: %s", path, jerr.text);
    return j;
}

static long long num(json_t *j, const char *key)
{
    json_t *v = json_object_get(j, key);
    cr_assert(json_is_integer(v), "%s", key);
    return (long long)json_integer_value(v);
}

/* Every sample of the OpenMetrics text, exactly: name -> value, and nothing else. */
static void expect_samples(const char *text, json_t *want)
{
    const char *line = text;
    size_t seen = 0;
    while (*line) {
        size_t len = strcspn(line, "\n");
        char name[256];
        long long v;
        if (line[0] != '#') {
            cr_assert_eq(sscanf(line, "%255s %lld", name, &v), 2, "%.*s", (int)len, line);
            cr_expect_not_null(json_object_get(want, name), "unexpected sample %s", name);
            if (json_object_get(want, name))
                cr_expect_eq(v, json_integer_value(json_object_get(want, name)), "%s", name);
            seen++;
        }
        line += len + (line[len] == '\n');
    }
    cr_expect_eq(seen, json_object_size(want), "samples missing:\n%s", text);
}

/* The warnings gauge counts the warned metrics, regressions none; each metric of the baseline
   has its _baseline gauge with the baseline's value. */
Test(pinned, openmetrics_of_a_warn_only_run_counts_warnings_and_shows_the_baseline)
{
    mg_run r = warn_only_check("openmetrics");
    json_t *b = expected(BASE), *c = expected(REGRESSED);
    json_t *want = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:i}",
        "memgate_peak_memory_bytes", num(c, "peak_bytes"), "memgate_peak_blocks",
        num(c, "peak_blocks"), "memgate_total_allocations_bytes", num(c, "total_bytes"),
        "memgate_allocations", num(c, "total_blocks"), "memgate_end_bytes", num(c, "end_bytes"),
        "memgate_end_blocks", num(c, "end_blocks"), "memgate_runtime_us", num(c, "te"),
        "memgate_peak_memory_bytes_baseline", num(b, "peak_bytes"), "memgate_peak_blocks_baseline",
        num(b, "peak_blocks"), "memgate_total_allocations_bytes_baseline", num(b, "total_bytes"),
        "memgate_allocations_baseline", num(b, "total_blocks"), "memgate_end_bytes_baseline",
        num(b, "end_bytes"), "memgate_end_blocks_baseline", num(b, "end_blocks"),
        "memgate_runtime_us_baseline", num(b, "te"), "memgate_regressions", 0, "memgate_warnings",
        3);
    expect_samples(r.out, want);
    cr_expect(strstr(r.out, "\n# EOF\n") != NULL, "%s", r.out);
    json_decref(want);
    json_decref(b);
    json_decref(c);
    mg_run_release(&r);
}

static unsigned count(const char *text, const char *needle)
{
    unsigned n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* JUnit: a warning is no failure (GitLab would show the MR's tests red), but it is reported. */
Test(pinned, junit_of_a_warn_only_run_has_no_failures)
{
    mg_run r = warn_only_check("junit");
    cr_expect(strstr(r.out, "<testsuites name=\"memgate\" tests=\"7\" failures=\"0\" errors=\"0\" "
                            "skipped=\"0\">") != NULL,
              "%s", r.out);
    cr_expect(strstr(r.out, "<testsuite name=\"memgate.default\" tests=\"7\" failures=\"0\" "
                            "errors=\"0\" skipped=\"0\">") != NULL,
              "%s", r.out);
    cr_expect_eq(count(r.out, "<testcase "), 7);
    cr_expect_eq(count(r.out, "<failure"), 0, "%s", r.out);
    cr_expect_eq(count(r.out, "<system-out>warn: "), 3, "%s", r.out);
    cr_expect_eq(count(r.out, "<system-out>ok: "), 4, "%s", r.out);
    mg_run_release(&r);
}

/* The JSON result (what `memgate post` and scripts read): a warn verdict, its summary counting
   three warnings and no failure, each warned row "warn". */
Test(pinned, json_of_a_warn_only_run_counts_warnings_not_failures)
{
    mg_run r = warn_only_check("json");
    json_error_t jerr;
    json_t *j = json_loads(r.out, 0, &jerr), *summary, *row;
    size_t i, warned = 0;
    cr_assert_not_null(j, "%s: %s", jerr.text, r.out);
    cr_expect_str_eq(json_string_value(json_object_get(j, "verdict")), "warn");
    summary = json_object_get(j, "summary");
    cr_expect_eq(json_integer_value(json_object_get(summary, "warn")), 3);
    cr_expect_eq(json_integer_value(json_object_get(summary, "fail")), 0);
    cr_expect_eq(json_integer_value(json_object_get(summary, "drift")), 0);
    json_array_foreach(json_object_get(j, "metrics"), i, row)
    {
        warned += !strcmp(json_string_value(json_object_get(row, "status")), "warn");
    }
    cr_expect_eq(warned, 3);
    json_decref(j);
    mg_run_release(&r);
}
