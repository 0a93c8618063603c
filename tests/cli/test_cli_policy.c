/* CLI: configuration precedence and errors, --explain, workloads, missing baselines, exceptions,
 * drift. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "run.h"

#define BASE "profiles/dhatrs-wordfreq-baseline-debug.json"
#define REGRESSED "profiles/dhatrs-wordfreq-regressed-debug.json"
#define OPTIMIZED "profiles/dhatrs-wordfreq-optimized-debug.json"
#define PIPE_BASE "profiles/dhatrs-pipeline-baseline-debug.json"
#define PIPE_REGRESSED "profiles/dhatrs-pipeline-regressed-debug.json"

/* Every test runs in a fresh directory, like a checkout with .pmat.yaml at its root. */
TestSuite(cli_config, .init = mg_enter_tempdir, .fini = mg_leave_tempdir);
TestSuite(cli_missing, .init = mg_enter_tempdir, .fini = mg_leave_tempdir);
TestSuite(cli_accept, .init = mg_enter_tempdir, .fini = mg_leave_tempdir);
TestSuite(cli_drift, .init = mg_enter_tempdir, .fini = mg_leave_tempdir);
TestSuite(cli_workloads, .init = mg_enter_tempdir, .fini = mg_leave_tempdir);

static mg_run run(const char *const *argv, const char *const *env)
{
    return mg_run_memgate(argv, env, NULL);
}

/* Record a first baseline (default workload unless wl), approved, with a fixed clock. */
static void record(const char *profile_rel, const char *wl, const char *commit)
{
    const char *argv[12] = {
        "update-baseline",   mg_testdata(profile_rel), "--approve", "--commit", commit,
        "--allow-regression"};
    const char *env[] = {"SOURCE_DATE_EPOCH=1767225600", NULL};
    size_t n = 6;
    mg_run r;
    if (wl) {
        argv[n++] = "--workload";
        argv[n++] = wl;
    }
    argv[n] = NULL;
    r = run(argv, env);
    cr_assert_eq(r.status, 0, "update-baseline: %s", r.err);
    mg_run_release(&r);
}

static json_t *json_out(const mg_run *r)
{
    json_error_t je;
    json_t *j = json_loads(r->out, 0, &je);
    cr_assert_not_null(j, "not JSON (%s): %s\nstderr: %s", je.text, r->out, r->err);
    return j;
}

static json_t *row(json_t *result, const char *metric)
{
    json_t *rows = json_object_get(result, "metrics"), *r;
    size_t i;
    json_array_foreach(rows, i, r)
    {
        if (!strcmp(json_string_value(json_object_get(r, "metric")), metric))
            return r;
    }
    return NULL;
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "(null)";
}

/* ---- precedence: defaults < .pmat.yaml < MEMORY_THRESHOLD < flags ---- */

Test(cli_config, precedence_defaults_config_env_flags)
{
    const char *plain[] = {"check", mg_testdata(OPTIMIZED), NULL};
    const char *env_ceiling[] = {"MEMORY_THRESHOLD=4000000", NULL};
    const char *with_flag[] = {"check", mg_testdata(OPTIMIZED), "--max", "peak=5MB", NULL};
    mg_run r;

    record(BASE, NULL, "aaaa1111");
    /* defaults: the optimized run's peak is +19.7%, past +10% */
    r = run(plain, NULL);
    cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
    mg_run_release(&r);
    /* .pmat.yaml loosens peak to +25% */
    mg_spit(".pmat.yaml", "memgate:\n  limits:\n    peak: +25%\n");
    r = run(plain, NULL);
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    mg_run_release(&r);
    /* MEMORY_THRESHOLD (the spec's ceiling) comes over the file */
    r = run(plain, env_ceiling);
    cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "above the fail ceiling") != NULL, "%s", r.out);
    mg_run_release(&r);
    /* and a flag over both */
    r = run(with_flag, env_ceiling);
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    mg_run_release(&r);
}

Test(cli_config, explain_names_every_source)
{
    const char *argv[] = {"check", "--explain", "--max", "peak=5MB", "--warn", "total=+1%", NULL};
    const char *env[] = {"MEMORY_THRESHOLD=4000000", NULL};
    mg_run r;
    char *line;
    mg_spit(".pmat.yaml", "memgate:\n  improvement: 3%\n  limits:\n    peak: +25%\n"
                          "    count: {increase: 3%, severity: warn}\n");
    r = run(argv, env);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, ".pmat.yaml:4:11 memgate.limits.peak") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "--max peak=5MB") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "--warn total=+1%") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, ".pmat.yaml:2:16 memgate.improvement") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, ".pmat.yaml:5:12 memgate.limits.count") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, ".pmat.yaml:5:37 memgate.limits.count") != NULL, "severity: %s", r.out);
    cr_expect(strstr(r.out, "built-in default") != NULL, "%s", r.out);
    /* MEMORY_THRESHOLD was replaced by the flag: the flag is what is in force */
    cr_expect(strstr(r.out, "MEMORY_THRESHOLD=4000000") == NULL, "%s", r.out);
    for (line = r.out; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0))
        cr_expect_leq(strcspn(line, "\n"), 80, "longer than 80 columns: %.*s",
                      (int)strcspn(line, "\n"), line);
    mg_run_release(&r);
}

Test(cli_config, bad_config_is_exit_2_with_file_line_column)
{
    const char *argv[] = {"check", mg_testdata(BASE), NULL};
    const char *explain[] = {"check", "--explain", NULL};
    const char *ub[] = {"update-baseline", mg_testdata(BASE), "--approve", NULL};
    mg_run r;
    record(BASE, NULL, "aaaa1111");
    mg_spit(".pmat.yaml", "memgate:\n  limits:\n    peak:\n      increse: 5%\n");
    r = run(argv, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "'.pmat.yaml' line 4 column 7: memgate.limits.peak: unknown key "
                            "'increse' (did you mean 'increase'?)") != NULL,
              "%s", r.err);
    mg_run_release(&r);
    r = run(explain, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    mg_run_release(&r);
    /* update-baseline reads the same file and refuses the same way, writing nothing */
    r = run(ub, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    mg_run_release(&r);
    mg_spit(".pmat.yaml", "memgate:\n  limits:\n    peak: +5 %\n");
    r = run(argv, NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "line 3 column 11") != NULL, "%s", r.err);
    mg_run_release(&r);
}

Test(cli_config, config_flag_must_exist_and_no_config_ignores_the_file)
{
    const char *missing[] = {"check", "--explain", "--config", "nope.yaml", NULL};
    const char *ignore[] = {"check", mg_testdata(BASE), "--no-config", NULL};
    mg_run r;
    record(BASE, NULL, "aaaa1111");
    r = run(missing, NULL);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "nope.yaml") != NULL, "%s", r.err);
    mg_run_release(&r);
    mg_spit(".pmat.yaml", "memgate:\n  bogus: 1\n");
    r = run(ignore, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

Test(cli_config, baseline_path_from_cb141)
{
    const char *ub[] = {"update-baseline", mg_testdata(BASE), "--approve", NULL};
    const char *check[] = {"check", mg_testdata(BASE), NULL};
    mg_run r;
    mg_spit(".pmat.yaml", "comply:\n  checks:\n    cb-141:\n      options:\n"
                          "        baseline_path: perf/mem.json\n");
    r = run(ub, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    cr_expect_eq(access("perf/mem.json", F_OK), 0, "written where cb-141 says");
    cr_expect_eq(access("perf/memory-history.jsonl", F_OK), 0, "history beside it");
    r = run(check, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "perf/mem.json") != NULL, "%s", r.out);
    mg_run_release(&r);
}

/* ---- workloads ---- */

Test(cli_workloads, each_workload_has_its_baseline_and_limits)
{
    const char *wf[] = {
        "check", mg_testdata(REGRESSED), "--workload", "wordfreq", "--format", "json", NULL};
    const char *pipe[] = {
        "check", mg_testdata(PIPE_REGRESSED), "--workload", "pipeline", "--format", "json", NULL};
    const char *unknown[] = {"check", mg_testdata(BASE), "--workload", "nope", NULL};
    mg_run r;
    json_t *j, *b;

    record(BASE, "wordfreq", "aaaa1111");
    record(PIPE_BASE, "pipeline", "aaaa1111");
    b = json_load_file(".pmat-metrics/memory-baseline.json", 0, NULL);
    cr_assert_not_null(b);
    cr_expect_eq(
        json_integer_value(json_object_get(
            json_object_get(json_object_get(b, "workloads"), "pipeline"), "peak_memory_bytes")),
        19113802);
    cr_expect_null(json_object_get(b, "peak_memory_bytes"), "the default workload stays empty");
    json_decref(b);
    /* pipeline regressed on total (+26.9%) and count (+8.1%) while its peak dropped (-25.1%);
       the drift budget (default total +10%) bounds a single step too, so it moves with it */
    mg_spit(".pmat.yaml", "memgate:\n  workloads:\n    pipeline:\n      limits:\n"
                          "        total: +30%\n        count: +10%\n"
                          "      drift:\n        budget: {total: +30%}\n");
    r = run(pipe, NULL);
    j = json_out(&r);
    cr_expect_eq(r.status, 0, "the workload's own +30%% lets +26.9%% pass: %s", r.err);
    cr_expect_str_eq(str(j, "workload"), "pipeline");
    cr_expect_str_eq(str(row(j, "total_allocations_bytes"), "status"), "ok");
    json_decref(j);
    mg_run_release(&r);
    r = run(wf, NULL);
    j = json_out(&r);
    cr_expect_eq(r.status, 1, "wordfreq keeps the global limits");
    cr_expect_str_eq(str(row(j, "total_allocations_bytes"), "status"), "fail");
    json_decref(j);
    mg_run_release(&r);
    r = run(unknown, NULL);
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "no workload 'nope'") != NULL, "%s", r.err);
    mg_run_release(&r);
    {
        const char *typo[] = {"check", mg_testdata(BASE), "--workload", "pipelin", NULL};
        r = run(typo, NULL);
        cr_expect_eq(r.status, 3, "%s", r.err);
        cr_expect(strstr(r.err, "no workload 'pipelin' in the baseline (did you mean "
                                "'pipeline'?)") != NULL,
                  "%s", r.err);
        mg_run_release(&r);
    }
}

Test(cli_workloads, json_lists_the_top_hotspots_only)
{
    const char *argv[] = {"check", mg_testdata(PIPE_REGRESSED), "--format", "json", "--top", "3",
                          NULL};
    mg_run r;
    json_t *j;
    record(PIPE_BASE, NULL, "aaaa1111");
    r = run(argv, NULL);
    j = json_out(&r);
    cr_expect_eq(json_array_size(json_object_get(json_object_get(j, "profile"), "hotspots")), 3);
    cr_expect_gt(json_array_size(json_object_get(j, "hotspot_changes")), 0);
    json_decref(j);
    mg_run_release(&r);
}

/* ---- missing baseline ---- */

static mg_run check_missing(const char *policy, const char *const *env)
{
    const char *argv[] = {
        "check", mg_testdata(BASE), "--missing-baseline", policy, "--format", "json", NULL};
    return run(argv, env);
}

Test(cli_missing, fail_is_the_default_and_exits_3)
{
    const char *argv[] = {"check", mg_testdata(BASE), NULL};
    mg_run r = run(argv, NULL);
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "--missing-baseline") != NULL, "says how to choose: %s", r.err);
    mg_run_release(&r);
}

Test(cli_missing, warn_and_pass)
{
    mg_run r = check_missing("warn", NULL);
    json_t *j = json_out(&r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(str(j, "verdict"), "warn");
    cr_expect(json_is_true(json_object_get(j, "no_baseline")));
    json_decref(j);
    mg_run_release(&r);
    r = check_missing("pass", NULL);
    j = json_out(&r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(str(j, "verdict"), "pass");
    json_decref(j);
    mg_run_release(&r);
    cr_expect_neq(access(".pmat-metrics/memory-baseline.json", F_OK), 0, "nothing written");
}

Test(cli_missing, bootstrap_writes_only_where_approved)
{
    const char *pr[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request", NULL};
    const char *gl_main[] = {"GITLAB_CI=true",         "CI_PIPELINE_SOURCE=push",
                             "CI_COMMIT_BRANCH=main",  "CI_DEFAULT_BRANCH=main",
                             "CI_COMMIT_SHA=feedface", NULL};
    mg_run r = check_missing("bootstrap", pr);
    json_t *j = json_out(&r), *b;
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(str(j, "verdict"), "warn");
    cr_expect(strstr(str(j, "note"), "not written") != NULL, "%s", str(j, "note"));
    cr_expect_neq(access(".pmat-metrics/memory-baseline.json", F_OK), 0, "PR: nothing written");
    json_decref(j);
    mg_run_release(&r);
    /* the same in config, run on the default branch: the first baseline is written */
    mg_spit(".pmat.yaml", "memgate:\n  missing_baseline: bootstrap\n");
    {
        const char *argv[] = {"check", mg_testdata(BASE), "--format", "json", NULL};
        r = run(argv, gl_main);
    }
    j = json_out(&r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(str(j, "note"), "wrote the first baseline") != NULL, "%s", str(j, "note"));
    cr_expect_str_eq(str(j, "verdict"), "pass", "written: this run is the baseline now");
    json_decref(j);
    mg_run_release(&r);
    b = json_load_file(".pmat-metrics/memory-baseline.json", 0, NULL);
    cr_assert_not_null(b);
    cr_expect_eq(json_integer_value(json_object_get(b, "peak_memory_bytes")), 3434884);
    cr_expect_str_eq(str(b, "commit"), "feedface");
    json_decref(b);
}

/* ---- reviewed exceptions ---- */

static void expect_accepted(const mg_run *r, const char *reason, const char *source)
{
    json_t *j = json_out(r), *acc;
    cr_expect_eq(r->status, 0, "an accepted regression passes: %s", r->err);
    cr_expect_str_eq(str(j, "verdict"), "pass");
    cr_expect_str_eq(str(row(j, "peak_memory_bytes"), "status"), "accepted");
    cr_expect(strstr(str(row(j, "peak_memory_bytes"), "reason"), reason) != NULL,
              "the row repeats the reason: %s", str(row(j, "peak_memory_bytes"), "reason"));
    acc = json_object_get(j, "accepted");
    cr_expect_str_eq(str(acc, "reason"), reason);
    cr_expect(strstr(str(acc, "source"), source) != NULL, "%s", str(acc, "source"));
    json_decref(j);
}

Test(cli_accept, flag_env_and_every_report_carry_the_reason)
{
    const char *flag[] = {
        "check", mg_testdata(REGRESSED), "--accept", "ops: new cache (JIRA-7)", "--format", "json",
        NULL};
    const char *plain[] = {"check", mg_testdata(REGRESSED), "--format", "json", NULL};
    const char *env[] = {"MEMGATE_ACCEPT=perf team sign-off", NULL};
    const char *fmts[] = {"text", "markdown", "junit"};
    mg_run r;
    size_t i;
    record(BASE, NULL, "aaaa1111");
    r = run(flag, NULL);
    expect_accepted(&r, "ops: new cache (JIRA-7)", "--accept");
    mg_run_release(&r);
    r = run(plain, env);
    expect_accepted(&r, "perf team sign-off", "MEMGATE_ACCEPT");
    mg_run_release(&r);
    for (i = 0; i < 3; i++) {
        const char *argv[] = {"check",    mg_testdata(REGRESSED),
                              "--accept", "ops: new cache (JIRA-7)",
                              "--format", fmts[i],
                              NULL};
        r = run(argv, NULL);
        cr_expect_eq(r.status, 0);
        cr_expect(strstr(r.out, "new cache (JIRA-7)") != NULL, "%s report: %s", fmts[i], r.out);
        mg_run_release(&r);
    }
}

Test(cli_accept, commit_trailer_from_git_log)
{
    const char *plain[] = {"check", mg_testdata(REGRESSED), "--format", "json", NULL};
    mg_run r;
    if (system("git --version >/dev/null 2>&1") != 0)
        cr_skip_test("git is not installed");
    record(BASE, NULL, "aaaa1111");
    cr_assert_eq(system("git init -q . && git -c user.name=t -c user.email=t@example.com commit "
                        "-q --allow-empty -m 'Cache word counts' -m 'Longer text.' "
                        "-m 'Memgate-Accept: reviewed by @ops, peak +441% is the cache' "
                        ">/dev/null 2>&1"),
                 0);
    r = run(plain, NULL);
    expect_accepted(&r, "reviewed by @ops, peak +441% is the cache", "Memgate-Accept");
    mg_run_release(&r);
    /* a custom trailer key from the configuration; the default key no longer counts */
    mg_spit(".pmat.yaml", "memgate:\n  accept:\n    trailer: Perf-Accept\n");
    r = run(plain, NULL);
    cr_expect_eq(r.status, 1, "%s", r.out);
    mg_run_release(&r);
    mg_spit(".pmat.yaml", "memgate:\n  accept:\n    allowed: false\n");
    {
        const char *flag[] = {"check", mg_testdata(REGRESSED), "--accept", "x", NULL};
        r = run(flag, NULL);
        cr_expect_eq(r.status, 2, "--accept while exceptions are disabled: %s", r.err);
        mg_run_release(&r);
    }
}

Test(cli_accept, pull_request_label)
{
    const char *plain[] = {"check", mg_testdata(REGRESSED), "--format", "json", NULL};
    char event[4200], envpath[4300];
    mg_run r;
    record(BASE, NULL, "aaaa1111");
    snprintf(event, sizeof(event), "%s/event.json", mg_workdir());
    mg_spit(event, "{\"pull_request\": {\"number\": 42, \"labels\": [{\"name\": \"bug\"}, "
                   "{\"name\": \"memgate-accept\"}]}}");
    snprintf(envpath, sizeof(envpath), "GITHUB_EVENT_PATH=%s", event);
    {
        const char *env[] = {"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request", envpath,
                             NULL};
        r = run(plain, env);
    }
    expect_accepted(&r, "label 'memgate-accept' on pull request #42", "label");
    mg_run_release(&r);
    {
        const char *env[] = {"GITLAB_CI=true", "CI_MERGE_REQUEST_IID=9",
                             "CI_MERGE_REQUEST_LABELS=perf,memgate-accept", NULL};
        r = run(plain, env);
    }
    expect_accepted(&r, "label 'memgate-accept' on merge request !9", "label");
    mg_run_release(&r);
}

Test(cli_accept, update_baseline_records_an_accepted_regression)
{
    const char *ub[] = {"update-baseline", mg_testdata(REGRESSED),    "--approve",
                        "--accept",        "ops: new cache (JIRA-7)", NULL};
    const char *refused[] = {"update-baseline", mg_testdata(REGRESSED), "--approve", NULL};
    mg_run r;
    json_t *b;
    char *hist;
    record(BASE, NULL, "aaaa1111");
    r = run(refused, NULL);
    cr_expect_eq(r.status, 1, "a regression without an exception is refused: %s", r.err);
    mg_run_release(&r);
    r = run(ub, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    b = json_load_file(".pmat-metrics/memory-baseline.json", 0, NULL);
    cr_expect_str_eq(str(b, "accepted"), "ops: new cache (JIRA-7)");
    cr_expect_eq(json_integer_value(json_object_get(b, "peak_memory_bytes")), 18600624);
    json_decref(b);
    hist = mg_slurp(".pmat-metrics/memory-history.jsonl", NULL);
    cr_expect(strstr(hist, "\"anchor\":true,\"accepted\":\"ops: new cache (JIRA-7)\"") != NULL,
              "a reviewed regression becomes the drift anchor: %s", hist);
    free(hist);
    /* so the next run of the same code passes, instead of failing the drift budget forever */
    {
        const char *again[] = {"check", mg_testdata(REGRESSED), NULL};
        r = run(again, NULL);
        cr_expect_eq(r.status, 0, "%s", r.out);
        mg_run_release(&r);
    }
}

/* ---- drift against the anchor ---- */

static void write_history_baseline(const char *peaks[], size_t n)
{
    FILE *h;
    size_t i;
    mkdir(".pmat-metrics", 0755);
    h = fopen(".pmat-metrics/memory-history.jsonl", "w");
    for (i = 0; i < n; i++)
        fprintf(h,
                "{\"workload\":\"default\",\"commit\":\"c%zu000000\",\"measured_at\":"
                "\"2026-01-0%zuT00:00:00Z\",\"peak_memory_bytes\":%s,"
                "\"total_allocations_bytes\":6300564,\"allocation_count\":498233}\n",
                i, i + 1, peaks[i]);
    fclose(h);
    {
        char text[512];
        snprintf(text, sizeof(text),
                 "{\"peak_memory_bytes\": %s, \"total_allocations_bytes\": "
                 "6300564, \"allocation_count\": 498233, \"commit\": \"c%zu000000\"}",
                 peaks[n - 1], n - 1);
        mg_spit(".pmat-metrics/memory-baseline.json", text);
    }
}

Test(cli_drift, steps_within_the_limit_that_add_up_fail)
{
    /* each step +8% (within +10%), but 3,434,884 now is +41% on the 2,430,000 anchor */
    const char *peaks[] = {"2430000", "2624400", "2834352", "3061100", "3250000"};
    const char *argv[] = {"check", mg_testdata(BASE), "--format", "json", NULL};
    const char *pinned[] = {"check",    mg_testdata(BASE), "--format", "json",
                            "--anchor", "c3000000",        NULL};
    mg_run r;
    json_t *j, *peak, *drift;
    write_history_baseline(peaks, 5);
    r = run(argv, NULL);
    j = json_out(&r);
    cr_expect_eq(r.status, 1, "%s", r.err);
    peak = row(j, "peak_memory_bytes");
    cr_expect_str_eq(str(peak, "status"), "fail");
    drift = json_object_get(peak, "drift");
    cr_expect_eq(json_integer_value(json_object_get(drift, "anchor")), 2430000);
    cr_expect(json_is_true(json_object_get(drift, "over")));
    cr_expect(strstr(str(peak, "reason"), "since the anchor c0000000") != NULL, "%s",
              str(peak, "reason"));
    cr_expect(strstr(str(j, "anchor"), "c0000000") != NULL);
    json_decref(j);
    mg_run_release(&r);
    /* a pinned anchor closer by: +12% is within the +25% budget */
    r = run(pinned, NULL);
    cr_expect_eq(r.status, 0, "%s %s", r.out, r.err);
    mg_run_release(&r);
}

Test(cli_drift, pin_anchor_and_warn_severity)
{
    const char *peaks[] = {"2430000", "3250000"};
    const char *argv[] = {"check", mg_testdata(BASE), "--format", "json", NULL};
    const char *pin[] = {"update-baseline", mg_testdata(BASE), "--approve", "--pin-anchor", NULL};
    mg_run r;
    json_t *j;
    write_history_baseline(peaks, 2);
    mg_spit(".pmat.yaml", "memgate:\n  drift:\n    severity: warn\n");
    r = run(argv, NULL);
    j = json_out(&r);
    cr_expect_eq(r.status, 0, "drift only warns: %s", r.err);
    cr_expect_str_eq(str(j, "verdict"), "warn");
    json_decref(j);
    mg_run_release(&r);
    /* a reviewed re-baseline pins the anchor: the drift is forgiven from here on */
    r = run(pin, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    r = run(argv, NULL);
    j = json_out(&r);
    cr_expect_str_eq(str(j, "verdict"), "pass", "%s", r.out);
    json_decref(j);
    mg_run_release(&r);
}

Test(cli_drift, malformed_history_is_exit_3_with_line)
{
    const char *argv[] = {"check", mg_testdata(BASE), NULL};
    mg_run r;
    record(BASE, NULL, "aaaa1111");
    mg_spit(".pmat-metrics/memory-history.jsonl", "{\"workload\":\"default\"}\nnot json\n{}\n");
    r = run(argv, NULL);
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "memory-history.jsonl' line 2") != NULL, "%s", r.err);
    mg_run_release(&r);
}

Test(cli_accept, a_result_with_accepted_rows_can_be_posted_later)
{
    const char *check[] = {"check",    mg_testdata(REGRESSED),
                           "--accept", "ops: new cache",
                           "--format", "json",
                           "--output", "r.json",
                           NULL};
    const char *post[] = {"post", "--dry-run", "r.json", NULL};
    mg_run r;
    record(BASE, NULL, "aaaa1111");
    r = run(check, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    r = run(post, NULL);
    cr_expect_eq(r.status, 0, "memgate post must read its own results: %s", r.err);
    cr_expect(strstr(r.out, "accepted") != NULL, "%s", r.out);
    mg_run_release(&r);
}
