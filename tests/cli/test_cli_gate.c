/* `memgate check` verdicts and exit codes, and `update-baseline` approval and atomicity. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privilege.h"
#include "run.h"

#define WORDFREQ_BASE "profiles/dhatrs-wordfreq-baseline-debug.json"
#define WORDFREQ_REGRESSED "profiles/dhatrs-wordfreq-regressed-debug.json"
#define WORDFREQ_OPTIMIZED "profiles/dhatrs-wordfreq-optimized-debug.json"

static char base_path[4096];

static mg_run check(const char *profile_rel, const char *const *extra)
{
    const char *argv[24] = {"check", NULL, "--baseline", base_path, "--format", "json"};
    static char profile[4096];
    size_t n = 6;
    snprintf(profile, sizeof(profile), "%s", mg_testdata(profile_rel));
    argv[1] = profile;
    for (; extra && *extra && n < 23; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    return mg_run_memgate(argv, NULL, NULL);
}

static json_t *row(json_t *result, const char *metric)
{
    json_t *rows = json_object_get(result, "metrics"), *r;
    size_t i;
    json_array_foreach(
        rows, i, r) if (!strcmp(json_string_value(json_object_get(r, "metric")), metric)) return r;
    return NULL;
}

static const char *status_of(json_t *result, const char *metric)
{
    json_t *r = row(result, metric);
    return r ? json_string_value(json_object_get(r, "status")) : "(no row)";
}

static void setup_base(void)
{
    snprintf(base_path, sizeof(base_path), "%s", mg_testdata("baselines/wordfreq-baseline.json"));
}

TestSuite(check, .init = setup_base);

Test(check, same_profile_passes)
{
    mg_run r = check(WORDFREQ_BASE, NULL);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(j);
    cr_expect_str_eq(json_string_value(json_object_get(j, "verdict")), "pass");
    cr_expect_str_eq(status_of(j, "peak_memory_bytes"), "ok");
    cr_expect_eq(json_integer_value(json_object_get(row(j, "peak_memory_bytes"), "delta")), 0);
    json_decref(j);
    mg_run_release(&r);
}

Test(check, regression_fails_with_exit_1)
{
    mg_run r = check(WORDFREQ_REGRESSED, NULL);
    json_t *j = json_loads(r.out, 0, NULL);
    json_t *peak;
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_expect_str_eq(json_string_value(json_object_get(j, "verdict")), "fail");
    peak = row(j, "peak_memory_bytes");
    cr_expect_eq(json_integer_value(json_object_get(peak, "baseline")), 3434884);
    cr_expect_eq(json_integer_value(json_object_get(peak, "current")), 18600624);
    cr_expect_eq(json_integer_value(json_object_get(peak, "delta")), 18600624 - 3434884);
    cr_expect_float_eq(json_real_value(json_object_get(peak, "delta_pct")), 441.52, 0.01);
    cr_expect_str_eq(status_of(j, "total_allocations_bytes"), "fail");
    json_decref(j);
    mg_run_release(&r);
}

/*
 * Optimized: much lower total, but a HIGHER peak (+19.7%): a peak gate must
 * catch it, and the lower total is no improvement to lock in next to it.
 */
Test(check, optimized_total_improves_but_peak_regresses)
{
    mg_run r = check(WORDFREQ_OPTIMIZED, NULL);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_expect_str_eq(status_of(j, "peak_memory_bytes"), "fail");
    cr_expect_str_eq(status_of(j, "total_allocations_bytes"), "ok");
    cr_expect_str_eq(status_of(j, "allocation_count"), "ok");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "summary"), "improved")), 0);
    json_decref(j);
    mg_run_release(&r);
}

Test(check, looser_limit_from_flag_passes)
{
    const char *extra[] = {"--limit", "peak=+25%", NULL};
    mg_run r = check(WORDFREQ_OPTIMIZED, extra);
    cr_expect_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

Test(check, absolute_floor_and_relative_must_both_be_exceeded)
{
    /* +19.7% but only 661 KiB: with a 1 MiB absolute floor the peak passes */
    const char *extra[] = {"--limit", "peak=+5%&+1MiB", NULL};
    mg_run r = check(WORDFREQ_OPTIMIZED, extra);
    cr_expect_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

Test(check, ceiling_fails_even_without_growth)
{
    const char *extra[] = {"--max", "peak=3MB", NULL};
    mg_run r = check(WORDFREQ_BASE, extra);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect_str_eq(status_of(j, "peak_memory_bytes"), "fail");
    json_decref(j);
    mg_run_release(&r);
}

Test(check, memory_threshold_env_is_the_spec_ceiling)
{
    const char *argv[] = {"check", mg_testdata(WORDFREQ_BASE), "--baseline", base_path, NULL};
    const char *env[] = {"MEMORY_THRESHOLD=3000000", NULL};
    mg_run r = mg_run_memgate(argv, env, NULL);
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect(strstr(r.out, "FAIL") != NULL, "%s", r.out);
    mg_run_release(&r);
}

Test(check, warn_level_exits_0)
{
    const char *extra[] = {"--limit", "peak=+50%", "--warn", "peak=+5%", NULL};
    mg_run r = check(WORDFREQ_OPTIMIZED, extra);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(status_of(j, "peak_memory_bytes"), "warn");
    cr_expect_str_eq(json_string_value(json_object_get(j, "verdict")), "warn");
    json_decref(j);
    mg_run_release(&r);
}

/* A text summary has no runtime: a baseline that has one shows it absent, not zero. */
Test(check, metric_missing_from_profile_is_absent_not_zero)
{
    char dir_base[4096];
    char *dir = mg_tempdir();
    mg_run r;
    json_t *j, *rt;
    snprintf(dir_base, sizeof(dir_base), "%s/b.json", dir);
    mg_spit(dir_base, "{\"total_allocations_bytes\": 6300564, \"peak_memory_bytes\": 3434884,"
                      " \"allocation_count\": 498233, \"runtime_us\": 2766863}");
    snprintf(base_path, sizeof(base_path), "%s", dir_base);
    r = check("profiles/dhatrs-wordfreq-baseline-debug.stderr.txt", NULL);
    j = json_loads(r.out, 0, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    rt = row(j, "runtime_us");
    cr_assert_not_null(rt);
    cr_expect_str_eq(json_string_value(json_object_get(rt, "status")), "absent");
    cr_expect(json_is_null(json_object_get(rt, "current")));
    json_decref(j);
    mg_run_release(&r);
    /* and the text report says so */
    {
        const char *argv[] = {"check",
                              mg_testdata("profiles/dhatrs-wordfreq-baseline-debug.stderr.txt"),
                              "--baseline", dir_base, NULL};
        r = mg_run_memgate(argv, NULL, NULL);
        cr_expect(strstr(r.out, "absent") && strstr(r.out, "not taken as zero"), "%s", r.out);
        mg_run_release(&r);
    }
    free(dir);
}

Test(check, copy_mode_profile_cannot_pass_by_comparing_nothing)
{
    mg_run r = check("profiles/vgdhat-sort-copy.json", NULL);
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "nothing to compare") != NULL, "%s", r.err);
    mg_run_release(&r);
}

/* ---------------- update-baseline ---------------- */

static char *tmp_baseline(const char *content)
{
    char *dir = mg_tempdir();
    static char path[4096];
    snprintf(path, sizeof(path), "%s/.pmat-metrics/memory-baseline.json", dir);
    if (content) {
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/.pmat-metrics", dir);
        mkdir(sub, 0755);
        mg_spit(path, content);
    }
    free(dir);
    return path;
}

static mg_run update(const char *profile_rel, const char *path, const char *const *extra,
                     const char *const *env)
{
    const char *argv[16] = {"update-baseline", NULL, "--baseline", path};
    static char profile[4096];
    size_t n = 4;
    snprintf(profile, sizeof(profile), "%s", mg_testdata(profile_rel));
    argv[1] = profile;
    for (; extra && *extra; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    return mg_run_memgate(argv, env, NULL);
}

Test(update_baseline, refuses_without_approval_and_writes_nothing)
{
    const char *path = tmp_baseline(NULL);
    mg_run r = update(WORDFREQ_BASE, path, NULL, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "--approve") != NULL, "%s", r.err);
    cr_expect_neq(access(path, F_OK), 0, "baseline written without approval");
    mg_run_release(&r);
}

Test(update_baseline, approve_writes_spec_keys_and_keeps_unknown_keys)
{
    const char *path = tmp_baseline("{\n  \"team_note\": \"reviewed by ops\",\n"
                                    "  \"total_allocations_bytes\": 6300564,\n"
                                    "  \"peak_memory_bytes\": 3434884,\n"
                                    "  \"allocation_count\": 498233\n}\n");
    const char *extra[] = {"--approve", "--commit", "abc12345", NULL};
    mg_run r = update(WORDFREQ_OPTIMIZED, path, extra, NULL);
    json_t *b;
    const char *at;
    cr_assert_eq(r.status, 1, "the optimized run regresses peak: must refuse (%s)", r.err);
    mg_run_release(&r);
    {
        const char *extra2[] = {"--approve", "--commit", "abc12345", "--allow-regression", NULL};
        r = update(WORDFREQ_OPTIMIZED, path, extra2, NULL);
    }
    cr_assert_eq(r.status, 0, "%s", r.err);
    b = json_load_file(path, 0, NULL);
    cr_assert_not_null(b);
    cr_expect_str_eq(json_string_value(json_object_get(b, "team_note")), "reviewed by ops");
    cr_expect_eq(json_integer_value(json_object_get(b, "total_allocations_bytes")), 4684936);
    cr_expect_eq(json_integer_value(json_object_get(b, "peak_memory_bytes")), 4111328);
    cr_expect_eq(json_integer_value(json_object_get(b, "allocation_count")), 57698);
    cr_expect_str_eq(json_string_value(json_object_get(b, "commit")), "abc12345");
    at = json_string_value(json_object_get(b, "measured_at"));
    cr_assert_not_null(at);
    cr_expect_eq(strlen(at), 20, "measured_at '%s' is not YYYY-MM-DDTHH:MM:SSZ", at);
    cr_expect_eq(at[10], 'T');
    cr_expect_eq(at[19], 'Z');
    json_decref(b);
    mg_run_release(&r);
}

/* In a PR job GITHUB_SHA is the merge commit: the recorded commit is the PR head (issue 11). */
Test(update_baseline, a_pull_request_records_the_head_not_the_merge_commit)
{
    const char *path = tmp_baseline(NULL);
    char event[4200], envpath[4300];
    const char *extra[] = {"--approve", NULL};
    mg_run r;
    json_t *b;

    {
        char *d = mg_tempdir();
        snprintf(event, sizeof(event), "%s/event.json", d);
        free(d);
    }
    mg_spit(event, "{\"pull_request\": {\"number\": 7, \"head\": "
                   "{\"sha\": \"1111111111111111111111111111111111111111\"}}}");
    snprintf(envpath, sizeof(envpath), "GITHUB_EVENT_PATH=%s", event);
    {
        const char *env[] = {"GITHUB_ACTIONS=true",
                             "GITHUB_EVENT_NAME=pull_request",
                             "GITHUB_REF=refs/pull/7/merge",
                             "GITHUB_REF_NAME=7/merge",
                             "GITHUB_SHA=2222222222222222222222222222222222222222",
                             envpath,
                             NULL};
        r = update(WORDFREQ_BASE, path, extra, env);
    }
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    b = json_load_file(path, 0, NULL);
    cr_assert_not_null(b);
    cr_expect_str_eq(json_string_value(json_object_get(b, "commit")),
                     "1111111111111111111111111111111111111111");
    json_decref(b);
}

Test(update_baseline, github_default_branch_push_is_approved_pull_request_is_not)
{
    const char *path = tmp_baseline(NULL);
    char event[4200], envpath[4300];
    const char *pr_env[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request",
                            "GITHUB_REF=refs/pull/7/merge", "GITHUB_REF_NAME=7/merge", NULL};
    mg_run r = update(WORDFREQ_BASE, path, NULL, pr_env);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "pull request") != NULL, "%s", r.err);
    mg_run_release(&r);

    {
        char *d = mg_tempdir();
        snprintf(event, sizeof(event), "%s/event.json", d);
        free(d);
    }
    mg_spit(event, "{\"repository\": {\"default_branch\": \"main\"}}");
    snprintf(envpath, sizeof(envpath), "GITHUB_EVENT_PATH=%s", event);
    {
        const char *push_env[] = {"GITHUB_ACTIONS=true",
                                  "GITHUB_EVENT_NAME=push",
                                  "GITHUB_REF=refs/heads/main",
                                  "GITHUB_REF_NAME=main",
                                  "GITHUB_SHA=0123456789abcdef0123456789abcdef01234567",
                                  envpath,
                                  NULL};
        const char *feature_env[] = {"GITHUB_ACTIONS=true",
                                     "GITHUB_EVENT_NAME=push",
                                     "GITHUB_REF=refs/heads/feature",
                                     "GITHUB_REF_NAME=feature",
                                     envpath,
                                     NULL};
        r = update(WORDFREQ_BASE, path, NULL, feature_env);
        cr_expect_eq(r.status, 2, "feature branch must not update: %s", r.err);
        mg_run_release(&r);
        r = update(WORDFREQ_BASE, path, NULL, push_env);
        cr_expect_eq(r.status, 0, "%s", r.err);
        mg_run_release(&r);
    }
    {
        json_t *b = json_load_file(path, 0, NULL);
        cr_assert_not_null(b);
        cr_expect_str_eq(json_string_value(json_object_get(b, "commit")),
                         "0123456789abcdef0123456789abcdef01234567");
        json_decref(b);
    }
}

Test(update_baseline, gitlab_merge_request_refused_default_branch_allowed)
{
    const char *path = tmp_baseline(NULL);
    const char *mr_env[] = {"GITLAB_CI=true", "CI_PIPELINE_SOURCE=merge_request_event",
                            "CI_MERGE_REQUEST_IID=3", "CI_DEFAULT_BRANCH=main", NULL};
    const char *main_env[] = {"GITLAB_CI=true",         "CI_PIPELINE_SOURCE=push",
                              "CI_COMMIT_BRANCH=main",  "CI_DEFAULT_BRANCH=main",
                              "CI_COMMIT_SHA=feedface", NULL};
    mg_run r = update(WORDFREQ_BASE, path, NULL, mr_env);
    cr_expect_eq(r.status, 2, "%s", r.err);
    mg_run_release(&r);
    r = update(WORDFREQ_BASE, path, NULL, main_env);
    cr_expect_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

/* Every way update-baseline can fail leaves the old file byte for byte. */
static void expect_unchanged_after(const char *profile_rel, const char *const *extra,
                                   const char *old_text, int want_status)
{
    const char *path = tmp_baseline(old_text);
    char copy[4096];
    char *now;
    mg_run r;
    snprintf(copy, sizeof(copy), "%s", path);
    r = update(profile_rel, copy, extra, NULL);
    cr_expect_eq(r.status, want_status, "%s: exit %d: %s", profile_rel, r.status, r.err);
    now = mg_slurp(copy, NULL);
    cr_assert_not_null(now);
    cr_expect_str_eq(now, old_text, "baseline changed after a failed update");
    free(now);
    mg_run_release(&r);
}

static const char old_baseline[] = "{\n  \"total_allocations_bytes\": 6300564,\n"
                                   "  \"peak_memory_bytes\": 3434884,\n"
                                   "  \"allocation_count\": 498233,\n"
                                   "  \"commit\": \"old\"\n}\n";

Test(update_baseline, failures_leave_old_baseline_byte_identical)
{
    const char *approve[] = {"--approve", NULL};
    expect_unchanged_after("malformed/truncated-dhat.json", approve, old_baseline, 3);
    expect_unchanged_after("malformed/empty.txt", approve, old_baseline, 3);
    expect_unchanged_after("profiles/does-not-exist.json", approve, old_baseline, 3);
    expect_unchanged_after(WORDFREQ_REGRESSED, approve, old_baseline, 1);
    expect_unchanged_after(WORDFREQ_BASE, NULL, old_baseline, 2);
    /* a malformed old baseline is never overwritten blindly */
    expect_unchanged_after(WORDFREQ_BASE, approve, "{\"peak_memory_bytes\": -1}", 3);
}

Test(update_baseline, unwritable_directory_is_exit_4_and_old_file_intact)
{
    const char *path = tmp_baseline(old_baseline);
    char dir[4096], *now;
    const char *approve[] = {"--approve", NULL};
    mg_run r;
    mg_unprivileged_children(); /* root ignores directory permissions */
    snprintf(dir, sizeof(dir), "%s", path);
    *strrchr(dir, '/') = '\0';
    chmod(dir, 0555);
    r = update(WORDFREQ_BASE, path, approve, NULL);
    chmod(dir, 0755);
    cr_expect_eq(r.status, 4, "%s", r.err);
    now = mg_slurp(path, NULL);
    cr_expect_str_eq(now, old_baseline);
    free(now);
    mg_run_release(&r);
}
