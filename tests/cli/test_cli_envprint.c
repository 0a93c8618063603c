/*
 * The environment fingerprint (issue 15 part 3): update-baseline records where
 * the numbers were measured, check compares and names what changed. Real
 * Valgrind DHAT runs of a threaded program (testdata/runs); the values a test
 * varies are injected (--env, runner variables), so no test depends on the
 * machine's kernel.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "run.h"

static char *dir;
static char base_path[4200], cfg_path[4200], prof[2][4200];

static void setup(void)
{
    dir = mg_tempdir();
    cr_assert_not_null(dir);
    snprintf(base_path, sizeof(base_path), "%s/base.json", dir);
    snprintf(cfg_path, sizeof(cfg_path), "%s/pmat.yaml", dir);
    snprintf(prof[0], sizeof(prof[0]), "%s", mg_testdata("runs/vgdhat-threads-baseline-run1.json"));
    snprintf(prof[1], sizeof(prof[1]), "%s",
             mg_testdata("runs/vgdhat-threads-regressed-run1.json"));
}

static void teardown(void)
{
    mg_remove_tempdir(dir);
    dir = NULL;
}

TestSuite(envprint, .init = setup, .fini = teardown);

/* memgate CMD PROFILE --baseline BASE [--no-config] extra... with env; returns the run. */
static mg_run memgate(const char *cmd, int which, const char *const *extra, const char *const *env,
                      bool config)
{
    const char *argv[32] = {cmd, prof[which], "--baseline", base_path};
    size_t n = 4;
    if (config) {
        argv[n++] = "--config";
        argv[n++] = cfg_path;
    } else {
        argv[n++] = "--no-config";
    }
    for (; extra && *extra; extra++)
        argv[n++] = *extra;
    return mg_run_memgate(argv, env, NULL);
}

static void record(const char *const *extra, const char *const *env)
{
    const char *args[16] = {"--approve"};
    size_t n = 1;
    mg_run r;
    for (; extra && *extra; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    r = memgate("update-baseline", 0, args, env, false);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

static json_t *recorded_env(void)
{
    json_t *b = json_load_file(base_path, 0, NULL), *e;
    cr_assert_not_null(b);
    e = json_incref(json_object_get(b, "environment"));
    json_decref(b);
    return e;
}

static const char *sval(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* check REGRESSED --format json with env and extra flags; the parsed report. */
static json_t *check_json(const char *const *extra, const char *const *env, bool config,
                          int *status)
{
    const char *args[16] = {"--format", "json"};
    size_t n = 2;
    mg_run r;
    json_t *j;
    for (; extra && *extra; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    r = memgate("check", 1, args, env, config);
    *status = r.status;
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "exit %d: %s", r.status, r.err);
    mg_run_release(&r);
    return j;
}

static json_t *notice_of(json_t *j, const char *kind)
{
    json_t *n;
    size_t i;
    json_array_foreach(json_object_get(j, "notices"), i,
                       n) if (!strcmp(sval(n, "kind"), kind)) return n;
    return NULL;
}

static const char *peak_status(json_t *j)
{
    json_t *row;
    size_t i;
    json_array_foreach(
        json_object_get(j, "metrics"), i,
        row) if (!strcmp(sval(row, "metric"), "peak_memory_bytes")) return sval(row, "status");
    return NULL;
}

Test(envprint, update_baseline_records_the_machine_the_runner_and_user_keys)
{
    const char *env[] = {"ImageOS=ubuntu22", "ImageVersion=20261124.1", "RUNNER_ARCH=X64", NULL};
    const char *extra[] = {"--env", "toolchain=gcc 12.2", "--env", "build=release", NULL};
    struct utsname u;
    char cpus[16];
    json_t *e;

    record(extra, env);
    e = recorded_env();
    cr_assert(json_is_object(e), "the baseline has an environment object");
    /* measured by the test itself, not hard-coded: the same on any machine */
    cr_assert_eq(uname(&u), 0);
    cr_expect_str_eq(sval(e, "os"), u.sysname);
    cr_expect_str_eq(sval(e, "kernel"), u.release);
    cr_expect_str_eq(sval(e, "arch"), u.machine);
    snprintf(cpus, sizeof(cpus), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
    cr_expect_str_eq(sval(e, "cpus"), cpus);
#ifdef __GLIBC__
    {
        char libc[64];
        snprintf(libc, sizeof(libc), "glibc %s", gnu_get_libc_version());
        cr_expect_str_eq(sval(e, "libc"), libc);
    }
#endif
    cr_expect_str_eq(sval(e, "runner.image"), "ubuntu22");
    cr_expect_str_eq(sval(e, "runner.image_version"), "20261124.1");
    cr_expect_str_eq(sval(e, "runner.arch"), "X64");
    cr_expect_str_eq(sval(e, "producer"), "valgrind-dhat");
    cr_expect_str_eq(sval(e, "toolchain"), "gcc 12.2");
    cr_expect_str_eq(sval(e, "build"), "release");
    cr_expect_null(json_object_get(e, "runner.os"), "RUNNER_OS was not set");
    json_decref(e);
}

Test(envprint, gitlab_runner_keys_and_an_env_flag_replaces_a_measured_key)
{
    const char *env[] = {"CI_JOB_IMAGE=debian:bookworm", "CI_RUNNER_DESCRIPTION=shared-runner-7",
                         "CI_RUNNER_VERSION=17.5.0", "CI_RUNNER_EXECUTABLE_ARCH=linux/arm64", NULL};
    const char *extra[] = {"--env", "kernel=6.1.0-18-amd64", NULL};
    json_t *e;
    record(extra, env);
    e = recorded_env();
    cr_expect_str_eq(sval(e, "runner.image"), "debian:bookworm");
    cr_expect_str_eq(sval(e, "runner.description"), "shared-runner-7");
    cr_expect_str_eq(sval(e, "runner.version"), "17.5.0");
    cr_expect_str_eq(sval(e, "runner.arch"), "linux/arm64");
    cr_expect_str_eq(sval(e, "kernel"), "6.1.0-18-amd64");
    json_decref(e);
}

Test(envprint, the_same_environment_changes_nothing_and_a_regression_fails)
{
    const char *env[] = {"ImageOS=ubuntu22", NULL};
    int status;
    json_t *j;
    record(NULL, env);
    j = check_json(NULL, env, false, &status);
    cr_expect_eq(status, 1, "a regression in the same environment fails");
    cr_expect_str_eq(peak_status(j), "fail");
    cr_expect_null(notice_of(j, "environment"));
    cr_expect(json_is_false(json_object_get(json_object_get(j, "environment"), "changed")));
    json_decref(j);
}

Test(envprint, a_changed_runner_image_turns_the_regression_into_a_labelled_warning)
{
    const char *before[] = {"ImageOS=ubuntu22", NULL}, *after[] = {"ImageOS=ubuntu24", NULL};
    const char *extra[] = {"--env", "kernel=6.1.0-18-amd64", NULL};
    const char *now[] = {"--env", "kernel=6.1.0-25-amd64", NULL};
    json_t *j, *e, *c, *n;
    int status;
    record(extra, before);
    j = check_json(now, after, false, &status);
    cr_expect_eq(status, 0, "the environment changed: a warning, exit 0");
    cr_expect_str_eq(sval(j, "verdict"), "warn");
    cr_expect_str_eq(peak_status(j), "warn");
    e = json_object_get(j, "environment");
    cr_expect(json_is_true(json_object_get(e, "changed")));
    cr_expect_str_eq(sval(e, "on_change"), "warn");
    cr_assert_eq(json_array_size(json_object_get(e, "changes")), 2, "runner.image and kernel");
    c = json_array_get(json_object_get(e, "changes"), 0);
    cr_expect_str_eq(sval(c, "key"), "kernel");
    cr_expect_str_eq(sval(c, "baseline"), "6.1.0-18-amd64");
    cr_expect_str_eq(sval(c, "current"), "6.1.0-25-amd64");
    c = json_array_get(json_object_get(e, "changes"), 1);
    cr_expect_str_eq(sval(c, "key"), "runner.image");
    cr_expect_str_eq(sval(c, "baseline"), "ubuntu22");
    cr_expect_str_eq(sval(c, "current"), "ubuntu24");
    n = notice_of(j, "environment");
    cr_assert_not_null(n);
    cr_expect(strstr(sval(n, "title"), "environment changed"));
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(n, "lines"), 1)),
                     "runner.image: baseline 'ubuntu22', this run 'ubuntu24'");
    json_decref(j);
}

/* Every report lists what changed: text, Markdown (the comment) and JUnit. */
Test(envprint, every_report_lists_the_change)
{
    const char *before[] = {"ImageOS=ubuntu22", NULL}, *after[] = {"ImageOS=ubuntu24", NULL};
    const char *formats[] = {"text", "markdown", "junit"};
    record(NULL, before);
    for (size_t i = 0; i < 3; i++) {
        const char *args[] = {"--format", formats[i], NULL};
        mg_run r = memgate("check", 1, args, after, false);
        cr_expect_eq(r.status, 0, "%s: %s", formats[i], r.err);
        cr_expect(strstr(r.out, "environment changed"), "%s:\n%s", formats[i], r.out);
        cr_expect(strstr(r.out, "runner.image: baseline") && strstr(r.out, "ubuntu24"), "%s:\n%s",
                  formats[i], r.out);
        mg_run_release(&r);
    }
}

Test(envprint, on_change_fail_keeps_the_failure_and_ignore_says_nothing)
{
    const char *before[] = {"ImageOS=ubuntu22", NULL}, *after[] = {"ImageOS=ubuntu24", NULL};
    const char *ignore[] = {"--on-env-change", "ignore", NULL};
    json_t *j;
    int status;
    record(NULL, before);
    cr_assert_eq(mg_spit(cfg_path, "memgate:\n  environment:\n    on_change: fail\n"), 0);
    j = check_json(NULL, after, true, &status);
    cr_expect_eq(status, 1, "on_change: fail keeps the regression a failure");
    cr_expect_str_eq(peak_status(j), "fail");
    cr_expect_not_null(notice_of(j, "environment"), "and still says the environment changed");
    json_decref(j);
    j = check_json(ignore, after, true, &status);
    cr_expect_eq(status, 1, "the flag wins over the file");
    cr_expect_null(notice_of(j, "environment"));
    cr_expect_str_eq(sval(json_object_get(j, "environment"), "on_change"), "ignore");
    json_decref(j);
}

Test(envprint, a_ceiling_still_fails_in_a_changed_environment)
{
    const char *before[] = {"ImageOS=ubuntu22", NULL}, *after[] = {"ImageOS=ubuntu24", NULL};
    const char *ceiling[] = {"--limit", "peak=<=600KiB", NULL};
    json_t *j;
    int status;
    record(NULL, before);
    j = check_json(ceiling, after, false, &status);
    cr_expect_eq(status, 1, "a ceiling is absolute");
    cr_expect_str_eq(peak_status(j), "fail");
    json_decref(j);
}

Test(envprint, an_older_baseline_without_a_fingerprint_changes_nothing)
{
    json_t *b, *j;
    int status;
    record(NULL, NULL);
    b = json_load_file(base_path, 0, NULL);
    cr_assert_not_null(b);
    cr_assert_eq(json_object_del(b, "environment"), 0);
    cr_assert_eq(json_dump_file(b, base_path, JSON_INDENT(2)), 0);
    json_decref(b);
    j = check_json(NULL, NULL, false, &status);
    cr_expect_eq(status, 1, "nothing to compare with: the regression fails as before");
    cr_expect_str_eq(peak_status(j), "fail");
    cr_expect_null(notice_of(j, "environment"), "no warning, no notice: nothing to compare");
    cr_expect(json_is_false(json_object_get(json_object_get(j, "environment"), "recorded")));
    json_decref(j);
}

Test(envprint, a_bad_env_flag_or_policy_is_a_usage_error)
{
    const char *bad_env[] = {"--env", "no equals sign", NULL};
    const char *bad_policy[] = {"--on-env-change", "wran", NULL};
    mg_run r = memgate("update-baseline", 0, bad_env, NULL, false);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "KEY=VALUE"), "%s", r.err);
    mg_run_release(&r);
    r = memgate("check", 1, bad_policy, NULL, false);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "did you mean 'warn'"), "%s", r.err);
    mg_run_release(&r);
}
