/*
 * What a newcomer meets first: help texts and report tables that fit 80 columns, limits shown
 * in the units they were written in, and output that does not depend on the time zone.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privilege.h"
#include "fixtures.h"
#include "run.h"

#define BASE "profiles/dhatrs-wordfreq-baseline-debug.json"
#define REGRESSED "profiles/dhatrs-wordfreq-regressed-debug.json"

TestSuite(usability, .init = mg_enter_tempdir, .fini = mg_leave_tempdir);

/* Every line of text at most 80 columns (bytes: the texts are ASCII). */
static void expect_width(const char *what, const char *text)
{
    const char *line = text;
    while (*line) {
        size_t len = strcspn(line, "\n");
        cr_expect_leq(len, 80, "%s: %zu columns: %.*s", what, len, (int)len, line);
        line += len + (line[len] == '\n');
    }
}

Test(usability, every_help_text_fits_80_columns)
{
    static const char *const commands[] = {
        "show", "check", "update-baseline", "diff", "trend", "comply", "init", "post", NULL};
    const char *top[] = {"--help", NULL}, *hot[] = {"--help-hotspots", NULL};
    mg_run r = mg_run_memgate(top, NULL, NULL);
    cr_expect_eq(r.status, 0);
    expect_width("memgate --help", r.out);
    mg_run_release(&r);
    r = mg_run_memgate(hot, NULL, NULL);
    expect_width("memgate --help-hotspots", r.out);
    mg_run_release(&r);
    for (const char *const *c = commands; *c; c++) {
        const char *argv[] = {*c, "--help", NULL};
        r = mg_run_memgate(argv, NULL, NULL);
        cr_expect_eq(r.status, 0, "%s --help: %s", *c, r.err);
        cr_expect(strlen(r.out) > 200, "%s --help is empty", *c);
        expect_width(*c, r.out);
        mg_run_release(&r);
    }
}

Test(usability, help_keeps_an_option_and_its_description_together)
{
    const char *argv[] = {"check", "--help", NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    /* the long line is refilled under the description column, words whole */
    cr_expect(strstr(r.out, "  --input-format NAME   skip detection: dhat-json, dhat-text, "
                            "heaptrack,\n                        heaptrack-print, massif,") != NULL,
              "%s", r.out);
    mg_run_release(&r);
}

static void record(const char *rel)
{
    const char *argv[] = {"update-baseline", mg_testdata(rel), "--approve", NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
}

Test(usability, a_ceiling_reads_as_written_and_the_table_stays_in_80_columns)
{
    const char *argv[] = {"check",   mg_testdata(REGRESSED), "--max", "peak=500MB",
                          "--limit", "total=+5%&<=1.5GiB",   NULL};
    mg_run r;
    record(BASE);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 1, "%s", r.err);
    /* the ceiling continues under the limit column, in the user's unit (500 MB, not 477 MiB) */
    cr_expect(strstr(r.out, "+10% & +64.0 KiB  FAIL\n"
                            "                                      "
                            "               & <=500 MB\n") != NULL,
              "%s", r.out);
    cr_expect(strstr(r.out, "+5% & <=1.5 GiB   FAIL\n") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "477 MiB") == NULL, "%s", r.out);
    /* the growth sentence names the growth terms only: the ceiling did not trip */
    cr_expect(strstr(r.out, "more than the fail limit +10% &\n    +64.0 KiB\n") != NULL, "%s",
              r.out);
    cr_expect(strstr(r.out, "more than the fail limit\n    +5%\n") != NULL, "%s", r.out);
    {
        const char *line = r.out;
        while (*line) {
            size_t len = strcspn(line, "\n");
            /* the one line allowed over 80 columns holds the profile path alone */
            if (!strstr(line, "testdata/profiles/") || len - strlen(mg_testdata(REGRESSED)) > 80)
                cr_expect_leq(len, 80, "%.*s", (int)len, line);
            line += len + (line[len] == '\n');
        }
    }
    mg_run_release(&r);
}

Test(usability, a_ceiling_that_trips_is_named_with_its_unit)
{
    const char *argv[] = {"check", mg_testdata(REGRESSED), "--max", "peak=10MB", NULL};
    mg_run r;
    record(BASE);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect(strstr(r.out, "peak_memory_bytes is 17.7 MiB, above the fail ceiling <=10 MB") !=
                  NULL,
              "%s", r.out);
    mg_run_release(&r);
}

Test(usability, reports_do_not_depend_on_the_time_zone_or_terminal_width)
{
    const char *argv[] = {"check", mg_testdata(REGRESSED), "--format", "json", NULL};
    const char *east[] = {"TZ=Pacific/Kiritimati", "COLUMNS=20", "SOURCE_DATE_EPOCH=1767225600",
                          NULL};
    const char *west[] = {"TZ=America/Adak", "COLUMNS=300", "SOURCE_DATE_EPOCH=1767225600", NULL};
    const char *ub[] = {"update-baseline", mg_testdata(BASE), "--approve", NULL};
    mg_run a, b, r = mg_run_memgate(ub, east, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    mg_run_release(&r);
    a = mg_run_memgate(argv, east, NULL);
    b = mg_run_memgate(argv, west, NULL);
    cr_expect_eq(a.status, 1, "%s", a.err);
    cr_expect_str_eq(a.out, b.out);
    cr_expect(strstr(a.out, "2026-01-01T00:00:00Z") != NULL, "UTC, not local time: %s", a.out);
    mg_run_release(&a);
    mg_run_release(&b);
}

/* ---- the command line ---- */

static void expect_usage(const char *const *argv, const char *fragment)
{
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 2, "%s: exit %d: %s", argv[0], r.status, r.err);
    cr_expect(strstr(r.err, fragment) != NULL, "'%s' not in: %s", fragment, r.err);
    mg_run_release(&r);
}

Test(usability, typos_get_a_did_you_mean)
{
    const char *cmd[] = {"chek", "x.json", NULL};
    const char *opt[] = {"check", "x.json", "--limt", "peak=+5%", NULL};
    const char *opt2[] = {"show", "--formt", "json", "x.json", NULL};
    const char *fmt[] = {"check", "x.json", "--format", "jsn", NULL};
    const char *value[] = {"check", "x.json", "--limit", NULL};
    const char *far[] = {"check", "x.json", "--frobnicate", NULL};
    expect_usage(cmd, "unknown command 'chek' (did you mean 'check'?)");
    expect_usage(opt, "unknown option '--limt' (did you mean '--limit'?)");
    expect_usage(opt2, "unknown option '--formt' (did you mean '--format'?)");
    expect_usage(fmt, "unknown report format 'jsn' (did you mean 'json'?)");
    expect_usage(value, "option '--limit' needs a value");
    expect_usage(far, "unknown option '--frobnicate' (see --help)");
}

Test(usability, output_before_or_after_its_format)
{
    const char *before[] = {
        "check", mg_testdata(REGRESSED), "--output", "a.json", "--format", "json", NULL};
    const char *after[] = {"check",    mg_testdata(REGRESSED),
                           "--format", "markdown",
                           "--output", "b.md",
                           "--format", "json",
                           NULL};
    char *text;
    mg_run r;
    record(BASE);
    r = mg_run_memgate(before, NULL, NULL);
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect_str_eq(r.out, "", "nothing on stdout: the one report went to a.json");
    text = mg_slurp("a.json", NULL);
    cr_expect(text && strstr(text, "\"schema\": \"memgate/result/v1\""), "a.json: %s", text);
    free(text);
    mg_run_release(&r);
    r = mg_run_memgate(after, NULL, NULL);
    text = mg_slurp("b.md", NULL);
    cr_expect(text && strncmp(text, "### ", 4) == 0, "b.md is markdown: %s", text);
    cr_expect(strstr(r.out, "\"schema\"") != NULL, "json on stdout: %s", r.out);
    free(text);
    mg_run_release(&r);
}

Test(usability, an_output_without_its_format_is_an_error)
{
    const char *stray[] = {"check",    mg_testdata(REGRESSED),
                           "--format", "json",
                           "--output", "a.json",
                           "--output", "b.json",
                           NULL};
    const char *twice[] = {"check", mg_testdata(REGRESSED), "--output", "a", "--output", "b", NULL};
    const char *same[] = {"check",    mg_testdata(REGRESSED),
                          "--format", "json",
                          "--output", "r",
                          "--format", "markdown",
                          "--output", "r",
                          NULL};
    expect_usage(stray, "--output 'b.json' belongs to no --format");
    expect_usage(twice, "--output 'a' and --output 'b' with no --format between them");
    expect_usage(same, "--format json and --format markdown both write to 'r'");
}

/* ---- inputs that are not profiles ---- */

static void expect_not_profile(const char *path, const char *fragment)
{
    const char *argv[] = {"show", path, NULL};
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 3, "%s: %s", path, r.err);
    cr_expect(strstr(r.err, fragment) != NULL, "'%s' not in: %s", fragment, r.err);
    mg_run_release(&r);
}

Test(usability, memgate_files_and_testing_mode_logs_are_named)
{
    const char *json[] = {"check", mg_testdata(REGRESSED), "--format", "json", "--output", "r.json",
                          NULL};
    mg_run r;
    record(BASE);
    r = mg_run_memgate(json, NULL, NULL);
    mg_run_release(&r);
    expect_not_profile(".pmat-metrics/memory-baseline.json",
                       "this is a memgate baseline, not a profile: give it as --baseline");
    expect_not_profile(".pmat-metrics/memory-history.jsonl", "this is memgate's baseline history");
    expect_not_profile("r.json", "this is a memgate result");
    expect_not_profile(mg_testdata("profiles/dhatrs-heapcheck-testing-pass-debug.stderr.txt"),
                       "dhat-rs testing-mode run");
    /* anything else keeps the general message */
    cr_assert_eq(mg_spit("notes.txt", "hello\n"), 0);
    expect_not_profile("notes.txt", "dhat text needs a 'dhat: Total:' line");
}

/* ---- where the baseline goes ---- */

Test(usability, a_baseline_in_a_new_directory_creates_it)
{
    const char *argv[] = {"update-baseline",
                          mg_testdata(BASE),
                          "--approve",
                          "--baseline",
                          "perf/memory/base line.json",
                          NULL};
    struct stat st;
    mg_run r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_eq(stat("perf/memory/base line.json", &st), 0);
    mg_run_release(&r);
}

Test(usability, the_directory_in_the_way_is_named)
{
    const char *argv[] = {"update-baseline", mg_testdata(BASE),          "--approve",
                          "--baseline",      "plain-file/sub/base.json", NULL};
    mg_run r;
    cr_assert_eq(mg_spit("plain-file", "x"), 0);
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 4, "%s", r.err);
    cr_expect(strstr(r.err, "'plain-file': is not a directory") != NULL, "%s", r.err);
    cr_expect(strstr(r.err, ".lock") == NULL, "the lock file is not the cause: %s", r.err);
    mg_run_release(&r);
}

Test(usability, an_unwritable_directory_is_named_not_the_lock_file)
{
    const char *argv[] = {"update-baseline", mg_testdata(BASE), "--approve",
                          "--baseline",      "ro/base.json",    NULL};
    mg_run r;
    cr_assert_eq(mkdir("ro", 0555), 0);
    mg_unprivileged_children(); /* root ignores directory permissions */
    r = mg_run_memgate(argv, NULL, NULL);
    cr_expect_eq(r.status, 4, "%s", r.err);
    cr_expect(strstr(r.err, "'ro': directory is not writable") != NULL, "%s", r.err);
    mg_run_release(&r);
}
