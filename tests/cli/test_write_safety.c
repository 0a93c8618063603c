/*
 * Files memgate writes (baseline, history, lock) are never written through a symbolic link,
 * paths that .pmat.yaml (which a pull request can edit) names stay inside the repository, and
 * no lock file is left in the work tree (issue 13 #4).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "run.h"

#define BASE "profiles/dhatrs-wordfreq-baseline-debug.json"

static char *outside; /* a second directory, outside the repository */

static void enter_tempdir(void)
{
    mg_enter_tempdir();
    outside = mg_tempdir();
}

static void leave_tempdir(void)
{
    mg_leave_tempdir();
    free(outside);
}

TestSuite(write_safety, .init = enter_tempdir, .fini = leave_tempdir);

static const char *out_path(const char *name)
{
    static char buf[4][4096];
    static int i;
    char *b = buf[i++ % 4];
    snprintf(b, 4096, "%s/%s", outside, name);
    return b;
}

static mg_run update(const char *extra1, const char *extra2)
{
    const char *argv[] = {"update-baseline", mg_testdata(BASE), "--approve", extra1, extra2, NULL};
    return mg_run_memgate(argv, NULL, NULL);
}

static void expect_file(const char *path, const char *text)
{
    char *got = mg_slurp(path, NULL);
    cr_assert_not_null(got, "%s is gone", path);
    cr_expect_str_eq(got, text, "%s was changed", path);
    free(got);
}

static bool is_symlink(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

Test(write_safety, history_symlink_is_refused_and_its_target_untouched)
{
    mg_run r;
    cr_assert_eq(mg_spit(out_path("bashrc"), "echo hello\nno newline at the end"), 0);
    cr_assert_eq(mkdir(".pmat-metrics", 0755), 0);
    cr_assert_eq(symlink(out_path("bashrc"), ".pmat-metrics/memory-history.jsonl"), 0);
    r = update(NULL, NULL);
    cr_expect_neq(r.status, 0, "%s", r.out);
    cr_expect(strstr(r.err, "symbolic link"), "%s", r.err);
    /* the torn-tail repair did not truncate it, nothing was appended */
    expect_file(out_path("bashrc"), "echo hello\nno newline at the end");
    cr_expect_eq(access(".pmat-metrics/memory-baseline.json", F_OK), -1,
                 "the baseline was written although the history append failed");
    mg_run_release(&r);
}

Test(write_safety, baseline_symlink_is_refused)
{
    mg_run r;
    cr_assert_eq(mg_spit(out_path("target.json"), "{\"peak_memory_bytes\": 999999999}\n"), 0);
    cr_assert_eq(mkdir(".pmat-metrics", 0755), 0);
    cr_assert_eq(symlink(out_path("target.json"), ".pmat-metrics/memory-baseline.json"), 0);
    r = update(NULL, NULL);
    cr_expect_neq(r.status, 0, "%s", r.out);
    cr_expect(strstr(r.err, "symbolic link"), "%s", r.err);
    cr_expect(is_symlink(".pmat-metrics/memory-baseline.json"));
    expect_file(out_path("target.json"), "{\"peak_memory_bytes\": 999999999}\n");
    cr_expect_eq(access(".pmat-metrics/memory-history.jsonl", F_OK), -1);
    mg_run_release(&r);
}

Test(write_safety, a_directory_symlink_out_of_the_repository_is_refused)
{
    mg_run r;
    cr_assert_eq(symlink(outside, ".pmat-metrics"), 0);
    r = update(NULL, NULL);
    cr_expect_eq(r.status, 2, "%s%s", r.out, r.err);
    cr_expect(strstr(r.err, "outside the repository"), "%s", r.err);
    cr_expect_eq(access(out_path("memory-baseline.json"), F_OK), -1);
    cr_expect_eq(access(out_path("memory-history.jsonl"), F_OK), -1);
    mg_run_release(&r);
}

Test(write_safety, configured_paths_stay_inside_the_repository)
{
    char cfg[8192];
    const char *key[] = {"history", "baseline", "history", "baseline"};
    const char *val[] = {out_path("planted"), out_path("planted"), "../escape.jsonl",
                         "sub/../../escape.json"};
    for (size_t i = 0; i < sizeof(key) / sizeof(*key); i++) {
        char line[4200];
        mg_run r;
        snprintf(line, sizeof(line), "%s: %s", key[i], val[i]);
        snprintf(cfg, sizeof(cfg), "memgate:\n  %s\n", line);
        cr_assert_eq(mg_spit(".pmat.yaml", cfg), 0);
        r = update(NULL, NULL);
        cr_expect_eq(r.status, 2, "%s: %s%s", line, r.out, r.err);
        cr_expect(strstr(r.err, "outside the repository"), "%s: %s", line, r.err);
        cr_expect_eq(access(out_path("planted"), F_OK), -1, "%s", line);
        mg_run_release(&r);
    }
    /* given on the command line, any path is the caller's choice */
    {
        mg_run r;
        unlink(".pmat.yaml");
        r = update("--history", out_path("chosen.jsonl"));
        cr_expect_eq(r.status, 0, "%s", r.err);
        cr_expect_eq(access(out_path("chosen.jsonl"), F_OK), 0);
        mg_run_release(&r);
    }
}

Test(write_safety, no_lock_file_is_left_in_the_work_tree)
{
    mg_run r = update(NULL, NULL);
    DIR *d;
    struct dirent *de;
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    cr_assert_not_null(d = opendir(".pmat-metrics"));
    while ((de = readdir(d)) != NULL)
        cr_expect(!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
                      !strcmp(de->d_name, "memory-baseline.json") ||
                      !strcmp(de->d_name, "memory-history.jsonl"),
                  "left behind: %s", de->d_name);
    closedir(d);
}
